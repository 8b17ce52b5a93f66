// TLS, mutual TLS and bearer tokens through real servers (in-process, over
// loopback TCP) and gRPC's own client: what connects, what is refused and
// with which code, which calls need a token, the startup errors, and that
// no token reaches the log. Certificates: tests/make_test_certs.sh.

#include "service/server/security.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"
#include "tests/tls_server_test.h"

namespace dyadtone {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "3f1c0d7e9a4b6c25e8f1a0b9c7d6e5f4-writer";
constexpr char kSecondToken[] = "b7e6a5f4c3d2e1f0a9b8c7d6e5f4a3b2-rotated";
constexpr char kWrongToken[] = "00000000000000000000000000000000-wrong";
constexpr char kArticle[] =
    "date 2024-05-01\n"
    "Pakistan and the United States reaffirmed their commitment to "
    "strengthening bilateral relations.\n";
constexpr absl::Duration kCallTimeout = absl::Seconds(20);

struct ClientTls {
  std::string ca;    // file name in the certificates' directory
  std::string cert;  // client certificate, with `key`; empty: none
  std::string key;
  std::string server_name;  // empty: the target's host
};

class SecurityTest : public TlsServerTest {
 protected:
  void SetUp() override {
    TlsServerTest::SetUp();
    token_file_ = WriteFile("tokens.txt",
                            absl::StrCat("# test tokens\n", kToken, "\n",
                                         kSecondToken, "  # the new one\n"));
  }

  // Starts a server with `security`; certificate names are file names in
  // the certificates' directory.
  void StartServer(SecurityOptions security) {
    for (std::string* f : {&security.tls_cert_file, &security.tls_key_file,
                           &security.tls_client_ca_file}) {
      if (!f->empty()) *f = certs_->Path(*f);
    }
    ServerOptions options;
    options.security = std::move(security);
    StartTestServer(options, "security_");
  }

  SecurityOptions Tls() {
    SecurityOptions s;
    s.tls_cert_file = "server.pem";
    s.tls_key_file = "server.key";
    return s;
  }
  SecurityOptions Tokens(ReadAccess reads = ReadAccess::kOpen) {
    SecurityOptions s;
    s.auth_token_file = token_file_;
    s.auth_reads = reads;
    return s;
  }

  std::shared_ptr<grpc::Channel> Plaintext() {
    return grpc::CreateChannel(server_->target(),
                               grpc::InsecureChannelCredentials());
  }
  std::shared_ptr<grpc::Channel> Secure(const ClientTls& tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = certs_->Read(tls.ca);
    if (!tls.cert.empty()) {
      ssl.pem_cert_chain = certs_->Read(tls.cert);
      ssl.pem_private_key = certs_->Read(tls.key);
    }
    grpc::ChannelArguments args;
    if (!tls.server_name.empty()) {
      args.SetSslTargetNameOverride(tls.server_name);
    }
    return grpc::CreateCustomChannel(server_->target(),
                                     grpc::SslCredentials(ssl), args);
  }

  static void Prepare(grpc::ClientContext* context, const std::string& token) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
    if (!token.empty()) {
      context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
  }

  static grpc::Status Score(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& token = "") {
    grpc::ClientContext context;
    Prepare(&context, token);
    v1::ScoreArticleRequest request;
    request.mutable_article()->set_text(kArticle);
    v1::ScoreArticleResponse response;
    grpc::Status s = v1::ToneService::NewStub(channel)->ScoreArticle(
        &context, request, &response);
    if (s.ok()) EXPECT_GT(response.score().dyads_size(), 0);
    return s;
  }

  // GetTrend PAK-USA by month; *points gets the number of points.
  static grpc::Status Trend(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& token = "",
                            int* points = nullptr) {
    grpc::ClientContext context;
    Prepare(&context, token);
    v1::GetTrendRequest request;
    request.mutable_dyad()->set_a("PAK");
    request.mutable_dyad()->set_b("USA");
    v1::GetTrendResponse response;
    grpc::Status s = v1::ToneService::NewStub(channel)->GetTrend(
        &context, request, &response);
    if (points != nullptr) *points = response.points_size();
    return s;
  }

