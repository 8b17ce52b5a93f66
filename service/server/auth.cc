#include "service/server/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "service/engine/spec_reader.h"

namespace dyadtone {
namespace {

constexpr size_t kMinTokenBytes = 16;
constexpr size_t kMaxTokenBytes = 4096;
constexpr char kMissing[] = "missing authorization: Bearer metadata";
constexpr char kInvalid[] = "invalid bearer token";

std::array<unsigned char, 32> Sha256(absl::string_view text) {
  std::array<unsigned char, 32> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(),
             nullptr);
  return digest;
}

// Checks one token of the file. The messages say what is wrong but never
// quote the token: the error goes to the log.
absl::Status CheckToken(absl::string_view token, absl::string_view where) {
  if (token.size() < kMinTokenBytes || token.size() > kMaxTokenBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": a token has ", kMinTokenBytes, " to ",
                     kMaxTokenBytes, " characters, this one ", token.size(),
                     " (make one with: openssl rand -hex 32)"));
  }
  for (size_t i = 0; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": character ", i + 1, " of the token is not visible ASCII"));
    }
  }
  return absl::OkStatus();
}

// "Bearer <token>" -> the token; the scheme is case-insensitive (RFC 7235).
bool SplitBearer(absl::string_view value, absl::string_view* token) {
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  *token = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  return !token->empty();
}

}  // namespace

absl::StatusOr<ReadAccess> ParseReadAccess(absl::string_view text) {
  if (text == "open") return ReadAccess::kOpen;
  if (text == "token") return ReadAccess::kToken;
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is neither \"open\" nor \"token\""));
}

absl::StatusOr<std::unique_ptr<const TokenAuthorizer>>
TokenAuthorizer::FromFile(const std::string& path, ReadAccess reads) {
  std::string text;
  if (absl::Status s = ReadFileToString(path, &text); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("token file: ", s.message()));
  }
  return FromText(text, path, reads);
}

absl::StatusOr<std::unique_ptr<const TokenAuthorizer>>
TokenAuthorizer::FromText(absl::string_view text, absl::string_view name,
                          ReadAccess reads) {
  std::vector<Token> tokens;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(name, ":", line_number);
    const size_t end = std::min(line.find_first_of(" \t"), line.size());
    const absl::string_view token = line.substr(0, end);
    const absl::string_view rest =
        absl::StripLeadingAsciiWhitespace(line.substr(end));
    if (!rest.empty() && rest[0] != '#') {
      return absl::InvalidArgumentError(
          absl::StrCat(where,
                       ": one token a line, without spaces; a comment after it "
                       "starts with #"));
    }
    if (absl::Status s = CheckToken(token, where); !s.ok()) return s;
    Token t{Sha256(token), line_number};
    // A repeated token keeps its first line, so that Match() finds one.
    if (std::none_of(tokens.begin(), tokens.end(),
                     [&](const Token& u) { return u.digest == t.digest; })) {
      tokens.push_back(t);
    }
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": no token in the token file"));
  }
  return std::unique_ptr<const TokenAuthorizer>(
      new TokenAuthorizer(std::move(tokens), reads));
}

int TokenAuthorizer::Match(absl::string_view presented) const {
  // Hashing first makes the comparison's time independent of the stored
  // tokens' lengths; CRYPTO_memcmp does not stop at the first difference,
  // and every token is compared.
  const std::array<unsigned char, 32> digest = Sha256(presented);
  int line = 0;
  for (const Token& t : tokens_) {
    const int equal =
        CRYPTO_memcmp(digest.data(), t.digest.data(), digest.size()) == 0;
    line |= -equal & t.line;  // t.line when equal, else 0
  }
  return line;
}

absl::Status TokenAuthorizer::CheckAuthorization(
    const std::vector<absl::string_view>& authorization, Access access,
    int* token_line) const {
  *token_line = 0;
  if (access == Access::kRead && reads_ == ReadAccess::kOpen) {
    return absl::OkStatus();
  }
  if (authorization.empty()) return absl::UnauthenticatedError(kMissing);
  if (authorization.size() > 1) {
    return absl::UnauthenticatedError(
        "more than one authorization metadata entry");
  }
  absl::string_view token;
  if (!SplitBearer(authorization[0], &token)) {
    return absl::UnauthenticatedError(absl::StrCat(
        kMissing, " (the authorization metadata is not \"Bearer <token>\")"));
  }
  const int line = Match(token);
  if (line == 0) return absl::UnauthenticatedError(kInvalid);
  *token_line = line;
  return absl::OkStatus();
}

absl::Status TokenAuthorizer::Check(const grpc::ServerContextBase& context,
                                    Access access, int* token_line) const {
  std::vector<absl::string_view> values;
  const auto range = context.client_metadata().equal_range(kAuthorizationKey);
  for (auto it = range.first; it != range.second; ++it) {
    values.emplace_back(it->second.data(), it->second.size());
  }
  return CheckAuthorization(values, access, token_line);
}

absl::StatusOr<std::unique_ptr<TokenHolder>> TokenHolder::Load(
    std::string path, ReadAccess reads) {
  absl::StatusOr<std::unique_ptr<const TokenAuthorizer>> authorizer =
      TokenAuthorizer::FromFile(path, reads);
  if (!authorizer.ok()) return authorizer.status();
  return std::make_unique<TokenHolder>(std::move(path), *std::move(authorizer));
}

TokenHolder::TokenHolder(std::string path,
                         std::shared_ptr<const TokenAuthorizer> authorizer)
    : path_(std::move(path)), current_(std::move(authorizer)) {}

std::shared_ptr<const TokenAuthorizer> TokenHolder::Get() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status TokenHolder::Reload() {
  const ReadAccess reads = Get()->reads();
  absl::StatusOr<std::unique_ptr<const TokenAuthorizer>> authorizer =
      TokenAuthorizer::FromFile(path_, reads);
  if (!authorizer.ok()) return authorizer.status();
  absl::MutexLock lock(&mu_);
  current_ = *std::move(authorizer);
  return absl::OkStatus();
}

grpc::Status AuthorizeCall(const TokenHolder* tokens,
                           const grpc::ServerContextBase& context,
                           Access access, ScopedRequestLog* log) {
  if (tokens == nullptr) return grpc::Status::OK;
  const std::shared_ptr<const TokenAuthorizer> authorizer = tokens->Get();
  int token_line = 0;
  const absl::Status s = authorizer->Check(context, access, &token_line);
  if (token_line > 0) log->Add("token_line", std::to_string(token_line));
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

}  // namespace dyadtone
