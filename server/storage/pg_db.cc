#include "storage/pg_db.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "storage/pg_sql.h"

namespace qf {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;

class PgDb;

absl::Status ResultError(const PGresult* res, PGconn* conn, std::string_view sql) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  std::string msg = fmt::format("数据库错误：{}（{}）", res ? PQresultErrorMessage(res) : PQerrorMessage(conn),
                                sql.substr(0, 200));
  if (code.starts_with("23")) return MakeError(absl::StatusCode::kAlreadyExists, "db.constraint", msg);
  // 53100 disk_full and the rest of class 53 (insufficient resources: out of memory, too many connections are
  // 53200/53300, which are not the disk's); 25006 a read-only transaction (a standby), 58030 an I/O error.
  if (code == "53100") return StorageFull(msg);
  if (code == "25006" || code == "58030") return StorageUnwritable(msg);
  if (code == "57014")
    return MakeError(absl::StatusCode::kUnavailable, "db.timeout", "查询超过时限，已中止；请缩小筛选范围后重试");
  if (code == "40001" || code == "40P01" || code == "55P03")
    return MakeError(absl::StatusCode::kUnavailable, "db.busy", msg);
  if (PQstatus(conn) != CONNECTION_OK || code.starts_with("08") || code.starts_with("57P"))
    return MakeError(absl::StatusCode::kUnavailable, "db.unavailable", msg);
  return absl::InternalError(msg);
}

class PgCursor final : public Cursor {
 public:
  PgCursor(PgDb* db, std::string sql, int params)
      : db_(db), sql_(std::move(sql)), values_(params), null_(params, true), formats_(params, 0),
        types_(params, 0) {}
  ~PgCursor() override { Clear(); }

  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), 0, kInt8Oid); }
  void BindReal(int i, double v) override { Set(i, fmt::format("{}", v), 0, kFloat8Oid); }
  void BindText(int i, std::string_view v) override { Set(i, std::string(v), 0, 0); }
  void BindBlob(int i, std::string_view v) override { Set(i, std::string(v), 1, kByteaOid); }
  void BindNull(int i) override {
    if (i < 1 || i > static_cast<int>(null_.size())) return;
    null_[i - 1] = true;
    types_[i - 1] = 0;
  }
  void Reset() override {
    Clear();
    std::fill(null_.begin(), null_.end(), true);
    std::fill(types_.begin(), types_.end(), 0);
  }
  absl::StatusOr<bool> Step() override;
  absl::Status Send() override;
  int64_t Int(int col) const override {
    if (PQgetisnull(res_, row_, col)) return 0;
    const char* v = PQgetvalue(res_, row_, col);
    int len = PQgetlength(res_, row_, col);
    if (PQftype(res_, col) == kBoolOid) return v[0] == 't' ? 1 : 0;
    int64_t out = 0;
    auto [p, ec] = std::from_chars(v, v + len, out);
    if (ec != std::errc() || p != v + len) return static_cast<int64_t>(std::strtod(v, nullptr));
    return out;
  }
  double Real(int col) const override {
    if (PQgetisnull(res_, row_, col)) return 0;
    if (PQftype(res_, col) == kBoolOid) return PQgetvalue(res_, row_, col)[0] == 't' ? 1 : 0;
    return std::strtod(PQgetvalue(res_, row_, col), nullptr);
  }
  std::string_view Bytes(int col) const override {
    if (PQgetisnull(res_, row_, col)) return {};
    const char* v = PQgetvalue(res_, row_, col);
    if (PQftype(res_, col) == kByteaOid) {
      size_t n = 0;
      unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
      decoded_.assign(reinterpret_cast<const char*>(raw), n);
      PQfreemem(raw);
      return decoded_;
    }
    if (PQftype(res_, col) == kBoolOid) return v[0] == 't' ? "1" : "0";
    return {v, static_cast<size_t>(PQgetlength(res_, row_, col))};
  }
  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  int Columns() const override { return res_ ? PQnfields(res_) : 0; }
  std::string ColumnName(int col) const override { return res_ ? PQfname(res_, col) : ""; }

 private:
  void Set(int i, std::string v, int format, Oid type) {
    if (i < 1 || i > static_cast<int>(values_.size())) return;
    values_[i - 1] = std::move(v);
    null_[i - 1] = false;
    formats_[i - 1] = format;
    types_[i - 1] = type;
  }
  // The server-side statement for the bound parameters' types: integers are bigint, reals double precision and
  // blobs bytea, so that a parameter used twice has one type; text and NULL are typed by their context.
  absl::StatusOr<const std::string*> Prepared();
  // The bound values as libpq takes them (pointers into values_, null for NULL).
  struct Params {
    std::vector<const char*> values;
    std::vector<int> lengths;
  };
  Params Bound() const;
  // Sends the statement with the bound values (the writer's pipeline) or runs it and waits for its result.
  absl::Status SendPrepared(const std::string& name);
  absl::StatusOr<PGresult*> ExecPrepared(const std::string& name);
  void Clear() {
    if (res_) PQclear(res_);
    res_ = nullptr;
    row_ = -1;
  }

  PgDb* db_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;
  std::vector<Oid> types_;
  std::unordered_map<std::string, std::string> prepared_;  // parameter types → statement name
  PGresult* res_ = nullptr;
  int row_ = -1;
  mutable std::string decoded_;
};

