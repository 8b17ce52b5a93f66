#include "client/cli/score_output.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/output.h"

namespace dyadtone::cli {
namespace {

constexpr size_t kMaxTextWidth = 48;

std::string Truncate(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  std::string out;
  size_t chars = 0;
  for (char c : text) {
    const bool starts_char = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_char && ++chars == width) break;
    out += c;
  }
  return out + "\xE2\x80\xA6";  // …
}

std::string Modifiers(const v1::Evidence& e) {
  std::vector<std::string> parts;
  for (const v1::Modifier& m : e.modifiers()) {
    parts.push_back(absl::StrFormat(
        "%s \"%s\" x%g", EnumLabel(v1::Modifier::Type_Name(m.type()), "TYPE_"),
        m.text(), m.factor()));
  }
  return absl::StrJoin(parts, "; ");
}

std::string DateLabel(const v1::ArticleScore& score) {
  if (score.date().empty()) return "no date";
  return absl::StrCat(
      score.date(), " (",
      EnumLabel(v1::DateSource_Name(score.date_source()), "DATE_SOURCE_"), ")");
}

std::string SummaryLine(const v1::ArticleScore& score) {
  std::vector<std::string> parts;
  if (!score.id().empty()) parts.push_back(score.id());
  parts.push_back(DateLabel(score));
  if (score.has_main_dyad()) {
    parts.push_back(absl::StrCat("main dyad ", DyadLabel(score.main_dyad())));
  }
  parts.push_back(absl::StrCat(score.sentences(), " sentences, ",
                               score.tokens(), " tokens"));
  return absl::StrCat(absl::StrJoin(parts, "  \xC2\xB7  "), "\n");
}

std::string DyadsTable(const v1::ArticleScore& score, bool color) {
  if (score.dyads().empty()) return "no dyad scored\n";
  Table t;
  t.AddColumn("dyad");
  t.AddColumn("tone", Table::kRight);
  t.AddColumn(CenteredBarHeader(10));
  t.AddColumn("signals", Table::kRight);
  t.AddColumn("warm", Table::kRight);
  t.AddColumn("cold", Table::kRight);
  t.AddColumn("co-mentions", Table::kRight);
  for (const v1::DyadTone& d : score.dyads()) {
    t.AddRow({DyadLabel(d.dyad()), SignedNumber(d.tone()),
              CenteredBar(d.tone(), d.tone(), d.tone(), 10, color),
              absl::StrCat(d.signals()), absl::StrFormat("%.2f", d.positive()),
              absl::StrFormat("%.2f", d.negative()),
              absl::StrCat(d.co_mentions())});
  }
  return t.Render();
}

std::string EvidenceTable(const v1::ArticleScore& score) {
  if (score.evidence().empty()) return "no signals\n";
  Table t;
  t.AddColumn("#", Table::kRight);
  t.AddColumn("dyad");
  t.AddColumn("contribution", Table::kRight);
  t.AddColumn("text");
  t.AddColumn("attribution");
  t.AddColumn("lexicon line", Table::kRight);
  t.AddColumn("modifiers");
  for (int i = 0; i < score.evidence_size(); ++i) {
    const v1::Evidence& e = score.evidence(i);
    t.AddRow({absl::StrCat(i), e.has_dyad() ? DyadLabel(e.dyad()) : "-",
              SignedNumber(e.contribution()), Truncate(e.text(), kMaxTextWidth),
              EnumLabel(v1::Attribution_Name(e.attribution()), "ATTRIBUTION_"),
              absl::StrCat(e.lexicon_line()), Modifiers(e)});
  }
  return t.Render();
}

}  // namespace

std::string DyadLabel(const v1::Dyad& dyad) {
  return absl::StrCat(dyad.a(), "-", dyad.b());
}

std::string ScoreTable(const v1::ArticleScore& score, bool evidence,
                       bool color) {
  std::string out =
      absl::StrCat(SummaryLine(score), "\n", DyadsTable(score, color));
  if (evidence) absl::StrAppend(&out, "\n", EvidenceTable(score));
  return out;
}

std::string ScoreCsvHeader(bool evidence) {
  if (evidence) {
    return CsvRow({"id", "index", "dyad", "contribution", "weight", "text",
                   "pattern", "lexicon_line", "quad_class",
                   "effective_quad_class", "attribution", "source_country",
                   "target_country", "begin", "end"});
  }
  return CsvRow({"id", "date", "date_source", "main_dyad", "dyad", "tone",
                 "raw_sum", "positive", "negative", "a_to_b", "b_to_a",
                 "signals", "co_mentions", "verbal_cooperation",
                 "material_cooperation", "verbal_conflict",
                 "material_conflict"});
}

std::string ScoreCsvRows(const v1::ArticleScore& score, bool evidence) {
  std::string out;
  if (evidence) {
    for (int i = 0; i < score.evidence_size(); ++i) {
      const v1::Evidence& e = score.evidence(i);
      absl::StrAppend(
          &out,
          CsvRow({score.id(), absl::StrCat(i),
                  e.has_dyad() ? DyadLabel(e.dyad()) : "",
                  absl::StrCat(e.contribution()), absl::StrCat(e.weight()),
                  e.text(), e.pattern(), absl::StrCat(e.lexicon_line()),
                  v1::QuadClass_Name(e.quad_class()),
                  v1::QuadClass_Name(e.effective_quad_class()),
                  v1::Attribution_Name(e.attribution()), e.source_country(),
                  e.target_country(), absl::StrCat(e.span().begin()),
                  absl::StrCat(e.span().end())}));
    }
    return out;
  }
  const std::string main =
      score.has_main_dyad() ? DyadLabel(score.main_dyad()) : "";
  for (const v1::DyadTone& d : score.dyads()) {
    const v1::QuadCounts& q = d.quad_counts();
    absl::StrAppend(
        &out, CsvRow({score.id(), score.date(),
                      v1::DateSource_Name(score.date_source()), main,
                      DyadLabel(d.dyad()), absl::StrCat(d.tone()),
                      absl::StrCat(d.raw_sum()), absl::StrCat(d.positive()),
                      absl::StrCat(d.negative()), absl::StrCat(d.a_to_b()),
                      absl::StrCat(d.b_to_a()), absl::StrCat(d.signals()),
                      absl::StrCat(d.co_mentions()),
                      absl::StrCat(q.verbal_cooperation()),
                      absl::StrCat(q.material_cooperation()),
                      absl::StrCat(q.verbal_conflict()),
                      absl::StrCat(q.material_conflict())}));
  }
  return out;
}

}  // namespace dyadtone::cli
