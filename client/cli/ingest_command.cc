// `dyadtone ingest PATH...`: streams files and folders to IngestArticles.

#include <unistd.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/article_files.h"
#include "client/cli/commands.h"
#include "client/cli/progress_bar.h"
#include "client/cli/score_output.h"

namespace dyadtone::cli {
namespace {

std::string Outcome(v1::IngestResult::Outcome outcome) {
  return EnumLabel(v1::IngestResult::Outcome_Name(outcome), "OUTCOME_");
}

std::string SummaryTable(const v1::IngestArticlesResponse& r) {
  std::string out = absl::StrCat(
      r.results_size(),
      r.results_size() == 1 ? " article: " : " articles: ", r.stored(),
      " stored, ", r.unchanged(), " unchanged, ", r.replaced(), " replaced, ",
      r.rejected(), " rejected\n");
  if (r.rejected() == 0) return out;
  Table t;
  t.AddColumn("#", Table::kRight);
  t.AddColumn("rejected id");
  t.AddColumn("reason");
  for (const v1::IngestResult& result : r.results()) {
    if (result.outcome() != v1::IngestResult::OUTCOME_REJECTED) continue;
    t.AddRow({absl::StrCat(result.index()), result.id(), result.error()});
  }
  return absl::StrCat(out, "\n", t.Render());
}

std::string ResultsCsv(const v1::IngestArticlesResponse& r) {
  std::string out =
      CsvRow({"index", "id", "outcome", "date", "main_dyad", "error"});
  for (const v1::IngestResult& result : r.results()) {
    absl::StrAppend(
        &out,
        CsvRow({absl::StrCat(result.index()), result.id(),
                v1::IngestResult::Outcome_Name(result.outcome()), result.date(),
                result.has_main_dyad() ? DyadLabel(result.main_dyad()) : "",
                result.error()}));
  }
  return out;
}

}  // namespace

int RunIngest(const Context& context, const Args& args) {
  int exit_code;
  const std::optional<std::vector<ArticleFile>> files = ArticleFilesOf(
      context, args, "ingest needs PATH... (files, folders or -)", &exit_code);
  if (!files) return exit_code;
  if (files->empty()) {
    std::fprintf(context.err, "dyadtone: no files to ingest\n");
    return kExitFailure;
  }

  ProgressBar bar(context.err, static_cast<int>(files->size()),
                  isatty(fileno(context.err)));
  // A file that cannot be read is reported and skipped; the rest go on.
  std::vector<std::string> unreadable;
  size_t next = 0;
  auto source = [&]() -> absl::StatusOr<std::optional<v1::Article>> {
    while (next < files->size()) {
      absl::StatusOr<v1::Article> a = ReadArticleFile((*files)[next++]);
      if (a.ok()) return std::optional<v1::Article>(*std::move(a));
      unreadable.push_back(std::string(a.status().message()));
    }
    return std::nullopt;
  };
  absl::StatusOr<v1::IngestArticlesResponse> response =
      context.client->Ingest(source, [&](int sent, const v1::Article& article) {
        bar.Update(sent + static_cast<int>(unreadable.size()), article.id());
      });
  bar.Finish();
  for (const std::string& message : unreadable) {
    std::fprintf(context.err, "dyadtone: skipped %s\n", message.c_str());
  }
  if (!response.ok()) return RpcError(context, response.status());

  std::string text;
  switch (context.format) {
    case Format::kTable:
      text = SummaryTable(*response);
      break;
    case Format::kCsv:
      text = ResultsCsv(*response);
      break;
    case Format::kJson:
      text = ToJson(*response) + "\n";
      break;
  }
  std::fputs(text.c_str(), context.out);
  const bool failed = response->rejected() > 0 || !unreadable.empty();
  return failed ? kExitFailure : kExitOk;
}

}  // namespace dyadtone::cli
