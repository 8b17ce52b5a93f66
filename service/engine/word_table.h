// An immutable open-addressing table from a word to its vocabulary id,
// tuned for the one lookup every token of every article makes: a hash of
// the word's first 16 bytes in one round (up to 8 bytes, most words) or
// two, then a probe of a one-byte tag per slot. The tags (16 KiB for the
// shipped vocabulary) are dense, so a word not in the vocabulary, a quarter
// of the tokens of news text, usually costs no visit to the slots; a word
// that is has its key, up to 16 bytes, in its slot.

#ifndef DYADTONE_SERVICE_ENGINE_WORD_TABLE_H_
#define DYADTONE_SERVICE_ENGINE_WORD_TABLE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace dyadtone {

class WordTable {
 public:
  // Bytes that must be readable after a word passed to Find().
  static constexpr size_t kPadding = 8;

  WordTable() = default;

  // Builds the table from (word, id) pairs; ids must be > 0. The table has
  // at least `slots_per_word` slots a word (a power of two in all): more
  // slots, fewer probes for a word that is not in it.
  explicit WordTable(const std::vector<std::pair<std::string, uint32_t>>& words,
                     size_t slots_per_word = 2);

  // A word, hashed: the first of a lookup's two steps (MakeKey, then
  // Find).
  struct Key {
    const char* p;
    size_t n;
    uint64_t k0, k1, hash;
  };

  // REQUIRES: kPadding bytes after p + n are readable (their values do not
  // matter).
  static Key MakeKey(const char* p, size_t n) {
    Key key{p, n, 0, 0, 0};
    key.hash = Hash(p, n, &key.k0, &key.k1);
    return key;
  }

  // The id of `key`'s word, or 0.
  uint32_t Find(const Key& key) const {
    if (mask_ == 0) return 0;  // empty
    const uint8_t tag = Tag(key.hash);
    for (size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
      if (tags_[i] == tag) {
        const Slot& s = slots_[i];
        if (s.size == key.n && s.k0 == key.k0 && s.k1 == key.k1 &&
            (key.n <= 16 || std::memcmp(arena_.data() + s.offset + 16,
                                        key.p + 16, key.n - 16) == 0)) {
          return s.id;
        }
      } else if (tags_[i] == 0) {
        return 0;
      }
    }
  }

  // The id of the `n` bytes at `p`, or 0. REQUIRES: as for MakeKey().
  uint32_t Find(const char* p, size_t n) const {
    return Find(MakeKey(p, n));
  }

 private:
  struct Slot {
    uint64_t k0 = 0, k1 = 0;  // the first 16 bytes, zero padded
    uint32_t id = 0;
    uint32_t size = 0;
    uint32_t offset = 0;      // into arena_, for words over 16 bytes
  };

  static uint64_t Load(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }

  // The low `n` bytes (n <= 8) of `v`.
  static uint64_t Low(uint64_t v, size_t n) {
    return n >= 8 ? v : v & ((uint64_t{1} << (8 * n)) - 1);
  }

  // Never 0, which marks an empty slot.
  static uint8_t Tag(uint64_t h) {
    return static_cast<uint8_t>(0x80 | (h >> 57));
  }

  // Sets *k0 and *k1 to the first 16 bytes, zero padded. Most words fit in
  // eight bytes, and take one round; the rest two, or a loop past 16.
  static uint64_t Hash(const char* p, size_t n, uint64_t* k0, uint64_t* k1) {
    *k0 = Low(Load(p), n);
    uint64_t h = (*k0 ^ (n * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
    if (n <= 8) {
      *k1 = 0;
      return h ^ (h >> 29) ^ (h >> 47);
    }
    *k1 = Low(Load(p + 8), n - 8);
    h = (h ^ (h >> 31) ^ *k1) * 0x94D049BB133111EBULL;
    for (size_t i = 16; i < n; i += 8) {
      h = (h ^ (h >> 29) ^ Low(Load(p + i), n - i)) * 0xBF58476D1CE4E5B9ULL;
    }
    return h ^ (h >> 32);
  }

  std::vector<uint8_t> tags_;  // per slot: 0 when empty, else Tag(hash)
  std::vector<Slot> slots_;
  size_t mask_ = 0;  // slots - 1 (at least 15), or 0 when empty
  std::string arena_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_WORD_TABLE_H_
