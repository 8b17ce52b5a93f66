// The tokenizer's fast path (byte masks from SIMD instructions, words and
// spaces found by counting bits) against its byte-at-a-time path, and the
// SIMD byte classifiers against the portable one: the same tokens, folded
// forms, flags and sentences, on real and random text.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/engine/byte_masks.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {
namespace {

std::vector<SimdLevel> Levels() {
  std::vector<SimdLevel> levels = {SimdLevel::kNone};
  if (BestSimdLevel() != SimdLevel::kNone) levels.push_back(SimdLevel::kSse2);
  if (BestSimdLevel() == SimdLevel::kAvx2) levels.push_back(SimdLevel::kAvx2);
  return levels;
}

bool Bit(const std::vector<uint8_t>& mask, size_t i) {
  return (mask[i / 8] >> (i % 8)) & 1;
}

// Each class as the tokenizer defines it, byte by byte.
TEST(ClassifyBytes, EveryLevelGivesTheDefinedMasksAndLowerCase) {
  std::mt19937 rng(7);
  for (size_t size : {0, 1, 15, 16, 63, 64, 65, 127, 128, 200, 1000, 4099}) {
    std::string text(size, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    if (size >= 256) {
      for (int c = 0; c < 256; ++c) text[c] = static_cast<char>(c);
    }
    for (SimdLevel level : Levels()) {
      ByteMasks masks;
      // Stale masks of a longer text must not show past this one's end.
      std::string longer(size + 200, 'A');
      std::vector<char> scratch(longer.size());
      ClassifyBytes(longer, level, scratch.data(), &masks);
      std::vector<char> lowered(size);
      ClassifyBytes(text, level, lowered.data(), &masks);
      for (size_t i = 0; i < size + 64; ++i) {
        const unsigned char c =
            i < size ? static_cast<unsigned char>(text[i]) : 0;
        const bool in = i < size;
        const bool upper = in && c >= 'A' && c <= 'Z';
        const bool digit = in && c >= '0' && c <= '9';
        const bool lower = in && c >= 'a' && c <= 'z';
        const bool blank =
            in && ((c < 0x20 && c != '\n') || c == ' ' || c == 0x7F);
        const bool other = in && (c == '\n' || c >= 0x80);
        SCOPED_TRACE(testing::Message() << "level " << static_cast<int>(level)
                                        << " size " << size << " byte " << i
                                        << " = " << static_cast<int>(c));
        ASSERT_EQ(Bit(masks.word, i), upper || digit || lower);
        ASSERT_EQ(Bit(masks.upper, i), upper);
        ASSERT_EQ(Bit(masks.digit, i), digit);
        ASSERT_EQ(Bit(masks.blank, i), blank);
        ASSERT_EQ(Bit(masks.other, i), other);
        if (in) {
          ASSERT_EQ(lowered[i], static_cast<char>(upper ? c + 32 : c));
        }
      }
    }
  }
}

// Everything the tokenizer says about a text, as one string.
std::string Describe(const TokenizedText& t) {
  std::ostringstream out;
  for (const Token& tok : t.tokens) {
    out << tok.begin << ' ' << tok.end << ' ' << tok.sentence << ' '
        << tok.flags << " [" << t.Norm(tok) << "]\n";
  }
  for (const Sentence& s : t.sentences) {
    out << "S " << s.first_token << ' ' << s.end_token << '\n';
  }
  return out.str();
}

void ExpectSamePaths(const std::string& text) {
  TokenizedText bytes;
  TokenizeForTesting(text, /*fast_path=*/false, SimdLevel::kNone, &bytes);
  const std::string expected = Describe(bytes);
  // One TokenizedText across levels, as a worker reuses its buffers.
  TokenizedText fast;
  for (SimdLevel level : Levels()) {
    TokenizeForTesting(text, /*fast_path=*/true, level, &fast);
    ASSERT_EQ(Describe(fast), expected)
        << "level " << static_cast<int>(level) << " text:\n"
        << text;
  }
  TokenizedText automatic;
  Tokenize(text, &automatic);
  ASSERT_EQ(Describe(automatic), expected) << text;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST(TokenizerPaths, SameTokensOnTheExampleArticles) {
  std::string all;
  for (const auto& e :
       std::filesystem::directory_iterator(DYADTONE_EXAMPLES_DIR)) {
    const std::string text = ReadFile(e.path());
    ExpectSamePaths(text);
    all += text + "\n\n";
  }
  ExpectSamePaths(all);
}

TEST(TokenizerPaths, SameTokensOnTheRatedSnippetsAndTweets) {
  for (const char* name :
       {"movieReviewSnippets_GroundTruth.txt", "tweets_GroundTruth.txt"}) {
    std::ifstream in(std::string(DYADTONE_TESTDATA_DIR) + "/vader/" + name);
    std::string line, chunk;
    int lines = 0;
    while (std::getline(in, line)) {
      chunk += line + "\n";
      // Many lines a text: fewer calls, and line breaks between them.
      if (++lines % 50 == 0) {
        ExpectSamePaths(chunk);
        chunk.clear();
      }
    }
    ExpectSamePaths(chunk);
  }
}

// Texts built from the pieces the tokenizer treats specially.
TEST(TokenizerPaths, SameTokensOnRandomText) {
  const std::vector<std::string> pieces = {
      " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\x7f", "\x01",
      "Pakistan", "the", "US", "U.S.", "u.s.", "Mr.", "Dr", "Jan.", "J.",
      "Antony J. Blinken", "e.g.", "etc.", "no.", "NATO", "McDonald", "x",
      "A", "I", "a", "97.5", "1,000", "2023", "3rd", "B2B", "didn't", "can't",
      "Pakistan's", "d'Ivoire", "'s", "'", "\"", ",", ".", "...", "....",
      "!", "?", ";", ":", "-", "--", "(", ")", "[", "]", "$", "%", "&",
      "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x94",
      "\xE2\x80\x93", "\xE2\x80\xA6", "\xC2\xA0", "\xE2\x80\xA8",
      "\xE3\x80\x80", "\xC3\x89", "\xC3\xA9t\xC3\xA9", "\xD0\x9C\xD0\xBE",
      "\xCE\x91\xCE\xB8", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xC2\xAB",
      std::string(60, 'a'), std::string(57, 'Z'), std::string(70, ' '),
      "The", "However", "It", "talks", "ties", "with", "and",
  };
  std::mt19937 rng(12345);
  for (int k = 0; k < 3000; ++k) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 120);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    ExpectSamePaths(text);
  }
}

// Random ASCII bytes, where the masks' window and block edges fall
// anywhere.
TEST(TokenizerPaths, SameTokensOnRandomAsciiBytes) {
  const std::string alphabet =
      "aaaaeeeiioouAEIOUTSNBxyz0123456789     ...,,,''\"!?-;:()\n\t";
  std::mt19937 rng(99);
  for (int k = 0; k < 2000; ++k) {
    std::string text(1 + rng() % 400, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    ExpectSamePaths(text);
  }
}

}  // namespace
}  // namespace dyadtone
