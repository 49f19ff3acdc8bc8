#include "storage/db.h"

#include <atomic>
#include <cstdlib>
#include <map>

#include "common/status.h"
#include "storage/pg_db.h"
#include "storage/sqlite_db.h"

namespace qf {

Stmt& Stmt::BindAll(const std::vector<std::variant<int64_t, std::string>>& args, int first) {
  for (size_t i = 0; i < args.size(); ++i)
    std::visit([&](const auto& v) { Bind(first + static_cast<int>(i), v); }, args[i]);
  return *this;
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

absl::StatusOr<std::string> KeyFilePath(const std::string& db, std::string_view suffix) {
  if (!Db::IsUrl(db)) return db + std::string(suffix);
  const char* dir = std::getenv("QINGFENG_KEY_DIR");
  if (!dir || !*dir)
    return MakeError(absl::StatusCode::kFailedPrecondition, "keys.dir",
                     "使用 PostgreSQL 时，密钥文件不在数据库里：请用 --ledger-key 与 --vault-key 指定，或设置环境变量 "
                     "QINGFENG_KEY_DIR（docs/operations.md）");
  std::string name = db.substr(db.find("://") + 3);
  if (size_t q = name.find('?'); q != std::string::npos) name.resize(q);
  if (size_t s = name.rfind('/'); s != std::string::npos) name = name.substr(s + 1);
  if (name.empty()) name = "qingfeng";
  return std::string(dir) + "/" + name + std::string(suffix);
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
