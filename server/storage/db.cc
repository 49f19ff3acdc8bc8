#include "storage/db.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/status.h"
#include "storage/pg_db.h"
#include "storage/sqlite_db.h"
#include "spdlog/spdlog.h"

namespace qf {

absl::Status StorageFull(std::string_view detail) {
  spdlog::error("storage full: {}", detail);
  return MakeError(absl::StatusCode::kUnavailable, "storage.full",
                   "服务器存储空间已满，暂时不能保存新的内容；已保存的内容可照常查看。请稍后重试。");
}

absl::Status StorageUnwritable(std::string_view detail) {
  spdlog::error("storage cannot be written: {}", detail);
  return MakeError(absl::StatusCode::kUnavailable, "storage.unwritable",
                   "服务器存储暂时无法写入（只读或读写出错），暂时不能保存新的内容；已保存的内容可照常查看。请稍后重试。");
}

bool IsStorageFailure(const absl::Status& s) { return !s.ok() && StableCode(s).starts_with("storage."); }

Stmt& Stmt::BindAll(const std::vector<std::variant<int64_t, std::string>>& args, int first) {
  for (size_t i = 0; i < args.size(); ++i)
    std::visit([&](const auto& v) { Bind(first + static_cast<int>(i), v); }, args[i]);
  return *this;
}

absl::Status Cursor::RunToEnd() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return absl::OkStatus();
  }
}

absl::Status Stmt::Run() { return c_->RunToEnd(); }

absl::StatusOr<std::vector<int64_t>> Stmt::Ints() {
  std::vector<int64_t> out;
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return out;
    out.push_back(Int(0));
  }
}

absl::StatusOr<std::vector<std::string>> Stmt::Texts() {
  std::vector<std::string> out;
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return out;
    out.push_back(Text(0));
  }
}

std::optional<std::string> Stmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}
std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

bool Db::IsUrl(std::string_view target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://");
}

absl::StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& target, DbMode mode) {
  if (IsUrl(target)) return OpenPostgres(target, mode);
  return OpenSqlite(target, mode);
}

absl::Status GatherPlannerStatistics(Db& db) {
  return db.backend() == Backend::kPostgres ? db.Exec("ANALYZE") : absl::OkStatus();
}

std::string DatabaseName(const std::string& db) {
  if (!Db::IsUrl(db)) return std::filesystem::path(db).stem().string();
  std::string name = db.substr(db.find("://") + 3);
  if (size_t q = name.find('?'); q != std::string::npos) name.resize(q);
  if (size_t s = name.rfind('/'); s != std::string::npos) name = name.substr(s + 1);
  return name.empty() ? "qingfeng" : name;
}

absl::StatusOr<std::string> KeyFilePath(const std::string& db, std::string_view suffix) {
  if (!Db::IsUrl(db)) return db + std::string(suffix);
  const char* dir = std::getenv("QINGFENG_KEY_DIR");
  if (!dir || !*dir)
    return MakeError(absl::StatusCode::kFailedPrecondition, "keys.dir",
                     "使用 PostgreSQL 时，密钥文件不在数据库里：请用 --ledger-key 与 --vault-key 指定，或设置环境变量 "
                     "QINGFENG_KEY_DIR（docs/operations.md）");
  return std::string(dir) + "/" + DatabaseName(db) + std::string(suffix);
}

struct ReadConnections::Standby {
  std::string url;
  std::atomic<uint64_t> replayed{0};      // the highest position seen replayed (any thread's check)
  std::atomic<int64_t> down_until{0};     // unix nanos: not tried before this after a failure
};

namespace {
constexpr absl::Duration kStandbyRest = absl::Seconds(5);
constexpr absl::Duration kPoll = absl::Milliseconds(2);
}  // namespace

ReadConnections::ReadConnections(std::string primary, std::vector<std::string> standbys, absl::Duration wait)
    : primary_(std::move(primary)), wait_(wait) {
  for (auto& url : standbys) {
    standbys_.push_back(std::make_unique<Standby>());
    standbys_.back()->url = std::move(url);
  }
}

ReadConnections::~ReadConnections() = default;

uint64_t ReadConnections::NextId() {
  static std::atomic<uint64_t> next{1};
  return next++;
}

namespace {
// Per thread: the open connections, by (ReadConnections id, database index).
std::map<std::pair<uint64_t, size_t>, std::unique_ptr<Db>>& ThreadConnections() {
  thread_local std::map<std::pair<uint64_t, size_t>, std::unique_ptr<Db>> per_thread;
  return per_thread;
}
}  // namespace

absl::StatusOr<Db*> ReadConnections::Connection(size_t index) {
  auto& open = ThreadConnections();
  auto key = std::make_pair(id_, index);
  auto it = open.find(key);
  if (it != open.end()) {
    if (!it->second->Lost()) return it->second.get();
    open.erase(it);
  }
  QF_ASSIGN_OR_RETURN(auto db, Db::Open(index == 0 ? primary_ : standbys_[index - 1]->url, DbMode::kReader));
  Db* out = db.get();
  open.emplace(key, std::move(db));
  return out;
}

void ReadConnections::Forget(size_t index) { ThreadConnections().erase(std::make_pair(id_, index)); }

absl::StatusOr<Db*> ReadConnections::Get() { return Connection(0); }

absl::StatusOr<Db*> ReadConnections::ForRead(uint64_t floor) {
  if (standbys_.empty()) return Get();
  int64_t now = absl::ToUnixNanos(absl::Now());
  absl::Time deadline = absl::Now() + wait_;
  for (size_t k = 0, n = standbys_.size(), start = turn_++ % n; k < n; ++k) {
    size_t i = (start + k) % n;
    Standby& s = *standbys_[i];
    if (s.down_until.load() > now) continue;
    auto db = Connection(i + 1);
    bool waited = false;
    while (db.ok() && s.replayed.load() < floor) {
      if (waited) {
        if (absl::Now() >= deadline) break;  // behind for longer than a read may wait: the primary
        absl::SleepFor(kPoll);
      }
      auto pos = (*db)->HistoryPosition();
      if (!pos.ok()) {
        db = pos.status();
        break;
      }
      for (uint64_t seen = s.replayed.load(); *pos > seen && !s.replayed.compare_exchange_weak(seen, *pos);) {
      }
      waited = waited || s.replayed.load() < floor;
    }
    if (!db.ok()) {
      MarkDown(i + 1, std::string(db.status().message()));
      continue;
    }
    if (s.replayed.load() >= floor) {
      ++standby_reads_;
      if (waited) ++waited_reads_;
      return *db;
    }
    break;  // one standby waited for; the others are unlikely to be further ahead
  }
  ++primary_reads_;
  return Get();
}

void ReadConnections::MarkDown(size_t index, std::string_view why) {
  Standby& s = *standbys_[index - 1];
  spdlog::warn("standby {} failed, reading from the primary for {}s: {}", s.url, absl::ToInt64Seconds(kStandbyRest),
               std::string(why));
  s.down_until = absl::ToUnixNanos(absl::Now() + kStandbyRest);
  Forget(index);
}

absl::StatusOr<Db*> ReadConnections::Fallback(Db* failed) {
  for (auto& [key, db] : ThreadConnections()) {
    if (key.first != id_ || key.second == 0 || db.get() != failed) continue;
    MarkDown(key.second, "a read failed on it");
    --standby_reads_;
    ++primary_reads_;
    return Get();
  }
  return nullptr;
}

ReadConnections::Counts ReadConnections::counts() const {
  return Counts{standby_reads_.load(), waited_reads_.load(), primary_reads_.load()};
}

}  // namespace qf
