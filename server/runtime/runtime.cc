#include "runtime/runtime.h"

#include "auth/session_store.h"
#include "cases/cases.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/xlsx_out.h"
#include "notices/notices.h"
#include "spdlog/spdlog.h"
#include "storage/migrations.h"

namespace qf {

// Each domain's registration (routes, start-up commands and checks, jobs, subcommands), defined beside its
// handlers.
namespace auth { void Register(Modules& m); }
namespace org { void Register(Modules& m); }
namespace cases { void Register(Modules& m); }
namespace open311 { void Register(Modules& m); }
namespace notify { void Register(Modules& m); }
namespace ledger { void Register(Modules& m); }
namespace reports { void Register(Modules& m); }
namespace notices { void Register(Modules& m); }
namespace draws { void Register(Modules& m); }
namespace inspect { void Register(Modules& m); }
namespace placement { void Register(Modules& m); }
namespace duty { void Register(Modules& m); }
namespace admissions { void Register(Modules& m); }
namespace projects { void Register(Modules& m); }
namespace fees { void Register(Modules& m); }
namespace exams { void Register(Modules& m); }

void RegisterModules(Modules& m) {
  auth::Register(m);
  org::Register(m);
  cases::Register(m);
  open311::Register(m);
  notify::Register(m);
  ledger::Register(m);
  reports::Register(m);
  notices::Register(m);
  draws::Register(m);
  inspect::Register(m);
  placement::Register(m);
  duty::Register(m);
  admissions::Register(m);
  projects::Register(m);
  fees::Register(m);
  exams::Register(m);
  RegisterServe(m);
}

absl::Status RunChecks(const Modules& m, Db& reader) {
  for (const auto& c : m.checks()) {
    if (auto s = c.check(reader); !s.ok()) {
      spdlog::error("start-up check failed ({}): {}", c.name, s.message());
      return s;
    }
  }
  return absl::OkStatus();
}

CliContext MakeCliContext(std::string data_dir, const Clock& clock) {
  auto modules = std::make_shared<Modules>();
  RegisterModules(*modules);
  CliContext ctx;
  ctx.data_dir = data_dir;
  ctx.clock = &clock;
  ctx.open = [data_dir, &clock](const std::string& db) -> absl::StatusOr<std::shared_ptr<AppContext>> {
    QF_ASSIGN_OR_RETURN(auto rt, Runtime::Open({db, data_dir, {}}, clock));
    std::shared_ptr<Runtime> owner(std::move(rt));
    return std::shared_ptr<AppContext>(owner, &owner->app());
  };
  ctx.run_checks = [modules](Db& reader) { return RunChecks(*modules, reader); };
  return ctx;
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Open(const RuntimeOptions& opts, const Clock& clock) {
  // Standbys are checked before anything is opened: a wrong flag changes nothing.
  if (!opts.read_dbs.empty() && !Db::IsUrl(opts.db_path))
    return Invalid("read_db", "只读备库（--read-db）仅适用于 PostgreSQL 主库");
  for (const auto& url : opts.read_dbs)
    if (!Db::IsUrl(url)) return Invalid("read_db", "只读备库应为 postgresql:// 地址：" + url);
  std::unique_ptr<Runtime> rt(new Runtime());
  QF_RETURN_IF_ERROR(rt->calendar_.LoadDir(opts.data_dir + "/calendar"));
  QF_ASSIGN_OR_RETURN(auto pol, cases::Policies::Load(opts.data_dir + "/policies"));
  rt->policies_ = std::make_unique<cases::Policies>(std::move(pol));
  QF_ASSIGN_OR_RETURN(auto types, notices::NoticeTypes::Load(opts.data_dir + "/notices/types.toml"));
  rt->notice_types_ = std::make_unique<notices::NoticeTypes>(std::move(types));
  QF_ASSIGN_OR_RETURN(auto imports, ImportColumnSets::LoadDir(opts.data_dir));
  rt->imports_ = std::make_unique<ImportColumnSets>(std::move(imports));
  QF_ASSIGN_OR_RETURN(auto db, Db::Open(opts.db_path, DbMode::kWriter));
  if (!opts.durable)
    QF_RETURN_IF_ERROR(db->Exec(db->backend() == Backend::kSqlite ? "PRAGMA synchronous=NORMAL" : "SET synchronous_commit TO off"));
  QF_RETURN_IF_ERROR(Migrate(*db));
  // Notices an administrator loaded at run time (newer than the shipped files, or years they lack).
  QF_RETURN_IF_ERROR(cases::ApplyCalendarYears(*db, rt->calendar_));
  if (opts.db_path != ":memory:") {
    std::string path = opts.vault_key_path;
    if (path.empty()) {
      QF_ASSIGN_OR_RETURN(path, KeyFilePath(opts.db_path, ".vault.key"));
    }
    QF_ASSIGN_OR_RETURN(rt->vault_, vault::Vault::Open(path));
  }
  if (opts.ledger) {
    ledger::LedgerOptions lo = opts.ledger_options;
    if (lo.key_path.empty()) {
      QF_ASSIGN_OR_RETURN(lo.key_path, KeyFilePath(opts.db_path, ".ledger.key"));
    }
    QF_ASSIGN_OR_RETURN(rt->ledger_, ledger::Ledger::Open(*db, clock, lo));
  }
  WriterOptions wopts = opts.writer;
  wopts.track_position = !opts.read_dbs.empty();
  rt->writer_ = std::make_unique<Writer>(std::move(db), clock, wopts);
  // Each event goes to the ledger, then to the outbox (the notifications it causes, in the same transaction).
  rt->outbox_ = std::make_unique<notify::OutboxSink>(rt->ledger_.get());
  rt->writer_->SetSink(rt->outbox_.get());
  if (rt->ledger_ && !rt->ledger_->integrity_error().empty()) rt->writer_->Refuse(rt->ledger_->integrity_error());
  rt->writer_->Start();
  rt->readers_ = std::make_unique<ReadConnections>(opts.db_path, opts.read_dbs, opts.read_wait);
  rt->sessions_ = std::make_unique<auth::Sessions>(clock);
  auth::BackSessions(*rt->sessions_, *rt->readers_, *rt->writer_);
  rt->limiter_ = std::make_unique<RateLimiter>(opts.rate_limits);
  rt->app_ = AppContext{opts.db_path, opts.data_dir, &clock, rt->writer_.get(), rt->readers_.get(),
                        &rt->calendar_, rt->policies_.get(), rt->sessions_.get(), rt->ledger_.get(), false,
                        rt->vault_.get(), rt->notice_types_.get(), &rt->calendar_, rt->imports_.get(),
                        &rt->progress_};
  RegisterModules(rt->modules_);
  for (const auto& t : rt->modules_.import_templates()) QF_RETURN_IF_ERROR(rt->imports_->Check(t.kind, t.fields));
  if (rt->writer_->refusal().empty()) {
    for (const auto& step : rt->modules_.startup())
      QF_RETURN_IF_ERROR(rt->writer_->Run(Actor::System(), step.command(rt->app_)).status());
  }
  // The domain tables must agree with the (verified) events; if not, writes are refused. (An in-memory database
  // is one per connection: there is nothing a reader could check.)
  if (rt->writer_->refusal().empty() && opts.db_path != ":memory:") {
    QF_ASSIGN_OR_RETURN(auto reader, Db::Open(opts.db_path, DbMode::kReader));
    if (auto s = RunChecks(rt->modules_, *reader); !s.ok()) rt->writer_->Refuse(Str(s.message()));
  }
  return rt;
}

Runtime::~Runtime() {
  if (ledger_) ledger_->StopCheckpointer();
  if (writer_) writer_->Stop();
}

void Runtime::RegisterRoutes(Router& router) {
  auth::Sessions* sessions = sessions_.get();
  router.SetAuthenticator([sessions](std::string_view token) { return sessions->Resolve(token); }, auth::kSessionCookie);
  router.SetRateLimiter(limiter_.get(), app_.clock);
  if (readers_->has_standbys()) router.SetAfterWrite([this](Response& r) { MarkReadFloor(app_, r); });
  RegisterHealthRoutes(router, app_);
  for (const auto& routes : modules_.routes()) routes(router, app_);
  router.Add({"GET", "/api/v1/vocabulary", kAnyStaff,
              ReadRoute(app_, [this](const Request&, Db& db) -> absl::StatusOr<boost::json::value> {
                boost::json::object out;
                for (const auto& [key, fn] : modules_.vocabulary()) {
                  QF_ASSIGN_OR_RETURN(out[key], fn(app_, db));
                }
                return out;
              }),
              0, "Reference data the console uses (case states, districts, stages, pools, default terms, limits), from the modules that own it"});
  router.Add({"GET", "/api/v1/import-templates/{kind}", kAnyStaff,
              FileRoute(app_, [this](const Request& req, Db&) -> absl::StatusOr<Response> {
                const std::string& kind = req.params.at(0);
                for (const auto& t : modules_.import_templates()) {
                  if (t.kind != kind) continue;
                  if (!(req.principal->roles & t.roles)) return Forbidden("import.template_role", "无权下载该导入模板");
                  QF_ASSIGN_OR_RETURN(auto bytes, ImportTemplateXlsx(t.title, app_.imports->Of(t.kind)));
                  return Response::Attachment(std::move(bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                              kind + "-template.xlsx", t.title + ".xlsx");
                }
                return NotFound("import.template_not_found", "没有这种导入模板");
              }),
              0, "An import's template (the header its import reads over an example row, and what each column takes), for the roles that import it"});
  router.Add({"GET", "/api/v1/progress/{token}", kAnyStaff,
              ReadRoute(app_, [this](const Request& req, Db&) -> absl::StatusOr<boost::json::value> {
                const std::string& token = req.params.at(0);
                auto e = ProgressBoard::ValidToken(token) ? progress_.Get(token, req.principal->account_id) : std::nullopt;
                if (!e) return NotFound("progress.not_found", "没有这项进度（或已结束）");
                return boost::json::object{{"phase", e->phase}, {"done", e->done}, {"total", e->total}, {"finished", e->finished}};
              }),
              0, "The progress of a long request of the caller's own (an import) under the token it was sent with"});
}

}  // namespace qf
