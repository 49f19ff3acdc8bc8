#include "app/runtime.h"

#include "common/status.h"
#include "storage/migrations.h"

namespace qf {

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Open(const RuntimeOptions& opts, const Clock& clock) {
  std::unique_ptr<Runtime> rt(new Runtime());
  QF_RETURN_IF_ERROR(rt->calendar_.LoadDir(opts.data_dir + "/calendar"));
  QF_ASSIGN_OR_RETURN(auto pol, cases::Policies::Load(opts.data_dir + "/policies"));
  rt->policies_ = std::make_unique<cases::Policies>(std::move(pol));
  QF_ASSIGN_OR_RETURN(auto db, Db::Open(opts.db_path, DbMode::kWriter));
  QF_RETURN_IF_ERROR(Migrate(*db));
  rt->writer_ = std::make_unique<Writer>(std::move(db), clock, opts.writer);
  rt->writer_->Start();
  rt->readers_ = std::make_unique<ReadConnections>(opts.db_path);
  rt->sessions_ = std::make_unique<auth::Sessions>(clock);
  rt->app_ = AppContext{opts.db_path, opts.data_dir, &clock, rt->writer_.get(), rt->readers_.get(),
                        &rt->calendar_, rt->policies_.get(), rt->sessions_.get()};
  return rt;
}

Runtime::~Runtime() {
  if (writer_) writer_->Stop();
}

void Runtime::RegisterRoutes(Router& router) {
  router.SetAuthenticator(sessions_.get());
  RegisterHealthRoutes(router, app_);
  auth::RegisterRoutes(router, app_);
  org::RegisterRoutes(router, app_);
  cases::RegisterRoutes(router, app_);
}

}  // namespace qf
