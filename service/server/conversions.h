// Conversions between the engine's types and the dyadtone.v1 messages, and
// the one mapping from absl::Status to grpc::Status.

#ifndef DYADTONE_SERVICE_SERVER_CONVERSIONS_H_
#define DYADTONE_SERVICE_SERVER_CONVERSIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dyadtone/v1/tone_service.pb.h"
#include "grpcpp/support/status.h"
#include "service/engine/engine.h"
#include "service/store/article_store.h"

namespace dyadtone {

// absl and gRPC status codes are the same numbers; this is the one place
// that converts.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The engine's result as the API's message. `article` supplies the id,
// source and URL. FillArticleScore writes into `out`, which may live on an
// arena; `out` must be empty. The server sends and stores the encoded
// bytes below instead; this is their reference (conversions_test), and
// serves a caller that wants the message.
void FillArticleScore(const ArticleResult& result, const v1::Article& article,
                      bool include_evidence, v1::ArticleScore* out);

// The same message's wire bytes, written straight from `result`: byte for
// byte what serializing FillArticleScore()'s message gives, at a fraction
// of the cost (no message is built, and its size need not be computed
// first). EncodeScoreArticleResponse() wraps it as a ScoreArticleResponse.
std::string EncodeArticleScore(const ArticleResult& result,
                               const v1::Article& article,
                               bool include_evidence);
std::string EncodeScoreArticleResponse(const ArticleResult& result,
                                       const v1::Article& article,
                                       bool include_evidence);

// The figures the store keeps per dyad.
std::vector<StoredDyad> ToStoredDyads(const ArticleResult& result);

// Checks a dyad from a request: two ISO 3166-1 alpha-3 codes of actors the
// gazetteer knows, different from each other. Returns the sorted key or
// InvalidArgument naming the field.
absl::StatusOr<DyadKey> DyadFromProto(const v1::Dyad& dyad,
                                      absl::string_view field,
                                      const Engine& engine);

v1::Dyad ToProto(const DyadKey& key);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_CONVERSIONS_H_
