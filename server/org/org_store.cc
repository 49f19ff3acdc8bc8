#include <set>

#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"
#include "org/names.h"
#include "org/org.h"
#include "common/text.h"
#include "common/timefmt.h"

namespace qf::org {
namespace {

template <size_t N>
bool OneOf(const std::string& v, const char* const (&list)[N]) {
  for (auto* s : list)
    if (v == s) return true;
  return false;
}

template <size_t N>
std::vector<std::string> Values(const char* const (&list)[N]) {
  return std::vector<std::string>(std::begin(list), std::end(list));
}

std::string Field(const std::string& where, const char* name) {
  return where.empty() ? std::string(name) : where + " " + name;
}

// The batch's memo of the divisions' roles (Tx::Memo).
constexpr std::string_view kRolesMemo = "org.division_roles";

}  // namespace

boost::json::object UnitJson(const Unit& u) {
  boost::json::object o{{"id", u.id},           {"code", u.code},         {"name", u.name},
                        {"kind", u.kind},       {"district", u.district}, {"region_type", u.region_type},
                        {"stage", u.stage},     {"ownership", u.ownership}, {"address", u.address},
                        {"migrant_designated", u.migrant_designated}, {"role", u.role}};
  o["parent_id"] = u.parent_id ? boost::json::value(u.parent_id) : boost::json::value(nullptr);
  o["enrolment"] = u.enrolment ? boost::json::value(*u.enrolment) : boost::json::value(nullptr);
  o["lat"] = u.lat ? boost::json::value(*u.lat) : boost::json::value(nullptr);
  o["lon"] = u.lon ? boost::json::value(*u.lon) : boost::json::value(nullptr);
  return o;
}

std::vector<FieldError> ValidateUnit(const Unit& u, const std::string& where) {
  std::vector<FieldError> e;
  if (u.code.empty() || u.code.size() > 32) e.push_back({Field(where, "code"), "单位代码必填，且不超过32个字符", "required_max", {"32"}});
  if (u.name.empty() || Utf8Length(u.name) > 100) e.push_back({Field(where, "name"), "单位名称必填，且不超过100个字", "required_max", {"100"}});
  if (!OneOf(u.kind, kUnitKinds)) e.push_back({Field(where, "kind"), "类型应为 bureau/division/district_bureau/school/other", "one_of", Values(kUnitKinds)});
  if (u.kind == "school") {
    if (!OneOf(u.stage, kStages)) e.push_back({Field(where, "stage"), "学段应为 幼儿园/小学/初中/九年一贯制/高中/完全中学/职业学校", "one_of", Values(kStages)});
    if (u.ownership != "public" && u.ownership != "private") e.push_back({Field(where, "ownership"), "办学性质应为 public 或 private", "one_of", {"public", "private"}});
    if (u.district.empty()) e.push_back({Field(where, "district"), "学校须填写所在县区", "required"});
  }
  if (u.kind != "bureau" && u.parent_id == 0 && u.parent_code.empty())
    e.push_back({Field(where, "parent"), "除市局外，每个单位须有上级单位", "parent_required"});
  if (!u.region_type.empty() && u.region_type != "urban" && u.region_type != "county" && u.region_type != "zone")
    e.push_back({Field(where, "region_type"), "区域类型应为 urban/county/zone", "one_of", {"urban", "county", "zone"}});
  if (u.kind == "division" && !OneOf(u.role, kDivisionRoles))
    e.push_back({Field(where, "role"), "处室职能应为 discipline/office/finance/basic_ed/vocational/personnel/other", "one_of", Values(kDivisionRoles)});
  if (u.lat && (*u.lat < -90 || *u.lat > 90)) e.push_back({Field(where, "lat"), "纬度应在 -90 到 90 之间", "range", {"-90", "90"}});
  if (u.lon && (*u.lon < -180 || *u.lon > 180)) e.push_back({Field(where, "lon"), "经度应在 -180 到 180 之间", "range", {"-180", "180"}});
  if (u.enrolment && (*u.enrolment < 0 || *u.enrolment > 100000)) e.push_back({Field(where, "enrolment"), "在校生数应在 0 到 100000 之间", "range", {"0", "100000"}});
  return e;
}

absl::StatusOr<int64_t> UnitIdByCode(Db& db, const std::string& code) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM units WHERE code=?"));
  st.Bind(1, code);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

absl::StatusOr<int64_t> InsertUnit(Tx& tx, Unit u) {
  if (u.parent_id == 0 && !u.parent_code.empty()) {
    QF_ASSIGN_OR_RETURN(u.parent_id, UnitIdByCode(tx.db(), u.parent_code));
    if (u.parent_id == 0) return Invalid("unit.parent_missing", "上级单位不存在：" + u.parent_code, {{"parent_code", "不存在"}});
  }
  auto errors = ValidateUnit(u, "");
  if (!errors.empty()) return Invalid("unit.invalid", "单位信息有误", errors);
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO units(code,name,kind,parent_id,district,region_type,stage,ownership,address,lat,lon,enrolment,"
      "migrant_designated,role) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  auto opt = [](const std::string& s) { return s.empty() ? std::optional<std::string>() : std::optional<std::string>(s); };
  st.Bind(1, u.code).Bind(2, u.name).Bind(3, u.kind);
  if (u.parent_id) st.Bind(4, u.parent_id); else st.BindNull(4);
  st.Bind(5, opt(u.district)).Bind(6, opt(u.region_type)).Bind(7, opt(u.stage)).Bind(8, opt(u.ownership))
      .Bind(9, opt(u.address)).Bind(10, u.lat).Bind(11, u.lon).Bind(12, u.enrolment)
      .Bind(13, int64_t{u.migrant_designated}).Bind(14, opt(u.role));
  auto r = st.Run();
  if (r.code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "unit.exists", "单位代码已存在：" + u.code, {{"code", "已存在"}});
  QF_RETURN_IF_ERROR(r);
  u.id = tx.db().LastInsertId();
  tx.Forget(kRolesMemo);
  ForgetNames();
  QF_ASSIGN_OR_RETURN(auto tree, tx.db().Prepare(
      "INSERT INTO unit_tree(ancestor_id, unit_id, depth) SELECT ?1, ?1, 0 "
      "UNION ALL SELECT ancestor_id, ?1, depth + 1 FROM unit_tree WHERE unit_id = ?2"));
  QF_RETURN_IF_ERROR(tree.Bind(1, u.id).Bind(2, u.parent_id).Run());
  QF_RETURN_IF_ERROR(tx.Append("unit.created", "unit:" + std::to_string(u.id), UnitJson(u)).status());
  return u.id;
}

absl::StatusOr<int64_t> InsertPerson(Tx& tx, const Person& p) {
  int64_t unit = p.unit_id;
  if (!unit && !p.unit_code.empty()) {
    QF_ASSIGN_OR_RETURN(unit, UnitIdByCode(tx.db(), p.unit_code));
  }
  std::vector<FieldError> e;
  if (p.code.empty() || p.code.size() > 32) e.push_back({"code", "人员编号必填", "required_max", {"32"}});
  if (p.name.empty() || Utf8Length(p.name) > 50) e.push_back({"name", "姓名必填，且不超过50个字", "required_max", {"50"}});
  if (!unit) e.push_back({"unit", "所在单位不存在", "unit_missing"});
  if (!e.empty()) return Invalid("person.invalid", "人员信息有误", e);
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("INSERT INTO people(code,name,unit_id,position,leader) VALUES(?,?,?,?,?)"));
  st.Bind(1, p.code).Bind(2, p.name).Bind(3, unit).Bind(4, p.position).Bind(5, int64_t{p.leader});
  auto r = st.Run();
  if (r.code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "person.exists", "人员编号已存在：" + p.code, {{"code", "已存在"}});
  QF_RETURN_IF_ERROR(r);
  int64_t id = tx.db().LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("person.created", "person:" + std::to_string(id),
                               {{"code", p.code}, {"name", p.name}, {"unit_id", unit}, {"position", p.position},
                                {"leader", p.leader}}).status());
  return id;
}

