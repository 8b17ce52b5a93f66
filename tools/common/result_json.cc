#include "tools/common/result_json.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/strings/str_format.h"

namespace dyadtone {
namespace {

nlohmann::json Span(const ByteSpan& s) {
  return {{"begin", s.begin}, {"end", s.end}};
}

}  // namespace

nlohmann::json DyadToJson(const DyadScore& d) {
  nlohmann::json j;
  j["dyad"] = {d.dyad.a, d.dyad.b};
  j["tone"] = d.tone;
  j["rawSum"] = d.raw_sum;
  j["positive"] = d.positive;
  j["negative"] = d.negative;
  j["directedSum"] = {{d.dyad.a + "->" + d.dyad.b, d.directed_sum[0]},
                      {d.dyad.b + "->" + d.dyad.a, d.directed_sum[1]}};
  j["classCounts"] = {{"VCOOP", d.class_counts[0]},
                      {"MCOOP", d.class_counts[1]},
                      {"VCONF", d.class_counts[2]},
                      {"MCONF", d.class_counts[3]}};
  j["goldsteinMean"] = d.goldstein_mean;
  j["signals"] = d.signals;
  j["coMentions"] = d.co_mentions;
  j["evidence"] = d.evidence;
  return j;
}

nlohmann::json EvidenceToJson(const Evidence& e) {
  nlohmann::json j;
  j["text"] = e.text;
  j["span"] = Span(e.span);
  j["sentence"] = e.sentence;
  j["sentenceSpan"] = Span(e.sentence_span);
  j["lexiconLine"] = e.lexicon_line;
  j["pattern"] = e.pattern;
  j["class"] = std::string(QuadClassName(e.entry_class));
  j["effectiveClass"] = std::string(QuadClassName(e.effective_class));
  j["weight"] = e.weight;
  j["contribution"] = e.contribution;
  nlohmann::json mods = nlohmann::json::array();
  for (const AppliedModifier& m : e.modifiers) {
    mods.push_back({{"type", std::string(ModifierTypeName(m.type))},
                    {"text", m.text},
                    {"span", Span(m.span)},
                    {"factor", m.factor}});
  }
  j["modifiers"] = mods;
  j["attribution"] = std::string(AttributionName(e.attribution));
  if (e.dyad) j["dyad"] = {e.dyad->a, e.dyad->b};
  if (!e.source.empty()) {
    j["source"] = e.source;
    j["target"] = e.target;
  }
  return j;
}

nlohmann::json ResultToJson(const ArticleResult& r, bool include_evidence) {
  nlohmann::json j;
  nlohmann::json date;
  if (r.date.day) date["day"] = absl::FormatCivilTime(*r.date.day);
  date["source"] = std::string(DateSourceName(r.date.source));
  if (r.date.source != DateSource::kNone &&
      r.date.source != DateSource::kCaller) {
    date["span"] = Span({r.date.begin, r.date.end});
  }
  j["date"] = date;
  if (r.main_dyad) j["mainDyad"] = {r.main_dyad->a, r.main_dyad->b};
  nlohmann::json actors = nlohmann::json::array();
  for (const ActorCount& a : r.actors) {
    actors.push_back({{"code", a.code}, {"name", a.name},
                      {"mentions", a.mentions}, {"first", Span(a.first)}});
  }
  j["actors"] = actors;
  nlohmann::json dyads = nlohmann::json::array();
  for (const DyadScore& d : r.dyads) dyads.push_back(DyadToJson(d));
  j["dyads"] = dyads;
  if (include_evidence) {
    nlohmann::json ev = nlohmann::json::array();
    for (const Evidence& e : r.evidence) ev.push_back(EvidenceToJson(e));
    j["evidence"] = ev;
  }
  if (r.general) {
    j["generalTone"] = {{"compound", r.general->compound},
                        {"positive", r.general->positive},
                        {"neutral", r.general->neutral},
                        {"negative", r.general->negative}};
  }
  j["sentences"] = r.sentences;
  j["tokens"] = r.tokens;
  j["lexiconVersion"] = r.lexicon_version;
  j["gazetteerVersion"] = r.gazetteer_version;
  return j;
}

}  // namespace dyadtone