class PgDb final : public Db {
 public:
  PgDb(PGconn* conn, std::string url) : Db(std::move(url)), conn_(conn) {}
  ~PgDb() override {
    cache_.clear();
    PQfinish(conn_);
  }

  Backend backend() const override { return Backend::kPostgres; }
  absl::Status Exec(std::string_view sql) override;
  absl::StatusOr<Stmt> Prepare(std::string_view sql) override;
  int64_t LastInsertId() override;
  int Changes() const override { return changes_; }
  void SetDeadline(absl::Time deadline) override { deadline_ = deadline; }
  absl::StatusOr<uint64_t> HistoryPosition() override;
  bool Lost() const override { return PQstatus(conn_) != CONNECTION_OK; }
  bool InTransaction() const override { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  absl::Status Flush() override;

  PGconn* conn() { return conn_; }
  bool pipelined() const { return pipelined_; }
  // The writer's connection runs in libpq's pipeline mode: statements are sent as they come and their results read
  // at the next point that needs one (a Step, an Exec, Flush), which saves a round trip per statement sent with
  // Send. Entered once the session is set up.
  absl::Status EnterPipeline();
  // Notes a statement sent in the pipeline whose result is still to be read (`sql` for error messages).
  void Sent(const std::string* sql) { pending_.push_back(sql); }
  size_t pending() const { return pending_.size(); }
  // Marks a sync point and reads every pending result up to it; with `keep`, the last one's result (the caller's
  // statement) is handed back instead of cleared. The first failure among them is returned, so that a statement
  // sent earlier fails the command that sent it at the latest when the command ends.
  absl::StatusOr<PGresult*> Wait(bool keep);
  // Runs one statement without parameters and returns its result (pipelined or not).
  absl::StatusOr<PGresult*> Query(const std::string& sql);
  // Sends one statement without parameters in the pipeline.
  absl::Status SendText(const std::string& sql);
  std::string NextName() { return fmt::format("q{}", ++statements_); }
  void SetChanges(const PGresult* res) {
    const char* n = PQcmdTuples(const_cast<PGresult*>(res));
    changes_ = n && *n ? std::atoi(n) : 0;
  }
  // Brings statement_timeout in line with the deadline before a statement runs.
  absl::Status ApplyDeadline();

 private:
  PGconn* conn_;
  std::unordered_map<std::string, std::unique_ptr<PgCursor>> cache_;
  int changes_ = 0;
  int64_t statements_ = 0;
  absl::Time deadline_ = absl::InfiniteFuture();
  int64_t timeout_ms_ = 0;  // the statement_timeout in force on the connection (0: none)
  bool pipelined_ = false;
  std::vector<const std::string*> pending_;  // statements sent whose results are unread, in order
  std::deque<std::string> texts_;            // the texts of statements sent by Query (kept while pending)
};

absl::StatusOr<const std::string*> PgCursor::Prepared() {
  std::string key(reinterpret_cast<const char*>(types_.data()), types_.size() * sizeof(Oid));
  auto it = prepared_.find(key);
  if (it != prepared_.end()) return &it->second;
  std::string name = db_->NextName();
  PGresult* res = nullptr;
  if (db_->pipelined()) {
    if (!PQsendPrepare(db_->conn(), name.c_str(), sql_.c_str(), static_cast<int>(types_.size()), types_.data()))
      return ResultError(nullptr, db_->conn(), sql_);
    db_->Sent(&sql_);
    QF_ASSIGN_OR_RETURN(res, db_->Wait(true));
  } else {
    res = PQprepare(db_->conn(), name.c_str(), sql_.c_str(), static_cast<int>(types_.size()), types_.data());
  }
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    absl::Status err = ResultError(res, db_->conn(), sql_);
    PQclear(res);
    return err;
  }
  PQclear(res);
  return &prepared_.emplace(std::move(key), std::move(name)).first->second;
}

