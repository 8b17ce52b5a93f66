// Bearer-token authorization of ToneService calls. The server accepts the
// tokens listed in a token file; a call presents one as
// "authorization: Bearer <token>" metadata. Calls that write (and any admin
// call) always need a token; reads need one only when the server closes
// them (--auth-reads=token).
//
// Token file format:
//
//   # Comments and blank lines are ignored.
//   9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//   2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae  # ci
//
// One token a line, optionally followed by a "#" comment: 16 to 4096
// visible ASCII characters, no spaces. Several tokens let clients move to a
// new token before the old one is removed; dyadtoned reads the file again
// on SIGHUP (TokenHolder).
//
// Tokens are kept only as SHA-256 digests and compared in constant time;
// no message of this file's functions ever contains a token.

#ifndef DYADTONE_SERVICE_SERVER_AUTH_H_
#define DYADTONE_SERVICE_SERVER_AUTH_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "service/server/request_log.h"

namespace dyadtone {

// What a call needs. Every ToneService handler declares one.
enum class Access {
  kRead,   // reads the store or only computes (ScoreArticle is a read)
  kWrite,  // changes the store or the server (IngestArticles, admin calls)
};

// Whether reads need a token too.
enum class ReadAccess {
  kOpen,   // anyone may read
  kToken,  // reads need a token like writes
};

// "open" or "token"; InvalidArgument otherwise.
absl::StatusOr<ReadAccess> ParseReadAccess(absl::string_view text);

// The metadata key, lower case as gRPC carries it.
inline constexpr char kAuthorizationKey[] = "authorization";

// Thread-safe and immutable once built.
class TokenAuthorizer {
 public:
  // Reads the token file. Errors name the file and line; a file that
  // cannot be read or lists no token is an error.
  static absl::StatusOr<std::unique_ptr<const TokenAuthorizer>> FromFile(
      const std::string& path, ReadAccess reads);
  // The same from the file's text; `name` stands for the file in errors.
  static absl::StatusOr<std::unique_ptr<const TokenAuthorizer>> FromText(
      absl::string_view text, absl::string_view name, ReadAccess reads);

  // OK when a call that needs `access` may go ahead with the client's
  // metadata; UNAUTHENTICATED otherwise. When a token was checked and
  // matched, sets *token_line to its line in the file (so the log can say
  // which token is in use without saying the token), else to 0.
  absl::Status Check(const grpc::ServerContextBase& context, Access access,
                     int* token_line) const;
  // The same from the values of the "authorization" metadata the call
  // carries (normally none or one).
  absl::Status CheckAuthorization(
      const std::vector<absl::string_view>& authorization, Access access,
      int* token_line) const;

  size_t token_count() const { return tokens_.size(); }
  ReadAccess reads() const { return reads_; }

 private:
  struct Token {
    std::array<unsigned char, 32> digest;  // SHA-256 of the token
    int line;                              // in the token file, from 1
  };

  TokenAuthorizer(std::vector<Token> tokens, ReadAccess reads)
      : tokens_(std::move(tokens)), reads_(reads) {}

  // The line of the token that equals `presented`, or 0. Takes the same
  // time whichever token (if any) matches.
  int Match(absl::string_view presented) const;

  const std::vector<Token> tokens_;
  const ReadAccess reads_;
};

// The token file in use, read again on request (dyadtoned does on SIGHUP)
// while calls go on: each call checks against the tokens it found when it
// started. A file that fails to read changes nothing. Thread-safe.
class TokenHolder {
 public:
  // Reads `path` with FromFile.
  static absl::StatusOr<std::unique_ptr<TokenHolder>> Load(std::string path,
                                                           ReadAccess reads);
  // Serves `authorizer` (not null); Reload() reads `path`.
  TokenHolder(std::string path,
              std::shared_ptr<const TokenAuthorizer> authorizer);

  std::shared_ptr<const TokenAuthorizer> Get() const;
  // Reads the file again; on success the new tokens serve every call that
  // starts afterwards. Errors name the file and line.
  absl::Status Reload();

 private:
  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenAuthorizer> current_ ABSL_GUARDED_BY(mu_);
};

// The check every handler starts with: OK when `tokens` is null (no token
// file) or its tokens let the call through; the UNAUTHENTICATED status
// otherwise. Adds the matching token's line to `log`, never the token.
grpc::Status AuthorizeCall(const TokenHolder* tokens,
                           const grpc::ServerContextBase& context,
                           Access access, ScopedRequestLog* log);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_AUTH_H_
