// The dyadtone binary against the real server (in-process, over TCP): every
// subcommand, the three formats and the exit codes.

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(SharedTestEngine(), nullptr);
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    absl::StatusOr<std::unique_ptr<TestServer>> server =
        TestServer::Start(SharedTestEngine(), "cli_" + name_);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  // Runs `dyadtone --target=<server> args...` with `shell_suffix` (e.g.
  // "< file") appended to the command line.
  Result Run(const std::vector<std::string>& args,
             const std::string& shell_suffix = "") {
    std::vector<std::string> quoted = {Quote(DYADTONE_CLI_PATH),
                                       Quote("--target=" + server_->target())};
    for (const std::string& a : args) quoted.push_back(Quote(a));
    const std::string err_path = Temp("stderr");
    const std::string command =
        absl::StrCat("NO_COLOR=1 ", absl::StrJoin(quoted, " "), " ",
                     shell_suffix, " 2>", Quote(err_path));
    Result r;
    std::FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return r;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
      r.out.append(buffer, n);
    }
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = Slurp(err_path);
    return r;
  }

  std::string Temp(const std::string& what) const {
    return absl::StrCat(::testing::TempDir(), "cli_test_", name_, "_", what);
  }

  void IngestExamples() {
    Result r = Run({"ingest", DYADTONE_EXAMPLES_DIR});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  std::string name_;
  std::unique_ptr<TestServer> server_;
};

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST_F(CliTest, IngestPrintsASummary) {
  Result r = Run({"ingest", DYADTONE_EXAMPLES_DIR});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "5 articles: 5 stored, 0 unchanged, 0 replaced, 0 rejected\n");
  EXPECT_EQ(r.err, "");  // no progress bar: stderr is not a terminal
  r = Run({"ingest", "--format=csv", DYADTONE_EXAMPLES_DIR});
  EXPECT_EQ(r.code, 0);
  ASSERT_THAT(Lines(r.out), SizeIs(6));
  EXPECT_EQ(Lines(r.out)[1],
            "0,000_3c450a018ff81334,OUTCOME_UNCHANGED,2023-04-03,PAK-USA,");
}

TEST_F(CliTest, IngestWithARejectionExitsOneAndSaysWhy) {
  const std::string undated = Temp("undated.txt");
  std::ofstream(undated) << "Pakistan and the United States met.";
  Result r = Run({"ingest", undated});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("1 rejected"));
  EXPECT_THAT(
      r.out,
      HasSubstr("cli_test_IngestWithARejectionExitsOneAndSaysWhy_undated"));
  EXPECT_THAT(r.out, HasSubstr("no date found"));
  std::filesystem::remove(undated);
}

