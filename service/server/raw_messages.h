// Requests that the handlers parse themselves from the raw bytes gRPC
// received, so that one proto3 refuses (a string field that is not valid
// UTF-8) gets an error that names the field: gRPC's own parsing answers it
// with a bare UNIMPLEMENTED (callback API) or INTERNAL (synchronous API),
// logs nothing, and in a stream ends the stream as if the client had closed
// it.

#ifndef DYADTONE_SERVICE_SERVER_RAW_MESSAGES_H_
#define DYADTONE_SERVICE_SERVER_RAW_MESSAGES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message_lite.h"
#include "grpcpp/support/byte_buffer.h"

namespace dyadtone {

// Parses `raw` into *message; `raw` is left as it was.
bool ParseRaw(const grpc::ByteBuffer& raw,
              google::protobuf::MessageLite* message);

// Why `raw` does not parse as a `type`, read again at the wire level: the
// first string field, at any depth, that is not valid UTF-8, with its path
// ("article.id: invalid UTF-8 at byte 3: invalid lead byte",
// "dyads[1].a: ..."), or that the bytes are not protobuf wire data.
std::string WhyUnparsable(const grpc::ByteBuffer& raw,
                          const google::protobuf::Descriptor& type);

// The string at `path` ("article.id") in `raw`, a `type` read at the wire
// level, when it is there and valid UTF-8; "" otherwise. For naming what
// could not be parsed.
std::string ReadableString(const grpc::ByteBuffer& raw,
                           const google::protobuf::Descriptor& type,
                           absl::string_view path);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_RAW_MESSAGES_H_
