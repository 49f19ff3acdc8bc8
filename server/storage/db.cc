#include "storage/db.h"

#include "storage/fts.h"

#include <atomic>
#include <map>

#include "fmt/format.h"
#include "common/status.h"

namespace qf {

Stmt::~Stmt() {
  if (s_) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindBlob(int i, std::string_view v) {
  sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindAll(const std::vector<std::variant<int64_t, std::string>>& args, int first) {
  for (size_t i = 0; i < args.size(); ++i)
    std::visit([&](const auto& v) { Bind(first + static_cast<int>(i), v); }, args[i]);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

absl::StatusOr<bool> Stmt::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(s_);
  std::string msg = fmt::format("数据库错误：{}（{}）", sqlite3_errmsg(db), sqlite3_sql(s_));
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT)
    return MakeError(absl::StatusCode::kAlreadyExists, "db.constraint", msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return MakeError(absl::StatusCode::kUnavailable, "db.busy", msg);
  if (primary == SQLITE_INTERRUPT)
    return MakeError(absl::StatusCode::kUnavailable, "db.timeout", "查询超过时限，已中止；请缩小筛选范围后重试");
  return absl::InternalError(msg);
}

absl::Status Stmt::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return absl::OkStatus();
  }
}

absl::StatusOr<std::vector<int64_t>> Stmt::Ints() {
  std::vector<int64_t> out;
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return out;
    out.push_back(Int(0));
  }
}

std::string Stmt::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(s_, col);
  if (!t) return "";
  return std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, col));
}
std::optional<std::string> Stmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}
std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

absl::StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& path, DbMode mode) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (mode == DbMode::kWriter ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return MakeError(absl::StatusCode::kUnavailable, "db.open", "无法打开数据库 " + path + "：" + msg);
  }
  std::unique_ptr<Db> db(new Db(raw, path));
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  QF_RETURN_IF_ERROR(RegisterTextFunctions(raw));
  if (mode == DbMode::kWriter) {
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA wal_autocheckpoint=4000"));
  } else {
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA query_only=1"));
    // Reads through a memory map: no copy out of the page cache (proof serving reads tiles at random).
    QF_RETURN_IF_ERROR(db->Exec("PRAGMA mmap_size=268435456"));
  }
  QF_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  // Statement journals and sorters stay in memory: on disk they cost a temporary file per statement.
  QF_RETURN_IF_ERROR(db->Exec("PRAGMA temp_store=MEMORY"));
  QF_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size=-8000"));
  return db;
}

Db::~Db() {
  for (auto& [_, s] : cache_) sqlite3_finalize(s);
  sqlite3_close_v2(db_);
}

absl::Status Db::Error(int rc, std::string_view context) const {
  return absl::InternalError(fmt::format("数据库错误（{}）：{} rc={}", context, sqlite3_errmsg(db_), rc));
}

absl::Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "";
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_BUSY) return MakeError(absl::StatusCode::kUnavailable, "db.busy", msg);
    return absl::InternalError(fmt::format("数据库错误：{}（{}）", msg, sql.substr(0, 120)));
  }
  return absl::OkStatus();
}

void Db::SetDeadline(absl::Time deadline) {
  deadline_ = deadline;
  if (!progress_installed_ && deadline != absl::InfiniteFuture()) {
    // Called every few thousand virtual-machine steps: a clock read there costs nothing measurable.
    sqlite3_progress_handler(db_, 4000, &Db::Progress, this);
    progress_installed_ = true;
  }
}

int Db::Progress(void* self) { return absl::Now() > static_cast<Db*>(self)->deadline_ ? 1 : 0; }

absl::StatusOr<Stmt> Db::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &s,
                              nullptr);
  if (rc != SQLITE_OK) return Error(rc, key.substr(0, 200));
  cache_.emplace(std::move(key), s);
  return Stmt(s);
}

uint64_t ReadConnections::NextId() {
  static std::atomic<uint64_t> next{1};
  return next++;
}

absl::StatusOr<Db*> ReadConnections::Get() {
  thread_local std::map<uint64_t, std::unique_ptr<Db>> per_thread;
  auto it = per_thread.find(id_);
  if (it != per_thread.end()) return it->second.get();
  QF_ASSIGN_OR_RETURN(auto db, Db::Open(path_, DbMode::kReader));
  Db* out = db.get();
  per_thread.emplace(id_, std::move(db));
  return out;
}

}  // namespace qf
