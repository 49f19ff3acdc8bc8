// The binary's own subcommands: `serve` (the config file, then flags; the HTTP server with the web app, the
// ledger's checkpointer and the registered jobs), `routes` (the route table as JSON, for the OpenAPI test) and
// `version`.
#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <toml++/toml.h>

#include "common/status.h"
#include "common/strings.h"
#include "http/server.h"
#include "http/static_files.h"
#include "cases/policy.h"
#include "notify/deliver.h"
#include "runtime/backup.h"
#include "runtime/runtime.h"
#include "search/champions.h"
#include "search/repeats.h"
#include "spdlog/spdlog.h"
#include "storage/migrations.h"

namespace qf {
namespace {

struct ServeFlags {
  std::string config, db, listen, web, log_level = "info", ledger_key, ledger_origin;
  int workers = 0;
  int work_threads = 0, work_queue = 0, read_budget_ms = 0, read_wait_ms = -1;
  std::vector<std::string> read_dbs;
  size_t max_batch = 0;
  bool no_group = false, no_ledger = false, secure_cookies = false, no_rate_limits = false;
  std::vector<std::string> witness_keys, trusted_proxies;
  std::string backup_dir, backup_every;
  int backup_keep = 0;
  notify::DeliveryConfig notify;  // [notify]: where e-mail and text messages go (none: they wait in the outbox)
};

// The config file's settings under the flags given (a flag wins).
absl::Status ApplyConfig(ServeFlags& f, std::string& data_dir, std::string& host, int& port, std::string& db) {
  if (f.config.empty()) return absl::OkStatus();
  try {
    auto cfg = toml::parse_file(f.config);
    db = cfg["database"]["url"].value_or(cfg["database"]["path"].value_or(db));
    if (auto* arr = cfg["database"]["read_urls"].as_array(); arr && f.read_dbs.empty())
      for (auto& u : *arr)
        if (auto v = u.value<std::string>()) f.read_dbs.push_back(*v);
    if (f.read_wait_ms < 0) f.read_wait_ms = cfg["database"]["read_wait_ms"].value_or(-1);
    // Where a PostgreSQL database's key files live (docs/operations.md), unless the environment says already.
    if (auto dir = cfg["database"]["key_dir"].value<std::string>(); dir && !std::getenv("QINGFENG_KEY_DIR"))
      ::setenv("QINGFENG_KEY_DIR", dir->c_str(), 1);
    host = cfg["server"]["host"].value_or(host);
    port = cfg["server"]["port"].value_or(port);
    f.workers = f.workers ? f.workers : cfg["server"]["workers"].value_or(0);
    f.work_threads = f.work_threads ? f.work_threads : cfg["server"]["work_threads"].value_or(0);
    f.work_queue = f.work_queue ? f.work_queue : cfg["server"]["work_queue"].value_or(0);
    f.read_budget_ms = f.read_budget_ms ? f.read_budget_ms : cfg["server"]["read_budget_ms"].value_or(0);
    data_dir = cfg["data_dir"].value_or(data_dir);
    f.secure_cookies = f.secure_cookies || cfg["server"]["secure_cookies"].value_or(false);
    if (f.web.empty()) f.web = cfg["server"]["web_dir"].value_or(std::string());
    if (f.ledger_key.empty()) f.ledger_key = cfg["ledger"]["key_path"].value_or(std::string());
    if (f.ledger_origin.empty()) f.ledger_origin = cfg["ledger"]["origin"].value_or(std::string());
    if (f.backup_dir.empty()) f.backup_dir = cfg["backup"]["dir"].value_or(std::string());
    if (f.backup_every.empty()) f.backup_every = cfg["backup"]["every"].value_or(std::string());
    if (f.backup_keep == 0) f.backup_keep = cfg["backup"]["keep"].value_or(0);
    if (auto* arr = cfg["server"]["trusted_proxies"].as_array(); arr && f.trusted_proxies.empty())
      for (auto& p : *arr)
        if (auto v = p.value<std::string>()) f.trusted_proxies.push_back(*v);
    if (const auto* n = cfg["notify"].as_table()) {
      auto& d = f.notify;
      d.smtp_url = (*n)["smtp_url"].value_or(std::string());
      d.starttls = (*n)["starttls"].value_or(false);
      d.smtp_user = (*n)["smtp_user"].value_or(std::string());
      // The password is read from a file of its own (not kept in the config others read).
      if (auto pw = (*n)["smtp_password_file"].value<std::string>()) {
        std::ifstream in(*pw);
        std::getline(in, d.smtp_password);
      }
      d.ca_file = (*n)["ca_file"].value_or(std::string());
      d.from = (*n)["from"].value_or(std::string("qingfeng@localhost"));
      d.sms_url = (*n)["sms_url"].value_or(std::string());
      d.every = absl::Seconds((*n)["every_seconds"].value_or(10));
      d.max_attempts = (*n)["max_attempts"].value_or(8);
      d.retry_base = absl::Seconds((*n)["retry_base_seconds"].value_or(60));
    }
    if (auto* arr = cfg["ledger"]["witness_keys"].as_array())
      for (auto& w : *arr)
        if (auto v = w.value<std::string>()) f.witness_keys.push_back(*v);
  } catch (const toml::parse_error& e) {
    return Invalid("config.parse", std::string("配置文件解析失败：") + std::string(e.description()));
  }
  return absl::OkStatus();
}

int Serve(ServeFlags f, const CliContext& ctx) {
  std::string host = "127.0.0.1", db = "var/qingfeng.db", data_dir = ctx.data_dir;
  int port = 8080;
  if (auto s = ApplyConfig(f, data_dir, host, port, db); !s.ok()) return CliFail(s);
  if (!f.db.empty()) db = f.db;
  if (!f.listen.empty()) {
    auto colon = f.listen.rfind(':');
    auto p = colon == std::string::npos ? std::nullopt : ParseInt<int>(f.listen.substr(colon + 1));
    if (!p || *p < 0 || *p > 65535) return CliFail(Invalid("listen", "--listen 应为 HOST:PORT"));
    host = f.listen.substr(0, colon);
    port = *p;
  }
  int workers = f.workers > 0 ? f.workers : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  spdlog::set_level(spdlog::level::from_str(f.log_level));
  if (auto parent = std::filesystem::path(db).parent_path(); !parent.empty()) std::filesystem::create_directories(parent);

  WriterOptions wopts;
  wopts.group_commit = !f.no_group;
  if (f.max_batch) wopts.max_batch = f.max_batch;
  RuntimeOptions ropts{db, data_dir, wopts};
  ropts.ledger = !f.no_ledger;
  if (!f.ledger_key.empty()) ropts.ledger_options.key_path = f.ledger_key;
  if (!f.ledger_origin.empty()) ropts.ledger_options.origin = f.ledger_origin;
  ropts.ledger_options.witness_keys = f.witness_keys;
  ropts.rate_limits.enabled = !f.no_rate_limits;
  ropts.read_dbs = f.read_dbs;
  if (f.read_wait_ms >= 0) ropts.read_wait = absl::Milliseconds(f.read_wait_ms);
  auto rt = Runtime::Open(ropts, *ctx.clock);
  if (!rt.ok()) return CliFail(rt.status());
  if (auto* l = (*rt)->ledger()) {
    if (!l->integrity_error().empty())
      spdlog::error("writes refused: {}", l->integrity_error());
    else
      spdlog::info("ledger verified ({} entries signed); public key {}", l->CheckpointSize(), l->verifier().Encode());
    l->StartCheckpointer((*rt)->writer());
  }
  (*rt)->app().secure_cookies = f.secure_cookies;
  // Reads, files and large imports run here, not on the I/O threads; a full pool answers 503 at once.
  std::optional<WorkPool> work, files;
  work.emplace(f.work_threads > 0 ? f.work_threads : 4, f.work_queue > 0 ? f.work_queue : 64);
  (*rt)->app().work = &*work;
  // Downloads (exports, documents, reports) take whole cores for hundreds of milliseconds: one thread per core at
  // nice 15, so that lists, case pages and /healthz are served first while they run.
  files.emplace(std::max(1u, std::thread::hardware_concurrency()), 32, 15);
  (*rt)->app().files = &*files;
  // Relevance lists of common searches (search/champions.h) are built there too, off the requests' path, on the
  // primary (a standby's lists would hold the same).
  search::ChampionLists().SetRunner([app = &(*rt)->app()](const std::string&, std::function<void(Db*)> build) {
    return app->files->TrySubmit([app, build = std::move(build)] {
      auto db = app->readers->Get();
      build(db.ok() ? *db : nullptr);
    });
  });
  // The repeat finder's unit matcher and word frequencies, built now rather than in the first case opened.
  work->TrySubmit([app = &(*rt)->app()] {
    if (auto db = app->readers->Get(); db.ok() && *db) {
      if (auto warmed = search::WarmRepeats(**db, app->policies->repeats()); !warmed.ok())
        spdlog::warn("repeat finder not warmed: {}", warmed.message());
    }
  });
  if (f.read_budget_ms > 0) (*rt)->app().read_budget = absl::Milliseconds(f.read_budget_ms);
  Router router;
  (*rt)->RegisterRoutes(router);
  std::optional<StaticFiles> web;
  std::string web_dir = f.web;
  if (web_dir.empty() && std::filesystem::exists("web/dist/index.html")) web_dir = "web/dist";
  if (!web_dir.empty() && web_dir != "none") {
    auto files = StaticFiles::Load(web_dir);
    if (!files.ok()) return CliFail(files.status());
    web = std::move(*files);
    router.SetFallback([&web](Request& req, Respond respond) { web->Serve(req, respond); });
    spdlog::info("serving the web app from {} ({} files)", web_dir, web->size());
  }
  ServerOptions sopts;
  sopts.host = host;
  sopts.port = static_cast<uint16_t>(port);
  sopts.workers = workers;
  auto trusted = TrustedProxies::Parse(f.trusted_proxies);
  if (!trusted.ok()) return CliFail(trusted.status());
  sopts.trusted_proxies = std::move(*trusted);
  HttpServer server(router, sopts);
  auto bound = server.Listen();
  if (!bound.ok()) return CliFail(bound.status());
  // The line tests and scripts wait for; keep its form.
  std::cout << "listening on http://" << host << ":" << *bound << std::endl;
  spdlog::info("qingfeng {} serving {} with {} workers, group commit {}", QINGFENG_VERSION, db, workers,
               wopts.group_commit ? "on" : "off");
  // Scheduled backups, each verified with the database's ledger key; their status on /healthz.
  std::optional<BackupSchedule> backups;
  if (!f.backup_dir.empty()) {
    absl::Duration every;
    if (!absl::ParseDuration(f.backup_every.empty() ? "24h" : f.backup_every, &every) || every < absl::Seconds(1))
      return CliFail(Invalid("backup.every", "--backup-every 应为时长，如 24h、30m", {{"backup_every", "如 24h"}}));
    BackupCheck verify;
    if (!f.no_ledger) {
      auto key = f.ledger_key.empty() ? KeyFilePath(db, ".ledger.key") : absl::StatusOr<std::string>(f.ledger_key);
      if (!key.ok()) return CliFail(key.status());
      verify = [key = *key, checks = ctx.run_checks](Db& backup) {
        return VerifyWithKey(backup, key, checks).status();
      };
    }
    backups.emplace(db, f.backup_dir, every, f.backup_keep > 0 ? f.backup_keep : 14, std::move(verify));
    (*rt)->app().backup_status = [&backups] { return backups->Status(); };
    spdlog::info("backups of {} to {} every {}", db, f.backup_dir, absl::FormatDuration(every));
  }
  // Notifications: the outbox's messages sent by the deliverer when a mail server or a gateway is configured.
  std::optional<notify::Deliverer> deliverer;
  if (!f.notify.smtp_url.empty() || !f.notify.sms_url.empty()) {
    auto templates = notify::Templates::Load(data_dir + "/notify");
    if (!templates.ok()) return CliFail(templates.status());
    AppContext* app = &(*rt)->app();
    deliverer.emplace(f.notify, std::move(*templates), (*rt)->writer(), [app] { return app->readers->Get(); },
                      app->vault);
    deliverer->Start();
    spdlog::info("notifications: e-mail {}, text messages {}", f.notify.smtp_url.empty() ? "off" : f.notify.smtp_url,
                 f.notify.sms_url.empty() ? "off" : f.notify.sms_url);
  }
  {
    JobRunner jobs((*rt)->modules(), (*rt)->app());
    server.Run();
  }
  deliverer.reset();
  search::ChampionLists().SetRunner(nullptr);
  (*rt)->app().work = nullptr;
  (*rt)->app().files = nullptr;
  (*rt)->app().backup_status = nullptr;
  backups.reset();
  work.reset();  // finishes the reads under way before the runtime closes
  files.reset();
  auto stats = (*rt)->writer().stats();
  auto reads = (*rt)->readers().counts();
  rt->reset();  // stops the writer after committing what is queued
  spdlog::info("stopped: {} commands in {} commits", stats.commands, stats.commits);
  if (!f.read_dbs.empty())
    spdlog::info("reads: {} on standbys ({} after waiting for replay), {} on the primary", reads.standby,
                 reads.waited, reads.primary);
  return 0;
}

CliAction ServeCommand(CLI::App& sub) {
  auto f = std::make_shared<ServeFlags>();
  sub.add_option("--config", f->config, "TOML config file");
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL");
  sub.add_option("--listen", f->listen, "HOST:PORT (port 0 picks a free one)");
  sub.add_option("--web", f->web, "the built web app to serve (default web/dist when it exists; none: API only)");
  sub.add_option("--workers", f->workers, "I/O threads");
  sub.add_option("--work-threads", f->work_threads, "threads for reads, files and imports (default 4)");
  sub.add_option("--work-queue", f->work_queue, "requests that may wait for them before 503 (default 64)");
  sub.add_option("--read-budget-ms", f->read_budget_ms, "a read's statements are stopped past this (default 10000)");
  sub.add_option("--read-db", f->read_dbs,
                 "a hot standby (postgresql:// URL, repeatable) that takes reads; list the primary too to spread them");
  sub.add_option("--read-wait-ms", f->read_wait_ms,
                 "how long a read waits for a standby to replay the caller's writes before the primary (default 500)");
  sub.add_flag("--no-group-commit", f->no_group, "commit each write on its own (baseline for benchmarks)");
  sub.add_option("--max-batch", f->max_batch, "most commands per group commit");
  sub.add_option("--log-level", f->log_level, "trace|debug|info|warn|error");
  sub.add_flag("--no-ledger", f->no_ledger, "serve without the ledger (benchmark baseline only)");
  sub.add_option("--ledger-key", f->ledger_key, "ledger signing key file (default <db>.ledger.key, created 0600)");
  sub.add_option("--ledger-origin", f->ledger_origin, "checkpoint origin line (default qingfeng.local/ledger)");
  sub.add_flag("--no-rate-limits", f->no_rate_limits, "no per-client limits on public endpoints (load tests on loopback only)");
  sub.add_option("--trusted-proxy", f->trusted_proxies,
                 "a reverse proxy (address or CIDR network, repeatable) whose X-Forwarded-For names the client for the limits");
  sub.add_flag("--secure-cookies", f->secure_cookies, "mark session cookies Secure (when served behind TLS)");
  sub.add_option("--witness-key", f->witness_keys, "a witness's cosignature/v1 verifier key (repeatable)");
  sub.add_option("--backup-dir", f->backup_dir, "take verified backups of the SQLite database into this directory");
  sub.add_option("--backup-every", f->backup_every, "how often (default 24h; e.g. 12h, 30m)");
  sub.add_option("--backup-keep", f->backup_keep, "how many backups to keep (default 14)");
  return [f](const CliContext& ctx) { return Serve(*f, ctx); };
}

CliAction RoutesCommand(CLI::App&) {
  return [](const CliContext& ctx) {
    // Routes are registered against an in-memory database: nothing is written anywhere.
    RuntimeOptions ro{":memory:", ctx.data_dir, {}};
    ro.ledger = false;
    auto rt = Runtime::Open(ro, *ctx.clock);
    if (!rt.ok()) return CliFail(rt.status());
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
  };
}

CliAction VersionCommand(CLI::App& sub) {
  auto db = std::make_shared<std::string>();
  sub.add_option("--db", *db, "also show this database's schema version and whether this binary can serve it");
  return [db](const CliContext&) {
    std::cout << "qingfeng " << QINGFENG_VERSION << " (database schema " << LatestSchemaVersion() << ", SQLite "
              << sqlite3_libversion() << ")\n";
    if (db->empty()) return 0;
    if (!Db::IsUrl(*db) && !std::filesystem::exists(*db)) return CliFail(NotFound("version.db", "数据库不存在：" + *db));
    auto conn = Db::Open(*db, DbMode::kReader);
    if (!conn.ok()) return CliFail(conn.status());
    auto has = HasSchema(**conn);
    if (!has.ok()) return CliFail(has.status());
    if (!*has) {
      std::cout << "数据库 " << *db << "：尚无结构（首次启动时创建）\n";
      return 0;
    }
    auto version = CurrentVersion(**conn);
    if (!version.ok()) return CliFail(version.status());
    int latest = LatestSchemaVersion((*conn)->backend());
    std::cout << "数据库 " << *db << "：结构版本 " << *version
              << (*version == latest ? "（与本程序一致）"
                  : *version < latest ? "（启动时将升级到 " + std::to_string(latest) + "）"
                                      : "（比本程序新：请使用新版程序，本程序拒绝启动）")
              << "\n";
    return *version > latest ? 3 : 0;
  };
}

}  // namespace

void RegisterDbCommands(Modules& m);

void RegisterServe(Modules& m) {
  RegisterDbCommands(m);
  m.AddCommand("serve", "serve the HTTP API", ServeCommand);
  m.AddCommand("routes", "print the route table as JSON (for the OpenAPI test)", RoutesCommand);
  m.AddCommand("version", "print the version (with --db, a database's schema version)", VersionCommand);
}

}  // namespace qf
