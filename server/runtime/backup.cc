#include "runtime/backup.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "app/modules.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "ledger/note.h"
#include "spdlog/spdlog.h"
#include "storage/db.h"

namespace qf {
namespace {

namespace fs = std::filesystem;

absl::Status SyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::InternalError("无法打开 " + path + "：" + std::strerror(errno));
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError("无法同步到磁盘：" + path);
  return absl::OkStatus();
}

std::string DirOf(const std::string& path) {
  std::string dir = fs::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// `partial`, written in full, synced and renamed to `to` (and the rename synced): an interrupted copy never looks
// complete.
absl::Status PutInPlace(const std::string& partial, const std::string& to) {
  QF_RETURN_IF_ERROR(SyncPath(partial));
  std::error_code ec;
  fs::rename(partial, to, ec);
  if (ec) return absl::InternalError("无法写入 " + to + "：" + ec.message());
  return SyncPath(DirOf(to));
}

// Runs `argv` (argv[0] found on PATH) with this process's output and errors; OK when it exits 0.
absl::Status RunTool(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ); rc != 0)
    return MakeError(absl::StatusCode::kFailedPrecondition, "backup.tool",
                     "无法运行 " + argv[0] + "：" + std::strerror(rc) + "（需要 PostgreSQL 客户端程序，Debian 软件包 postgresql-client）");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return absl::InternalError("等待 " + argv[0] + " 时出错：" + std::strerror(errno));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return MakeError(absl::StatusCode::kInternal, "backup.tool_failed",
                   absl::StrCat(argv[0], " 失败（", WIFEXITED(status) ? "退出码 " : "信号 ",
                                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), "），原因见它的输出"));
}

// What a backup file holds, from its first bytes: a SQLite database, a pg_dump archive (custom format), or neither.
enum class BackupKind { kSqlite, kPgDump, kUnknown };
BackupKind KindOf(const std::string& path) {
  std::string head(16, '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (head == std::string("SQLite format 3\0", 16)) return BackupKind::kSqlite;
  if (head.starts_with("PGDMP")) return BackupKind::kPgDump;
  return BackupKind::kUnknown;
}

absl::StatusOr<bool> HasTable(Db& db, std::string_view table) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(db.backend() == Backend::kSqlite
                                              ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                                              : "SELECT 1 WHERE to_regclass(?) IS NOT NULL"));
  st.Bind(1, table);
  return st.Step();
}

// A restore signs everyone out: the sessions of the backup's time (one signed out since among them) are not revived.
absl::Status SignEveryoneOut(Db& db) {
  QF_ASSIGN_OR_RETURN(bool sessions, HasTable(db, "staff_sessions"));
  return sessions ? db.Exec("DELETE FROM staff_sessions") : absl::OkStatus();
}

// pg_dump of `url` into `partial`, from a snapshot exported by a reading transaction that `check` then reads.
absl::Status DumpPostgres(const std::string& url, const std::string& partial, const BackupCheck& check) {
  QF_ASSIGN_OR_RETURN(auto reader, Db::Open(url, DbMode::kReader));
  QF_RETURN_IF_ERROR(reader->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  std::string snapshot;
  {
    QF_ASSIGN_OR_RETURN(auto st, reader->Prepare("SELECT pg_export_snapshot()"));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return absl::InternalError("PostgreSQL 未导出快照");
    snapshot = st.Text(0);
  }
  QF_RETURN_IF_ERROR(RunTool({"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshot,
                              "--file=" + partial, "--dbname=" + url}));
  // The archive reads back whole (its table of contents), before anything else is said of it.
  QF_RETURN_IF_ERROR(RunTool({"pg_restore", "--list", "--file=/dev/null", partial}));
  if (check) QF_RETURN_IF_ERROR(check(*reader));
  return reader->Exec("COMMIT");
}

}  // namespace

