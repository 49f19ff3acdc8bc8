// Rosters stored and checked, findings kept in step with the rosters, and the office's orders and referrals.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "admissions/admissions.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mask.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "inspect/record.h"
#include "org/names.h"
#include "org/org.h"
#include "vault/vault.h"

namespace qf::admissions {
namespace json = boost::json;
namespace {

std::string FindingSubject(int64_t id) { return "admission_finding:" + std::to_string(id); }

json::array IntArray(const std::vector<int>& v) {
  json::array a;
  for (int x : v) a.push_back(x);
  return a;
}

struct Stored {
  int64_t id = 0;
  std::string state;
};

// Keeps the stored findings of `codes` for `year` (and `school`, when given; only those about `keys`, when given)
// in step with `found`: new ones recorded, cleared ones found again reopened, open ones no longer found cleared —
// each an event. Findings under an order or a case keep their state (the order's re-check or the case decides).
// Returns {recorded, cleared}.
absl::StatusOr<std::pair<int, int>> Reconcile(Tx& tx, int year, const std::vector<std::string>& codes,
                                              std::optional<int64_t> school, const std::vector<Finding>& found,
                                              const std::map<int64_t, int64_t>& roster_of,
                                              const std::set<std::string>* keys = nullptr) {
  Db& db = tx.db();
  std::string in;
  for (size_t i = 0; i < codes.size(); ++i) in += (i ? "," : "") + fmt::format("'{}'", codes[i]);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, school_id, rule, subject_key, state FROM admission_findings WHERE year = ?1 AND rule IN (" + in +
      ")" + (school ? " AND school_id = ?2" : "")));
  st.Bind(1, int64_t{year});
  if (school) st.Bind(2, *school);
  std::map<std::tuple<int64_t, std::string, std::string>, Stored> stored;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (keys && !keys->contains(st.Text(3))) continue;
    stored[{st.Int(1), st.Text(2), st.Text(3)}] = {st.Int(0), st.Text(4)};
  }
  const std::string now = FormatUtc(tx.now());
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO admission_findings(year, school_id, rule, subject_key, roster_id, summary, numbers, row_refs, state, "
      "found_at) VALUES(?,?,?,?,?,?,?,?,'open',?) RETURNING id"));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE admission_findings SET roster_id = ?, summary = ?, numbers = ?, row_refs = ?, "
      "state = CASE WHEN state = 'cleared' THEN 'open' ELSE state END, "
      "cleared_at = CASE WHEN state = 'cleared' THEN NULL ELSE cleared_at END WHERE id = ?"));
  int recorded = 0, cleared = 0;
  std::set<int64_t> still;
  for (const Finding& f : found) {
    auto roster = roster_of.find(f.school_id);
    if (roster == roster_of.end()) return absl::InternalError("发现问题的学校没有当前名册");
    auto it = stored.find({f.school_id, f.rule, f.key});
    std::string numbers = json::serialize(f.numbers), rows = json::serialize(IntArray(f.rows));
    int64_t id = 0;
    bool fresh = false;
    if (it == stored.end()) {
      ins.Reset();
      ins.Bind(1, int64_t{year}).Bind(2, f.school_id).Bind(3, f.rule).Bind(4, f.key).Bind(5, roster->second)
          .Bind(6, f.summary).Bind(7, numbers).Bind(8, rows).Bind(9, now);
      QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
      id = ids.at(0);
      fresh = true;
    } else {
      id = it->second.id;
      fresh = it->second.state == "cleared";
      up.Reset();
      up.Bind(1, roster->second).Bind(2, f.summary).Bind(3, numbers).Bind(4, rows).Bind(5, id);
      QF_RETURN_IF_ERROR(up.Run());
    }
    still.insert(id);
    if (fresh) {
      ++recorded;
      QF_RETURN_IF_ERROR(tx.Append("admission.finding_recorded", FindingSubject(id),
                                   {{"year", year}, {"school_id", f.school_id}, {"rule", f.rule},
                                    {"rows", static_cast<int64_t>(f.rows.size())}, {"summary_sha256", Sha256Hex(f.summary)}})
                             .status());
    }
  }
  QF_ASSIGN_OR_RETURN(auto clear, db.Prepare(
      "UPDATE admission_findings SET state = 'cleared', cleared_at = ? WHERE id = ? AND state = 'open'"));
  for (auto& [k, s] : stored) {
    if (still.contains(s.id) || s.state != "open") continue;
    clear.Reset();
    clear.Bind(1, now).Bind(2, s.id);
    QF_RETURN_IF_ERROR(clear.Run());
    ++cleared;
    QF_RETURN_IF_ERROR(tx.Append("admission.finding_cleared", FindingSubject(s.id), {{"year", year}, {"rule", std::get<1>(k)}}).status());
  }
  return std::pair{recorded, cleared};
}

