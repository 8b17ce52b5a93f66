// The server's security settings: TLS or mutual TLS on the listening port,
// and bearer tokens for the calls (auth.h). By default the port is
// plaintext and every call is open, as before these options existed.

#ifndef DYADTONE_SERVICE_SERVER_SECURITY_H_
#define DYADTONE_SERVICE_SERVER_SECURITY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "service/server/auth.h"

namespace dyadtone {

struct SecurityOptions {
  // PEM file of the server's certificate (chain); with tls_key_file turns
  // TLS on. Both or neither. Default: none (plaintext).
  std::string tls_cert_file;
  // PEM file of the private key of tls_cert_file (not encrypted).
  std::string tls_key_file;
  // PEM file of the CAs that sign client certificates. When set, every
  // client must present a certificate one of them signed (mutual TLS), even
  // for the health service. Needs TLS. Default: none.
  std::string tls_client_ca_file;
  // The token file (auth.h). When set, writes need a token. Default: none.
  std::string auth_token_file;
  // Whether reads need a token too. kToken needs auth_token_file.
  ReadAccess auth_reads = ReadAccess::kOpen;
  // How often, in seconds, gRPC's file watcher reads the three TLS files
  // again, so that a renewed certificate (a Kubernetes Secret updated in
  // place, say) serves new connections without a restart. The key and the
  // certificate must change together: gRPC 1.51 does not check that they
  // match. 0: read once at startup.
  int tls_reload_seconds = 60;

  bool tls() const { return !tls_cert_file.empty(); }
};

// The credentials of the listening port: TLS from the PEM files, checked
// here so that a bad file is a clear error naming it (unreadable, no
// certificate, a key that is not the certificate's, an expired
// certificate), or plaintext. Also rejects inconsistent options.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const SecurityOptions& options);

// The token file's tokens, or null when no token file is set.
absl::StatusOr<std::shared_ptr<TokenHolder>> MakeTokenHolder(
    const SecurityOptions& options);

// Loads and checks everything the two functions above would, so that a
// server can refuse a bad setting before it opens its store.
absl::Status CheckSecurityOptions(const SecurityOptions& options);

// For the startup log: "plaintext", "tls" or "mutual tls".
std::string TransportName(const SecurityOptions& options);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_SECURITY_H_
