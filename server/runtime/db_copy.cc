// `qingfeng db copy --from A --to B`: moves a bureau's database between backends (a SQLite file to PostgreSQL, or
// back) with the key files that belong to it, and ends with the full ledger verification on the target.
#include <filesystem>
#include <iostream>

#include "common/status.h"
#include "common/strings.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include "runtime/runtime.h"
#include "search/index.h"
#include "storage/copy.h"
#include "storage/migrations.h"

namespace qf {
namespace {

namespace fs = std::filesystem;

struct CopyFlags {
  std::string from, to;
  int64_t batch = 2000;
};

// The target gets the source's key files (a ledger is verified with its own key; the vault's identities open
// only with theirs); a different key already at the target's path is refused, never overwritten.
absl::Status CopyKeys(const std::string& from, const std::string& to) {
  for (const char* suffix : {".ledger.key", ".vault.key"}) {
    QF_ASSIGN_OR_RETURN(std::string src, KeyFilePath(from, suffix));
    QF_ASSIGN_OR_RETURN(std::string dst, KeyFilePath(to, suffix));
    if (!fs::exists(src)) continue;
    QF_ASSIGN_OR_RETURN(std::string key, ReadWholeFile(src));
    if (fs::exists(dst)) {
      QF_ASSIGN_OR_RETURN(std::string there, ReadWholeFile(dst));
      if (there != key)
        return MakeError(absl::StatusCode::kFailedPrecondition, "copy.key_exists",
                         "目标的密钥文件已存在且与源库的不同，未覆盖：" + dst);
      continue;
    }
    std::error_code ec;
    fs::copy_file(src, dst, ec);
    if (ec) return absl::InternalError("无法复制密钥文件 " + src + " → " + dst + "：" + ec.message());
    fs::permissions(dst, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  }
  return absl::OkStatus();
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
  to->reset();
  // The full verification, as an outsider would run it on the target: the log against its own signed checkpoints,
  // every event, and the domain tables against the events.
  auto key_path = KeyFilePath(f.to, ".ledger.key");
  if (!key_path.ok()) return CliFail(key_path.status());
  auto key_text = ReadWholeFile(*key_path);
  if (!key_text.ok()) return CliFail(key_text.status());
  auto signer = ledger::NoteSigner::Parse(Trim(*key_text));
  if (!signer.ok()) return CliFail(signer.status());
  auto reader = Db::Open(f.to, DbMode::kReader);
  if (!reader.ok()) return CliFail(reader.status());
  ledger::DbLogSource src(**reader);
  ledger::VerifyOptions vo;
  vo.key = signer->Verifier();
  vo.check_held_entries = true;
  auto rep = ledger::VerifyLog(src, vo);
  if (rep.ok()) {
    if (auto audit = ctx.run_checks(**reader); !audit.ok()) rep = audit;
  }
  if (!rep.ok()) {
    std::cerr << "复制完成，但目标的账本验证失败：" << Str(rep.status().message()) << "\n";
    return 2;
  }
  for (auto& l : rep->lines) std::cout << "✓ " << l << "\n";
  std::cout << "复制完成，目标账本验证通过：大小 " << rep->size << "，共 " << rep->held_size << " 条记录\n";
  return 0;
}

CliAction CopyCommand(CLI::App& sub) {
  auto f = std::make_shared<CopyFlags>();
  sub.add_option("--from", f->from, "the database copied: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--to", f->to, "the new, empty database of the other backend")->required();
  sub.add_option("--batch", f->batch, "rows per transaction (default 2000)");
  return [f](const CliContext& ctx) { return Copy(*f, ctx); };
}

}  // namespace

void RegisterDbCommands(Modules& m) {
  m.AddCommand("db copy", "copy a database to the other backend (SQLite ↔ PostgreSQL), then verify its ledger", CopyCommand);
}

}  // namespace qf