// The students on any current roster of `year` whose ID number is also on one of `rosters` (the one just stored
// and the one it replaced): the part of the city-wide check an upload can change, found through the tags' index
// (CROSS JOIN keeps SQLite's planner from walking every current roster instead). Their tags go to `keys`, and each
// school's current roster to `roster_of`.
absl::StatusOr<std::vector<Enrolment>> EnrolmentsSharing(Db& db, int year, const std::vector<int64_t>& rosters,
                                                         std::map<int64_t, int64_t>* roster_of,
                                                         std::set<std::string>* keys) {
  std::string in;
  for (size_t i = 0; i < rosters.size(); ++i) in += (i ? "," : "") + std::to_string(rosters[i]);
  QF_ASSIGN_OR_RETURN(auto k, db.Prepare("SELECT DISTINCT id_key FROM admission_students WHERE roster_id IN (" + in + ")"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, k.Step());
    if (!row) break;
    keys->insert(k.Text(0));
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.id_key, r.school_id, s.row_number, u.name, s.name_masked, r.id "
      "FROM (SELECT DISTINCT id_key FROM admission_students WHERE roster_id IN (" + in + ")) k "
      "CROSS JOIN admission_students s JOIN admission_rosters r ON r.id = s.roster_id "
      "JOIN org_units u ON u.id = r.school_id WHERE s.id_key = k.id_key AND r.year = ? AND r.is_current = 1"));
  st.Bind(1, int64_t{year});
  std::vector<Enrolment> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Int(1), static_cast<int>(st.Int(2)), st.Text(3), st.Text(4)});
    (*roster_of)[st.Int(1)] = st.Int(5);
  }
  return out;
}

struct FindingRow {
  int64_t id = 0, school_id = 0, rectification_id = 0, case_id = 0;
  int year = 0;
  std::string rule, summary, state;
};

absl::StatusOr<FindingRow> LoadFinding(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, school_id, year, rule, summary, state, COALESCE(rectification_id, 0), COALESCE(case_id, 0) "
      "FROM admission_findings WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("admissions.finding_not_found", "问题不存在");
  return FindingRow{st.Int(0), st.Int(1), st.Int(6), st.Int(7), static_cast<int>(st.Int(2)), st.Text(3), st.Text(4),
                    st.Text(5)};
}

std::string StateLabel(std::string_view s) {
  if (s == "open") return "待处理";
  if (s == "ordered") return "已责令整改";
  if (s == "referred") return "已转纪检办理";
  if (s == "cleared") return "已更正（新名册不再存在）";
  return std::string(s);
}

// A finding the office may still act on (`act`: what it is about to do, for the refusal); Conflict once it is ordered,
// referred or cleared.
absl::StatusOr<FindingRow> OpenFinding(Db& db, int64_t id, std::string_view act) {
  QF_ASSIGN_OR_RETURN(FindingRow f, LoadFinding(db, id));
  if (f.state != "open")
    return Conflict("admissions.finding_state", "该问题已" + StateLabel(f.state) + "，不能再" + std::string(act));
  return f;
}

std::string RouteLabel(const Rules& rules, std::string_view code) {
  const Route* r = rules.RouteOf(code);
  return r ? r->label : std::string(code);
}

// The open findings of a rule that suggests misconduct may become a case; any open finding may be ordered.
json::array ActionsOf(const Rules& rules, const FindingRow& f, const Principal& who) {
  json::array a;
  if (!who.Has(kSupervisor) || f.state != "open") return a;
  a.push_back("order");
  if (const Rule* r = rules.Any(f.rule); r && r->refer) a.push_back("refer");
  return a;
}

}  // namespace

bool SeesAllSchools(const Principal& who) { return who.Has(kSupervisor) || who.Has(kLeader); }

std::string SchoolScopeSql(std::string_view col, int all, int unit) {
  return fmt::format("(?{} = 1 OR {})", all, org::InSubtreeSql(col, fmt::format("?{}", unit)));
}

