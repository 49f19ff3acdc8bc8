// Assignments in the database: sites from the units, supervisors from the pool or a released draw, the
// min-cost-flow result with its explanations, and an event per assignment.
#include <map>
#include <set>

#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/assign.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::draws {
namespace json = boost::json;
namespace {
// Supervisors are placed from the released result of a supervisor draw (or the whole active pool).
constexpr Pool kSourcePool = Pool::kSupervisor;
constexpr DrawState kSourceState = DrawState::kReleased;
bool IsAssignmentSource(std::optional<Pool> pool, std::optional<DrawState> state) {
  return pool == kSourcePool && state == kSourceState;
}
}  // namespace

absl::StatusOr<AssignmentRequest> ParseAssignment(const json::object& body) {
  JsonInput in(body);
  AssignmentRequest r;
  r.title = in.Str("title", true, 100).value_or("");
  r.draw_id = in.Int("draw_id", false, 1, INT64_MAX).value_or(0);
  const json::value* sv = body.if_contains("sites");
  if (!sv || !sv->is_array() || sv->as_array().empty() || sv->as_array().size() > 200) {
    in.Fail("sites", "请填写考点（1–200个）");
  } else {
    int k = 0;
    for (auto& x : sv->as_array()) {
      std::string prefix = fmt::format("sites[{}]", k++);
      if (!x.is_object()) {
        in.Fail(prefix, "应为对象");
        continue;
      }
      JsonInput si(x.as_object(), prefix);
      Site s;
      s.code = si.Str("code", true, 32).value_or("");
      s.quota = static_cast<int>(si.Int("quota", true, 1, 1000).value_or(0));
      s.host_unit_id = si.Int("host_unit_id", true, 1, INT64_MAX).value_or(0);
      s.name = si.Str("name", false, 50).value_or("");
      if (auto* ex = x.as_object().if_contains("examinee_unit_ids"); ex && ex->is_array())
        for (auto& u : ex->as_array())
          if (u.is_int64()) s.examinee_unit_ids.push_back(u.as_int64());
      for (auto& e : si.errors()) in.Fail(e.field, e.message);
      r.sites.push_back(std::move(s));
    }
  }
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

// Sites and supervisors of an assignment request, read from the units and the pool (or a released draw).
absl::StatusOr<json::object> MakeAssignment(Tx& tx, const AssignmentRequest& req) {
  Db& db = tx.db();
  std::vector<Site> sites = req.sites;
  std::vector<FieldError> errors;
  for (size_t k = 0; k < sites.size(); ++k) {
    Site& s = sites[k];
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, s.host_unit_id));
    if (!u || !u->lat || !u->lon) {
      errors.push_back({fmt::format("sites[{}].host_unit_id", k), "考点学校不存在或没有坐标"});
      continue;
    }
    if (s.name.empty()) s.name = u->name;
    s.lat = *u->lat;
    s.lon = *u->lon;
  }
  if (!errors.empty()) return Invalid("validation_failed", fmt::format("有 {} 处输入需要修改", errors.size()), errors);
  const std::optional<int64_t> draw_id = req.draw_id ? std::optional<int64_t>(req.draw_id) : std::nullopt;
  const std::string* title = &req.title;
  QF_ASSIGN_OR_RETURN(auto members, LoadPool(db, Pool::kSupervisor, true));
  std::set<std::string> chosen;
  if (draw_id) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT state, COALESCE(selected,'[]'), pool FROM draws WHERE id=?"));
    st.Bind(1, *draw_id);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || !IsAssignmentSource(ParsePool(st.Text(2)), ParseDrawState(st.Text(0))))
      return Invalid("assignment.draw", "应为已公布结果的监考人员抽取", {{"draw_id", "不是已公布的监考人员抽取"}});
    QF_ASSIGN_OR_RETURN(auto selected, StoredArray(st.Text(1), "draws.selected"));
    for (auto& c : selected)
      if (c.is_string()) chosen.insert(std::string(c.as_string()));
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
  json::array input_sites;
  for (const auto& s : req.sites)
    input_sites.push_back(json::object{{"code", s.code}, {"quota", s.quota}, {"host_unit_id", s.host_unit_id},
                                       {"name", s.name}, {"examinee_unit_ids", json::array(s.examinee_unit_ids.begin(), s.examinee_unit_ids.end())}});
  std::string input = json::serialize(json::object{{"title", req.title}, {"draw_id", req.draw_id}, {"sites", input_sites}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO assignments(title,input,result,created_by,created_at) VALUES(?,?,?,?,?)"));
  int64_t account = tx.actor().AccountId();
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

absl::StatusOr<json::object> ListAssignments(Db& db) {
  json::array sources;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT id,purpose,pool,state,COALESCE(released_at,'') FROM draws WHERE pool=? AND state=? ORDER BY id DESC LIMIT 100"));
    st.Bind(1, PoolCode(kSourcePool)).Bind(2, DrawStateCode(kSourceState));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      sources.push_back(json::object{{"id", st.Int(0)}, {"purpose", st.Text(1)}, {"released_at", st.Text(4)}});
    }
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,title,created_at,result "
      "FROM assignments ORDER BY id DESC LIMIT 100"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value result = json::parse(st.Text(3), ec);
    const json::object* r = !ec ? result.if_object() : nullptr;
    const json::value* feasible = r ? r->if_contains("feasible") : nullptr;
    const json::value* km = r ? r->if_contains("total_km") : nullptr;
    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"created_at", st.Text(2)},
                                 {"feasible", feasible && feasible->is_bool() && feasible->get_bool()},
                                 {"total_km", km && km->is_number() ? km->to_number<double>() : 0.0}});
  }
  return json::object{{"items", items}, {"sources", sources}};
}

absl::StatusOr<json::object> LoadAssignment(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT title,result,created_at FROM assignments WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("assignment.not_found", "安排不存在");
  QF_ASSIGN_OR_RETURN(json::object o, StoredObject(st.Text(1), "assignments.result"));
  o["id"] = id;
  o["title"] = st.Text(0);
  o["created_at"] = st.Text(2);
  return o;
}

}  // namespace qf::draws
