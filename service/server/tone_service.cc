#include "service/server/tone_service.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "service/engine/civil_days.h"
#include "service/engine/date_extractor.h"
#include "service/engine/spec_reader.h"
#include "service/engine/utf8.h"
#include "service/server/conversions.h"
#include "service/server/raw_messages.h"
#include "service/trends/trend.h"

namespace dyadtone {
namespace {

constexpr int kMaxSmoothing = 1000;

absl::Status Prefixed(absl::string_view prefix, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(prefix, s.message()));
}

absl::StatusOr<Granularity> GranularityFromProto(v1::Granularity g) {
  switch (g) {
    case v1::GRANULARITY_UNSPECIFIED:
    case v1::GRANULARITY_MONTH:
      return Granularity::kMonth;
    case v1::GRANULARITY_DAY: return Granularity::kDay;
    case v1::GRANULARITY_WEEK: return Granularity::kWeek;
    case v1::GRANULARITY_QUARTER: return Granularity::kQuarter;
    case v1::GRANULARITY_YEAR: return Granularity::kYear;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "granularity: unknown value ", static_cast<int>(g),
          " (DAY, WEEK, MONTH, QUARTER or YEAR)"));
  }
}

v1::Granularity ToProto(Granularity g) {
  switch (g) {
    case Granularity::kDay: return v1::GRANULARITY_DAY;
    case Granularity::kWeek: return v1::GRANULARITY_WEEK;
    case Granularity::kMonth: return v1::GRANULARITY_MONTH;
    case Granularity::kQuarter: return v1::GRANULARITY_QUARTER;
    case Granularity::kYear: return v1::GRANULARITY_YEAR;
  }
  return v1::GRANULARITY_UNSPECIFIED;
}

// Parses an optional "YYYY-MM-DD" request field.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(
    const std::string& text, absl::string_view field) {
  if (text.empty()) return std::optional<absl::CivilDay>();
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(text);
  if (!day.ok()) return Prefixed(absl::StrCat(field, ": "), day.status());
  return std::optional<absl::CivilDay>(*day);
}

// What identifies a submission: same id and same print = same article.
std::string SubmissionFingerprint(const v1::Article& a) {
  return ContentFingerprint(absl::StrCat(a.text(), std::string(1, '\0'),
                                         a.date(), std::string(1, '\0'),
                                         a.source(), std::string(1, '\0'),
                                         a.url()));
}

v1::IngestResult::Outcome ToProto(PutOutcome o) {
  switch (o) {
    case PutOutcome::kStored: return v1::IngestResult::OUTCOME_STORED;
    case PutOutcome::kUnchanged: return v1::IngestResult::OUTCOME_UNCHANGED;
    case PutOutcome::kReplaced: return v1::IngestResult::OUTCOME_REPLACED;
  }
  return v1::IngestResult::OUTCOME_UNSPECIFIED;
}

}  // namespace

ToneServiceImpl::ToneServiceImpl(const ModelHolder* models, ArticleStore* store,
                                 RequestLog* log, ToneServiceOptions options)
    : models_(models),
      store_(store),
      log_(log),
      options_(std::move(options)),
      scoring_pool_(options_.scoring_threads),
      store_pool_(options_.store_threads) {}

grpc::Status ToneServiceImpl::Authorize(grpc::ServerContextBase* context,
                                        Access access,
                                        ScopedRequestLog* log) const {
  return AuthorizeCall(options_.tokens.get(), *context, access, log);
}

