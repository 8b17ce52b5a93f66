#include "service/server/conversions.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace dyadtone {
namespace {

// The Fill* functions write into a message the caller owns, so that a
// response built on an arena keeps all of its parts there.
void FillSpan(const ByteSpan& s, v1::Span* out) {
  out->set_begin(s.begin);
  out->set_end(s.end);
}

void FillDyadKey(const DyadKey& key, v1::Dyad* out) {
  out->set_a(key.a);
  out->set_b(key.b);
}

v1::QuadClass ToProto(QuadClass c) {
  switch (c) {
    case QuadClass::kVerbalCooperation:
      return v1::QUAD_CLASS_VERBAL_COOPERATION;
    case QuadClass::kMaterialCooperation:
      return v1::QUAD_CLASS_MATERIAL_COOPERATION;
    case QuadClass::kVerbalConflict:
      return v1::QUAD_CLASS_VERBAL_CONFLICT;
    case QuadClass::kMaterialConflict:
      return v1::QUAD_CLASS_MATERIAL_CONFLICT;
    case QuadClass::kNeutral:
      break;
  }
  return v1::QUAD_CLASS_UNSPECIFIED;
}

v1::DateSource ToProto(DateSource s) {
  switch (s) {
    case DateSource::kNone: return v1::DATE_SOURCE_UNSPECIFIED;
    case DateSource::kCaller: return v1::DATE_SOURCE_CALLER;
    case DateSource::kHeader: return v1::DATE_SOURCE_HEADER;
    case DateSource::kDatedLine: return v1::DATE_SOURCE_DATED_LINE;
    case DateSource::kDateline: return v1::DATE_SOURCE_DATELINE;
  }
  return v1::DATE_SOURCE_UNSPECIFIED;
}

v1::Attribution ToProto(Attribution a) {
  switch (a) {
    case Attribution::kNone: return v1::ATTRIBUTION_UNSPECIFIED;
    case Attribution::kClause: return v1::ATTRIBUTION_CLAUSE;
    case Attribution::kSentence: return v1::ATTRIBUTION_SENTENCE;
    case Attribution::kMainDyadSpeaker:
      return v1::ATTRIBUTION_MAIN_DYAD_SPEAKER;
    case Attribution::kMainDyadMarker: return v1::ATTRIBUTION_MAIN_DYAD_MARKER;
    case Attribution::kMainDyadContext:
      return v1::ATTRIBUTION_MAIN_DYAD_CONTEXT;
  }
  return v1::ATTRIBUTION_UNSPECIFIED;
}

v1::Modifier::Type ToProto(ModifierType t) {
  switch (t) {
    case ModifierType::kNegation: return v1::Modifier::TYPE_NEGATION;
    case ModifierType::kIntensifier: return v1::Modifier::TYPE_INTENSIFIER;
    case ModifierType::kHedge: return v1::Modifier::TYPE_HEDGE;
    case ModifierType::kContrast: return v1::Modifier::TYPE_CONTRAST;
  }
  return v1::Modifier::TYPE_UNSPECIFIED;
}

void FillQuadCounts(const std::array<int, kNumQuadClasses>& c,
                    v1::QuadCounts* out) {
  out->set_verbal_cooperation(c[0]);
  out->set_material_cooperation(c[1]);
  out->set_verbal_conflict(c[2]);
  out->set_material_conflict(c[3]);
}

void FillEvidence(const Evidence& e, v1::Evidence* out) {
  out->mutable_text()->assign(e.text.data(), e.text.size());
  FillSpan(e.span, out->mutable_span());
  out->set_sentence(e.sentence);
  FillSpan(e.sentence_span, out->mutable_sentence_span());
  out->set_lexicon_line(e.lexicon_line);
  out->mutable_pattern()->assign(e.pattern.data(), e.pattern.size());
  out->set_quad_class(ToProto(e.entry_class));
  out->set_effective_quad_class(ToProto(e.effective_class));
  out->set_weight(e.weight);
  for (const AppliedModifier& m : e.modifiers) {
    v1::Modifier* pm = out->add_modifiers();
    pm->set_type(ToProto(m.type));
    pm->mutable_text()->assign(m.text.data(), m.text.size());
    FillSpan(m.span, pm->mutable_span());
    pm->set_factor(m.factor);
  }
  out->set_contribution(e.contribution);
  out->set_attribution(ToProto(e.attribution));
  if (e.dyad) FillDyadKey(*e.dyad, out->mutable_dyad());
  out->set_source_country(e.source);
  out->set_target_country(e.target);
}

void FillDyad(const DyadScore& d, bool include_evidence, v1::DyadTone* out) {
  FillDyadKey(d.dyad, out->mutable_dyad());
  out->set_tone(d.tone);
  out->set_raw_sum(d.raw_sum);
  out->set_positive(d.positive);
  out->set_negative(d.negative);
  out->set_a_to_b(d.directed_sum[0]);
  out->set_b_to_a(d.directed_sum[1]);
  FillQuadCounts(d.class_counts, out->mutable_quad_counts());
  out->set_goldstein_mean(d.goldstein_mean);
  out->set_signals(d.signals);
  out->set_co_mentions(d.co_mentions);
  if (include_evidence) {
    for (int e : d.evidence) out->add_evidence(e);
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

v1::Dyad ToProto(const DyadKey& key) {
  v1::Dyad d;
  FillDyadKey(key, &d);
  return d;
}

void FillArticleScore(const ArticleResult& r, const v1::Article& article,
                      bool include_evidence, v1::ArticleScore* out) {
  out->set_id(article.id());
  out->set_source(article.source());
  out->set_url(article.url());
  if (r.date.day) out->set_date(absl::FormatCivilTime(*r.date.day));
  out->set_date_source(ToProto(r.date.source));
  if (r.date.source != DateSource::kNone &&
      r.date.source != DateSource::kCaller) {
    FillSpan(ByteSpan{r.date.begin, r.date.end}, out->mutable_date_span());
  }
  if (r.main_dyad) FillDyadKey(*r.main_dyad, out->mutable_main_dyad());
  out->mutable_dyads()->Reserve(static_cast<int>(r.dyads.size()));
  for (const DyadScore& d : r.dyads) {
    FillDyad(d, include_evidence, out->add_dyads());
  }
  if (include_evidence) {
    out->mutable_evidence()->Reserve(static_cast<int>(r.evidence.size()));
    for (const Evidence& e : r.evidence) FillEvidence(e, out->add_evidence());
  }
  out->mutable_actors()->Reserve(static_cast<int>(r.actors.size()));
  for (const ActorCount& a : r.actors) {
    v1::ActorMentions* m = out->add_actors();
    m->set_code(a.code);
    m->set_name(a.name);
    m->set_mentions(a.mentions);
    FillSpan(a.first, m->mutable_first());
  }
  if (r.general) {
    v1::GeneralTone* g = out->mutable_general_tone();
    g->set_compound(r.general->compound);
    g->set_positive(r.general->positive);
    g->set_neutral(r.general->neutral);
    g->set_negative(r.general->negative);
  }
  out->set_sentences(r.sentences);
  out->set_tokens(r.tokens);
  out->set_lexicon_version(r.lexicon_version);
  out->set_gazetteer_version(r.gazetteer_version);
}

v1::ArticleScore ToProto(const ArticleResult& r, const v1::Article& article,
                         bool include_evidence) {
  v1::ArticleScore out;
  FillArticleScore(r, article, include_evidence, &out);
  return out;
}

std::vector<StoredDyad> ToStoredDyads(const ArticleResult& r) {
  std::vector<StoredDyad> out;
  for (const DyadScore& d : r.dyads) {
    // Only dyads the article says something about, or names together.
    if (d.signals == 0 && d.co_mentions == 0) continue;
    StoredDyad s;
    s.dyad = d.dyad;
    s.tone = d.tone;
    s.signals = d.signals;
    s.quad_counts = d.class_counts;
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<DyadKey> DyadFromProto(const v1::Dyad& dyad,
                                      absl::string_view field,
                                      const Engine& engine) {
  for (const std::string* code : {&dyad.a(), &dyad.b()}) {
    const bool shape = code->size() == 3 && absl::ascii_isupper((*code)[0]) &&
                       absl::ascii_isupper((*code)[1]) &&
                       absl::ascii_isupper((*code)[2]);
    if (!shape) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", *code,
                       "\" is not an ISO 3166-1 alpha-3 code (three capital "
                       "letters)"));
    }
    if (!engine.IsKnownActor(*code)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": unknown country code \"", *code, "\""));
    }
  }
  if (dyad.a() == dyad.b()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": a dyad needs two different countries"));
  }
  return MakeDyadKey(dyad.a(), dyad.b());
}

}  // namespace dyadtone
