// dyadtone-eval: scores a labelled JSONL file (the format of
// shared/eval/dev.jsonl: id, date, dyad, label -2..+2, text) and prints, per
// item and overall, whether the labelled dyad was found, the sign accuracy
// and the Spearman correlation of tone with the labels. With
// --general_lexicon it prints the same figures for the general (whole-text)
// tone, the baseline a scorer without pairs gets.
//
// Exit status: 0 when every item was scored, 1 when some could not be, 2 on
// a usage or file error. The figures are reported, never asserted here.

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "service/engine/date_extractor.h"
#include "service/engine/engine.h"
#include "tools/common/engine_flags.h"
#include "tools/eval/metrics.h"

ABSL_FLAG(double, neutral_band, 0.05,
          "|tone| <= this counts as neutral (label 0)");
ABSL_FLAG(bool, json, false, "print the summary as one JSON object");

namespace {

struct Item {
  std::string id;
  int label = 0;
  bool found = false;
  double tone = 0;
  double general = 0;
};

bool SignCorrect(int label, double tone, double band) {
  if (label >= 1) return tone > band;
  if (label <= -1) return tone < -band;
  return std::abs(tone) <= band;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("dyadtone-eval [flags] FILE.jsonl");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::cerr << "usage: dyadtone-eval [flags] FILE.jsonl\n";
    return 2;
  }
  const dyadtone::EngineOptions options = dyadtone::EngineOptionsFromFlags();
  auto engine = dyadtone::Engine::Create(options);
  if (!engine.ok()) {
    std::cerr << "dyadtone-eval: " << engine.status().message() << "\n";
    return 2;
  }
  std::ifstream in(args[1]);
  if (!in) {
    std::cerr << "dyadtone-eval: cannot open " << args[1] << "\n";
    return 2;
  }
  const double band = absl::GetFlag(FLAGS_neutral_band);
  const bool with_general = !options.general_lexicon_path.empty();
  std::vector<Item> items;
  int errors = 0, line_no = 0;
  std::string line;
  if (!absl::GetFlag(FLAGS_json)) {
    std::cout << absl::StrFormat("%-6s %-8s %5s %6s %8s %s\n", "id", "dyad",
                                 "label", "found", "tone", "ok");
  }
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("text") || !j.contains("dyad") ||
        !j.contains("label") || j["dyad"].size() != 2) {
      std::cerr << args[1] << ":" << line_no << ": not a labelled item\n";
      ++errors;
      continue;
    }
    Item item;
    item.id = j.value("id", std::to_string(line_no));
    item.label = j["label"].get<int>();
    const dyadtone::DyadKey key = dyadtone::MakeDyadKey(
        j["dyad"][0].get<std::string>(), j["dyad"][1].get<std::string>());
    const std::string text = j["text"].get<std::string>();
    dyadtone::ArticleInput input{text};
    if (j.contains("date")) {
      auto day = dyadtone::ParseIsoDate(j["date"].get<std::string>());
      if (day.ok()) input.date = *day;
    }
    input.dyads_of_interest.push_back(key);
    absl::StatusOr<dyadtone::ArticleResult> r = (*engine)->Score(input);
    if (!r.ok()) {
      std::cerr << args[1] << ":" << line_no << ": " << r.status().message()
                << "\n";
      ++errors;
      continue;
    }
    for (const dyadtone::DyadScore& d : r->dyads) {
      if (d.dyad == key) {
        item.tone = d.tone;
        item.found = d.signals > 0 || d.co_mentions > 0;
      }
    }
    // Found also when both actors are named, even in different sentences.
    int named = 0;
    for (const dyadtone::ActorCount& a : r->actors) {
      named += a.code == key.a || a.code == key.b;
    }
    item.found = item.found || named == 2;
    if (r->general) item.general = r->general->compound;
    if (!absl::GetFlag(FLAGS_json)) {
      std::cout << absl::StrFormat(
          "%-6s %-8s %5d %6s %+8.3f %s\n", item.id, key.a + "-" + key.b,
          item.label, item.found ? "yes" : "NO", item.tone,
          SignCorrect(item.label, item.tone, band) ? "ok" : "WRONG");
    }
    items.push_back(item);
  }
  std::vector<double> labels, tones, general;
  int found = 0, correct = 0, general_correct = 0;
  for (const Item& it : items) {
    labels.push_back(it.label);
    tones.push_back(it.tone);
    general.push_back(it.general);
    found += it.found;
    correct += SignCorrect(it.label, it.tone, band);
    general_correct += SignCorrect(it.label, it.general, band);
  }
  const double n = items.empty() ? 1 : items.size();
  nlohmann::json summary = {
      {"items", items.size()},
      {"errors", errors},
      {"dyadFound", found},
      {"signAccuracy", correct / n},
      {"spearman", dyadtone::Spearman(tones, labels)}};
  if (with_general) {
    summary["generalSignAccuracy"] = general_correct / n;
    summary["generalSpearman"] = dyadtone::Spearman(general, labels);
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << summary.dump() << "\n";
  } else {
    std::cout << absl::StrFormat(
        "\nitems %d, errors %d, labelled dyad found %d/%d\n"
        "sign accuracy %.1f%% (band %.2f), Spearman %.3f\n",
        items.size(), errors, found, items.size(), 100 * correct / n, band,
        summary["spearman"].get<double>());
    if (with_general) {
      std::cout << absl::StrFormat(
          "general tone (whole text): sign accuracy %.1f%%, Spearman %.3f\n",
          100 * general_correct / n,
          summary["generalSpearman"].get<double>());
    }
  }
  return errors == 0 ? 0 : 1;
}
