// The ledger's subcommands: print the verifier key, verify a ledger with the public key alone (from a server or
// a database file; with the file, every registered start-up check holds the domain tables to the verified
// events), erase an event's payload as the law requires, sign a checkpoint now.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "app/modules.h"
#include "common/status.h"
#include "common/strings.h"
#include "ledger/http_source.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"

namespace qf::ledger {
namespace json = boost::json;

void RegisterRoutes(Router& router, AppContext& app);

namespace {

CliAction Key(CLI::App& sub) {
  auto db = std::make_shared<std::string>(), key = std::make_shared<std::string>();
  sub.add_option("--db", *db, "database: a SQLite file path (key at <db>.ledger.key) or a postgresql:// URL");
  sub.add_option("--key-file", *key, "the signing key file");
  return [db, key](const CliContext&) {
    std::string file = *key;
    if (file.empty() && !db->empty()) {
      auto path = KeyFilePath(*db, ".ledger.key");
      if (!path.ok()) return CliFail(path.status());
      file = *path;
    }
    auto text = ReadWholeFile(file);
    if (!text.ok() || (key->empty() && db->empty())) return CliFail(NotFound("ledger.key", "找不到签名密钥文件：" + file));
    auto signer = NoteSigner::Parse(*text);
    if (!signer.ok()) return CliFail(signer.status());
    std::cout << signer->Verifier().Encode() << "\n";
    return 0;
  };
}

struct VerifyFlags {
  std::string key, url, db, state;
  std::vector<std::string> receipts;
};

CliAction Verify(CLI::App& sub) {
  auto f = std::make_shared<VerifyFlags>();
  sub.add_option("--key", f->key, "verifier key (name+id+key) or a file holding it")->required();
  sub.add_option("--url", f->url, "server base URL, e.g. http://127.0.0.1:8080");
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL");
  sub.add_option("--receipt", f->receipts, "receipt file (c2sp.org/tlog-proof@v1), repeatable");
  sub.add_option("--state", f->state, "state file of checkpoints seen before (rollback and fork detection)");
  return [f](const CliContext& ctx) {
    std::string vkey = f->key;
    if (std::filesystem::exists(f->key)) {
      auto text = ReadWholeFile(f->key);
      if (!text.ok()) return CliFail(text.status());
      vkey = *text;
    }
    auto key = NoteVerifier::Parse(vkey);
    if (!key.ok()) return CliFail(key.status());
    if (f->url.empty() == f->db.empty()) return CliFail(Invalid("ledger.verify", "请给出 --url 或 --db 之一"));
    std::unique_ptr<LogSource> src;
    std::unique_ptr<Db> db;
    if (!f->url.empty()) {
      auto h = HttpLogSource(f->url);
      if (!h.ok()) return CliFail(h.status());
      src = std::move(*h);
    } else {
      if (!Db::IsUrl(f->db) && !std::filesystem::exists(f->db)) return CliFail(NotFound("ledger.db", "数据库不存在：" + f->db));
      auto opened = Db::Open(f->db, DbMode::kReader);
      if (!opened.ok()) return CliFail(opened.status());
      db = std::move(*opened);
      src = std::make_unique<DbLogSource>(*db);
    }
    VerifyOptions vo;
    vo.key = *key;
    vo.check_held_entries = !f->db.empty();
    if (!f->state.empty()) vo.state_path = f->state;
    for (auto& file : f->receipts) {
      auto r = ReadWholeFile(file);
      if (!r.ok()) return CliFail(NotFound("ledger.receipt", "无法读取收据文件：" + file));
      vo.receipts.push_back(*r);
    }
    auto rep = VerifyLog(*src, vo);
    if (rep.ok() && db) {
      // With the database in hand, the domain tables are held to the verified events too.
      if (auto audit = ctx.run_checks(*db); !audit.ok()) rep = audit;
      else rep->lines.push_back("案件表与事件记录一致（无删除、无改动）");
    }
    if (!rep.ok()) {
      std::cerr << "验证失败：" << Str(rep.status().message()) << "\n";
      return 2;
    }
    for (auto& l : rep->lines) std::cout << "✓ " << l << "\n";
    std::cout << "验证通过：大小 " << rep->size << "，根 " << ToBase64(rep->root) << "\n";
    return 0;
  };
}

// Signs a checkpoint of what the database holds and prints it.
int Checkpoint(AppContext& app) {
  auto note = app.ledger->CheckpointNow(*app.writer);
  if (!note.ok()) return CliFail(note.status());
  std::cout << *note;
  return 0;
}

struct EraseFlags {
  std::string db, reason;
  int64_t seq = 0;
};

CliAction Erase(CLI::App& sub) {
  auto f = std::make_shared<EraseFlags>();
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--seq", f->seq, "event sequence number")->required();
  sub.add_option("--reason", f->reason, "legal basis")->required();
  return [f](const CliContext& ctx) {
    auto app = ctx.open(f->db);
    if (!app.ok()) return CliFail(app.status());
    auto r = (*app)->writer->Run(Actor::System(), [f](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int64_t ev, Ledger::Erase(tx, f->seq, f->reason));
      return json::value(ev);
    });
    if (!r.ok()) return CliFail(r.status());
    std::cout << "事件 " << f->seq << " 的内容已删除，删除记录为事件 " << r->as_int64() << "\n";
    return Checkpoint(**app);
  };
}

CliAction CheckpointNow(CLI::App& sub) {
  auto db = std::make_shared<std::string>();
  sub.add_option("--db", *db, "database: a SQLite file path or a postgresql:// URL")->required();
  return [db](const CliContext& ctx) {
    auto app = ctx.open(*db);
    if (!app.ok()) return CliFail(app.status());
    return Checkpoint(**app);
  };
}

}  // namespace

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.DescribeGroup("ledger", "the tamper-evident ledger");
  m.AddCommand("ledger key", "print the ledger's public (verifier) key", Key);
  m.AddCommand("ledger verify", "verify a ledger with the public key alone", Verify);
  m.AddCommand("ledger erase", "erase an event's payload as the law requires", Erase);
  m.AddCommand("ledger checkpoint", "sign a checkpoint now", CheckpointNow);
}

}  // namespace qf::ledger