PgCursor::Params PgCursor::Bound() const {
  Params p;
  int n = static_cast<int>(values_.size());
  p.values.resize(n);
  p.lengths.resize(n);
  for (int i = 0; i < n; ++i) {
    p.values[i] = null_[i] ? nullptr : values_[i].data();
    p.lengths[i] = static_cast<int>(values_[i].size());
  }
  return p;
}

absl::Status PgCursor::SendPrepared(const std::string& name) {
  Params p = Bound();
  if (!PQsendQueryPrepared(db_->conn(), name.c_str(), static_cast<int>(p.values.size()), p.values.data(),
                           p.lengths.data(), formats_.data(), 0))
    return ResultError(nullptr, db_->conn(), sql_);
  db_->Sent(&sql_);
  return absl::OkStatus();
}

absl::StatusOr<PGresult*> PgCursor::ExecPrepared(const std::string& name) {
  if (db_->pipelined()) {
    QF_RETURN_IF_ERROR(SendPrepared(name));
    return db_->Wait(true);
  }
  Params p = Bound();
  return PQexecPrepared(db_->conn(), name.c_str(), static_cast<int>(p.values.size()), p.values.data(),
                        p.lengths.data(), formats_.data(), 0);
}

absl::Status PgCursor::Send() {
  if (!db_->pipelined()) return RunToEnd();
  Clear();
  QF_RETURN_IF_ERROR(db_->ApplyDeadline());
  QF_ASSIGN_OR_RETURN(const std::string* name, Prepared());
  QF_RETURN_IF_ERROR(SendPrepared(*name));
  // Results are small, but a command that sends thousands of rows must not fill both sockets' buffers.
  if (db_->pending() >= 256) return db_->Flush();
  return absl::OkStatus();
}

absl::StatusOr<bool> PgCursor::Step() {
  if (res_ && row_ >= PQntuples(res_)) Clear();  // done: run again, as SQLite does
  if (!res_) {
    QF_RETURN_IF_ERROR(db_->ApplyDeadline());
    QF_ASSIGN_OR_RETURN(const std::string* name, Prepared());
    QF_ASSIGN_OR_RETURN(PGresult* res, ExecPrepared(*name));
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      absl::Status err = ResultError(res, db_->conn(), sql_);
      PQclear(res);
      return err;
    }
    db_->SetChanges(res);
    res_ = res;
    row_ = -1;
  }
  if (row_ + 1 >= PQntuples(res_)) {
    row_ = PQntuples(res_);
    return false;
  }
  ++row_;
  return true;
}

