#include "client/article_files.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;

class ArticleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) /
            (std::string("article_files_") + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes `content` to root/relative, creating folders.
  std::string Write(const std::string& relative,
                    const std::string& content = " date 2023-04-03 text") {
    const fs::path p = root_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string Path(const std::string& relative) const {
    return (root_ / relative).string();
  }

  fs::path root_;
};

std::vector<std::string> Ids(const std::vector<ArticleFile>& files) {
  std::vector<std::string> ids;
  for (const ArticleFile& f : files) ids.push_back(f.id);
  return ids;
}

TEST_F(ArticleFilesTest, FolderIsWalkedRecursivelyInSortedOrder) {
  Write("b.txt");
  Write("a.txt");
  Write("sub/deeper/d.md");
  Write("sub/c.txt");
  Write("sub/no_extension");
  Write("a2.txt");
  absl::StatusOr<std::vector<ArticleFile>> files =
      ListArticleFiles({root_.string()});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(Ids(*files), ElementsAre("a", "a2", "b", "sub/c", "sub/deeper/d",
                                       "sub/no_extension"));
  EXPECT_EQ((*files)[3].path, Path("sub/c.txt"));
}

TEST_F(ArticleFilesTest, HiddenFilesAndFoldersAreSkipped) {
  Write("visible.txt");
  Write(".hidden.txt");
  Write(".git/objects/x.txt");
  Write("sub/.cache/y.txt");
  Write("sub/z.txt");
  absl::StatusOr<std::vector<ArticleFile>> files =
      ListArticleFiles({root_.string()});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(Ids(*files), ElementsAre("sub/z", "visible"));
}

TEST_F(ArticleFilesTest, FileNamedDirectlyIsItsNameWithoutExtension) {
  const std::string a = Write("deep/folder/2023-04-03.txt");
  const std::string b = Write("x.y.txt");
  const std::string c = Write(".explicitly_named.txt");
  absl::StatusOr<std::vector<ArticleFile>> files = ListArticleFiles({a, b, c});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(Ids(*files),
              ElementsAre("2023-04-03", "x.y", ".explicitly_named"));
}

TEST_F(ArticleFilesTest, KeepsArgumentOrderAcrossPaths) {
  Write("folder/b.txt");
  Write("folder/a.txt");
  const std::string z = Write("z.txt");
  absl::StatusOr<std::vector<ArticleFile>> files =
      ListArticleFiles({z, Path("folder"), "-"});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(Ids(*files), ElementsAre("z", "a", "b", "stdin"));
  EXPECT_EQ(files->back().path, "-");
}

TEST_F(ArticleFilesTest, MissingPathIsNotFound) {
  EXPECT_THAT(ListArticleFiles({Path("nope.txt")}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope.txt")));
  EXPECT_THAT(ReadArticles({Path("nope")}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
}

TEST_F(ArticleFilesTest, TwoFilesWithOneIdAreAnError) {
  const std::string a = Write("one/same.txt");
  const std::string b = Write("two/same.md");
  EXPECT_THAT(
      ListArticleFiles({a, b}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"same\"")));
  EXPECT_THAT(
      ListArticleFiles({"-", "-"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"stdin\"")));
  // In a folder walk the relative path keeps them apart.
  EXPECT_THAT(ListArticleFiles({root_.string()}), IsOk());
}

TEST_F(ArticleFilesTest, EmptyFolderHasNoFiles) {
  fs::create_directories(root_ / "empty");
  absl::StatusOr<std::vector<ArticleFile>> files =
      ListArticleFiles({Path("empty")});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(*files, IsEmpty());
}

TEST_F(ArticleFilesTest, ReadsTextAsItIsAndLeavesTheDateToTheServer) {
  const std::string seed =
      " date 2023-04-03 Pakistan has reached out.\n\n\xC3\xA9";
  const std::string path = Write("seed.txt", seed);
  absl::StatusOr<v1::Article> article = ReadArticleFile({path, "seed"});
  ASSERT_THAT(article, IsOk());
  EXPECT_EQ(article->id(), "seed");
  EXPECT_EQ(article->text(), seed);
  EXPECT_EQ(article->date(), "");
}

TEST_F(ArticleFilesTest, InvalidUtf8IsRejectedWithItsOffset) {
  const std::string path = Write("bad.txt", "bad \xFF byte");
  EXPECT_THAT(ReadArticleFile({path, "bad"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("invalid UTF-8 at byte 4")));
}

TEST_F(ArticleFilesTest, DashReadsStandardInput) {
  std::istringstream input(" date 2024-05-22 from stdin");
  std::streambuf* saved = std::cin.rdbuf(input.rdbuf());
  absl::StatusOr<std::vector<v1::Article>> articles = ReadArticles({"-"});
  std::cin.rdbuf(saved);
  ASSERT_THAT(articles, IsOk());
  ASSERT_THAT(*articles, SizeIs(1));
  EXPECT_EQ((*articles)[0].id(), "stdin");
  EXPECT_EQ((*articles)[0].text(), " date 2024-05-22 from stdin");
}

TEST(ArticleFilesExamplesTest, ReadsTheExampleArticles) {
  absl::StatusOr<std::vector<v1::Article>> articles =
      ReadArticles({DYADTONE_EXAMPLES_DIR});
  ASSERT_THAT(articles, IsOk());
  EXPECT_THAT(*articles,
              ElementsAre(Property(&v1::Article::id, "000_3c450a018ff81334"),
                          Property(&v1::Article::id, "001_1b127f2a03108e05"),
                          Property(&v1::Article::id, "002_0669800c25a8c53b"),
                          Property(&v1::Article::id, "003_cead5734e1c21918"),
                          Property(&v1::Article::id, "004_23d1292f8865a412")));
}

}  // namespace
}  // namespace dyadtone