std::string UploadQuery::Get(const char* key) const {
  auto it = query.find(key);
  return it == query.end() ? "" : std::string(Trim(it->second));
}

void UploadQuery::YearAndSchool(int* year, int64_t* school, std::vector<FieldError>* e) const {
  auto y = ParseInt<int64_t>(Get("year"));
  if (!y || *y < 2000 || *y > 2100) e->push_back({"year", "应为 2000 至 2100 的年份"});
  else *year = static_cast<int>(*y);
  auto s = ParseInt<int64_t>(Get("school_id"));
  if (!s || *s < 1) e->push_back({"school_id", "请选择学校"});
  else *school = *s;
}

absl::StatusOr<RosterUpload> ParseUpload(const std::map<std::string, std::string>& q) {
  const UploadQuery in{q};
  auto get = [&](const char* k) { return in.Get(k); };
  std::vector<FieldError> e;
  RosterUpload r;
  in.YearAndSchool(&r.year, &r.school_id, &e);
  if (std::string p = get("plan"); !p.empty()) {
    auto v = ParseInt<int64_t>(p);
    if (!v || *v < 1 || *v > 100000) e.push_back({"plan", "招生计划应为 1 至 100000 的整数"});
    else r.plan = static_cast<int>(*v);
  }
  if (std::string l = get("line"); !l.empty()) {
    double v = 0;
    if (!absl::SimpleAtod(l, &v) || v < 0 || v > 1000) e.push_back({"line", "录取分数线应为 0 至 1000 的数"});
    else r.line = v;
  }
  for (const std::string& item : Parts(get("materials"))) {
    if (Utf8Length(item) > 50) e.push_back({"materials", "每项材料不超过 50 字"});
    else if (!item.empty()) r.materials.push_back(item);
  }
  if (r.materials.size() > 30) e.push_back({"materials", "材料不超过 30 项"});
  if (!e.empty()) return Invalid("validation_failed", "名册上传参数有误", e);
  return r;
}

