// Backups: a consistent copy of the database taken while the server writes (SQLite by VACUUM INTO, PostgreSQL by
// its own pg_dump), checked as it is taken; putting one back as a database that is not there yet; and the schedule
// that takes one every interval into a directory, keeps the newest few and reports how it went (on /healthz).
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

// Checks what a backup holds, on a reading connection to it (see BackupDatabase).
using BackupCheck = std::function<absl::Status(Db& reader)>;

// Copies database `db` as of one moment to `to`, which must not exist (written beside it, synced, then renamed, so
// that an interrupted backup never looks complete), and runs `check` on what was copied; a copy that fails it is
// removed. SQLite: VACUUM INTO reads one snapshot while the writer goes on, and `check` reads the backup file.
// PostgreSQL: pg_dump (its custom format) reads a snapshot exported from a reading transaction, and `check` reads
// that same snapshot, so it sees exactly what was dumped. Returns the backup's size in bytes.
absl::StatusOr<int64_t> BackupDatabase(const std::string& db, const std::string& to, const BackupCheck& check);
// Whether backup `from` may be restored as `db`: the backup there and of `db`'s backend, and `db` empty (SQLite:
// neither the file nor its WAL holds anything; PostgreSQL: a created database without tables) — a database in use
// is never overwritten.
absl::Status CheckRestorable(const std::string& from, const std::string& db);
// Puts backup `from` in place as database `db` (CheckRestorable first): a SQLite file copied beside it, synced and
// renamed; a PostgreSQL dump by pg_restore in one transaction. Either way nobody is signed in afterwards.
absl::Status RestoreDatabase(const std::string& from, const std::string& db);
// The full verification of a database, as an outsider would run it: the log against its own signed checkpoints
// with the public half of the ledger key in `key_path`, every event, and then `checks` (the domain tables against
// the events) on the same reading connection — `reader`, or one opened to `db`.
absl::StatusOr<ledger::VerifyReport> VerifyWithKey(Db& reader, const std::string& key_path,
                                                   const std::function<absl::Status(Db&)>& checks);
absl::StatusOr<ledger::VerifyReport> VerifyWithKey(const std::string& db, const std::string& key_path,
                                                   const std::function<absl::Status(Db&)>& checks);

// Takes a backup of `db` into `dir` every `every` (the first one `every` after start), named
// <db name>-YYYYMMDD-HHMMSS.db in UTC (.dump for PostgreSQL), checks each with `verify` (BackupDatabase's check),
// and removes the oldest beyond `keep`. Runs on its own thread at a low priority while it lives. Thread-safe.
class BackupSchedule {
 public:
  BackupSchedule(std::string db, std::string dir, absl::Duration every, int keep, BackupCheck verify);
  ~BackupSchedule();  // waits for a backup under way
  BackupSchedule(const BackupSchedule&) = delete;

  // {dir, every_seconds, keep, last_ok: {at, file, bytes} | null, last_error: {at, message} | null, next_at}
  boost::json::object Status() const;

 private:
  void Loop();
  void TakeOne();
  std::string Extension() const;  // of this database's backups' names
  const std::string db_, dir_;
  const absl::Duration every_;
  const int keep_;
  const BackupCheck verify_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                       // guarded by mu_
  boost::json::value last_ok_ = nullptr;     // guarded by mu_
  boost::json::value last_error_ = nullptr;  // guarded by mu_
  absl::Time next_;                          // guarded by mu_
  std::thread thread_;
};

}  // namespace qf
