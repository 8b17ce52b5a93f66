#include "service/engine/utf8.h"

#include "absl/strings/str_format.h"

namespace dyadtone {
namespace {

absl::Status BadByte(size_t offset, const char* why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("invalid UTF-8 at byte %d: %s", offset, why));
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

absl::Status ValidateUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      __builtin_memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    char32_t min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000;
    } else {
      return BadByte(i, IsContinuation(c) ? "unexpected continuation byte"
                                          : "invalid lead byte");
    }
    if (i + len > n) return BadByte(i, "truncated sequence");
    for (int k = 1; k < len; ++k) {
      if (!IsContinuation(s[i + k])) return BadByte(i, "truncated sequence");
    }
    int decoded_len;
    const char32_t cp = DecodeUtf8(text, i, &decoded_len);
    if (cp < min) return BadByte(i, "overlong encoding");
    if (cp >= 0xD800 && cp <= 0xDFFF) return BadByte(i, "UTF-16 surrogate");
    if (cp > 0x10FFFF) return BadByte(i, "code point above U+10FFFF");
    i += len;
  }
  return absl::OkStatus();
}

}  // namespace dyadtone
