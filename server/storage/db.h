// The storage interface the domains talk to: a connection (Db) that prepares statements (Stmt) and runs them.
// Two backends implement it — SQLite (storage/sqlite_db.h, a file path, the embedded default) and PostgreSQL
// (storage/pg_db.h, a postgresql:// URL) — and domain code does not know which one it has. SQL is written once,
// in the dialect both accept (`?` or `?N` parameters, ON CONFLICT upserts); the PostgreSQL connection rewrites
// the parameters as it prepares (storage/pg_sql.h). A Db belongs to one thread at a time: the writer thread owns
// the writing connection, and each reading thread has its own (ReadConnections).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace qf {

enum class Backend { kSqlite, kPostgres };

// A write the storage itself refused — the disk full (`storage.full`), the filesystem read-only or failing
// (`storage.unwritable`) — as Unavailable with what users are told (nothing new can be saved, what is saved can be
// read, try again later); the backends map their errors here and log `detail`. The writer keeps the latest such
// failure for /healthz until a write gets through again.
absl::Status StorageFull(std::string_view detail);
absl::Status StorageUnwritable(std::string_view detail);
bool IsStorageFailure(const absl::Status& s);
enum class DbMode { kWriter, kReader };

// One prepared statement of one connection, as a backend implements it; used through Stmt. Bind and column
// indexes start at 1 and 0 respectively, as in SQLite.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void BindInt(int i, int64_t v) = 0;
  virtual void BindReal(int i, double v) = 0;
  virtual void BindText(int i, std::string_view v) = 0;
  virtual void BindBlob(int i, std::string_view v) = 0;
  virtual void BindNull(int i) = 0;
  virtual absl::StatusOr<bool> Step() = 0;
  // Steps to the end, discarding rows.
  absl::Status RunToEnd();
  // Runs the statement to its end when its rows are not wanted (RunToEnd unless the backend defers it); see
  // Stmt::Send.
  virtual absl::Status Send() { return RunToEnd(); }
  // Back to before the first step, with the bindings cleared.
  virtual void Reset() = 0;
  virtual int64_t Int(int col) const = 0;
  virtual double Real(int col) const = 0;
  // The column's bytes (text, or a blob's raw bytes); valid until the next Step or Reset.
  virtual std::string_view Bytes(int col) const = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int Columns() const = 0;
  virtual std::string ColumnName(int col) const = 0;
};

// A cached prepared statement in use. Resets itself and clears its bindings when it goes out of scope.
// Bind indexes start at 1 as in SQLite.
class Stmt {
 public:
  explicit Stmt(Cursor* c) : c_(c) {}
  Stmt(Stmt&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  Stmt(const Stmt&) = delete;
  ~Stmt() {
    if (c_) c_->Reset();
  }

  Stmt& Bind(int i, int64_t v) { c_->BindInt(i, v); return *this; }
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, double v) { c_->BindReal(i, v); return *this; }
  Stmt& Bind(int i, std::string_view v) { c_->BindText(i, v); return *this; }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindBlob(int i, std::string_view v) { c_->BindBlob(i, v); return *this; }
  Stmt& BindNull(int i) { c_->BindNull(i); return *this; }
  // Binds `args` in order from parameter `first` (for statements assembled from parts with `?` placeholders).
  Stmt& BindAll(const std::vector<std::variant<int64_t, std::string>>& args, int first = 1);
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // Steps once: true when a row is ready, false when done; an error Status on failure. Stepping again after done
  // runs the statement again with the same bindings.
  absl::StatusOr<bool> Step() { return c_->Step(); }
  // Back to before the first step with the bindings cleared, to run the statement again with new ones.
  Stmt& Reset() { c_->Reset(); return *this; }
  // Steps to completion, discarding rows.
  absl::Status Run();
  // Runs a statement whose rows (none) and outcome the caller does not need at once: on PostgreSQL's writing
  // connection it is sent without waiting for the answer, and a failure is returned by the connection's next
  // statement that waits — at the latest by Db::Flush, which the writer calls when a command ends, so the command
  // fails as a whole. Elsewhere the same as Run. For the writes a command makes after its reads (index entries,
  // rollups, the ledger's tiles), never where the caller branches on the outcome.
  absl::Status Send() { return c_->Send(); }
  // Steps to completion, collecting the first column of every row as integers.
  absl::StatusOr<std::vector<int64_t>> Ints();
  // Steps to completion, collecting the first column of every row as text.
  absl::StatusOr<std::vector<std::string>> Texts();

  int64_t Int(int col) const { return c_->Int(col); }
  double Real(int col) const { return c_->Real(col); }
  std::string Text(int col) const { return std::string(c_->Bytes(col)); }
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  bool IsNull(int col) const { return c_->IsNull(col); }
  double Double(int col) const { return c_->Real(col); }
  int Columns() const { return c_->Columns(); }
  std::string ColumnName(int col) const { return c_->ColumnName(col); }

 private:
  Cursor* c_;
};

class Db {
 public:
  // Opens the database `target` names: a postgresql:// (or postgres://) URL opens PostgreSQL, anything else is a
  // SQLite file path (created if kWriter). See the backends' headers for what each sets on the connection.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& target, DbMode mode);
  // Whether `target` names a PostgreSQL database rather than a SQLite file.
  static bool IsUrl(std::string_view target);
  virtual ~Db() = default;

