// The token file and the bearer-token check, without a server (the checks
// through a real server are in security_test.cc).

#include "service/server/auth.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken1[] = "0123456789abcdef-first-token";
constexpr char kToken2[] = "fedcba9876543210+second/token==";

std::unique_ptr<const TokenAuthorizer> Authorizer(ReadAccess reads) {
  const std::string text =
      absl::StrCat("# dyadtone tokens\n\n", kToken1, "\n  ", kToken2,
                   "   # ci, rotated\r\n");
  absl::StatusOr<std::unique_ptr<const TokenAuthorizer>> a =
      TokenAuthorizer::FromText(text, "tokens.txt", reads);
  EXPECT_THAT(a, IsOk());
  return a.ok() ? *std::move(a) : nullptr;
}

absl::Status Check(const TokenAuthorizer& a,
                   const std::vector<absl::string_view>& authorization,
                   Access access, int* line) {
  return a.CheckAuthorization(authorization, access, line);
}

TEST(TokenFileTest, ReadsTokensCommentsAndBlankLines) {
  std::unique_ptr<const TokenAuthorizer> a = Authorizer(ReadAccess::kOpen);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->token_count(), 2u);
  int line = -1;
  const std::string bearer1 = absl::StrCat("Bearer ", kToken1);
  const std::string bearer2 = absl::StrCat("Bearer ", kToken2);
  EXPECT_THAT(Check(*a, {bearer1}, Access::kWrite, &line), IsOk());
  EXPECT_EQ(line, 3);
  EXPECT_THAT(Check(*a, {bearer2}, Access::kWrite, &line), IsOk());
  EXPECT_EQ(line, 4);
}

TEST(TokenFileTest, RepeatedTokenMatchesItsFirstLine) {
  const std::string text =
      absl::StrCat(kToken1, "\n", kToken2, "\n", kToken1, "\n");
  auto a = TokenAuthorizer::FromText(text, "t", ReadAccess::kOpen);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ((*a)->token_count(), 2u);
  int line = 0;
  EXPECT_THAT(
      Check(**a, {absl::StrCat("Bearer ", kToken1)}, Access::kWrite, &line),
      IsOk());
  EXPECT_EQ(line, 1);
}

TEST(TokenFileTest, BadFilesAreErrorsThatNameTheLineButNotTheToken) {
  const std::string short_token = "short-secret";
  const std::string two_words = "abcdefghijklmnop qrstuvwxyz0123456";
  const std::string control = "abcdefghijklmnop\x01qrstuvwxyz";
  const std::string non_ascii = "abcdefghijklmnop\xc3\xa9qrstuvwxyz";
  struct Case {
    std::string text;
    std::string secret;  // must not appear in the message
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "", "tokens.txt: no token in the token file"},
      {"# only a comment\n\n   \n", "", "no token"},
      {absl::StrCat(kToken1, "\n", short_token, "\n"), short_token,
       "tokens.txt:2: a token has 16 to 4096 characters, this one 12"},
      {two_words, "qrstuvwxyz", "tokens.txt:1: one token a line"},
      {control, "qrstuvwxyz", "tokens.txt:1: character 17 of the token"},
      {non_ascii, "qrstuvwxyz", "character 17 of the token is not visible"},
      {std::string(4097, 'x'), "xxxxxxxxxxxxxxxx", "this one 4097"},
  };
  for (const Case& c : cases) {
    auto a = TokenAuthorizer::FromText(c.text, "tokens.txt", ReadAccess::kOpen);
    EXPECT_THAT(
        a, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
    if (!c.secret.empty()) {
      EXPECT_THAT(std::string(a.status().message()), Not(HasSubstr(c.secret)));
    }
  }
}

TEST(TokenFileTest, MissingFileIsAnError) {
  auto a = TokenAuthorizer::FromFile("/nonexistent/dyadtone.tokens",
                                     ReadAccess::kOpen);
  EXPECT_THAT(a, StatusIs(absl::StatusCode::kNotFound,
                          AllOf(HasSubstr("token file"),
                                HasSubstr("/nonexistent/dyadtone.tokens"))));
}

void WriteFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
  ASSERT_EQ(std::fclose(f), 0);
}