absl::StatusOr<ArticleResult> ToneServiceImpl::Score(
    const Engine& engine, const v1::Article& article,
    const std::vector<DyadKey>& dyads) const {
  absl::StatusOr<std::optional<absl::CivilDay>> date =
      OptionalDate(article.date(), "article.date");
  if (!date.ok()) return date.status();
  ArticleInput input{article.text()};
  input.date = *date;
  input.dyads_of_interest = dyads;
  absl::StatusOr<ArticleResult> result = engine.Score(input);
  if (!result.ok()) return Prefixed("article.text: ", result.status());
  return result;
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* ToneServiceImpl::ServeOnPool(
    grpc::CallbackServerContext* context, WorkerPool* pool,
    absl::string_view method, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response, Handler<Request, Response> handle,
    size_t inline_bytes) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The call, its context and its byte buffers live until Finish().
  auto work = [this, context, reactor, method, raw_request, raw_response,
               handle] {
    reactor->Finish([&]() -> grpc::Status {
      if (context->IsCancelled()) {  // waited past its deadline, or gone
        ScopedRequestLog log(log_, context, method);
        return log.Done(grpc::Status(grpc::StatusCode::CANCELLED,
                                     "the call was cancelled"));
      }
      alignas(8) char first_block[kFirstArenaBlockBytes];
      google::protobuf::Arena arena(
          ArenaStartingIn(first_block, sizeof(first_block)));
      auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
      if (!ParseRaw(*raw_request, request)) {
        ScopedRequestLog log(log_, context, method);
        return log.Done(
            grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                         WhyUnparsable(*raw_request, *Request::descriptor())));
      }
      if constexpr (std::is_same_v<Response, std::string>) {
        auto bytes = std::make_unique<std::string>();
        grpc::Status status = (this->*handle)(context, *request, bytes.get());
        if (!status.ok()) return status;
        // The slice owns the string from here.
        std::string* owned = bytes.release();
        grpc::Slice slice(
            owned->data(), owned->size(),
            [](void* p) { delete static_cast<std::string*>(p); }, owned);
        *raw_response = grpc::ByteBuffer(&slice, 1);
        return status;
      } else {
        auto* response =
            google::protobuf::Arena::CreateMessage<Response>(&arena);
        grpc::Status status = (this->*handle)(context, *request, response);
        if (!status.ok()) return status;
        bool own_buffer = false;
        return grpc::SerializationTraits<Response>::Serialize(
            *response, raw_response, &own_buffer);
      }
    }());
  };
  if (inline_bytes > 0 && raw_request->Length() <= inline_bytes) {
    work();
  } else {
    pool->Schedule(std::move(work));
  }
  return reactor;
}

grpc::ServerUnaryReactor* ToneServiceImpl::ScoreArticle(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeOnPool(context, &scoring_pool_, "ScoreArticle", request, response,
                     &ToneServiceImpl::HandleScoreArticle,
                     options_.inline_score_bytes);
}