  // Ingests kArticle as `id`; *stored gets the response's stored count.
  static grpc::Status Ingest(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& token,
                             const std::string& id = "a1",
                             int* stored = nullptr) {
    grpc::ClientContext context;
    Prepare(&context, token);
    v1::IngestArticlesResponse response;
    auto writer =
        v1::ToneService::NewStub(channel)->IngestArticles(&context, &response);
    v1::IngestArticlesRequest request;
    request.mutable_article()->set_id(id);
    request.mutable_article()->set_text(kArticle);
    writer->Write(request);  // fails when the server has already refused
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (stored != nullptr) *stored = response.stored();
    return s;
  }

  static grpc::Status Health(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    Prepare(&context, "");
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status s = grpc::health::v1::Health::NewStub(channel)->Check(
        &context, grpc::health::v1::HealthCheckRequest(), &response);
    if (s.ok()) {
      EXPECT_EQ(response.status(),
                grpc::health::v1::HealthCheckResponse::SERVING);
    }
    return s;
  }

  std::string token_file_;
};

MATCHER_P(HasCode, code, "") {
  *result_listener << "status " << arg.error_code() << ": "
                   << arg.error_message();
  return arg.error_code() == code;
}
MATCHER_P2(HasCodeAndMessage, code, message, "") {
  *result_listener << "status " << arg.error_code() << ": "
                   << arg.error_message();
  return arg.error_code() == code &&
         arg.error_message().find(message) != std::string::npos;
}
const auto kOk = HasCode(grpc::StatusCode::OK);
const auto kUnavailable = HasCode(grpc::StatusCode::UNAVAILABLE);

TEST_F(SecurityTest, TlsServesScoreAndTrend) {
  StartServer(Tls());
  const auto channel = Secure({"ca.pem"});
  EXPECT_THAT(Score(channel), kOk);
  EXPECT_THAT(Ingest(channel, ""), kOk);
  int points = 0;
  EXPECT_THAT(Trend(channel, "", &points), kOk);
  EXPECT_EQ(points, 1);
  EXPECT_THAT(Health(channel), kOk);
  // The certificate names localhost too.
  EXPECT_THAT(Score(Secure({"ca.pem", "", "", "localhost"})), kOk);
}

TEST_F(SecurityTest, TlsRefusesPlaintextAndUntrustingClients) {
  StartServer(Tls());
  EXPECT_THAT(Score(Plaintext()), kUnavailable);
  EXPECT_THAT(Health(Plaintext()), kUnavailable);
  // A client that trusts another CA, or wants another name.
  EXPECT_THAT(Score(Secure({"other-ca.pem"})), kUnavailable);
  EXPECT_THAT(Score(Secure({"ca.pem", "", "", "dyadtone.example.org"})),
              kUnavailable);
}

TEST_F(SecurityTest, MutualTlsNeedsAClientCertificateOfTheClientCa) {
  SecurityOptions security = Tls();
  security.tls_client_ca_file = "ca.pem";
  StartServer(security);
  EXPECT_THAT(Score(Secure({"ca.pem", "client.pem", "client.key"})), kOk);
  EXPECT_THAT(Trend(Secure({"ca.pem", "client.pem", "client.key"})), kOk);
  EXPECT_THAT(Health(Secure({"ca.pem", "client.pem", "client.key"})), kOk);
  EXPECT_THAT(Score(Secure({"ca.pem"})), kUnavailable);
  EXPECT_THAT(Score(Secure({"ca.pem", "wrong-client.pem", "wrong-client.key"})),
              kUnavailable);
  EXPECT_THAT(Score(Plaintext()), kUnavailable);
}

TEST_F(SecurityTest, WritesNeedTheToken) {
  StartServer(Tokens());
  const auto channel = Plaintext();
  EXPECT_THAT(Ingest(channel, ""),
              HasCodeAndMessage(grpc::StatusCode::UNAUTHENTICATED,
                                "missing authorization: Bearer metadata"));
  EXPECT_THAT(Ingest(channel, kWrongToken),
              HasCodeAndMessage(grpc::StatusCode::UNAUTHENTICATED,
                                "invalid bearer token"));
  int stored = 0;
  EXPECT_THAT(Ingest(channel, kToken, "a1", &stored), kOk);
  EXPECT_EQ(stored, 1);
  // Either token of the file works: clients can move to the new one.
  EXPECT_THAT(Ingest(channel, kSecondToken, "a2", &stored), kOk);
  EXPECT_EQ(stored, 1);
  // Reads stay open by default; ScoreArticle is a read.
  EXPECT_THAT(Score(channel), kOk);
  int points = 0;
  EXPECT_THAT(Trend(channel, "", &points), kOk);
  EXPECT_EQ(points, 1);
  EXPECT_THAT(Health(channel), kOk);
}

TEST_F(SecurityTest, ClosedReadsNeedTheTokenButHealthStaysOpen) {
  StartServer(Tokens(ReadAccess::kToken));
  const auto channel = Plaintext();
  EXPECT_THAT(Trend(channel),
              HasCodeAndMessage(grpc::StatusCode::UNAUTHENTICATED,
                                "missing authorization: Bearer metadata"));
  EXPECT_THAT(Score(channel), HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Trend(channel, kWrongToken),
              HasCodeAndMessage(grpc::StatusCode::UNAUTHENTICATED,
                                "invalid bearer token"));
  EXPECT_THAT(Trend(channel, kToken), kOk);
  EXPECT_THAT(Score(channel, kSecondToken), kOk);
  EXPECT_THAT(Health(channel), kOk);
}

TEST_F(SecurityTest, TlsAndTokensTogether) {
  SecurityOptions security = Tls();
  security.auth_token_file = token_file_;
  StartServer(security);
  const auto channel = Secure({"ca.pem"});
  EXPECT_THAT(Ingest(channel, ""), HasCode(grpc::StatusCode::UNAUTHENTICATED));
  int stored = 0;
  EXPECT_THAT(Ingest(channel, kToken, "a1", &stored), kOk);
  EXPECT_EQ(stored, 1);
  int points = 0;
  EXPECT_THAT(Trend(channel, "", &points), kOk);
  EXPECT_EQ(points, 1);
}

// Calls `method` of ToneService with an empty request message (valid for
// every request type) through a generic stub.
grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  grpc::Slice empty("");
  const grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

// Every method of the service, as the proto declares them: a new method
// whose handler forgets to declare its access shows up here.
std::vector<std::string> ToneServiceMethods() {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::ToneService::service_full_name());
  std::vector<std::string> methods;
  EXPECT_NE(service, nullptr);
  if (service == nullptr) return methods;
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_FALSE(service->method(i)->server_streaming())
        << "a unary generic call cannot test " << service->method(i)->name();
    methods.push_back(absl::StrCat("/", service->full_name(), "/",
                                   service->method(i)->name()));
  }
  EXPECT_GE(methods.size(), 6u);
  return methods;
}

