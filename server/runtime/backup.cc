#include "runtime/backup.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

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

}  // namespace

absl::Status SqliteOnly(const std::string& db, std::string_view field) {
  if (!Db::IsUrl(db)) return absl::OkStatus();
  return Invalid("backup.postgres",
                 "PostgreSQL 数据库请用 pg_basebackup、WAL 归档或 pg_dump 备份和恢复（见 docs/operations.md），密钥文件另行保存",
                 {{std::string(field), "SQLite 数据库文件路径"}});
}

absl::Status CheckRestorable(const std::string& from, const std::string& db) {
  QF_RETURN_IF_ERROR(SqliteOnly(db, "db"));
  if (!fs::exists(from)) return NotFound("restore.from", "备份文件不存在：" + from);
  for (const char* suffix : {"", "-wal", "-journal"}) {
    std::string path = db + suffix;
    if (fs::exists(path) && fs::file_size(path) > 0)
      return MakeError(absl::StatusCode::kFailedPrecondition, "restore.not_empty",
                       "目标数据库已存在，不会覆盖：" + path + "（请先停止服务并把它移走）",
                       {{"db", "一个不存在的数据库文件"}});
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> BackupSqlite(const std::string& db, const std::string& to) {
  QF_RETURN_IF_ERROR(SqliteOnly(db, "db"));
  if (!fs::exists(db)) return NotFound("backup.db", "数据库不存在：" + db);
  if (fs::exists(to))
    return MakeError(absl::StatusCode::kAlreadyExists, "backup.exists", "备份文件已存在，未覆盖：" + to,
                     {{"to", "一个不存在的文件"}});
  std::string partial = to + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  {
    // A connection that may create the output file (a read-only one may not); it reads the database only.
    QF_ASSIGN_OR_RETURN(auto conn, Db::Open(db, DbMode::kWriter));
    QF_ASSIGN_OR_RETURN(auto st, conn->Prepare("VACUUM INTO ?"));
    st.Bind(1, partial);
    if (auto s = st.Run(); !s.ok()) {
      fs::remove(partial, ec);
      return s;
    }
  }
  QF_RETURN_IF_ERROR(PutInPlace(partial, to));
  return static_cast<int64_t>(fs::file_size(to));
}

absl::Status RestoreSqlite(const std::string& from, const std::string& db) {
  QF_RETURN_IF_ERROR(CheckRestorable(from, db));
  std::string partial = db + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  fs::copy_file(from, partial, ec);
  if (ec) return absl::InternalError("无法写入 " + partial + "：" + ec.message());
  // A restore signs everyone out: the sessions of the backup's time (one signed out since among them) are not revived.
  {
    QF_ASSIGN_OR_RETURN(auto copy, Db::Open(partial, DbMode::kWriter));
    QF_ASSIGN_OR_RETURN(auto has, copy->Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'staff_sessions'"));
    QF_ASSIGN_OR_RETURN(bool sessions, has.Step());
    if (sessions) QF_RETURN_IF_ERROR(copy->Exec("DELETE FROM staff_sessions"));
  }
  return PutInPlace(partial, db);
}

absl::StatusOr<ledger::VerifyReport> VerifyWithKey(const std::string& db, const std::string& key_path,
                                                   const std::function<absl::Status(Db&)>& checks) {
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(key_path));
  QF_ASSIGN_OR_RETURN(auto signer, ledger::NoteSigner::Parse(std::string(Trim(text))));
  QF_ASSIGN_OR_RETURN(auto reader, Db::Open(db, DbMode::kReader));
  ledger::DbLogSource src(*reader);
  ledger::VerifyOptions vo;
  vo.key = signer.Verifier();
  vo.check_held_entries = true;
  QF_ASSIGN_OR_RETURN(auto report, ledger::VerifyLog(src, vo));
  if (checks) QF_RETURN_IF_ERROR(checks(*reader));
  return report;
}

BackupSchedule::BackupSchedule(std::string db, std::string dir, absl::Duration every, int keep, VerifyFn verify)
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

void BackupSchedule::TakeOne() {
  absl::Time now = absl::Now();
  std::string name = fs::path(db_).stem().string() + absl::FormatTime("-%Y%m%d-%H%M%S.db", now, absl::UTCTimeZone());
  std::string file = (fs::path(dir_) / name).string();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  auto bytes = BackupSqlite(db_, file);
  absl::Status s = bytes.status();
  if (s.ok() && verify_) {
    s = verify_(file);
    if (!s.ok()) fs::remove(file, ec);  // a backup that does not verify is not one
  }
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
  std::string prefix = fs::path(db_).stem().string() + "-";
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.path().filename().string().starts_with(prefix) && e.path().extension() == ".db") mine.push_back(e.path());
  std::sort(mine.begin(), mine.end());
  for (size_t i = 0; i + static_cast<size_t>(keep_) < mine.size(); ++i) fs::remove(mine[i], ec);
}

}  // namespace qf
