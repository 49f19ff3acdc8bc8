// Pools and draws in the database: members kept current by edit and import (each change an event), draw
// requests with their frozen candidates and commitment, the witnessed draw, declines, release and the views.
#include <algorithm>
#include <map>

#include "auth/auth_store.h"
#include "common/mask.h"
#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/draw.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "org/org.h"
#include "storage/import_rows.h"
#include "vault/vault.h"

namespace qf::draws {
namespace json = boost::json;
namespace {

std::string Subject(int64_t id) { return "draw:" + std::to_string(id); }

bool ValidPool(std::string_view p) { return p == "expert" || p == "inspector" || p == "supervisor"; }

json::array IdsJson(const std::vector<int64_t>& v) { return json::array(v.begin(), v.end()); }
absl::StatusOr<std::vector<int64_t>> IdsFrom(const std::string& text, std::string_view where) {
  QF_ASSIGN_OR_RETURN(auto v, StoredArray(text, where));
  std::vector<int64_t> out;
  for (auto& x : v)
    if (x.is_int64()) out.push_back(x.as_int64());
  return out;
}
json::array Strs(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v) a.push_back(json::string(s));
  return a;
}
std::vector<std::string> StrsFrom(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (auto& x : v.as_array())
      if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}

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
      if (errs) errs->push_back({field, msg});
      continue;
    }
    ids.push_back(*id);
  }
  return ids;
}

absl::StatusOr<json::object> Upsert(Tx& tx, const std::string& pool, const MemberInput& m) {
  Db& db = tx.db();
  std::vector<FieldError> errs;
  QF_ASSIGN_OR_RETURN(auto ps, db.Prepare("SELECT p.id, u.lat, u.lon FROM people p JOIN units u ON u.id=p.unit_id WHERE p.code=?"));
  ps.Bind(1, m.person_code);
  QF_ASSIGN_OR_RETURN(bool found, ps.Step());
  if (!found) errs.push_back({"person_code", "没有这个人员编号：" + m.person_code});
  int64_t person_id = found ? ps.Int(0) : 0;
  // Home location: given, or the member's unit.
  std::optional<double> lat = m.lat, lon = m.lon;
  if (found && !lat && !ps.IsNull(1)) lat = ps.Double(1);
  if (found && !lon && !ps.IsNull(2)) lon = ps.Double(2);
  auto former = UnitIds(db, m.former_units, "former_units", nullptr, &errs);
  auto relative = UnitIds(db, m.relative_units, "relative_exam_units", nullptr, &errs);
  if (m.code.empty() || m.code.size() > 32) errs.push_back({"code", "库内编号必填（不超过32个字符）"});
  if (!errs.empty()) return Invalid("pool.invalid", "库成员信息有误", errs);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO pool_members(pool,code,person_id,specialty,title,region,lat,lon,former_unit_ids,relative_exam_unit_ids,"
      "active,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(pool,code) DO UPDATE SET "
      "person_id=excluded.person_id, specialty=excluded.specialty, title=excluded.title, region=excluded.region, "
      "lat=excluded.lat, lon=excluded.lon, former_unit_ids=excluded.former_unit_ids, "
      "relative_exam_unit_ids=excluded.relative_exam_unit_ids, active=excluded.active, updated_at=excluded.updated_at"));
  st.Bind(1, pool).Bind(2, m.code).Bind(3, person_id).Bind(4, m.specialty).Bind(5, m.title).Bind(6, m.region)
      .Bind(7, lat).Bind(8, lon).Bind(9, json::serialize(IdsJson(former))).Bind(10, json::serialize(IdsJson(relative)))
      .Bind(11, int64_t{m.active}).Bind(12, FormatUtc(tx.now()));
  auto s = st.Run();
  if (s.code() == absl::StatusCode::kAlreadyExists)
    return Invalid("pool.duplicate_person", "此人已在库中（另一个编号）", {{"person_code", "已在库中"}});
  QF_RETURN_IF_ERROR(s);
  QF_RETURN_IF_ERROR(tx.Append("pool.member_saved", "pool:" + pool,
                               {{"code", m.code}, {"person_id", person_id}, {"specialty", m.specialty},
                                {"title", m.title}, {"region", m.region}, {"active", m.active},
                                {"former_unit_ids", IdsJson(former)}, {"relative_exam_unit_ids", IdsJson(relative)}})
                         .status());
  return json::object{{"pool", pool}, {"code", m.code}, {"person_id", person_id}};
}