absl::Status InsertRelation(Tx& tx, const Relation& r) {
  QF_ASSIGN_OR_RETURN(auto find, tx.db().Prepare("SELECT id FROM people WHERE code=?"));
  find.Bind(1, r.person_a);
  QF_ASSIGN_OR_RETURN(bool ra, find.Step());
  int64_t a = ra ? find.Int(0) : 0;
  QF_ASSIGN_OR_RETURN(auto find2, tx.db().Prepare("SELECT id FROM people WHERE code=? AND TRUE"));
  find2.Bind(1, r.person_b);
  QF_ASSIGN_OR_RETURN(bool rb, find2.Step());
  int64_t b = rb ? find2.Int(0) : 0;
  std::vector<FieldError> e;
  if (!a) e.push_back({"person_a", "人员不存在：" + r.person_a, "person_unknown", {r.person_a}});
  if (!b) e.push_back({"person_b", "人员不存在：" + r.person_b, "person_unknown", {r.person_b}});
  if (a && a == b) e.push_back({"person_b", "不能与本人建立关系", "self_relation"});
  if (r.kind.empty()) e.push_back({"kind", "关系类型必填", "required"});
  if (!e.empty()) return Invalid("relation.invalid", "亲属关系信息有误", e);
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("INSERT INTO relations(person_a,person_b,kind) VALUES(?,?,?) ON CONFLICT(person_a,person_b) DO UPDATE SET kind=excluded.kind"));
  st.Bind(1, std::min(a, b)).Bind(2, std::max(a, b)).Bind(3, r.kind);
  QF_RETURN_IF_ERROR(st.Run());
  return tx.Append("relation.declared", fmt::format("person:{}", a), {{"person_a", a}, {"person_b", b}, {"kind", r.kind}})
      .status();
}

