// How a client reaches dyadtoned: a plaintext or TLS channel (with a client
// certificate for mutual TLS), and the bearer token it presents.
//
//   ConnectionOptions options;
//   options.tls_ca_file = "ca.pem";
//   absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
//       OpenChannel("db.example.org:50051", options);
//   absl::StatusOr<std::string> token = ReadTokenFile("dyadtone.token");
//   ToneClient client(*channel, absl::Seconds(30), *token);
//
// The token goes as per-call metadata (ToneClient), not as gRPC call
// credentials: gRPC refuses call credentials on a plaintext channel, and a
// server behind a TLS-terminating proxy or on loopback is reached in
// plaintext. The CLI warns when a token would leave the machine unencrypted.

#ifndef DYADTONE_CLIENT_CONNECTION_H_
#define DYADTONE_CLIENT_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"

namespace dyadtone {

struct ConnectionOptions {
  // TLS, trusting the system's root CAs unless tls_ca_file is set. Setting
  // any tls_* field below turns TLS on too. Default: plaintext.
  bool tls = false;
  // PEM file of the CAs trusted to sign the server's certificate.
  std::string tls_ca_file;
  // PEM files of a client certificate and its key, for mutual TLS: both or
  // neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name the server's certificate must carry, instead of the target's
  // host (for tests, or an address the certificate does not name).
  std::string tls_server_name;
  // Largest response accepted, in bytes (0: gRPC's default, 4 MiB).
  int max_receive_message_bytes = 0;

  bool UsesTls() const {
    return tls || !tls_ca_file.empty() || !tls_cert_file.empty() ||
           !tls_key_file.empty() || !tls_server_name.empty();
  }
};

// A channel to `target`. Errors name the file that cannot be read or holds
// no PEM certificate or key, or the inconsistent options; connecting
// happens on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const std::string& target, const ConnectionOptions& options);

// The first token in a token file, in the server's format (one token a
// line, blank lines and "#" comments ignored), so that a client may be
// given the server's file. Errors name the file, never the token.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// InvalidArgument unless `token` can travel as "authorization: Bearer
// <token>": non-empty visible ASCII. `source` names where it came from.
absl::Status CheckBearerToken(absl::string_view token,
                              absl::string_view source);

// Whether `target` is on this machine (loopback address, localhost, or a
// unix socket), where a plaintext token does not cross a network.
bool IsLocalTarget(absl::string_view target);

}  // namespace dyadtone

#endif  // DYADTONE_CLIENT_CONNECTION_H_
