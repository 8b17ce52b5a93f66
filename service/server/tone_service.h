// The gRPC handlers of dyadtone.v1.ToneService: thin conversions between
// the API's messages and the engine, the store and the trend builder.

#ifndef DYADTONE_SERVICE_SERVER_TONE_SERVICE_H_
#define DYADTONE_SERVICE_SERVER_TONE_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "dyadtone/v1/tone_service.grpc.pb.h"
#include "grpcpp/support/method_handler.h"
#include "service/engine/engine.h"
#include "service/server/auth.h"
#include "service/server/call_arena.h"
#include "service/server/model_holder.h"
#include "service/server/request_log.h"
#include "service/server/worker_pool.h"
#include "service/store/article_store.h"

namespace dyadtone {

struct ToneServiceOptions {
  // Articles committed to the store in one transaction while ingesting.
  int ingest_batch = 512;
  // Longest accepted article id, in bytes.
  size_t max_id_bytes = 256;
  // Reported by GetServerInfo.
  std::string version = "dev";
  // IngestArticles streams open at once; one more is RESOURCE_EXHAUSTED.
  // Each holds a scoring thread and, while it commits, the store's writer.
  int max_ingest_streams = 16;
  // Threads that score ScoreArticle calls; 0: one a CPU.
  int scoring_threads = 0;
  // A ScoreArticle request of at most this many bytes is scored on the
  // gRPC thread that received it (16 KiB: about 0.1 ms of scoring), not
  // handed to a scoring thread: the hand-over, a wake-up on each side,
  // cost more than the scoring of a news article. Longer ones go to the
  // scoring threads, so that they never hold up the health checks. 0: all
  // go to the scoring threads.
  size_t inline_score_bytes = 16 << 10;
  // Threads that read the store for GetTrend calls.
  int store_threads = 8;
  // Checks the bearer token of each call (auth.h); null: every call is open.
  std::shared_ptr<const TokenHolder> tokens;
};

// Each handler first declares the access it needs (Authorize): IngestArticles
// writes; ScoreArticle stores nothing and is a read like the other calls. A
// new call that writes or administers declares Access::kWrite.
//
// The generated service classes have no synchronous raw flavour; this is
// one for IngestArticles. It replaces `Base`'s handler of the method with
// gRPC's own client-streaming handler over grpc::ByteBuffer messages, which
// calls Derived::IngestArticlesRaw, as the generated
// WithStreamedUnaryMethod_ classes replace theirs (Service::
// MarkMethodStreamed). The server then counts the method as bidirectional
// streaming; it reads a client stream and answers it the same way.
template <typename Derived, typename Base>
class WithRawSyncMethod_IngestArticles : public Base {
 public:
  WithRawSyncMethod_IngestArticles() {
    this->MarkMethodStreamed(
        IngestArticlesMethodIndex(),
        new grpc::internal::ClientStreamingHandler<
            WithRawSyncMethod_IngestArticles, grpc::ByteBuffer,
            grpc::ByteBuffer>(
            [](WithRawSyncMethod_IngestArticles* service,
               grpc::ServerContext* context,
               grpc::ServerReader<grpc::ByteBuffer>* reader,
               grpc::ByteBuffer* response) {
              // A call comes only once Derived is built.
              return static_cast<Derived*>(service)->IngestArticlesRaw(
                  context, reader, response);
            },
            this));
  }

