// HTTP handlers of the livelihood projects: the year's projects (list, create, one with its reports, sites and the
// complaints linked to it), a district's monthly report with its evidence files, the sites, the links of complaints,
// and the monthly board against 序时进度.
#include "app/app.h"
#include "app/modules.h"
#include "cases/cases.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "projects/projects.h"
#include "projects/store.h"
#include "storage/evidence_files.h"
#include "absl/strings/numbers.h"
#include "spdlog/spdlog.h"

namespace qf::projects {
namespace json = boost::json;

namespace {

absl::StatusOr<int> YearOf(const Request& req, const AppContext& app) { return YearQuery(req, app, "projects.year"); }
absl::StatusOr<int64_t> ProjectId(const Request& req) { return PathId(req, 0, "projects.not_found", "项目"); }

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
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
                QF_ASSIGN_OR_RETURN(json::object out, ProjectView(db, id));
                // The linked complaints the reader may see, as the case list shows them (its scope and walls).
                cases::ListFilter f;
                QF_ASSIGN_OR_RETURN(f.ids, LinkedCases(db, id));
                f.limit = 200;
                QF_ASSIGN_OR_RETURN(json::object list, cases::List(db, cases::CaseEnv{app.calendar, app.policies, app.vault},
                                                                   f, *req.principal, app.clock->Now()));
                out["complaints"] = std::move(list.at("items"));
                out["complaints_linked"] = static_cast<int64_t>(f.ids->size());
                return out;
              }),
              0, "One project: its targets per district with every monthly report and its evidence, its sites, and the "
              "complaints linked to it that the reader may see"});
  router.Add({"POST", "/api/v1/projects/{id}/sites", kHandler | kClerk | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(SiteRequest r, ParseSite(body));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return AddSite(tx, id, r, who);
                });
              }, 201),
              4 * 1024, "A site of the project in a district: one of its schools, or another place with its address"});
  router.Add({"POST", "/api/v1/projects/{id}/cases", kHandler | kClerk | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                int64_t case_id = in.Int("case_id", true, 1, INT64_MAX).value_or(0);
                QF_RETURN_IF_ERROR(in.Finish("projects.link"));
                return Command([id, case_id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return LinkCase(tx, id, case_id, who);
                });
              }),
              1024, "Links a complaint the caller may see to the project (a complaint belongs to one project)"});
  router.Add({"DELETE", "/api/v1/projects/{id}/cases/{case_id}", kHandler | kClerk | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
                QF_ASSIGN_OR_RETURN(int64_t case_id, PathId(req, 1, "case.not_found", "案件"));
                return Command([id, case_id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(UnlinkCase(tx, id, case_id, who));
                  return json::object{{"project_id", id}, {"case_id", case_id}};
                });
              }),
              0, "Unlinks a complaint from the project"});
  router.Add({"GET", "/api/v1/cases/{id}/project", kReaders,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "case.not_found", "案件"));
                QF_ASSIGN_OR_RETURN(bool visible, cases::MaySee(db, id, *req.principal));
                if (!visible) return NotFound("case.not_found", "案件不存在");
                return ProjectOfCase(db, id);
              }),
              0, "The livelihood project a complaint is linked to (project: null when none)"});
  router.Add({"POST", "/api/v1/projects/{id}/evidence", kHandler | kClerk | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
                QF_RETURN_IF_ERROR(CheckEvidenceFile(req.body));
                int64_t unit_id = 0;
                std::string month(req.Query("month").value_or(""));
                if (!absl::SimpleAtoi(req.Query("unit_id").value_or(""), &unit_id) || unit_id < 1)
                  return Invalid("projects.evidence", "请指明县区", {{"unit_id", "应为单位编号"}});
                if (!ParseMonth(month)) return Invalid("projects.evidence", "月份应为 YYYY-MM", {{"month", "格式不符"}});
                std::string name(req.Query("name").value_or("佐证材料"));
                if (name.size() > 200) name = "佐证材料";
                return Command([id, unit_id, month, name, data = req.body, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(std::string hash, AddReportEvidence(tx, id, unit_id, month, name, data, who));
                  return json::object{{"sha256", hash}};
                });
              }, 201),
              kMaxEvidenceBytes + 1024, "A photo or PDF as evidence of a district's monthly report (?unit_id, month, name)"});
  router.Add({"GET", "/api/v1/projects/{id}/evidence/{sha256}", kReaders,
              FileRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<Response> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
                QF_ASSIGN_OR_RETURN(EvidenceFile f, ReportEvidence(db, id, req.params[1], *req.principal));
                std::string ext = f.mime == "image/jpeg" ? ".jpg" : f.mime == "image/png" ? ".png" : ".pdf";
                Response r = Response::Attachment(std::move(f.data), f.mime, "evidence" + ext, f.name);
                r.headers.emplace_back("Cache-Control", "private, max-age=3600");
                return r;
              }),
              0, "An evidence file of a monthly report (the office, leaders, intake staff; the district and the division)"});
  router.Add({"POST", "/api/v1/projects/{id}/reports", kHandler | kClerk | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, ProjectId(req));
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
