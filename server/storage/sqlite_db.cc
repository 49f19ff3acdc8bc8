#include "storage/sqlite_db.h"

#include <sqlite3.h>

#include <unordered_map>

#include "common/status.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "storage/fts.h"

namespace qf {
namespace {

// The disk full (ENOSPC, or the file grown past its limit), the database or filesystem read-only, a write or sync
// failing: the storage's refusals (db.h). OkStatus for any other result code.
absl::Status StorageError(int rc, std::string_view msg) {
  switch (rc & 0xff) {
    case SQLITE_FULL: return StorageFull(msg);
    case SQLITE_READONLY: return StorageUnwritable(msg);
    case SQLITE_IOERR:
      switch (rc) {
        case SQLITE_IOERR_READ: case SQLITE_IOERR_SHORT_READ: return absl::OkStatus();
        default: return StorageUnwritable(msg);
      }
    default: return absl::OkStatus();
  }
}

class SqliteCursor final : public Cursor {
 public:
  explicit SqliteCursor(sqlite3_stmt* s) : s_(s) {}
  ~SqliteCursor() override { sqlite3_finalize(s_); }

  void BindInt(int i, int64_t v) override { sqlite3_bind_int64(s_, i, v); }
  void BindReal(int i, double v) override { sqlite3_bind_double(s_, i, v); }
  void BindText(int i, std::string_view v) override {
    sqlite3_bind_text(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) override {
    // An empty view may have no data pointer, which SQLite would bind as NULL: an empty blob is not NULL.
    sqlite3_bind_blob(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) override { sqlite3_bind_null(s_, i); }
  void Reset() override {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  absl::StatusOr<bool> Step() override;
  int64_t Int(int col) const override { return sqlite3_column_int64(s_, col); }
  double Real(int col) const override { return sqlite3_column_double(s_, col); }
  std::string_view Bytes(int col) const override {
    const unsigned char* t = sqlite3_column_text(s_, col);
    if (!t) return {};
    return {reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
  }
  bool IsNull(int col) const override { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  int Columns() const override { return sqlite3_column_count(s_); }
  std::string ColumnName(int col) const override { return sqlite3_column_name(s_, col); }

 private:
  sqlite3_stmt* s_;
};

absl::StatusOr<bool> SqliteCursor::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(s_);
  std::string msg = fmt::format("数据库错误：{}（{}）", sqlite3_errmsg(db), sqlite3_sql(s_));
  int primary = rc & 0xff;
  if (auto storage = StorageError(rc, msg); !storage.ok()) return storage;
  if (primary == SQLITE_CONSTRAINT) return MakeError(absl::StatusCode::kAlreadyExists, "db.constraint", msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return MakeError(absl::StatusCode::kUnavailable, "db.busy", msg);
  if (primary == SQLITE_INTERRUPT)
    return MakeError(absl::StatusCode::kUnavailable, "db.timeout", "查询超过时限，已中止；请缩小筛选范围后重试");
  return absl::InternalError(msg);
}

class SqliteDb final : public Db {
 public:
  SqliteDb(sqlite3* db, std::string path) : Db(std::move(path)), db_(db) {}
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  // Changed pages into the WAL and sorts (an index being built) into temporary files once they outgrow the cache,
  // or both kept in memory (the connection's settings, OpenSqlite).
  absl::Status SpillLargeTransactions(bool on) override {
    return Exec(on ? "PRAGMA cache_spill=ON; PRAGMA temp_store=FILE"
                   : "PRAGMA cache_spill=OFF; PRAGMA temp_store=MEMORY");
  }
  ~SqliteDb() override {
    cache_.clear();
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }
  absl::Status Exec(std::string_view sql) override;
  absl::StatusOr<Stmt> Prepare(std::string_view sql) override;
  int64_t LastInsertId() override { return sqlite3_last_insert_rowid(db_); }
  int Changes() const override { return sqlite3_changes(db_); }
  void SetDeadline(absl::Time deadline) override;

 private:
  static int Progress(void* self) { return absl::Now() > static_cast<SqliteDb*>(self)->deadline_ ? 1 : 0; }
  sqlite3* db_;
  absl::Time deadline_ = absl::InfiniteFuture();
  bool progress_installed_ = false;
  std::unordered_map<std::string, std::unique_ptr<SqliteCursor>> cache_;
};

absl::Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "";
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_BUSY) return MakeError(absl::StatusCode::kUnavailable, "db.busy", msg);
    if (auto storage = StorageError(rc, msg); !storage.ok()) return storage;
    return absl::InternalError(fmt::format("数据库错误：{}（{}）", msg, sql.substr(0, 120)));
  }
  return absl::OkStatus();
}

void SqliteDb::SetDeadline(absl::Time deadline) {
  deadline_ = deadline;
  if (!progress_installed_ && deadline != absl::InfiniteFuture()) {
    // Called every few thousand virtual-machine steps: a clock read there costs nothing measurable.
    sqlite3_progress_handler(db_, 4000, &SqliteDb::Progress, this);
    progress_installed_ = true;
  }
}

absl::StatusOr<Stmt> SqliteDb::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return Stmt(it->second.get());
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &s,
                              nullptr);
  if (rc != SQLITE_OK)
    return absl::InternalError(
        fmt::format("数据库错误（{}）：{} rc={}", key.substr(0, 200), sqlite3_errmsg(db_), rc));
  auto cursor = std::make_unique<SqliteCursor>(s);
  Cursor* out = cursor.get();
  cache_.emplace(std::move(key), std::move(cursor));
  // Statements are kept for the connection's life: their number is bounded only if no statement's text carries
  // its values. Say so once if that is broken.
  if (cache_.size() == 2000) spdlog::warn("{} statements cached on one connection: is a value written into the SQL?", cache_.size());
  return Stmt(out);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Db>> OpenSqlite(const std::string& path, DbMode mode) {
  // No count of SQLite's memory: with it every allocation of every connection takes one process-wide mutex, and the
  // readers of the work pool queued on it (docs/PERFORMANCE.md, "Reads per second"). Nothing here reads the count.
  // Only possible before SQLite is first used; the first open is.
  static const int kNoMemoryStatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemoryStatus;
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (mode == DbMode::kWriter ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return MakeError(absl::StatusCode::kUnavailable, "db.open", "无法打开数据库 " + path + "：" + msg);
  }
  std::unique_ptr<Db> db(new SqliteDb(raw, path));
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  QF_RETURN_IF_ERROR(RegisterTextFunctions(raw));
  if (mode == DbMode::kWriter) {
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA wal_autocheckpoint=4000"));
    // A transaction's changes stay in memory until it commits, however many (the cache grows past cache_size):
    // SQLite 3.40 (Debian 12's) loses the commits made after a ROLLBACK TO of a transaction whose pages had spilled
    // into the WAL — the running server reads them, but the WAL's recovery at the next start stops at a broken
    // checksum chain, and they are gone. The writer rolls a failing command back to its savepoint, and a refused
    // import of a long file writes more than the cache holds (storage/writer_test.cc). The cost is memory while a
    // large transaction runs (docs/PERFORMANCE.md, "twelfth session"). Migrations, which roll back only whole,
    // spill (Db::SpillLargeTransactions).
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA cache_spill=OFF"));
  } else {
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA query_only=1"));
    // Reads through the page cache, not a memory map: SQLite unmaps a connection's whole map when it begins a read
    // after any other connection has committed, and in a server every case opened is a write (访问留痕), so each
    // read faulted its pages in again — the case detail at half the rate, a list of fees at three times the time
    // while case pages were being opened (docs/PERFORMANCE.md, "Reads per second"). A map only helped reads of
    // many pages in a database nobody was writing to.
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA mmap_size=0"));
  }
  QF_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  // Statement journals and sorters stay in memory: on disk they cost a temporary file per statement.
  QF_RETURN_IF_ERROR(db->Exec("PRAGMA temp_store=MEMORY"));
  QF_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size=-8000"));
  return db;
}

}  // namespace qf
