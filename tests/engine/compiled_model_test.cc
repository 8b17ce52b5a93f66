// Pattern semantics of the compiled matcher: slots, optional slots, gaps,
// sentence bounds, leftmost-longest without overlaps, and modifier phrases.

#include "service/engine/compiled_model.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::ElementsAre;

class CompiledModelTest : public ::testing::Test {
 protected:
  void Compile(const std::string& signals, const std::string& extra = "") {
    auto g = ParseGazetteer("@version 1\ncountry PAK Pakistan\nname Pakistan\n",
                            "g");
    ASSERT_THAT(g, IsOk());
    auto l = ParseLexicon("@version 1\n[signals]\n" + signals + extra, "l");
    ASSERT_THAT(l, IsOk());
    auto m = CompiledModel::Compile(*std::move(g), *std::move(l));
    ASSERT_THAT(m, IsOk());
    model_ = *std::move(m);
  }

  // The matches as "line:matched text".
  std::vector<std::string> Signals(const std::string& text) {
    Tokenize(text, &text_);
    model_->AssignWords(&text_);
    std::vector<SignalMatch> out;
    model_->FindSignals(text_, &out);
    std::vector<std::string> found;
    for (const SignalMatch& m : out) {
      const uint32_t b = text_.tokens[m.first_token].begin;
      const uint32_t e = text_.tokens[m.end_token - 1].end;
      found.push_back(
          std::to_string(model_->lexicon().signals[m.entry].line) + ":" +
          std::string(text.substr(b, e - b)));
    }
    return found;
  }

  std::unique_ptr<const CompiledModel> model_;
  TokenizedText text_;
};

TEST_F(CompiledModelTest, AlternativesAndInflections) {
  Compile("3 VCOOP praise+|hail+ ~2 india|pakistan\n");
  EXPECT_THAT(Signals("They hailed Pakistan. They praising the new Pakistan."),
              ElementsAre("3:hailed Pakistan", "3:praising the new Pakistan"));
  EXPECT_THAT(Signals("They praised the very new Pakistan."), ElementsAre());
}

TEST_F(CompiledModelTest, OptionalSlots) {
  Compile("-5 VCONF summon+ ?the ambassador\n");
  EXPECT_THAT(Signals("They summoned the ambassador and summoned ambassador."),
              ElementsAre("3:summoned the ambassador",
                          "3:summoned ambassador"));
}

TEST_F(CompiledModelTest, GapsDoNotCrossSentences) {
  Compile("3 VCOOP value+ ~3 ties\n");
  EXPECT_THAT(Signals("We value. Ties matter."), ElementsAre());
  EXPECT_THAT(Signals("We value our long ties."),
              ElementsAre("3:value our long ties"));
}

TEST_F(CompiledModelTest, LongestMatchWinsThenMoreLiteralsThenEarlierLine) {
  Compile(
      "1 VCOOP cooperation\n"
      "-4 VCONF suspend+ ~3 cooperation\n"
      "-2 VCONF suspend+\n"
      "2 VCOOP deepen+ ~1 ties\n"
      "3 VCOOP deepen+ bilateral ties\n");
  EXPECT_THAT(Signals("They suspended all cooperation. They suspended it."),
              ElementsAre("4:suspended all cooperation", "5:suspended"));
  EXPECT_THAT(Signals("They deepen bilateral ties."),
              ElementsAre("7:deepen bilateral ties"));
}

TEST_F(CompiledModelTest, MatchesDoNotOverlap) {
  Compile("2 VCOOP warm ties\n1 VCOOP ties with\n");
  EXPECT_THAT(Signals("warm ties with them"), ElementsAre("3:warm ties"));
}

TEST_F(CompiledModelTest, ModifiersAreFoundLeftmostLongest) {
  Compile("3 VCOOP praise+\n",
          "[negators]\nnot; fail+ to\n!not only\n[intensifiers]\n1.5 very\n");
  Tokenize("not only praised, they failed to praise, not very much", &text_);
  model_->AssignWords(&text_);
  std::vector<ModifierMatch> mods;
  model_->FindModifiers(text_, &mods);
  std::vector<std::string> kinds;
  for (const ModifierMatch& m : mods) {
    kinds.push_back(std::to_string(static_cast<int>(m.kind)) + ":" +
                    std::to_string(m.end_token - m.first_token));
  }
  // non-negator "not only", negator "failed to", negator "not",
  // intensifier "very".
  EXPECT_THAT(kinds, ElementsAre("1:2", "0:2", "0:1", "2:1"));
}

}  // namespace
}  // namespace dyadtone
