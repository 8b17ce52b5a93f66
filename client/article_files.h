// Reading articles from the command line's paths: files, folders (walked
// recursively) and "-" for standard input.
//
// Ids: a file named directly is its file name without the extension
// ("a/b/2023-04.txt" -> "2023-04"); a file found under a folder is its path
// relative to that folder without the extension ("sub/2023-04"), so files
// of the same name in different subfolders keep distinct ids; standard
// input is "stdin". The text is sent as it is: the server reads the date
// from it (a " date YYYY-MM-DD" header, a dated line or a dateline).

#ifndef DYADTONE_CLIENT_ARTICLE_FILES_H_
#define DYADTONE_CLIENT_ARTICLE_FILES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dyadtone/v1/tone_service.pb.h"

namespace dyadtone {

// The path that stands for standard input.
inline constexpr char kStdinPath[] = "-";

struct ArticleFile {
  std::string path;  // what to open; kStdinPath for standard input
  std::string id;    // the article id it gets
};

// Expands `paths` into the files to read, in argument order; each folder's
// regular files sorted by relative path, names starting with '.' (files and
// folders) skipped. Errors: NotFound for a path that does not exist,
// InvalidArgument for two files that would get the same id or for "-" given
// twice, the filesystem's error for a folder that cannot be read.
absl::StatusOr<std::vector<ArticleFile>> ListArticleFiles(
    const std::vector<std::string>& paths);

// Reads one file (or standard input) into an Article with `file.id` and the
// file's whole content as text. InvalidArgument ("PATH: article.text:
// invalid UTF-8 at byte N") for content a proto string cannot carry.
absl::StatusOr<v1::Article> ReadArticleFile(const ArticleFile& file);

// ListArticleFiles, then ReadArticleFile on each.
absl::StatusOr<std::vector<v1::Article>> ReadArticles(
    const std::vector<std::string>& paths);

}  // namespace dyadtone

#endif  // DYADTONE_CLIENT_ARTICLE_FILES_H_
