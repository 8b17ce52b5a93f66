// An immutable open-addressing table from a word to its vocabulary id,
// tuned for the one lookup every token of every article makes: a hash of
// the word's bytes read eight at a time, and usually one probe whose key,
// for words up to 16 bytes, sits in the slot itself.

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

  // Builds the table from (word, id) pairs; ids must be > 0.
  explicit WordTable(const std::vector<std::pair<std::string, uint32_t>>& words);

  // The id of the `n` bytes at `p`, or 0.
  // REQUIRES: kPadding bytes after p + n are readable (their values do not
  // matter).
  uint32_t Find(const char* p, size_t n) const {
    if (slots_.empty()) return 0;
    uint64_t k0, k1;
    const uint64_t h = Hash(p, n, &k0, &k1);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == 0) return 0;
      if (s.size != n) continue;
      if (n <= 16 ? (s.k0 == k0 && s.k1 == k1)
                  : (s.tag == tag &&
                     std::memcmp(arena_.data() + s.offset, p, n) == 0)) {
        return s.id;
      }
    }
  }

 private:
  // A slot holds the key of a word up to 16 bytes, so that a lookup reads
  // one cache line, not a slot and then a separate key.
  struct Slot {
    uint64_t k0 = 0, k1 = 0;  // the first 16 bytes, zero padded
    uint32_t id = 0;          // 0: empty
    uint32_t size = 0;
    uint32_t tag = 0;         // high half of the hash
    uint32_t offset = 0;      // into arena_, for words over 16 bytes
  };

  // Reads `n` bytes (and up to 7 beyond, masked off) eight at a time. Sets
  // *k0 and *k1 to the first 16 bytes, zero padded.
  static uint64_t Hash(const char* p, size_t n, uint64_t* k0, uint64_t* k1) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xFF51AFD7ED558CCDULL);
    *k0 = *k1 = 0;
    for (size_t i = 0; i < n; i += 8) {
      uint64_t v;
      std::memcpy(&v, p + i, 8);
      if (n - i < 8) v &= (uint64_t{1} << (8 * (n - i))) - 1;
      if (i == 0) *k0 = v;
      if (i == 8) *k1 = v;
      h = (h ^ v) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 31;
    }
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 32);
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::string arena_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_WORD_TABLE_H_
