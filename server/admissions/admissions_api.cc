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
          &app.imports->Of(kRosterImport), &app.imports->Of(kLotteryImport)};
}

absl::StatusOr<int> YearOf(const Request& req, const AppContext& app) { return YearQuery(req, app, "admissions.year"); }

struct Recorded {
  std::string code, reason;
};
absl::StatusOr<Recorded> RecordedOf(const Request& req) {
  QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
  JsonInput in(body);
  Recorded r{in.Str("code", true, 32).value_or(""), in.Str("reason", true, 200).value_or("")};
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

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
  // Lotteries (招生监督).
  router.Add({"POST", "/api/v1/admissions/lotteries", kHandler | kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                std::map<std::string, std::string> q(req.query.begin(), req.query.end());
                QF_ASSIGN_OR_RETURN(LotteryRequest lr, ParseLotteryRequest(q));
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                return Command([env = Env(app), lr, t = std::move(table), who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RequestLottery(tx, env, lr, t, who);
                });
              }, 201),
              kMaxImportBytes,
              "The district bureau (or the office) requests a lottery for an oversubscribed school's grade with the "
              "applicants' list (CSV or XLSX; year, school_id, grade, plan, witness_account_id, venue in the query): the "
              "list is frozen and the commitment published"});
  router.Add({"GET", "/api/v1/admissions/lotteries", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return Lotteries(db, year, *req.principal);
              }),
              0, "The year's lotteries in the caller's scope with applicants, admitted and remaining places"});
  router.Add({"GET", "/api/v1/admissions/lotteries/{id}", kReaders,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.lottery_not_found", "摇号"));
                return LotteryView(db, id, *req.principal);
              }),
              0, "One lottery: its applicants (masked) in the drawn order with their standing, the observers, give-ups "
              "and admissions beyond the plan"});
  router.Add({"POST", "/api/v1/admissions/lotteries/{id}/draw", kSupervisor | kLeader,
              WriteRoute(app, [&app, rules](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.lottery_not_found", "摇号"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(LotteryDraw d, ParseLotteryDraw(body, rules->lottery));
                return Command([env = Env(app), id, d, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return DrawLottery(tx, env, id, d, who);
                });
              }),
              8 * 1024, "The witness enters the public value with the observers present: the order is drawn and published"});
  router.Add({"POST", "/api/v1/admissions/lotteries/{id}/give-ups", kHandler | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.lottery_not_found", "摇号"));
                QF_ASSIGN_OR_RETURN(Recorded r, RecordedOf(req));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RecordGiveUp(tx, id, r.code, r.reason, who);
                });
              }, 201),
              4 * 1024, "An applicant gives up the place, with the reason: the next one waiting is admitted"});
  router.Add({"POST", "/api/v1/admissions/lotteries/{id}/extras", kHandler | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.lottery_not_found", "摇号"));
                QF_ASSIGN_OR_RETURN(Recorded r, RecordedOf(req));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RecordExtraAdmission(tx, id, r.code, r.reason, who);
                });
              }, 201),
              4 * 1024, "A waiting applicant admitted beyond the plan, with the reason (shown on the public record)"});
  router.Add({"GET", "/api/v1/public/lotteries", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return PublicLotteries(db, year);
              }),
              0, "The year's admission lotteries: school, grade, plan, applicants, admitted and remaining places"});
  router.Add({"GET", "/api/v1/public/lotteries/{id}", kPublic,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "admissions.lottery_not_found", "摇号"));
                return PublicLottery(db, id);
              }),
              0, "A lottery's public record: the commitment, and once drawn the observers, the order (application codes "
              "only) and everything needed to recompute it", RateClass::kLookup});
  router.Add({"GET", "/api/v1/admissions/report", kSupervisor | kLeader,
              ReadRoute(app, [&app, rules](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return YearReport(db, *rules, year);
              }),
              0, "The year in numbers: rosters received, students checked, findings by rule and district, rectified"});
}

void Register(Modules& m) {
  m.AddImportTemplate({std::string(kRosterImport), "招生名册模板", kClerk | kHandler | kSupervisor, RosterImportFields()});
  m.AddImportTemplate({std::string(kLotteryImport), "摇号报名名单模板", kHandler | kSupervisor, LotteryImportFields()});
  m.AddRoutes(RegisterRoutes);
  m.AddVocabulary("admissions", [](const AppContext& app, Db&) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(Rules rules, Rules::Load(app.data_dir));
    json::array routes, list;
    for (const auto& r : rules.routes) routes.push_back(json::object{{"code", r.code}, {"label", r.label}});
    for (const auto& r : rules.rules)
      list.push_back(json::object{{"code", r.code}, {"label", r.label}, {"clause", r.clause}, {"from", r.from},
                                  {"to", r.to}, {"refer", r.refer}});
    json::object lottery{{"observer_roles", json::array(rules.lottery.observer_roles.begin(), rules.lottery.observer_roles.end())},
                         {"required_roles", json::array(rules.lottery.required_roles.begin(), rules.lottery.required_roles.end())},
                         {"clause", rules.lottery.clause}};
    return json::object{{"routes", routes}, {"rules", list}, {"lottery", lottery}};
  });
}

}  // namespace qf::admissions