  virtual Backend backend() const = 0;
  // Runs one or more statements without parameters (schema scripts, transaction control).
  virtual absl::Status Exec(std::string_view sql) = 0;
  // A cached statement for `sql`; InternalError with the backend's message if it does not compile (PostgreSQL: when it
  // first runs, as it is prepared for the types of its parameters).
  virtual absl::StatusOr<Stmt> Prepare(std::string_view sql) = 0;
  // The key the last INSERT into a table with an integer key generated.
  virtual int64_t LastInsertId() = 0;
  // The rows the last INSERT, UPDATE or DELETE changed.
  virtual int Changes() const = 0;
  // A read's time budget: any statement of this connection still running at `deadline` is stopped and fails
  // with Unavailable "db.timeout", which frees the thread. absl::InfiniteFuture() for none (the default).
  virtual void SetDeadline(absl::Time deadline) = 0;
  // How far this database's history has come, as a number that only grows (PostgreSQL: a WAL position): on a
  // primary, where its durable commits end; on a standby, how far it has replayed the primary's. A read that must
  // see a commit may use a standby once the standby's position reaches the primary's position after that commit.
  // 0 on SQLite, which has no standbys.
  virtual absl::StatusOr<uint64_t> HistoryPosition() { return 0; }
  // Waits for every statement sent with Stmt::Send and returns the first failure among them (nothing to do where
  // Send does not defer).
  virtual absl::Status Flush() { return absl::OkStatus(); }
  // Whether the connection is lost (the server went away) and must be opened again.
  virtual bool Lost() const { return false; }
  // Whether a transaction is open on this connection (SQLite rolls a transaction back by itself on some I/O
  // errors, a full disk among them: the writer must then fail the whole batch).
  virtual bool InTransaction() const = 0;
  // Whether a transaction's changes and sorts may be written out before it commits rather than held in memory until
  // then (SQLite: its page cache spilled into the WAL, its sorters into temporary files). Off on a writing
  // connection, because a ROLLBACK TO after a spill loses later commits (storage/sqlite_db.cc); on only around
  // transactions that are committed or rolled back whole and never to a savepoint — the migrations, which may
  // rewrite or index a table of millions of rows. Nothing to do where changes never wait in the client (PostgreSQL).
  virtual absl::Status SpillLargeTransactions(bool on) { return absl::OkStatus(); }
  // What was opened, as given: the file path or the URL (put passwords in ~/.pgpass or PGPASSWORD, not here).
  const std::string& path() const { return path_; }

 protected:
  explicit Db(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// Where a database's key files (the ledger's signing key, the vault's key) go when no path is given: beside a SQLite
// file (<db><suffix>); for PostgreSQL, whose keys are never in the database, $QINGFENG_KEY_DIR/<dbname><suffix>
// (FailedPrecondition "keys.dir" if it is not set).
absl::StatusOr<std::string> KeyFilePath(const std::string& db, std::string_view suffix);
// After a bulk load (a restore, a copy between backends, the demo): gathers PostgreSQL's planner statistics, which
// autovacuum would take only at its next round, planning the first reads on guesses until then. Nothing on SQLite,
// whose plans rest on the indexes alone (no sqlite_stat1 is kept: a list whose plan needed one would be a bug).
absl::Status GatherPlannerStatistics(Db& db);
// A database's short name: a SQLite file's name without its directory and extension, a PostgreSQL URL's database.
std::string DatabaseName(const std::string& db);

// Where reads go: one reading connection per thread per database, opened on first use — on the primary, or on
// the hot standbys given (PostgreSQL streaming replicas, taken in turn). A read that must see a commit (the
// caller's own write) waits until the standby has replayed it, for at most `wait`, and then reads on the primary.
// A standby that cannot be reached is left alone for a few seconds. Thread-safe.
class ReadConnections {
 public:
  explicit ReadConnections(std::string primary, std::vector<std::string> standbys = {},
                           absl::Duration wait = absl::Milliseconds(500));
  ~ReadConnections();
  // This thread's connection to the primary; an error if it cannot be opened.
  absl::StatusOr<Db*> Get();
  // This thread's connection for a read that must see every commit up to `floor` (a primary's HistoryPosition;
  // 0 for none): a standby that has replayed that far, else the primary.
  absl::StatusOr<Db*> ForRead(uint64_t floor);
  bool has_standbys() const { return !standbys_.empty(); }
  // After a read on `failed` (this thread's) failed for a reason of the database rather than of the request: if it
  // was a standby, that standby is left alone for a while and the primary is returned to read again on; null if
  // `failed` was the primary.
  absl::StatusOr<Db*> Fallback(Db* failed);

  struct Counts {
    uint64_t standby = 0;   // reads a standby served
    uint64_t waited = 0;    // ... of which after waiting for it to replay the floor
    uint64_t primary = 0;   // reads that fell back to the primary (standby behind or unreachable)
  };
  Counts counts() const;

 private:
  struct Standby;
  // This thread's connection to database `index` (0: the primary, i + 1: standby i).
  absl::StatusOr<Db*> Connection(size_t index);
  void Forget(size_t index);
  void MarkDown(size_t index, std::string_view why);

  std::string primary_;
  std::vector<std::unique_ptr<Standby>> standbys_;
  absl::Duration wait_;
  std::atomic<uint64_t> turn_{0};
  std::atomic<uint64_t> standby_reads_{0}, waited_reads_{0}, primary_reads_{0};
  uint64_t id_ = NextId();
  static uint64_t NextId();
};

}  // namespace qf
