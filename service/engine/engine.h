// The dyadtone engine: article text in, explained tone for every country
// pair out. No gRPC, no protobuf: the server and tools wrap it.
//
//   absl::StatusOr<std::unique_ptr<const Engine>> engine =
//       Engine::Create(EngineOptions());
//   absl::StatusOr<ArticleResult> r = (*engine)->Score({.text = article});
//
// An Engine is immutable and thread-safe: share one between all threads.

#ifndef DYADTONE_SERVICE_ENGINE_ENGINE_H_
#define DYADTONE_SERVICE_ENGINE_ENGINE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "service/engine/compiled_model.h"
#include "service/engine/general_lexicon.h"
#include "service/engine/result.h"

namespace dyadtone {

// The data files shipped with the project.
std::string DefaultGazetteerPath();
std::string DefaultLexiconPath();

struct EngineOptions {
  // The gazetteer file (docs/data-formats.md).
  std::string gazetteer_path = DefaultGazetteerPath();
  // The relations lexicon file (docs/data-formats.md).
  std::string lexicon_path = DefaultLexiconPath();
  // A VADER- or AFINN-format lexicon for the general tone; "" for none.
  std::string general_lexicon_path;
  // How the general tone is scored: dyadtone's refined VADER rules, or
  // faithful vaderSentiment 3.3.2.
  GeneralToneOptions general_tone;
  // Longer texts are refused with ResourceExhausted.
  size_t max_text_bytes = 64 << 20;
};

struct ArticleInput {
  absl::string_view text;
  // The publication date, if the caller knows it; it wins over the text.
  std::optional<absl::CivilDay> date;
  // Dyads to report even when the text gives them no signal.
  std::vector<DyadKey> dyads_of_interest;
};

// Versions and fingerprints of the data the engine was built from.
struct ModelInfo {
  std::string gazetteer_version;
  std::string gazetteer_fingerprint;
  std::string lexicon_version;
  std::string lexicon_fingerprint;
  std::string general_lexicon;  // "" when none is loaded
  int actors = 0;         // countries and territories
  int organizations = 0;  // international organisations
  int aliases = 0;
  int signals = 0;
};

class Engine {
 public:
  // Loads and compiles the files named by `options`.
  static absl::StatusOr<std::unique_ptr<const Engine>> Create(
      const EngineOptions& options);

  // Builds an engine from file contents (names are used in errors).
  static absl::StatusOr<std::unique_ptr<const Engine>> FromContents(
      absl::string_view gazetteer, absl::string_view gazetteer_name,
      absl::string_view lexicon, absl::string_view lexicon_name,
      std::unique_ptr<const GeneralLexicon> general = nullptr,
      absl::string_view general_name = "",
      size_t max_text_bytes = EngineOptions().max_text_bytes);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Scores one article. InvalidArgument for empty text, invalid UTF-8 (with
  // the offset) or NUL bytes; ResourceExhausted above max_text_bytes.
  // Thread-safe. The result's evidence points into `input.text` and into
  // this Engine (see result.h): both must outlive the views it reads.
  absl::StatusOr<ArticleResult> Score(const ArticleInput& input) const;

  // True if `code` is a country (or territory) of the gazetteer: one that
  // can be half of a dyad. Organisations are not.
  bool IsKnownCountry(absl::string_view code) const;

  const ModelInfo& info() const { return info_; }
  const CompiledModel& model() const { return *model_; }

 private:
  Engine() = default;

  std::unique_ptr<const CompiledModel> model_;
  std::unique_ptr<const GeneralLexicon> general_;
  size_t max_text_bytes_ = 0;
  ModelInfo info_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_ENGINE_H_
