#include "service/engine/byte_masks.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DYADTONE_X86 1
#endif

namespace dyadtone {
namespace {

constexpr size_t kBlock = 64;

// The masks of one 64-byte block, bit i for byte i.
struct BlockMasks {
  uint64_t word, upper, digit, blank, other;
};

// The reference: one byte at a time.
BlockMasks ClassifyBlockScalar(const unsigned char* p, char* lowered) {
  BlockMasks m{0, 0, 0, 0, 0};
  for (size_t i = 0; i < kBlock; ++i) {
    const unsigned char c = p[i];
    const uint64_t bit = uint64_t{1} << i;
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    if (upper || digit || lower) m.word |= bit;
    if (upper) m.upper |= bit;
    if (digit) m.digit |= bit;
    if ((c < 0x20 && c != '\n') || c == ' ' || c == 0x7F) m.blank |= bit;
    if (c == '\n' || c >= 0x80) m.other |= bit;
    lowered[i] = static_cast<char>(upper ? c + ('a' - 'A') : c);
  }
  return m;
}

#if defined(DYADTONE_X86)
// 16 bytes at a time. The comparisons are signed: bytes above ASCII are
// negative, below every bound used here.
BlockMasks ClassifyBlockSse2(const unsigned char* p, char* lowered) {
  BlockMasks m{0, 0, 0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    auto in = [](__m128i x, char lo, char hi) {
      return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(lo - 1)),
                           _mm_cmplt_epi8(x, _mm_set1_epi8(hi + 1)));
    };
    const __m128i upper = in(v, 'A', 'Z');
    const __m128i digit = in(v, '0', '9');
    const __m128i letter = in(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
    const __m128i blank = _mm_or_si128(
        _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                         in(v, 0x00, 0x1F)),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))));
    _mm_storeu_si128(
        reinterpret_cast<__m128i*>(lowered + 16 * k),
        _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
    const int shift = 16 * k;
    auto bits = [shift](__m128i x) {
      return static_cast<uint64_t>(
                 static_cast<uint16_t>(_mm_movemask_epi8(x)))
             << shift;
    };
    m.word |= bits(_mm_or_si128(letter, digit));
    m.upper |= bits(upper);
    m.digit |= bits(digit);
    m.blank |= bits(blank);
    m.other |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))) |
               static_cast<uint64_t>(
                   static_cast<uint16_t>(_mm_movemask_epi8(v)))
                   << shift;
  }
  return m;
}

// lo <= byte <= hi, for ASCII bounds (signed comparisons, as above).
__attribute__((target("avx2"))) inline __m256i InRange(__m256i x, char lo,
                                                       char hi) {
  return _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(lo - 1)),
                          _mm256_cmpgt_epi8(_mm256_set1_epi8(hi + 1), x));
}

__attribute__((target("avx2"))) inline uint64_t Bits(__m256i x, int shift) {
  return static_cast<uint64_t>(
             static_cast<uint32_t>(_mm256_movemask_epi8(x)))
         << shift;
}

// The same, 32 bytes at a time.
__attribute__((target("avx2"))) BlockMasks ClassifyBlockAvx2(
    const unsigned char* p, char* lowered) {
  BlockMasks m{0, 0, 0, 0, 0};
  for (int k = 0; k < 2; ++k) {
    const __m256i v =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
    const __m256i upper = InRange(v, 'A', 'Z');
    const __m256i digit = InRange(v, '0', '9');
    const __m256i letter =
        InRange(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 'z');
    const __m256i blank = _mm256_or_si256(
        _mm256_andnot_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')),
                            InRange(v, 0x00, 0x1F)),
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')),
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7F))));
    _mm256_storeu_si256(
        reinterpret_cast<__m256i*>(lowered + 32 * k),
        _mm256_add_epi8(v, _mm256_and_si256(upper, _mm256_set1_epi8(0x20))));
    const int shift = 32 * k;
    m.word |= Bits(_mm256_or_si256(letter, digit), shift);
    m.upper |= Bits(upper, shift);
    m.digit |= Bits(digit, shift);
    m.blank |= Bits(blank, shift);
    m.other |= Bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')), shift) |
               Bits(v, shift);
  }
  return m;
}
#endif  // DYADTONE_X86

using BlockFn = BlockMasks (*)(const unsigned char*, char*);

BlockFn BlockFunction(SimdLevel level) {
#if defined(DYADTONE_X86)
  if (level == SimdLevel::kAvx2) return ClassifyBlockAvx2;
  if (level == SimdLevel::kSse2) return ClassifyBlockSse2;
#endif
  (void)level;
  return ClassifyBlockScalar;
}

void Store(uint64_t bits, size_t block, std::vector<uint8_t>* mask) {
  std::memcpy(mask->data() + 8 * block, &bits, 8);
}

}  // namespace

SimdLevel BestSimdLevel() {
#if defined(DYADTONE_X86)
  static const SimdLevel level = __builtin_cpu_supports("avx2")
                                     ? SimdLevel::kAvx2
                                     : SimdLevel::kSse2;
  return level;
#else
  return SimdLevel::kNone;
#endif
}

void ClassifyBytes(absl::string_view text, SimdLevel level, char* lowered,
                   ByteMasks* masks) {
  const size_t n = text.size();
  const size_t blocks = (n + kBlock - 1) / kBlock;
  const size_t bytes = 8 * blocks + ByteMasks::kPadding;
  for (std::vector<uint8_t>* mask :
       {&masks->word, &masks->upper, &masks->digit, &masks->blank,
        &masks->other}) {
    if (mask->size() < bytes) mask->resize(bytes);
    // What a longer text left past this one's end must read as zero.
    std::memset(mask->data() + 8 * blocks, 0, ByteMasks::kPadding);
  }
  const BlockFn classify = BlockFunction(level);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t full = n / kBlock;
  for (size_t b = 0; b < full; ++b) {
    const BlockMasks m = classify(p + kBlock * b, lowered + kBlock * b);
    Store(m.word, b, &masks->word);
    Store(m.upper, b, &masks->upper);
    Store(m.digit, b, &masks->digit);
    Store(m.blank, b, &masks->blank);
    Store(m.other, b, &masks->other);
  }
  if (full == blocks) return;
  // The last, partial block: from a copy padded with zero bytes, whose
  // bits are then cleared.
  const size_t rest = n - kBlock * full;
  unsigned char in[kBlock] = {};
  char out[kBlock];
  std::memcpy(in, p + kBlock * full, rest);
  const BlockMasks m = classify(in, out);
  std::memcpy(lowered + kBlock * full, out, rest);
  const uint64_t valid = (uint64_t{1} << rest) - 1;
  Store(m.word & valid, full, &masks->word);
  Store(m.upper & valid, full, &masks->upper);
  Store(m.digit & valid, full, &masks->digit);
  Store(m.blank & valid, full, &masks->blank);
  Store(m.other & valid, full, &masks->other);
}

}  // namespace dyadtone
