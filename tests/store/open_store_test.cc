#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/store/article_store.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

TEST(OpenStoreTest, OpensSqliteFiles) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ArticleStore>> store =
      OpenStore("sqlite:" + dir.File("store.db"));
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ((*store)->backend(), "sqlite");
}

TEST(OpenStoreTest, RejectsWhatItCannotOpen) {
  const struct {
    std::string url;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"", absl::StatusCode::kInvalidArgument, "unknown store URL"},
      {"sqlite:", absl::StatusCode::kInvalidArgument, "no file path"},
      {"/var/lib/dyadtone.db", absl::StatusCode::kInvalidArgument,
       "expected sqlite:PATH"},
      {"mysql://host/db", absl::StatusCode::kInvalidArgument,
       "unknown store URL \"mysql://host/db\""},
      {"SQLITE:x.db", absl::StatusCode::kInvalidArgument, "unknown"},
      // Nothing listens on port 1 of the loopback interface.
      {"postgresql://user@127.0.0.1:1/dyadtone", absl::StatusCode::kUnavailable,
       "postgresql store postgresql://user@127.0.0.1:1/dyadtone: cannot "
       "connect"},
      {"postgres://127.0.0.1:1/dyadtone", absl::StatusCode::kUnavailable,
       "postgresql store postgres://127.0.0.1:1/dyadtone"},
      {"postgresql://user:pw@127.0.0.1:1/db?nonsense=1",
       absl::StatusCode::kInvalidArgument, "user:***@127.0.0.1:1"},
      {"sqlite:/nonexistent-dyadtone-dir/store.db",
       absl::StatusCode::kUnavailable, "nonexistent-dyadtone-dir"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(OpenStore(c.url), StatusIs(c.code, HasSubstr(c.message)))
        << c.url;
  }
}

}  // namespace
}  // namespace dyadtone
