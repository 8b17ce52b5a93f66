// `dyadtone dyads [--min N]`, `dyadtone health` and `dyadtone info`.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/commands.h"
#include "client/cli/score_output.h"

namespace dyadtone::cli {
namespace {

constexpr int kBarHalfWidth = 10;

std::string DyadsTable(const v1::ListDyadsResponse& r, bool color) {
  if (r.dyads().empty()) return "no dyads stored\n";
  Table t;
  t.AddColumn("dyad");
  t.AddColumn("articles", Table::kRight);
  t.AddColumn("first");
  t.AddColumn("last");
  t.AddColumn("mean tone", Table::kRight);
  t.AddColumn(CenteredBarHeader(kBarHalfWidth));
  for (const v1::DyadSummary& d : r.dyads()) {
    t.AddRow({DyadLabel(d.dyad()), absl::StrCat(d.article_count()),
              d.first_date(), d.last_date(), SignedNumber(d.mean_tone()),
              CenteredBar(d.mean_tone(), d.mean_tone(), d.mean_tone(),
                          kBarHalfWidth, color)});
  }
  return t.Render();
}

std::string DyadsCsv(const v1::ListDyadsResponse& r) {
  std::string out = CsvRow(
      {"a", "b", "article_count", "first_date", "last_date", "mean_tone"});
  for (const v1::DyadSummary& d : r.dyads()) {
    absl::StrAppend(
        &out,
        CsvRow({d.dyad().a(), d.dyad().b(), absl::StrCat(d.article_count()),
                d.first_date(), d.last_date(), absl::StrCat(d.mean_tone())}));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> InfoFields(
    const v1::GetServerInfoResponse& r) {
  return {{"version", r.version()},
          {"store_backend", r.store_backend()},
          {"stored_articles", absl::StrCat(r.stored_articles())},
          {"lexicon_version", r.lexicon_version()},
          {"lexicon_fingerprint", r.lexicon_fingerprint()},
          {"signals", absl::StrCat(r.signals())},
          {"gazetteer_version", r.gazetteer_version()},
          {"gazetteer_fingerprint", r.gazetteer_fingerprint()},
          {"actors", absl::StrCat(r.actors())},
          {"organizations", absl::StrCat(r.organizations())},
          {"general_lexicon", r.general_lexicon()}};
}

}  // namespace

int RunDyads(const Context& context, const Args& args) {
  if (!args.positional.empty())
    return UsageError(context, "dyads takes no arguments");
  v1::ListDyadsRequest request;
  int min = 0;
  if (!absl::SimpleAtoi(args.Get("min", "0"), &min) || min < 0) {
    return UsageError(context, "--min wants a number of articles (0 or more)");
  }
  request.set_min_articles(min);
  absl::StatusOr<v1::ListDyadsResponse> response =
      context.client->ListDyads(request);
  if (!response.ok()) return RpcError(context, response.status());
  std::string text;
  switch (context.format) {
    case Format::kTable:
      text = DyadsTable(*response, context.color);
      break;
    case Format::kCsv:
      text = DyadsCsv(*response);
      break;
    case Format::kJson:
      text = ToJson(*response) + "\n";
      break;
  }
  std::fputs(text.c_str(), context.out);
  return kExitOk;
}

int RunHealth(const Context& context, const Args& args) {
  if (!args.positional.empty())
    return UsageError(context, "health takes no arguments");
  absl::StatusOr<ServingStatus> status = context.client->Health();
  if (!status.ok()) return RpcError(context, status.status());
  const std::string name(ServingStatusName(*status));
  switch (context.format) {
    case Format::kTable:
      std::fprintf(context.out, "%s\n", name.c_str());
      break;
    case Format::kCsv:
      std::fprintf(context.out, "status\n%s\n", name.c_str());
      break;
    case Format::kJson:
      std::fprintf(context.out, "{\"status\":\"%s\"}\n", name.c_str());
      break;
  }
  return *status == ServingStatus::kServing ? kExitOk : kExitFailure;
}

int RunInfo(const Context& context, const Args& args) {
  if (!args.positional.empty())
    return UsageError(context, "info takes no arguments");
  absl::StatusOr<v1::GetServerInfoResponse> response =
      context.client->GetServerInfo();
  if (!response.ok()) return RpcError(context, response.status());
  const auto fields = InfoFields(*response);
  std::string text;
  if (context.format == Format::kJson) {
    text = ToJson(*response) + "\n";
  } else if (context.format == Format::kCsv) {
    std::vector<std::string> names, values;
    for (const auto& [name, value] : fields) {
      names.push_back(name);
      values.push_back(value);
    }
    text = CsvRow(names) + CsvRow(values);
  } else {
    Table t;
    t.AddColumn("field");
    t.AddColumn("value");
    for (const auto& [name, value] : fields) {
      t.AddRow({name, value.empty() ? "-" : value});
    }
    text = t.Render();
  }
  std::fputs(text.c_str(), context.out);
  return kExitOk;
}

int RunReload(const Context& context, const Args& args) {
  if (!args.positional.empty())
    return UsageError(context, "reload takes no arguments");
  absl::StatusOr<v1::ReloadDataResponse> response =
      context.client->ReloadData();
  if (!response.ok()) return RpcError(context, response.status());
  const v1::DataVersion& now = response->current();
  const v1::DataVersion& before = response->previous();
  std::string text;
  if (context.format == Format::kJson) {
    text = ToJson(*response) + "\n";
  } else if (context.format == Format::kCsv) {
    text = CsvRow({"data", "previous", "current"}) +
           CsvRow({"lexicon", before.lexicon_version(), now.lexicon_version()}) +
           CsvRow({"gazetteer", before.gazetteer_version(),
                   now.gazetteer_version()});
  } else {
    Table t;
    t.AddColumn("data");
    t.AddColumn("previous");
    t.AddColumn("current");
    t.AddRow({"lexicon", before.lexicon_version(), now.lexicon_version()});
    t.AddRow({"gazetteer", before.gazetteer_version(), now.gazetteer_version()});
    text = t.Render() +
           (response->changed() ? "reloaded: new data\n"
                                : "reloaded: the files had not changed\n");
  }
  std::fputs(text.c_str(), context.out);
  return kExitOk;
}

}  // namespace dyadtone::cli
