#include "service/engine/lexicon.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

TEST(ParseLexicon, ReadsEverySection) {
  const absl::StatusOr<LexiconData> l = ParseLexicon(
      "@version 3\n"
      "[signals]\n"
      "+3.0 VCOOP value+ ~3 friendship|ties  # note\n"
      "-5 VCONF summon+ ?the ambassador\n"
      "0 NEUTRAL met\n"
      "[negators]\n"
      "not; fail+ to\n"
      "!not only\n"
      "[intensifiers]\n"
      "1.5 deeply; strongly\n"
      "[hedges]\n"
      "0.6 may\n"
      "[contrast]\n"
      "but before 0.5 after 1.5\n"
      "although clause 0.5 after 1.2\n"
      "[dyad_markers]\n"
      "the two countries; bilateral\n"
      "[speaker_cues]\n"
      "we\n"
      "[clause_openers]\n"
      "after\n",
      "l.txt");
  ASSERT_THAT(l, IsOk());
  EXPECT_EQ(l->version, "3");
  ASSERT_EQ(l->signals.size(), 3u);
  const SignalEntry& v = l->signals[0];
  EXPECT_EQ(v.weight, 3.0);
  EXPECT_EQ(v.quad, QuadClass::kVerbalCooperation);
  EXPECT_EQ(v.line, 3);
  ASSERT_EQ(v.slots.size(), 3u);
  EXPECT_THAT(v.slots[0].words, IsSupersetOf({"value", "values", "valued"}));
  EXPECT_EQ(v.slots[1].max_gap, 3);
  EXPECT_THAT(v.slots[2].words, ElementsAre("friendship", "ties"));
  EXPECT_TRUE(l->signals[1].slots[1].optional);
  EXPECT_EQ(l->negators.size(), 2u);
  EXPECT_THAT(l->negators[1].slots[0].words, Contains("failed"));
  EXPECT_EQ(l->non_negators.size(), 1u);
  EXPECT_EQ(l->intensifiers.size(), 2u);
  EXPECT_EQ(l->intensifiers[0].factor, 1.5);
  ASSERT_EQ(l->contrasts.size(), 2u);
  EXPECT_FALSE(l->contrasts[0].clause);
  EXPECT_TRUE(l->contrasts[1].clause);
  EXPECT_EQ(l->contrasts[1].after, 1.2);
  EXPECT_EQ(l->dyad_markers.size(), 2u);
}

struct BadFile {
  std::string body;   // after "@version 1\n[signals]\n"
  std::string error;  // expected in the message
};

TEST(ParseLexicon, RejectsMalformedLinesWithFileLineAndReason) {
  const BadFile cases[] = {
      {"x VCOOP praise\n", "l.txt:3: weight \"x\" is not a number"},
      {"11 VCOOP praise\n", "l.txt:3: weight 11 is outside the Goldstein"},
      {"3 WARM praise\n", "l.txt:3: class \"WARM\" is not VCOOP"},
      {"-3 VCOOP praise\n", "l.txt:3: weight -3 has the wrong sign"},
      {"3 VCONF criticise\n", "l.txt:3: weight 3 has the wrong sign"},
      {"1 NEUTRAL met\n", "l.txt:3: a NEUTRAL entry must have weight 0"},
      {"3 VCOOP\n", "l.txt:3: signal has no pattern"},
      {"3 VCOOP ~2 praise\n", "l.txt:3: a pattern may not start or end"},
      {"3 VCOOP praise ~2\n", "l.txt:3: a pattern may not start or end"},
      {"3 VCOOP praise ~9 ties\n", "l.txt:3: gap \"~9\" must be ~1 to ~8"},
      {"3 VCOOP ?praise ties\n", "l.txt:3: the first slot of a pattern may not"},
      {"3 VCOOP non-starter\n", "l.txt:3: \"non-starter\" in slot"},
      {"3 VCOOP praise||ties\n", "l.txt:3: \"\" in slot \"praise||ties\" is "
                                 "empty"},
      {"[nonsense]\n", "l.txt:3: unknown section [nonsense]"},
      {"[negators]\nnot;; never\n", "l.txt:4: empty item"},
      {"[negators]\nnot ~2 ever\n", "l.txt:4: gaps (\"~2\") are only allowed"},
      {"[intensifiers]\n9 deeply\n", "l.txt:4: factor \"9\" must be"},
      {"[intensifiers]\n1.5\n", "l.txt:4: factor without phrases"},
      {"[contrast]\nbut maybe 0.5 after 1.5\n", "l.txt:4: expected \"before F"},
      {"[contrast]\nbut before 0.5 then 1.5\n", "l.txt:4: expected \"WORD"},
      {"[hedges]\n0.5 !may\n", "l.txt:4: \"!\" is only allowed in [negators]"},
  };
  for (const BadFile& c : cases) {
    EXPECT_THAT(ParseLexicon("@version 1\n[signals]\n" + c.body, "l.txt"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(c.error)))
        << c.body;
  }
  EXPECT_THAT(ParseLexicon("praise\n", "l.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("l.txt:1: expected \"@version V\"")));
  EXPECT_THAT(ParseLexicon("@version 1\npraise\n", "l.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("l.txt:2: entry outside a section")));
  EXPECT_THAT(ParseLexicon("@version 1\n[signals]\n", "l.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no [signals] entries")));
}

TEST(ParseLexicon, TheShippedFileLoadsWithSeveralHundredEntries) {
  const std::string path = DYADTONE_TESTDATA_DIR "/../../data/lexicon.txt";
  const absl::StatusOr<LexiconData> l = ParseLexicon(ReadTestFile(path), path);
  ASSERT_THAT(l, IsOk());
  EXPECT_GE(l->signals.size(), 300u);
  int per_class[5] = {0, 0, 0, 0, 0};
  for (const SignalEntry& e : l->signals) ++per_class[static_cast<int>(e.quad)];
  for (int c = 0; c < 5; ++c) {
    EXPECT_GE(per_class[c], 10) << QuadClassName(static_cast<QuadClass>(c));
  }
  EXPECT_FALSE(l->negators.empty());
  EXPECT_FALSE(l->intensifiers.empty());
  EXPECT_FALSE(l->contrasts.empty());
  EXPECT_FALSE(l->dyad_markers.empty());
}

}  // namespace
}  // namespace dyadtone
