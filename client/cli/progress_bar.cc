#include "client/cli/progress_bar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace dyadtone::cli {
namespace {

constexpr int kBarCells = 28;
constexpr size_t kMaxLabelBytes = 40;

}  // namespace

ProgressBar::ProgressBar(std::FILE* out, int total, bool enabled)
    : out_(out), total_(total), enabled_(enabled && total > 0) {}

void ProgressBar::Update(int done, absl::string_view label) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (done < total_ && now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  const int filled = static_cast<int>(static_cast<int64_t>(done) * kBarCells /
                                      std::max(total_, 1));
  std::string bar;
  for (int i = 0; i < kBarCells; ++i) {
    bar += i < filled ? "\xE2\x96\x88" : "\xE2\x96\x91";  // █ ░
  }
  std::string shown(label.substr(0, kMaxLabelBytes));
  if (label.size() > kMaxLabelBytes) {  // drop a character the cut split
    auto byte = [&] { return static_cast<unsigned char>(shown.back()); };
    while (!shown.empty() && (byte() & 0xC0) == 0x80) shown.pop_back();
    if (!shown.empty() && (byte() & 0x80)) shown.pop_back();
  }
  std::fprintf(out_, "\r\x1b[Kingest %s %*d/%d %3d%%  %s", bar.c_str(),
               static_cast<int>(absl::StrCat(total_).size()), done, total_,
               static_cast<int>(100LL * done / total_), shown.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace dyadtone::cli
