// UTF-8 validation and decoding.

#ifndef DYADTONE_SERVICE_ENGINE_UTF8_H_
#define DYADTONE_SERVICE_ENGINE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace dyadtone {

// Returns OK if `text` is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF). Otherwise InvalidArgument naming the
// byte offset of the first bad sequence.
absl::Status ValidateUtf8(absl::string_view text);

// Decodes the code point that starts at text[pos].
// REQUIRES: `text` is valid UTF-8 and pos < text.size().
// Sets *len to the number of bytes it takes.
inline char32_t DecodeUtf8(absl::string_view text, size_t pos, int* len) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  if (s[0] < 0x80) {
    *len = 1;
    return s[0];
  }
  if (s[0] < 0xE0) {
    *len = 2;
    return ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if (s[0] < 0xF0) {
    *len = 3;
    return ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  }
  *len = 4;
  return ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
         ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

// Appends the UTF-8 encoding of `c` to `out`.
template <typename String>
void AppendUtf8(char32_t c, String* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_UTF8_H_