TEST_F(CliTest, TrendInEveryFormat) {
  IngestExamples();
  Result r = Run({"trend", "pak", "usa"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_THAT(lines, SizeIs(8)) << r.out;
  EXPECT_THAT(lines[0], HasSubstr("PAK-USA"));
  EXPECT_THAT(lines[1], AllOf(StartsWith("period"), HasSubstr("mean tone"),
                              HasSubstr("95% CI")));
  // One article a month: a mean and no interval.
  EXPECT_THAT(lines[3], AllOf(StartsWith("2021-12 "), HasSubstr(" n/a "),
                              HasSubstr("\xE2\x94\x82")));
  EXPECT_THAT(lines[7], StartsWith("2024-05 "));

  r = Run({"trend", "PAK", "USA", "--format", "csv"});
  EXPECT_EQ(r.code, 0);
  ASSERT_THAT(Lines(r.out), SizeIs(6));
  EXPECT_THAT(Lines(r.out)[1], StartsWith("PAK-USA,2021-12-01,2021-12,1,"));

  r = Run({"--format=json", "trend", "PAK", "USA", "--by=year"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out,
              AllOf(StartsWith("{\"dyad\":{\"a\":\"PAK\",\"b\":\"USA\"}"),
                    HasSubstr("\"periodStart\":\"2023-01-01\""),
                    HasSubstr("\"granularity\":\"GRANULARITY_YEAR\"")));
}

TEST_F(CliTest, TrendWritesAnSvgChart) {
  IngestExamples();
  const std::string svg = Temp("chart.svg");
  Result r = Run({"trend", "PAK", "USA", "--svg", svg, "--by", "quarter"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string chart = Slurp(svg);
  EXPECT_THAT(chart, AllOf(HasSubstr("<svg "), HasSubstr("tone by quarter"),
                           HasSubstr(">2023-Q2<"), HasSubstr("</svg>")));
  r = Run({"trend", "PAK", "USA", "--svg", "-"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("<?xml"));
  std::filesystem::remove(svg);
}

TEST_F(CliTest, ScoreFromStdinStoresNothing) {
  Result r =
      Run({"score", "-", "--format", "csv"},
          absl::StrCat("< ", Quote(absl::StrCat(DYADTONE_EXAMPLES_DIR,
                                                "/002_0669800c25a8c53b.txt"))));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(Lines(r.out)[1],
              StartsWith("stdin,2024-05-22,DATE_SOURCE_DATED_LINE,PAK-USA,"
                         "PAK-USA,"));
  r = Run({"dyads"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "no dyads stored\n");
}

TEST_F(CliTest, DyadsArticleInfoHealth) {
  IngestExamples();
  Result r = Run({"dyads", "--min", "5", "--format", "csv"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(Lines(r.out), ElementsAre("a,b,article_count,first_date,"
                                        "last_date,mean_tone",
                                        StartsWith("PAK,USA,5,2021-12-15,"
                                                   "2024-05-22,")));
  r = Run({"article", "000_3c450a018ff81334", "--evidence"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("2023-04-03 (header)"),
                           HasSubstr("main dyad PAK-USA"),
                           HasSubstr("value our friendship")));
  r = Run({"info", "--format", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("\"storeBackend\":\"sqlite\""),
                           HasSubstr("\"storedArticles\":\"5\"")));
  r = Run({"health"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "SERVING\n");
  server_->server()->grpc_server()->GetHealthCheckService()->SetServingStatus(
      false);
  r = Run({"health", "--format=json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "{\"status\":\"NOT_SERVING\"}\n");
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"trend", "PAK"},
           {"trend", "PAK", "USA", "--by", "decade"},
           {"trend", "PAK", "USA", "--from", "2023-13-01"},
           {"trend", "PAK", "USA", "--smooth"},
           {"dyads", "--svg", "x.svg"},
           {"--format", "xml", "info"},
           {"--timeout", "soon", "info"},
           {"score"},
           {"article"}}) {
    Result r = Run(args);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(args, " ") << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("dyadtone")) << absl::StrJoin(args, " ");
  }
  Result help = Run({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, StartsWith("usage: dyadtone"));
}

TEST_F(CliTest, RpcErrorsExitThreeWithTheCodeName) {
  Result r = Run({"article", "no-such-id"});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND: "));
  r = Run({"trend", "PAK", "XXX"});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: "));
  const std::string target = server_->target();
  server_.reset();
  std::FILE* pipe = popen(
      absl::StrCat("DYADTONE_TARGET=", target, " ", Quote(DYADTONE_CLI_PATH),
                   " health 2>&1; echo \"exit=$?\"")
          .c_str(),
      "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    out.append(buffer, n);
  }
  pclose(pipe);
  EXPECT_THAT(out, AllOf(HasSubstr("UNAVAILABLE: "), HasSubstr("exit=3")));
}

TEST_F(CliTest, MissingFileExitsOne) {
  Result r = Run({"ingest", Temp("does-not-exist")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("does-not-exist"));
  EXPECT_THAT(r.out, Not(HasSubstr("stored")));
}

TEST_F(CliTest, BadTlsAndTokenSettingsSayWhatIsWrong) {
  Result r = Run({"--tls-cert", Temp("client.pem"), "health"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--tls-cert and --tls-key go together"));
  r = Run({"--tls-ca", Temp("no-ca.pem"), "health"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("TLS CA: cannot open " + Temp("no-ca.pem")));
  r = Run({"--token-file", Temp("no-token"), "health"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("token file: cannot open " + Temp("no-token")));
  // A token from the environment that cannot travel in metadata.
  setenv("DYADTONE_TOKEN", "two words", 1);
  r = Run({"health"});
  unsetenv("DYADTONE_TOKEN");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("DYADTONE_TOKEN: character 4"),
                           Not(HasSubstr("two words"))));
  // A token for a server that needs none is harmless, and stays on this
  // machine: no warning.
  setenv("DYADTONE_TOKEN", "0123456789abcdef0123", 1);
  r = Run({"health"});
  unsetenv("DYADTONE_TOKEN");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace dyadtone
