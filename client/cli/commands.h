// The dyadtone subcommands. Each takes the parsed command line and what
// every command shares, prints its result, and returns the exit code.

#ifndef DYADTONE_CLIENT_CLI_COMMANDS_H_
#define DYADTONE_CLIENT_CLI_COMMANDS_H_

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/article_files.h"
#include "client/cli/args.h"
#include "client/cli/output.h"
#include "client/tone_client.h"

namespace dyadtone::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // e.g. rejected articles, NOT_SERVING
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRpc = 3;  // the server or the network failed

struct Context {
  const ToneClient* client;
  Format format = Format::kTable;
  bool color = false;  // ANSI colour in tables
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

int RunScore(const Context& context, const Args& args);
int RunIngest(const Context& context, const Args& args);
int RunTrend(const Context& context, const Args& args);
int RunDyads(const Context& context, const Args& args);
int RunArticle(const Context& context, const Args& args);
int RunHealth(const Context& context, const Args& args);
int RunInfo(const Context& context, const Args& args);
int RunReload(const Context& context, const Args& args);

// Prints "dyadtone: <message>" and returns kExitUsage.
int UsageError(const Context& context, const std::string& message);
// Prints "dyadtone: [what: ]CODE: message" for a failed call and returns
// kExitRpc.
int RpcError(const Context& context, const absl::Status& status,
             const std::string& what = "");
// Whether a switch is on ("--empty", "--empty=true"; not "--empty=false").
bool SwitchOn(const Args& args, const std::string& name);
// The article files named by the positional arguments (files, folders, -).
// Without any, or when listing fails, prints why, sets *exit_code and
// returns nothing; `usage` says what the command needs.
std::optional<std::vector<ArticleFile>> ArticleFilesOf(
    const Context& context, const Args& args, const std::string& usage,
    int* exit_code);

}  // namespace dyadtone::cli

#endif  // DYADTONE_CLIENT_CLI_COMMANDS_H_