grpc::Status ToneServiceImpl::HandleScoreArticle(
    grpc::ServerContextBase* context,
    const v1::ScoreArticleRequest& request, std::string* response) {
  ScopedRequestLog log(log_, context, "ScoreArticle");
  if (grpc::Status denied = Authorize(context, Access::kRead, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  const std::shared_ptr<const Engine> engine = models_->Get();
  std::vector<DyadKey> dyads;
  for (int i = 0; i < request.dyads_size(); ++i) {
    absl::StatusOr<DyadKey> key = DyadFromProto(
        request.dyads(i), absl::StrCat("dyads[", i, "]"), *engine);
    if (!key.ok()) return log.Done(ToGrpcStatus(key.status()));
    dyads.push_back(*key);
  }
  absl::StatusOr<ArticleResult> result =
      Score(*engine, request.article(), dyads);
  if (!result.ok()) return log.Done(ToGrpcStatus(result.status()));
  if (context->IsCancelled()) {
    return log.Done(grpc::Status(grpc::StatusCode::CANCELLED,
                                 "the call was cancelled"));
  }
  *response = EncodeScoreArticleResponse(*result, request.article(),
                                         !request.omit_evidence());
  log.Add("dyads", std::to_string(result->dyads.size()));
  return log.Done(grpc::Status::OK);
}

absl::StatusOr<StoredArticle> ToneServiceImpl::Prepare(
    const Engine& engine, const v1::Article& article,
    std::optional<DyadKey>* main_dyad) const {
  if (article.id().empty()) {
    return absl::InvalidArgumentError("article.id: required for ingestion");
  }
  if (article.id().size() > options_.max_id_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("article.id: longer than ", options_.max_id_bytes,
                     " bytes"));
  }
  if (absl::Status s = ValidateUtf8(article.id()); !s.ok()) {
    return Prefixed("article.id: ", s);
  }
  absl::StatusOr<ArticleResult> result = Score(engine, article, {});
  if (!result.ok()) return result.status();
  if (!result->date.day) {
    return absl::InvalidArgumentError(
        "article.date: no date found; pass article.date or start the text "
        "with a \"date YYYY-MM-DD\" line");
  }
  *main_dyad = result->main_dyad;
  StoredArticle stored;
  stored.id = article.id();
  stored.date = *result->date.day;
  stored.text_fingerprint = SubmissionFingerprint(article);
  stored.lexicon_version = result->lexicon_version;
  stored.gazetteer_version = result->gazetteer_version;
  // The API's message, serialized, without building it.
  stored.score = EncodeArticleScore(*result, article, /*include_evidence=*/true);
  stored.dyads = ToStoredDyads(*result);
  return stored;
}

grpc::Status ToneServiceImpl::IngestArticlesRaw(
    grpc::ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
    grpc::ByteBuffer* raw_response) {
  ScopedRequestLog log(log_, context, "IngestArticles");
  if (grpc::Status denied = Authorize(context, Access::kWrite, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  if (ingest_streams_.fetch_add(1) >= options_.max_ingest_streams) {
    ingest_streams_.fetch_sub(1);
    return log.Done(grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("too many ingest streams at once (the limit is ",
                     options_.max_ingest_streams,
                     "); retry after a moment")));
  }
  const absl::Cleanup release = [this] { ingest_streams_.fetch_sub(1); };
  v1::IngestArticlesResponse results;
  v1::IngestArticlesResponse* const response = &results;
  // One stream is scored with one version of the data.
  const std::shared_ptr<const Engine> engine = models_->Get();
  std::vector<StoredArticle> batch;
  std::vector<int> batch_rows;  // the batch's rows in response->results
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    absl::StatusOr<std::vector<PutOutcome>> outcomes = store_->PutBatch(batch);
    if (!outcomes.ok()) return outcomes.status();
    for (size_t i = 0; i < outcomes->size(); ++i) {
      v1::IngestResult* r = response->mutable_results(batch_rows[i]);
      r->set_outcome(ToProto((*outcomes)[i]));
      switch ((*outcomes)[i]) {
        case PutOutcome::kStored: response->set_stored(response->stored() + 1);
          break;
        case PutOutcome::kUnchanged:
          response->set_unchanged(response->unchanged() + 1);
          break;
        case PutOutcome::kReplaced:
          response->set_replaced(response->replaced() + 1);
          break;
      }
    }
    batch.clear();
    batch_rows.clear();
    return absl::OkStatus();
  };
  // Each message is parsed here, not by gRPC: gRPC's parsing would end the
  // stream, silently, at a message it cannot parse (a string field with
  // invalid UTF-8), and lose the articles after it.
  grpc::ByteBuffer message;
  v1::IngestArticlesRequest request;
  for (int index = 0; reader->Read(&message); ++index) {
    if (context->IsCancelled()) {
      return log.Done(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "the stream was cancelled"));
    }
    v1::IngestResult* r = response->add_results();
    r->set_index(index);
    if (!ParseRaw(message, &request)) {
      const google::protobuf::Descriptor& type = *request.GetDescriptor();
      r->set_outcome(v1::IngestResult::OUTCOME_REJECTED);
      r->set_error(WhyUnparsable(message, type));
      r->set_id(ReadableString(message, type, "article.id"));
      response->set_rejected(response->rejected() + 1);
      continue;
    }
    r->set_id(request.article().id());
    std::optional<DyadKey> main_dyad;
    absl::StatusOr<StoredArticle> stored =
        Prepare(*engine, request.article(), &main_dyad);
    if (!stored.ok()) {
      r->set_outcome(v1::IngestResult::OUTCOME_REJECTED);
      r->set_error(std::string(stored.status().message()));
      response->set_rejected(response->rejected() + 1);
      continue;
    }
    r->set_date(absl::FormatCivilTime(stored->date));
    if (main_dyad) *r->mutable_main_dyad() = ToProto(*main_dyad);
    batch_rows.push_back(response->results_size() - 1);
    batch.push_back(*std::move(stored));
    if (static_cast<int>(batch.size()) >= options_.ingest_batch) {
      if (absl::Status s = flush(); !s.ok()) {
        return log.Done(ToGrpcStatus(s));
      }
    }
  }
  // Read also ends when the client cancels or the deadline passes: then
  // the client hears an error, so nothing more is committed.
  if (context->IsCancelled()) {
    return log.Done(grpc::Status(
        grpc::StatusCode::CANCELLED,
        "the stream was cancelled or its deadline passed; articles not yet "
        "committed were not stored"));
  }
  if (absl::Status s = flush(); !s.ok()) return log.Done(ToGrpcStatus(s));
  log.Add("stored", std::to_string(response->stored()));
  log.Add("unchanged", std::to_string(response->unchanged()));
  log.Add("replaced", std::to_string(response->replaced()));
  log.Add("rejected", std::to_string(response->rejected()));
  bool own_buffer = false;
  return log.Done(
      grpc::SerializationTraits<v1::IngestArticlesResponse>::Serialize(
          results, raw_response, &own_buffer));
}

