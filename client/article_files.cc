#include "client/article_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/utf8.h"

namespace dyadtone {
namespace {

namespace fs = std::filesystem;

constexpr char kStdinId[] = "stdin";

bool IsHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// The path without its last extension, with '/' separators.
std::string IdOf(const fs::path& p) {
  fs::path without = p;
  without.replace_extension();
  return without.generic_string();
}

absl::Status FileError(const std::string& path, const std::error_code& ec) {
  const std::string message = absl::StrCat(path, ": ", ec.message());
  if (ec == std::errc::no_such_file_or_directory) {
    return absl::NotFoundError(message);
  }
  if (ec == std::errc::permission_denied) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnavailableError(message);
}

// Appends the regular files under `root`, sorted by relative path.
absl::Status ListFolder(const fs::path& root, std::vector<ArticleFile>* out) {
  std::vector<fs::path> relative;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (IsHidden(entry.path())) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_regular_file(ec)) {
      relative.push_back(entry.path().lexically_relative(root));
    }
  }
  if (ec) return FileError(root.string(), ec);
  std::sort(relative.begin(), relative.end(),
            [](const fs::path& x, const fs::path& y) {
              return x.generic_string() < y.generic_string();
            });
  for (const fs::path& r : relative) {
    out->push_back({(root / r).string(), IdOf(r)});
  }
  return absl::OkStatus();
}

absl::Status ListOne(const std::string& path, std::vector<ArticleFile>* out) {
  if (path == kStdinPath) {
    out->push_back({path, kStdinId});
    return absl::OkStatus();
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return FileError(path, ec);
  if (fs::is_directory(status)) return ListFolder(path, out);
  if (!fs::is_regular_file(status)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a regular file or folder"));
  }
  out->push_back({path, IdOf(fs::path(path).filename())});
  return absl::OkStatus();
}

absl::StatusOr<v1::Article> ReadRaw(const ArticleFile& file) {
  v1::Article article;
  article.set_id(file.id);
  if (file.path == kStdinPath) {
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (std::cin.bad()) return absl::DataLossError("cannot read stdin");
    article.set_text(std::move(text).str());
    return article;
  }
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    return FileError(file.path,
                     std::error_code(errno, std::generic_category()));
  }
  article.set_text(std::string(std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()));
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(file.path, ": read error"));
  }
  return article;
}

}  // namespace

absl::StatusOr<std::vector<ArticleFile>> ListArticleFiles(
    const std::vector<std::string>& paths) {
  std::vector<ArticleFile> files;
  for (const std::string& path : paths) {
    if (absl::Status s = ListOne(path, &files); !s.ok()) return s;
  }
  absl::flat_hash_map<std::string, const ArticleFile*> by_id;
  for (const ArticleFile& f : files) {
    auto [it, inserted] = by_id.emplace(f.id, &f);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", it->second->path, "\" and \"", f.path,
                       "\" would both get the id \"", f.id, "\""));
    }
  }
  return files;
}

absl::StatusOr<v1::Article> ReadArticleFile(const ArticleFile& file) {
  absl::StatusOr<v1::Article> article = ReadRaw(file);
  if (!article.ok()) return article;
  if (absl::Status s = CheckArticleUtf8(*article); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file.path == kStdinPath ? "stdin" : file.path, ": ", s.message()));
  }
  return article;
}

absl::StatusOr<std::vector<v1::Article>> ReadArticles(
    const std::vector<std::string>& paths) {
  absl::StatusOr<std::vector<ArticleFile>> files = ListArticleFiles(paths);
  if (!files.ok()) return files.status();
  std::vector<v1::Article> articles;
  articles.reserve(files->size());
  for (const ArticleFile& f : *files) {
    absl::StatusOr<v1::Article> a = ReadArticleFile(f);
    if (!a.ok()) return a.status();
    articles.push_back(*std::move(a));
  }
  return articles;
}

}  // namespace dyadtone
