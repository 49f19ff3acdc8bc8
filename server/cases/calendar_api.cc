// The working-day calendar over HTTP: how a deadline is counted (public), which years' notices are loaded
// (public), and loading a year's State Council notice while the server runs (administrators, each November):
// kept in the database, recorded in the ledger, applied at once, and the provisional deadlines it decides
// recomputed with their extensions and suspensions.
#include "app/app.h"
#include "cases/cases.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"

namespace qf::cases {

namespace json = boost::json;

void RegisterCalendarRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/calendar/deadline", kPublic,
              ReadRoute(app, [&app](const Request& req, Db&) -> absl::StatusOr<json::value> {
                auto start = ParseDay(req.Query("start").value_or(""));
                auto term = Term::Parse(req.Query("term").value_or(""));
                if (!start || !term.ok())
                  return Invalid("calendar.params", "参数有误", {{"start", "YYYY-MM-DD"}, {"term", "如 60d 或 5wd"}});
                auto r = app.calendar->Add(*start, *term, true);
                json::array steps;
                for (auto& s : r.steps) steps.push_back(json::string(s));
                return json::object{{"due_on", FormatDay(r.due)}, {"provisional", r.provisional},
                                    {"calendar_version", r.calendar_version}, {"steps", steps}};
              }),
              0, "How a deadline is computed on the official calendar"});
  router.Add({"GET", "/api/v1/calendar/years", kPublic,
              ReadRoute(app, [&app](const Request&, Db&) -> absl::StatusOr<json::value> {
                json::array years;
                for (int y : app.calendar->LoadedYears())
                  years.push_back(json::object{{"year", y}, {"version", app.calendar->YearVersion(y)}});
                return json::object{{"years", years}};
              }),
              0, "The years whose State Council holiday notice is loaded, with their versions"});
  router.Add({"PUT", "/api/v1/calendar/years/{year}", kAdmin,
              WriteThenRoute(app, [&app](const Request& req) -> absl::StatusOr<Write> {
                auto year = ParseInt<int>(req.params[0]);
                if (!year || *year < 2001 || *year > 2099) return Invalid("calendar.year", "年份无效", {{"year", "2001–2099"}});
                std::string source = std::to_string(*year) + ".txt";
                QF_RETURN_IF_ERROR(Calendar::Validate(*year, req.body, source));
                CaseEnv env{app.calendar, app.policies, app.vault};
                return Write{
                    [y = *year, text = req.body, by = req.principal->account_id](Tx& tx) -> absl::StatusOr<json::value> {
                      QF_ASSIGN_OR_RETURN(std::string version, SaveCalendarYear(tx, y, text, by));
                      return json::value(json::string(version));
                    },
                    // Committed: apply it, then recompute what it decides.
                    [y = *year, text = req.body, source, path = req.path, env, calendar = app.calendar_admin,
                     writer = app.writer](absl::StatusOr<json::value> r, Respond respond) {
                      if (!r.ok()) return respond(Response::Problem(r.status(), path));
                      if (auto s = calendar->LoadYear(y, text, source); !s.ok()) return respond(Response::Problem(s, path));
                      writer->Submit(Actor::System(), [env](Tx& tx) -> absl::StatusOr<json::value> {
                        QF_ASSIGN_OR_RETURN(int n, RecomputeProvisional(tx, env));
                        return json::value(n);
                      }, [respond, path, version = std::string(r->as_string())](absl::StatusOr<json::value> n) {
                        if (!n.ok()) return respond(Response::Problem(n.status(), path));
                        respond(Response::Json(200, json::object{{"version", version}, {"recomputed", n->as_int64()}}));
                      });
                    }};
              }),
              64 * 1024, "Load a year's State Council holiday notice (text, one \"YYYY-MM-DD off|work 名称\" per line); provisional deadlines are recomputed"});
}

}  // namespace qf::cases
