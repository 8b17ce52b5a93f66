#include "service/engine/engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "service/engine/article_scorer.h"
#include "service/engine/spec_reader.h"
#include "service/engine/utf8.h"

namespace dyadtone {
namespace {

// Workspaces larger than this (tokens; ~28 bytes each plus the rest) are
// freed after use. Typical articles need a few thousand.
constexpr size_t kKeptWorkspaceTokens = 1 << 18;

}  // namespace

std::string DefaultGazetteerPath() {
  return absl::StrCat(DYADTONE_DEFAULT_DATA_DIR, "/gazetteer.txt");
}

std::string DefaultLexiconPath() {
  return absl::StrCat(DYADTONE_DEFAULT_DATA_DIR, "/lexicon.txt");
}

absl::string_view AttributionName(Attribution a) {
  switch (a) {
    case Attribution::kNone: return "none";
    case Attribution::kClause: return "clause";
    case Attribution::kSentence: return "sentence";
    case Attribution::kMainDyadSpeaker: return "main_dyad_speaker";
    case Attribution::kMainDyadMarker: return "main_dyad_marker";
    case Attribution::kMainDyadContext: return "main_dyad_context";
    case Attribution::kOrganization: return "organization";
    case Attribution::kAntecedent: return "antecedent";
  }
  return "none";
}

absl::string_view ModifierTypeName(ModifierType t) {
  switch (t) {
    case ModifierType::kNegation: return "negation";
    case ModifierType::kIntensifier: return "intensifier";
    case ModifierType::kHedge: return "hedge";
    case ModifierType::kContrast: return "contrast";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<const Engine>> Engine::Create(
    const EngineOptions& options) {
  std::string gazetteer, lexicon;
  if (absl::Status s = ReadFileToString(options.gazetteer_path, &gazetteer);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadFileToString(options.lexicon_path, &lexicon);
      !s.ok()) {
    return s;
  }
  std::unique_ptr<const GeneralLexicon> general;
  if (!options.general_lexicon_path.empty()) {
    absl::StatusOr<std::unique_ptr<const GeneralLexicon>> g =
        GeneralLexicon::LoadFile(options.general_lexicon_path,
                                 GeneralLexicon::Format::kAuto,
                                 options.general_tone);
    if (!g.ok()) return g.status();
    general = *std::move(g);
  }
  return FromContents(gazetteer, options.gazetteer_path, lexicon,
                      options.lexicon_path, std::move(general),
                      options.general_lexicon_path, options.max_text_bytes);
}

absl::StatusOr<std::unique_ptr<const Engine>> Engine::FromContents(
    absl::string_view gazetteer, absl::string_view gazetteer_name,
    absl::string_view lexicon, absl::string_view lexicon_name,
    std::unique_ptr<const GeneralLexicon> general,
    absl::string_view general_name, size_t max_text_bytes) {
  absl::StatusOr<GazetteerData> g = ParseGazetteer(gazetteer, gazetteer_name);
  if (!g.ok()) return g.status();
  absl::StatusOr<LexiconData> l = ParseLexicon(lexicon, lexicon_name);
  if (!l.ok()) return l.status();
  std::unique_ptr<Engine> engine(new Engine());
  engine->info_.gazetteer_version = g->version;
  engine->info_.gazetteer_fingerprint = g->fingerprint;
  engine->info_.lexicon_version = l->version;
  engine->info_.lexicon_fingerprint = l->fingerprint;
  for (const Actor& a : g->actors) {
    ++(a.organization ? engine->info_.organizations : engine->info_.actors);
  }
  engine->info_.aliases = static_cast<int>(g->aliases.size());
  engine->info_.signals = static_cast<int>(l->signals.size());
  if (general != nullptr) {
    engine->info_.general_lexicon =
        general_name.empty() ? "loaded" : std::string(general_name);
  }
  absl::StatusOr<std::unique_ptr<const CompiledModel>> model =
      CompiledModel::Compile(*std::move(g), *std::move(l));
  if (!model.ok()) return model.status();
  engine->model_ = *std::move(model);
  engine->general_ = std::move(general);
  engine->max_text_bytes_ = max_text_bytes;
  return std::unique_ptr<const Engine>(std::move(engine));
}

bool Engine::IsKnownCountry(absl::string_view code) const {
  for (const Actor& a : model_->gazetteer().actors) {
    if (a.code == code && !a.organization) return true;
  }
  return false;
}

absl::StatusOr<ArticleResult> Engine::Score(const ArticleInput& input) const {
  const absl::string_view text = input.text;
  if (text.empty()) return absl::InvalidArgumentError("text is empty");
  if (text.size() > max_text_bytes_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "text is %d bytes; the limit is %d", text.size(), max_text_bytes_));
  }
  if (absl::Status s = ValidateUtf8(text); !s.ok()) return s;
  if (const size_t nul = text.find('\0'); nul != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrFormat("text contains a NUL byte at byte %d", nul));
  }
  thread_local ScoringWorkspace ws;
  Tokenize(text, &ws.text);
  if (ws.text.tokens.empty()) {
    return absl::InvalidArgumentError("text has no words");
  }
  model_->AssignWords(&ws.text, &ws.starts);

  ArticleResult result;
  result.tokens = static_cast<int>(ws.text.tokens.size());
  result.sentences = static_cast<int>(ws.text.sentences.size());
  result.lexicon_version = info_.lexicon_version;
  result.gazetteer_version = info_.gazetteer_version;
  if (input.date) {
    result.date.day = input.date;
    result.date.source = DateSource::kCaller;
  } else {
    result.date = ExtractDate(ws.text);
  }
  ArticleScorer(*model_, &ws, result.date.day)
      .Run(input.dyads_of_interest, &result);
  if (general_ != nullptr) {
    result.general = general_->Score(std::string_view(text.data(), text.size()));
  }
  // A huge article leaves huge buffers behind in this thread; give them
  // back rather than keep them for every server thread that ever saw one.
  if (ws.text.tokens.capacity() > kKeptWorkspaceTokens) ws = ScoringWorkspace();
  return result;
}

}  // namespace dyadtone
