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

void ReadWith(AppContext& app, Request& req, Respond& respond,
              const std::function<absl::StatusOr<json::object>(Db&)>& fn) {
  auto db = Reader(app);
  if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
  auto r = fn(**db);
  if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
  respond(Response::Json(200, *r));
}

// Sites and supervisors of an assignment request, read from the units and the pool (or a released draw).
absl::StatusOr<json::object> MakeAssignment(Tx& tx, const json::object& body) {
  Db& db = tx.db();
  JsonInput in(body);
  auto title = in.Str("title", true, 100);
  auto draw_id = in.Int("draw_id", false, 1, INT64_MAX);
  std::vector<Site> sites;
  const json::value* sv = body.if_contains("sites");
  if (!sv || !sv->is_array() || sv->as_array().empty() || sv->as_array().size() > 200) in.Fail("sites", "请填写考点（1–200个）");
  else {
    int k = 0;
    for (auto& x : sv->as_array()) {
      std::string prefix = fmt::format("sites[{}]", k++);
      if (!x.is_object()) { in.Fail(prefix, "应为对象"); continue; }
      JsonInput si(x.as_object(), prefix);
      Site s;
      s.code = si.Str("code", true, 32).value_or("");
      s.quota = static_cast<int>(si.Int("quota", true, 1, 1000).value_or(0));
      s.host_unit_id = si.Int("host_unit_id", true, 1, INT64_MAX).value_or(0);
      if (auto* ex = x.as_object().if_contains("examinee_unit_ids"); ex && ex->is_array())
        for (auto& u : ex->as_array())
          if (u.is_int64()) s.examinee_unit_ids.push_back(u.as_int64());
      for (auto& e : si.errors()) in.Fail(e.field, e.message);
      if (s.host_unit_id) {
        QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, s.host_unit_id));
        if (!u || !u->lat || !u->lon) in.Fail(prefix + ".host_unit_id", "考点学校不存在或没有坐标");
        else s.name = si.Str("name", false, 50).value_or(u->name), s.lat = *u->lat, s.lon = *u->lon;
      }
      sites.push_back(std::move(s));
    }
  }
  QF_RETURN_IF_ERROR(in.Finish());
  QF_ASSIGN_OR_RETURN(auto members, LoadPool(db, "supervisor", true));
  std::set<std::string> chosen;
  if (draw_id) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT state, COALESCE(selected,'[]'), pool FROM draws WHERE id=?"));
    st.Bind(1, *draw_id);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.Text(0) != "released" || st.Text(2) != "supervisor")
      return Invalid("assignment.draw", "应为已公布结果的监考人员抽取", {{"draw_id", "不是已公布的监考人员抽取"}});
    for (auto& c : json::parse(st.Text(1)).as_array()) chosen.insert(std::string(c.as_string()));
  }
  std::vector<Supervisor> sups;
  std::map<std::string, std::string> names;
  for (auto& m : members) {
    if (draw_id && !chosen.count(m.code)) continue;
    if (!m.lat || !m.lon) continue;
    sups.push_back({m.code, m.name, m.unit_id, m.relative_exam_unit_ids, *m.lat, *m.lon});
    names[m.code] = m.name;
  }
  AssignmentResult r = Assign(sites, sups);
  json::array placements, site_rows, problems, unused;
  std::map<std::string, std::string> site_names;
  for (auto& s : sites) {
    site_names[s.code] = s.name;
    int n = static_cast<int>(std::count_if(r.placements.begin(), r.placements.end(), [&](auto& p) { return p.site == s.code; }));
    site_rows.push_back(json::object{{"code", s.code}, {"name", s.name}, {"quota", s.quota}, {"assigned", n},
                                     {"host_unit_id", s.host_unit_id}, {"examinee_unit_ids", json::array(s.examinee_unit_ids.begin(), s.examinee_unit_ids.end())}});
  }
  for (auto& p : r.placements)
    placements.push_back(json::object{{"supervisor", p.supervisor}, {"name", names[p.supervisor]}, {"site", p.site},
                                      {"site_name", site_names[p.site]}, {"km", p.metres / 1000.0}, {"why", p.why}});
  for (auto& p : r.problems) problems.push_back(json::string(p));
  for (auto& u : r.unused) unused.push_back(json::string(u));
  json::object result{{"feasible", r.feasible}, {"total_km", r.total_metres / 1000.0}, {"sites", site_rows},
                      {"placements", placements}, {"problems", problems}, {"unused", unused},
                      {"supervisors", sups.size()}};
  std::string input = json::serialize(body);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO assignments(title,input,result,created_by,created_at) VALUES(?,?,?,?,?)"));
  int64_t account = tx.actor().id.rfind("account:", 0) == 0 ? ParseInt<int64_t>(tx.actor().id.substr(8)).value_or(0) : 0;
  st.Bind(1, *title).Bind(2, input).Bind(3, json::serialize(result));
  if (account) st.Bind(4, account); else st.BindNull(4);
  st.Bind(5, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("assignment.made", "assignment:" + std::to_string(id),
                               {{"title", *title}, {"input_sha256", Sha256Hex(input)}, {"feasible", r.feasible},
                                {"total_metres", r.total_metres}, {"placed", r.placements.size()}})
                         .status());
  result["id"] = id;
  result["title"] = *title;
  return result;
}

absl::StatusOr<json::object> LoadAssignment(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT title,result,created_at FROM assignments WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("assignment.not_found", "安排不存在");
  json::object o = json::parse(st.Text(1)).as_object();
  o["id"] = id;
  o["title"] = st.Text(0);
  o["created_at"] = st.Text(2);
  return o;
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/pools/{pool}", kSupervisor | kLeader | kAdmin,
              [&app](Request& req, Respond respond) {
                std::string pool = req.params[0];
                ReadWith(app, req, respond, [&](Db& db) { return ListMembers(db, pool); });
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
  router.Add({"GET", "/api/v1/draws", kDrawers,
              [&app](Request& req, Respond respond) {
                Principal who = *req.principal;
                ReadWith(app, req, respond, [&](Db& db) { return StaffList(db, who); });
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
                ReadWith(app, req, respond, [&](Db& db) { return StaffView(db, *id, who); });
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
              [&app](Request& req, Respond respond) { ReadWith(app, req, respond, [](Db& db) { return PublicList(db); }); },
              0, "Draws with their commitments (published when requested)"});
  router.Add({"GET", "/api/v1/public/draws/{id}", kPublic,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                ReadWith(app, req, respond, [&](Db& db) -> absl::StatusOr<json::object> {
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
                ReadWith(app, req, respond, [](Db& db) -> absl::StatusOr<json::object> {
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
                ReadWith(app, req, respond, [&](Db& db) { return LoadAssignment(db, *id); });
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
