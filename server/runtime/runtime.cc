#include "runtime/runtime.h"

#include "cases/audit.h"
#include "cases/cases.h"
#include "common/status.h"
#include "common/strings.h"
#include "notices/notices.h"
#include "spdlog/spdlog.h"
#include "storage/migrations.h"

namespace qf {

// Each domain's routes (defined in its *_api.cc).
namespace auth { void RegisterRoutes(Router& router, AppContext& app); }
namespace org { void RegisterRoutes(Router& router, AppContext& app); }
namespace cases {
void RegisterRoutes(Router& router, AppContext& app);
void RegisterCalendarRoutes(Router& router, AppContext& app);
}
namespace ledger { void RegisterRoutes(Router& router, AppContext& app); }
namespace reports { void RegisterRoutes(Router& router, AppContext& app); }
namespace notices { void RegisterRoutes(Router& router, AppContext& app); }
namespace draws { void RegisterRoutes(Router& router, AppContext& app); }
namespace inspect { void RegisterRoutes(Router& router, AppContext& app); }

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Open(const RuntimeOptions& opts, const Clock& clock) {
  std::unique_ptr<Runtime> rt(new Runtime());
  QF_RETURN_IF_ERROR(rt->calendar_.LoadDir(opts.data_dir + "/calendar"));
  QF_ASSIGN_OR_RETURN(auto pol, cases::Policies::Load(opts.data_dir + "/policies"));
  rt->policies_ = std::make_unique<cases::Policies>(std::move(pol));
  QF_ASSIGN_OR_RETURN(auto types, notices::NoticeTypes::Load(opts.data_dir + "/notices/types.toml"));
  rt->notice_types_ = std::make_unique<notices::NoticeTypes>(std::move(types));
  QF_ASSIGN_OR_RETURN(auto db, Db::Open(opts.db_path, DbMode::kWriter));
  QF_RETURN_IF_ERROR(Migrate(*db));
  // Notices an administrator loaded at run time (newer than the shipped files, or years they lack).
  QF_RETURN_IF_ERROR(cases::ApplyCalendarYears(*db, rt->calendar_));
  if (opts.db_path != ":memory:") {
    QF_ASSIGN_OR_RETURN(rt->vault_, vault::Vault::Open(opts.vault_key_path.empty() ? opts.db_path + ".vault.key"
                                                                                    : opts.vault_key_path));
  }
  if (opts.ledger) {
    ledger::LedgerOptions lo = opts.ledger_options;
    if (lo.key_path.empty()) lo.key_path = opts.db_path + ".ledger.key";
    QF_ASSIGN_OR_RETURN(rt->ledger_, ledger::Ledger::Open(*db, clock, lo));
  }
  rt->writer_ = std::make_unique<Writer>(std::move(db), clock, opts.writer);
  if (rt->ledger_) {
    rt->writer_->SetSink(rt->ledger_.get());
    if (!rt->ledger_->integrity_error().empty()) rt->writer_->Refuse(rt->ledger_->integrity_error());
  }
  rt->writer_->Start();
  if (rt->writer_->refusal().empty() && rt->vault_) {
    cases::CaseEnv env{&rt->calendar_, rt->policies_.get(), rt->vault_.get()};
    auto sealed = rt->writer_->Run(Actor::System(), [env](Tx& tx) -> absl::StatusOr<boost::json::value> {
      QF_ASSIGN_OR_RETURN(int n, cases::SealLegacyReporters(tx, env));
      return boost::json::value(n);
    });
    if (!sealed.ok()) return sealed.status();
  }
  if (rt->writer_->refusal().empty()) {
    // The case tables must agree with the (verified) events.
    QF_ASSIGN_OR_RETURN(auto reader, Db::Open(opts.db_path, DbMode::kReader));
    if (auto audit = cases::AuditProjections(*reader); !audit.ok()) {
      spdlog::error("projection audit failed: {}", audit.message());
      rt->writer_->Refuse(Str(audit.message()));
    }
  }
  rt->readers_ = std::make_unique<ReadConnections>(opts.db_path);
  rt->sessions_ = std::make_unique<auth::Sessions>(clock);
  rt->limiter_ = std::make_unique<RateLimiter>(opts.rate_limits);
  rt->app_ = AppContext{opts.db_path, opts.data_dir, &clock, rt->writer_.get(), rt->readers_.get(),
                        &rt->calendar_, rt->policies_.get(), rt->sessions_.get(), rt->ledger_.get(), false,
                        rt->vault_.get(), rt->notice_types_.get(), &rt->calendar_};
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
  RegisterHealthRoutes(router, app_);
  cases::RegisterCalendarRoutes(router, app_);
  auth::RegisterRoutes(router, app_);
  org::RegisterRoutes(router, app_);
  cases::RegisterRoutes(router, app_);
  ledger::RegisterRoutes(router, app_);
  reports::RegisterRoutes(router, app_);
  notices::RegisterRoutes(router, app_);
  draws::RegisterRoutes(router, app_);
  inspect::RegisterRoutes(router, app_);
}

}  // namespace qf