absl::StatusOr<json::object> UploadRoster(Tx& tx, const AdmissionsEnv& env, const Rules& rules, const RosterUpload& req,
                                          const Table& table, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, req.school_id));
  if (!unit || unit->kind != "school") return Invalid("admissions.school", "学校不存在", {{"school_id", "不是学校"}});
  QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, req.school_id, who.unit_id));
  if (!within && !who.Has(kSupervisor)) return Forbidden("admissions.scope", "只能上传本校（或所辖学校）的招生名册");
  if (!env.vault) return absl::InternalError("保险库未配置，不能保存学生信息");
  if (!env.roster_columns) return absl::InternalError("名册的列未配置");
  QF_ASSIGN_OR_RETURN(std::vector<Student> students, ReadRoster(*env.roster_columns, table, rules));
  QF_ASSIGN_OR_RETURN(auto names, org::NamesOf(db));
  for (Student& s : students)
    if (!s.registered_school.empty()) {
      if (s.registered_school == unit->name) s.registered_school_id = unit->id;
      else s.registered_school_id = names->Find(s.registered_school).school;
    }

  // A new file of the same year replaces the current roster; the plan, line and materials declared with the last
  // one stand unless this upload states them again.
  RosterUpload up = req;
  QF_ASSIGN_OR_RETURN(auto prev, db.Prepare(
      "SELECT id, plan, line, materials FROM admission_rosters WHERE year = ? AND school_id = ? AND is_current = 1"));
  prev.Bind(1, int64_t{req.year}).Bind(2, req.school_id);
  std::vector<int64_t> previous;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, prev.Step());
    if (!row) break;
    previous.push_back(prev.Int(0));
    if (!up.plan) if (auto p = prev.OptInt(1)) up.plan = static_cast<int>(*p);
    if (!up.line) if (auto l = prev.OptText(2)) up.line = std::stod(*l);
    if (up.materials.empty()) {
      QF_ASSIGN_OR_RETURN(json::array m, StoredArray(prev.Text(3), "admission_rosters.materials"));
      for (auto& v : m)
        if (v.is_string()) up.materials.emplace_back(v.as_string());
    }
  }
  QF_ASSIGN_OR_RETURN(auto retire, db.Prepare("UPDATE admission_rosters SET is_current = 0 WHERE id = ?"));
  for (int64_t id : previous) {
    retire.Reset();
    retire.Bind(1, id);
    QF_RETURN_IF_ERROR(retire.Run());
  }
  json::array materials;
  for (auto& m : up.materials) materials.push_back(json::string(m));
  const std::string& file_hash = req.file_sha256;
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO admission_rosters(year, school_id, is_current, plan, line, materials, file_sha256, students, "
      "uploaded_by, uploaded_at) VALUES(?,?,1,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, int64_t{req.year}).Bind(2, req.school_id);
  if (up.plan) ins.Bind(3, int64_t{*up.plan}); else ins.BindNull(3);
  if (up.line) ins.Bind(4, *up.line); else ins.BindNull(4);
  ins.Bind(5, json::serialize(materials)).Bind(6, file_hash).Bind(7, static_cast<int64_t>(students.size()));
  if (who.account_id) ins.Bind(8, who.account_id); else ins.BindNull(8);
  ins.Bind(9, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  int64_t roster_id = ids.at(0);
  QF_ASSIGN_OR_RETURN(auto srow, db.Prepare(
      "INSERT INTO admission_students(roster_id, row_number, name_masked, id_masked, id_key, sealed, grade, class_name, "
      "route, score, fees, registered_school_id, registered_school, registered_grade) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  for (Student& s : students) s.tag = env.vault->Tag(kIdTagPurpose, s.id_number);
  for (const Student& s : students) {
    json::array fees;
    for (const Fee& f : s.fees) fees.push_back(json::object{{"item", f.item}, {"amount", f.amount}, {"account", f.account}});
    srow.Reset();
    srow.Bind(1, roster_id).Bind(2, int64_t{s.row}).Bind(3, MaskName(s.name)).Bind(4, MaskIdNumber(s.id_number))
        .Bind(5, s.tag)
        .BindBlob(6, env.vault->Seal(json::serialize(json::object{{"name", s.name}, {"id_number", s.id_number}})))
        .Bind(7, int64_t{s.grade}).Bind(8, s.class_name).Bind(9, s.route);
    if (s.score) srow.Bind(10, *s.score); else srow.BindNull(10);
    srow.Bind(11, json::serialize(fees));
    if (s.registered_school_id) srow.Bind(12, s.registered_school_id); else srow.BindNull(12);
    srow.Bind(13, s.registered_school);
    if (s.registered_grade) srow.Bind(14, int64_t{*s.registered_grade}); else srow.BindNull(14);
    QF_RETURN_IF_ERROR(srow.Run());
  }
  json::object ev{{"year", req.year}, {"school_id", req.school_id}, {"students", static_cast<int64_t>(students.size())},
                  {"file_sha256", file_hash}};
  if (!previous.empty()) ev["replaces"] = previous.front();
  QF_RETURN_IF_ERROR(tx.Append("admission.roster_uploaded", "admission_roster:" + std::to_string(roster_id), ev).status());

  // The school's own rules, then the city's double enrolments (which any upload may create or end).
  Roster roster{req.year, req.school_id, unit->name, unit->stage, up.plan, up.line, up.materials, std::move(students)};
  QF_ASSIGN_OR_RETURN(roster.lotteries, LotteryOutcomes(db, req.year, req.school_id));
  std::vector<Finding> own = CheckRoster(rules, roster);
  std::vector<std::string> own_codes;
  for (const auto& r : rules.rules)
    if (r.code != "double_enrolment" && std::find(own_codes.begin(), own_codes.end(), r.code) == own_codes.end())
      own_codes.push_back(r.code);
  QF_ASSIGN_OR_RETURN(auto mine, Reconcile(tx, req.year, own_codes, req.school_id, own, {{req.school_id, roster_id}}));
  std::map<int64_t, int64_t> roster_of{{req.school_id, roster_id}};
  std::set<std::string> keys;
  std::vector<int64_t> touched = previous;
  touched.push_back(roster_id);
  QF_ASSIGN_OR_RETURN(auto enrolments, EnrolmentsSharing(db, req.year, touched, &roster_of, &keys));
  std::vector<Finding> doubles = CheckEnrolments(rules, req.year, std::move(enrolments));
  QF_ASSIGN_OR_RETURN(auto city, Reconcile(tx, req.year, {"double_enrolment"}, std::nullopt, doubles, roster_of, &keys));
  json::array found;
  for (const Finding& f : own) {
    const Rule* r = rules.For(f.rule, req.year);
    found.push_back(json::object{{"rule", f.rule}, {"label", r ? r->label : f.rule}, {"summary", f.summary}});
  }
  for (const Finding& f : doubles)
    if (f.school_id == req.school_id)
      found.push_back(json::object{{"rule", f.rule}, {"label", rules.Any(f.rule)->label}, {"summary", f.summary}});
  return json::object{{"id", roster_id}, {"students", static_cast<int64_t>(roster.students.size())},
                      {"findings", found}, {"recorded", mine.first + city.first}, {"cleared", mine.second + city.second},
                      {"replaces", previous.empty() ? json::value(nullptr) : json::value(previous.front())}};
}

absl::StatusOr<json::object> Rosters(Db& db, int year, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT r.id, r.school_id, u.name, u.district, r.students, r.uploaded_at, COALESCE(r.plan, 0), "
      "(SELECT COUNT(*) FROM admission_findings f WHERE f.year = r.year AND f.school_id = r.school_id AND f.state <> 'cleared'), "
      "(SELECT COUNT(*) FROM admission_rosters o WHERE o.year = r.year AND o.school_id = r.school_id) "
      "FROM admission_rosters r JOIN org_units u ON u.id = r.school_id "
      "WHERE r.year = ?1 AND r.is_current = 1 AND " + SchoolScopeSql("r.school_id", 2, 3) + " ORDER BY u.district, u.name"));
  st.Bind(1, int64_t{year}).Bind(2, int64_t{SeesAllSchools(who)}).Bind(3, who.unit_id);
  json::array items;
  int64_t students = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    students += st.Int(4);
    items.push_back(json::object{{"id", st.Int(0)}, {"school_id", st.Int(1)}, {"school", st.Text(2)},
                                 {"district", st.Text(3)}, {"students", st.Int(4)}, {"uploaded_at", st.Text(5)},
                                 {"plan", st.Int(6) ? json::value(st.Int(6)) : json::value(nullptr)},
                                 {"findings", st.Int(7)}, {"versions", st.Int(8)}});
  }
  QF_ASSIGN_OR_RETURN(auto ms, db.Prepare(
      "SELECT u.id, u.name, u.district FROM org_units u WHERE u.kind = 'school' AND u.active = 1 AND " +
      SchoolScopeSql("u.id", 2, 3) + " AND NOT EXISTS (SELECT 1 FROM admission_rosters r WHERE r.school_id = u.id AND "
      "r.year = ?1 AND r.is_current = 1) ORDER BY u.district, u.name"));
  ms.Bind(1, int64_t{year}).Bind(2, int64_t{SeesAllSchools(who)}).Bind(3, who.unit_id);
  json::array missing;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ms.Step());
    if (!row) break;
    missing.push_back(json::object{{"school_id", ms.Int(0)}, {"school", ms.Text(1)}, {"district", ms.Text(2)}});
  }
  return json::object{{"year", year}, {"items", items}, {"students", students}, {"missing", missing}};
}