absl::Status PgDb::EnterPipeline() {
  if (!PQenterPipelineMode(conn_)) return ResultError(nullptr, conn_, "pipeline mode");
  pipelined_ = true;
  return absl::OkStatus();
}

absl::StatusOr<PGresult*> PgDb::Wait(bool keep) {
  if (pending_.empty() && !keep) return nullptr;
  if (!PQpipelineSync(conn_)) return ResultError(nullptr, conn_, "pipeline sync");
  absl::Status first = absl::OkStatus();
  PGresult* kept = nullptr;
  size_t index = 0;  // the pending statement whose results are being read
  while (true) {
    PGresult* res = PQgetResult(conn_);
    if (!res) {
      // The end of one statement's results; a lost connection gives nothing more, not even the sync.
      if (++index > pending_.size()) {
        first = ResultError(nullptr, conn_, "pipeline");
        break;
      }
      continue;
    }
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(res);
      break;
    }
    if (st == PGRES_FATAL_ERROR && first.ok())
      first = ResultError(res, conn_, index < pending_.size() ? *pending_[index] : std::string_view("pipeline"));
    if (keep && index + 1 == pending_.size() && st != PGRES_FATAL_ERROR && st != PGRES_PIPELINE_ABORTED && !kept)
      kept = res;
    else
      PQclear(res);
  }
  pending_.clear();
  texts_.clear();
  if (!first.ok()) {
    if (kept) PQclear(kept);
    return first;
  }
  return kept;
}

absl::Status PgDb::Flush() {
  if (!pipelined_) return absl::OkStatus();
  return Wait(false).status();
}

absl::Status PgDb::SendText(const std::string& sql) {
  texts_.push_back(sql);
  if (!PQsendQueryParams(conn_, texts_.back().c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0))
    return ResultError(nullptr, conn_, sql);
  Sent(&texts_.back());
  return absl::OkStatus();
}

absl::StatusOr<PGresult*> PgDb::Query(const std::string& sql) {
  if (!pipelined_) return PQexec(conn_, sql.c_str());
  QF_RETURN_IF_ERROR(SendText(sql));
  return Wait(true);
}

absl::Status PgDb::ApplyDeadline() {
  int64_t want = 0;
  if (deadline_ != absl::InfiniteFuture()) {
    want = absl::ToInt64Milliseconds(deadline_ - absl::Now());
    if (want <= 0)
      return MakeError(absl::StatusCode::kUnavailable, "db.timeout", "查询超过时限，已中止；请缩小筛选范围后重试");
  }
  // Re-set only when the budget left differs noticeably: a request sets its deadline once.
  if (want == timeout_ms_ || (want > 0 && timeout_ms_ > 0 && want <= timeout_ms_ && timeout_ms_ - want < 50))
    return absl::OkStatus();
  QF_ASSIGN_OR_RETURN(PGresult* res, Query(fmt::format("SET statement_timeout = {}", want)));
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  absl::Status err = ok ? absl::OkStatus() : ResultError(res, conn_, "SET statement_timeout");
  PQclear(res);
  if (ok) timeout_ms_ = want;
  return err;
}

absl::Status PgDb::Exec(std::string_view sql) {
  std::string text(sql == "BEGIN IMMEDIATE" ? std::string_view("BEGIN") : sql);
  // Nothing to wait for: if it failed, so does the first statement after it that waits.
  if (pipelined_ && text == "BEGIN") return SendText(text);
  // A script of several statements goes by the simple protocol, which pipeline mode does not take.
  size_t semi = text.find(';');
  bool script = semi != std::string::npos && text.find_first_not_of(" \t\r\n;", semi) != std::string::npos;
  PGresult* res = nullptr;
  if (script && pipelined_) {
    QF_RETURN_IF_ERROR(Flush());
    PQexitPipelineMode(conn_);
    res = PQexec(conn_, text.c_str());
    PQenterPipelineMode(conn_);
  } else {
    QF_ASSIGN_OR_RETURN(res, Query(text));
  }
  ExecStatusType st = PQresultStatus(res);
  absl::Status out = absl::OkStatus();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
    out = ResultError(res, conn_, text);
  else if (text == "COMMIT" && std::string_view(PQcmdStatus(res)) == "ROLLBACK")
    // A transaction that failed part-way is rolled back by COMMIT, which PostgreSQL reports as success.
    out = MakeError(absl::StatusCode::kUnavailable, "db.commit_failed", "事务中有语句失败，提交被数据库回滚");
  else
    SetChanges(res);
  PQclear(res);
  return out;
}

