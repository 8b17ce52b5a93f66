// UTF-8 validation for text bound for proto3 `string` fields, which cannot
// carry invalid UTF-8: protobuf refuses to parse such a message on the
// server, so it is caught here, where the byte can still be named.

#ifndef DYADTONE_CLIENT_UTF8_H_
#define DYADTONE_CLIENT_UTF8_H_

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "dyadtone/v1/tone_service.pb.h"

namespace dyadtone {

// The offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid);
// std::nullopt when all of `text` is valid.
std::optional<size_t> FindInvalidUtf8(absl::string_view text);

// InvalidArgument naming the field and byte ("article.text: invalid UTF-8 at
// byte 12") when any string field of `article` is not valid UTF-8.
absl::Status CheckArticleUtf8(const v1::Article& article);

}  // namespace dyadtone

#endif  // DYADTONE_CLIENT_UTF8_H_
