// Certificates and token files for the security tests. The certificates are
// made by tests/make_test_certs.sh with the openssl command: once per CTest
// run into DYADTONE_TEST_CERTS_DIR (the make_test_certs fixture), or, when
// that directory has none (a test binary run by hand), once per process into
// a temporary directory (left there). REQUIRES: the test target defines
// DYADTONE_MAKE_CERTS (the script) and DYADTONE_TEST_CERTS_DIR.

#ifndef DYADTONE_TESTS_TEST_CERTS_H_
#define DYADTONE_TESTS_TEST_CERTS_H_

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/engine/spec_reader.h"

namespace dyadtone {

class TestCerts {
 public:
  // The files of make_test_certs.sh.
  static absl::StatusOr<const TestCerts*> Get() {
    static const absl::StatusOr<TestCerts>* certs =
        new absl::StatusOr<TestCerts>(Make());
    if (!certs->ok()) return certs->status();
    return &**certs;
  }

  // The path of one of the files, e.g. Path("server.pem").
  std::string Path(const std::string& name) const {
    return absl::StrCat(dir_, "/", name);
  }
  // The content of one of the files.
  std::string Read(const std::string& name) const {
    std::string text;
    EXPECT_TRUE(ReadFileToString(Path(name), &text).ok()) << name;
    return text;
  }
  // Writes `text` to a temporary file of this process (tests run in
  // parallel processes that share the certificates) and returns its path.
  static std::string Write(const std::string& name, const std::string& text) {
    const std::string path =
        absl::StrCat(::testing::TempDir(), "dyadtone_", ::getpid(), "_", name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  static absl::StatusOr<TestCerts> Make() {
    TestCerts certs;
    certs.dir_ = DYADTONE_TEST_CERTS_DIR;
    if (std::filesystem::exists(certs.Path("wrong-client.pem"))) return certs;
    certs.dir_ =
        absl::StrCat(::testing::TempDir(), "dyadtone_certs_", ::getpid());
    std::filesystem::remove_all(certs.dir_);
    const std::string log = certs.dir_ + ".log";
    const std::string command = absl::StrCat("sh '", DYADTONE_MAKE_CERTS, "' '",
                                             certs.dir_, "' >'", log, "' 2>&1");
    if (std::system(command.c_str()) != 0) {
      std::string output;
      (void)ReadFileToString(log, &output);
      return absl::InternalError(absl::StrCat(
          "make_test_certs.sh failed (is openssl installed?): ", output));
    }
    std::filesystem::remove(log);
    return certs;
  }

  std::string dir_;
};

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_TEST_CERTS_H_
