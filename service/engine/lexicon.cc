#include "service/engine/lexicon.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "service/engine/inflection.h"
#include "service/engine/spec_reader.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {
namespace {

constexpr int kMaxGap = 8;
constexpr int kMaxSlots = 16;

struct QuadWord {
  absl::string_view word;
  QuadClass quad;
};
constexpr QuadWord kQuads[] = {
    {"VCOOP", QuadClass::kVerbalCooperation},
    {"MCOOP", QuadClass::kMaterialCooperation},
    {"VCONF", QuadClass::kVerbalConflict},
    {"MCONF", QuadClass::kMaterialConflict},
    {"NEUTRAL", QuadClass::kNeutral},
};

enum class Section {
  kNone, kSignals, kNegators, kIntensifiers, kHedges, kContrast,
  kDyadMarkers, kSpeakerCues, kClauseOpeners,
};

struct SectionName {
  absl::string_view name;
  Section section;
};
constexpr SectionName kSections[] = {
    {"[signals]", Section::kSignals},
    {"[negators]", Section::kNegators},
    {"[intensifiers]", Section::kIntensifiers},
    {"[hedges]", Section::kHedges},
    {"[contrast]", Section::kContrast},
    {"[dyad_markers]", Section::kDyadMarkers},
    {"[speaker_cues]", Section::kSpeakerCues},
    {"[clause_openers]", Section::kClauseOpeners},
};

class LexiconParser {
 public:
  LexiconParser(absl::string_view content, absl::string_view file_name)
      : reader_(content, file_name) {}

  absl::StatusOr<LexiconData> Parse();

 private:
  absl::Status ParseLine(absl::string_view line);
  absl::Status ParseSignal(absl::string_view line);
  absl::Status ParseSlots(absl::string_view text, bool allow_gaps,
                          std::vector<Slot>* slots);
  absl::Status ParseSlot(absl::string_view text, Slot* slot);
  absl::Status ParsePhrases(absl::string_view line, std::vector<Phrase>* out,
                            std::vector<Phrase>* negated_out);
  absl::Status ParseScaled(absl::string_view line,
                           std::vector<ScaledPhrase>* out);
  absl::Status ParseContrast(absl::string_view line);