absl::Status CheckRestorable(const std::string& from, const std::string& db) {
  if (!fs::exists(from)) return NotFound("restore.from", "备份文件不存在：" + from);
  BackupKind kind = KindOf(from);
  if (kind != (Db::IsUrl(db) ? BackupKind::kPgDump : BackupKind::kSqlite))
    return Invalid("restore.kind",
                   kind == BackupKind::kUnknown
                       ? "这不是 qingfeng backup 写出的备份文件：" + from
                       : "备份与目标数据库的类型不同（SQLite 与 PostgreSQL 之间请先恢复，再用 qingfeng db copy 复制）",
                   {{"from", "与 --db 同类数据库的备份"}});
  auto not_empty = [&db](const std::string& what) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "restore.not_empty",
                     "目标数据库已存在，不会覆盖：" + what +
                         (Db::IsUrl(db) ? "（请用 createdb 新建一个空库来恢复）" : "（请先停止服务并把它移走）"),
                     {{"db", "一个空的数据库"}});
  };
  if (Db::IsUrl(db)) {
    QF_ASSIGN_OR_RETURN(auto target, Db::Open(db, DbMode::kReader));
    QF_ASSIGN_OR_RETURN(auto st, target->Prepare(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && st.Int(0) > 0) return not_empty(DatabaseName(db) + " 中已有 " + std::to_string(st.Int(0)) + " 张表");
    return absl::OkStatus();
  }
  for (const char* suffix : {"", "-wal", "-journal"}) {
    std::string path = db + suffix;
    if (fs::exists(path) && fs::file_size(path) > 0) return not_empty(path);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> BackupDatabase(const std::string& db, const std::string& to, const BackupCheck& check) {
  if (!Db::IsUrl(db) && !fs::exists(db)) return NotFound("backup.db", "数据库不存在：" + db);
  if (fs::exists(to))
    return MakeError(absl::StatusCode::kAlreadyExists, "backup.exists", "备份文件已存在，未覆盖：" + to,
                     {{"to", "一个不存在的文件"}});
  std::string partial = to + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  absl::Status s;
  if (Db::IsUrl(db)) {
    s = DumpPostgres(db, partial, check);
    if (s.ok()) s = PutInPlace(partial, to);
  } else {
    {
      // A connection that may create the output file (a read-only one may not); it reads the database only.
      QF_ASSIGN_OR_RETURN(auto conn, Db::Open(db, DbMode::kWriter));
      QF_ASSIGN_OR_RETURN(auto st, conn->Prepare("VACUUM INTO ?"));
      st.Bind(1, partial);
      s = st.Run();
    }
    if (s.ok()) s = PutInPlace(partial, to);
    if (s.ok() && check) {
      auto reader = Db::Open(to, DbMode::kReader);
      s = reader.ok() ? check(**reader) : reader.status();
      if (!s.ok()) fs::remove(to, ec);  // a backup that does not verify is not one
    }
  }
  fs::remove(partial, ec);
  QF_RETURN_IF_ERROR(s);
  return static_cast<int64_t>(fs::file_size(to));
}

absl::Status RestoreDatabase(const std::string& from, const std::string& db) {
  QF_RETURN_IF_ERROR(CheckRestorable(from, db));
  if (Db::IsUrl(db)) {
    // One transaction: a restore that fails leaves the database empty, as it was.
    QF_RETURN_IF_ERROR(RunTool({"pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
                                "--exit-on-error", "--dbname=" + db, from}));
    QF_ASSIGN_OR_RETURN(auto restored, Db::Open(db, DbMode::kWriter));
    QF_RETURN_IF_ERROR(SignEveryoneOut(*restored));
    return GatherPlannerStatistics(*restored);  // pg_restore leaves the planner without statistics
  }
  std::string partial = db + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  fs::copy_file(from, partial, ec);
  if (ec) return absl::InternalError("无法写入 " + partial + "：" + ec.message());
  {
    QF_ASSIGN_OR_RETURN(auto copy, Db::Open(partial, DbMode::kWriter));
    QF_RETURN_IF_ERROR(SignEveryoneOut(*copy));
  }
  return PutInPlace(partial, db);
}

absl::StatusOr<ledger::VerifyReport> VerifyWithKey(Db& reader, const std::string& key_path,
                                                   const std::function<absl::Status(Db&)>& checks) {
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(key_path));
  QF_ASSIGN_OR_RETURN(auto signer, ledger::NoteSigner::Parse(std::string(Trim(text))));
  ledger::DbLogSource src(reader);
  ledger::VerifyOptions vo;
  vo.key = signer.Verifier();
  vo.check_held_entries = true;
  QF_ASSIGN_OR_RETURN(auto report, ledger::VerifyLog(src, vo));
  if (checks) QF_RETURN_IF_ERROR(checks(reader));
  return report;
}

absl::StatusOr<ledger::VerifyReport> VerifyWithKey(const std::string& db, const std::string& key_path,
                                                   const std::function<absl::Status(Db&)>& checks) {
  QF_ASSIGN_OR_RETURN(auto reader, Db::Open(db, DbMode::kReader));
  return VerifyWithKey(*reader, key_path, checks);
}

BackupSchedule::BackupSchedule(std::string db, std::string dir, absl::Duration every, int keep, BackupCheck verify)
    : db_(std::move(db)), dir_(std::move(dir)), every_(every), keep_(std::max(keep, 1)), verify_(std::move(verify)),
      next_(absl::Now() + every), thread_([this] { Loop(); }) {}

BackupSchedule::~BackupSchedule() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

boost::json::object BackupSchedule::Status() const {
  std::lock_guard l(mu_);
  return {{"dir", dir_}, {"every_seconds", absl::ToInt64Seconds(every_)}, {"keep", keep_},
          {"last_ok", last_ok_}, {"last_error", last_error_}, {"next_at", FormatUtc(next_)}};
}

void BackupSchedule::Loop() {
  // Below the requests: a backup reads the whole file and may take minutes.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 15);
  std::unique_lock l(mu_);
  while (!stop_) {
    absl::Time now = absl::Now();
    if (next_ - now > every_) next_ = now + every_;  // the wall clock was set back: never more than one interval away
    if (now < next_) {
      // Woken at least once a minute, so that a clock set back or forward is noticed.
      cv_.wait_for(l, absl::ToChronoMilliseconds(std::min(next_ - now, absl::Minutes(1))), [this] { return stop_; });
      continue;
    }
    l.unlock();
    TakeOne();
    l.lock();
    next_ = absl::Now() + every_;
  }
}

std::string BackupSchedule::Extension() const { return Db::IsUrl(db_) ? ".dump" : ".db"; }

void BackupSchedule::TakeOne() {
  absl::Time now = absl::Now();
  std::string name = DatabaseName(db_) + absl::FormatTime("-%Y%m%d-%H%M%S", now, absl::UTCTimeZone()) + Extension();
  std::string file = (fs::path(dir_) / name).string();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  auto bytes = BackupDatabase(db_, file, verify_);
  absl::Status s = bytes.status();
  std::lock_guard l(mu_);
  if (!s.ok()) {
    spdlog::error("backup to {} failed: {}", file, s.message());
    last_error_ = boost::json::object{{"at", FormatUtc(now)}, {"message", std::string(s.message())}};
    return;
  }
  spdlog::info("backup {} ({} bytes) verified", file, *bytes);
  last_ok_ = boost::json::object{{"at", FormatUtc(now)}, {"file", file}, {"bytes", *bytes}};
  // The newest `keep` of this database's backups stay (their names sort by time).
  std::vector<fs::path> mine;
  std::string prefix = DatabaseName(db_) + "-";
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.path().filename().string().starts_with(prefix) && e.path().extension() == Extension())
      mine.push_back(e.path());
  std::sort(mine.begin(), mine.end());
  for (size_t i = 0; i + static_cast<size_t>(keep_) < mine.size(); ++i) fs::remove(mine[i], ec);
}

}  // namespace qf