absl::StatusOr<json::object> RosterView(Db& db, const Rules& rules, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT r.id, r.year, r.school_id, u.name, u.district, r.is_current, COALESCE(r.plan, 0), r.line, r.materials, "
      "r.students, r.uploaded_at, r.file_sha256 FROM admission_rosters r JOIN org_units u ON u.id = r.school_id "
      "WHERE r.id = ?1 AND " + SchoolScopeSql("r.school_id", 2, 3)));
  st.Bind(1, id).Bind(2, int64_t{SeesAllSchools(who)}).Bind(3, who.unit_id);
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("admissions.roster_not_found", "名册不存在");
  json::object out{{"id", st.Int(0)}, {"year", st.Int(1)}, {"school_id", st.Int(2)}, {"school", st.Text(3)},
                   {"district", st.Text(4)}, {"current", st.Int(5) != 0},
                   {"plan", st.Int(6) ? json::value(st.Int(6)) : json::value(nullptr)},
                   {"students", st.Int(9)}, {"uploaded_at", st.Text(10)}, {"file_sha256", st.Text(11)}};
  if (auto line = st.OptText(7)) out["line"] = std::stod(*line);
  QF_ASSIGN_OR_RETURN(out["materials"], StoredArray(st.Text(8), "admission_rosters.materials"));
  QF_ASSIGN_OR_RETURN(auto rows, db.Prepare(
      "SELECT row_number, name_masked, id_masked, grade, class_name, route, score, fees, registered_school, "
      "registered_grade FROM admission_students WHERE roster_id = ? ORDER BY row_number"));
  rows.Bind(1, id);
  json::array list;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    json::object o{{"row", rows.Int(0)}, {"name", rows.Text(1)}, {"id_number", rows.Text(2)},
                   {"grade", rows.Int(3)}, {"grade_label", GradeLabel(static_cast<int>(rows.Int(3)))},
                   {"class", rows.Text(4)}, {"route", rows.Text(5)}, {"route_label", RouteLabel(rules, rows.Text(5))},
                   {"registered_school", rows.Text(8)}};
    if (auto sc = rows.OptText(6)) o["score"] = std::stod(*sc);
    if (auto rg = rows.OptInt(9)) o["registered_grade"] = *rg;
    QF_ASSIGN_OR_RETURN(o["fees"], StoredArray(rows.Text(7), "admission_students.fees"));
    list.push_back(std::move(o));
  }
  out["rows"] = std::move(list);
  return out;
}