struct DrawRow {
  int64_t id = 0;
  std::string purpose, pool, state, commitment, sealed_secret, public_value, secret, requested_at, drawn_at, released_at;
  json::object conditions, recusal;
  int64_t count = 0, backups = 0, requested_by = 0, witness = 0;
  std::vector<std::string> candidates, order;
  json::array excluded, calls;
};

absl::StatusOr<std::optional<DrawRow>> LoadDraw(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,purpose,pool,conditions,count,backups,recusal,candidates,excluded,commitment,sealed_secret,requested_by,"
      "witness_account,requested_at,state,COALESCE(public_value,''),COALESCE(drawn_at,''),COALESCE(call_order,'[]'),calls,"
      "COALESCE(secret,''),COALESCE(released_at,'') FROM draws WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::nullopt;
  DrawRow d;
  d.id = st.Int(0);
  d.purpose = st.Text(1);
  d.pool = st.Text(2);
  QF_ASSIGN_OR_RETURN(d.conditions, StoredObject(st.Text(3), "draws.conditions"));
  d.count = st.Int(4);
  d.backups = st.Int(5);
  QF_ASSIGN_OR_RETURN(d.recusal, StoredObject(st.Text(6), "draws.recusal"));
  QF_ASSIGN_OR_RETURN(auto candidates, StoredArray(st.Text(7), "draws.candidates"));
  d.candidates = StrsFrom(candidates);
  QF_ASSIGN_OR_RETURN(d.excluded, StoredArray(st.Text(8), "draws.excluded"));
  d.commitment = st.Text(9);
  d.sealed_secret = st.Text(10);
  d.requested_by = st.Int(11);
  d.witness = st.Int(12);
  d.requested_at = st.Text(13);
  d.state = st.Text(14);
  d.public_value = st.Text(15);
  d.drawn_at = st.Text(16);
  QF_ASSIGN_OR_RETURN(auto order, StoredArray(st.Text(17), "draws.call_order"));
  d.order = StrsFrom(order);
  QF_ASSIGN_OR_RETURN(d.calls, StoredArray(st.Text(18), "draws.calls"));
  for (const auto& c : d.calls) {
    const auto* o = c.if_object();
    if (!o || !o->contains("code") || !o->at("code").is_string() || !o->contains("reason") || !o->at("reason").is_string() ||
        !o->contains("declined_at"))
      return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", "数据库中的 draws.calls 记录格式不符");
  }
  d.secret = st.Text(19);
  d.released_at = st.Text(20);
  return d;
}

absl::StatusOr<DrawRow> MustDraw(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto d, LoadDraw(db, id));
  if (!d) return NotFound("draw.not_found", "抽取记录不存在");
  return *d;
}

std::vector<Exclusion> Declines(const json::array& calls_log) {
  std::vector<Exclusion> out;
  for (auto& c : calls_log) {
    auto& o = c.as_object();
    if (o.contains("declined_at")) out.push_back({std::string(o.at("code").as_string()), std::string(o.at("reason").as_string())});
  }
  return out;
}

// The declines in the order they were recorded (the `calls` column keeps them with their time).
json::array CallsJson(const std::vector<Call>& calls, const json::array& log) {
  json::array out;
  for (const auto& c : calls) {
    json::object o{{"code", c.code}, {"status", c.status}};
    if (!c.reason.empty()) o["reason"] = c.reason;
    for (auto& l : log)
      if (l.as_object().at("code").as_string() == c.code) o["declined_at"] = l.as_object().at("declined_at");
    out.push_back(std::move(o));
  }
  return out;
}

bool MaySeeSealed(const DrawRow& d, const Principal& who) {
  return d.state == "released" || who.account_id == d.requested_by || who.account_id == d.witness;
}

