#!/bin/sh
# Makes the certificates of the TLS tests with the openssl command, fresh for
# every run (nothing secret or expiring is checked in):
#
#   ca.pem ca.key                 the test CA
#   server.pem server.key         signed by it; SAN IP:127.0.0.1, DNS:localhost
#   client.pem client.key         a client certificate signed by it
#   other-ca.pem other-ca.key     an unrelated CA
#   wrong-client.pem wrong-client.key   a client certificate signed by other-ca
#   expired.pem                   server.key's certificate, expired yesterday
#
# Usage: make_test_certs.sh DIR   (DIR is created if needed; old files go)
set -eu
dir=${1:?usage: make_test_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
rm -f ./*.pem ./*.key  # wrong-client.pem, made last, says the set is whole

# P-256 keys: quick to make, and every TLS stack here takes them.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # NAME CN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 -out "$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
}

sign() {  # NAME KEY CN CA EXTENSIONS DAYS
  openssl req -new -key "$2" -subj "/CN=$3" -out "$1.csr"
  printf '%s\n' "$5" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" \
    -CAcreateserial -days "$6" -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

leaf() {  # NAME CN CA EXTENSIONS
  key "$1.key"
  sign "$1" "$1.key" "$2" "$3" "$4" 30
}

ca ca "dyadtone test CA"
ca other-ca "unrelated test CA"
server_ext="subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
leaf server localhost ca "$server_ext"
# -days -1: not valid after a day before it was made.
sign expired server.key localhost ca "$server_ext" -1
leaf client "test client" ca "extendedKeyUsage=clientAuth"
leaf wrong-client "wrong client" other-ca "extendedKeyUsage=clientAuth"
rm -f ./*.srl
