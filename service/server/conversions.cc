#include "service/server/conversions.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

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
    case Attribution::kOrganization:
      return v1::ATTRIBUTION_ORGANIZATION;
    case Attribution::kAntecedent: return v1::ATTRIBUTION_ANTECEDENT;
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

// Writes protobuf wire data into a string: the fields of a message in the
// order and with the presence rules of the generated serializer (proto3: a
// scalar, string or enum at its default is left out; a message field set
// with mutable_*() is written even when empty), so that the bytes are the
// ones SerializeToString() gives for the message FillArticleScore() builds.
// The encodings are protobuf's own (CodedOutputStream, WireFormatLite); this
// class only lays them out, giving each nested message its length once it
// is written. The string is sized ahead and cut to length by Finish().
class WireWriter {
 public:
  using WFL = google::protobuf::internal::WireFormatLite;
  using Coded = google::protobuf::io::CodedOutputStream;

  WireWriter(std::string* out, size_t size_hint) : out_(out) {
    out_->resize(std::max<size_t>(size_hint, 64));
  }
  void Finish() { out_->resize(pos_); }

  void Int32(int field, int32_t v) {
    if (v == 0) return;
    uint8_t* p = Tag(field, WFL::WIRETYPE_VARINT, Room(15));
    Done(Coded::WriteVarint64ToArray(
        static_cast<uint64_t>(static_cast<int64_t>(v)), p));
  }
  void UInt32(int field, uint32_t v) {
    if (v == 0) return;
    uint8_t* p = Tag(field, WFL::WIRETYPE_VARINT, Room(10));
    Done(Coded::WriteVarint32ToArray(v, p));
  }
  void Double(int field, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    if (bits == 0) return;  // +0.0 only: -0.0 is written
    uint8_t* p = Tag(field, WFL::WIRETYPE_FIXED64, Room(13));
    Done(Coded::WriteLittleEndian64ToArray(bits, p));
  }
  void String(int field, absl::string_view v) {
    if (v.empty()) return;
    uint8_t* p =
        Tag(field, WFL::WIRETYPE_LENGTH_DELIMITED, Room(15 + v.size()));
    p = Coded::WriteVarint64ToArray(v.size(), p);
    std::memcpy(p, v.data(), v.size());
    Done(p + v.size());
  }
  // A packed repeated int32, left out when empty.
  void PackedInt32(int field, const std::vector<int>& v) {
    if (v.empty()) return;
    const size_t start = Begin(field);
    uint8_t* p = Room(10 * v.size());
    for (int x : v) {
      p = Coded::WriteVarint64ToArray(
          static_cast<uint64_t>(static_cast<int64_t>(x)), p);
    }
    Done(p);
    End(start);
  }
  // A nested message: Begin() writes its tag, the fields follow, End()
  // writes its length in front of them.
  size_t Begin(int field) {
    uint8_t* p = Tag(field, WFL::WIRETYPE_LENGTH_DELIMITED, Room(6));
    *p++ = 0;  // the length, when under 128
    Done(p);
    return pos_;
  }
  void End(size_t start) {
    const size_t len = pos_ - start;
    if (len < 128) {
      (*out_)[start - 1] = static_cast<char>(len);
      return;
    }
    uint8_t buf[10];
    const size_t n = static_cast<size_t>(
        Coded::WriteVarint64ToArray(len, buf) - buf);
    Room(n - 1);
    char* const data = &(*out_)[0];
    std::memmove(data + start + n - 1, data + start, len);
    std::memcpy(data + start - 1, buf, n);
    pos_ += n - 1;
  }

 private:
  // Where the next `n` bytes go.
  uint8_t* Room(size_t n) {
    if (pos_ + n > out_->size()) {
      out_->resize(std::max(2 * out_->size(), pos_ + n));
    }
    return reinterpret_cast<uint8_t*>(&(*out_)[pos_]);
  }
  // The bytes up to `end`, written after Room(), are taken.
  void Done(const uint8_t* end) {
    pos_ = static_cast<size_t>(
        end - reinterpret_cast<const uint8_t*>(out_->data()));
  }
  static uint8_t* Tag(int field, WFL::WireType type, uint8_t* p) {
    return Coded::WriteVarint32ToArray(WFL::MakeTag(field, type), p);
  }

  std::string* out_;
  size_t pos_ = 0;
};

// The Write* functions mirror the Fill* ones above, field by field in the
// order of the field numbers.
void WriteSpan(int field, const ByteSpan& s, WireWriter* w) {
  const size_t m = w->Begin(field);
  w->UInt32(1, s.begin);
  w->UInt32(2, s.end);
  w->End(m);
}

