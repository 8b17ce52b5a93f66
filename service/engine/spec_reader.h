// Line reader shared by the gazetteer and lexicon parsers: strips comments
// and blank lines, tracks line numbers, and formats "FILE:LINE: reason"
// errors.

#ifndef DYADTONE_SERVICE_ENGINE_SPEC_READER_H_
#define DYADTONE_SERVICE_ENGINE_SPEC_READER_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dyadtone {

class SpecReader {
 public:
  // `content` must outlive the reader.
  SpecReader(absl::string_view content, absl::string_view file_name);

  // Validates the whole file as UTF-8 and moves to the first content line,
  // which must be "@version V". Returns the error otherwise.
  absl::Status ReadVersion(std::string* version);

  // Advances to the next non-blank line, with comments and surrounding white
  // space removed. Returns false at the end of the file.
  bool Next(absl::string_view* line);

  int line_number() const { return line_number_; }

  // An InvalidArgument error "FILE:LINE: " + args.
  template <typename... Args>
  absl::Status Error(const Args&... args) const {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name_, ":", line_number_, ": ", args...));
  }

 private:
  absl::string_view rest_;
  std::string file_name_;
  int line_number_ = 0;
};

// Splits "a; b; c" into trimmed non-empty items. Sets *empty_item when an
// item between separators is empty ("a;; b").
std::vector<absl::string_view> SplitList(absl::string_view list,
                                        bool* empty_item);

// Splits off the first white-space separated word of *line.
absl::string_view TakeWord(absl::string_view* line);

// Reads the whole file at `path`.
absl::Status ReadFileToString(const std::string& path, std::string* out);

// A stable 64-bit fingerprint (FNV-1a) of data-file contents, printed as
// 16 hex digits; identifies the exact version that produced a score.
std::string ContentFingerprint(absl::string_view content);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_SPEC_READER_H_
