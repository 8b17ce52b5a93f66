// A one-line progress bar redrawn in place on a terminal.

#ifndef DYADTONE_CLIENT_CLI_PROGRESS_BAR_H_
#define DYADTONE_CLIENT_CLI_PROGRESS_BAR_H_

#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace dyadtone::cli {

class ProgressBar {
 public:
  // Draws on `out` only when `enabled` (the caller checks isatty).
  ProgressBar(std::FILE* out, int total, bool enabled);
  ~ProgressBar() { Finish(); }

  // `done` of `total` finished, the last one being `label`. Redraws at most
  // ten times a second, and always for the last one.
  void Update(int done, absl::string_view label);
  // Erases the bar.
  void Finish();

 private:
  std::FILE* const out_;
  const int total_;
  const bool enabled_;
  bool drawn_ = false;
  absl::Time last_draw_ = absl::InfinitePast();
};

}  // namespace dyadtone::cli

#endif  // DYADTONE_CLIENT_CLI_PROGRESS_BAR_H_