// The file is read again on Reload: new tokens in, removed ones out; a bad
// file is an error naming its line and the tokens before it keep serving.
TEST(TokenHolderTest, ReloadReplacesTheTokensOrKeepsThemOnError) {
  const std::string path = ::testing::TempDir() + "dyadtone_reload.tokens";
  WriteFile(path, absl::StrCat(kToken1, "\n"));
  absl::StatusOr<std::unique_ptr<TokenHolder>> holder =
      TokenHolder::Load(path, ReadAccess::kToken);
  ASSERT_THAT(holder, IsOk());
  const std::string bearer1 = absl::StrCat("Bearer ", kToken1);
  const std::string bearer2 = absl::StrCat("Bearer ", kToken2);
  int line = 0;
  const std::shared_ptr<const TokenAuthorizer> before = (*holder)->Get();
  EXPECT_THAT(Check(*before, {bearer1}, Access::kWrite, &line), IsOk());
  EXPECT_THAT(Check(*before, {bearer2}, Access::kWrite, &line), Not(IsOk()));

  WriteFile(path, absl::StrCat("# rotated\n", kToken2, "\n"));
  ASSERT_THAT((*holder)->Reload(), IsOk());
  const std::shared_ptr<const TokenAuthorizer> after = (*holder)->Get();
  EXPECT_THAT(
      Check(*after, {bearer1}, Access::kWrite, &line),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("invalid")));
  EXPECT_THAT(Check(*after, {bearer2}, Access::kWrite, &line), IsOk());
  EXPECT_EQ(line, 2);
  EXPECT_EQ(after->reads(), ReadAccess::kToken);  // kept across reloads
  // A call that started before the reload keeps the tokens it found.
  EXPECT_THAT(Check(*before, {bearer1}, Access::kWrite, &line), IsOk());

  WriteFile(path, absl::StrCat(kToken2, "\nshort\n"));
  EXPECT_THAT((*holder)->Reload(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat(path, ":2:"))));
  EXPECT_EQ((*holder)->Get(), after);
  std::remove(path.c_str());
  EXPECT_THAT((*holder)->Reload(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(path)));
  EXPECT_THAT(Check(*(*holder)->Get(), {bearer2}, Access::kWrite, &line),
              IsOk());
}

TEST(AuthorizationTest, WritesNeedAValidBearerToken) {
  std::unique_ptr<const TokenAuthorizer> a = Authorizer(ReadAccess::kOpen);
  ASSERT_NE(a, nullptr);
  const std::string wrong = "0123456789abcdef-first-tokeN";
  const std::string prefix = "0123456789abcdef-first-toke";  // a prefix
  const std::string longer = absl::StrCat(kToken1, "x");
  struct Case {
    std::vector<std::string> authorization;
    std::string message;  // empty: OK
  };
  const std::vector<Case> cases = {
      {{}, "missing authorization: Bearer metadata"},
      {{kToken1}, "is not \"Bearer <token>\""},
      {{absl::StrCat("Basic ", kToken1)}, "is not \"Bearer <token>\""},
      {{"Bearer "}, "is not \"Bearer <token>\""},
      {{"Bearer"}, "is not \"Bearer <token>\""},
      {{absl::StrCat("Bearer ", wrong)}, "invalid bearer token"},
      {{absl::StrCat("Bearer ", prefix)}, "invalid bearer token"},
      {{absl::StrCat("Bearer ", longer)}, "invalid bearer token"},
      {{absl::StrCat("Bearer ", kToken1), absl::StrCat("Bearer ", kToken2)},
       "more than one authorization"},
      {{absl::StrCat("Bearer ", kToken1)}, ""},
      {{absl::StrCat("bearer ", kToken1)}, ""},  // the scheme ignores case
      {{absl::StrCat("BEARER   ", kToken2, " ")}, ""},
  };
  for (const Case& c : cases) {
    std::vector<absl::string_view> values(c.authorization.begin(),
                                          c.authorization.end());
    int line = -1;
    const absl::Status s = Check(*a, values, Access::kWrite, &line);
    const std::string label = absl::StrJoin(c.authorization, " | ");
    if (c.message.empty()) {
      EXPECT_THAT(s, IsOk()) << label;
      EXPECT_GT(line, 0) << label;
    } else {
      EXPECT_THAT(
          s, StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr(c.message)))
          << label;
      EXPECT_EQ(line, 0) << label;
      for (const std::string& secret : {std::string(kToken1), wrong, prefix}) {
        EXPECT_THAT(std::string(s.message()), Not(HasSubstr(secret)));
      }
    }
  }
}

TEST(AuthorizationTest, ReadsAreOpenUnlessClosed) {
  std::unique_ptr<const TokenAuthorizer> open = Authorizer(ReadAccess::kOpen);
  std::unique_ptr<const TokenAuthorizer> closed =
      Authorizer(ReadAccess::kToken);
  ASSERT_NE(open, nullptr);
  ASSERT_NE(closed, nullptr);
  int line = -1;
  EXPECT_THAT(Check(*open, {}, Access::kRead, &line), IsOk());
  EXPECT_EQ(line, 0);
  EXPECT_THAT(Check(*closed, {}, Access::kRead, &line),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("missing authorization: Bearer metadata")));
  EXPECT_THAT(
      Check(*closed, {"Bearer not-the-right-token"}, Access::kRead, &line),
      StatusIs(absl::StatusCode::kUnauthenticated, "invalid bearer token"));
  const std::string bearer = absl::StrCat("Bearer ", kToken2);
  EXPECT_THAT(Check(*closed, {bearer}, Access::kRead, &line), IsOk());
  EXPECT_EQ(line, 4);
}

TEST(ReadAccessTest, Parses) {
  EXPECT_THAT(ParseReadAccess("open"), IsOk());
  EXPECT_EQ(*ParseReadAccess("open"), ReadAccess::kOpen);
  EXPECT_EQ(*ParseReadAccess("token"), ReadAccess::kToken);
  EXPECT_THAT(ParseReadAccess("closed"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "\"closed\" is neither \"open\" nor \"token\""));
}

}  // namespace
}  // namespace dyadtone
