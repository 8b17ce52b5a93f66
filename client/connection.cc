#include "client/connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace dyadtone {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(what, ": cannot open ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(what, ": cannot read ", path));
  }
  return std::move(text).str();
}

// Reads a PEM file and checks that it holds the expected block, so that a
// swapped or wrong file is reported here rather than as a failed handshake.
// (The server parses its files fully; a client stays free of OpenSSL.)
absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view what,
                                    absl::string_view block_end) {
  absl::StatusOr<std::string> text = ReadFile(path, what);
  if (!text.ok()) return text;
  if (!absl::StrContains(*text, block_end)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", path, ": no PEM block ending in \"", block_end, "\""));
  }
  return text;
}

absl::StatusOr<grpc::SslCredentialsOptions> TlsFiles(
    const ConnectionOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs its key: set both --tls-cert and "
        "--tls-key, or neither");
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem(options.tls_ca_file, "TLS CA", "CERTIFICATE-----");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
  }
  if (!options.tls_cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPem(options.tls_cert_file, "TLS certificate", "CERTIFICATE-----");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadPem(options.tls_key_file, "TLS key", "PRIVATE KEY-----");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return ssl;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const std::string& target, const ConnectionOptions& options) {
  grpc::ChannelArguments args;
  if (options.max_receive_message_bytes > 0) {
    args.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  }
  if (!options.UsesTls()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                     args);
  }
  absl::StatusOr<grpc::SslCredentialsOptions> ssl = TlsFiles(options);
  if (!ssl.ok()) return ssl.status();
  if (!options.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls_server_name);
  }
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(*ssl), args);
}

absl::Status CheckBearerToken(absl::string_view token,
                              absl::string_view source) {
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no token"));
  }
  for (size_t i = 0; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": character ", i + 1, " of the token is not visible ASCII"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "token file");
  if (!text.ok()) return text.status();
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const absl::string_view token =
        line.substr(0, std::min(line.find_first_of(" \t"), line.size()));
    if (absl::Status s = CheckBearerToken(token, path); !s.ok()) return s;
    return std::string(token);
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": no token in it"));
}

bool IsLocalTarget(absl::string_view target) {
  if (absl::StartsWith(target, "unix:") ||
      absl::StartsWith(target, "unix-abstract:")) {
    return true;
  }
  for (absl::string_view scheme : {"dns:///", "dns:", "ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&target, scheme)) break;
  }
  absl::string_view host = target;
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else if (size_t colon = host.rfind(':');
             colon != absl::string_view::npos &&
             host.find(':') == colon) {  // host:port, not a bare IPv6
    host = host.substr(0, colon);
  }
  return absl::EqualsIgnoreCase(host, "localhost") || host == "::1" ||
         absl::StartsWith(host, "127.");
}

}  // namespace dyadtone