absl::StatusOr<json::object> Findings(Db& db, const Rules& rules, const FindingFilter& f, const Principal& who) {
  // Only the filters given, numbered in order (PostgreSQL must see every parameter it is sent).
  std::string where = "f.year = ?1 AND " + SchoolScopeSql("f.school_id", 2, 3);
  int next = 4;
  const int rule_at = f.rule.empty() ? 0 : next++, state_at = f.state.empty() ? 0 : next++,
            school_at = f.school_id ? next++ : 0, district_at = f.district.empty() ? 0 : next++;
  if (rule_at) where += fmt::format(" AND f.rule = ?{}", rule_at);
  if (state_at) where += fmt::format(" AND f.state = ?{}", state_at);
  if (school_at) where += fmt::format(" AND f.school_id = ?{}", school_at);
  if (district_at) where += fmt::format(" AND u.district = ?{}", district_at);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT f.id, f.school_id, u.name, u.district, f.rule, f.subject_key, f.roster_id, f.summary, f.numbers, "
      "f.row_refs, f.state, f.found_at, COALESCE(f.cleared_at, ''), COALESCE(f.rectification_id, 0), "
      "COALESCE(k.state, ''), COALESCE(k.due_on, ''), COALESCE(f.case_id, 0) "
      "FROM admission_findings f JOIN org_units u ON u.id = f.school_id "
      "LEFT JOIN rectifications k ON k.id = f.rectification_id WHERE " + where +
      " ORDER BY f.state = 'cleared', u.district, u.name, f.rule, f.id"));
  st.Bind(1, int64_t{f.year}).Bind(2, int64_t{SeesAllSchools(who)}).Bind(3, who.unit_id);
  if (rule_at) st.Bind(rule_at, f.rule);
  if (state_at) st.Bind(state_at, f.state);
  if (school_at) st.Bind(school_at, f.school_id);
  if (district_at) st.Bind(district_at, f.district);
  json::array items;
  std::map<std::string, int64_t> by_rule, by_state;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    FindingRow fr{st.Int(0), st.Int(1), st.Int(13), st.Int(16), f.year, st.Text(4), st.Text(7), st.Text(10)};
    const Rule* r = rules.For(fr.rule, f.year);
    if (!r) r = rules.Any(fr.rule);
    json::object o{{"id", fr.id}, {"school_id", fr.school_id}, {"school", st.Text(2)}, {"district", st.Text(3)},
                   {"rule", fr.rule}, {"rule_label", r ? r->label : fr.rule}, {"clause", r ? r->clause : ""},
                   {"key", st.Text(5)}, {"roster_id", st.Int(6)}, {"summary", fr.summary}, {"state", fr.state},
                   {"state_label", StateLabel(fr.state)}, {"found_at", st.Text(11)}, {"cleared_at", st.Text(12)},
                   {"actions", ActionsOf(rules, fr, who)}};
    QF_ASSIGN_OR_RETURN(o["numbers"], StoredObject(st.Text(8), "admission_findings.numbers"));
    QF_ASSIGN_OR_RETURN(o["rows"], StoredArray(st.Text(9), "admission_findings.row_refs"));
    if (fr.rectification_id)
      o["rectification"] = json::object{{"id", fr.rectification_id}, {"state", st.Text(14)}, {"due_on", st.Text(15)}};
    if (fr.case_id) o["case_id"] = fr.case_id;
    ++by_rule[fr.rule];
    ++by_state[fr.state];
    items.push_back(std::move(o));
  }
  json::object rules_count, states_count;
  for (auto& [k, v] : by_rule) rules_count[k] = v;
  for (auto& [k, v] : by_state) states_count[k] = v;
  json::array rule_list;
  std::set<std::string> seen;
  for (const auto& r : rules.rules)
    if (seen.insert(r.code).second) rule_list.push_back(json::object{{"code", r.code}, {"label", r.label}});
  return json::object{{"year", f.year}, {"items", items}, {"by_rule", rules_count}, {"by_state", states_count},
                      {"rules", rule_list}};
}