// Names and units of members by code, for the views.
absl::StatusOr<std::map<std::string, Member>> MembersByCode(Db& db, const std::string& pool) {
  QF_ASSIGN_OR_RETURN(auto all, LoadPool(db, pool, false));
  std::map<std::string, Member> out;
  for (auto& m : all) out[m.code] = std::move(m);
  return out;
}


}  // namespace

absl::StatusOr<std::vector<Member>> LoadPool(Db& db, const std::string& pool, bool active_only) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT m.code,m.person_id,p.name,p.unit_id,u.name,m.specialty,m.title,m.region,m.lat,m.lon,m.former_unit_ids,"
      "m.relative_exam_unit_ids,m.active,(SELECT MAX(d.released_at) FROM draws d, json_each(d.selected) s "
      "WHERE d.pool=m.pool AND s.value=m.code) "
      "FROM pool_members m JOIN people p ON p.id=m.person_id JOIN units u ON u.id=p.unit_id "
      "WHERE m.pool=?1 AND (?2=0 OR m.active=1) ORDER BY m.code"));
  st.Bind(1, pool).Bind(2, int64_t{active_only});
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

absl::StatusOr<bool> MayWitness(Db& db, int64_t account_id) {
  QF_ASSIGN_OR_RETURN(auto account, auth::GetAccount(db, account_id));
  return account && account->active && (account->roles & kWitnessRoles) != 0;
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

absl::StatusOr<json::object> SaveMember(Tx& tx, const std::string& pool, const MemberInput& m) {
  if (!ValidPool(pool)) return NotFound("pool.not_found", "没有这个库");
  return Upsert(tx, pool, m);
}

absl::StatusOr<json::object> ImportMembers(Tx& tx, const std::string& pool, const Table& t, bool accept_valid) {
  if (!ValidPool(pool)) return NotFound("pool.not_found", "没有这个库");
  int code = ColumnIndex(t, {"code", "库内编号"}), person = ColumnIndex(t, {"person_code", "人员编号"}),
      spec = ColumnIndex(t, {"specialty", "专业"}), title = ColumnIndex(t, {"title", "职称"}),
      region = ColumnIndex(t, {"region", "区域"}), former = ColumnIndex(t, {"former_units", "曾任职单位代码"}),
      rel = ColumnIndex(t, {"relative_exam_units", "近亲属参考学校代码"}), active = ColumnIndex(t, {"active", "在库"});
  QF_RETURN_IF_ERROR(RequireColumns(t, {{code, "code"}, {person, "person_code"}}));
  auto cell = [&t](size_t r, int c) { return c >= 0 ? t.rows[r][c] : std::string(); };
  QF_ASSIGN_OR_RETURN(auto rep, ImportRows(tx, t, accept_valid, [&](size_t r) -> absl::Status {
    MemberInput m;
    m.code = cell(r, code);
    m.person_code = cell(r, person);
    m.specialty = cell(r, spec);
    m.title = cell(r, title);
    m.region = cell(r, region);
    m.former_units = cell(r, former);
    m.relative_units = cell(r, rel);
    std::string a = cell(r, active);
    m.active = !(a == "0" || a == "否" || a == "false");
    return Upsert(tx, pool, m).status();
  }));
  json::array rejected;
  for (auto& f : rep.rejected) rejected.push_back(json::object{{"field", f.field}, {"message", f.message}});
  return json::object{{"applied", rep.applied}, {"rejected", rejected}};
}

absl::StatusOr<json::object> ListMembers(Db& db, const std::string& pool) {
  if (!ValidPool(pool)) return NotFound("pool.not_found", "没有这个库");
  QF_ASSIGN_OR_RETURN(auto members, LoadPool(db, pool, false));
  json::array items;
  for (const auto& m : members) {
    json::object o{{"code", m.code}, {"name", m.name}, {"unit", m.unit_name}, {"unit_id", m.unit_id},
                   {"specialty", m.specialty}, {"title", m.title}, {"region", m.region}, {"active", m.active},
                   {"former_unit_ids", IdsJson(m.former_unit_ids)}, {"relative_exam_unit_ids", IdsJson(m.relative_exam_unit_ids)}};
    if (m.last_selected) o["last_selected"] = FormatUtc(*m.last_selected);
    items.push_back(std::move(o));
  }
  return json::object{{"pool", pool}, {"label", PoolLabel(pool)}, {"items", items}};
}

absl::StatusOr<DrawRequest> ParseDrawRequest(const json::object& body, const Principal& who) {
  JsonInput in(body);
  DrawRequest req;
  req.purpose = in.Str("purpose", true, 100).value_or("");
  req.pool = in.Enum("pool", true, {"expert", "inspector", "supervisor"}).value_or("");
  req.count = in.Int("count", true, 1, 500).value_or(0);
  req.backups = in.Int("backups", false, 0, 100).value_or(0);
  req.witness_account_id = in.Int("witness_account_id", true, 1, INT64_MAX).value_or(0);
  Conditions& c = req.conditions;
  Recusal& r = req.recusal;
  if (auto* cv = body.if_contains("conditions"); cv && cv->is_object()) {
    JsonInput ci(cv->as_object(), "conditions");
    c.specialty = ci.Str("specialty", false, 50).value_or("");
    c.title = ci.Str("title", false, 50).value_or("");
    c.region = ci.Str("region", false, 50).value_or("");
    for (auto& e : ci.errors()) in.Fail(e.field, e.message);
  }
  r.applicant_unit_id = in.Int("applicant_unit_id", false, 1, INT64_MAX).value_or(0);
  r.supervising_unit_id = in.Int("supervising_unit_id", false, 1, INT64_MAX).value_or(0);
  r.cooldown_days = static_cast<int>(in.Int("cooldown_days", false, 0, 3650).value_or(0));
  auto ids = [&](const char* field) {
    std::vector<int64_t> out;
    if (auto* v = body.if_contains(field)) {
      if (!v->is_array()) in.Fail(field, "应为人员编号数组");
      else
        for (auto& x : v->as_array()) {
          if (!x.is_int64() || x.as_int64() <= 0) in.Fail(field, "应为人员编号（正整数）");
          else out.push_back(x.as_int64());
        }
    }
    return out;
  };
  r.party_person_ids = ids("party_person_ids");
  r.prior_person_ids = ids("prior_person_ids");
  if (req.witness_account_id && req.witness_account_id == who.account_id)
    in.Fail("witness_account_id", "见证人不能是发起抽取的本人");
  QF_RETURN_IF_ERROR(in.Finish());
  return req;
}

absl::StatusOr<json::object> RequestDraw(Tx& tx, const DrawEnv& env, const DrawRequest& req, const Principal& who) {
  Db& db = tx.db();
  const Conditions& c = req.conditions;
  const Recusal& r = req.recusal;
  json::object conditions, recusal;
  const std::string* purpose = &req.purpose;
  const std::string* pool = &req.pool;
  const int64_t* count = &req.count;
  const int64_t backups = req.backups;
  const int64_t* witness = &req.witness_account_id;
  QF_ASSIGN_OR_RETURN(bool may_witness, MayWitness(db, *witness));
  if (!may_witness)
    return Invalid("draw.witness", "见证人应为纪检监察或局领导账号", {{"witness_account_id", "不是可作见证人的账号"}});
  for (int64_t unit : {r.applicant_unit_id, r.supervising_unit_id}) {
    if (!unit) continue;
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, unit));
    if (!u) return Invalid("draw.unit", "单位不存在", {{unit == r.applicant_unit_id ? "applicant_unit_id" : "supervising_unit_id", "单位不存在"}});
  }
  QF_ASSIGN_OR_RETURN(auto members, LoadPool(db, *pool, true));
  OrgFacts facts{[&db](int64_t unit, int64_t anc) { return org::IsWithin(db, unit, anc); },
                 [&db](int64_t p) { return org::Relatives(db, p); }};
  QF_ASSIGN_OR_RETURN(Eligibility el, Eligible(members, c, r, facts, tx.now()));
  if (el.candidates.size() < static_cast<size_t>(*count))
    return MakeError(absl::StatusCode::kFailedPrecondition, "draw.pool_too_small",
                     fmt::format("符合条件且无需回避的只有 {} 人，少于要抽取的 {} 人（另有 {} 人因回避排除）",
                                 el.candidates.size(), *count, el.excluded.size()),
                     {{"count", "超过可抽人数"}});
  // The secret: chosen by the server, sealed to the office's key until release, committed to now.
  if (!env.vault) return absl::InternalError("保险库未配置，不能保存抽取密钥");
  std::string secret = RandomToken(32);
  std::string commitment = Commitment(secret);
  json::array excluded;
  for (auto& e : el.excluded) excluded.push_back(json::object{{"code", e.code}, {"reason", e.reason}});
  conditions = {{"specialty", c.specialty}, {"title", c.title}, {"region", c.region}};
  recusal = {{"applicant_unit_id", r.applicant_unit_id}, {"supervising_unit_id", r.supervising_unit_id},
             {"party_person_ids", IdsJson(r.party_person_ids)}, {"prior_person_ids", IdsJson(r.prior_person_ids)},
             {"cooldown_days", r.cooldown_days}};
  std::string cand_json = json::serialize(Strs(el.candidates));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO draws(purpose,pool,conditions,count,backups,recusal,candidates,excluded,commitment,sealed_secret,"
      "requested_by,witness_account,requested_at,state) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,'committed')"));
  st.Bind(1, *purpose).Bind(2, *pool).Bind(3, json::serialize(conditions)).Bind(4, *count).Bind(5, backups)
      .Bind(6, json::serialize(recusal)).Bind(7, cand_json).Bind(8, json::serialize(excluded)).Bind(9, commitment)
      .BindBlob(10, env.vault->Seal(secret)).Bind(11, who.account_id).Bind(12, *witness).Bind(13, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.requested", Subject(id),
      {{"purpose", *purpose}, {"pool", *pool}, {"conditions", conditions}, {"count", *count}, {"backups", backups},
       {"recusal", recusal}, {"commitment", commitment}, {"candidates_sha256", Sha256Hex(cand_json)},
       {"candidates", el.candidates.size()}, {"excluded", el.excluded.size()}, {"witness_account_id", *witness}}));
  return json::object{{"id", id}, {"commitment", commitment}, {"candidates", el.candidates.size()},
                      {"excluded", excluded}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> PerformDraw(Tx& tx, const DrawEnv& env, int64_t id, const std::string& public_value,
                                         const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  if (who.account_id != d.witness) return Forbidden("draw.witness_only", "只有指定的见证人可以输入公开值并开始抽取");
  if (d.state != "committed") return Conflict("draw.state", "已经抽取过");
  std::string pv(Trim(public_value));
  if (pv.empty() || Utf8Length(pv) > 64)
    return Invalid("draw.public_value", "请输入见证人公开值（1–64个字符）", {{"public_value", "必填"}});
  QF_ASSIGN_OR_RETURN(std::string secret, env.vault->Unseal(d.sealed_secret));
  Seed seed = MakeSeed(secret, pv);
  auto order = Shuffle(d.candidates, seed);
  QF_ASSIGN_OR_RETURN(auto calls, CallDown(order, static_cast<int>(d.count), static_cast<int>(d.backups), {}));
  std::string order_json = json::serialize(Strs(order));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE draws SET state='drawn', public_value=?, drawn_at=?, call_order=? WHERE id=?"));
  st.Bind(1, pv).Bind(2, FormatUtc(tx.now())).Bind(3, order_json).Bind(4, id);
  QF_RETURN_IF_ERROR(st.Run());
  // The order is sealed until release: the ledger holds its digest now and the secret at release.
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.drawn", Subject(id), {{"public_value", pv}, {"order_sha256", Sha256Hex(order_json)}}));
  return json::object{{"id", id}, {"state", "drawn"}, {"calls", CallsJson(calls, {})}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> Decline(Tx& tx, int64_t id, const std::string& code, const std::string& reason,
                                     const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  if (who.account_id != d.requested_by && who.account_id != d.witness)
    return Forbidden("draw.sealed", "只有发起人和见证人可以登记谢绝");
  if (d.state != "drawn") return Conflict("draw.state", d.state == "committed" ? "尚未抽取" : "结果已公布，不能再登记谢绝");
  std::string why(Trim(reason));
  if (why.empty() || Utf8Length(why) > 200) return Invalid("draw.reason", "请填写谢绝或回避的理由", {{"reason", "必填"}});
  auto declines = Declines(d.calls);
  QF_ASSIGN_OR_RETURN(auto before, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), declines));
  auto it = std::find_if(before.begin(), before.end(), [&](const Call& c) { return c.code == code; });
  if (it == before.end() || it->status != "selected")
    return Invalid("draw.code", "只能对已抽中的人员登记谢绝", {{"code", "不是已抽中的人员"}});
  declines.push_back({code, why});
  auto after = CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), declines);
  if (!after.ok()) return after.status();
  d.calls.push_back(json::object{{"code", code}, {"reason", why}, {"declined_at", FormatUtc(tx.now())}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE draws SET calls=? WHERE id=?"));
  st.Bind(1, json::serialize(d.calls)).Bind(2, id);
  QF_RETURN_IF_ERROR(st.Run());
  size_t selected = std::count_if(after->begin(), after->end(), [](const Call& c) { return c.status == "selected"; });
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.declined", Subject(id), {{"code", code}, {"reason", why}}));
  json::object out{{"id", id}, {"calls", CallsJson(*after, d.calls)}, {"ledger_seq", seq}};
  if (selected < static_cast<size_t>(d.count))
    out["shortfall"] = fmt::format("候选名单已用完：还差 {} 人，需另行申请抽取", d.count - static_cast<int64_t>(selected));
  return out;
}

absl::StatusOr<json::object> Release(Tx& tx, const DrawEnv& env, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  if (who.account_id != d.requested_by && who.account_id != d.witness)
    return Forbidden("draw.sealed", "只有发起人和见证人可以公布结果");
  if (d.state != "drawn") return Conflict("draw.state", d.state == "committed" ? "尚未抽取" : "结果已公布");
  QF_ASSIGN_OR_RETURN(std::string secret, env.vault->Unseal(d.sealed_secret));
  QF_ASSIGN_OR_RETURN(auto calls, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), Declines(d.calls)));
  json::array selected;
  for (auto& c : calls)
    if (c.status == "selected") selected.push_back(json::string(c.code));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE draws SET state='released', secret=?, released_at=?, selected=? WHERE id=?"));
  st.Bind(1, secret).Bind(2, FormatUtc(tx.now())).Bind(3, json::serialize(selected)).Bind(4, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.released", Subject(id), {{"secret", secret}, {"selected", selected}}));
  return json::object{{"id", id}, {"state", "released"}, {"secret", secret}, {"ledger_seq", seq}};
}