void WriteDyadKey(int field, const DyadKey& key, WireWriter* w) {
  const size_t m = w->Begin(field);
  w->String(1, key.a);
  w->String(2, key.b);
  w->End(m);
}

void WriteEvidence(const Evidence& e, WireWriter* w) {
  const size_t m = w->Begin(7);  // ArticleScore.evidence
  w->String(1, e.text);
  WriteSpan(2, e.span, w);
  w->Int32(3, e.sentence);
  WriteSpan(4, e.sentence_span, w);
  w->Int32(5, e.lexicon_line);
  w->String(6, e.pattern);
  w->Int32(7, ToProto(e.entry_class));
  w->Int32(8, ToProto(e.effective_class));
  w->Double(9, e.weight);
  for (const AppliedModifier& mod : e.modifiers) {
    const size_t mm = w->Begin(10);
    w->Int32(1, ToProto(mod.type));
    w->String(2, mod.text);
    WriteSpan(3, mod.span, w);
    w->Double(4, mod.factor);
    w->End(mm);
  }
  w->Double(11, e.contribution);
  w->Int32(12, ToProto(e.attribution));
  if (e.dyad) WriteDyadKey(13, *e.dyad, w);
  w->String(14, e.source);
  w->String(15, e.target);
  w->End(m);
}

void WriteDyad(const DyadScore& d, bool include_evidence, WireWriter* w) {
  const size_t m = w->Begin(6);  // ArticleScore.dyads
  WriteDyadKey(1, d.dyad, w);
  w->Double(2, d.tone);
  w->Double(3, d.raw_sum);
  w->Double(4, d.positive);
  w->Double(5, d.negative);
  w->Double(6, d.directed_sum[0]);
  w->Double(7, d.directed_sum[1]);
  const size_t q = w->Begin(8);
  for (int i = 0; i < kNumQuadClasses; ++i) w->Int32(i + 1, d.class_counts[i]);
  w->End(q);
  w->Double(9, d.goldstein_mean);
  w->Int32(10, d.signals);
  w->Int32(11, d.co_mentions);
  if (include_evidence) w->PackedInt32(12, d.evidence);
  w->End(m);
}

void WriteArticleScoreFields(const ArticleResult& r,
                             const v1::Article& article, bool include_evidence,
                             WireWriter* w) {
  w->String(1, article.id());
  if (r.date.day) w->String(2, absl::FormatCivilTime(*r.date.day));
  w->Int32(3, ToProto(r.date.source));
  if (r.date.source != DateSource::kNone &&
      r.date.source != DateSource::kCaller) {
    WriteSpan(4, ByteSpan{r.date.begin, r.date.end}, w);
  }
  if (r.main_dyad) WriteDyadKey(5, *r.main_dyad, w);
  for (const DyadScore& d : r.dyads) WriteDyad(d, include_evidence, w);
  if (include_evidence) {
    for (const Evidence& e : r.evidence) WriteEvidence(e, w);
  }
  for (const ActorCount& a : r.actors) {
    const size_t m = w->Begin(8);
    w->String(1, a.code);
    w->String(2, a.name);
    w->Int32(3, a.mentions);
    WriteSpan(4, a.first, w);
    w->End(m);
  }
  if (r.general) {
    const size_t m = w->Begin(9);
    w->Double(1, r.general->compound);
    w->Double(2, r.general->positive);
    w->Double(3, r.general->neutral);
    w->Double(4, r.general->negative);
    w->End(m);
  }
  w->Int32(10, r.sentences);
  w->Int32(11, r.tokens);
  w->String(12, r.lexicon_version);
  w->String(13, r.gazetteer_version);
  w->String(14, article.source());
  w->String(15, article.url());
}

// A guess at the encoded size, so that the string grows once or not at all.
size_t EncodedSizeHint(const ArticleResult& r, bool include_evidence) {
  size_t n = 256 + 160 * r.dyads.size() + 48 * r.actors.size();
  if (include_evidence) n += 224 * r.evidence.size();
  return n;
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

std::string EncodeArticleScore(const ArticleResult& r,
                               const v1::Article& article,
                               bool include_evidence) {
  std::string out;
  WireWriter w(&out, EncodedSizeHint(r, include_evidence));
  WriteArticleScoreFields(r, article, include_evidence, &w);
  w.Finish();
  return out;
}

std::string EncodeScoreArticleResponse(const ArticleResult& r,
                                       const v1::Article& article,
                                       bool include_evidence) {
  std::string out;
  WireWriter w(&out, EncodedSizeHint(r, include_evidence) + 8);
  const size_t m = w.Begin(1);  // ScoreArticleResponse.score
  WriteArticleScoreFields(r, article, include_evidence, &w);
  w.End(m);
  w.Finish();
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
    if (!engine.IsKnownCountry(*code)) {
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
