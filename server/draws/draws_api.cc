// HTTP handlers for pools, draws (request, witnessed draw, declines, release, public record) and supervisor
// assignments. The sealed parts of a draw are shown only to its requester and witness until release.
#include "app/app.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/assign.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::draws {
namespace json = boost::json;
namespace {

constexpr RoleSet kDrawers = kSupervisor | kLeader;

std::optional<int64_t> Id(const Request& req, const Respond& respond) {
  auto id = ParseInt<int64_t>(req.params[0]);
  if (!id) respond(Response::Problem(NotFound("draw.not_found", "抽取记录不存在"), req.path));
  return id;
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/pools/{pool}", kSupervisor | kLeader | kAdmin,
              [&app](Request& req, Respond respond) {
                std::string pool = req.params[0];
                ReadJson(app, req, respond, [&](Db& db) { return ListMembers(db, pool); });
              },
              0, "The members of a pool (expert, inspector, supervisor) with their recusal facts"});
  router.Add({"POST", "/api/v1/pools/{pool}/members", kSupervisor | kAdmin,
              [&app](Request& req, Respond respond) {
                std::string pool = req.params[0];
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                SubmitWrite(app, req, [pool, b = std::move(*body)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, SaveMember(tx, pool, b));
                  return o;
                }, std::move(respond));
              },
              8 * 1024, "Add or edit a pool member (each change an event)"});
  router.Add({"POST", "/api/v1/pools/{pool}/import", kSupervisor | kAdmin,
              [&app](Request& req, Respond respond) {
                std::string pool = req.params[0];
                bool accept_valid = req.Query("accept_valid").value_or("") == "true";
                auto table = ReadTable(req.body);
                if (!table.ok()) return respond(Response::Problem(table.status(), req.path));
                SubmitWrite(app, req, [pool, accept_valid, t = std::move(*table)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, ImportMembers(tx, pool, t, accept_valid));
                  return o;
                }, std::move(respond));
              },
              kMaxImportBytes, "Import pool members from CSV or XLSX (all or nothing unless accept_valid)"});
  router.Add({"GET", "/api/v1/draw-witnesses", kDrawers,
              [&app](Request& req, Respond respond) {
                ReadJson(app, req, respond, [](Db& db) -> absl::StatusOr<json::object> {
                  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
                      "SELECT id, display_name FROM accounts WHERE active=1 AND (instr(','||roles||',', ',supervisor,') > 0 "
                      "OR instr(','||roles||',', ',leader,') > 0) ORDER BY id"));
                  json::array items;
                  while (true) {
                    QF_ASSIGN_OR_RETURN(bool row, st.Step());
                    if (!row) break;
                    items.push_back(json::object{{"id", st.Int(0)}, {"display_name", st.Text(1)}});
                  }
                  return json::object{{"items", items}};
                });
              },
              0, "Accounts that may witness a draw (discipline office and bureau leaders)"});
  router.Add({"GET", "/api/v1/draws", kDrawers,
              [&app](Request& req, Respond respond) {
                Principal who = *req.principal;
                ReadJson(app, req, respond, [&](Db& db) { return StaffList(db, who); });
              },
              0, "Draws, newest first"});
  router.Add({"POST", "/api/v1/draws", kDrawers,
              [&app](Request& req, Respond respond) {
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                DrawEnv env{app.vault};
                Principal who = *req.principal;
                SubmitWrite(app, req, [env, who, b = std::move(*body)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, RequestDraw(tx, env, b, who));
                  return o;
                }, std::move(respond), 201);
              },
              16 * 1024, "Request a draw: candidates frozen with each exclusion's reason, the commitment published"});
  router.Add({"GET", "/api/v1/draws/{id}", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                Principal who = *req.principal;
                ReadJson(app, req, respond, [&](Db& db) { return StaffView(db, *id, who); });
              },
              0, "One draw; the candidates, order and calls only for its requester and witness until release"});
  router.Add({"POST", "/api/v1/draws/{id}/draw", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                auto pv = in.Str("public_value", true, 64);
                if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
                DrawEnv env{app.vault};
                Principal who = *req.principal;
                SubmitWrite(app, req, [env, who, id = *id, pv = *pv](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, PerformDraw(tx, env, id, pv, who));
                  return o;
                }, std::move(respond));
              },
              1024, "The witness enters the public value: the seed and the call order follow"});
  router.Add({"POST", "/api/v1/draws/{id}/decline", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                auto code = in.Str("code", true, 32);
                auto reason = in.Str("reason", true, 200);
                if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
                Principal who = *req.principal;
                SubmitWrite(app, req, [who, id = *id, code = *code, reason = *reason](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, Decline(tx, id, code, reason, who));
                  return o;
                }, std::move(respond));
              },
              2048, "Record a selected member's decline or recusal; the next down the list is called"});
  router.Add({"POST", "/api/v1/draws/{id}/conclusions", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                auto code = in.Str("code", true, 32);
                auto item = in.Str("item", true, 100);
                auto result = in.Str("result", true, 200);
                if (auto s = in.Finish("draw.params"); !s.ok()) return respond(Response::Problem(s, req.path));
                Principal who = *req.principal;
                SubmitWrite(app, req, [who, id = *id, code = *code, item = *item, result = *result](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(RecordConclusion(tx, id, code, item, result, who));
                  return json::object{{"id", id}, {"code", code}, {"item", item}};
                }, std::move(respond), 201);
              },
              4096, "Record a drawn expert's conclusion on an item of the review (after release)"});
  router.Add({"POST", "/api/v1/draws/{id}/recusals", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                auto code = in.Str("code", true, 32);
                auto reason = in.Str("reason", true, 200);
                if (auto s = in.Finish("draw.params"); !s.ok()) return respond(Response::Problem(s, req.path));
                Principal who = *req.principal;
                SubmitWrite(app, req, [who, id = *id, code = *code, reason = *reason](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, RecuseAfterRelease(tx, id, code, reason, who));
                  return o;
                }, std::move(respond));
              },
              2048, "A recusal found after release: the next in the drawn order is called and the member's conclusions are void"});
  router.Add({"POST", "/api/v1/draws/{id}/release", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                DrawEnv env{app.vault};
                Principal who = *req.principal;
                SubmitWrite(app, req, [env, who, id = *id](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, Release(tx, env, id, who));
                  return o;
                }, std::move(respond));
              },
              1024, "Release the result: the secret is revealed and the draw can be recomputed by anyone"});
  router.Add({"GET", "/api/v1/public/draws", kPublic,
              [&app](Request& req, Respond respond) { ReadJson(app, req, respond, [](Db& db) { return PublicList(db); }); },
              0, "Draws with their commitments (published when requested)"});
  router.Add({"GET", "/api/v1/public/draws/{id}", kPublic,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                ReadJson(app, req, respond, [&](Db& db) -> absl::StatusOr<json::object> {
                  QF_ASSIGN_OR_RETURN(auto rec, PublicRecord(db, *id));
                  Verification v = Verify(rec);
                  if (rec.at("state").as_string() == "released")
                    rec["server_check"] = json::object{{"ok", v.ok}, {"passed", json::array(v.passed.begin(), v.passed.end())},
                                                       {"failed", json::array(v.failed.begin(), v.failed.end())}};
                  return rec;
                });
              },
              0, "A draw's public record: the commitment, and once released every input needed to recompute it",
              RateClass::kLookup});
  router.Add({"GET", "/api/v1/assignments", kDrawers,
              [&app](Request& req, Respond respond) {
                ReadJson(app, req, respond, [](Db& db) -> absl::StatusOr<json::object> {
                  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
                      "SELECT id,title,created_at,json_extract(result,'$.feasible'),json_extract(result,'$.total_km') "
                      "FROM assignments ORDER BY id DESC LIMIT 100"));
                  json::array items;
                  while (true) {
                    QF_ASSIGN_OR_RETURN(bool row, st.Step());
                    if (!row) break;
                    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"created_at", st.Text(2)},
                                                 {"feasible", st.Int(3) != 0}, {"total_km", st.Double(4)}});
                  }
                  return json::object{{"items", items}};
                });
              },
              0, "Supervisor-to-site assignments, newest first"});
  router.Add({"GET", "/api/v1/assignments/{id}", kDrawers,
              [&app](Request& req, Respond respond) {
                auto id = ParseInt<int64_t>(req.params[0]);
                if (!id) return respond(Response::Problem(NotFound("assignment.not_found", "安排不存在"), req.path));
                ReadJson(app, req, respond, [&](Db& db) { return LoadAssignment(db, *id); });
              },
              0, "One assignment with each placement explained, or why the quotas cannot be met"});
  router.Add({"POST", "/api/v1/assignments", kDrawers,
              [&app](Request& req, Respond respond) {
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                SubmitWrite(app, req, [b = std::move(*body)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, MakeAssignment(tx, b));
                  return o;
                }, std::move(respond), 201);
              },
              64 * 1024, "Assign exam supervisors to sites: quotas met, recusal kept, least total travel (min-cost flow)"});
}

}  // namespace qf::draws
