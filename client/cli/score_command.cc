// `dyadtone score FILE...|-` and `dyadtone article ID`.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/article_files.h"
#include "client/cli/commands.h"
#include "client/cli/score_output.h"

namespace dyadtone::cli {
namespace {

void PrintScore(const Context& context, const v1::ArticleScore& score,
                bool evidence, bool first) {
  std::string text;
  switch (context.format) {
    case Format::kTable:
      text = absl::StrCat(first ? "" : "\n",
                          ScoreTable(score, evidence, context.color));
      break;
    case Format::kCsv:
      text = absl::StrCat(first ? ScoreCsvHeader(evidence) : "",
                          ScoreCsvRows(score, evidence));
      break;
    case Format::kJson:
      break;  // the caller prints the whole response
  }
  std::fputs(text.c_str(), context.out);
}

}  // namespace

int RunScore(const Context& context, const Args& args) {
  int exit_code = kExitOk;
  const std::optional<std::vector<ArticleFile>> files = ArticleFilesOf(
      context, args, "score needs FILE... or - (standard input)", &exit_code);
  if (!files) return exit_code;
  const bool evidence = SwitchOn(args, "evidence");
  bool first = true;
  for (const ArticleFile& file : *files) {
    absl::StatusOr<v1::Article> article = ReadArticleFile(file);
    if (!article.ok()) {
      std::fprintf(context.err, "dyadtone: %s\n",
                   std::string(article.status().message()).c_str());
      if (exit_code == kExitOk) exit_code = kExitFailure;
      continue;
    }
    v1::ScoreArticleRequest request;
    *request.mutable_article() = *std::move(article);
    request.set_omit_evidence(!evidence && context.format != Format::kJson);
    absl::StatusOr<v1::ScoreArticleResponse> response =
        context.client->ScoreArticle(request);
    if (!response.ok()) {
      exit_code = RpcError(context, response.status(), file.path);
      // A bad article does not stop the others; a broken server does.
      if (!absl::IsInvalidArgument(response.status())) break;
      continue;
    }
    if (context.format == Format::kJson) {
      std::fprintf(context.out, "%s\n", ToJson(*response).c_str());
    } else {
      PrintScore(context, response->score(), evidence, first);
    }
    first = false;
  }
  return exit_code;
}

int RunArticle(const Context& context, const Args& args) {
  if (args.positional.size() != 1) {
    return UsageError(context, "article needs exactly one ID");
  }
  absl::StatusOr<v1::GetArticleResponse> response =
      context.client->GetArticle(args.positional[0]);
  if (!response.ok()) return RpcError(context, response.status());
  if (context.format == Format::kJson) {
    std::fprintf(context.out, "%s\n", ToJson(*response).c_str());
    return kExitOk;
  }
  PrintScore(context, response->score(), SwitchOn(args, "evidence"), true);
  if (context.format == Format::kTable) {
    std::fprintf(context.out,
                 "\ntext fingerprint %s  \xC2\xB7  lexicon %s  "
                 "\xC2\xB7  gazetteer %s\n",
                 response->text_fingerprint().c_str(),
                 response->score().lexicon_version().c_str(),
                 response->score().gazetteer_version().c_str());
  }
  return kExitOk;
}

}  // namespace dyadtone::cli