  SpecReader reader_;
  LexiconData data_;
  Section section_ = Section::kNone;
};

absl::StatusOr<LexiconData> LexiconParser::Parse() {
  if (absl::Status s = reader_.ReadVersion(&data_.version); !s.ok()) return s;
  absl::string_view line;
  while (reader_.Next(&line)) {
    if (absl::Status s = ParseLine(line); !s.ok()) return s;
  }
  if (data_.signals.empty()) {
    return reader_.Error("the lexicon has no [signals] entries");
  }
  return std::move(data_);
}

absl::Status LexiconParser::ParseLine(absl::string_view line) {
  if (line.front() == '[') {
    for (const SectionName& s : kSections) {
      if (s.name == line) {
        section_ = s.section;
        return absl::OkStatus();
      }
    }
    return reader_.Error("unknown section ", line);
  }
  switch (section_) {
    case Section::kNone:
      return reader_.Error("entry outside a section; start with [signals]");
    case Section::kSignals:
      return ParseSignal(line);
    case Section::kNegators:
      return ParsePhrases(line, &data_.negators, &data_.non_negators);
    case Section::kIntensifiers:
      return ParseScaled(line, &data_.intensifiers);
    case Section::kHedges:
      return ParseScaled(line, &data_.hedges);
    case Section::kContrast:
      return ParseContrast(line);
    case Section::kDyadMarkers:
      return ParsePhrases(line, &data_.dyad_markers, nullptr);
    case Section::kSpeakerCues:
      return ParsePhrases(line, &data_.speaker_cues, nullptr);
    case Section::kClauseOpeners:
      return ParsePhrases(line, &data_.clause_openers, nullptr);
  }
  return absl::OkStatus();
}

absl::Status LexiconParser::ParseSignal(absl::string_view line) {
  SignalEntry entry;
  entry.line = reader_.line_number();
  const absl::string_view weight = TakeWord(&line);
  if (!absl::SimpleAtod(weight, &entry.weight) || !std::isfinite(entry.weight)) {
    return reader_.Error("weight \"", weight, "\" is not a number");
  }
  if (entry.weight < -10 || entry.weight > 10) {
    return reader_.Error("weight ", weight,
                         " is outside the Goldstein scale -10..+10");
  }
  const absl::string_view quad = TakeWord(&line);
  bool known = false;
  for (const QuadWord& q : kQuads) {
    if (q.word == quad) entry.quad = q.quad, known = true;
  }
  if (!known) {
    return reader_.Error("class \"", quad,
                         "\" is not VCOOP, MCOOP, VCONF, MCONF or NEUTRAL");
  }
  const bool warm = entry.quad == QuadClass::kVerbalCooperation ||
                    entry.quad == QuadClass::kMaterialCooperation;
  if (entry.quad == QuadClass::kNeutral && entry.weight != 0) {
    return reader_.Error("a NEUTRAL entry must have weight 0");
  }
  if (entry.quad != QuadClass::kNeutral &&
      (warm ? entry.weight < 0 : entry.weight > 0)) {
    return reader_.Error("weight ", weight, " has the wrong sign for class ",
                         quad);
  }
  if (line.empty()) return reader_.Error("signal has no pattern");
  entry.pattern = std::string(line);
  if (absl::Status s = ParseSlots(line, /*allow_gaps=*/true, &entry.slots);
      !s.ok()) {
    return s;
  }
  data_.signals.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status LexiconParser::ParseSlots(absl::string_view text, bool allow_gaps,
                                       std::vector<Slot>* slots) {
  for (absl::string_view part :
       absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
    Slot slot;
    if (absl::Status s = ParseSlot(part, &slot); !s.ok()) return s;
    if (slot.max_gap > 0 && !allow_gaps) {
      return reader_.Error("gaps (\"", part, "\") are only allowed in "
                           "[signals]");
    }
    slots->push_back(std::move(slot));
  }
  if (slots->empty()) return reader_.Error("empty pattern");
  if (slots->size() > kMaxSlots) {
    return reader_.Error("pattern has more than ", kMaxSlots, " slots");
  }
  if (slots->front().max_gap > 0 || slots->back().max_gap > 0) {
    return reader_.Error("a pattern may not start or end with a gap");
  }
  if (slots->front().optional) {
    return reader_.Error("the first slot of a pattern may not be optional");
  }
  for (size_t i = 1; i < slots->size(); ++i) {
    if ((*slots)[i].max_gap > 0 && (*slots)[i - 1].max_gap > 0) {
      return reader_.Error("two gaps in a row");
    }
  }
  return absl::OkStatus();
}

absl::Status LexiconParser::ParseSlot(absl::string_view text, Slot* slot) {
  if (text.front() == '~') {
    int n;
    if (!absl::SimpleAtoi(text.substr(1), &n) || n < 1 || n > kMaxGap) {
      return reader_.Error("gap \"", text, "\" must be ~1 to ~", kMaxGap);
    }
    slot->max_gap = n;
    return absl::OkStatus();
  }
  if (text.front() == '?') {
    slot->optional = true;
    text.remove_prefix(1);
    if (text.empty()) return reader_.Error("\"?\" without a slot");
  }
  for (absl::string_view alt : absl::StrSplit(text, '|')) {
    const bool inflect = alt.size() > 1 && alt.back() == '+';
    if (inflect) alt.remove_suffix(1);
    const std::vector<std::string> tokens = TokenizePhrase(alt);
    if (tokens.size() != 1) {
      return reader_.Error("\"", alt, "\" in slot \"", text, "\" is ",
                           tokens.empty() ? "empty" : "several tokens",
                           "; a slot holds one token (write \"non - starter\" "
                           "as three slots)");
    }
    if (inflect) {
      for (std::string& form : Inflect(tokens[0])) {
        slot->words.push_back(std::move(form));
      }
    } else {
      slot->words.push_back(tokens[0]);
    }
  }
  return absl::OkStatus();
}

absl::Status LexiconParser::ParsePhrases(absl::string_view line,
                                         std::vector<Phrase>* out,
                                         std::vector<Phrase>* negated_out) {
  bool empty_item;
  const std::vector<absl::string_view> items = SplitList(line, &empty_item);
  if (empty_item) return reader_.Error("empty item in a ';' list");
  for (absl::string_view item : items) {
    std::vector<Phrase>* target = out;
    if (item.front() == '!') {
      if (negated_out == nullptr) {
        return reader_.Error("\"!\" is only allowed in [negators]");
      }
      target = negated_out;
      item.remove_prefix(1);
    }
    Phrase phrase;
    phrase.text = std::string(item);
    phrase.line = reader_.line_number();
    if (absl::Status s = ParseSlots(item, /*allow_gaps=*/false,
                                    &phrase.slots);
        !s.ok()) {
      return s;
    }
    target->push_back(std::move(phrase));
  }
  return absl::OkStatus();
}

absl::Status LexiconParser::ParseScaled(absl::string_view line,
                                        std::vector<ScaledPhrase>* out) {
  const absl::string_view factor_text = TakeWord(&line);
  double factor;
  if (!absl::SimpleAtod(factor_text, &factor) || !(factor > 0) ||
      factor > 4) {
    return reader_.Error("factor \"", factor_text,
                         "\" must be a number in (0, 4]");
  }
  if (line.empty()) return reader_.Error("factor without phrases");
  std::vector<Phrase> phrases;
  if (absl::Status s = ParsePhrases(line, &phrases, nullptr); !s.ok()) {
    return s;
  }
  for (Phrase& p : phrases) out->push_back(ScaledPhrase{std::move(p), factor});
  return absl::OkStatus();
}

absl::Status LexiconParser::ParseContrast(absl::string_view line) {
  Contrast c;
  c.line = reader_.line_number();
  const std::vector<std::string> word = TokenizePhrase(TakeWord(&line));
  if (word.size() != 1) return reader_.Error("contrast word must be one token");
  c.word = word[0];
  const absl::string_view mode = TakeWord(&line);
  if (mode != "before" && mode != "clause") {
    return reader_.Error("expected \"before F after G\" or \"clause F after "
                         "G\", got \"", mode, "\"");
  }
  c.clause = mode == "clause";
  const absl::string_view first = TakeWord(&line);
  const absl::string_view after_kw = TakeWord(&line);
  const absl::string_view after = TakeWord(&line);
  if (!absl::SimpleAtod(first, &c.first) || after_kw != "after" ||
      !absl::SimpleAtod(after, &c.after) || !line.empty() ||
      !(c.first > 0 && c.first <= 4 && c.after > 0 && c.after <= 4)) {
    return reader_.Error("expected \"WORD ", mode,
                         " F after G\" with factors in (0, 4]");
  }
  data_.contrasts.push_back(std::move(c));
  return absl::OkStatus();
}

}  // namespace

absl::string_view QuadClassName(QuadClass c) {
  for (const QuadWord& q : kQuads) {
    if (q.quad == c) return q.word;
  }
  return "?";
}

absl::StatusOr<LexiconData> ParseLexicon(absl::string_view content,
                                         absl::string_view file_name) {
  absl::StatusOr<LexiconData> data = LexiconParser(content, file_name).Parse();
  if (data.ok()) data->fingerprint = ContentFingerprint(content);
  return data;
}

}  // namespace dyadtone
