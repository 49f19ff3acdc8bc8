// qingfeng: composes the modules into one binary with subcommands (serve, demo, import, stats, calendar,
// version). Nothing but composition and argument handling lives here.
#include <malloc.h>
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <toml++/toml.h>

#include "runtime/runtime.h"
#include "cases/audit.h"
#include "cases/cases.h"
#include "common/crypto_util.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "auth/totp.h"
#include "demo/demo.h"
#include "http/server.h"
#include "reports/dashboard.h"
#include "reports/documents.h"
#include "http/static_files.h"
#include "draws/draws.h"
#include "inspect/inspect.h"
#include "ledger/http_source.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "org/org.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace {

using namespace qf;

int Fail(const absl::Status& s) {
  std::cerr << "错误：" << Str(s.message()) << "\n";
  for (auto& f : FieldErrors(s)) std::cerr << "  " << f.field << "：" << f.message << "\n";
  return 1;
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string DataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("QINGFENG_DATA")) return env;
  return "data";
}

// A background sweep every minute while serving: supervision cards of cases and of rectification orders, and
// provisional deadlines recomputed once a year's notice is loaded.
class Sweeper {
 public:
  explicit Sweeper(AppContext& app) : app_(app), thread_([this] { Loop(); }) {}
  ~Sweeper() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock l(mu_);
    while (!stop_) {
      l.unlock();
      cases::CaseEnv env{app_.calendar, app_.policies, app_.vault};
      const Calendar* cal = app_.calendar;
      auto r = app_.writer->Run(Actor::System(), [env, cal](Tx& tx) -> absl::StatusOr<boost::json::value> {
        QF_ASSIGN_OR_RETURN(int n, cases::SweepSupervision(tx, env));
        QF_ASSIGN_OR_RETURN(int m, cases::RecomputeProvisional(tx, env));
        inspect::InspectEnv ienv{cal, nullptr, env.policies};
        QF_ASSIGN_OR_RETURN(int k, inspect::SweepRectifications(tx, ienv));
        QF_ASSIGN_OR_RETURN(int c, inspect::SweepCampaignResults(tx, ienv));
        k += c;
        return boost::json::array{n, m, k};
      });
      if (!r.ok()) spdlog::warn("supervision sweep failed: {}", r.status().message());
      l.lock();
      cv_.wait_for(l, std::chrono::seconds(60), [this] { return stop_; });
    }
  }
  AppContext& app_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  // Keep freed memory in the process instead of returning it to the kernel after every large free
  // (heap trimming showed as madvise calls in the writer's profile).
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  if (!SodiumInit()) {
    std::cerr << "libsodium 初始化失败\n";
    return 1;
  }
  // Logs go to stderr; stdout carries only command output (and the "listening on" line).
  spdlog::set_default_logger(spdlog::stderr_color_mt("qingfeng"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  CLI::App cli{"清风 Qingfeng — 教育系统投诉举报与廉政监督平台"};
  cli.require_subcommand(1);
  std::string data_flag;
  cli.add_option("--data", data_flag, "data directory (calendar, policies); default ./data or $QINGFENG_DATA");

  // serve
  auto* serve = cli.add_subcommand("serve", "serve the HTTP API");
  std::string config_path, db_path, listen, web_dir;
  int workers = 0;
  bool no_group = false;
  size_t max_batch = 0;
  std::string log_level = "info";
  serve->add_option("--config", config_path, "TOML config file");
  serve->add_option("--db", db_path, "SQLite database path");
  serve->add_option("--listen", listen, "HOST:PORT (port 0 picks a free one)");
  serve->add_option("--web", web_dir, "the built web app to serve (default web/dist when it exists; none: API only)");
  serve->add_option("--workers", workers, "I/O threads");
  serve->add_flag("--no-group-commit", no_group, "commit each write on its own (baseline for benchmarks)");
  serve->add_option("--max-batch", max_batch, "most commands per group commit");
  serve->add_option("--log-level", log_level, "trace|debug|info|warn|error");
  bool no_ledger = false;
  std::string ledger_key, ledger_origin;
  serve->add_flag("--no-ledger", no_ledger, "serve without the ledger (benchmark baseline only)");
  serve->add_option("--ledger-key", ledger_key, "ledger signing key file (default <db>.ledger.key, created 0600)");
  serve->add_option("--ledger-origin", ledger_origin, "checkpoint origin line (default qingfeng.local/ledger)");
  std::vector<std::string> witness_keys;
  bool secure_cookies = false;
  bool no_rate_limits = false;
  serve->add_flag("--no-rate-limits", no_rate_limits, "no per-client limits on public endpoints (load tests on loopback only)");
  serve->add_flag("--secure-cookies", secure_cookies, "mark session cookies Secure (when served behind TLS)");
  serve->add_option("--witness-key", witness_keys, "a witness's cosignature/v1 verifier key (repeatable)");

  // demo
  auto* demo = cli.add_subcommand("demo", "build the demo database");
  std::string demo_db;
  demo->add_option("--db", demo_db, "database path (must not exist)")->required();

  // import
  auto* imp = cli.add_subcommand("import", "bulk import units, people, relations or cases (CSV or XLSX)");
  std::string imp_db, imp_units, imp_people, imp_rel, imp_cases, imp_channel = "zmztc", imp_rejects;
  bool accept_valid = false;
  imp->add_option("--db", imp_db, "database path")->required();
  imp->add_option("--units", imp_units, "units file");
  imp->add_option("--people", imp_people, "people file");
  imp->add_option("--relations", imp_rel, "relations file");
  imp->add_option("--cases", imp_cases, "hotline or platform export");
  imp->add_option("--channel", imp_channel, "channel of the cases file (zmztc, mayor_hotline, …)");
  imp->add_flag("--accept-valid", accept_valid, "apply the valid rows and write the rejected ones to --rejects");
  imp->add_option("--rejects", imp_rejects, "where rejected rows and reasons go (with --accept-valid)");
  std::string imp_backdate;
  imp->add_option("--backdate-reason", imp_backdate,
                  "why rows received more than 30 days ago are entered now (required for such rows)");

  // stats
  auto* stats = cli.add_subcommand("stats", "items by channel, category and state");
  std::string st_db, st_from, st_to;
  stats->add_option("--db", st_db, "database path")->required();
  stats->add_option("--from", st_from, "first day YYYY-MM-DD")->required();
  stats->add_option("--to", st_to, "last day YYYY-MM-DD")->required();

  // report
  auto* report = cli.add_subcommand("report", "documents: the half-year summary and the quarterly bulletin");
  report->require_subcommand(1);
  auto* rep_summary = report->add_subcommand("summary", "the half-year summary (工作总结) as DOCX");
  auto* rep_bulletin = report->add_subcommand("bulletin", "the quarterly bulletin (季度通报) as DOCX or XLSX");
  std::string rep_db, rep_half, rep_quarter, rep_out;
  rep_summary->add_option("--db", rep_db, "database path")->required();
  rep_summary->add_option("--half", rep_half, "2026H1 or 2026H2")->required();
  rep_summary->add_option("--out", rep_out, "FILE.docx")->required();
  rep_bulletin->add_option("--db", rep_db, "database path")->required();
  rep_bulletin->add_option("--quarter", rep_quarter, "2026Q1 … 2026Q4")->required();
  rep_bulletin->add_option("--out", rep_out, "FILE.docx or FILE.xlsx")->required();

  // calendar
  auto* cal = cli.add_subcommand("calendar", "show how a deadline is computed");
  auto* cal_add = cal->add_subcommand("add", "START TERM, e.g. 2026-04-30 5wd or 2026-01-20 60d");
  std::string cal_start, cal_term;
  cal_add->add_option("start", cal_start)->required();
  cal_add->add_option("term", cal_term)->required();
  cal->require_subcommand(1);

  auto* led = cli.add_subcommand("ledger", "the tamper-evident ledger");
  led->require_subcommand(1);
  auto* led_key = led->add_subcommand("key", "print the ledger's public (verifier) key");
  std::string lk_db, lk_key;
  led_key->add_option("--db", lk_db, "database path (key at <db>.ledger.key)");
  led_key->add_option("--key-file", lk_key, "the signing key file");
  auto* led_verify = led->add_subcommand("verify", "verify a ledger with the public key alone");
  std::string lv_key, lv_url, lv_db, lv_state;
  std::vector<std::string> lv_receipts;
  led_verify->add_option("--key", lv_key, "verifier key (name+id+key) or a file holding it")->required();
  led_verify->add_option("--url", lv_url, "server base URL, e.g. http://127.0.0.1:8080");
  led_verify->add_option("--db", lv_db, "database file");
  led_verify->add_option("--receipt", lv_receipts, "receipt file (c2sp.org/tlog-proof@v1), repeatable");
  led_verify->add_option("--state", lv_state, "state file of checkpoints seen before (rollback and fork detection)");
  auto* led_erase = led->add_subcommand("erase", "erase an event's payload as the law requires");
  std::string le_db, le_reason;
  int64_t le_seq = 0;
  led_erase->add_option("--db", le_db, "database path")->required();
  led_erase->add_option("--seq", le_seq, "event sequence number")->required();
  led_erase->add_option("--reason", le_reason, "legal basis")->required();
  auto* led_cp = led->add_subcommand("checkpoint", "sign a checkpoint now");
  std::string lc_db;
  led_cp->add_option("--db", lc_db, "database path")->required();

  auto* drw = cli.add_subcommand("draw", "random draws of experts, inspectors and exam supervisors");
  drw->require_subcommand(1);
  auto* drw_verify = drw->add_subcommand("verify", "recompute a released draw from its published inputs");
  int64_t dv_id = 0;
  std::string dv_db, dv_url, dv_file;
  drw_verify->add_option("id", dv_id, "draw number")->required();
  drw_verify->add_option("--db", dv_db, "database file");
  drw_verify->add_option("--url", dv_url, "server base URL: reads GET /api/v1/public/draws/ID like any outsider");
  drw_verify->add_option("--file", dv_file, "the public record saved as JSON");
  bool dv_campaign = false;
  drw_verify->add_flag("--campaign", dv_campaign, "ID is an inspection campaign: recompute its sample of schools");

  auto* version = cli.add_subcommand("version", "print the version");
  auto* routes = cli.add_subcommand("routes", "print the route table as JSON (for the OpenAPI test)");

  CLI11_PARSE(cli, argc, argv);
  std::string data_dir = DataDir(data_flag);

  if (*version) {
    std::cout << "qingfeng " << QINGFENG_VERSION << " (schema " << sqlite3_libversion() << ")\n";
    return 0;
  }

  if (*cal) {
    Calendar calendar;
    if (auto s = calendar.LoadDir(data_dir + "/calendar"); !s.ok()) return Fail(s);
    auto start = ParseDay(cal_start);
    auto term = Term::Parse(cal_term);
    if (!start) return Fail(Invalid("calendar.start", "起算日格式应为 YYYY-MM-DD"));
    if (!term.ok()) return Fail(term.status());
    auto r = calendar.Add(*start, *term, true);
    for (auto& s : r.steps) std::cout << s << "\n";
    std::cout << "结果：" << FormatDay(r.due) << (r.provisional ? "（暂定）" : "") << "  日历版本 " << r.calendar_version << "\n";
    return 0;
  }

  SystemClock system_clock;

  if (*led_key) {
    std::string file = !lk_key.empty() ? lk_key : lk_db + ".ledger.key";
    bool ok;
    std::string text = ReadFile(file, &ok);
    if (!ok || (lk_key.empty() && lk_db.empty())) return Fail(NotFound("ledger.key", "找不到签名密钥文件：" + file));
    auto signer = ledger::NoteSigner::Parse(text);
    if (!signer.ok()) return Fail(signer.status());
    std::cout << signer->Verifier().Encode() << "\n";
    return 0;
  }

  if (*led_verify) {
    std::string vkey = lv_key;
    if (std::filesystem::exists(lv_key)) {
      bool ok;
      vkey = ReadFile(lv_key, &ok);
    }
    auto key = ledger::NoteVerifier::Parse(vkey);
    if (!key.ok()) return Fail(key.status());
    if (lv_url.empty() == lv_db.empty()) return Fail(Invalid("ledger.verify", "请给出 --url 或 --db 之一"));
    std::unique_ptr<ledger::LogSource> src;
    std::unique_ptr<Db> db;
    if (!lv_url.empty()) {
      auto h = ledger::HttpLogSource(lv_url);
      if (!h.ok()) return Fail(h.status());
      src = std::move(*h);
    } else {
      if (!std::filesystem::exists(lv_db)) return Fail(NotFound("ledger.db", "数据库不存在：" + lv_db));
      auto opened = Db::Open(lv_db, DbMode::kReader);
      if (!opened.ok()) return Fail(opened.status());
      db = std::move(*opened);
      src = std::make_unique<ledger::DbLogSource>(*db);
    }
    ledger::VerifyOptions vo;
    vo.key = *key;
    vo.check_held_entries = !lv_db.empty();
    if (!lv_state.empty()) vo.state_path = lv_state;
    for (auto& f : lv_receipts) {
      bool ok;
      std::string r = ReadFile(f, &ok);
      if (!ok) return Fail(NotFound("ledger.receipt", "无法读取收据文件：" + f));
      vo.receipts.push_back(r);
    }
    auto rep = ledger::VerifyLog(*src, vo);
    if (rep.ok() && db) {
      // With the database in hand, the case tables are held to the verified events too.
      if (auto audit = cases::AuditProjections(*db); !audit.ok()) rep = audit;
      else rep->lines.push_back("案件表与事件记录一致（无删除、无改动）");
    }
    if (!rep.ok()) {
      std::cerr << "验证失败：" << Str(rep.status().message()) << "\n";
      return 2;
    }
    for (auto& l : rep->lines) std::cout << "✓ " << l << "\n";
    std::cout << "验证通过：大小 " << rep->size << "，根 " << ledger::ToBase64(rep->root) << "\n";
    return 0;
  }

  if (*led_erase || *led_cp) {
    auto rt = Runtime::Open({*led_erase ? le_db : lc_db, data_dir, {}}, system_clock);
    if (!rt.ok()) return Fail(rt.status());
    if (*led_erase) {
      auto r = (*rt)->writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<boost::json::value> {
        QF_ASSIGN_OR_RETURN(int64_t ev, ledger::Ledger::Erase(tx, le_seq, le_reason));
        return boost::json::value(ev);
      });
      if (!r.ok()) return Fail(r.status());
      std::cout << "事件 " << le_seq << " 的内容已删除，删除记录为事件 " << r->as_int64() << "\n";
    }
    auto note = (*rt)->ledger()->CheckpointNow((*rt)->writer());
    if (!note.ok()) return Fail(note.status());
    std::cout << *note;
    return 0;
  }

  if (*routes) {
    // Routes are registered against an in-memory database: nothing is written anywhere.
    RuntimeOptions ro{":memory:", data_dir, {}};
    ro.ledger = false;
    auto rt = Runtime::Open(ro, system_clock);
    if (!rt.ok()) return Fail(rt.status());
    Router router;
    (*rt)->RegisterRoutes(router);
    boost::json::array out;
    for (const auto& r : router.routes()) {
      boost::json::array roles;
      for (auto& n : RoleNames(r.roles)) roles.push_back(boost::json::string(n));
      out.push_back(boost::json::object{{"method", r.method}, {"path", r.pattern}, {"roles", roles},
                                        {"max_body", r.max_body}, {"summary", r.summary}});
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }

  if (*demo) {
    if (std::filesystem::exists(demo_db)) return Fail(Invalid("demo.exists", "演示数据库已存在：" + demo_db));
    ManualClock clock(absl::Now());
    auto rt = Runtime::Open({demo_db, data_dir, {}}, clock);
    if (!rt.ok()) return Fail(rt.status());
    auto s = demo::Build(**rt, clock);
    if (s.ok()) s = (*rt)->ledger()->CheckpointNow((*rt)->writer()).status();
    if (!s.ok()) {
      rt->reset();
      std::filesystem::remove(demo_db);
      std::filesystem::remove(demo_db + "-wal");
      std::filesystem::remove(demo_db + "-shm");
      return Fail(s);
    }
    std::cout << "演示数据库已生成：" << demo_db << "\n演示账号（密码 " << demo::DemoAccounts::kPassword
              << "，动态口令密钥 " << auth::Base32Encode(demo::DemoAccounts::kTotpSecret)
              << "）：clerk handler handler_yh handler_fin supervisor leader admin inspector principal_yh001\n";
    return 0;
  }

  if (*report) {
    auto rt = Runtime::Open({rep_db, data_dir, {}}, system_clock);
    if (!rt.ok()) return Fail(rt.status());
    auto db = (*rt)->app().readers->Get();
    if (!db.ok()) return Fail(db.status());
    absl::StatusOr<std::string> bytes;
    if (*rep_summary) {
      auto p = reports::ParseHalf(rep_half);
      if (!p.ok()) return Fail(p.status());
      if (!rep_out.ends_with(".docx")) return Fail(Invalid("report.out", "--out 应为 .docx 文件"));
      bytes = reports::SummaryDocx(**db, data_dir, *p, system_clock.Now());
    } else {
      auto p = reports::ParseQuarter(rep_quarter);
      if (!p.ok()) return Fail(p.status());
      if (rep_out.ends_with(".docx")) bytes = reports::BulletinDocx(**db, rep_quarter, system_clock.Now());
      else if (rep_out.ends_with(".xlsx")) bytes = reports::BulletinXlsx(**db, rep_quarter, system_clock.Now());
      else return Fail(Invalid("report.out", "--out 应为 .docx 或 .xlsx 文件"));
    }
    if (!bytes.ok()) return Fail(bytes.status());
    std::ofstream out(rep_out, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.close();
    if (!out) return Fail(absl::InternalError("cannot write " + rep_out));
    std::cout << "wrote " << rep_out << " (" << bytes->size() << " bytes)\n";
    return 0;
  }

  if (*drw_verify) {
    std::string text;
    if (!dv_file.empty()) {
      std::ifstream in(dv_file, std::ios::binary);
      if (!in) return Fail(absl::NotFoundError("读不到文件 " + dv_file));
      text.assign(std::istreambuf_iterator<char>(in), {});
    } else if (!dv_url.empty()) {
      auto body = ledger::HttpGet(dv_url, std::string(dv_campaign ? "/api/v1/public/campaigns/" : "/api/v1/public/draws/") +
                                              std::to_string(dv_id));
      if (!body.ok()) return Fail(body.status());
      text = *body;
    } else if (!dv_db.empty()) {
      auto db = Db::Open(dv_db, DbMode::kReader);
      if (!db.ok()) return Fail(db.status());
      auto rec = dv_campaign ? inspect::PublicCampaign(**db, dv_id) : draws::PublicRecord(**db, dv_id);
      if (!rec.ok()) return Fail(rec.status());
      text = boost::json::serialize(*rec);
    } else {
      return Fail(Invalid("draw.source", "请用 --db、--url 或 --file 指定公开记录的来源"));
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) return Fail(Invalid("draw.record", "公开记录不是 JSON 对象"));
    const auto& rec = v.as_object();
    draws::Verification result;
    if (dv_campaign) {
      auto sc = inspect::VerifySample(rec);
      result.ok = sc.ok;
      result.passed = sc.passed;
      result.failed = sc.failed;
    } else {
      result = draws::Verify(rec);
    }
    std::cout << (dv_campaign ? "抽样 " : "抽取 ") << dv_id;
    for (const char* k : {"purpose", "title"})
      if (auto* p = rec.if_contains(k); p && p->is_string()) std::cout << "（" << p->as_string().c_str() << "）";
    std::cout << "\n";
    for (auto& s : result.passed) std::cout << "  ✓ " << s << "\n";
    for (auto& s : result.failed) std::cout << "  ✗ " << s << "\n";
    if (auto* sample = rec.if_contains("sample"); dv_campaign && sample && sample->is_array()) {
      std::cout << "抽中 " << sample->as_array().size() << " 所：";
      for (auto& s : sample->as_array()) std::cout << s.at("code").as_string().c_str() << " ";
      std::cout << "\n";
    }
    if (auto* calls = rec.if_contains("calls"); calls && calls->is_array()) {
      std::cout << "抽中：";
      for (auto& c : calls->as_array())
        if (c.at("status").as_string() == "selected") std::cout << c.at("code").as_string().c_str() << " ";
      std::cout << "\n";
    }
    std::cout << (result.ok ? "结论：与公布结果一致\n" : "结论：不一致\n");
    return result.ok ? 0 : 1;
  }

  if (*stats) {
    auto rt = Runtime::Open({st_db, data_dir, {}}, system_clock);
    if (!rt.ok()) return Fail(rt.status());
    auto db = (*rt)->app().readers->Get();
    if (!db.ok()) return Fail(db.status());
    auto r = reports::Dashboard(**db, st_from, st_to, system_clock.Now());
    if (!r.ok()) return Fail(r.status());
    std::cout << st_from << " 至 " << st_to << " 共受理 " << r->at("total").as_int64() << " 件\n";
    for (auto [key, title] : {std::pair{"by_channel", "按来源"}, std::pair{"by_category", "按类别"}, std::pair{"by_state", "按状态"}}) {
      std::cout << title << "：\n";
      for (auto& it : r->at(key).as_array())
        std::cout << "  " << it.at("label").as_string().c_str() << "\t" << it.at("count").as_int64() << "\n";
    }
    std::cout << "按期办结 " << r->at("handling_on_time").as_int64() << "，超期办结 " << r->at("handling_late").as_int64()
              << "，当前超期未结 " << r->at("overdue_now").as_int64() << "\n";
    return 0;
  }

  if (*imp) {
    auto rt = Runtime::Open({imp_db, data_dir, {}}, system_clock);
    if (!rt.ok()) return Fail(rt.status());
    AppContext& app = (*rt)->app();
    std::vector<FieldError> all_rejected;
    auto run = [&](const std::string& file, const char* what) -> int {
      if (file.empty()) return 0;
      bool ok;
      std::string content = ReadFile(file, &ok);
      if (!ok) return Fail(NotFound("import.file", std::string("无法读取文件：") + file));
      auto table = ReadTable(content);
      if (!table.ok()) return Fail(table.status());
      cases::CaseEnv env{app.calendar, app.policies, app.vault};
      std::string w = what;
      auto r = app.writer->Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<boost::json::value> {
        int applied = 0;
        std::vector<FieldError> rejected;
        if (w == "cases") {
          QF_ASSIGN_OR_RETURN(auto rep, cases::ImportCases(tx, env, *table, imp_channel, accept_valid, 0, imp_backdate));
          applied = rep.applied;
          rejected = rep.rejected;
        } else {
          auto rep = w == "units" ? org::ImportUnits(tx, *table, accept_valid)
                     : w == "people" ? org::ImportPeople(tx, *table, accept_valid)
                                     : org::ImportRelations(tx, *table, accept_valid);
          if (!rep.ok()) return rep.status();
          applied = rep->applied;
          rejected = rep->rejected;
        }
        all_rejected.insert(all_rejected.end(), rejected.begin(), rejected.end());
        return boost::json::value(applied);
      });
      if (!r.ok()) return Fail(r.status());
      std::cout << file << "：导入 " << r->as_int64() << " 行\n";
      return 0;
    };
    if (int rc = run(imp_units, "units")) return rc;
    if (int rc = run(imp_people, "people")) return rc;
    if (int rc = run(imp_rel, "relations")) return rc;
    if (int rc = run(imp_cases, "cases")) return rc;
    if (!all_rejected.empty()) {
      std::cout << "拒绝 " << all_rejected.size() << " 处问题";
      if (!imp_rejects.empty()) {
        std::ofstream out(imp_rejects);
        out << "\xEF\xBB\xBF位置,原因\n";
        for (auto& f : all_rejected) out << '"' << f.field << "\",\"" << f.message << "\"\n";
        std::cout << "，已写入 " << imp_rejects;
      }
      std::cout << "\n";
    }
    return 0;
  }

  // serve: config file, then flags.
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db = "var/qingfeng.db";
  if (!config_path.empty()) {
    try {
      auto cfg = toml::parse_file(config_path);
      db = cfg["database"]["path"].value_or(db);
      host = cfg["server"]["host"].value_or(host);
      port = cfg["server"]["port"].value_or(port);
      workers = workers ? workers : cfg["server"]["workers"].value_or(0);
      data_dir = cfg["data_dir"].value_or(data_dir);
      secure_cookies = secure_cookies || cfg["server"]["secure_cookies"].value_or(false);
      if (web_dir.empty()) web_dir = cfg["server"]["web_dir"].value_or(std::string());
      if (ledger_key.empty()) ledger_key = cfg["ledger"]["key_path"].value_or(std::string());
      if (ledger_origin.empty()) ledger_origin = cfg["ledger"]["origin"].value_or(std::string());
      if (auto* arr = cfg["ledger"]["witness_keys"].as_array())
        for (auto& w : *arr)
          if (auto v = w.value<std::string>()) witness_keys.push_back(*v);
    } catch (const toml::parse_error& e) {
      return Fail(Invalid("config.parse", std::string("配置文件解析失败：") + std::string(e.description())));
    }
  }
  if (!db_path.empty()) db = db_path;
  if (!listen.empty()) {
    auto colon = listen.rfind(':');
    auto p = colon == std::string::npos ? std::nullopt : ParseInt<int>(listen.substr(colon + 1));
    if (!p || *p < 0 || *p > 65535) return Fail(Invalid("listen", "--listen 应为 HOST:PORT"));
    host = listen.substr(0, colon);
    port = *p;
  }
  if (workers <= 0) workers = std::max(2u, std::thread::hardware_concurrency());
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (auto parent = std::filesystem::path(db).parent_path(); !parent.empty()) std::filesystem::create_directories(parent);

  WriterOptions wopts;
  wopts.group_commit = !no_group;
  if (max_batch) wopts.max_batch = max_batch;
  RuntimeOptions ropts{db, data_dir, wopts};
  ropts.ledger = !no_ledger;
  if (!ledger_key.empty()) ropts.ledger_options.key_path = ledger_key;
  if (!ledger_origin.empty()) ropts.ledger_options.origin = ledger_origin;
  ropts.ledger_options.witness_keys = witness_keys;
  ropts.rate_limits.enabled = !no_rate_limits;
  auto rt = Runtime::Open(ropts, system_clock);
  if (!rt.ok()) return Fail(rt.status());
  if (auto* l = (*rt)->ledger()) {
    if (!l->integrity_error().empty())
      spdlog::error("writes refused: {}", l->integrity_error());
    else
      spdlog::info("ledger verified ({} entries signed); public key {}", l->CheckpointSize(), l->verifier().Encode());
    l->StartCheckpointer((*rt)->writer());
  }
  (*rt)->app().secure_cookies = secure_cookies;
  Router router;
  (*rt)->RegisterRoutes(router);
  std::optional<StaticFiles> web;
  if (web_dir.empty() && std::filesystem::exists("web/dist/index.html")) web_dir = "web/dist";
  if (!web_dir.empty() && web_dir != "none") {
    auto files = StaticFiles::Load(web_dir);
    if (!files.ok()) return Fail(files.status());
    web = std::move(*files);
    router.SetFallback([&web](Request& req, Respond respond) { web->Serve(req, respond); });
    spdlog::info("serving the web app from {} ({} files)", web_dir, web->size());
  }
  ServerOptions sopts;
  sopts.host = host;
  sopts.port = static_cast<uint16_t>(port);
  sopts.workers = workers;
  HttpServer server(router, sopts);
  auto bound = server.Listen();
  if (!bound.ok()) return Fail(bound.status());
  // The line tests and scripts wait for; keep its form.
  std::cout << "listening on http://" << host << ":" << *bound << std::endl;
  spdlog::info("qingfeng {} serving {} with {} workers, group commit {}", QINGFENG_VERSION, db, workers,
               wopts.group_commit ? "on" : "off");
  {
    Sweeper sweeper((*rt)->app());
    server.Run();
  }
  auto stats_w = (*rt)->writer().stats();
  rt->reset();  // stops the writer after committing what is queued
  spdlog::info("stopped: {} commands in {} commits", stats_w.commands, stats_w.commits);
  return 0;
}
