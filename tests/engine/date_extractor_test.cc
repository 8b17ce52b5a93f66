#include "service/engine/date_extractor.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

ArticleDate Extract(const std::string& text) {
  TokenizedText t;
  Tokenize(text, &t);
  return ExtractDate(t);
}

struct Case {
  std::string text;
  absl::CivilDay day;
  DateSource source;
  std::string date_text;  // the span the date was read from
};

TEST(ExtractDate, FindsTheDateAndSaysWhere) {
  const Case cases[] = {
      {" date 2023-04-03 Pakistan has reached out to the US.",
       absl::CivilDay(2023, 4, 3), DateSource::kHeader, "2023-04-03"},
      {"date: 2021-12-15\nBody.", absl::CivilDay(2021, 12, 15),
       DateSource::kHeader, "2021-12-15"},
      {"| Welcome to Global Village Space\n\nWednesday, May 22, 2024\n\n"
       "Pakistan, US Vow to Deepen Ties",
       absl::CivilDay(2024, 5, 22), DateSource::kDatedLine,
       "Wednesday, May 22, 2024"},
      {"Site name\n22 May 2024\nText.", absl::CivilDay(2024, 5, 22),
       DateSource::kDatedLine, "22 May 2024"},
      {"Posted 2024-05-22 by staff\nText.", absl::CivilDay(2024, 5, 22),
       DateSource::kDatedLine, "2024-05-22"},
      {"Updated: Sept. 3rd, 2019 10:30 AM\nText.", absl::CivilDay(2019, 9, 3),
       DateSource::kDatedLine, "Sept. 3rd, 2019"},
      {"Copyright 2021 ANI\nIslamabad [Pakistan], December 15 (ANI): Days "
       "after declining an invitation.",
       absl::CivilDay(2021, 12, 15), DateSource::kDateline, "December 15"},
  };
  for (const Case& c : cases) {
    const ArticleDate d = Extract(c.text);
    ASSERT_TRUE(d.day.has_value()) << c.text;
    EXPECT_EQ(*d.day, c.day) << c.text;
    EXPECT_EQ(d.source, c.source) << c.text;
    EXPECT_EQ(c.text.substr(d.begin, d.end - d.begin), c.date_text) << c.text;
  }
}

TEST(ExtractDate, NeverInventsADate) {
  for (const std::string& text : {
           std::string("Pakistan and the US met on Thursday."),
           // A dateline without a year anywhere in the header.
           std::string("ISLAMABAD, December 15 (ANI): talks were held."),
           // Not calendar days.
           std::string("date 2023-02-30 text"),
           std::string("February 30, 2023\ntext"),
           // Out of range.
           std::string("date 1066-10-14 text"),
           // A date deep in a long body line is not a dated line.
           std::string("The conference on climate resilience will be held in "
                       "Geneva and many delegations from across the region "
                       "will attend it on 9 January 2023 as planned.")}) {
    const ArticleDate d = Extract(text);
    EXPECT_FALSE(d.day.has_value()) << text;
    EXPECT_EQ(d.source, DateSource::kNone) << text;
  }
}

TEST(ExtractDate, HeaderWinsOverADatedLine) {
  const ArticleDate d = Extract("January 2, 2020\ndate 2021-03-04\nText.");
  EXPECT_EQ(d.source, DateSource::kHeader);
  EXPECT_EQ(*d.day, absl::CivilDay(2021, 3, 4));
}

TEST(ParseIsoDate, StrictForm) {
  EXPECT_THAT(ParseIsoDate("2024-02-29"), IsOk());
  EXPECT_EQ(*ParseIsoDate("2024-02-29"), absl::CivilDay(2024, 2, 29));
  EXPECT_THAT(ParseIsoDate("2023-02-29"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a calendar day")));
  EXPECT_THAT(ParseIsoDate("24-2-29"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("YYYY-MM-DD")));
  EXPECT_THAT(ParseIsoDate("3024-01-01"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("out of range")));
  EXPECT_THAT(ParseIsoDate(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("YYYY-MM-DD")));
}

// Found by tests/fuzz/date_fuzzer: the parse printed back differently.
TEST(ParseIsoDate, OnlyDigitsBetweenTheDashes) {
  for (const char* text : {"2024-+1-01", "2024-1\n-22", "2024-01- 1",
                           "+024-01-01", "2024-1 -01", "2024--1-01"}) {
    EXPECT_THAT(ParseIsoDate(text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("YYYY-MM-DD")))
        << text;
  }
}

}  // namespace
}  // namespace dyadtone