absl::Status RecordConclusion(Tx& tx, int64_t id, const std::string& code, const std::string& item,
                              const std::string& result, const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  if (who.account_id != d.requested_by) return Forbidden("draw.requester_only", "只有发起抽取的人员可以登记评审结论");
  if (d.state != "released") return Conflict("draw.state", "结果公布后才能登记评审结论");
  QF_ASSIGN_OR_RETURN(auto calls, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), Declines(d.calls)));
  bool selected = std::any_of(calls.begin(), calls.end(), [&](const Call& c) { return c.code == code && c.status == "selected"; });
  if (!selected) return Invalid("draw.code", "只能登记已抽中人员的结论", {{"code", "不是已抽中的人员"}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO draw_conclusions(draw_id,code,item,result,recorded_at,recorded_by) VALUES(?,?,?,?,?,?)"));
  st.Bind(1, id).Bind(2, code).Bind(3, item).Bind(4, result).Bind(5, FormatUtc(tx.now())).Bind(6, who.account_id);
  auto ins = st.Run();
  if (ins.code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "draw.conclusion_exists", "该人员对该事项的结论已登记",
                     {{"item", "已登记"}});
  QF_RETURN_IF_ERROR(ins);
  return tx.Append("draw.conclusion", Subject(id), {{"code", code}, {"item", item}, {"result_sha256", Sha256Hex(result)}})
      .status();
}

absl::StatusOr<json::object> RecuseAfterRelease(Tx& tx, int64_t id, const std::string& code, const std::string& reason,
                                                const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  if (who.account_id != d.requested_by && who.account_id != d.witness)
    return Forbidden("draw.sealed", "只有发起人和见证人可以登记回避");
  if (d.state != "released") return Conflict("draw.state", "结果公布前的回避按谢绝登记");
  std::string why(Trim(reason));
  if (why.empty() || Utf8Length(why) > 200) return Invalid("draw.reason", "请填写回避的理由", {{"reason", "必填"}});
  auto declines = Declines(d.calls);
  QF_ASSIGN_OR_RETURN(auto before, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), declines));
  auto it = std::find_if(before.begin(), before.end(), [&](const Call& c) { return c.code == code; });
  if (it == before.end() || it->status != "selected")
    return Invalid("draw.code", "只能对已抽中的人员登记回避", {{"code", "不是已抽中的人员"}});
  declines.push_back({code, "回避：" + why});
  QF_ASSIGN_OR_RETURN(auto after, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), declines));
  d.calls.push_back(json::object{{"code", code}, {"reason", "回避：" + why}, {"declined_at", FormatUtc(tx.now())},
                                 {"after_release", true}});
  json::array selected;
  for (auto& c : after)
    if (c.status == "selected") selected.push_back(json::string(c.code));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE draws SET calls=?, selected=? WHERE id=?"));
  st.Bind(1, json::serialize(d.calls)).Bind(2, json::serialize(selected)).Bind(3, id);
  QF_RETURN_IF_ERROR(st.Run());
  // A recused expert's conclusions are void.
  QF_ASSIGN_OR_RETURN(auto v, tx.db().Prepare(
      "UPDATE draw_conclusions SET void_reason=?, voided_at=? WHERE draw_id=? AND code=? AND void_reason IS NULL"));
  v.Bind(1, "回避：" + why).Bind(2, FormatUtc(tx.now())).Bind(3, id).Bind(4, code);
  QF_RETURN_IF_ERROR(v.Run());
  int voided = tx.db().Changes();
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.recused", Subject(id),
                                             {{"code", code}, {"reason", why}, {"conclusions_void", voided}}));
  json::object out{{"id", id}, {"calls", CallsJson(after, d.calls)}, {"conclusions_void", voided}, {"ledger_seq", seq}};
  if (selected.size() < static_cast<size_t>(d.count))
    out["shortfall"] = fmt::format("候选名单已用完：还差 {} 人，需另行申请抽取", d.count - static_cast<int64_t>(selected.size()));
  return out;
}

