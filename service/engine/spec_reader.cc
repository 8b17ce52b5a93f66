#include "service/engine/spec_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "service/engine/utf8.h"

namespace dyadtone {

SpecReader::SpecReader(absl::string_view content, absl::string_view file_name)
    : rest_(content), file_name_(file_name) {}

absl::Status SpecReader::ReadVersion(std::string* version) {
  if (absl::Status s = ValidateUtf8(rest_); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name_, ": ", s.message()));
  }
  absl::string_view line;
  if (!Next(&line)) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name_, ": file is empty; it must start with "
                                 "\"@version V\""));
  }
  if (TakeWord(&line) != "@version" || line.empty()) {
    return Error("expected \"@version V\" as the first line");
  }
  *version = std::string(line);
  return absl::OkStatus();
}

bool SpecReader::Next(absl::string_view* line) {
  while (!rest_.empty()) {
    const size_t nl = rest_.find('\n');
    absl::string_view raw = rest_.substr(0, nl);
    rest_ = nl == absl::string_view::npos ? absl::string_view()
                                         : rest_.substr(nl + 1);
    ++line_number_;
    if (const size_t hash = raw.find('#'); hash != absl::string_view::npos) {
      raw = raw.substr(0, hash);
    }
    raw = absl::StripAsciiWhitespace(raw);
    if (!raw.empty()) {
      *line = raw;
      return true;
    }
  }
  return false;
}

std::vector<absl::string_view> SplitList(absl::string_view list,
                                        bool* empty_item) {
  std::vector<absl::string_view> items;
  *empty_item = false;
  while (true) {
    const size_t semi = list.find(';');
    absl::string_view item = absl::StripAsciiWhitespace(list.substr(0, semi));
    if (item.empty()) {
      // A trailing ';' is tolerated; an empty item in the middle is not.
      if (semi != absl::string_view::npos || items.empty()) *empty_item = true;
    } else {
      items.push_back(item);
    }
    if (semi == absl::string_view::npos) break;
    list = list.substr(semi + 1);
    if (absl::StripAsciiWhitespace(list).empty()) break;
  }
  return items;
}

absl::string_view TakeWord(absl::string_view* line) {
  absl::string_view s = absl::StripLeadingAsciiWhitespace(*line);
  size_t end = 0;
  while (end < s.size() && !absl::ascii_isspace(s[end])) ++end;
  const absl::string_view word = s.substr(0, end);
  *line = absl::StripLeadingAsciiWhitespace(s.substr(end));
  return word;
}

absl::Status ReadFileToString(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("cannot read ", path));
  }
  *out = std::move(buffer).str();
  return absl::OkStatus();
}

std::string ContentFingerprint(absl::string_view content) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : content) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return absl::StrFormat("%016x", h);
}

}  // namespace dyadtone
