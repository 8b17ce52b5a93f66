#include "service/engine/word_table.h"

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"

namespace dyadtone {
namespace {

// Find() reads up to kPadding bytes past the word: the lookups go through
// a padded copy whose padding is not zero, as the bytes after a token in
// running text are not.
uint32_t Lookup(const WordTable& table, const std::string& word) {
  const std::string padded = word + std::string(WordTable::kPadding, 'x');
  return table.Find(padded.data(), word.size());
}

using Words = std::vector<std::pair<std::string, uint32_t>>;

TEST(WordTable, EmptyTableFindsNothing) {
  const WordTable none;
  EXPECT_EQ(Lookup(none, "word"), 0u);
  const WordTable built(Words{});
  EXPECT_EQ(Lookup(built, "word"), 0u);
  EXPECT_EQ(Lookup(built, "a much longer word than eight"), 0u);
}

TEST(WordTable, FindsWordsOfEveryLengthAndNotTheirNeighbours) {
  // Words that share their first 8 or 16 bytes and differ only after, or
  // only in length: the cases where the key's parts decide.
  const std::string base = "abcdefghijklmnopqrstuvwxyz0123456789";
  Words words;
  uint32_t id = 1;
  for (size_t n = 1; n <= base.size(); ++n) {
    words.push_back({base.substr(0, n), id++});
  }
  const WordTable table(words);
  for (const auto& [word, want] : words) {
    EXPECT_EQ(Lookup(table, word), want) << word;
  }
  for (size_t n = 1; n <= base.size(); ++n) {
    std::string other = base.substr(0, n);
    other.back() = '!';  // the last byte differs
    EXPECT_EQ(Lookup(table, other), 0u) << other;
  }
  EXPECT_EQ(Lookup(table, base + "x"), 0u);
}

// One slot a word and a power of two of words: the table must still keep
// an empty slot, or the search for a missing word would never end.
TEST(WordTable, OneSlotAWordStillEndsTheSearchForAMissingWord) {
  for (size_t count : {16, 64}) {
    Words words;
    for (size_t i = 0; i < count; ++i) {
      words.push_back({"w" + std::to_string(i),
                       static_cast<uint32_t>(i + 1)});
    }
    const WordTable table(words, /*slots_per_word=*/1);
    for (const auto& [word, id] : words) EXPECT_EQ(Lookup(table, word), id);
    EXPECT_EQ(Lookup(table, "missing"), 0u);
    EXPECT_EQ(Lookup(table, "w" + std::to_string(count)), 0u);
  }
}

// Many words at one slot each: a crowded table, where a search steps over
// runs of taken slots. Checked against a hash map.
TEST(WordTable, AgreesWithAHashMapWhenCrowded) {
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> len(1, 24), letter('a', 'e');
  absl::flat_hash_map<std::string, uint32_t> reference;
  Words words;
  while (words.size() < 5000) {
    std::string w(len(rng), ' ');
    for (char& c : w) c = static_cast<char>(letter(rng));
    if (reference.contains(w)) continue;
    const auto id = static_cast<uint32_t>(words.size() + 1);
    reference[w] = id;
    words.push_back({w, id});
  }
  for (size_t slots_per_word : {1, 2, 4}) {
    const WordTable table(words, slots_per_word);
    for (const auto& [word, id] : words) {
      ASSERT_EQ(Lookup(table, word), id) << word;
    }
    size_t absent = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string w(len(rng), ' ');
      for (char& c : w) c = static_cast<char>(letter(rng));
      const auto it = reference.find(w);
      ASSERT_EQ(Lookup(table, w), it == reference.end() ? 0u : it->second)
          << w;
      absent += it == reference.end();
    }
    EXPECT_GT(absent, 1000u);  // the probes did test absent words
  }
}

}  // namespace
}  // namespace dyadtone
