// RequestLog and ScopedRequestLog: one JSON object a line, every value
// escaped so that any message parses back to itself, the timestamp in UTC
// to the millisecond, and a request's method, peer, code and duration.

#include "service/server/request_log.h"

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dyadtone {
namespace {

using ::testing::ElementsAre;

// What was written to `f`, one string a line.
std::vector<std::string> Lines(std::FILE* f) {
  std::rewind(f);
  std::vector<std::string> lines;
  std::string line;
  for (int c; (c = std::fgetc(f)) != EOF;) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  EXPECT_EQ(line, "") << "the last line has no newline";
  return lines;
}

std::string Now() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                          absl::UTCTimeZone());
}

TEST(RequestLog, WritesOneObjectALineThatParsesBackToItsValues) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  RequestLog log(f);
  const std::string tricky =
      "quote \" backslash \\ newline \n tab \t cr \r bell \x07 T\xC3\xBCrkiye";
  const std::string before = Now();
  log.Write("error", "reload \"failed\"", {{"error", tricky}, {"file", "a.tsv"}});
  log.Write("info", "serving", {});
  const std::string after = Now();

  const std::vector<std::string> lines = Lines(f);
  ASSERT_EQ(lines.size(), 2u);
  const nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "error");
  EXPECT_EQ(first["msg"], "reload \"failed\"");
  EXPECT_EQ(first["error"], tricky);
  EXPECT_EQ(first["file"], "a.tsv");
  // Fields in the order given, after ts, level and msg.
  EXPECT_EQ(lines[0].rfind("{\"ts\":\"", 0), 0u) << lines[0];
  EXPECT_LT(lines[0].find("\"msg\":"), lines[0].find("\"error\":"));
  EXPECT_LT(lines[0].find("\"error\":"), lines[0].find("\"file\":"));
  // Control characters are escaped, not written raw.
  EXPECT_EQ(lines[0].find('\x07'), std::string::npos);
  EXPECT_NE(lines[0].find("\\u0007"), std::string::npos);

  const std::string ts = first["ts"];
  EXPECT_TRUE(std::regex_match(
      ts, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << ts;
  // The same format as absl::FormatTime's, taken around the writes.
  EXPECT_LE(before, ts);
  EXPECT_LE(ts, after);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "serving");
  std::fclose(f);
}

TEST(ScopedRequestLog, LogsTheMethodPeerCodeDurationAndFields) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  RequestLog log(f);
  {
    ScopedRequestLog ok(&log, nullptr, "GetTrend");
    ok.Add("points", "3653");
    ok.Done(grpc::Status::OK);
  }
  {
    ScopedRequestLog failed(&log, nullptr, "ScoreArticle");
    failed.Done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                             "article.text: invalid UTF-8 at byte 7"));
  }
  const std::vector<std::string> lines = Lines(f);
  ASSERT_EQ(lines.size(), 2u);
  const nlohmann::json ok = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(ok["level"], "info");
  EXPECT_EQ(ok["msg"], "rpc");
  EXPECT_EQ(ok["method"], "GetTrend");
  EXPECT_EQ(ok["peer"], "");
  EXPECT_EQ(ok["code"], "OK");
  EXPECT_EQ(ok["points"], "3653");
  EXPECT_FALSE(ok.contains("error"));
  const std::string ms = ok["ms"];
  EXPECT_TRUE(std::regex_match(ms, std::regex(R"(\d+\.\d{3})"))) << ms;

  const nlohmann::json failed = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(failed["level"], "warn");
  EXPECT_EQ(failed["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(failed["error"], "article.text: invalid UTF-8 at byte 7");
  std::vector<std::string> keys;
  for (const auto& [key, value] : failed.items()) keys.push_back(key);
  // nlohmann::json orders keys by name; all of them, and no others.
  EXPECT_THAT(keys, ElementsAre("code", "error", "level", "method", "ms",
                                "msg", "peer", "ts"));
  std::fclose(f);
}

}  // namespace
}  // namespace dyadtone
