// HTTP handlers for migrant children's school places: the portal's form data, applications, following by code,
// objections and the published record; the console's applications and review, seats and their approval, the
// capacity board, and runs (request with a witness, the witness's draw, publication, decisions).
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "placement/placement.h"
#include "spdlog/spdlog.h"

namespace qf::placement {
namespace json = boost::json;

namespace {

absl::StatusOr<int64_t> RunId(const Request& req) { return PathId(req, 0, "placement.run_not_found", "录取批次"); }

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  auto policy = Policy::Load(app.data_dir + "/placement/policy.toml");
  if (!policy.ok()) {
    spdlog::error("placement: {}", std::string(policy.status().message()));
    return;
  }
  auto shared = std::make_shared<const Policy>(std::move(*policy));
  auto env = [&app, shared] { return PlacementEnv{shared, app.vault, cases::CaseEnv{app.calendar, app.policies, app.vault}}; };
  constexpr RoleSet kStaff = kHandler | kSupervisor | kLeader;
  router.Add({"GET", "/api/v1/public/placement", kPublic,
              ReadRoute(app, [env](const Request&, Db& db) -> absl::StatusOr<json::value> { return PublicSchools(db, env()); }),
              0, "Migrant children's places: designated schools and seats, compounds, tiers and their rules, review items"});
  router.Add({"POST", "/api/v1/public/placement/applications", kPublic,
              WriteRoute(app, [env, shared](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseApplication(*shared, body));
                return Command([e = env(), r](Tx& tx) -> absl::StatusOr<json::value> { return Apply(tx, e, r); });
              }, 201),
              16 * 1024, "Apply for a place: answers the application number and the code to follow it", RateClass::kSubmit});
  router.Add({"GET", "/api/v1/public/placement/applications/{code}", kPublic,
              ReadRoute(app, [env](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return Follow(db, env(), req.params[0]);
              }),
              0, "Follow an application by its code: review, tier with its rule, and the result with why", RateClass::kLookup});
  router.Add({"POST", "/api/v1/public/placement/applications/{code}/objection", kPublic,
              WriteRoute(app, [env](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string content = in.Str("content", true, 2000).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("placement.objection"));
                return Command([e = env(), code = req.params[0], content](Tx& tx) -> absl::StatusOr<json::value> {
                  return Object(tx, e, code, content);
                });
              }, 201),
              16 * 1024, "Object to a published result: becomes a case (招生入学) for the district", RateClass::kSubmit});
  router.Add({"GET", "/api/v1/public/placement/runs/{id}", kPublic,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                return PublicRecord(db, id, req.Query("children").value_or("") != "none");
              }),
              0, "A published run's record: what `qingfeng placement verify` checks", RateClass::kLookup});
  router.Add({"GET", "/api/v1/public/placement/runs/{id}/notice", kPublic,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                return PublicNotice(db, id, req.Query("school").value_or(""));
              }),
              0, "A published run's public notice (公示): the schools with their counts, or one school's children by "
                 "masked name and application number shown in part", RateClass::kLookup});
  router.Add({"GET", "/api/v1/placement/objections", kHandler | kSupervisor,
              ReadRoute(app, [env](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return Objections(db, env(), *req.principal);
              }),
              0, "Objections to a published result in the caller's district (the office: every district), each with "
                 "its case, the seat as it stands and any decision"});
  router.Add({"GET", "/api/v1/placement/applications", kStaff,
              ReadRoute(app, [env](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return Applications(db, env(), req.Query("district").value_or(""), req.Query("state").value_or(""),
                                    *req.principal);
              }),
              0, "Applications of the caller's district (the discipline office: any), newest first"});
  router.Add({"POST", "/api/v1/placement/applications/{id}/reviews", kHandler | kSupervisor,
              WriteRoute(app, [env, shared](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "placement.not_found", "申请"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseReview(*shared, body));
                return Command([e = env(), id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Review(tx, e, id, r, who);
                });
              }),
              4 * 1024, "Review one item on site (signed by the reviewer): ok, or returned with a reason and a date"});
  router.Add({"PUT", "/api/v1/placement/seats", kHandler | kSupervisor,
              WriteRoute(app, [env](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 20).value_or("");
                int grade = static_cast<int>(in.Int("grade", true, 1, 12).value_or(0));
                int seats = static_cast<int>(in.Int("seats", true, 0, 5000).value_or(0));
                QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
                return Command([e = env(), code, grade, seats, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return SetSeats(tx, e, code, grade, seats, who);
                });
              }),
              1024, "A school enters its seats for a grade (approval is reset)"});
  router.Add({"POST", "/api/v1/placement/seats/approve", kHandler | kSupervisor,
              WriteRoute(app, [env](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 20).value_or("");
                int grade = static_cast<int>(in.Int("grade", true, 1, 12).value_or(0));
                QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
                return Command([e = env(), code, grade, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return ApproveSeats(tx, e, code, grade, who);
                });
              }),
              1024, "The district approves a school's seats for a grade"});
  router.Add({"POST", "/api/v1/placement/runs/{id}/class-list", kHandler | kSupervisor,
              WriteThenRoute(app, [&app](const Request& req) -> absl::StatusOr<Write> {
                QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string school = in.Str("school", true, 20).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
                return Write{[id, school, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                               QF_ASSIGN_OR_RETURN(auto seated, OpenSeated(tx, id, school, "录取名单", who));
                               return SeatedJson(seated);
                             },
                             [path = req.path, vault = app.vault](absl::StatusOr<json::value> r, Respond respond) {
                               if (!r.ok()) return respond(Response::Problem(r.status(), path));
                               auto seated = SeatedFromJson(*r);
                               auto bytes = ClassListXlsx(seated, *vault);
                               if (!bytes.ok()) return respond(Response::Problem(bytes.status(), path));
                               respond(Response::Attachment(std::move(*bytes),
                                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                            "class-list-" + seated.code + ".xlsx", seated.name + "录取名单.xlsx"));
                             }};
              }),
              1024, "A school's class list of a published run as XLSX (names opened; the opening is recorded)"});
  router.Add({"GET", "/api/v1/placement/board", kStaff,
              ReadRoute(app, [env](const Request&, Db& db) -> absl::StatusOr<json::value> { return Board(db, env()); }),
              0, "Capacity board: approved seats against eligible and pending children by district, grade and tier"});
  router.Add({"POST", "/api/v1/placement/runs", kSupervisor | kLeader,
              WriteRoute(app, [env](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                int64_t witness = in.Int("witness_account_id", true, 1, INT64_MAX).value_or(0);
                QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
                return Command([e = env(), witness, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RequestRun(tx, e, witness, who);
                });
              }, 201),
              1024, "Request a placement run: the seed's secret is committed now, the witness named"});
  // The draw is computed first on the primary's reading connection, off the I/O thread (over the year's children,
  // most of its time), then stored by one writer command, which computes afresh only if the inputs changed meanwhile:
  // every other write waits on the writer, the sign-ins among them.
  router.Add({"POST", "/api/v1/placement/runs/{id}/draw", kSupervisor | kLeader,
              [&app, env](Request& req, Respond respond) {
                OffThread(app, req, std::move(respond), [&app, env](const Request& req, const Respond& respond) {
                  auto draw = [&]() -> absl::StatusOr<Command> {
                    QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                    QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                    JsonInput in(body);
                    std::string value = in.Str("public_value", true, 64).value_or("");
                    QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
                    QF_ASSIGN_OR_RETURN(Db * db, app.readers->Get());
                    db->SetDeadline(absl::Now() + app.read_budget);
                    auto computed = ComputeDraw(*db, env(), id, value, *req.principal);
                    db->SetDeadline(absl::InfiniteFuture());
                    if (!computed.ok()) return computed.status();
                    return Command([e = env(), id, value, who = *req.principal, c = *computed](Tx& tx) -> absl::StatusOr<json::value> {
                      return DrawRun(tx, e, id, value, who, c);
                    });
                  }();
                  if (!draw.ok()) return respond(Response::Problem(draw.status(), req.path));
                  SubmitWrite(app, req, std::move(*draw), respond);
                });
              },
              1024, "The witness enters the public value: lottery numbers, deferred acceptance and the flow comparison"});
  router.Add({"POST", "/api/v1/placement/runs/{id}/publish", kSupervisor | kLeader,
              WriteRoute(app, [env](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                return Command([e = env(), id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return PublishRun(tx, e, id, who);
                });
              }),
              1024, "Publish a run: the secret revealed, the record's hash in the ledger, families see their results"});
  router.Add({"GET", "/api/v1/placement/runs", kStaff,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return Runs(db); }),
              0, "Placement runs, newest first, with their state and counts"});
  router.Add({"GET", "/api/v1/placement/runs/{id}", kStaff,
              ReadRoute(app, [env](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                return RunView(db, env(), id);
              }),
              0, "A run: its state, summary (placed, shortfalls, the flow comparison) and record hash"});
  router.Add({"POST", "/api/v1/placement/runs/{id}/decisions", kHandler | kSupervisor,
              WriteRoute(app, [env](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, RunId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string ref = in.Str("ref", true, 20).value_or("");
                std::optional<std::string> to = in.Str("to_school", false, 20);
                std::string reason = in.Str("reason", true, 200).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
                return Command([e = env(), id, ref, to, reason, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Decide(tx, e, id, ref, to, reason, who);
                });
              }, 201),
              2 * 1024, "Record a decision changing a child's seat (an upheld appeal), shown by the verifier"});
}

}  // namespace qf::placement