absl::Status ToneServiceImpl::Trend(const v1::GetTrendRequest& request,
                                    v1::GetTrendResponse* response) {
  absl::StatusOr<DyadKey> key =
      DyadFromProto(request.dyad(), "dyad", *models_->Get());
  if (!key.ok()) return key.status();
  absl::StatusOr<Granularity> g = GranularityFromProto(request.granularity());
  if (!g.ok()) return g.status();
  if (request.smoothing() < 0 || request.smoothing() > kMaxSmoothing) {
    return absl::InvalidArgumentError(absl::StrCat(
        "smoothing: ", request.smoothing(), " is outside 0..", kMaxSmoothing));
  }
  auto from = OptionalDate(request.from(), "from");
  if (!from.ok()) return from.status();
  auto to = OptionalDate(request.to(), "to");
  if (!to.ok()) return to.status();
  *response->mutable_dyad() = ToProto(*key);
  response->set_granularity(ToProto(*g));
  absl::StatusOr<std::vector<DayRollup>> days;
  const bool open_ended = !*from || !*to;
  if (open_ended) {
    // An open end takes the dyad's first or last stored day: read every
    // day once and keep those in range.
    days = store_->DailyRollups(*key, absl::CivilDay(1900, 1, 1),
                                absl::CivilDay(2199, 12, 31));
    if (!days.ok()) return days.status();
    if (days->empty()) return absl::OkStatus();
    if (!*from) *from = days->front().day;
    if (!*to) *to = days->back().day;
    days->erase(std::remove_if(days->begin(), days->end(),
                               [&](const DayRollup& d) {
                                 return d.day < **from || d.day > **to;
                               }),
                days->end());
  }
  if (absl::Status s = ValidateTrendRange(**from, **to, *g); !s.ok()) {
    return s;
  }
  if (!open_ended) {
    days = store_->DailyRollups(*key, **from, **to);
    if (!days.ok()) return days.status();
  }
  std::vector<TrendPoint> points =
      BuildTrend(*std::move(days), **from, **to, *g, request.smoothing(),
                 request.include_empty());
  response->mutable_points()->Reserve(static_cast<int>(points.size()));
  for (TrendPoint& p : points) {
    v1::TrendPoint* out = response->add_points();
    out->set_period_start(FormatIsoDay(p.period_start));
    out->set_article_count(p.articles);
    out->set_mean_tone(p.mean_tone);
    out->set_standard_error(p.standard_error);
    out->set_ci_low(p.ci_low);
    out->set_ci_high(p.ci_high);
    v1::QuadCounts* q = out->mutable_quad_counts();
    q->set_verbal_cooperation(p.quad_counts[0]);
    q->set_material_cooperation(p.quad_counts[1]);
    q->set_verbal_conflict(p.quad_counts[2]);
    q->set_material_conflict(p.quad_counts[3]);
    for (std::string& id : p.top_article_ids) {
      out->add_top_article_ids(std::move(id));
    }
    out->set_smoothed_tone(p.smoothed_tone);
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ToneServiceImpl::GetTrend(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeOnPool(context, &store_pool_, "GetTrend", request, response,
                     &ToneServiceImpl::HandleGetTrend);
}

grpc::Status ToneServiceImpl::HandleGetTrend(grpc::ServerContextBase* context,
                                             const v1::GetTrendRequest& request,
                                             v1::GetTrendResponse* response) {
  ScopedRequestLog log(log_, context, "GetTrend");
  if (grpc::Status denied = Authorize(context, Access::kRead, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  const absl::Status s = Trend(request, response);
  log.Add("points", std::to_string(response->points_size()));
  return log.Done(ToGrpcStatus(s));
}

grpc::Status ToneServiceImpl::ListDyads(grpc::ServerContext* context,
                                        const v1::ListDyadsRequest* request,
                                        v1::ListDyadsResponse* response) {
  ScopedRequestLog log(log_, context, "ListDyads");
  if (grpc::Status denied = Authorize(context, Access::kRead, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  if (request->min_articles() < 0) {
    return log.Done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "min_articles: must not be negative"));
  }
  absl::StatusOr<std::vector<DyadSummaryRow>> rows =
      store_->ListDyads(request->min_articles());
  if (!rows.ok()) return log.Done(ToGrpcStatus(rows.status()));
  for (const DyadSummaryRow& row : *rows) {
    v1::DyadSummary* d = response->add_dyads();
    *d->mutable_dyad() = ToProto(row.dyad);
    d->set_article_count(static_cast<int32_t>(row.articles));
    d->set_first_date(FormatIsoDay(row.first_day));
    d->set_last_date(FormatIsoDay(row.last_day));
    d->set_mean_tone(row.articles > 0 ? row.tone_sum / row.articles : 0);
  }
  return log.Done(grpc::Status::OK);
}

grpc::ServerUnaryReactor* ToneServiceImpl::GetArticle(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeOnPool(context, &store_pool_, "GetArticle", request, response,
                     &ToneServiceImpl::HandleGetArticle);
}

grpc::Status ToneServiceImpl::HandleGetArticle(
    grpc::ServerContextBase* context, const v1::GetArticleRequest& request,
    v1::GetArticleResponse* response) {
  ScopedRequestLog log(log_, context, "GetArticle");
  if (grpc::Status denied = Authorize(context, Access::kRead, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  if (request.id().empty()) {
    return log.Done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "id: required"));
  }
  absl::StatusOr<StoredArticle> stored = store_->GetArticle(request.id());
  if (!stored.ok()) return log.Done(ToGrpcStatus(stored.status()));
  if (!response->mutable_score()->ParseFromString(stored->score)) {
    return log.Done(
        grpc::Status(grpc::StatusCode::DATA_LOSS,
                     absl::StrCat("the stored score of \"", request.id(),
                                  "\" cannot be read")));
  }
  response->set_text_fingerprint(stored->text_fingerprint);
  return log.Done(grpc::Status::OK);
}

grpc::Status ToneServiceImpl::GetServerInfo(
    grpc::ServerContext* context, const v1::GetServerInfoRequest* request,
    v1::GetServerInfoResponse* response) {
  (void)request;
  ScopedRequestLog log(log_, context, "GetServerInfo");
  if (grpc::Status denied = Authorize(context, Access::kRead, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  const std::shared_ptr<const Engine> engine = models_->Get();
  const ModelInfo& info = engine->info();
  response->set_version(options_.version);
  response->set_lexicon_version(info.lexicon_version);
  response->set_lexicon_fingerprint(info.lexicon_fingerprint);
  response->set_gazetteer_version(info.gazetteer_version);
  response->set_gazetteer_fingerprint(info.gazetteer_fingerprint);
  response->set_general_lexicon(info.general_lexicon);
  response->set_store_backend(store_->backend());
  response->set_actors(info.actors);
  response->set_organizations(info.organizations);
  response->set_signals(info.signals);
  absl::StatusOr<int64_t> count = store_->CountArticles();
  if (!count.ok()) return log.Done(ToGrpcStatus(count.status()));
  response->set_stored_articles(*count);
  return log.Done(grpc::Status::OK);
}

}  // namespace dyadtone
