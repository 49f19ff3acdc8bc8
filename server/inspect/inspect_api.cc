// HTTP handlers for inspections: campaigns and their audited sample, field work with evidence, rectification
// orders, sanctions, refunds and vetoes (console and portal).
#include "app/app.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "inspect/inspect.h"
#include "org/org.h"

namespace qf::inspect {
namespace json = boost::json;
namespace {

constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

InspectEnv Env(AppContext& app) { return {app.calendar, app.vault, app.policies}; }

std::optional<int64_t> Id(const Request& req, const Respond& respond, const char* what = "记录") {
  auto id = ParseInt<int64_t>(req.params[0]);
  if (!id) respond(Response::Problem(NotFound("not_found", std::string(what) + "不存在"), req.path));
  return id;
}

// A JSON body handed to a writer command with the caller.
void WriteJson(AppContext& app, Request& req, Respond respond,
               std::function<absl::StatusOr<json::object>(Tx&, const json::object&, const Principal&)> fn, int ok = 200) {
  auto body = ParseObject(req.body.empty() ? "{}" : req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  Principal who = req.principal ? *req.principal : Principal{};
  SubmitWrite(app, req, [fn = std::move(fn), b = std::move(*body), who](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, fn(tx, b, who));
    return o;
  }, std::move(respond), ok);
}


}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  constexpr RoleSet kPlanners = kSupervisor | kLeader;
  constexpr RoleSet kReaders = kSupervisor | kLeader | kInspector;
  // ---- campaigns ----
  router.Add({"GET", "/api/v1/campaigns", kReaders,
              [&app](Request& req, Respond respond) { ReadJson(app, req, respond, [](Db& db) { return CampaignList(db); }); },
              0, "Inspection campaigns with their sample sizes and open rectifications"});
  router.Add({"POST", "/api/v1/campaigns", kPlanners,
              [&app](Request& req, Respond respond) {
                InspectEnv env = Env(app);
                WriteJson(app, req, std::move(respond),
                          [env](Tx& tx, const json::object& b, const Principal& who) { return CreateCampaign(tx, env, b, who); }, 201);
              },
              64 * 1024, "Plan a campaign: scope, period, lead unit, sampling rate, groups, checklist with legal bases"});
  router.Add({"GET", "/api/v1/campaigns/{id}", kReaders,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查项目");
                if (!id) return;
                Principal who = *req.principal;
                ReadJson(app, req, respond, [&](Db& db) { return CampaignView(db, Env(app), *id, who, app.clock->Now()); });
              },
              0, "One campaign: frame, strata, sample with reasons, groups, forms, the results deadline"});
  router.Add({"POST", "/api/v1/campaigns/{id}/publish-results", kPlanners,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "campaign.not_found", "检查项目"));
                Principal who = *req.principal;
                return Command([id, who](Tx& tx) -> absl::StatusOr<json::value> { return PublishResults(tx, id, who); });
              }),
              1024, "谁抽查、谁公示: make the campaign's results public (within 20 working days of its end); the ledger records their digest"});
  router.Add({"POST", "/api/v1/campaigns/{id}/commit", kPlanners,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查项目");
                if (!id) return;
                InspectEnv env = Env(app);
                WriteJson(app, req, std::move(respond), [env, id = *id](Tx& tx, const json::object& b, const Principal& who) -> absl::StatusOr<json::object> {
                  JsonInput in(b);
                  auto w = in.Int("witness_account_id", true, 1, INT64_MAX);
                  QF_RETURN_IF_ERROR(in.Finish());
                  return CommitSample(tx, env, id, *w, who);
                });
              },
              1024, "Freeze the sampling frame (strata, weights, hotspot reasons) and publish the commitment"});
  router.Add({"POST", "/api/v1/campaigns/{id}/draw", kPlanners,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查项目");
                if (!id) return;
                InspectEnv env = Env(app);
                WriteJson(app, req, std::move(respond), [env, id = *id](Tx& tx, const json::object& b, const Principal& who) -> absl::StatusOr<json::object> {
                  JsonInput in(b);
                  auto pv = in.Str("public_value", true, 64);
                  QF_RETURN_IF_ERROR(in.Finish());
                  return DrawCampaign(tx, env, id, *pv, who);
                });
              },
              1024, "The witness's public value: the sample, the groups and a form per school; the secret released"});
  router.Add({"GET", "/api/v1/public/campaigns", kPublic,
              [&app](Request& req, Respond respond) { ReadJson(app, req, respond, [](Db& db) { return PublicCampaigns(db); }); },
              0, "Inspection campaigns with their commitments (谁抽查、谁公示)"});
  router.Add({"GET", "/api/v1/public/campaigns/{id}", kPublic,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查项目");
                if (!id) return;
                ReadJson(app, req, respond, [&](Db& db) { return PublicCampaign(db, *id); });
              },
              0, "A campaign's public record: the frame, the commitment and, once drawn, the inputs, sample, groups and results",
              RateClass::kLookup});
  // ---- field work ----
  router.Add({"GET", "/api/v1/inspections/mine", kInspector,
              [&app](Request& req, Respond respond) {
                Principal who = *req.principal;
                ReadJson(app, req, respond, [&](Db& db) { return MyForms(db, who); });
              },
              0, "The checklists of the signed-in inspector's groups"});
  router.Add({"GET", "/api/v1/inspections/{id}", kReaders,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查表");
                if (!id) return;
                Principal who = *req.principal;
                ReadJson(app, req, respond, [&](Db& db) { return FormView(db, *id, who); });
              },
              0, "One school's checklist with its answers and findings"});
  router.Add({"POST", "/api/v1/inspections/{id}/save", kInspector,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查表");
                if (!id) return;
                WriteJson(app, req, std::move(respond), [id = *id](Tx& tx, const json::object& b, const Principal& who) {
                  bool submit = b.contains("submit") && b.at("submit").is_bool() && b.at("submit").as_bool();
                  return SaveForm(tx, id, b, submit, who);
                });
              },
              256 * 1024, "Save a draft of a checklist, or submit it (every item answered; each failed item with its finding)"});
  router.Add({"POST", "/api/v1/inspections/{id}/confirm", kInspector,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查表");
                if (!id) return;
                InspectEnv env = Env(app);
                WriteJson(app, req, std::move(respond), [env, id = *id](Tx& tx, const json::object&, const Principal& who) {
                  return ConfirmForm(tx, env, id, who);
                });
              },
              1024, "The group leader confirms a submitted checklist; its findings become rectification orders"});
  router.Add({"POST", "/api/v1/inspections/{id}/evidence", kInspector,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "检查表");
                if (!id) return;
                std::string name = req.Query("name").value_or("证据");
                Principal who = *req.principal;
                SubmitWrite(app, req, [id = *id, name, who, data = req.body](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(std::string hash, AddEvidence(tx, id, name, data, who));
                  return json::object{{"sha256", hash}};
                }, std::move(respond), 201);
              },
              5 * 1024 * 1024 + 1024, "Attach a photo or PDF as evidence to a checklist (JPEG, PNG, PDF up to 5 MB)"});
  // ---- rectification ----
  router.Add({"GET", "/api/v1/rectifications", kHandler | kReaders,
              [&app](Request& req, Respond respond) {
                Principal who = *req.principal;
                ReadJson(app, req, respond, [&](Db& db) { return Rectifications(db, Env(app), who, app.clock->Now()); });
              },
              0, "Rectification orders: a school sees its own, the discipline office and inspectors all"});
  router.Add({"POST", "/api/v1/rectifications/{id}/evidence", kHandler,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "整改通知");
                if (!id) return;
                std::string name = req.Query("name").value_or("整改证据");
                Principal who = *req.principal;
                SubmitWrite(app, req, [id = *id, name, who, data = req.body](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT school_id FROM rectifications WHERE id=?"));
                  st.Bind(1, id);
                  QF_ASSIGN_OR_RETURN(bool row, st.Step());
                  bool within = false;
                  if (row) {
                    auto w = org::IsWithin(tx.db(), st.Int(0), who.unit_id);
                    within = w.ok() && *w;
                  }
                  if (!within) return NotFound("rectification.not_found", "整改通知不存在");
                  QF_ASSIGN_OR_RETURN(std::string hash, AddEvidence(tx, 0, name, data, who));
                  return json::object{{"sha256", hash}};
                }, std::move(respond), 201);
              },
              5 * 1024 * 1024 + 1024, "Attach evidence of rectification (the school's own orders only)"});
  router.Add({"POST", "/api/v1/rectifications/{id}/answer", kHandler,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "整改通知");
                if (!id) return;
                WriteJson(app, req, std::move(respond), [id = *id](Tx& tx, const json::object& b, const Principal& who) {
                  return AnswerRectification(tx, id, b, who);
                });
              },
              16 * 1024, "The school reports its rectification with evidence"});
  router.Add({"POST", "/api/v1/rectifications/{id}/check", kReaders,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond, "整改通知");
                if (!id) return;
                InspectEnv env = Env(app);
                WriteJson(app, req, std::move(respond), [env, id = *id](Tx& tx, const json::object& b, const Principal& who) {
                  return CheckRectification(tx, env, id, b, who);
                });
              },
              8 * 1024, "The lead unit re-checks: accept, or send back with a new term"});
  router.Add({"POST", "/api/v1/rectifications/sweep", kSupervisor,
              [&app](Request& req, Respond respond) {
                InspectEnv env = Env(app);
                SubmitWrite(app, req, [env](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int n, SweepRectifications(tx, env));
                  QF_ASSIGN_OR_RETURN(int m, SweepCampaignResults(tx, env));
                  return json::object{{"issued", n + m}};
                }, std::move(respond));
              },
              1024, "Yellow and red cards for rectification orders near or past their due day (each once)"});
  router.Add({"GET", "/api/v1/evidence/{hash}", kHandler | kReaders,
              [&app](Request& req, Respond respond) {
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto st = (*db)->Prepare(
                    "SELECT b.mime, b.data FROM blobs b WHERE b.hash=?1 AND (EXISTS(SELECT 1 FROM rectifications r, json_each(r.evidence) e "
                    "WHERE e.value=?1) OR EXISTS(SELECT 1 FROM inspection_forms f, json_tree(f.answers) t WHERE t.atom=?1))");
                if (!st.ok()) return respond(Response::Problem(st.status(), req.path));
                st->Bind(1, req.params[0]);
                auto row = st->Step();
                if (!row.ok() || !*row) return respond(Response::Problem(NotFound("evidence.not_found", "证据文件不存在"), req.path));
                Response r;
                r.content_type = st->Text(0);
                r.body = st->Text(1);
                r.headers.emplace_back("Cache-Control", "private, max-age=3600");
                respond(std::move(r));
              },
              0, "An evidence file of an inspection or a rectification, by its SHA-256"});
  // ---- sanctions, refunds, vetoes ----
  router.Add({"GET", "/api/v1/sanctions", kPlanners,
              [&app](Request& req, Respond respond) { ReadJson(app, req, respond, [](Db& db) { return SanctionsList(db); }); },
              0, "Sanctions with their kinds and durations, vetoes and refunds"});
  router.Add({"POST", "/api/v1/sanctions", kPlanners,
              [&app](Request& req, Respond respond) {
                WriteJson(app, req, std::move(respond), [](Tx& tx, const json::object& b, const Principal&) { return RecordSanction(tx, b); }, 201);
              },
              8 * 1024, "Record a sanction (and optionally a one-vote veto for a year)"});
  router.Add({"POST", "/api/v1/refunds", kReaders,
              [&app](Request& req, Respond respond) {
                WriteJson(app, req, std::move(respond), [](Tx& tx, const json::object& b, const Principal&) { return RecordRefund(tx, b); }, 201);
              },
              4 * 1024, "Record a refund of unlawful fees by a school (amount, pupils, date)"});
  router.Add({"GET", "/api/v1/vetoes/export", kPlanners | kAdmin,
              [&app](Request& req, Respond respond) {
                auto year = ParseInt<int>(req.Query("year").value_or(""));
                if (!year || *year < 2000 || *year > 2100)
                  return respond(Response::Problem(Invalid("veto.year", "请指定年度", {{"year", "应为 2000–2100"}}), req.path));
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto rows = VetoRows(**db, *year);
                if (!rows.ok()) return respond(Response::Problem(rows.status(), req.path));
                XlsxSheet s{std::to_string(*year) + "年一票否决", (*rows)[0], {}, {8, 28, 10, 8, 30, 50, 12, 40}};
                for (size_t i = 1; i < rows->size(); ++i) {
                  std::vector<XlsxCell> r;
                  for (auto& c : (*rows)[i]) r.push_back(c);
                  s.rows.push_back(std::move(r));
                }
                auto bytes = WriteXlsx({s});
                if (!bytes.ok()) return respond(Response::Problem(bytes.status(), req.path));
                respond(Response::Attachment(std::move(*bytes), kXlsx, "veto-" + std::to_string(*year) + ".xlsx",
                                             std::to_string(*year) + "年一票否决名单.xlsx"));
              },
              0, "The year's one-vote vetoes for the evaluation: who is barred from awards and promotion, and why (XLSX)"});
}

}  // namespace qf::inspect
