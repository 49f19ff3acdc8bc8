// HTTP handlers for pools, draws (request, witnessed draw, declines, release, conclusions and recusals, public
// record) and supervisor assignments: each parses into a typed value, calls draws, answers. The sealed parts of a
// draw are shown only to its requester and witness until release (draws decides).
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "draws/draws.h"

namespace qf::draws {
namespace json = boost::json;
namespace {

constexpr RoleSet kDrawers = kSupervisor | kLeader;

absl::StatusOr<int64_t> DrawId(const Request& req) { return PathId(req, 0, "draw.not_found", "抽取记录"); }

absl::StatusOr<Pool> PoolParam(const Request& req) {
  auto pool = ParsePool(req.params[0]);
  if (!pool) return NotFound("pool.not_found", "没有这个库");
  return *pool;
}

// A member's code and a reason (declines and recusals), or an expert's conclusion.
struct CodeReason {
  std::string code, reason;
};
absl::StatusOr<CodeReason> ParseCodeReason(const Request& req) {
  QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
  JsonInput in(body);
  CodeReason r{in.Str("code", true, 32).value_or(""), in.Str("reason", true, 200).value_or("")};
  QF_RETURN_IF_ERROR(in.Finish("draw.params"));
  return r;
}

json::object PublicRecordChecked(json::object rec) {
  if (rec.at("state").as_string() == DrawStateCode(DrawState::kReleased)) {
    Verification v = Verify(rec);
    rec["server_check"] = json::object{{"ok", v.ok}, {"passed", json::array(v.passed.begin(), v.passed.end())},
                                       {"failed", json::array(v.failed.begin(), v.failed.end())}};
  }
  return rec;
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/pools/{pool}", kSupervisor | kLeader | kAdmin,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(Pool pool, PoolParam(req));
                return ListMembers(db, pool);
              }),
              0, "The members of a pool (expert, inspector, supervisor) with their recusal facts"});
  router.Add({"POST", "/api/v1/pools/{pool}/members", kSupervisor | kAdmin,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(Pool pool, PoolParam(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto m, ParseMember(body));
                return Command([pool, m](Tx& tx) -> absl::StatusOr<json::value> {
                  return SaveMember(tx, pool, m);
                });
              }),
              8 * 1024, "Add or edit a pool member (each change an event)"});
  router.Add({"POST", "/api/v1/pools/{pool}/import", kSupervisor | kAdmin,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(Pool pool, PoolParam(req));
                bool accept_valid = req.Query("accept_valid").value_or("") == "true";
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                return Command([pool, accept_valid, &cols = app.imports->Of(kMemberImport),
                                t = std::move(table)](Tx& tx) -> absl::StatusOr<json::value> {
                  return ImportMembers(tx, pool, cols, t, accept_valid);
                });
              }),
              kMaxImportBytes, "Import pool members from CSV or XLSX (all or nothing unless accept_valid)"});
  router.Add({"GET", "/api/v1/draw-witnesses", kDrawers | kHandler,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return Witnesses(db); }),
              0, "Accounts that may witness a draw (discipline office and bureau leaders); district bureaus name one for "
              "their lotteries"});
  router.Add({"GET", "/api/v1/draws", kDrawers,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return StaffList(db, *req.principal);
              }),
              0, "Draws, newest first"});
  router.Add({"POST", "/api/v1/draws", kDrawers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseDrawRequest(body, *req.principal));
                return Command([env = DrawEnv{app.vault}, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RequestDraw(tx, env, r, who);
                });
              }, 201),
              16 * 1024, "Request a draw: candidates frozen with each exclusion's reason, the commitment published"});
  router.Add({"GET", "/api/v1/draws/{id}", kDrawers,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                return StaffView(db, id, *req.principal);
              }),
              0, "One draw; the candidates, order and calls only for its requester and witness until release"});
  router.Add({"POST", "/api/v1/draws/{id}/draw", kDrawers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto pv = in.Str("public_value", true, 64);
                QF_RETURN_IF_ERROR(in.Finish("draw.params"));
                return Command([env = DrawEnv{app.vault}, id, pv = *pv, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return PerformDraw(tx, env, id, pv, who);
                });
              }),
              1024, "The witness enters the public value: the seed and the call order follow"});
  router.Add({"POST", "/api/v1/draws/{id}/decline", kDrawers,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                QF_ASSIGN_OR_RETURN(auto r, ParseCodeReason(req));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Decline(tx, id, r.code, r.reason, who);
                });
              }),
              2048, "Record a selected member's decline or recusal; the next down the list is called"});
  router.Add({"POST", "/api/v1/draws/{id}/conclusions", kDrawers,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto code = in.Str("code", true, 32);
                auto item = in.Str("item", true, 100);
                auto result = in.Str("result", true, 200);
                QF_RETURN_IF_ERROR(in.Finish("draw.params"));
                return Command([id, code = *code, item = *item, result = *result,
                                who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(RecordConclusion(tx, id, code, item, result, who));
                  return json::object{{"id", id}, {"code", code}, {"item", item}};
                });
              }, 201),
              4096, "Record a drawn expert's conclusion on an item of the review (after release)"});
  router.Add({"POST", "/api/v1/draws/{id}/recusals", kDrawers,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                QF_ASSIGN_OR_RETURN(auto r, ParseCodeReason(req));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RecuseAfterRelease(tx, id, r.code, r.reason, who);
                });
              }),
              2048, "A recusal found after release: the next in the drawn order is called and the member's conclusions are void"});
  router.Add({"POST", "/api/v1/draws/{id}/release", kDrawers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                return Command([env = DrawEnv{app.vault}, id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Release(tx, env, id, who);
                });
              }),
              1024, "Release the result: the secret is revealed and the draw can be recomputed by anyone"});
  router.Add({"GET", "/api/v1/public/draws", kPublic,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return PublicList(db); }),
              0, "Draws with their commitments (published when requested)"});
  router.Add({"GET", "/api/v1/public/draws/{id}", kPublic,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, DrawId(req));
                QF_ASSIGN_OR_RETURN(auto rec, PublicRecord(db, id));
                return PublicRecordChecked(std::move(rec));
              }),
              0, "A draw's public record: the commitment, and once released every input needed to recompute it",
              RateClass::kLookup});
  router.Add({"GET", "/api/v1/assignments", kDrawers,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return ListAssignments(db); }),
              0, "Supervisor-to-site assignments, newest first"});
  router.Add({"GET", "/api/v1/assignments/{id}", kDrawers,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "assignment.not_found", "安排"));
                return LoadAssignment(db, id);
              }),
              0, "One assignment with each placement explained, or why the quotas cannot be met"});
  router.Add({"POST", "/api/v1/assignments", kDrawers,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseAssignment(body));
                return Command([r](Tx& tx) -> absl::StatusOr<json::value> { return MakeAssignment(tx, r); });
              }, 201),
              64 * 1024, "Assign exam supervisors to sites: quotas met, recusal kept, least total travel (min-cost flow)"});
}

void Register(Modules& m) {
  m.AddImportTemplate({std::string(kMemberImport), "抽取库人员导入模板", kSupervisor | kAdmin, MemberImportFields()});
  m.AddRoutes(RegisterRoutes);
  m.AddVocabulary("pools", [](const AppContext&, Db&) -> absl::StatusOr<json::value> {
    json::array out;
    for (auto code : PoolCodes()) out.push_back(json::object{{"code", code}, {"label", PoolLabel(*ParsePool(code))}});
    return out;
  });
}

}  // namespace qf::draws
