#include "service/engine/word_table.h"

namespace dyadtone {

WordTable::WordTable(const std::vector<std::pair<std::string, uint32_t>>& words,
                     size_t slots_per_word) {
  // At least one empty slot, which ends the search for a missing word.
  size_t capacity = 16;
  while (capacity < words.size() * slots_per_word ||
         capacity <= words.size()) {
    capacity *= 2;
  }
  tags_.resize(capacity);
  slots_.resize(capacity);
  mask_ = capacity - 1;
  for (const auto& [word, id] : words) {
    std::string padded = word + std::string(kPadding, '\0');
    Slot slot;
    const uint64_t h = Hash(padded.data(), word.size(), &slot.k0, &slot.k1);
    slot.id = id;
    slot.size = static_cast<uint32_t>(word.size());
    slot.offset = static_cast<uint32_t>(arena_.size());
    arena_ += word;
    size_t i = h & mask_;
    while (tags_[i] != 0) i = (i + 1) & mask_;
    tags_[i] = Tag(h);
    slots_[i] = slot;
  }
}

}  // namespace dyadtone
