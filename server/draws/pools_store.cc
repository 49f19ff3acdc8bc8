// Pools in the database: members kept current by edit and import (each change an event), the pool as draws
// and assignments read it, and the accounts that may witness.
#include "auth/auth_store.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/draws.h"
#include "draws/store_util.h"
#include "org/org.h"
#include "storage/import_rows.h"

namespace qf::draws {
namespace json = boost::json;
namespace {

// Unit codes (for imports and forms) to ids; an unknown code is a field error.
std::vector<int64_t> UnitIds(Db& db, const std::string& codes, const char* field, JsonInput* in,
                             std::vector<FieldError>* errs) {
  std::vector<int64_t> ids;
  for (auto part : Split(codes, ';')) {
    std::string code(Trim(part));
    if (code.empty()) continue;
    auto id = org::UnitIdByCode(db, code);
    if (!id.ok() || *id == 0) {
      std::string msg = "没有这个单位代码：" + code;
      if (in) in->Fail(field, msg);
      if (errs) errs->push_back({field, msg, "unit_code_unknown", {code}});
      continue;
    }
    ids.push_back(*id);
  }
  return ids;
}

absl::StatusOr<json::object> Upsert(Tx& tx, Pool pool, const MemberInput& m) {
  Db& db = tx.db();
  std::vector<FieldError> errs;
  QF_ASSIGN_OR_RETURN(auto ps, db.Prepare("SELECT p.id, u.lat, u.lon FROM org_people p JOIN org_units u ON u.id=p.unit_id WHERE p.code=?"));
  ps.Bind(1, m.person_code);
  QF_ASSIGN_OR_RETURN(bool found, ps.Step());
  if (!found) errs.push_back({"person_code", "没有这个人员编号：" + m.person_code, "person_unknown", {m.person_code}});
  int64_t person_id = found ? ps.Int(0) : 0;
  // Home location: given, or the member's unit.
  std::optional<double> lat = m.lat, lon = m.lon;
  if (found && !lat && !ps.IsNull(1)) lat = ps.Double(1);
  if (found && !lon && !ps.IsNull(2)) lon = ps.Double(2);
  auto former = UnitIds(db, m.former_units, "former_units", nullptr, &errs);
  auto relative = UnitIds(db, m.relative_units, "relative_exam_units", nullptr, &errs);
  if (m.code.empty() || m.code.size() > 32) errs.push_back({"code", "库内编号必填（不超过32个字符）", "pool_code"});
  if (!errs.empty()) return Invalid("pool.invalid", "库成员信息有误", errs);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO pool_members(pool,code,person_id,specialty,title,region,lat,lon,former_unit_ids,relative_exam_unit_ids,"
      "active,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(pool,code) DO UPDATE SET "
      "person_id=excluded.person_id, specialty=excluded.specialty, title=excluded.title, region=excluded.region, "
      "lat=excluded.lat, lon=excluded.lon, former_unit_ids=excluded.former_unit_ids, "
      "relative_exam_unit_ids=excluded.relative_exam_unit_ids, active=excluded.active, updated_at=excluded.updated_at"));
  st.Bind(1, PoolCode(pool)).Bind(2, m.code).Bind(3, person_id).Bind(4, m.specialty).Bind(5, m.title).Bind(6, m.region)
      .Bind(7, lat).Bind(8, lon).Bind(9, json::serialize(IdsJson(former))).Bind(10, json::serialize(IdsJson(relative)))
      .Bind(11, int64_t{m.active}).Bind(12, FormatUtc(tx.now()));
  auto s = st.Run();
  if (s.code() == absl::StatusCode::kAlreadyExists)
    return Invalid("pool.duplicate_person", "此人已在库中（另一个编号）", {{"person_code", "已在库中", "code", {"pool.duplicate_person"}}});
  QF_RETURN_IF_ERROR(s);
  QF_RETURN_IF_ERROR(tx.Append("pool.member_saved", "pool:" + std::string(PoolCode(pool)),
                               {{"code", m.code}, {"person_id", person_id}, {"specialty", m.specialty},
                                {"title", m.title}, {"region", m.region}, {"active", m.active},
                                {"former_unit_ids", IdsJson(former)}, {"relative_exam_unit_ids", IdsJson(relative)}})
                         .status());
  return json::object{{"pool", PoolCode(pool)}, {"code", m.code}, {"person_id", person_id}};
}

}  // namespace