absl::StatusOr<std::optional<Unit>> GetUnit(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,code,name,kind,COALESCE(parent_id,0),COALESCE(district,''),COALESCE(region_type,''),"
      "COALESCE(stage,''),COALESCE(ownership,''),COALESCE(address,''),lat,lon,enrolment,migrant_designated,"
      "COALESCE(role,'') FROM units WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Unit>();
  Unit u;
  u.id = st.Int(0); u.code = st.Text(1); u.name = st.Text(2); u.kind = st.Text(3); u.parent_id = st.Int(4);
  u.district = st.Text(5); u.region_type = st.Text(6); u.stage = st.Text(7); u.ownership = st.Text(8);
  u.address = st.Text(9);
  if (!st.IsNull(10)) u.lat = st.Real(10);
  if (!st.IsNull(11)) u.lon = st.Real(11);
  u.enrolment = st.OptInt(12);
  u.migrant_designated = st.Int(13) != 0;
  u.role = st.Text(14);
  return std::optional<Unit>(u);
}

int64_t UnitByRole(Db& db, const std::string& role) {
  auto roles = DivisionsByRole(db);
  if (!roles.ok()) return 0;
  auto it = roles->find(role);
  return it != roles->end() ? it->second : 0;
}

absl::StatusOr<const RoleUnits*> DivisionsByRole(Tx& tx) {
  auto& slot = tx.Memo(kRolesMemo);
  if (!slot) {
    QF_ASSIGN_OR_RETURN(auto roles, DivisionsByRole(tx.db()));
    slot = std::make_shared<const RoleUnits>(std::move(roles));
  }
  return static_cast<const RoleUnits*>(slot.get());
}

absl::StatusOr<RoleUnits> DivisionsByRole(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT role, MIN(id) FROM units WHERE kind='division' AND active=1 AND role IS NOT NULL GROUP BY role"));
  std::map<std::string, int64_t> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out[st.Text(0)] = st.Int(1);
  }
}

absl::StatusOr<std::vector<int64_t>> Subtree(Db& db, int64_t unit) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT unit_id FROM unit_tree WHERE ancestor_id=?"));
  return st.Bind(1, unit).Ints();
}

absl::StatusOr<bool> IsWithin(Db& db, int64_t unit, int64_t ancestor) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM unit_tree WHERE unit_id=?1 AND ancestor_id=?2"));
  st.Bind(1, unit).Bind(2, ancestor);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row;
}

absl::StatusOr<std::vector<std::string>> Districts(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT DISTINCT district FROM units WHERE active=1 AND district IS NOT NULL AND district<>'' ORDER BY district"));
  return st.Texts();
}