absl::StatusOr<json::object> OrderRectification(Tx& tx, const AdmissionsEnv& env, const Rules& rules, int64_t finding_id,
                                                const std::string& note, const Principal& who) {
  QF_ASSIGN_OR_RETURN(FindingRow f, OpenFinding(tx.db(), finding_id, "责令整改"));
  const Rule* r = rules.For(f.rule, f.year);
  if (!r) r = rules.Any(f.rule);
  if (!r) return absl::InternalError("问题所依据的规则已不在规则文件中：" + f.rule);
  QF_ASSIGN_OR_RETURN(Term term, Term::Parse(r->term));
  std::string finding = f.summary + "（依据：" + r->clause + "）" + (note.empty() ? "" : "\n" + note);
  QF_ASSIGN_OR_RETURN(inspect::Issued order, inspect::IssueRectification(
                                                 tx, *env.calendar,
                                                 {std::nullopt, std::nullopt, f.school_id, "招生检查：" + r->label, finding, term}));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE admission_findings SET state = 'ordered', rectification_id = ? WHERE id = ?"));
  st.Bind(1, order.id).Bind(2, finding_id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("admission.finding_ordered", FindingSubject(finding_id),
                               {{"rectification_id", order.id}, {"by", who.account_id}})
                         .status());
  return json::object{{"id", finding_id}, {"state", "ordered"}, {"rectification_id", order.id},
                      {"due_on", FormatDay(order.due_on)}};
}

absl::StatusOr<json::object> ReferFinding(Tx& tx, const AdmissionsEnv& env, const Rules& rules, int64_t finding_id,
                                          const std::string& note, const Principal& who) {
  QF_ASSIGN_OR_RETURN(FindingRow f, OpenFinding(tx.db(), finding_id, "转办"));
  const Rule* r = rules.Any(f.rule);
  if (!r || !r->refer) return Conflict("admissions.not_referable", "这类问题按整改处理，不转纪检办理");
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(tx.db(), f.school_id));
  cases::NewCase nc;
  nc.channel = "check";
  nc.category = "fees";
  nc.kind = "report";
  nc.title = fmt::format("{}招生名册检查：{}", unit ? unit->name : "", r->label);
  if (Utf8Length(nc.title) > 100) nc.title = "招生名册检查发现的问题线索";
  nc.content = fmt::format("{}年招生名册检查发现：{}\n依据：{}{}", f.year, f.summary, r->clause,
                           note.empty() ? "" : "\n" + note);
  nc.concerned_unit_id = f.school_id;
  nc.registered_by = who.account_id;
  QF_ASSIGN_OR_RETURN(cases::Registered reg, cases::Register(tx, env.cases, nc));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE admission_findings SET state = 'referred', case_id = ? WHERE id = ?"));
  st.Bind(1, reg.id).Bind(2, finding_id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("admission.finding_referred", FindingSubject(finding_id),
                               {{"case_id", reg.id}, {"by", who.account_id}})
                         .status());
  return json::object{{"id", finding_id}, {"state", "referred"}, {"case_id", reg.id}};
}