namespace {
absl::StatusOr<json::array> ConclusionsJson(Db& db, int64_t id, bool with_results) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT code, item, result, recorded_at, COALESCE(void_reason,'') FROM draw_conclusions WHERE draw_id=? ORDER BY id"));
  st.Bind(1, id);
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    bool is_void = !st.Text(4).empty();
    json::object o{{"code", st.Text(0)}, {"item", st.Text(1)}, {"void", is_void}};
    if (with_results) {
      o["result"] = st.Text(2);
      o["recorded_at"] = st.Text(3);
    }
    if (is_void) o["void_reason"] = st.Text(4);
    out.push_back(std::move(o));
  }
  return out;
}
}  // namespace

absl::StatusOr<json::object> StaffView(Db& db, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(db, id));
  json::object o{{"id", d.id}, {"purpose", d.purpose}, {"pool", d.pool}, {"pool_label", PoolLabel(d.pool)},
                 {"conditions", d.conditions}, {"count", d.count}, {"backups", d.backups}, {"recusal", d.recusal},
                 {"commitment", d.commitment}, {"state", d.state}, {"requested_at", d.requested_at},
                 {"requested_by", auth::DisplayName(db, d.requested_by)}, {"witness", auth::DisplayName(db, d.witness)},
                 {"witness_account_id", d.witness}, {"candidates", d.candidates.size()},
                 {"is_witness", who.account_id == d.witness}, {"is_requester", who.account_id == d.requested_by}};
  bool sealed_ok = MaySeeSealed(d, who);
  o["sealed"] = !sealed_ok;
  if (!sealed_ok) return o;
  QF_ASSIGN_OR_RETURN(auto by_code, MembersByCode(db, d.pool));
  json::array excluded;
  for (auto& e : d.excluded) {
    json::object x = e.as_object();
    auto m = by_code.find(std::string(x.at("code").as_string()));
    if (m != by_code.end()) x["name"] = m->second.name;
    excluded.push_back(std::move(x));
  }
  o["excluded"] = excluded;
  if (d.state != "committed") {
    o["public_value"] = d.public_value;
    o["drawn_at"] = d.drawn_at;
    QF_ASSIGN_OR_RETURN(auto calls, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), Declines(d.calls)));
    json::array rows;
    for (auto& c : CallsJson(calls, d.calls)) {
      json::object x = c.as_object();
      auto m = by_code.find(std::string(x.at("code").as_string()));
      if (m != by_code.end()) {
        x["name"] = m->second.name;
        x["unit"] = m->second.unit_name;
        x["specialty"] = m->second.specialty;
        x["title"] = m->second.title;
      }
      rows.push_back(std::move(x));
    }
    o["calls"] = rows;
  }
  if (d.state == "released") {
    o["secret"] = d.secret;
    o["released_at"] = d.released_at;
    QF_ASSIGN_OR_RETURN(o["conclusions"], ConclusionsJson(db, d.id, true));
  }
  return o;
}

