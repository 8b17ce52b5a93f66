// `dyadtone trend A B [--from --to --by --smooth --empty --svg FILE]`.

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "client/cli/commands.h"
#include "client/cli/score_output.h"
#include "client/svg_chart.h"

namespace dyadtone::cli {
namespace {

constexpr int kBarHalfWidth = 12;

std::string GranularityName(v1::Granularity g) {
  return EnumLabel(v1::Granularity_Name(g), "GRANULARITY_");
}

// "2023-04" for a month, "2023-Q2" for a quarter, "2023" for a year; days and
// weeks keep the first day.
std::string PeriodLabel(const std::string& start, v1::Granularity g) {
  if (start.size() < 10) return start;
  switch (g) {
    case v1::GRANULARITY_MONTH:
      return start.substr(0, 7);
    case v1::GRANULARITY_QUARTER:
      return absl::StrCat(start.substr(0, 4), "-Q",
                          (std::stoi(start.substr(5, 2)) - 1) / 3 + 1);
    case v1::GRANULARITY_YEAR:
      return start.substr(0, 4);
    default:
      return start;
  }
}

// Fills `request` from the command line; an error message on bad usage.
std::string BuildRequest(const Args& args, v1::GetTrendRequest* request) {
  if (args.positional.size() != 2) return "trend needs two country codes, A B";
  request->mutable_dyad()->set_a(absl::AsciiStrToUpper(args.positional[0]));
  request->mutable_dyad()->set_b(absl::AsciiStrToUpper(args.positional[1]));
  for (const char* flag : {"from", "to"}) {
    absl::CivilDay day;
    const std::string value = args.Get(flag);
    if (!value.empty() && !absl::ParseCivilTime(value, &day)) {
      return absl::StrCat("--", flag, " wants a date YYYY-MM-DD, not '", value,
                          "'");
    }
  }
  request->set_from(args.Get("from"));
  request->set_to(args.Get("to"));
  const std::string by = absl::AsciiStrToUpper(args.Get("by", "month"));
  v1::Granularity g;
  if (!v1::Granularity_Parse(absl::StrCat("GRANULARITY_", by), &g) ||
      g == v1::GRANULARITY_UNSPECIFIED) {
    return "--by is one of day, week, month, quarter, year";
  }
  request->set_granularity(g);
  int smooth = 0;
  if (!absl::SimpleAtoi(args.Get("smooth", "0"), &smooth) || smooth < 0) {
    return "--smooth wants a number of periods (0 or more)";
  }
  request->set_smoothing(smooth);
  request->set_include_empty(SwitchOn(args, "empty"));
  return "";
}

std::string TrendTable(const v1::GetTrendResponse& r, int smoothing,
                       bool color) {
  int articles = 0;
  for (const v1::TrendPoint& p : r.points()) articles += p.article_count();
  std::string out = absl::StrCat(
      DyadLabel(r.dyad()), "  \xC2\xB7  tone by ",
      GranularityName(r.granularity()), "  \xC2\xB7  ", r.points_size(),
      r.points_size() == 1 ? " period, " : " periods, ", articles,
      articles == 1 ? " article\n\n" : " articles\n\n");
  if (r.points().empty()) return out + "no articles in the range\n";
  Table t;
  t.AddColumn("period");
  t.AddColumn("articles", Table::kRight);
  t.AddColumn("mean tone", Table::kRight);
  t.AddColumn("95% CI", Table::kRight);
  if (smoothing > 1) t.AddColumn("smoothed", Table::kRight);
  t.AddColumn(CenteredBarHeader(kBarHalfWidth));
  for (const v1::TrendPoint& p : r.points()) {
    const bool any = p.article_count() > 0;
    // One article gives a mean but no interval (the server sends the mean
    // as both ends): say so rather than show a zero-width one.
    std::string interval;
    if (p.article_count() > 1) {
      interval = absl::StrCat("[", SignedNumber(p.ci_low()), ", ",
                              SignedNumber(p.ci_high()), "]");
    } else if (any) {
      interval = "n/a";
    }
    std::vector<std::string> row = {
        PeriodLabel(p.period_start(), r.granularity()),
        absl::StrCat(p.article_count()),
        any ? SignedNumber(p.mean_tone()) : "-", interval};
    if (smoothing > 1) row.push_back(SignedNumber(p.smoothed_tone()));
    row.push_back(any ? CenteredBar(p.mean_tone(), p.ci_low(), p.ci_high(),
                                    kBarHalfWidth, color)
                      : CenteredBar(0, 0, 0, kBarHalfWidth, false));
    t.AddRow(std::move(row));
  }
  return out + t.Render();
}

std::string TrendCsv(const v1::GetTrendResponse& r) {
  std::string out =
      CsvRow({"dyad", "period_start", "period", "article_count", "mean_tone",
              "standard_error", "ci_low", "ci_high", "smoothed_tone",
              "verbal_cooperation", "material_cooperation", "verbal_conflict",
              "material_conflict", "top_article_ids"});
  for (const v1::TrendPoint& p : r.points()) {
    const v1::QuadCounts& q = p.quad_counts();
    absl::StrAppend(
        &out,
        CsvRow({DyadLabel(r.dyad()), p.period_start(),
                PeriodLabel(p.period_start(), r.granularity()),
                absl::StrCat(p.article_count()), absl::StrCat(p.mean_tone()),
                absl::StrCat(p.standard_error()), absl::StrCat(p.ci_low()),
                absl::StrCat(p.ci_high()), absl::StrCat(p.smoothed_tone()),
                absl::StrCat(q.verbal_cooperation()),
                absl::StrCat(q.material_cooperation()),
                absl::StrCat(q.verbal_conflict()),
                absl::StrCat(q.material_conflict()),
                absl::StrJoin(p.top_article_ids(), " ")}));
  }
  return out;
}

TrendChart Chart(const v1::GetTrendResponse& r, int smoothing) {
  TrendChart chart;
  chart.dyad = absl::StrCat(r.dyad().a(), "\xE2\x80\x93", r.dyad().b());
  chart.granularity = GranularityName(r.granularity());
  for (const v1::TrendPoint& p : r.points()) {
    TrendChartPoint c;
    c.period_start = p.period_start();
    c.label = PeriodLabel(p.period_start(), r.granularity());
    c.articles = p.article_count();
    c.mean_tone = p.mean_tone();
    c.ci_low = p.ci_low();
    c.ci_high = p.ci_high();
    if (smoothing > 1) c.smoothed_tone = p.smoothed_tone();
    chart.points.push_back(std::move(c));
  }
  return chart;
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  return static_cast<bool>(out);
}

}  // namespace

int RunTrend(const Context& context, const Args& args) {
  v1::GetTrendRequest request;
  if (std::string error = BuildRequest(args, &request); !error.empty()) {
    return UsageError(context, error);
  }
  absl::StatusOr<v1::GetTrendResponse> response =
      context.client->GetTrend(request);
  if (!response.ok()) return RpcError(context, response.status());

  const std::string svg_path = args.Get("svg");
  if (!svg_path.empty()) {
    const std::string svg =
        RenderTrendSvg(Chart(*response, request.smoothing()));
    if (svg_path == "-") {
      std::fputs(svg.c_str(), context.out);
      return kExitOk;  // the chart is the output
    }
    if (!WriteFile(svg_path, svg)) {
      std::fprintf(context.err, "dyadtone: cannot write %s\n",
                   svg_path.c_str());
      return kExitFailure;
    }
    std::fprintf(context.err, "dyadtone: wrote the chart to %s\n",
                 svg_path.c_str());
  }
  std::string text;
  switch (context.format) {
    case Format::kTable:
      text = TrendTable(*response, request.smoothing(), context.color);
      break;
    case Format::kCsv:
      text = TrendCsv(*response);
      break;
    case Format::kJson:
      text = ToJson(*response) + "\n";
      break;
  }
  std::fputs(text.c_str(), context.out);
  return kExitOk;
}

}  // namespace dyadtone::cli
