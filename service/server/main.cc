// dyadtoned: the dyadtone gRPC server.
//
//   dyadtoned --listen=127.0.0.1:50051 --store=sqlite:./dyadtone.db
//
// Every flag can also come from the environment as DYADTONE_<FLAG>
// (DYADTONE_STORE=sqlite:/data/dyadtone.db). On SIGHUP it reloads the
// lexicon and gazetteer files and the token file (a bad file is logged and
// what it would replace keeps serving). On SIGTERM or SIGINT it reports
// NOT_SERVING, lets calls in flight finish within the grace period, closes the
// store and exits 0.

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/stubs/logging.h"
#include "service/engine/engine.h"
#include "service/server/flags_env.h"
#include "service/server/server.h"
#include "service/store/article_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "host:port to serve on");
ABSL_FLAG(std::string, store, "sqlite:./dyadtone.db",
          "the store: sqlite:PATH or postgresql://...");
ABSL_FLAG(std::string, lexicon, dyadtone::DefaultLexiconPath(),
          "relations lexicon file");
ABSL_FLAG(std::string, gazetteer, dyadtone::DefaultGazetteerPath(),
          "gazetteer file");
ABSL_FLAG(std::string, general_lexicon, "",
          "VADER- or AFINN-format lexicon for the general tone (none: off)");
ABSL_FLAG(int, max_message_bytes, 32 << 20,
          "largest request or response message");
ABSL_FLAG(int, max_article_bytes, 16 << 20,
          "longest article text; a longer one is rejected on its own (below "
          "--max_message_bytes, so that one article cannot fail a stream)");
ABSL_FLAG(int, threads, 0,
          "threads serving the calls that use the store, and threads scoring "
          "ScoreArticle calls (0: gRPC's default, 8 for GetTrend, and one a "
          "CPU for scoring)");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "calls one client connection may have open at once");
ABSL_FLAG(int, max_ingest_streams, 16,
          "IngestArticles streams open at once; more get RESOURCE_EXHAUSTED");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "how long calls in flight may run after SIGTERM");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate (chain) of the server; with --tls-key turns TLS on");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls-cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates: clients must present a certificate one of "
          "them signed (mutual TLS)");
ABSL_FLAG(int, tls_reload_seconds, 60,
          "how often the TLS files are read again, so that a renewed "
          "certificate serves without a restart (0: only at startup)");
ABSL_FLAG(std::string, auth_token_file, "",
          "file of bearer tokens, one a line (# comments); writes then need "
          "\"authorization: Bearer TOKEN\"");
ABSL_FLAG(std::string, auth_reads, "open",
          "open: reads need no token; token: reads need one too");

