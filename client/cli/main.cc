// dyadtone: the command-line client of dyadtoned.
//
//   dyadtone ingest examples/articles
//   dyadtone trend PAK USA --by quarter --svg pak-usa.svg
//
// Exit codes: 0 ok, 1 a failure the server reported or a local file error
// (rejected articles, NOT_SERVING), 2 usage error, 3 RPC error.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli/args.h"
#include "client/cli/commands.h"
#include "client/connection.h"
#include "client/tone_client.h"

namespace dyadtone::cli {
namespace {

constexpr char kDefaultTarget[] = "127.0.0.1:50051";
constexpr int kMaxResponseBytes = 64 << 20;

constexpr char kUsage[] = R"(usage: dyadtone [global flags] COMMAND [args]

commands:
  score FILE...|-          score articles (files, folders or stdin); stores nothing
        [--evidence]         also list the signals behind each dyad's tone
  ingest PATH...           score and store files and folders (recursive; - for stdin)
  trend A B                the tone of the dyad A-B per period
        [--from YYYY-MM-DD] [--to YYYY-MM-DD]
        [--by day|week|month|quarter|year]   (default month)
        [--smooth N]         moving average over N periods
        [--empty]            include periods without articles
        [--svg FILE]         also write an SVG chart (- writes it to stdout)
  dyads [--min N]          the stored dyads with at least N articles
  article ID [--evidence]  a stored article's score
  health                   the server's health (exit 1 unless SERVING)
  info                     the server's version, data and store
  reload                   make the server load its lexicon and gazetteer
                           files again (needs a token when tokens are on)

global flags:
  --target HOST:PORT       the server (default $DYADTONE_TARGET or 127.0.0.1:50051)
  --timeout SECONDS        deadline of each call, 0 for none (default 30)
  --format table|json|csv  output format (default table; json is the proto's
                           JSON mapping)
  --tls                    connect with TLS, trusting the system's CAs
  --tls-ca FILE            ... trusting the CAs in this PEM file (implies --tls)
  --tls-cert FILE --tls-key FILE
                           client certificate and key, for mutual TLS
  --tls-server-name NAME   the name the server's certificate must carry
                           (default: the target's host)
  --token-file FILE        send "authorization: Bearer" with the file's first
                           token (default $DYADTONE_TOKEN_FILE, else the token
                           in $DYADTONE_TOKEN)

exit codes: 0 ok, 1 failure (rejected articles, NOT_SERVING, unreadable file),
            2 usage error, 3 RPC error (printed as CODE: message)
)";

const std::vector<FlagSpec> kGlobalFlags = {
    {"target"},   {"timeout"}, {"format"},          {"tls", false}, {"tls-ca"},
    {"tls-cert"}, {"tls-key"}, {"tls-server-name"}, {"token-file"}};

const std::vector<CommandSpec> kCommands = {
    {"score", {{"evidence", false}}},
    {"ingest", {}},
    {"trend",
     {{"from"}, {"to"}, {"by"}, {"smooth"}, {"empty", false}, {"svg"}}},
    {"dyads", {{"min"}}},
    {"article", {{"evidence", false}}},
    {"health", {}},
    {"info", {}},
    {"reload", {}},
    {"help", {}},
};

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

ConnectionOptions ConnectionFlags(const Args& args) {
  ConnectionOptions options;
  options.tls = SwitchOn(args, "tls");
  options.tls_ca_file = args.Get("tls-ca");
  options.tls_cert_file = args.Get("tls-cert");
  options.tls_key_file = args.Get("tls-key");
  options.tls_server_name = args.Get("tls-server-name");
  options.max_receive_message_bytes = kMaxResponseBytes;
  return options;
}

// The bearer token: from --token-file, else $DYADTONE_TOKEN_FILE, else
// $DYADTONE_TOKEN; empty for none.
absl::StatusOr<std::string> BearerToken(const Args& args) {
  const std::string file = args.Get("token-file", Env("DYADTONE_TOKEN_FILE"));
  if (!file.empty()) return ReadTokenFile(file);
  const std::string token = Env("DYADTONE_TOKEN");
  if (token.empty()) return token;
  if (absl::Status s = CheckBearerToken(token, "DYADTONE_TOKEN"); !s.ok()) {
    return s;
  }
  return token;
}

// The client of `target` the flags describe; null, after saying why, when a
// flag or file is wrong (sets *exit_code).
std::unique_ptr<ToneClient> Connect(const Context& context, const Args& args,
                                    const std::string& target,
                                    absl::Duration timeout, int* exit_code) {
  const ConnectionOptions connection = ConnectionFlags(args);
  if (connection.tls_cert_file.empty() != connection.tls_key_file.empty()) {
    *exit_code = UsageError(context, "--tls-cert and --tls-key go together");
    return nullptr;
  }
  absl::StatusOr<std::string> token = BearerToken(args);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      OpenChannel(target, connection);
  for (const absl::Status& s : {token.status(), channel.status()}) {
    if (!s.ok()) {
      std::fprintf(context.err, "dyadtone: %s\n",
                   std::string(s.message()).c_str());
      *exit_code = kExitFailure;
      return nullptr;
    }
  }
  if (!token->empty() && !connection.UsesTls() && !IsLocalTarget(target)) {
    std::fprintf(context.err,
                 "dyadtone: warning: the token goes to %s unencrypted "
                 "(--tls or --tls-ca encrypts it)\n",
                 target.c_str());
  }
  return std::make_unique<ToneClient>(*std::move(channel), timeout,
                                      *std::move(token));
}

int Usage(std::FILE* out, int code) {
  std::fputs(kUsage, out);
  return code;
}

int Dispatch(const Context& context, const Args& args) {
  const std::string& c = args.command;
  if (c == "score") return RunScore(context, args);
  if (c == "ingest") return RunIngest(context, args);
  if (c == "trend") return RunTrend(context, args);
  if (c == "dyads") return RunDyads(context, args);
  if (c == "article") return RunArticle(context, args);
  if (c == "health") return RunHealth(context, args);
  if (c == "reload") return RunReload(context, args);
  return RunInfo(context, args);
}

int Main(const std::vector<std::string>& argv) {
  Context context;
  absl::StatusOr<Args> args = ParseArgs(argv, kGlobalFlags, kCommands);
  if (!args.ok())
    return UsageError(context, std::string(args.status().message()));
  if (args->Has("help") || args->command == "help")
    return Usage(stdout, kExitOk);
  if (args->command.empty()) return Usage(stderr, kExitUsage);

  const std::string format = args->Get("format", "table");
  if (format == "json") {
    context.format = Format::kJson;
  } else if (format == "csv") {
    context.format = Format::kCsv;
  } else if (format != "table") {
    return UsageError(context, "--format is one of table, json, csv");
  }
  context.color = context.format == Format::kTable && StdoutWantsColor();
  double seconds = 0;
  if (!absl::SimpleAtod(args->Get("timeout", "30"), &seconds) || seconds < 0) {
    return UsageError(context, "--timeout wants a number of seconds");
  }
  const char* env_target = std::getenv("DYADTONE_TARGET");
  const std::string target = args->Get(
      "target", env_target != nullptr && *env_target != '\0' ? env_target
                                                             : kDefaultTarget);
  if (target.empty()) return UsageError(context, "--target is empty");
  int exit_code = kExitOk;
  std::unique_ptr<ToneClient> client =
      Connect(context, *args, target,
              seconds == 0 ? absl::InfiniteDuration() : absl::Seconds(seconds),
              &exit_code);
  if (client == nullptr) return exit_code;
  context.client = client.get();
  return Dispatch(context, *args);
}

}  // namespace

int UsageError(const Context& context, const std::string& message) {
  std::fprintf(context.err, "dyadtone: %s\n(dyadtone --help for usage)\n",
               message.c_str());
  return kExitUsage;
}

std::optional<std::vector<ArticleFile>> ArticleFilesOf(
    const Context& context, const Args& args, const std::string& usage,
    int* exit_code) {
  if (args.positional.empty()) {
    *exit_code = UsageError(context, usage);
    return std::nullopt;
  }
  absl::StatusOr<std::vector<ArticleFile>> files =
      ListArticleFiles(args.positional);
  if (!files.ok()) {
    std::fprintf(context.err, "dyadtone: %s\n",
                 std::string(files.status().message()).c_str());
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  return *std::move(files);
}

int RpcError(const Context& context, const absl::Status& status,
             const std::string& what) {
  std::fprintf(context.err, "dyadtone: %s%s%s: %s\n", what.c_str(),
               what.empty() ? "" : ": ",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return kExitRpc;
}

bool SwitchOn(const Args& args, const std::string& name) {
  const std::string v = args.Get(name, "false");
  return v != "false" && v != "0" && v != "no";
}

}  // namespace dyadtone::cli

int main(int argc, char** argv) {
  return dyadtone::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
