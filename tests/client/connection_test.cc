// OpenChannel, the token file and ToneClient's bearer token against real
// servers (in-process, over loopback TCP) with TLS, mutual TLS and tokens.
// Certificates: tests/make_test_certs.sh.

#include "client/connection.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/tone_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"
#include "tests/tls_server_test.h"

namespace dyadtone {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "c0ffee00c0ffee00c0ffee00-client-test";
constexpr char kArticle[] =
    "date 2023-06-01\n"
    "Pakistan and the United States reaffirmed their commitment to "
    "strengthening bilateral relations.\n";

class ConnectionTest : public TlsServerTest {
 protected:
  // A server with TLS and a token file; mutual TLS if `client_ca`.
  void StartServer(bool client_ca) {
    ServerOptions options;
    options.security.tls_cert_file = certs_->Path("server.pem");
    options.security.tls_key_file = certs_->Path("server.key");
    if (client_ca) options.security.tls_client_ca_file = certs_->Path("ca.pem");
    options.security.auth_token_file =
        WriteFile("tokens.txt", absl::StrCat(kToken, "\n"));
    StartTestServer(options, "connection_");
  }

  ConnectionOptions WithCa() const {
    ConnectionOptions o;
    o.tls_ca_file = certs_->Path("ca.pem");
    return o;
  }

  std::unique_ptr<ToneClient> Client(const ConnectionOptions& options,
                                     const std::string& token) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        OpenChannel(server_->target(), options);
    EXPECT_THAT(channel, IsOk());
    if (!channel.ok()) return nullptr;
    return std::make_unique<ToneClient>(*channel, absl::Seconds(20), token);
  }

  static absl::StatusOr<v1::IngestArticlesResponse> IngestOne(
      const ToneClient& client) {
    v1::Article a;
    a.set_id("one");
    a.set_text(kArticle);
    return client.Ingest(std::vector<v1::Article>{a});
  }

  static absl::StatusOr<v1::GetTrendResponse> Trend(const ToneClient& client) {
    v1::GetTrendRequest request;
    request.mutable_dyad()->set_a("USA");
    request.mutable_dyad()->set_b("PAK");
    return client.GetTrend(request);
  }

};

TEST_F(ConnectionTest, TlsWithTheTokenIngestsAndReads) {
  StartServer(/*client_ca=*/false);
  std::unique_ptr<ToneClient> client = Client(WithCa(), kToken);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<v1::IngestArticlesResponse> ingested = IngestOne(*client);
  ASSERT_THAT(ingested, IsOk());
  EXPECT_EQ(ingested->stored(), 1);
  absl::StatusOr<v1::GetTrendResponse> trend = Trend(*client);
  ASSERT_THAT(trend, IsOk());
  ASSERT_EQ(trend->points_size(), 1);
  EXPECT_EQ(trend->points(0).period_start(), "2023-06-01");
  EXPECT_THAT(client->Health(), IsOk());

  // The server name override: the certificate names localhost.
  ConnectionOptions by_name = WithCa();
  by_name.tls_server_name = "localhost";
  EXPECT_THAT(Trend(*Client(by_name, "")), IsOk());
}

