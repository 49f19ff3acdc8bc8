// HTTP handlers of notifications: a member of staff's own choices (the address e-mail goes to, the language, which
// groups), and the outbox for the administrator and the discipline office (counts, the rows of a state, a dead
// letter sent again).
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "notify/notify.h"

namespace qf::notify {
namespace {

namespace json = boost::json;

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/me/notify", kAnyStaff,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return GetPrefs(db, req.principal->account_id);
              }),
              0, "One's own notification choices: the e-mail address, the language and the groups sent by e-mail"});
  router.Add({"POST", "/api/v1/me/notify", kAnyStaff,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Prefs p, ParsePrefs(body));
                return Command([account = req.principal->account_id, p](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(SavePrefs(tx, account, p));
                  return json::object{{"ok", true}};
                });
              }),
              4 * 1024, "Save one's own notification choices"});
  router.Add({"GET", "/api/v1/notify/outbox", kAdmin | kSupervisor,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                std::string state = req.Query("state").value_or("dead");
                if (state != "pending" && state != "sent" && state != "dead")
                  return Invalid("notify.state", "state 应为 pending、sent 或 dead", {{"state", "取值无效"}});
                return ListOutbox(db, state, 100);
              }),
              0, "The notification outbox: counts by state and the newest 100 of one state (dead letters by default)"});
  router.Add({"POST", "/api/v1/notify/outbox/{id}/retry", kAdmin | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "notify.not_found", "该通知"));
                return Command([id](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(Retry(tx, id));
                  return json::object{{"ok", true}};
                });
              }),
              1024, "Send a dead letter again"});
}

}  // namespace

void Register(Modules& m) { m.AddRoutes(RegisterRoutes); }

}  // namespace qf::notify
