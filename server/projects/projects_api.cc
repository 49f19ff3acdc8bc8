// HTTP handlers of the livelihood projects: the year's projects (list, create, one with its reports), a district's
// monthly report, and the monthly board against 序时进度.
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "projects/projects.h"
#include "spdlog/spdlog.h"

namespace qf::projects {
namespace json = boost::json;

namespace {

absl::StatusOr<int> YearOf(const Request& req, const AppContext& app) { return YearQuery(req, app, "projects.year"); }

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  auto loaded = Policy::Load(app.data_dir + "/projects/policy.toml");
  if (!loaded.ok()) {
    spdlog::error("projects: {}", std::string(loaded.status().message()));
    return;
  }
  auto policy = std::make_shared<const Policy>(std::move(*loaded));
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  router.Add({"GET", "/api/v1/projects", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return ProjectList(db, year);
              }),
              0, "The year's livelihood projects with their responsible division, dates and totals"});
  router.Add({"POST", "/api/v1/projects", kSupervisor,
              WriteRoute(app, [policy](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(ProjectRequest r, ParseProject(body, *policy));
                return Command([r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return CreateProject(tx, r, who);
                });
              }, 201),
              64 * 1024, "A project of the year with its responsible division and person, dates, and targets per district"});
  auto board = [&app, policy](const Request& req, Db& db) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
    QF_ASSIGN_OR_RETURN(absl::CivilMonth month, BoardMonth(req.Query("month").value_or(""), year, CstDay(app.clock->Now())));
    return Board(db, *policy, year, month);
  };
  router.Add({"GET", "/api/v1/projects/board", kReaders, ReadRoute(app, board), 0,
              "The month's board: each district's progress on each project against 序时进度, ranked, the laggards named"});
  router.Add({"GET", "/api/v1/public/projects/board", kPublic, ReadRoute(app, board), 0,
              "The same board for the public: districts and their figures only (民生工程 are reported publicly)"});
  router.Add({"GET", "/api/v1/projects/{id}", kReaders,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "projects.not_found", "项目"));
                return ProjectView(db, id);
              }),
              0, "One project: its targets per district and every monthly report"});
  router.Add({"POST", "/api/v1/projects/{id}/reports", kHandler | kClerk | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "projects.not_found", "项目"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(ReportRequest r, ParseReport(body));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return ReportProgress(tx, id, r, who);
                });
              }, 201),
              4 * 1024, "A district's cumulative progress for a month (quantity done, funds in place and spent); a second "
              "report of the month corrects the first"});
}

void Register(Modules& m) { m.AddRoutes(RegisterRoutes); }

}  // namespace qf::projects