namespace {

const std::vector<std::string> kFlags = {"listen",
                                         "store",
                                         "lexicon",
                                         "gazetteer",
                                         "general_lexicon",
                                         "max_message_bytes",
                                         "max_article_bytes",
                                         "threads",
                                         "max_concurrent_streams",
                                         "max_ingest_streams",
                                         "shutdown_grace_seconds",
                                         "tls_cert",
                                         "tls_key",
                                         "tls_client_ca",
                                         "tls_reload_seconds",
                                         "auth_token_file",
                                         "auth_reads"};

// protobuf's own log lines, as JSON lines like the rest. Its note on a
// string field with invalid UTF-8 in a message it parses is left out: the
// request that sent it is answered, and logged, with the field and offset.
dyadtone::RequestLog* protobuf_log = nullptr;
void LogProtobuf(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  if (absl::StrContains(message, "contains invalid UTF-8 data")) return;
  protobuf_log->Write(
      level >= google::protobuf::LOGLEVEL_FATAL ? "error" : "warn", "protobuf",
      {{"detail", message}, {"at", absl::StrCat(file, ":", line)}});
}

int Fail(dyadtone::RequestLog& log, absl::string_view what,
         const absl::Status& s) {
  log.Write("error", what, {{"error", std::string(s.message())}});
  return 1;
}

// For the startup log: whether and where tokens are needed (never a token).
std::string AuthSummary(const dyadtone::SecurityOptions& security) {
  if (security.auth_token_file.empty()) return "off";
  return security.auth_reads == dyadtone::ReadAccess::kToken
             ? "reads and writes"
             : "writes";
}

}  // namespace

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's
  // deadlock detection on: every lock and unlock, gRPC's own on every call
  // included, updates a global lock-order graph under one global lock. It
  // is a debugging aid (the tests keep it); the server turns it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "dyadtoned [--listen=HOST:PORT] [--store=sqlite:PATH] ...");
  dyadtone::RequestLog log(stderr);
  protobuf_log = &log;
  google::protobuf::LogHandler* const previous_protobuf_handler =
      google::protobuf::SetLogHandler(&LogProtobuf);
  if (absl::Status s = dyadtone::ApplyEnvironment(kFlags); !s.ok()) {
    return Fail(log, "bad environment", s);
  }
  std::vector<std::string> storage;
  std::vector<char*> args = dyadtone::NormalizeFlagDashes(argc, argv, &storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  // SIGTERM, SIGINT and SIGHUP are taken by sigwait() below, in no other
  // thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  dyadtone::ServerOptions options;
  options.security.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.security.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.security.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.security.tls_reload_seconds = absl::GetFlag(FLAGS_tls_reload_seconds);
  options.security.auth_token_file = absl::GetFlag(FLAGS_auth_token_file);
  absl::StatusOr<dyadtone::ReadAccess> reads =
      dyadtone::ParseReadAccess(absl::GetFlag(FLAGS_auth_reads));
  if (!reads.ok()) return Fail(log, "bad --auth-reads", reads.status());
  options.security.auth_reads = *reads;
  if (absl::Status s = dyadtone::CheckSecurityOptions(options.security);
      !s.ok()) {
    return Fail(log, "cannot start", s);
  }

  dyadtone::EngineOptions engine_options;
  engine_options.lexicon_path = absl::GetFlag(FLAGS_lexicon);
  engine_options.gazetteer_path = absl::GetFlag(FLAGS_gazetteer);
  engine_options.general_lexicon_path = absl::GetFlag(FLAGS_general_lexicon);
  engine_options.max_text_bytes = absl::GetFlag(FLAGS_max_article_bytes);
  auto models = dyadtone::ModelHolder::Load(engine_options);
  if (!models.ok()) return Fail(log, "cannot load data files", models.status());

  auto store = dyadtone::OpenStore(absl::GetFlag(FLAGS_store));
  if (!store.ok()) return Fail(log, "cannot open the store", store.status());

  options.listen = absl::GetFlag(FLAGS_listen);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  dyadtone::ToneServiceOptions service_options;
  service_options.version = DYADTONE_VERSION;
  service_options.scoring_threads = options.threads;
  if (options.threads > 0) service_options.store_threads = options.threads;
  service_options.max_ingest_streams = absl::GetFlag(FLAGS_max_ingest_streams);
  auto server = dyadtone::DyadtoneServer::Start(
      options, models->get(), store->get(), &log, service_options);
  if (!server.ok()) return Fail(log, "cannot start", server.status());

  const dyadtone::ModelInfo info = (*models)->Get()->info();
  log.Write("info", "serving",
            {{"listen", options.listen},
             {"port", std::to_string((*server)->port())},
             {"store", (*store)->backend()},
             {"transport", dyadtone::TransportName(options.security)},
             {"tokens_for", AuthSummary(options.security)},
             {"lexicon", info.lexicon_version},
             {"gazetteer", info.gazetteer_version},
             {"version", DYADTONE_VERSION}});

  if (!options.security.auth_token_file.empty() && !options.security.tls()) {
    log.Write("warn", "bearer tokens travel in plaintext",
              {{"fix",
                "set --tls-cert and --tls-key, or terminate TLS in "
                "front of the server"}});
  }

  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
    // Logged either way; a failed reload keeps the data that serves.
    (void)dyadtone::ReloadAndLog(models->get(), &log, "SIGHUP");
    if (dyadtone::TokenHolder* tokens = (*server)->tokens();
        tokens != nullptr) {
      if (absl::Status s = tokens->Reload(); s.ok()) {
        log.Write("info", "tokens reloaded",
                  {{"trigger", "SIGHUP"},
                   {"tokens", std::to_string(tokens->Get()->token_count())}});
      } else {
        log.Write("error", "token reload failed, the previous tokens serve",
                  {{"trigger", "SIGHUP"}, {"error", std::string(s.message())}});
      }
    }
  }
  log.Write("info", "shutting down", {{"signal", strsignal(sig)}});
  const bool finished = (*server)->Shutdown(
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->reset();
  store->reset();  // closes the store cleanly
  google::protobuf::SetLogHandler(previous_protobuf_handler);
  log.Write("info", "stopped",
            {{"calls", finished ? "all finished"
                                : "cancelled at the end of the grace period"}});
  return 0;
}
