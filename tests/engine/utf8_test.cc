#include "service/engine/utf8.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

TEST(ValidateUtf8, AcceptsWellFormedText) {
  for (const std::string& s :
       {std::string(""), std::string("plain ASCII"),
        std::string("Pakistan\xE2\x80\x99s \xE2\x80\x9C" "ties\xE2\x80\x9D"),
        std::string("T\xC3\xBCrkiye"), std::string("\xF0\x9F\x98\x80"),
        std::string(1000, 'a') + "\xC3\xA9"}) {
    EXPECT_THAT(ValidateUtf8(s), IsOk()) << s;
  }
}

struct BadCase {
  std::string text;
  size_t offset;
  std::string why;
};

TEST(ValidateUtf8, NamesTheOffsetOfTheFirstBadByte) {
  const BadCase cases[] = {
      {"abc\xFF", 3, "invalid lead byte"},
      {"ab\x80", 2, "unexpected continuation byte"},
      {"ab\xC3", 2, "truncated sequence"},
      {"ab\xE2\x80z", 2, "truncated sequence"},
      {"\xC0\xAF", 0, "overlong encoding"},
      {"x\xE0\x80\xAF", 1, "overlong encoding"},
      {"xy\xED\xA0\x80", 2, "UTF-16 surrogate"},
      {"\xF4\x90\x80\x80", 0, "above U+10FFFF"},
      {std::string(20, 'a') + "\xFE", 20, "invalid lead byte"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ValidateUtf8(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("at byte " + std::to_string(c.offset))))
        << c.why;
    EXPECT_THAT(ValidateUtf8(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(c.why)));
  }
}

TEST(DecodeUtf8, DecodesEveryLength) {
  int len;
  EXPECT_EQ(DecodeUtf8("A", 0, &len), U'A');
  EXPECT_EQ(len, 1);
  EXPECT_EQ(DecodeUtf8("\xC3\xBC", 0, &len), U'\u00FC');
  EXPECT_EQ(len, 2);
  EXPECT_EQ(DecodeUtf8("\xE2\x80\x99", 0, &len), U'\u2019');
  EXPECT_EQ(len, 3);
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0, &len), U'\U0001F600');
  EXPECT_EQ(len, 4);
  std::string out;
  AppendUtf8(U'\U0001F600', &out);
  AppendUtf8(U'\u2019', &out);
  EXPECT_EQ(out, "\xF0\x9F\x98\x80\xE2\x80\x99");
}

}  // namespace
}  // namespace dyadtone