absl::StatusOr<std::vector<Unit>> ListUnits(Db& db, const UnitFilter& f) {
  // Built from the filters given, so that each can use its index.
  std::string sql =
      "SELECT id,code,name,kind,COALESCE(parent_id,0),COALESCE(district,''),COALESCE(stage,''),"
      "COALESCE(region_type,''),COALESCE(ownership,''),enrolment,migrant_designated,COALESCE(role,'') FROM units "
      "WHERE active=1";
  std::vector<std::string> binds;
  if (!f.q.empty()) {
    // By its name or code, or by any form people write it in (45中 finds 合肥市第四十五中学).
    QF_ASSIGN_OR_RETURN(auto names, NamesOf(db));
    std::string also;
    for (int64_t id : names->Matching(f.q, static_cast<size_t>(f.limit))) also += "," + std::to_string(id);
    sql += " AND (instr(name, ?) > 0 OR code = ?" + (also.empty() ? std::string() : " OR id IN (" + also.substr(1) + ")") + ")";
    binds.push_back(f.q);
    binds.push_back(f.q);
  }
  if (!f.kind.empty()) {
    sql += " AND kind = ?";
    binds.push_back(f.kind);
  }
  if (!f.district.empty()) {
    sql += " AND district = ?";
    binds.push_back(f.district);
  }
  if (f.public_picker) sql += " AND kind IN ('school','district_bureau','bureau')";
  sql += " ORDER BY kind, district, name LIMIT ?";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  int i = 1;
  for (const auto& b : binds) st.Bind(i++, b);
  st.Bind(i, f.limit);
  std::vector<Unit> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Unit u;
    u.id = st.Int(0); u.code = st.Text(1); u.name = st.Text(2); u.kind = st.Text(3); u.parent_id = st.Int(4);
    u.district = st.Text(5); u.stage = st.Text(6); u.region_type = st.Text(7); u.ownership = st.Text(8);
    u.enrolment = st.OptInt(9); u.migrant_designated = st.Int(10) != 0; u.role = st.Text(11);
    out.push_back(std::move(u));
  }
  return out;
}

absl::StatusOr<Unit> ParseUnit(const boost::json::object& o) {
  JsonInput in(o);
  Unit u;
  u.code = in.Str("code", true, 32).value_or("");
  u.name = in.Str("name", true, 100).value_or("");
  u.kind = in.Enum("kind", true, {"bureau", "division", "district_bureau", "school", "other"}).value_or("");
  u.parent_id = in.Int("parent_id", false, 1, INT64_MAX).value_or(0);
  u.district = in.Str("district", false, 50).value_or("");
  u.region_type = in.Str("region_type", false, 10).value_or("");
  u.stage = in.Str("stage", false, 20).value_or("");
  u.ownership = in.Str("ownership", false, 10).value_or("");
  u.address = in.Str("address", false, 200).value_or("");
  u.enrolment = in.Int("enrolment", false, 0, 100000);
  u.migrant_designated = in.Bool("migrant_designated", false).value_or(false);
  u.role = in.Str("role", false, 20).value_or("");
  QF_RETURN_IF_ERROR(in.Finish());
  return u;
}

absl::StatusOr<Person> ParsePerson(const boost::json::object& o) {
  JsonInput in(o);
  Person p;
  p.code = in.Str("code", true, 32).value_or("");
  p.name = in.Str("name", true, 50).value_or("");
  p.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  p.position = in.Str("position", false, 50).value_or("");
  p.leader = in.Bool("leader", false).value_or(false);
  QF_RETURN_IF_ERROR(in.Finish());
  return p;
}

