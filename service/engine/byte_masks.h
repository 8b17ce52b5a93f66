// The bytes of a text classified into bit masks, 64 bytes at a time with
// SIMD instructions, for the tokenizer's fast path: with them, finding the
// end of a word or of a run of spaces is a count of trailing zeros instead
// of a loop over its bytes.
//
// Three implementations give the same masks: portable C++, SSE2 (every
// x86-64) and AVX2 (chosen at run time when the CPU has it).

#ifndef DYADTONE_SERVICE_ENGINE_BYTE_MASKS_H_
#define DYADTONE_SERVICE_ENGINE_BYTE_MASKS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/string_view.h"

namespace dyadtone {

// One bit per byte of the text: bit (i % 8) of byte i / 8 of a mask is set
// when byte i is of that class. Zero past the end of the text.
struct ByteMasks {
  std::vector<uint8_t> word;   // ASCII letter or digit
  std::vector<uint8_t> upper;  // ASCII upper-case letter
  std::vector<uint8_t> digit;  // ASCII digit
  std::vector<uint8_t> blank;  // ASCII white space other than '\n', and
                               // the other control characters (the
                               // tokenizer's spaces)
  std::vector<uint8_t> other;  // '\n' or a byte above ASCII

  // Bytes readable past the mask of the last byte of the text.
  static constexpr size_t kPadding = 16;

  // Bits for bytes pos, pos + 1, ... in bits 0, 1, ...: at least 57 valid
  // bits. REQUIRES: pos <= the text's size.
  static uint64_t At(const std::vector<uint8_t>& mask, size_t pos) {
    uint64_t v;
    std::memcpy(&v, mask.data() + pos / 8, 8);
    return v >> (pos % 8);
  }
};

// Which implementation ClassifyBytes() uses.
enum class SimdLevel { kNone, kSse2, kAvx2 };

// The best level this CPU and build support.
SimdLevel BestSimdLevel();

// Fills `masks` for `text`, and writes its ASCII lower case (other bytes
// unchanged) to `lowered` (text.size() bytes), using `level` (which must be
// supported; see BestSimdLevel()).
void ClassifyBytes(absl::string_view text, SimdLevel level, char* lowered,
                   ByteMasks* masks);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_BYTE_MASKS_H_
