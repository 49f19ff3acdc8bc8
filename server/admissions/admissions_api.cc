// HTTP handlers of the admission checks: rosters (upload, list, one roster), findings (list, order to rectify,
// refer to the office as a case) and the year's report.
#include <algorithm>

#include "admissions/admissions.h"
#include "app/app.h"
#include "app/modules.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "spdlog/spdlog.h"

namespace qf::admissions {
namespace json = boost::json;

namespace {

AdmissionsEnv Env(const AppContext& app) {
  return {app.calendar, app.vault, cases::CaseEnv{app.calendar, app.policies, app.vault},
          &app.imports->Of(kRosterImport)};
}

absl::StatusOr<int> YearOf(const Request& req, const AppContext& app) { return YearQuery(req, app, "admissions.year"); }

absl::StatusOr<std::string> NoteOf(const Request& req) {
  if (Trim(req.body).empty()) return std::string();
  QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
  JsonInput in(body);
  std::string note = in.Str("note", false, 1000).value_or("");
  QF_RETURN_IF_ERROR(in.Finish());
  return note;
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  auto loaded = Rules::Load(app.data_dir);
  if (!loaded.ok()) {
    spdlog::error("admissions: {}", std::string(loaded.status().message()));
    return;
  }
  auto rules = std::make_shared<const Rules>(std::move(*loaded));
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  router.Add({"POST", "/api/v1/admissions/rosters", kClerk | kHandler | kSupervisor,
              WriteRoute(app, [&app, rules](const Request& req) -> absl::StatusOr<Command> {
                std::map<std::string, std::string> q(req.query.begin(), req.query.end());
                QF_ASSIGN_OR_RETURN(RosterUpload up, ParseUpload(q));
                up.file_sha256 = Sha256Hex(req.body);
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                return Command([env = Env(app), rules, up, t = std::move(table),
                                who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return UploadRoster(tx, env, *rules, up, t, who);
                });
              }, 201),
              kMaxImportBytes,
              "A school's admission roster for the year (CSV or XLSX; year, school_id, plan, line, materials in the "
              "query): every bad row named and nothing kept on an error; the rules run and findings are recorded"});
  router.Add({"GET", "/api/v1/admissions/rosters", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return Rosters(db, year, *req.principal);
              }),
              0, "The year's current rosters in the caller's scope with open findings, and the schools without one"});
  router.Add({"GET", "/api/v1/admissions/rosters/{id}", kReaders,
              ReadRoute(app, [rules](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.roster_not_found", "名册"));
                return RosterView(db, *rules, id, *req.principal);
              }),
              0, "One roster: its rows with names and ID numbers masked"});
  router.Add({"GET", "/api/v1/admissions/findings", kReaders,
              ReadRoute(app, [&app, rules](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                FindingFilter f;
                QF_ASSIGN_OR_RETURN(f.year, YearOf(req, app));
                f.rule = req.Query("rule").value_or("");
                if (!f.rule.empty() && !rules->Any(f.rule))
                  return Invalid("admissions.filter", "没有这条规则", {{"rule", "取值无效"}});
                f.state = req.Query("state").value_or("");
                static const std::vector<std::string> kStates = {"open", "ordered", "referred", "cleared"};
                if (!f.state.empty() && std::find(kStates.begin(), kStates.end(), f.state) == kStates.end())
                  return Invalid("admissions.filter", "状态不正确", {{"state", "应为 open、ordered、referred 或 cleared"}});
                f.district = req.Query("district").value_or("");
                if (auto s = req.Query("school_id"); s && !s->empty()) {
                  auto id = ParseInt<int64_t>(*s);
                  if (!id || *id < 1) return Invalid("admissions.filter", "学校不正确", {{"school_id", "应为学校编号"}});
                  f.school_id = *id;
                }
                return Findings(db, *rules, f, *req.principal);
              }),
              0, "The year's findings in the caller's scope (a school: its own), with the rule, its document, the rows "
              "and what was done"});
  router.Add({"POST", "/api/v1/admissions/findings/{id}/order", kSupervisor,
              WriteRoute(app, [&app, rules](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.finding_not_found", "问题"));
                QF_ASSIGN_OR_RETURN(std::string note, NoteOf(req));
                return Command([env = Env(app), rules, id, note, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return OrderRectification(tx, env, *rules, id, note, who);
                });
              }, 201),
              4 * 1024, "The office orders the school to rectify a finding within the rule's term (an inspection order)"});
  router.Add({"POST", "/api/v1/admissions/findings/{id}/refer", kSupervisor,
              WriteRoute(app, [&app, rules](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.finding_not_found", "问题"));
                QF_ASSIGN_OR_RETURN(std::string note, NoteOf(req));
                return Command([env = Env(app), rules, id, note, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return ReferFinding(tx, env, *rules, id, note, who);
                });
              }, 201),
              4 * 1024, "The office registers a case for a finding that suggests misconduct (fees taken for places)"});
  router.Add({"GET", "/api/v1/admissions/report", kSupervisor | kLeader,
              ReadRoute(app, [&app, rules](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return YearReport(db, *rules, year);
              }),
              0, "The year in numbers: rosters received, students checked, findings by rule and district, rectified"});
}

void Register(Modules& m) {
  m.AddImportTemplate({std::string(kRosterImport), "招生名册模板", kClerk | kHandler | kSupervisor, RosterImportFields()});
  m.AddRoutes(RegisterRoutes);
  m.AddVocabulary("admissions", [](const AppContext& app, Db&) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(Rules rules, Rules::Load(app.data_dir));
    json::array routes, list;
    for (const auto& r : rules.routes) routes.push_back(json::object{{"code", r.code}, {"label", r.label}});
    for (const auto& r : rules.rules)
      list.push_back(json::object{{"code", r.code}, {"label", r.label}, {"clause", r.clause}, {"from", r.from},
                                  {"to", r.to}, {"refer", r.refer}});
    return json::object{{"routes", routes}, {"rules", list}};
  });
}

}  // namespace qf::admissions
