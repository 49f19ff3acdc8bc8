// Backups of a SQLite database: a consistent copy taken while the server writes, and the schedule that takes one
// every interval into a directory, keeps the newest few and reports how it went (on /healthz). PostgreSQL is backed
// up with its own tools (docs/operations.md).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "ledger/verify.h"
#include "storage/db.h"

namespace qf {

// Copies database `db` as of one moment (VACUUM INTO reads one snapshot; with WAL the writer goes on) to `to`,
// which must not exist: written beside it, synced, then renamed, so that an interrupted backup never looks
// complete. Returns the backup's size in bytes. InvalidArgument for a PostgreSQL URL.
absl::StatusOr<int64_t> BackupSqlite(const std::string& db, const std::string& to);
// OK for a SQLite database; for a PostgreSQL URL, InvalidArgument naming `field` and PostgreSQL's own tools.
absl::Status SqliteOnly(const std::string& db, std::string_view field);
// Whether backup `from` may be restored as `db`: SQLite, the backup there, and `db` not (neither the file nor its
// WAL holds anything: a database in use is never overwritten).
absl::Status CheckRestorable(const std::string& from, const std::string& db);
// Puts backup `from` in place as database `db` (CheckRestorable first): copied beside it, synced, renamed.
absl::Status RestoreSqlite(const std::string& from, const std::string& db);
// The full verification of database `db`, as an outsider would run it: the log against its own signed checkpoints
// with the public half of the ledger key in `key_path`, every event, and then `checks` (the domain tables against
// the events) on the same reading connection.
absl::StatusOr<ledger::VerifyReport> VerifyWithKey(const std::string& db, const std::string& key_path,
                                                   const std::function<absl::Status(Db&)>& checks);

// Takes a backup of `db` into `dir` every `every` (the first one `every` after start), named
// <db name>-YYYYMMDD-HHMMSS.db in UTC, checks each with `verify` (a failed check removes it), and removes the
// oldest beyond `keep`. Runs on its own thread at a low priority while it lives. Thread-safe.
class BackupSchedule {
 public:
  using VerifyFn = std::function<absl::Status(const std::string& backup)>;
  BackupSchedule(std::string db, std::string dir, absl::Duration every, int keep, VerifyFn verify);
  ~BackupSchedule();  // waits for a backup under way
  BackupSchedule(const BackupSchedule&) = delete;

  // {dir, every_seconds, keep, last_ok: {at, file, bytes} | null, last_error: {at, message} | null, next_at}
  boost::json::object Status() const;

 private:
  void Loop();
  void TakeOne();
  const std::string db_, dir_;
  const absl::Duration every_;
  const int keep_;
  const VerifyFn verify_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                       // guarded by mu_
  boost::json::value last_ok_ = nullptr;     // guarded by mu_
  boost::json::value last_error_ = nullptr;  // guarded by mu_
  absl::Time next_;                          // guarded by mu_
  std::thread thread_;
};

}  // namespace qf
