// EncodeArticleScore() and EncodeScoreArticleResponse() against protobuf's
// own serializer: for real articles scored by the shipped engine (with and
// without the evidence, with a general lexicon) and for hand-made results
// at the edges of the wire format (negative numbers, -0.0, fields of 128
// bytes and more, empty parts), the bytes must be the same as those of the
// message FillArticleScore() builds, and parse back to it.

#include "service/server/conversions.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "service/engine/engine.h"
#include "tests/shipped_engine.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

// The example articles and the texts of the labelled development set.
std::vector<std::string> Texts() {
  std::vector<std::string> texts;
  for (const auto& entry :
       std::filesystem::directory_iterator(DYADTONE_EXAMPLES_DIR)) {
    texts.push_back(ReadTestFile(entry.path().string()));
  }
  std::ifstream dev(DYADTONE_TESTDATA_DIR "/eval/dev.jsonl");
  for (std::string line; std::getline(dev, line);) {
    if (line.empty()) continue;
    texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
  }
  return texts;
}

v1::Article MakeArticle(const std::string& text) {
  v1::Article a;
  a.set_id("article-1");
  a.set_source("Dawn");
  a.set_url("https://example.org/a");
  a.set_text(text);
  return a;
}

// Checks both encoders on one result, with and without the evidence.
void ExpectSameBytes(const ArticleResult& r, const v1::Article& article) {
  for (bool evidence : {true, false}) {
    SCOPED_TRACE(evidence ? "with evidence" : "without evidence");
    v1::ArticleScore built;
    FillArticleScore(r, article, evidence, &built);
    const std::string encoded = EncodeArticleScore(r, article, evidence);
    EXPECT_EQ(encoded, built.SerializeAsString());
    v1::ArticleScore parsed;
    ASSERT_TRUE(parsed.ParseFromString(encoded));
    EXPECT_EQ(parsed.SerializeAsString(), encoded);

    v1::ScoreArticleResponse response;
    *response.mutable_score() = built;
    EXPECT_EQ(EncodeScoreArticleResponse(r, article, evidence),
              response.SerializeAsString());
  }
}

TEST(EncodeArticleScore, SameBytesAsTheMessageForRealArticles) {
  const std::vector<std::string> texts = Texts();
  ASSERT_GE(texts.size(), 20u);
  size_t with_evidence = 0, with_modifiers = 0;
  for (const std::string& text : texts) {
    ArticleInput input;
    input.text = text;
    absl::StatusOr<ArticleResult> r = ShippedEngine().Score(input);
    ASSERT_THAT(r, IsOk());
    ASSERT_TRUE(r->general.has_value());
    with_evidence += !r->evidence.empty();
    for (const Evidence& e : r->evidence) {
      with_modifiers += !e.modifiers.empty();
    }
    ExpectSameBytes(*r, MakeArticle(text));
  }
  // The texts did exercise the evidence and its modifiers.
  EXPECT_GE(with_evidence, 20u);
  EXPECT_GT(with_modifiers, 0u);
}

TEST(EncodeArticleScore, SameBytesAtTheEdgesOfTheWireFormat) {
  const std::string long_text(300, 'x');  // lengths of two varint bytes
  ArticleResult r;
  r.date.day = absl::CivilDay(2024, 5, 22);
  r.date.source = DateSource::kHeader;
  r.date.begin = 0;
  r.date.end = 15;
  r.main_dyad = DyadKey{"PAK", "USA"};
  r.sentences = 3;
  r.tokens = -1;  // a negative int32 takes ten bytes
  r.lexicon_version = "lex";
  // gazetteer_version left empty: not written

  Evidence e;
  e.lexicon_line = 42;
  e.pattern = "value <> friendship";
  e.entry_class = QuadClass::kVerbalCooperation;
  e.effective_class = QuadClass::kVerbalConflict;
  e.weight = -0.0;  // written, unlike +0.0
  e.text = long_text;
  e.span = {4000000000u, 4000000001u};  // uint32 above INT32_MAX
  e.sentence = 0;  // default: not written
  e.sentence_span = {0, 0};  // an empty message, still written
  for (int i = 0; i < 3; ++i) {
    AppliedModifier m;
    m.type = ModifierType::kIntensifier;
    m.text = long_text;
    m.span = {1, 2};
    m.factor = 1.5;
    e.modifiers.push_back(m);
  }
  e.contribution = std::nan("");
  e.attribution = Attribution::kMainDyadContext;
  e.dyad = DyadKey{"PAK", "USA"};
  e.source = "PAK";
  r.evidence.push_back(e);
  Evidence bare;  // every field at its default but the spans
  r.evidence.push_back(bare);

  DyadScore d;
  d.dyad = DyadKey{"PAK", "USA"};
  d.tone = 0.5;
  d.raw_sum = -3;
  d.directed_sum = {0, -0.0};
  d.class_counts = {1, 0, -2, 0};
  d.signals = 2;
  d.evidence = {0, 1, -1, 300};
  r.dyads.push_back(d);
  DyadScore empty;  // no evidence: no packed field
  empty.dyad = DyadKey{"CHN", "PAK"};
  r.dyads.push_back(empty);

  ActorCount a;
  a.code = "PAK";
  a.name = std::string(200, 'P');
  a.mentions = 7;
  r.actors.push_back(a);
  r.general = GeneralScores{};
  r.general->compound = -0.25;

  ExpectSameBytes(r, MakeArticle("text"));

  // And an article with nothing: no date, no dyads, no id.
  ExpectSameBytes(ArticleResult(), v1::Article());
}

}  // namespace
}  // namespace dyadtone
