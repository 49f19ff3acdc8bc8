// Opens a database for the server or a command: migrations, the writer thread, reading connections,
// calendar and policies. One Runtime per process; its members are thread-safe as documented by each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/app.h"
#include "app/modules.h"
#include "auth/auth.h"
#include "common/import_columns.h"
#include "http/ratelimit.h"
#include "ledger/ledger.h"
#include "notices/notices.h"
#include "notify/notify.h"
#include "vault/vault.h"

namespace qf {

struct RuntimeOptions {
  std::string db_path;
  std::string data_dir = "data";
  WriterOptions writer;
  bool ledger = true;             // false only for the benchmark's "without the ledger" baseline
  ledger::LedgerOptions ledger_options;  // key_path defaults to KeyFilePath(db, ".ledger.key")
  std::string vault_key_path;            // defaults to KeyFilePath(db, ".vault.key")
  RateLimits rate_limits;                // per-client limits on the public endpoints
  std::vector<std::string> read_dbs;     // hot standbys (PostgreSQL) that take the reads; none: the primary does
  // false only for building a generated database (the demo): commits are not flushed one by one (SQLite
  // synchronous=NORMAL in WAL, PostgreSQL synchronous_commit off), so a crash mid-build may lose its last commits and
  // the build is run again. The server always opens with full durability.
  bool durable = true;
  absl::Duration read_wait = absl::Milliseconds(500);  // how long a read waits for a standby to replay its floor
};

// Every domain's registrations, and the binary's own subcommands (serve, routes, version).
void RegisterModules(Modules& m);
void RegisterServe(Modules& m);
// Runs the registered start-up checks on `reader`: the first failure.
absl::Status RunChecks(const Modules& m, Db& reader);
// The context the subcommands run in: `open` opens a database as the server does.
CliContext MakeCliContext(std::string data_dir, const Clock& clock);

class Runtime {
 public:
  // Opens (creating if needed) and migrates the database and starts the writer. `clock` must outlive it.
  static absl::StatusOr<std::unique_ptr<Runtime>> Open(const RuntimeOptions& opts, const Clock& clock);
  ~Runtime();

  AppContext& app() { return app_; }
  Writer& writer() { return *writer_; }
  ledger::Ledger* ledger() { return ledger_.get(); }
  const ReadConnections& readers() const { return *readers_; }
  // Registers every domain's routes.
  void RegisterRoutes(Router& router);
  const Modules& modules() const { return modules_; }

 private:
  Runtime() = default;
  AppContext app_;
  Modules modules_;
  Calendar calendar_;
  std::unique_ptr<cases::Policies> policies_;
  std::unique_ptr<notices::NoticeTypes> notice_types_;
  std::unique_ptr<ImportColumnSets> imports_;
  ProgressBoard progress_;
  std::unique_ptr<notify::OutboxSink> outbox_;  // the writer's sink: outlives it
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReadConnections> readers_;
  std::unique_ptr<auth::Sessions> sessions_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<RateLimiter> limiter_;
};

}  // namespace qf