TEST_F(SecurityTest, EveryMethodDeclaresItsAccess) {
  // Reads open: only the writes refuse a call without a token.
  StartServer(Tokens(ReadAccess::kOpen));
  std::vector<std::string> refused;
  for (const std::string& method : ToneServiceMethods()) {
    const grpc::Status s = CallWithEmptyRequest(Plaintext(), method);
    EXPECT_NE(s.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      refused.push_back(method);
    }
  }
  EXPECT_THAT(refused, ::testing::ElementsAre(
                           "/dyadtone.v1.ToneService/IngestArticles"));

  // Reads closed: every ToneService method refuses it.
  server_.reset();
  StartServer(Tokens(ReadAccess::kToken));
  for (const std::string& method : ToneServiceMethods()) {
    EXPECT_THAT(CallWithEmptyRequest(Plaintext(), method),
                HasCode(grpc::StatusCode::UNAUTHENTICATED))
        << method;
  }
  EXPECT_THAT(Health(Plaintext()), kOk);
}

TEST_F(SecurityTest, TheLogHasTheOutcomeButNeverTheToken) {
  StartServer(Tokens(ReadAccess::kToken));
  const auto channel = Plaintext();
  EXPECT_THAT(Ingest(channel, kWrongToken),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Trend(channel, kWrongToken),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Ingest(channel, kToken), kOk);
  EXPECT_THAT(Trend(channel, kSecondToken), kOk);
  const std::string log = server_->LogText();
  EXPECT_THAT(log, AllOf(HasSubstr("\"code\":\"UNAUTHENTICATED\""),
                         HasSubstr("invalid bearer token"),
                         HasSubstr("\"token_line\":\"2\""),
                         HasSubstr("\"token_line\":\"3\"")));
  for (const char* secret : {kToken, kSecondToken, kWrongToken}) {
    EXPECT_THAT(log, Not(HasSubstr(secret)));
    // Not even a long piece of it.
    EXPECT_THAT(log, Not(HasSubstr(std::string(secret).substr(4, 16))));
  }
  EXPECT_THAT(log, Not(HasSubstr("\"authorization\"")));
}

