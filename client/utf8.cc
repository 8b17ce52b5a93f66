#include "client/utf8.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

// Length of the valid sequence at text[i], or 0.
size_t SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b = byte(i);
  if (b < 0x80) return 1;
  size_t n;
  uint32_t cp, min;
  if ((b & 0xE0) == 0xC0) {
    n = 2, cp = b & 0x1F, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3, cp = b & 0x0F, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4, cp = b & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::optional<size_t> FindInvalidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

absl::Status CheckArticleUtf8(const v1::Article& article) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"id", &article.id()},
      {"text", &article.text()},
      {"date", &article.date()},
      {"source", &article.source()},
      {"url", &article.url()}};
  for (const auto& [name, value] : fields) {
    if (std::optional<size_t> at = FindInvalidUtf8(*value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("article.", name, ": invalid UTF-8 at byte ", *at));
    }
  }
  return absl::OkStatus();
}

}  // namespace dyadtone
