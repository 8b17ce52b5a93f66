// The fixture of the tests that run a real server with TLS or tokens: the
// test certificates (test_certs.h), temporary files removed after each
// test, and a TestServer named after the test. REQUIRES: as test_certs.h.

#ifndef DYADTONE_TESTS_TLS_SERVER_TEST_H_
#define DYADTONE_TESTS_TLS_SERVER_TEST_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_certs.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(SharedTestEngine(), nullptr);
    absl::StatusOr<const TestCerts*> certs = TestCerts::Get();
    ASSERT_THAT(certs, IsOk());
    certs_ = *certs;
  }

  void TearDown() override {
    server_.reset();
    for (const std::string& path : written_) std::filesystem::remove(path);
  }

  // Writes a temporary file, removed after the test; returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) {
    written_.push_back(TestCerts::Write(name, text));
    return written_.back();
  }

  // Starts server_ with `options`; its store is named `prefix` and the
  // test's name.
  void StartTestServer(const ServerOptions& options, absl::string_view prefix) {
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::Start(
        SharedTestEngine(),
        absl::StrCat(
            prefix,
            ::testing::UnitTest::GetInstance()->current_test_info()->name()),
        options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  const TestCerts* certs_ = nullptr;
  std::unique_ptr<TestServer> server_;

 private:
  std::vector<std::string> written_;
};

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_TLS_SERVER_TEST_H_
