// HTTP handlers for inspections: campaigns and their audited sample, field work with evidence, rectification
// orders, sanctions, refunds and vetoes (console and portal). Each parses into a typed value, calls inspect and
// answers; who may see or change what is decided in inspect.
#include "app/app.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/xlsx_out.h"
#include "inspect/inspect.h"

namespace qf::inspect {
namespace json = boost::json;
namespace {

constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
// Who reads campaigns and forms: the planners and the inspectors (inspect/states.h kCheckers).
constexpr RoleSet kReaders = kCheckers;

InspectEnv Env(AppContext& app) { return {app.calendar, app.vault, app.policies, app.data_dir}; }

absl::StatusOr<int64_t> CampaignId(const Request& req) { return PathId(req, 0, "campaign.not_found", "检查项目"); }
absl::StatusOr<int64_t> FormId(const Request& req) { return PathId(req, 0, "form.not_found", "检查表"); }
absl::StatusOr<int64_t> RectificationId(const Request& req) {
  return PathId(req, 0, "rectification.not_found", "整改通知");
}

// A write whose typed request is parsed from the JSON body by `parse` and run by `run` with the caller.
template <typename Parse, typename Run>
Handler BodyRoute(AppContext& app, Parse parse, Run run, int ok_status = 200) {
  return WriteRoute(app, [parse, run](const Request& req) -> absl::StatusOr<Command> {
    QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body.empty() ? "{}" : req.body));
    QF_ASSIGN_OR_RETURN(auto typed, parse(req, body));
    return Command([run, typed = std::move(typed), who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
      return run(tx, typed, who);
    });
  }, ok_status);
}

// An uploaded file kept as evidence by `store` (a form's or an order's); the answer is its SHA-256.
template <typename Store>
Handler UploadRoute(AppContext& app, std::string default_name, absl::StatusOr<int64_t> (*id_of)(const Request&),
                    Store store) {
  return WriteRoute(app, [default_name, id_of, store](const Request& req) -> absl::StatusOr<Command> {
    QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
    QF_RETURN_IF_ERROR(CheckEvidenceFile(req.body));
    std::string name = req.Query("name").value_or(default_name);
    return Command([store, id, name, data = req.body, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(std::string hash, store(tx, id, name, data, who));
      return json::object{{"sha256", hash}};
    });
  }, 201);
}

