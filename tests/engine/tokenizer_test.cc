#include "service/engine/tokenizer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dyadtone {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Norms(const TokenizedText& t) {
  std::vector<std::string> out;
  for (const Token& tok : t.tokens) out.emplace_back(t.Norm(tok));
  return out;
}

std::vector<std::string> Sentences(const TokenizedText& t) {
  std::vector<std::string> out;
  for (const Sentence& s : t.sentences) {
    const uint32_t b = t.tokens[s.first_token].begin;
    const uint32_t e = t.tokens[s.end_token - 1].end;
    out.emplace_back(t.text.substr(b, e - b));
  }
  return out;
}

TEST(Tokenize, WordsPunctuationAndCase) {
  TokenizedText t;
  Tokenize("Pakistan and the US strengthen ties.", &t);
  EXPECT_THAT(Norms(t), ElementsAre("pakistan", "and", "the", "us",
                                    "strengthen", "ties", "."));
  EXPECT_TRUE(t.tokens[0].Has(kCapitalized));
  EXPECT_TRUE(t.tokens[0].Has(kSentenceStart));
  EXPECT_TRUE(t.tokens[3].Has(kAllCaps));
  EXPECT_FALSE(t.tokens[2].Has(kCapitalized));
  EXPECT_TRUE(t.tokens[6].Has(kSentenceEnd));
}

TEST(Tokenize, FoldsTypographicCharactersAndKeepsOriginalOffsets) {
  const std::string text =
      "Pakistan\xE2\x80\x99s \xE2\x80\x9Cwarm\xE2\x80\x9D ties \xE2\x80\x93 "
      "and more\xE2\x80\x94really";
  TokenizedText t;
  Tokenize(text, &t);
  EXPECT_THAT(Norms(t), ElementsAre("pakistan", "'s", "\"", "warm", "\"",
                                    "ties", "-", "and", "more", "--",
                                    "really"));
  // "warm" keeps its place in the original bytes.
  EXPECT_EQ(t.Original(t.tokens[3]), "warm");
  EXPECT_EQ(t.Original(t.tokens[1]), "\xE2\x80\x99s");
  EXPECT_EQ(t.Original(t.tokens[9]), "\xE2\x80\x94");
}

TEST(Tokenize, ClitcsHyphensAndNumbers) {
  TokenizedText t;
  Tokenize("US' invitation didn't reach Guinea-Bissau; $97.5 million, 1,000 "
           "troops in Côte d'Ivoire",
           &t);
  EXPECT_THAT(Norms(t),
              ElementsAre("us", "'", "invitation", "did", "n't", "reach",
                          "guinea", "-", "bissau", ";", "$", "97.5",
                          "million", ",", "1,000", "troops", "in", "côte",
                          "d'ivoire"));
}

TEST(Tokenize, LowerCasesLatinLetters) {
  TokenizedText t;
  Tokenize("TÜRKIYE ÉLYSÉE", &t);
  EXPECT_THAT(Norms(t), ElementsAre("türkiye", "élysée"));
  EXPECT_TRUE(t.tokens[0].Has(kAllCaps));
}

TEST(Tokenize, AbbreviationsAndInitialsDoNotEndSentences) {
  TokenizedText t;
  Tokenize("Mr. Blinken met U.S. officials on Dec. 14 with Antony J. Blinken. "
           "He left.",
           &t);
  EXPECT_THAT(Sentences(t),
              ElementsAre("Mr. Blinken met U.S. officials on Dec. 14 with "
                          "Antony J. Blinken.",
                          "He left."));
  EXPECT_THAT(Norms(t), ::testing::Contains("u.s."));
  EXPECT_THAT(Norms(t), ::testing::Contains("j."));
}

TEST(Tokenize, AcronymFollowedByASentenceOpenerEndsTheSentence) {
  TokenizedText t;
  Tokenize("Talks were held in the U.S. The two sides agreed.", &t);
  EXPECT_THAT(Sentences(t), ElementsAre("Talks were held in the U.S.",
                                        "The two sides agreed."));
}

TEST(Tokenize, SentencesEndOnTerminalsAndLines) {
  TokenizedText t;
  Tokenize("He said: \"We value ties.\" They agreed! Why?\n\nHeadline Here\n"
           "Body starts here\nand wraps on.",
           &t);
  EXPECT_THAT(Sentences(t),
              ElementsAre("He said: \"We value ties.\"", "They agreed!",
                          "Why?", "Headline Here",
                          "Body starts here\nand wraps on."));
  // Lower-case sentence starts (seed 004's style) still split.
  Tokenize("the talks ended. both sides expressed satisfaction.", &t);
  EXPECT_EQ(t.sentences.size(), 2u);
  EXPECT_TRUE(t.tokens[4].Has(kSentenceStart));
}

TEST(Tokenize, RunOnTextIsCutIntoBoundedSentences) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "word ";
  TokenizedText t;
  Tokenize(text, &t);
  EXPECT_EQ(t.tokens.size(), 1000u);
  for (const Sentence& s : t.sentences) {
    EXPECT_LE(s.end_token - s.first_token, kMaxSentenceTokens);
  }
  EXPECT_EQ(t.sentences.size(), 3u);
}

TEST(Tokenize, EmptyAndWhitespace) {
  TokenizedText t;
  Tokenize("", &t);
  EXPECT_TRUE(t.tokens.empty());
  EXPECT_TRUE(t.sentences.empty());
  Tokenize(" \n\t \xC2\xA0 ", &t);
  EXPECT_TRUE(t.tokens.empty());
}

TEST(TokenizePhrase, MatchesTheTextTokenizer) {
  EXPECT_THAT(TokenizePhrase("the White House"),
              ElementsAre("the", "white", "house"));
  EXPECT_THAT(TokenizePhrase("Côte d’Ivoire"),
              ElementsAre("côte", "d'ivoire"));
  EXPECT_THAT(TokenizePhrase("U.S."), ElementsAre("u.s."));
  EXPECT_THAT(TokenizePhrase("Atlanta, Georgia"),
              ElementsAre("atlanta", ",", "georgia"));
}

}  // namespace
}  // namespace dyadtone
