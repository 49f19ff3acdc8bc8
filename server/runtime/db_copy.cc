// The database's own commands. `qingfeng db copy --from A --to B` moves a bureau's database between backends (a
// SQLite file to PostgreSQL, or back) with the key files that belong to it; `qingfeng backup` takes a consistent
// copy of a database while the server runs and writes; `qingfeng restore` puts a backup in place of a database that
// is not there (or, on PostgreSQL, is empty). Each ends with the full ledger verification of what it wrote.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>

#include "common/status.h"
#include "common/strings.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include "runtime/runtime.h"
#include "search/index.h"
#include "storage/copy.h"
#include "storage/migrations.h"
#include "runtime/backup.h"

namespace qf {
namespace {

namespace fs = std::filesystem;

struct CopyFlags {
  std::string from, to;
  int64_t batch = 2000;
};

// Copies the key file `src` to `dst` (0600, synced); a different key already at `dst` is refused, never
// overwritten; the same key there is left as it is.
absl::Status CopyKeyFile(const std::string& src, const std::string& dst) {
  QF_ASSIGN_OR_RETURN(std::string key, ReadWholeFile(src));
  if (fs::exists(dst)) {
    QF_ASSIGN_OR_RETURN(std::string there, ReadWholeFile(dst));
    if (there != key)
      return MakeError(absl::StatusCode::kFailedPrecondition, "copy.key_exists",
                       "目标的密钥文件已存在且与源库的不同，未覆盖：" + dst);
    return absl::OkStatus();
  }
  int fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError("无法写入密钥文件 " + dst + "：" + std::strerror(errno));
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError("无法写入密钥文件 " + dst);
  return absl::OkStatus();
}

// The target gets the source's key files (a ledger is verified with its own key; the vault's identities open
// only with theirs).
absl::Status CopyKeys(const std::string& from, const std::string& to) {
  for (const char* suffix : {".ledger.key", ".vault.key"}) {
    QF_ASSIGN_OR_RETURN(std::string src, KeyFilePath(from, suffix));
    QF_ASSIGN_OR_RETURN(std::string dst, KeyFilePath(to, suffix));
    if (fs::exists(src)) QF_RETURN_IF_ERROR(CopyKeyFile(src, dst));
  }
  return absl::OkStatus();
}

// Prints what the verification of a database found (`what` names it): 0 when all held, 2 otherwise.
int PrintVerification(const absl::StatusOr<ledger::VerifyReport>& rep, std::string_view what) {
  if (!rep.ok()) {
    std::cerr << what << "账本验证失败：" << Str(rep.status().message()) << "\n";
    return 2;
  }
  for (auto& l : rep->lines) std::cout << "✓ " << l << "\n";
  std::cout << what << "账本验证通过：大小 " << rep->size << "，共 " << rep->held_size << " 条记录\n";
  return 0;
}

// The full verification of database `db`, as an outsider would run it: the log against its own signed checkpoints
// (with the public half of the ledger key in `key_path`), every event, the domain tables against the events (every registered
// start-up check). Prints what held; 0 when all did, 2 otherwise (`what` names the database in the message).
int VerifyDatabase(const std::string& db, const absl::StatusOr<std::string>& key_path, const CliContext& ctx,
                   std::string_view what) {
  if (!key_path.ok()) return CliFail(key_path.status());
  return PrintVerification(VerifyWithKey(db, *key_path, ctx.run_checks), what);
}

// The search index is not copied (each backend stores it its own way): it is written anew from the copied cases.
absl::Status IndexAll(Db& to) {
  QF_ASSIGN_OR_RETURN(auto ids, to.Prepare("SELECT id FROM cases ORDER BY id"));
  QF_ASSIGN_OR_RETURN(auto all, ids.Ints());
  for (size_t i = 0; i < all.size(); i += 2000) {
    QF_RETURN_IF_ERROR(to.Exec("BEGIN IMMEDIATE"));
    for (size_t k = i; k < std::min(all.size(), i + 2000); ++k) {
      if (auto s = search::IndexCase(to, all[k]); !s.ok()) {
        (void)to.Exec("ROLLBACK");
        return s;
      }
    }
    QF_RETURN_IF_ERROR(to.Exec("COMMIT"));
  }
  return absl::OkStatus();
}

int Copy(const CopyFlags& f, const CliContext& ctx) {
  if (Db::IsUrl(f.from) == Db::IsUrl(f.to))
    return CliFail(Invalid("copy.backends", "须在两种数据库之间复制：一端是 SQLite 文件，另一端是 postgresql:// 地址",
                           {{"to", "与 --from 不同的后端"}}));
  if (!Db::IsUrl(f.from) && !fs::exists(f.from)) return CliFail(NotFound("copy.from", "源数据库不存在：" + f.from));
  auto from = Db::Open(f.from, DbMode::kWriter);
  if (!from.ok()) return CliFail(from.status());
  if (auto s = Migrate(**from); !s.ok()) return CliFail(s);
  auto to = Db::Open(f.to, DbMode::kWriter);
  if (!to.ok()) return CliFail(to.status());
  if (auto s = CopyKeys(f.from, f.to); !s.ok()) return CliFail(s);
  CopyOptions opts;
  opts.batch = f.batch;
  opts.skip = {"case_fts", "case_search"};
  opts.progress = [](std::string_view table, int64_t rows) { std::cerr << "复制 " << table << "：" << rows << " 行\n"; };
  if (auto s = CopyDatabase(**from, **to, opts); !s.ok()) return CliFail(s);
  if (auto s = IndexAll(**to); !s.ok()) return CliFail(s);
  if (auto s = GatherPlannerStatistics(**to); !s.ok()) return CliFail(s);
  to->reset();
  return VerifyDatabase(f.to, KeyFilePath(f.to, ".ledger.key"), ctx, "复制完成，目标");
}

CliAction CopyCommand(CLI::App& sub) {
  auto f = std::make_shared<CopyFlags>();
  sub.add_option("--from", f->from, "the database copied: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--to", f->to, "the new, empty database of the other backend")->required();
  sub.add_option("--batch", f->batch, "rows per transaction (default 2000)");
  return [f](const CliContext& ctx) { return Copy(*f, ctx); };
}

struct BackupFlags {
  std::string db, to, keys_to;
};

// A consistent copy of the database while the server goes on writing, verified with the database's ledger key as
// it is taken (BackupDatabase), and the key files copied to another place on request.
int Backup(const BackupFlags& f, const CliContext& ctx) {
  auto key = KeyFilePath(f.db, ".ledger.key");
  if (!key.ok()) return CliFail(key.status());
  std::optional<absl::StatusOr<ledger::VerifyReport>> report;
  auto bytes = BackupDatabase(f.db, f.to, [&](Db& backup) {
    report = VerifyWithKey(backup, *key, ctx.run_checks);
    return report->status();
  });
  if (!bytes.ok()) return report && !report->ok() ? PrintVerification(*report, "备份文件") : CliFail(bytes.status());
  std::cout << "备份完成：" << f.to << "（" << *bytes << " 字节）\n";
  // The keys are not in the database. They belong elsewhere than the backup (the vault's key opens reporters'
  // identities): with --keys-to, copied there under the backup's name, where restore looks for them.
  for (const char* suffix : {".ledger.key", ".vault.key"}) {
    auto src = KeyFilePath(f.db, suffix);
    if (!src.ok()) return CliFail(src.status());
    if (!fs::exists(*src)) continue;
    if (f.keys_to.empty()) {
      std::cout << "密钥文件不在备份里，请另行妥善保存：" << fs::absolute(*src).string() << "\n";
      continue;
    }
    std::string dst = (fs::path(f.keys_to) / (fs::path(f.to).filename().string() + suffix)).string();
    if (auto s = CopyKeyFile(*src, dst); !s.ok()) return CliFail(s);
    std::cout << "密钥文件已复制到：" << dst << "\n";
  }
  return PrintVerification(*report, "备份文件");
}

CliAction BackupCommand(CLI::App& sub) {
  auto f = std::make_shared<BackupFlags>();
  sub.add_option("--db", f->db, "the database backed up, a SQLite file or a postgresql:// URL (the server may be running)")
      ->required();
  sub.add_option("--to", f->to, "the backup file to write (must not exist; pg_dump's custom format for PostgreSQL)")
      ->required();
  sub.add_option("--keys-to", f->keys_to, "a directory for copies of the key files (not beside the backup)");
  return [f](const CliContext& ctx) { return Backup(*f, ctx); };
}

struct RestoreFlags {
  std::string from, db, keys_from;
};

// A backup put in place of a database that is not there, its key files where the server will look for them, then
// verified.
int Restore(const RestoreFlags& f, const CliContext& ctx) {
  // Checked before the keys are put beside the target, so that a refused restore leaves nothing behind.
  if (auto s = CheckRestorable(f.from, f.db); !s.ok()) return CliFail(s);
  // The keys first: without the ledger's key the restored ledger could not be verified, nor signed on.
  std::string keys = f.keys_from.empty() ? fs::path(f.from).parent_path().string() : f.keys_from;
  if (keys.empty()) keys = ".";
  for (const char* suffix : {".ledger.key", ".vault.key"}) {
    std::string src = (fs::path(keys) / (fs::path(f.from).filename().string() + suffix)).string();
    auto dst = KeyFilePath(f.db, suffix);
    if (!dst.ok()) return CliFail(dst.status());
    if (!fs::exists(src)) {
      if (std::string_view(suffix) == ".ledger.key")
        return CliFail(NotFound("restore.key", "找不到备份的账本密钥文件：" + src + "（用 --keys-from 指定其目录）"));
      std::cout << "没有找到保密库密钥文件 " << src << "：恢复后无法查看举报人身份\n";
      continue;
    }
    if (auto s = CopyKeyFile(src, *dst); !s.ok()) return CliFail(s);
  }
  if (auto s = RestoreDatabase(f.from, f.db); !s.ok()) return CliFail(s);
  std::cout << "已恢复到：" << f.db << "\n";
  return VerifyDatabase(f.db, KeyFilePath(f.db, ".ledger.key"), ctx, "恢复完成，数据库");
}

CliAction RestoreCommand(CLI::App& sub) {
  auto f = std::make_shared<RestoreFlags>();
  sub.add_option("from", f->from, "the backup file")->required();
  sub.add_option("--db", f->db, "the database to create from it: a SQLite file that does not exist, or a postgresql:// URL of "
                               "a created, empty database")->required();
  sub.add_option("--keys-from", f->keys_from, "the directory holding the backup's key files (default: the backup's)");
  return [f](const CliContext& ctx) { return Restore(*f, ctx); };
}

}  // namespace

void RegisterDbCommands(Modules& m) {
  m.AddCommand("db copy", "copy a database to the other backend (SQLite ↔ PostgreSQL), then verify its ledger", CopyCommand);
  m.AddCommand("backup", "a consistent backup of the database while the server runs, its ledger verified",
               BackupCommand);
  m.AddCommand("restore", "restore a backup as a database that is not there yet, then verify its ledger",
               RestoreCommand);
}

}  // namespace qf