 private:
  static int IngestArticlesMethodIndex() {
    return v1::IngestArticlesRequest::descriptor()
        ->file()
        ->FindServiceByName("ToneService")
        ->FindMethodByName("IngestArticles")
        ->index();
  }
};

// ScoreArticle, GetTrend and GetArticle use gRPC's callback API; their
// requests and responses live on an arena of the call's (call_arena.h), and
// their work runs on worker pools of their own (scoring, and reading the
// store), never on gRPC's few callback threads, which also answer the
// health service. The calls whose requests carry strings (ScoreArticle,
// GetTrend, GetArticle, and each message of IngestArticles) take them raw
// and parse them here (raw_messages.h): a string field that is not UTF-8
// is INVALID_ARGUMENT naming the field, and rejects one message of a
// stream, not the stream. IngestArticles and the other calls use the
// synchronous API and its threads.
class ToneServiceImpl final
    : public v1::ToneService::WithRawCallbackMethod_ScoreArticle<
          v1::ToneService::WithRawCallbackMethod_GetTrend<
              v1::ToneService::WithRawCallbackMethod_GetArticle<
                  WithRawSyncMethod_IngestArticles<
                      ToneServiceImpl, v1::ToneService::Service>>>> {
 public:
  // `models`, `store` and `log` must outlive the service. Every call scores
  // with the engine `models` holds when it starts.
  ToneServiceImpl(const ModelHolder* models, ArticleStore* store,
                  RequestLog* log, ToneServiceOptions options);

  // ScoreArticle: a serialized ScoreArticleRequest in, a serialized
  // ScoreArticleResponse out.
  grpc::ServerUnaryReactor* ScoreArticle(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  // ScoreArticle's work and its log line, apart from the API flavour: the
  // callback handler above finishes the call with its status; in-process
  // callers (the fuzzer) pass any context. `response` receives the
  // serialized ScoreArticleResponse, written straight from the engine's
  // result (EncodeScoreArticleResponse).
  grpc::Status HandleScoreArticle(grpc::ServerContextBase* context,
                                  const v1::ScoreArticleRequest& request,
                                  std::string* response);
  // IngestArticles: reads IngestArticlesRequest messages, answers one
  // serialized IngestArticlesResponse in `response`.
  grpc::Status IngestArticlesRaw(grpc::ServerContext* context,
                                 grpc::ServerReader<grpc::ByteBuffer>* reader,
                                 grpc::ByteBuffer* response);
  // GetTrend, serialized as ScoreArticle.
  grpc::ServerUnaryReactor* GetTrend(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  // GetTrend's work and its log line, as HandleScoreArticle.
  grpc::Status HandleGetTrend(grpc::ServerContextBase* context,
                              const v1::GetTrendRequest& request,
                              v1::GetTrendResponse* response);
  grpc::Status ListDyads(grpc::ServerContext* context,
                         const v1::ListDyadsRequest* request,
                         v1::ListDyadsResponse* response) override;
  // GetArticle, serialized as ScoreArticle.
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  // GetArticle's work and its log line, as HandleScoreArticle.
  grpc::Status HandleGetArticle(grpc::ServerContextBase* context,
                                const v1::GetArticleRequest& request,
                                v1::GetArticleResponse* response);
  grpc::Status GetServerInfo(grpc::ServerContext* context,
                             const v1::GetServerInfoRequest* request,
                             v1::GetServerInfoResponse* response) override;

 private:
  // OK when the call may go ahead; UNAUTHENTICATED (and the reason in the
  // log, never the token) otherwise. Logs which token line matched.
  grpc::Status Authorize(grpc::ServerContextBase* context, Access access,
                         ScopedRequestLog* log) const;

  // Scores one article for ingestion: the record to store, or why not.
  // Sets *main_dyad to the article's main dyad, if it has one.
  absl::StatusOr<StoredArticle> Prepare(const Engine& engine,
                                        const v1::Article& article,
                                        std::optional<DyadKey>* main_dyad) const;
  // Scores `article` with the caller's date, if any.
  absl::StatusOr<ArticleResult> Score(const Engine& engine,
                                      const v1::Article& article,
                                      const std::vector<DyadKey>& dyads) const;
  absl::Status Trend(const v1::GetTrendRequest& request,
                     v1::GetTrendResponse* response);

  // A Handle* method: the call's work and its log line.
  template <typename Request, typename Response>
  using Handler = grpc::Status (ToneServiceImpl::*)(grpc::ServerContextBase*,
                                                    const Request&, Response*);

  // On `pool`, or on the calling thread when `raw_request` is at most
  // `inline_bytes` long (work too short to be worth a hand-over to another
  // thread and back; 0: always on `pool`, even an empty request): parses
  // `raw_request` as a Request, runs `handle` (which returns the call's
  // status, and logs it), serializes the response into `raw_response` and
  // finishes the call. Both messages live on an arena of the call's; a
  // Response of std::string is the response already serialized, which
  // `raw_response` takes over without a copy. A request that does not parse
  // is INVALID_ARGUMENT naming the field; a call cancelled or past its
  // deadline while it waited is CANCELLED without running `handle`. Both
  // are logged under `method` (a literal).
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* ServeOnPool(grpc::CallbackServerContext* context,
                                        WorkerPool* pool,
                                        absl::string_view method,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response,
                                        Handler<Request, Response> handle,
                                        size_t inline_bytes = 0);

  const ModelHolder* const models_;
  std::atomic<int> ingest_streams_{0};
  ArticleStore* const store_;
  RequestLog* const log_;
  const ToneServiceOptions options_;
  // Last: destroyed first, they finish the work queued on them while the
  // rest of the service is still there.
  WorkerPool scoring_pool_;
  WorkerPool store_pool_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_TONE_SERVICE_H_