absl::StatusOr<json::object> YearReport(Db& db, const Rules& rules, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT COUNT(*), COALESCE(SUM(students), 0) FROM admission_rosters WHERE year = ? AND is_current = 1"));
  st.Bind(1, int64_t{year});
  QF_RETURN_IF_ERROR(st.Step().status());
  int64_t rosters = st.Int(0), students = st.Int(1);
  QF_ASSIGN_OR_RETURN(auto sc, db.Prepare("SELECT COUNT(*) FROM org_units WHERE kind = 'school' AND active = 1"));
  QF_RETURN_IF_ERROR(sc.Step().status());
  QF_ASSIGN_OR_RETURN(auto fs, db.Prepare(
      "SELECT f.rule, u.district, f.state, COALESCE(k.state, ''), COUNT(*) FROM admission_findings f "
      "JOIN org_units u ON u.id = f.school_id LEFT JOIN rectifications k ON k.id = f.rectification_id "
      "WHERE f.year = ? GROUP BY 1, 2, 3, 4"));
  fs.Bind(1, int64_t{year});
  std::map<std::string, int64_t> by_rule, by_district;
  int64_t total = 0, ordered = 0, rectified = 0, referred = 0, cleared = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, fs.Step());
    if (!row) break;
    int64_t n = fs.Int(4);
    total += n;
    by_rule[fs.Text(0)] += n;
    by_district[fs.Text(1)] += n;
    if (fs.Text(2) == "ordered") ordered += n;
    if (fs.Text(2) == "ordered" && fs.Text(3) == "accepted") rectified += n;
    if (fs.Text(2) == "referred") referred += n;
    if (fs.Text(2) == "cleared") cleared += n;
  }
  json::array rule_rows, district_rows;
  for (auto& [code, n] : by_rule) {
    const Rule* r = rules.Any(code);
    rule_rows.push_back(json::object{{"rule", code}, {"label", r ? r->label : code}, {"findings", n}});
  }
  for (auto& [d, n] : by_district) district_rows.push_back(json::object{{"district", d}, {"findings", n}});
  // The year's lotteries (a handful of schools): each one's numbers as published.
  QF_ASSIGN_OR_RETURN(json::object lotteries, PublicLotteries(db, year));
  int64_t drawn = 0, applicants = 0, admitted = 0, gave_up = 0, extra = 0;
  for (const auto& v : lotteries.at("items").as_array()) {
    const json::object& l = v.as_object();
    if (l.at("state").as_string() != "released") continue;
    ++drawn;
    applicants += l.at("applicants").as_int64();
    admitted += l.at("admitted").as_int64();
    gave_up += l.at("gave_up").as_int64();
    extra += l.at("extra").as_int64();
  }
  return json::object{{"year", year}, {"rosters", rosters}, {"schools", sc.Int(0)}, {"students", students},
                      {"findings", total}, {"ordered", ordered}, {"rectified", rectified}, {"referred", referred},
                      {"cleared", cleared}, {"by_rule", rule_rows}, {"by_district", district_rows},
                      {"lotteries", json::object{{"drawn", drawn}, {"applicants", applicants}, {"admitted", admitted},
                                                 {"gave_up", gave_up}, {"extra", extra}}}};
}

absl::StatusOr<Figures> FiguresBetween(Db& db, const Rules& rules, absl::CivilDay from, absl::CivilDay to) {
  const std::string lo = FormatUtc(CstStart(from)), hi = FormatUtc(CstStart(to + 1));
  Figures f;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT COUNT(*), COALESCE(SUM(students), 0), COALESCE(MAX(year), 0) FROM admission_rosters "
      "WHERE is_current = 1 AND uploaded_at >= ? AND uploaded_at < ?"));
  st.Bind(1, lo).Bind(2, hi);
  QF_RETURN_IF_ERROR(st.Step().status());
  f.rosters = static_cast<int>(st.Int(0));
  f.pupils = st.Int(1);
  f.year = static_cast<int>(st.Int(2));
  QF_ASSIGN_OR_RETURN(auto fs, db.Prepare(
      "SELECT f.rule, f.state, COALESCE(k.state, ''), COUNT(*) FROM admission_findings f "
      "LEFT JOIN rectifications k ON k.id = f.rectification_id WHERE f.found_at >= ? AND f.found_at < ? GROUP BY 1, 2, 3"));
  fs.Bind(1, lo).Bind(2, hi);
  std::map<std::string, int> by_rule;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, fs.Step());
    if (!row) break;
    int n = static_cast<int>(fs.Int(3));
    f.findings += n;
    by_rule[fs.Text(0)] += n;
    if (fs.Text(1) == "ordered") f.ordered += n;
    if (fs.Text(1) == "ordered" && fs.Text(2) == "accepted") f.rectified += n;
    if (fs.Text(1) == "referred") f.referred += n;
    if (fs.Text(1) == "cleared") f.cleared += n;
  }
  std::set<std::string> seen;
  for (const auto& r : rules.rules)
    if (seen.insert(r.code).second && by_rule.contains(r.code)) f.by_rule.push_back({r.label, by_rule[r.code]});
  return f;
}

}  // namespace qf::admissions
