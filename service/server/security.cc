#include "service/server/security.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "service/engine/spec_reader.h"

namespace dyadtone {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyFree>;

// Without it OpenSSL would prompt on the terminal for an encrypted key's
// passphrase.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The reason of OpenSSL's last error, then clears its error queue.
std::string TakeOpenSslError() {
  const unsigned long e = ERR_peek_last_error();
  const char* reason = ERR_reason_error_string(e);
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

Bio MemoryBio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        absl::string_view what) {
  std::string text;
  if (absl::Status s = ReadFileToString(path, &text); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
  }
  return text;
}

// Every certificate of a PEM file; at least one.
absl::StatusOr<std::vector<Certificate>> ParseCertificates(
    const std::string& pem, absl::string_view where) {
  ERR_clear_error();
  Bio bio = MemoryBio(pem);
  std::vector<Certificate> certs;
  while (X509* x =
             PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)) {
    certs.emplace_back(x);
  }
  // Running out of PEM blocks ends the loop with "no start line"; any other
  // error is a damaged block.
  const unsigned long e = ERR_peek_last_error();
  if (e != 0 && !(ERR_GET_LIB(e) == ERR_LIB_PEM &&
                  ERR_GET_REASON(e) == PEM_R_NO_START_LINE)) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": a damaged PEM certificate (", TakeOpenSslError(), ")"));
  }
  ERR_clear_error();
  if (certs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it"));
  }
  return certs;
}

absl::StatusOr<PrivateKey> ParsePrivateKey(const std::string& pem,
                                           absl::string_view where) {
  ERR_clear_error();
  Bio bio = MemoryBio(pem);
  PrivateKey key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key != nullptr) return key;
  if (absl::StrContains(pem, "ENCRYPTED")) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        where,
        ": the private key is encrypted; gRPC needs it unencrypted "
        "(openssl pkey -in KEY -out PLAIN)"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      where, ": no readable PEM private key in it (", TakeOpenSslError(), ")"));
}

// Rejects an expired leaf certificate: no client would accept it.
absl::Status CheckNotExpired(X509* cert, absl::string_view where) {
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  if (X509_cmp_current_time(not_after) >= 0) return absl::OkStatus();
  Bio out(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(out.get(), not_after);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return absl::FailedPreconditionError(absl::StrCat(
      where, ": the certificate expired on ", absl::string_view(data, size)));
}

absl::Status CheckOptions(const SecurityOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        o.tls_cert_file.empty()
            ? absl::StrCat("TLS key ", o.tls_key_file,
                           " without a certificate: set --tls-cert too")
            : absl::StrCat("TLS certificate ", o.tls_cert_file,
                           " without its key: set --tls-key too"));
  }
  if (!o.tls_client_ca_file.empty() && !o.tls()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca needs TLS: set --tls-cert and --tls-key too");
  }
  if (o.auth_reads == ReadAccess::kToken && o.auth_token_file.empty()) {
    return absl::InvalidArgumentError(
        "--auth-reads=token needs --auth-token-file");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const SecurityOptions& options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  if (!options.tls()) return grpc::InsecureServerCredentials();

  const std::string cert_where =
      absl::StrCat("TLS certificate ", options.tls_cert_file);
  const std::string key_where = absl::StrCat("TLS key ", options.tls_key_file);
  absl::StatusOr<std::string> cert_pem =
      ReadPemFile(options.tls_cert_file, "TLS certificate");
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem =
      ReadPemFile(options.tls_key_file, "TLS key");
  if (!key_pem.ok()) return key_pem.status();
  absl::StatusOr<std::vector<Certificate>> certs =
      ParseCertificates(*cert_pem, cert_where);
  if (!certs.ok()) return certs.status();
  absl::StatusOr<PrivateKey> key = ParsePrivateKey(*key_pem, key_where);
  if (!key.ok()) return key.status();
  if (X509_check_private_key(certs->front().get(), key->get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(key_where, " is not the key of the ", cert_where));
  }
  if (absl::Status s = CheckNotExpired(certs->front().get(), cert_where);
      !s.ok()) {
    return s;
  }

  const bool mutual = !options.tls_client_ca_file.empty();
  std::string ca_pem;
  if (mutual) {
    absl::StatusOr<std::string> pem =
        ReadPemFile(options.tls_client_ca_file, "TLS client CA");
    if (!pem.ok()) return pem.status();
    absl::StatusOr<std::vector<Certificate>> cas = ParseCertificates(
        *pem, absl::StrCat("TLS client CA ", options.tls_client_ca_file));
    if (!cas.ok()) return cas.status();
    ca_pem = *std::move(pem);
  }
  const grpc_ssl_client_certificate_request_type request =
      mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
             : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;

  if (options.tls_reload_seconds > 0) {
    // gRPC's file watcher reads the files again every interval (and again
    // when one changes while it reads). Checked above, the files it starts
    // with are good; later ones it takes as they are.
    auto provider =
        std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
            options.tls_key_file, options.tls_cert_file,
            options.tls_client_ca_file,
            static_cast<unsigned int>(options.tls_reload_seconds));
    grpc::experimental::TlsServerCredentialsOptions tls(provider);
    tls.watch_identity_key_cert_pairs();
    if (mutual) tls.watch_root_certs();
    tls.set_cert_request_type(request);
    return grpc::experimental::TlsServerCredentials(tls);
  }
  grpc::SslServerCredentialsOptions ssl(request);
  ssl.pem_key_cert_pairs.push_back({*key_pem, *cert_pem});
  ssl.pem_root_certs = ca_pem;
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<TokenHolder>> MakeTokenHolder(
    const SecurityOptions& options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  if (options.auth_token_file.empty()) return std::shared_ptr<TokenHolder>();
  absl::StatusOr<std::unique_ptr<TokenHolder>> tokens =
      TokenHolder::Load(options.auth_token_file, options.auth_reads);
  if (!tokens.ok()) return tokens.status();
  return std::shared_ptr<TokenHolder>(*std::move(tokens));
}

absl::Status CheckSecurityOptions(const SecurityOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options);
  if (!credentials.ok()) return credentials.status();
  return MakeTokenHolder(options).status();
}

std::string TransportName(const SecurityOptions& options) {
  if (!options.tls()) return "plaintext";
  return options.tls_client_ca_file.empty() ? "tls" : "mutual tls";
}

}  // namespace dyadtone