absl::StatusOr<Stmt> PgDb::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return Stmt(it->second.get());
  PgStatement pg = ToPostgres(sql);
  auto cursor = std::make_unique<PgCursor>(this, std::move(pg.text), pg.params);
  Cursor* out = cursor.get();
  cache_.emplace(std::move(key), std::move(cursor));
  // Statements are kept for the connection's life: their number is bounded only if no statement's text carries
  // its values. Say so once if that is broken.
  if (cache_.size() == 2000) spdlog::warn("{} statements cached on one connection: is a value written into the SQL?", cache_.size());
  return Stmt(out);
}

int64_t PgDb::LastInsertId() {
  auto r = Query("SELECT lastval()");
  if (!r.ok()) return 0;
  PGresult* res = *r;
  int64_t id = 0;
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) id = std::atoll(PQgetvalue(res, 0, 0));
  PQclear(res);
  return id;
}

// A WAL position as PostgreSQL writes it ("16/B374D848": the high and low 32 bits in hex) as one number.
std::optional<uint64_t> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  uint32_t hi = 0, lo = 0;
  auto [p1, e1] = std::from_chars(text.data(), text.data() + slash, hi, 16);
  auto [p2, e2] = std::from_chars(text.data() + slash + 1, text.data() + text.size(), lo, 16);
  if (e1 != std::errc() || e2 != std::errc() || p1 != text.data() + slash || p2 != text.data() + text.size())
    return std::nullopt;
  return (uint64_t{hi} << 32) | lo;
}

absl::StatusOr<uint64_t> PgDb::HistoryPosition() {
  // A primary's flushed WAL holds every acknowledged commit and is what it streams; a standby reports its replay.
  constexpr const char* kSql =
      "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END";
  QF_ASSIGN_OR_RETURN(PGresult* res, Query(kSql));
  std::optional<uint64_t> pos;
  absl::Status err = absl::OkStatus();
  if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
    err = ResultError(res, conn_, kSql);
  else
    pos = PQgetisnull(res, 0, 0) ? std::optional<uint64_t>(0) : ParseLsn(PQgetvalue(res, 0, 0));
  PQclear(res);
  QF_RETURN_IF_ERROR(err);
  if (!pos) return absl::InternalError("数据库返回的 WAL 位置无法解析");
  return *pos;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url, DbMode mode) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return MakeError(absl::StatusCode::kUnavailable, "db.open", "无法连接数据库 " + url + "：" + msg);
  }
  std::unique_ptr<Db> db(new PgDb(conn, url));
  // UTC timestamps as text, notices not printed, and readers that cannot write. Readers plan each statement for
  // its values (plan_cache_mode): after five runs PostgreSQL may keep one plan for any values, and a list's plan
  // depends on them — a JSON array of 8 case keys planned as if of any length walked every case (25–90 ms
  // instead of 3 at 153,000 cases, from the 20th request of a server with four readers on).
  QF_RETURN_IF_ERROR(db->Exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'; "
                              "SET application_name = 'qingfeng'"));
  if (mode == DbMode::kReader)
    QF_RETURN_IF_ERROR(db->Exec("SET default_transaction_read_only = on; SET plan_cache_mode = force_custom_plan"));
  else QF_RETURN_IF_ERROR(static_cast<PgDb*>(db.get())->EnterPipeline());
  return db;
}

}  // namespace qf