absl::StatusOr<json::object> StaffList(Db& db, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,purpose,pool,count,backups,state,requested_at,requested_by,witness_account FROM draws ORDER BY id DESC LIMIT 200"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"purpose", st.Text(1)}, {"pool", st.Text(2)},
                                 {"pool_label", PoolLabel(st.Text(2))}, {"count", st.Int(3)}, {"backups", st.Int(4)},
                                 {"state", st.Text(5)}, {"requested_at", st.Text(6)},
                                 {"mine", st.Int(7) == who.account_id || st.Int(8) == who.account_id}});
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> PublicRecord(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(db, id));
  json::object o{{"id", d.id}, {"purpose", d.purpose}, {"pool", d.pool}, {"pool_label", PoolLabel(d.pool)},
                 {"conditions", d.conditions}, {"count", d.count}, {"backups", d.backups}, {"commitment", d.commitment},
                 {"state", d.state}, {"requested_at", d.requested_at}, {"candidate_count", d.candidates.size()},
                 {"excluded_count", d.excluded.size()}};
  if (d.state != "released") return o;
  Seed seed = MakeSeed(d.secret, d.public_value);
  QF_ASSIGN_OR_RETURN(auto calls, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), Declines(d.calls)));
  QF_ASSIGN_OR_RETURN(auto by_code, MembersByCode(db, d.pool));
  json::array call_rows, declines;
  for (auto& c : calls) {
    json::object x{{"code", c.code}, {"status", c.status}};
    auto m = by_code.find(c.code);
    if (c.status == "selected" && m != by_code.end()) {
      x["name"] = MaskName(m->second.name);
      x["specialty"] = m->second.specialty;
      x["title"] = m->second.title;
    }
    call_rows.push_back(std::move(x));
  }
  for (auto& c : d.calls) {
    auto& l = c.as_object();
    declines.push_back(json::object{{"code", l.at("code")}, {"reason", l.at("reason")}});
  }
  o["candidates"] = Strs(d.candidates);
  o["public_value"] = d.public_value;
  o["drawn_at"] = d.drawn_at;
  o["secret"] = d.secret;
  o["seed"] = Hex(seed.data(), seed.size());
  o["order"] = Strs(d.order);
  o["declines"] = declines;
  o["calls"] = call_rows;
  o["released_at"] = d.released_at;
  // Which conclusions count: the public sees each expert's items and the void ones with why, not the results.
  QF_ASSIGN_OR_RETURN(o["conclusions"], ConclusionsJson(db, d.id, false));
  return o;
}

absl::StatusOr<json::object> PublicList(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,purpose,pool,count,state,requested_at,commitment,COALESCE(released_at,'') FROM draws ORDER BY id DESC LIMIT 200"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json::object o{{"id", st.Int(0)}, {"purpose", st.Text(1)}, {"pool", st.Text(2)}, {"pool_label", PoolLabel(st.Text(2))},
                   {"count", st.Int(3)}, {"state", st.Text(4)}, {"requested_at", st.Text(5)}, {"commitment", st.Text(6)}};
    if (!st.Text(7).empty()) o["released_at"] = st.Text(7);
    items.push_back(std::move(o));
  }
  return json::object{{"items", items}};
}

}  // namespace qf::draws
