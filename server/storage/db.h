// A SQLite connection with a cache of prepared statements. A Db belongs to one thread at a time: the writer
// thread owns the writing connection, and each reading thread has its own (see ReadConnections).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/synchronization/mutex.h"

namespace qf {

// A cached prepared statement in use. Resets itself and clears its bindings when it goes out of scope.
// Bind indexes start at 1 as in SQLite.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindBlob(int i, std::string_view v);
  Stmt& BindNull(int i);
  // Binds `args` in order from parameter `first` (for statements assembled from parts with `?` placeholders).
  Stmt& BindAll(const std::vector<std::variant<int64_t, std::string>>& args, int first = 1);
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // Steps once: true when a row is ready, false when done; an error Status on failure.
  absl::StatusOr<bool> Step();
  // Steps to completion, discarding rows.
  absl::Status Run();
  // Steps to completion, collecting the first column of every row as integers.
  absl::StatusOr<std::vector<int64_t>> Ints();

  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Real(int col) const { return sqlite3_column_double(s_, col); }
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  double Double(int col) const { return sqlite3_column_double(s_, col); }
  int Columns() const { return sqlite3_column_count(s_); }
  std::string ColumnName(int col) const { return sqlite3_column_name(s_, col); }

 private:
  sqlite3_stmt* s_;
};

enum class DbMode { kWriter, kReader };

class Db {
 public:
  // Opens (creating if kWriter) the database at `path` with WAL, synchronous=FULL and foreign keys.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& path, DbMode mode);
  ~Db();

  absl::Status Exec(std::string_view sql);
  // A cached statement for `sql`; InternalError with SQLite's message if it does not compile.
  absl::StatusOr<Stmt> Prepare(std::string_view sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() { return db_; }
  const std::string& path() const { return path_; }

  // Converts SQLite's last error into a Status (constraint violations become AlreadyExists).
  absl::Status Error(int rc, std::string_view context) const;

  // A read's time budget: any statement of this connection still running at `deadline` is interrupted and fails
  // with Unavailable "db.timeout", which frees the thread. absl::InfiniteFuture() for none (the default).
  void SetDeadline(absl::Time deadline);

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  static int Progress(void* self);
  sqlite3* db_;
  absl::Time deadline_ = absl::InfiniteFuture();
  bool progress_installed_ = false;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// One reading connection per thread per database, opened on first use. Thread-safe.
class ReadConnections {
 public:
  explicit ReadConnections(std::string path) : path_(std::move(path)) {}
  // This thread's connection; InternalError if it cannot be opened.
  absl::StatusOr<Db*> Get();

 private:
  std::string path_;
  uint64_t id_ = NextId();
  static uint64_t NextId();
};

}  // namespace qf
