// Golden tests with the shipped gazetteer and lexicon: the example articles
// (examples/articles/, Pakistan and the United States 2021-2024), the
// labelled development set, the lexicon's own regression cases, and the
// general tone on VADER's human-rated sets.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "service/engine/engine.h"
#include "tests/shipped_engine.h"
#include "tests/test_util.h"
#include "tools/eval/metrics.h"

namespace dyadtone {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

const DyadScore* FindDyad(const ArticleResult& r, const DyadKey& key) {
  for (const DyadScore& d : r.dyads) {
    if (d.dyad == key) return &d;
  }
  return nullptr;
}

std::string SentenceOf(const std::string& text, const Evidence& e) {
  return text.substr(e.sentence_span.begin,
                     e.sentence_span.end - e.sentence_span.begin);
}

struct Seed {
  std::string file;
  absl::CivilDay date;
};

class SeedTest : public ::testing::TestWithParam<Seed> {};

TEST_P(SeedTest, PakistanUnitedStatesIsTheWarmMainDyadWithTheRightDate) {
  const Seed& seed = GetParam();
  const std::string text =
      ReadTestFile(std::string(DYADTONE_EXAMPLES_DIR "/") + seed.file);
  absl::StatusOr<ArticleResult> r = ShippedEngine().Score({text});
  ASSERT_THAT(r, IsOk());
  ASSERT_TRUE(r->date.day.has_value()) << seed.file;
  EXPECT_EQ(*r->date.day, seed.date) << seed.file;
  EXPECT_NE(r->date.source, DateSource::kNone);
  ASSERT_TRUE(r->main_dyad.has_value()) << seed.file;
  EXPECT_EQ(*r->main_dyad, MakeDyadKey("PAK", "USA")) << seed.file;
  const DyadScore* d = FindDyad(*r, MakeDyadKey("PAK", "USA"));
  ASSERT_NE(d, nullptr);
  EXPECT_GT(d->tone, 0.05) << seed.file;
  EXPECT_GE(d->signals, 2) << seed.file;
  // The general tone (VADER's lexicon) is there beside the dyad tones.
  ASSERT_TRUE(r->general.has_value());
  EXPECT_GE(r->general->compound, -1);
  EXPECT_LE(r->general->compound, 1);
  EXPECT_NEAR(r->general->positive + r->general->neutral +
                  r->general->negative,
              1.0, 0.01);
  // Every piece of evidence points back into the article.
  for (const Evidence& e : r->evidence) {
    EXPECT_EQ(text.substr(e.span.begin, e.span.end - e.span.begin), e.text);
    EXPECT_LE(e.sentence_span.begin, e.span.begin);
    EXPECT_GE(e.sentence_span.end, e.span.end);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Examples, SeedTest,
    ::testing::Values(Seed{"000_3c450a018ff81334.txt", absl::CivilDay(2023, 4, 3)},
                      Seed{"001_1b127f2a03108e05.txt", absl::CivilDay(2021, 12, 15)},
                      Seed{"002_0669800c25a8c53b.txt", absl::CivilDay(2024, 5, 22)},
                      Seed{"003_cead5734e1c21918.txt", absl::CivilDay(2023, 6, 7)},
                      Seed{"004_23d1292f8865a412.txt", absl::CivilDay(2022, 12, 22)}));

TEST(SeedEvidence, FriendshipIsWarmAndRegretOverIsDisapproval) {
  const std::string text =
      ReadTestFile(DYADTONE_EXAMPLES_DIR "/000_3c450a018ff81334.txt");
  absl::StatusOr<ArticleResult> r = ShippedEngine().Score({text});
  ASSERT_THAT(r, IsOk());
  const DyadKey pak_usa = MakeDyadKey("PAK", "USA");
  bool friendship = false, regret = false;
  for (const Evidence& e : r->evidence) {
    const std::string sentence = SentenceOf(text, e);
    if (sentence.find("We value our friendship with the United States") !=
        std::string::npos) {
      friendship = true;
      EXPECT_GT(e.contribution, 0) << e.text;
      ASSERT_TRUE(e.dyad.has_value());
      EXPECT_EQ(*e.dyad, pak_usa);
    }
    if (e.text.find("expressed regret over") != std::string::npos) {
      regret = true;
      EXPECT_LT(e.contribution, 0);
      EXPECT_EQ(e.effective_class, QuadClass::kVerbalConflict);
      ASSERT_TRUE(e.dyad.has_value());
      EXPECT_EQ(*e.dyad, pak_usa);
      EXPECT_EQ(e.source, "USA");
      EXPECT_EQ(e.target, "PAK");
    }
    // China is named in the article but is no party to these signals.
    if (e.dyad && *e.dyad == pak_usa) {
      EXPECT_NE(e.source, "CHN");
      EXPECT_NE(e.target, "CHN");
    }
  }
  EXPECT_TRUE(friendship);
  EXPECT_TRUE(regret);
}

std::vector<std::string> ShippedActors(const std::string& text,
                                       std::optional<absl::CivilDay> date) {
  ArticleInput input{text};
  input.date = date;
  absl::StatusOr<ArticleResult> r = ShippedEngine().Score(input);
  EXPECT_THAT(r, IsOk()) << text;
  std::vector<std::string> codes;
  if (r.ok()) {
    for (const ActorCount& a : r->actors) codes.push_back(a.code);
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

struct ActorCase {
  std::string text;
  std::vector<std::string> codes;
};

// The shipped gazetteer on the readings the issue names: names, short
// forms, demonyms, seats of government, office holders by date, and the
// ambiguous words that are not countries.
TEST(ShippedGazetteer, ResolvesActorsAndAmbiguity) {
  const absl::CivilDay d2022(2022, 6, 1);
  const ActorCase cases[] = {
      {"The United States and the U.S. and the US and America.", {"USA"}},
      {"The UAE, the DPRK and T\u00fcrkiye met.", {"ARE", "PRK", "TUR"}},
      {"Pakistani and American officials met.", {"PAK", "USA"}},
      {"Washington and Islamabad spoke; New Delhi listened.",
       {"IND", "PAK", "USA"}},
      {"The Kremlin, the White House, the State Department and the Pentagon.",
       {"RUS", "USA"}},
      {"Blinken met Bilawal Bhutto Zardari.", {"PAK", "USA"}},
      {"Flooding hit Washington state.", {}},
      {"Voters in Atlanta, Georgia queued.", {}},
      {"Fans cheered Michael Jordan.", {}},
      {"They roasted a turkey.", {}},
      {"Chad Smith played drums.", {}},
      {"They told us about it.", {}},
      {"Turkey, Georgia, Jordan and Chad signed.", {"GEO", "JOR", "TCD", "TUR"}},
  };
  for (const ActorCase& c : cases) {
    EXPECT_THAT(ShippedActors(c.text, d2022),
                ::testing::ElementsAreArray(c.codes))
        << c.text;
  }
  // Office holders speak for the state while in office.
  EXPECT_THAT(ShippedActors("Blinken spoke.", absl::CivilDay(2022, 3, 1)),
              ::testing::ElementsAre("USA"));
  EXPECT_THAT(ShippedActors("Blinken spoke.", absl::CivilDay(2019, 3, 1)),
              ::testing::ElementsAre());
}

// The lexicon's regression table: expected sign, two codes, a sentence.
TEST(LexiconCases, EverySentenceGetsTheExpectedSign) {
  std::ifstream in(DYADTONE_TESTDATA_DIR "/lexicon_cases.tsv");
  ASSERT_TRUE(in) << "missing lexicon_cases.tsv";
  std::string line;
  int cases = 0, wrong = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    ASSERT_EQ(f.size(), 4u) << line;
    ++cases;
    const DyadKey key = MakeDyadKey(f[1], f[2]);
    ArticleInput in_article{f[3]};
    in_article.dyads_of_interest.push_back(key);
    absl::StatusOr<ArticleResult> r = ShippedEngine().Score(in_article);
    ASSERT_THAT(r, IsOk()) << line;
    const DyadScore* d = FindDyad(*r, key);
    const double tone = d == nullptr ? 0 : d->tone;
    const bool ok = f[0] == "+" ? tone > 0.05
                    : f[0] == "-" ? tone < -0.05
                                  : std::abs(tone) <= 0.05;
    if (!ok) ++wrong;
    EXPECT_TRUE(ok) << f[0] << " " << key.a << "-" << key.b << " got "
                    << tone << ": " << f[3];
  }
  EXPECT_GE(cases, 100);
  std::cout << "lexicon cases: " << cases - wrong << "/" << cases
            << " right\n";
}

// The acceptance figures on the labelled development set.
TEST(DevSet, FindsEveryDyadAndMeetsTheAccuracyAndCorrelationTargets) {
  std::ifstream in(DYADTONE_EVAL_DIR "/dev.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  std::vector<double> labels, tones;
  int found = 0, correct = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line);
    const DyadKey key = MakeDyadKey(j["dyad"][0].get<std::string>(),
                                    j["dyad"][1].get<std::string>());
    const std::string text = j["text"].get<std::string>();
    ArticleInput input{text};
    input.date = *ParseIsoDate(j["date"].get<std::string>());
    absl::StatusOr<ArticleResult> r = ShippedEngine().Score(input);
    ASSERT_THAT(r, IsOk());
    int named = 0;
    for (const ActorCount& a : r->actors) {
      named += a.code == key.a || a.code == key.b;
    }
    found += named == 2;
    EXPECT_EQ(named, 2) << j["id"] << ": dyad not found";
    const DyadScore* d = FindDyad(*r, key);
    const double tone = d == nullptr ? 0 : d->tone;
    const int label = j["label"].get<int>();
    correct += label >= 1    ? tone > 0.05
               : label <= -1 ? tone < -0.05
                             : std::abs(tone) <= 0.05;
    labels.push_back(label);
    tones.push_back(tone);
  }
  const double accuracy = double(correct) / labels.size();
  const double rho = Spearman(tones, labels);
  std::cout << "dev set: found " << found << "/" << labels.size()
            << ", sign accuracy " << accuracy << ", Spearman " << rho << "\n";
  EXPECT_EQ(found, static_cast<int>(labels.size()));
  EXPECT_GE(accuracy, 0.85);
  EXPECT_GE(rho, 0.8);
}

}  // namespace
}  // namespace dyadtone