absl::StatusOr<Relation> ParseRelation(const boost::json::object& o) {
  JsonInput in(o);
  Relation r{in.Str("person_a", true, 32).value_or(""), in.Str("person_b", true, 32).value_or(""),
             in.Str("kind", true, 20).value_or("")};
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<std::vector<Unit>> Ancestry(Db& db, int64_t unit) {
  std::vector<Unit> out;
  for (int64_t id = unit; id != 0 && out.size() < 32;) {
    QF_ASSIGN_OR_RETURN(auto u, GetUnit(db, id));
    if (!u) break;
    id = u->parent_id;
    out.push_back(std::move(*u));
  }
  return out;
}

absl::StatusOr<int64_t> PersonUnit(Db& db, int64_t person_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT unit_id FROM people WHERE id=?"));
  st.Bind(1, person_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

absl::StatusOr<std::vector<int64_t>> Relatives(Db& db, int64_t person_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT person_b FROM relations WHERE person_a=?1 UNION SELECT person_a FROM relations WHERE person_b=?1"));
  st.Bind(1, person_id);
  return st.Ints();
}

std::string InSubtreeSql(std::string_view unit, std::string_view ancestor) {
  return fmt::format("{} IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = {})", unit, ancestor);
}

std::string InAncestrySql(std::string_view unit, std::string_view of) {
  return fmt::format("{} IN (SELECT ancestor_id FROM unit_tree WHERE unit_id = {})", unit, of);
}

std::string SelfOrRelativeSql(std::string_view person, std::string_view of) {
  return fmt::format("({0} = {1} OR {0} IN (SELECT relative_id FROM org_relatives WHERE person_id = {1}))", person, of);
}

namespace {
std::string NameOf(Db& db, const char* sql, int64_t id) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return "";
  st->Bind(1, id);
  auto row = st->Step();
  return row.ok() && *row ? st->Text(0) : "";
}
}  // namespace

std::string UnitName(Db& db, int64_t id) { return NameOf(db, "SELECT name FROM units WHERE id=?", id); }
std::string PersonName(Db& db, int64_t id) { return NameOf(db, "SELECT name FROM people WHERE id=?", id); }

}  // namespace qf::org

namespace qf::org {

absl::StatusOr<Alias> ParseAlias(const boost::json::object& body) {
  JsonInput in(body);
  Alias a;
  a.alias = in.Str("alias", true, 50).value_or("");
  a.kind = in.Enum("kind", false, {"short", "former", "other"}).value_or("other");
  if (!a.alias.empty() && Utf8Length(NormalizeNumerals(a.alias)) < 3)
    in.Fail("alias", "别名至少 3 个字（如“合肥一中”“45中”），过短的简称会在无关文字中误认");
  QF_RETURN_IF_ERROR(in.Finish("alias.invalid"));
  return a;
}

absl::StatusOr<int64_t> AddAlias(Tx& tx, Alias a) {
  QF_ASSIGN_OR_RETURN(auto unit, GetUnit(tx.db(), a.unit_id));
  if (!unit) return NotFound("unit.not_found", "单位不存在");
  QF_ASSIGN_OR_RETURN(auto clash, tx.db().Prepare("SELECT id FROM units WHERE name = ? AND id <> ? AND active = 1"));
  clash.Bind(1, a.alias).Bind(2, a.unit_id);
  QF_ASSIGN_OR_RETURN(bool taken, clash.Step());
  if (taken) return Invalid("alias.taken", "这是另一单位的正式名称，不能作为别名", {{"alias", "与另一单位的名称相同"}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO unit_aliases(unit_id, alias, kind, added_by, added_at) VALUES (?,?,?,?,?)"));
  st.Bind(1, a.unit_id).Bind(2, a.alias).Bind(3, a.kind);
  if (int64_t acc = tx.actor().AccountId()) st.Bind(4, acc); else st.BindNull(4);
  st.Bind(5, FormatUtc(tx.now()));
  auto r = st.Run();
  if (r.code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "alias.exists", "该单位已有这个别名", {{"alias", "已存在"}});
  QF_RETURN_IF_ERROR(r);
  int64_t id = tx.db().LastInsertId();
  ForgetNames();
  QF_RETURN_IF_ERROR(tx.Append("unit.alias_added", "unit:" + std::to_string(a.unit_id),
                               boost::json::object{{"alias_id", id}, {"alias", a.alias}, {"kind", a.kind}}).status());
  return id;
}

absl::Status RemoveAlias(Tx& tx, int64_t unit_id, int64_t alias_id) {
  QF_ASSIGN_OR_RETURN(auto get, tx.db().Prepare("SELECT alias FROM unit_aliases WHERE id = ? AND unit_id = ?"));
  get.Bind(1, alias_id).Bind(2, unit_id);
  QF_ASSIGN_OR_RETURN(bool found, get.Step());
  if (!found) return NotFound("alias.not_found", "别名不存在");
  std::string alias = get.Text(0);
  QF_ASSIGN_OR_RETURN(auto del, tx.db().Prepare("DELETE FROM unit_aliases WHERE id = ?"));
  QF_RETURN_IF_ERROR(del.Bind(1, alias_id).Run());
  ForgetNames();
  return tx.Append("unit.alias_removed", "unit:" + std::to_string(unit_id),
                   boost::json::object{{"alias_id", alias_id}, {"alias", alias}}).status();
}

absl::StatusOr<std::vector<Alias>> Aliases(Db& db, int64_t unit_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, unit_id, alias, kind, added_at FROM unit_aliases WHERE unit_id = ? ORDER BY id"));
  st.Bind(1, unit_id);
  std::vector<Alias> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4)});
  }
  return out;
}

}  // namespace qf::org