TEST_F(ConnectionTest, WithoutTheTokenWritesAreRefused) {
  StartServer(/*client_ca=*/false);
  EXPECT_THAT(IngestOne(*Client(WithCa(), "")),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       "missing authorization: Bearer metadata"));
  EXPECT_THAT(
      IngestOne(*Client(WithCa(), "not-the-token-at-all")),
      StatusIs(absl::StatusCode::kUnauthenticated, "invalid bearer token"));
  // Plaintext to a TLS server fails to connect.
  ConnectionOptions plaintext;
  EXPECT_THAT(Trend(*Client(plaintext, kToken)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  // --tls alone trusts the system's CAs, which did not sign this server.
  ConnectionOptions system_roots;
  system_roots.tls = true;
  EXPECT_THAT(Trend(*Client(system_roots, kToken)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_F(ConnectionTest, MutualTlsWithAClientCertificate) {
  StartServer(/*client_ca=*/true);
  ConnectionOptions with_cert = WithCa();
  with_cert.tls_cert_file = certs_->Path("client.pem");
  with_cert.tls_key_file = certs_->Path("client.key");
  std::unique_ptr<ToneClient> client = Client(with_cert, kToken);
  EXPECT_THAT(IngestOne(*client), IsOk());
  EXPECT_THAT(Trend(*client), IsOk());
  EXPECT_THAT(Trend(*Client(WithCa(), kToken)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  ConnectionOptions wrong_cert = WithCa();
  wrong_cert.tls_cert_file = certs_->Path("wrong-client.pem");
  wrong_cert.tls_key_file = certs_->Path("wrong-client.key");
  EXPECT_THAT(Trend(*Client(wrong_cert, kToken)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_F(ConnectionTest, BadTlsOptionsAreErrorsNamingTheFile) {
  struct Case {
    std::string name;
    ConnectionOptions options;
    std::string message;
  };
  const std::string dir = certs_->Path("");
  const std::vector<Case> cases = {
      {"cert without key",
       {false, "", dir + "client.pem", "", "", 0},
       "a client certificate needs its key"},
      {"key without cert",
       {false, "", "", dir + "client.key", "", 0},
       "a client certificate needs its key"},
      {"missing CA",
       {false, dir + "nope.pem", "", "", "", 0},
       "TLS CA: cannot open " + dir + "nope.pem"},
      {"key as CA",
       {false, dir + "ca.key", "", "", "", 0},
       "TLS CA " + dir + "ca.key: no PEM block ending in \"CERTIFICATE-----\""},
      {"cert as key",
       {false, "", dir + "client.pem", dir + "client.pem", "", 0},
       "TLS key " + dir + "client.pem: no PEM block ending in \"PRIVATE KEY"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        OpenChannel("127.0.0.1:1", c.options);
    ASSERT_FALSE(channel.ok()) << c.name;
    EXPECT_THAT(std::string(channel.status().message()), HasSubstr(c.message))
        << c.name;
  }
}

TEST(ClientTokenFileTest, TheFirstTokenOfTheServersFormat) {
  const std::string path = TestCerts::Write(
      "client-tokens.txt",
      "# the tokens\n\n  abcdefghijklmnop1234  # newest\nsecond-token-xyz\n");
  EXPECT_THAT(ReadTokenFile(path), IsOk());
  EXPECT_EQ(*ReadTokenFile(path), "abcdefghijklmnop1234");
  TestCerts::Write("client-tokens.txt", "# none here\n");
  EXPECT_THAT(ReadTokenFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(path), HasSubstr("no token"))));
  TestCerts::Write("client-tokens.txt", "secret\x01token\n");
  absl::StatusOr<std::string> bad = ReadTokenFile(path);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("character 7 of the token")));
  EXPECT_THAT(std::string(bad.status().message()), Not(HasSubstr("secret")));
  std::filesystem::remove(path);
  EXPECT_THAT(
      ReadTokenFile(path),
      StatusIs(absl::StatusCode::kNotFound,
               AllOf(HasSubstr("token file: cannot open"), HasSubstr(path))));
}

TEST(LocalTargetTest, LoopbackAndUnixSocketsAreLocal) {
  for (const char* t :
       {"127.0.0.1:50051", "localhost:1", "LOCALHOST:1", "[::1]:50051",
        "dns:///localhost:50051", "ipv4:127.0.0.2:9", "unix:/run/dyadtone.sock",
        "localhost"}) {
    EXPECT_TRUE(IsLocalTarget(t)) << t;
  }
  for (const char* t :
       {"10.0.0.1:50051", "db.example.org:443", "dns:///db.example.org:50051",
        "[2001:db8::1]:50051", "localhost.example.org:1"}) {
    EXPECT_FALSE(IsLocalTarget(t)) << t;
  }
}

}  // namespace
}  // namespace dyadtone