absl::StatusOr<std::vector<Member>> LoadPool(Db& db, Pool pool, bool active_only) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT m.code,m.person_id,p.name,p.unit_id,u.name,m.specialty,m.title,m.region,m.lat,m.lon,m.former_unit_ids,"
      "m.relative_exam_unit_ids,m.active,(SELECT MAX(d.released_at) FROM draws d, json_each(d.selected) s "
      "WHERE d.pool=m.pool AND s.value=m.code) "
      "FROM pool_members m JOIN org_people p ON p.id=m.person_id JOIN org_units u ON u.id=p.unit_id "
      "WHERE m.pool=?1 AND (?2=0 OR m.active=1) ORDER BY m.code"));
  st.Bind(1, PoolCode(pool)).Bind(2, int64_t{active_only});
  std::vector<Member> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Member m;
    m.code = st.Text(0);
    m.person_id = st.Int(1);
    m.name = st.Text(2);
    m.unit_id = st.Int(3);
    m.unit_name = st.Text(4);
    m.specialty = st.Text(5);
    m.title = st.Text(6);
    m.region = st.Text(7);
    if (!st.IsNull(8)) m.lat = st.Double(8);
    if (!st.IsNull(9)) m.lon = st.Double(9);
    QF_ASSIGN_OR_RETURN(m.former_unit_ids, IdsFrom(st.Text(10), "pool_members.former_unit_ids"));
    QF_ASSIGN_OR_RETURN(m.relative_exam_unit_ids, IdsFrom(st.Text(11), "pool_members.relative_exam_unit_ids"));
    m.active = st.Int(12) != 0;
    if (auto t = st.OptText(13)) m.last_selected = ParseUtc(*t);
    out.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<json::object> Witnesses(Db& db) {
  QF_ASSIGN_OR_RETURN(auto accounts, auth::ActiveAccountsWithRoles(db, kWitnessRoles));
  json::array items;
  for (const auto& a : accounts) items.push_back(json::object{{"id", a.id}, {"display_name", a.display_name}});
  return json::object{{"items", items}};
}

absl::StatusOr<MemberInput> ParseMember(const json::object& body) {
  JsonInput in(body);
  MemberInput m;
  m.code = in.Str("code", true, 32).value_or("");
  m.person_code = in.Str("person_code", true, 32).value_or("");
  m.specialty = in.Str("specialty", false, 50).value_or("");
  m.title = in.Str("title", false, 50).value_or("");
  m.region = in.Str("region", false, 50).value_or("");
  m.former_units = in.Str("former_units", false, 500).value_or("");
  m.relative_units = in.Str("relative_exam_units", false, 500).value_or("");
  m.active = in.Bool("active", false).value_or(true);
  QF_RETURN_IF_ERROR(in.Finish());
  return m;
}

absl::StatusOr<json::object> SaveMember(Tx& tx, Pool pool, const MemberInput& m) {
  return Upsert(tx, pool, m);
}

std::vector<std::string_view> MemberImportFields() {
  return {"code", "person_code", "specialty", "title", "region", "former_units", "relative_exam_units", "active"};
}

absl::StatusOr<json::object> ImportMembers(Tx& tx, Pool pool, const ImportColumns& cols, const Table& t,
                                           bool accept_valid) {
  auto col = [&](std::string_view field) { return ColumnOf(t, cols, field); };
  int code = col("code"), person = col("person_code"), spec = col("specialty"), title = col("title"),
      region = col("region"), former = col("former_units"), rel = col("relative_exam_units"), active = col("active");
  QF_RETURN_IF_ERROR(RequireColumns(t, cols));
  QF_ASSIGN_OR_RETURN(auto rep, ImportRows(tx, RowsOf(t), accept_valid, [&](const std::vector<std::string>& row) -> absl::Status {
    auto cell = [&row](int c) { return c >= 0 ? row[c] : std::string(); };
    MemberInput m;
    m.code = cell(code);
    m.person_code = cell(person);
    m.specialty = cell(spec);
    m.title = cell(title);
    m.region = cell(region);
    m.former_units = cell(former);
    m.relative_units = cell(rel);
    std::string a = cell(active);
    m.active = !(a == "0" || a == "否" || a == "false");
    return Upsert(tx, pool, m).status();
  }));
  json::array rejected;
  for (auto& f : rep.rejected) rejected.push_back(FieldJson(f));
  return json::object{{"applied", rep.applied}, {"rejected", rejected}};
}

absl::StatusOr<json::object> ListMembers(Db& db, Pool pool) {
  QF_ASSIGN_OR_RETURN(auto members, LoadPool(db, pool, false));
  json::array items;
  for (const auto& m : members) {
    json::object o{{"code", m.code}, {"name", m.name}, {"unit", m.unit_name}, {"unit_id", m.unit_id},
                   {"specialty", m.specialty}, {"title", m.title}, {"region", m.region}, {"active", m.active},
                   {"former_unit_ids", IdsJson(m.former_unit_ids)}, {"relative_exam_unit_ids", IdsJson(m.relative_exam_unit_ids)}};
    if (m.last_selected) o["last_selected"] = FormatUtc(*m.last_selected);
    items.push_back(std::move(o));
  }
  return json::object{{"pool", PoolCode(pool)}, {"label", PoolLabel(pool)}, {"items", items}};
}

}  // namespace qf::draws
