// The working-day calendar over HTTP: how a deadline is counted (public), which years' notices are loaded
// (public), and loading a year's State Council notice while the server runs (administrators, each November):
// kept in the database, recorded in the ledger, applied at once, and the provisional deadlines it decides
// recomputed with their extensions and suspensions.
#include "app/app.h"
#include "cases/cases.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"

namespace qf::cases {

namespace json = boost::json;

void RegisterCalendarRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/calendar/deadline", kPublic,
              [&app](Request& req, Respond respond) {
                auto start = ParseDay(req.Query("start").value_or(""));
                auto term = Term::Parse(req.Query("term").value_or(""));
                if (!start || !term.ok())
                  return respond(Response::Problem(Invalid("calendar.params", "参数有误",
                      {{"start", "YYYY-MM-DD"}, {"term", "如 60d 或 5wd"}}), req.path));
                auto r = app.calendar->Add(*start, *term, true);
                json::array steps;
                for (auto& s : r.steps) steps.push_back(json::string(s));
                respond(Response::Json(200, json::object{{"due_on", FormatDay(r.due)}, {"provisional", r.provisional},
                                                         {"calendar_version", r.calendar_version}, {"steps", steps}}));
              },
              0, "How a deadline is computed on the official calendar"});
  router.Add({"GET", "/api/v1/calendar/years", kPublic,
              [&app](Request& req, Respond respond) {
                json::array years;
                for (int y : app.calendar->LoadedYears())
                  years.push_back(json::object{{"year", y}, {"version", app.calendar->YearVersion(y)}});
                respond(Response::Json(200, json::object{{"years", years}}));
              },
              0, "The years whose State Council holiday notice is loaded, with their versions"});
  router.Add({"PUT", "/api/v1/calendar/years/{year}", kAdmin,
              [&app](Request& req, Respond respond) {
                auto year = ParseInt<int>(req.params[0]);
                if (!year || *year < 2001 || *year > 2099)
                  return respond(Response::Problem(Invalid("calendar.year", "年份无效", {{"year", "2001–2099"}}), req.path));
                std::string source = std::to_string(*year) + ".txt";
                if (auto s = Calendar::Validate(*year, req.body, source); !s.ok())
                  return respond(Response::Problem(s, req.path));
                std::string text = req.body;
                std::string version = std::to_string(*year) + ":" + Sha256Hex(text).substr(0, 12);
                int64_t by = req.principal->account_id;
                std::string path = req.path;
                CaseEnv env{app.calendar, app.policies, app.vault};
                Calendar* calendar = app.calendar_admin;
                Writer* writer = app.writer;
                writer->Submit(ActorOf(req), [y = *year, text, version, by](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
                      "INSERT INTO calendar_years(year,text,version,loaded_at,loaded_by) VALUES(?,?,?,?,?) "
                      "ON CONFLICT(year) DO UPDATE SET text=excluded.text, version=excluded.version, "
                      "loaded_at=excluded.loaded_at, loaded_by=excluded.loaded_by"));
                  st.Bind(1, y).Bind(2, text).Bind(3, version).Bind(4, FormatUtc(tx.now())).Bind(5, by);
                  QF_RETURN_IF_ERROR(st.Run());
                  QF_RETURN_IF_ERROR(tx.Append("calendar.year_loaded", "calendar:" + std::to_string(y),
                                               {{"year", y}, {"version", version}, {"sha256", Sha256Hex(text)}}).status());
                  return json::value();
                }, [=, y = *year](absl::StatusOr<json::value> r) {
                  if (!r.ok()) return respond(Response::Problem(r.status(), path));
                  // Committed: apply it, then recompute what it decides.
                  if (auto s = calendar->LoadYear(y, text, source); !s.ok())
                    return respond(Response::Problem(s, path));
                  writer->Submit(Actor::System(), [env](Tx& tx) -> absl::StatusOr<json::value> {
                    QF_ASSIGN_OR_RETURN(int n, RecomputeProvisional(tx, env));
                    return json::value(n);
                  }, [respond, path, version](absl::StatusOr<json::value> n) {
                    if (!n.ok()) return respond(Response::Problem(n.status(), path));
                    respond(Response::Json(200, json::object{{"version", version}, {"recomputed", n->as_int64()}}));
                  });
                });
              },
              64 * 1024, "Load a year's State Council holiday notice (text, one \"YYYY-MM-DD off|work 名称\" per line); provisional deadlines are recomputed"});
}

}  // namespace qf::cases