// The witness of a sample's commitment, or the public value drawn at the witnessed draw.
struct Witness {
  int64_t id;
  int64_t account;
};
struct PublicValue {
  int64_t id;
  std::string value;
};

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  // ---- campaigns ----
  router.Add({"GET", "/api/v1/campaigns", kReaders,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return CampaignList(db); }),
              0, "Inspection campaigns with their sample sizes and open rectifications"});
  router.Add({"POST", "/api/v1/campaigns", kPlanners,
              BodyRoute(app, [](const Request& req, const json::object& b) { return ParseCampaign(b, *req.principal); },
                        [env = Env(app)](Tx& tx, const CampaignRequest& r, const Principal& who) {
                          return CreateCampaign(tx, env, r, who);
                        }, 201),
              64 * 1024, "Plan a campaign: scope, period, lead unit, sampling rate, groups, checklist with legal bases"});
  router.Add({"GET", "/api/v1/campaigns/{id}", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, CampaignId(req));
                return CampaignView(db, Env(app), id, *req.principal, app.clock->Now());
              }),
              0, "One campaign: frame, strata, sample with reasons, groups, forms, the results deadline"});
  router.Add({"POST", "/api/v1/campaigns/{id}/publish-results", kPlanners,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, CampaignId(req));
                return Command([id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return PublishResults(tx, id, who);
                });
              }),
              1024, "谁抽查、谁公示: make the campaign's results public (within 20 working days of its end); the ledger records their digest"});
  router.Add({"POST", "/api/v1/campaigns/{id}/commit", kPlanners,
              BodyRoute(app,
                        [](const Request& req, const json::object& b) -> absl::StatusOr<Witness> {
                          QF_ASSIGN_OR_RETURN(int64_t id, CampaignId(req));
                          JsonInput in(b);
                          auto w = in.Int("witness_account_id", true, 1, INT64_MAX);
                          QF_RETURN_IF_ERROR(in.Finish());
                          return Witness{id, *w};
                        },
                        [env = Env(app)](Tx& tx, const Witness& w, const Principal& who) {
                          return CommitSample(tx, env, w.id, w.account, who);
                        }),
              1024, "Freeze the sampling frame (strata, weights, hotspot reasons) and publish the commitment"});
  router.Add({"POST", "/api/v1/campaigns/{id}/draw", kPlanners,
              BodyRoute(app,
                        [](const Request& req, const json::object& b) -> absl::StatusOr<PublicValue> {
                          QF_ASSIGN_OR_RETURN(int64_t id, CampaignId(req));
                          JsonInput in(b);
                          auto pv = in.Str("public_value", true, 64);
                          QF_RETURN_IF_ERROR(in.Finish());
                          return PublicValue{id, *pv};
                        },
                        [env = Env(app)](Tx& tx, const PublicValue& p, const Principal& who) {
                          return DrawCampaign(tx, env, p.id, p.value, who);
                        }),
              1024, "The witness's public value: the sample, the groups and a form per school; the secret released"});
  router.Add({"GET", "/api/v1/public/campaigns", kPublic,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return PublicCampaigns(db); }),
              0, "Inspection campaigns with their commitments (谁抽查、谁公示)"});
  router.Add({"GET", "/api/v1/public/campaigns/{id}", kPublic,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, CampaignId(req));
                return PublicCampaign(db, id);
              }),
              0, "A campaign's public record: the frame, the commitment and, once drawn, the inputs, sample, groups and results",
              RateClass::kLookup});
  // ---- field work ----
  router.Add({"GET", "/api/v1/inspections/mine", kInspector,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return MyForms(db, *req.principal);
              }),
              0, "The checklists of the signed-in inspector's groups"});
  router.Add({"GET", "/api/v1/inspections/{id}", kReaders,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, FormId(req));
                return FormView(db, id, *req.principal);
              }),
              0, "One school's checklist with its answers and findings"});
  router.Add({"POST", "/api/v1/inspections/{id}/save", kInspector,
              BodyRoute(app,
                        [](const Request& req, const json::object& b) -> absl::StatusOr<std::pair<int64_t, FormSave>> {
                          QF_ASSIGN_OR_RETURN(int64_t id, FormId(req));
                          QF_ASSIGN_OR_RETURN(FormSave save, ParseFormSave(b));
                          return std::pair{id, std::move(save)};
                        },
                        [](Tx& tx, const std::pair<int64_t, FormSave>& s, const Principal& who) {
                          return SaveForm(tx, s.first, s.second, who);
                        }),
              256 * 1024, "Save a draft of a checklist, or submit it (every item answered; each failed item with its finding)"});
  router.Add({"POST", "/api/v1/inspections/{id}/confirm", kInspector,
              WriteRoute(app, [env = Env(app)](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, FormId(req));
                return Command([env, id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return ConfirmForm(tx, env, id, who);
                });
              }),
              1024, "The group leader confirms a submitted checklist; its findings become rectification orders"});
  router.Add({"POST", "/api/v1/inspections/{id}/evidence", kInspector, UploadRoute(app, "证据", FormId, AddEvidence),
              kMaxEvidenceBytes + 1024, "Attach a photo or PDF as evidence to a checklist (JPEG, PNG, PDF up to 5 MB)"});
  // ---- rectification ----
  router.Add({"GET", "/api/v1/rectifications", kHandler | kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return Rectifications(db, Env(app), *req.principal, app.clock->Now());
              }),
              0, "Rectification orders: a school sees its own, the discipline office and inspectors all"});
  router.Add({"POST", "/api/v1/rectifications/{id}/evidence", kHandler,
              UploadRoute(app, "整改证据", RectificationId, AddRectificationEvidence),
              kMaxEvidenceBytes + 1024, "Attach evidence of rectification (the school's own orders only)"});
  router.Add({"POST", "/api/v1/rectifications/{id}/answer", kHandler,
              BodyRoute(app,
                        [](const Request& req, const json::object& b)
                            -> absl::StatusOr<std::pair<int64_t, RectificationAnswer>> {
                          QF_ASSIGN_OR_RETURN(int64_t id, RectificationId(req));
                          QF_ASSIGN_OR_RETURN(auto answer, ParseRectificationAnswer(b));
                          return std::pair{id, std::move(answer)};
                        },
                        [](Tx& tx, const std::pair<int64_t, RectificationAnswer>& a, const Principal& who) {
                          return AnswerRectification(tx, a.first, a.second, who);
                        }),
              16 * 1024, "The school reports its rectification with evidence"});
  router.Add({"POST", "/api/v1/rectifications/{id}/check", kReaders,
              BodyRoute(app,
                        [](const Request& req, const json::object& b)
                            -> absl::StatusOr<std::pair<int64_t, RectificationCheck>> {
                          QF_ASSIGN_OR_RETURN(int64_t id, RectificationId(req));
                          QF_ASSIGN_OR_RETURN(auto check, ParseRectificationCheck(b));
                          return std::pair{id, std::move(check)};
                        },
                        [env = Env(app)](Tx& tx, const std::pair<int64_t, RectificationCheck>& c, const Principal& who) {
                          return CheckRectification(tx, env, c.first, c.second, who);
                        }),
              8 * 1024, "The lead unit re-checks: accept, or send back with a new term"});
  router.Add({"POST", "/api/v1/rectifications/sweep", kSupervisor,
              WriteRoute(app, [env = Env(app)](const Request&) -> absl::StatusOr<Command> {
                return Command([env](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int n, SweepRectifications(tx, env));
                  QF_ASSIGN_OR_RETURN(int m, SweepCampaignResults(tx, env));
                  return json::object{{"issued", n + m}};
                });
              }),
              1024, "Yellow and red cards for rectification orders near or past their due day (each once)"});
  router.Add({"GET", "/api/v1/evidence/{hash}", kHandler | kReaders,
              FileRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<Response> {
                QF_ASSIGN_OR_RETURN(EvidenceFile f, GetEvidence(db, req.params[0], *req.principal));
                Response r;
                r.content_type = std::move(f.mime);
                r.body = std::move(f.data);
                r.headers.emplace_back("Cache-Control", "private, max-age=3600");
                return r;
              }),
              0, "An evidence file of an inspection or a rectification, by its SHA-256 (a school: its own orders' files)"});
  // ---- sanctions, refunds, vetoes ----
  router.Add({"GET", "/api/v1/sanctions", kPlanners,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return SanctionsList(db); }),
              0, "Sanctions with their kinds and durations, vetoes and refunds"});
  router.Add({"POST", "/api/v1/sanctions", kPlanners,
              BodyRoute(app, [](const Request&, const json::object& b) { return ParseSanction(b); },
                        [env = Env(app)](Tx& tx, const SanctionRequest& r, const Principal&) { return RecordSanction(tx, env, r); }, 201),
              8 * 1024, "Record a sanction (and optionally a one-vote veto for a year)"});
  router.Add({"POST", "/api/v1/refunds", kReaders,
              BodyRoute(app, [](const Request&, const json::object& b) { return ParseRefund(b); },
                        [](Tx& tx, const RefundRequest& r, const Principal&) { return RecordRefund(tx, r); }, 201),
              4 * 1024, "Record a refund of unlawful fees by a school (amount, pupils, date)"});
  router.Add({"GET", "/api/v1/vetoes/export", kPlanners | kAdmin,
              FileRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<Response> {
                auto year = ParseInt<int>(req.Query("year").value_or(""));
                if (!year || *year < 2000 || *year > 2100)
                  return Invalid("veto.year", "请指定年度", {{"year", "应为 2000–2100"}});
                QF_ASSIGN_OR_RETURN(auto rows, VetoRows(db, *year));
                XlsxSheet s{std::to_string(*year) + "年一票否决", rows[0], {}, {8, 28, 10, 8, 30, 50, 12, 40}};
                for (size_t i = 1; i < rows.size(); ++i) s.rows.emplace_back(rows[i].begin(), rows[i].end());
                QF_ASSIGN_OR_RETURN(auto bytes, WriteXlsx({s}));
                return Response::Attachment(std::move(bytes), kXlsx, "veto-" + std::to_string(*year) + ".xlsx",
                                            std::to_string(*year) + "年一票否决名单.xlsx");
              }),
              0, "The year's one-vote vetoes for the evaluation: who is barred from awards and promotion, and why (XLSX)"});
}

}  // namespace qf::inspect