TEST_F(SecurityTest, BadSettingsAndFilesAreStartupErrorsNamingThem) {
  const std::string garbage = WriteFile("garbage.pem", "not a PEM file\n");
  std::string damaged = certs_->Read("server.pem");
  damaged.replace(damaged.find('\n') + 10, 20, "!!!!!!!!!!!!!!!!!!!!");
  const std::string damaged_pem = WriteFile("damaged.pem", damaged);
  const std::string empty_tokens = WriteFile("empty-tokens.txt", "# none\n");
  struct Case {
    std::string name;
    SecurityOptions options;
    std::string message;
  };
  const std::string dir = certs_->Path("");
  std::vector<Case> cases = {
      {"cert without key",
       {dir + "server.pem", "", "", "", ReadAccess::kOpen},
       "server.pem without its key"},
      {"key without cert",
       {"", dir + "server.key", "", "", ReadAccess::kOpen},
       "server.key without a certificate"},
      {"client CA without TLS",
       {"", "", dir + "ca.pem", "", ReadAccess::kOpen},
       "--tls-client-ca needs TLS"},
      {"closed reads without tokens",
       {"", "", "", "", ReadAccess::kToken},
       "--auth-reads=token needs --auth-token-file"},
      {"missing cert",
       {dir + "nope.pem", dir + "server.key", "", "", ReadAccess::kOpen},
       "TLS certificate: cannot open " + dir + "nope.pem"},
      {"missing key",
       {dir + "server.pem", dir + "nope.key", "", "", ReadAccess::kOpen},
       "TLS key: cannot open " + dir + "nope.key"},
      {"garbage cert",
       {garbage, dir + "server.key", "", "", ReadAccess::kOpen},
       garbage + ": no PEM certificate"},
      {"damaged cert",
       {damaged_pem, dir + "server.key", "", "", ReadAccess::kOpen},
       damaged_pem + ": a damaged PEM certificate"},
      {"cert as key",
       {dir + "server.pem", dir + "server.pem", "", "", ReadAccess::kOpen},
       "TLS key " + dir + "server.pem: no readable PEM private key"},
      {"another key",
       {dir + "server.pem", dir + "client.key", "", "", ReadAccess::kOpen},
       "client.key is not the key of the TLS certificate"},
      {"expired cert",
       {dir + "expired.pem", dir + "server.key", "", "", ReadAccess::kOpen},
       "expired.pem: the certificate expired on"},
      {"garbage client CA",
       {dir + "server.pem", dir + "server.key", garbage, "", ReadAccess::kOpen},
       "TLS client CA " + garbage + ": no PEM certificate"},
      {"missing token file",
       {"", "", "", dir + "nope.txt", ReadAccess::kOpen},
       "token file: cannot open " + dir + "nope.txt"},
      {"empty token file",
       {"", "", "", empty_tokens, ReadAccess::kOpen},
       empty_tokens + ": no token"},
  };
  for (const Case& c : cases) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.security = c.options;
    RequestLog log(stderr);
    ModelHolder models(EngineOptions(),
                       std::shared_ptr<const Engine>(
                           std::shared_ptr<const Engine>(), SharedTestEngine()));
    absl::StatusOr<std::unique_ptr<DyadtoneServer>> server =
        DyadtoneServer::Start(options, &models, nullptr, &log,
                              ToneServiceOptions());
    ASSERT_FALSE(server.ok()) << c.name;
    EXPECT_THAT(std::string(server.status().message()), HasSubstr(c.message))
        << c.name;
    // What dyadtoned checks before it opens the store.
    EXPECT_THAT(CheckSecurityOptions(c.options),
                StatusIs(server.status().code(), HasSubstr(c.message)))
        << c.name;
  }
}

}  // namespace
}  // namespace dyadtone
