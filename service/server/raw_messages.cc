#include "service/server/raw_messages.h"

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "service/engine/utf8.h"

namespace dyadtone {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Every string field of `fields` (a `type`), at any depth, with its path:
// visit(path, bytes). False, with the path in *bad, at a nested message
// that is not wire data.
bool VisitStrings(
    const UnknownFieldSet& fields, const Descriptor& type,
    const std::string& prefix,
    absl::FunctionRef<void(const std::string&, const std::string&)> visit,
    std::string* bad) {
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& f = fields.field(i);
    if (f.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const FieldDescriptor* field = type.FindFieldByNumber(f.number());
    if (field == nullptr) continue;
    std::string path = absl::StrCat(prefix, field->name());
    if (field->is_repeated()) {
      int index = 0;
      for (int j = 0; j < i; ++j)
        index += fields.field(j).number() == f.number();
      absl::StrAppend(&path, "[", index, "]");
    }
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      visit(path, f.length_delimited());
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      UnknownFieldSet nested;
      if (!nested.ParseFromString(f.length_delimited())) {
        *bad = path;
        return false;
      }
      if (!VisitStrings(nested, *field->message_type(), path + ".", visit,
                        bad)) {
        return false;
      }
    }
  }
  return true;
}

// Parses `raw` into *out (a message, or an UnknownFieldSet: the wire data
// alone); `raw` is left as it was.
template <typename Parsed>
bool ParseFrom(const grpc::ByteBuffer& raw, Parsed* out) {
  grpc::ByteBuffer copy(raw);  // shares the slices
  grpc::ProtoBufferReader reader(&copy);
  return reader.status().ok() && out->ParseFromZeroCopyStream(&reader);
}

}  // namespace

bool ParseRaw(const grpc::ByteBuffer& raw,
              google::protobuf::MessageLite* message) {
  return ParseFrom(raw, message);
}

std::string WhyUnparsable(const grpc::ByteBuffer& raw, const Descriptor& type) {
  UnknownFieldSet fields;
  if (!ParseFrom(raw, &fields)) {
    return absl::StrCat("the message is not protobuf wire data (expected ",
                        type.full_name(), ")");
  }
  std::string reason;
  std::string bad;
  const bool wire = VisitStrings(
      fields, type, "",
      [&](const std::string& path, const std::string& bytes) {
        if (!reason.empty()) return;
        if (absl::Status s = ValidateUtf8(bytes); !s.ok()) {
          reason = absl::StrCat(path, ": ", s.message());
        }
      },
      &bad);
  if (!reason.empty()) return reason;
  if (!wire) return absl::StrCat(bad, ": not protobuf wire data");
  return absl::StrCat("the message cannot be parsed as ", type.full_name());
}

std::string ReadableString(const grpc::ByteBuffer& raw, const Descriptor& type,
                           absl::string_view path) {
  UnknownFieldSet fields;
  if (!ParseFrom(raw, &fields)) return "";
  std::string found;
  std::string bad;
  VisitStrings(
      fields, type, "",
      [&](const std::string& at, const std::string& bytes) {
        if (at == path && ValidateUtf8(bytes).ok()) found = bytes;
      },
      &bad);
  return found;
}

}  // namespace dyadtone
