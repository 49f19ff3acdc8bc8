// Draws in the database: requests with their frozen candidates and commitment, the witnessed draw, declines,
// release, conclusions and recusals after release, and the staff and public views.
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
#include "draws/store_util.h"
#include "fmt/format.h"
#include "org/org.h"
#include "storage/import_rows.h"
#include "vault/vault.h"

namespace qf::draws {
namespace json = boost::json;
namespace {

std::string Subject(int64_t id) { return "draw:" + std::to_string(id); }

absl::StatusOr<Pool> StoredPool(const std::string& code) {
  auto pool = ParsePool(code);
  if (!pool) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_enum", "数据库中的 draws.pool 取值无效：" + code);
  return *pool;
}
absl::StatusOr<DrawState> StoredState(const std::string& code) {
  auto state = ParseDrawState(code);
  if (!state) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_enum", "数据库中的 draws.state 取值无效：" + code);
  return *state;
}

struct DrawRow {
  int64_t id = 0;
  Pool pool = Pool::kExpert;
  DrawState state = DrawState::kCommitted;
  std::string purpose, commitment, sealed_secret, public_value, secret, requested_at, drawn_at, released_at;
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
  QF_ASSIGN_OR_RETURN(d.pool, StoredPool(st.Text(2)));
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
  QF_ASSIGN_OR_RETURN(d.state, StoredState(st.Text(14)));
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

DrawFacts FactsFor(const DrawRow& d, const Principal& who) {
  return {d.state, who.account_id != 0 && who.account_id == d.requested_by, who.account_id != 0 && who.account_id == d.witness};
}

bool MaySeeSealed(const DrawRow& d, const Principal& who) {
  return d.state == DrawState::kReleased || who.account_id == d.requested_by || who.account_id == d.witness;
}

// Names and units of members by code, for the views.
absl::StatusOr<std::map<std::string, Member>> MembersByCode(Db& db, Pool pool) {
  QF_ASSIGN_OR_RETURN(auto all, LoadPool(db, pool, false));
  std::map<std::string, Member> out;
  for (auto& m : all) out[m.code] = std::move(m);
  return out;
}


}  // namespace

absl::StatusOr<DrawRequest> ParseDrawRequest(const json::object& body, const Principal& who) {
  JsonInput in(body);
  DrawRequest req;
  req.purpose = in.Str("purpose", true, 100).value_or("");
  req.pool = ParsePool(in.Enum("pool", true, PoolCodes()).value_or("")).value_or(Pool::kExpert);
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
  QF_RETURN_IF_ERROR(in.Finish());
  return req;
}

absl::StatusOr<json::object> RequestDraw(Tx& tx, const DrawEnv& env, const DrawRequest& req, const Principal& who) {
  Db& db = tx.db();
  const Conditions& c = req.conditions;
  const Recusal& r = req.recusal;
  QF_RETURN_IF_ERROR(CheckWitness(db, "draw", req.witness_account_id, who));
  for (int64_t unit : {r.applicant_unit_id, r.supervising_unit_id}) {
    if (!unit) continue;
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, unit));
    if (!u) return Invalid("draw.unit", "单位不存在", {{unit == r.applicant_unit_id ? "applicant_unit_id" : "supervising_unit_id", "单位不存在"}});
  }
  QF_ASSIGN_OR_RETURN(auto members, LoadPool(db, req.pool, true));
  OrgFacts facts{[&db](int64_t unit, int64_t anc) { return org::IsWithin(db, unit, anc); },
                 [&db](int64_t p) { return org::Relatives(db, p); }};
  QF_ASSIGN_OR_RETURN(Eligibility el, Eligible(members, c, r, facts, tx.now()));
  if (el.candidates.size() < static_cast<size_t>(req.count))
    return MakeError(absl::StatusCode::kFailedPrecondition, "draw.pool_too_small",
                     fmt::format("符合条件且无需回避的只有 {} 人，少于要抽取的 {} 人（另有 {} 人因回避排除）",
                                 el.candidates.size(), req.count, el.excluded.size()),
                     {{"count", "超过可抽人数"}});
  // The secret: chosen by the server, sealed to the office's key until release, committed to now.
  QF_ASSIGN_OR_RETURN(Committed commit, Commit(env.vault, "draw"));
  json::array excluded;
  for (auto& e : el.excluded) excluded.push_back(json::object{{"code", e.code}, {"reason", e.reason}});
  json::object conditions{{"specialty", c.specialty}, {"title", c.title}, {"region", c.region}};
  json::object recusal{{"applicant_unit_id", r.applicant_unit_id}, {"supervising_unit_id", r.supervising_unit_id},
                       {"party_person_ids", IdsJson(r.party_person_ids)}, {"prior_person_ids", IdsJson(r.prior_person_ids)},
                       {"cooldown_days", r.cooldown_days}};
  std::string cand_json = json::serialize(Strs(el.candidates));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO draws(purpose,pool,conditions,count,backups,recusal,candidates,excluded,commitment,sealed_secret,"
      "requested_by,witness_account,requested_at,state) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  st.Bind(1, req.purpose).Bind(2, PoolCode(req.pool)).Bind(3, json::serialize(conditions)).Bind(4, req.count).Bind(5, req.backups)
      .Bind(6, json::serialize(recusal)).Bind(7, cand_json).Bind(8, json::serialize(excluded)).Bind(9, commit.commitment)
      .BindBlob(10, commit.sealed_secret).Bind(11, who.account_id).Bind(12, req.witness_account_id)
      .Bind(13, FormatUtc(tx.now())).Bind(14, DrawStateCode(DrawState::kCommitted));
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.requested", Subject(id),
      {{"purpose", req.purpose}, {"pool", PoolCode(req.pool)}, {"conditions", conditions}, {"count", req.count},
       {"backups", req.backups}, {"recusal", recusal}, {"commitment", commit.commitment},
       {"candidates_sha256", Sha256Hex(cand_json)}, {"candidates", el.candidates.size()},
       {"excluded", el.excluded.size()}, {"witness_account_id", req.witness_account_id}}));
  return json::object{{"id", id}, {"commitment", commit.commitment}, {"candidates", el.candidates.size()},
                      {"excluded", excluded}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> PerformDraw(Tx& tx, const DrawEnv& env, int64_t id, const std::string& public_value,
                                         const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  QF_RETURN_IF_ERROR(MayTake(DrawAction::kDraw, FactsFor(d, who)));
  QF_ASSIGN_OR_RETURN(Reveal rv, RevealSeed(env.vault, "draw", d.sealed_secret, d.witness, public_value, who));
  auto order = Shuffle(d.candidates, rv.seed);
  QF_ASSIGN_OR_RETURN(auto calls, CallDown(order, static_cast<int>(d.count), static_cast<int>(d.backups), {}));
  std::string order_json = json::serialize(Strs(order));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE draws SET state=?, public_value=?, drawn_at=?, call_order=? WHERE id=?"));
  st.Bind(1, DrawStateCode(DrawState::kDrawn)).Bind(2, rv.public_value).Bind(3, FormatUtc(tx.now())).Bind(4, order_json).Bind(5, id);
  QF_RETURN_IF_ERROR(st.Run());
  // The order is sealed until release: the ledger holds its digest now and the secret at release.
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.drawn", Subject(id),
                                             {{"public_value", rv.public_value}, {"order_sha256", Sha256Hex(order_json)}}));
  return json::object{{"id", id}, {"state", DrawStateCode(DrawState::kDrawn)}, {"calls", CallsJson(calls, {})}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> Decline(Tx& tx, int64_t id, const std::string& code, const std::string& reason,
                                     const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  QF_RETURN_IF_ERROR(MayTake(DrawAction::kDecline, FactsFor(d, who)));
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
  QF_RETURN_IF_ERROR(MayTake(DrawAction::kRelease, FactsFor(d, who)));
  QF_ASSIGN_OR_RETURN(std::string secret, env.vault->Unseal(d.sealed_secret));
  QF_ASSIGN_OR_RETURN(auto calls, CallDown(d.order, static_cast<int>(d.count), static_cast<int>(d.backups), Declines(d.calls)));
  json::array selected;
  for (auto& c : calls)
    if (c.status == "selected") selected.push_back(json::string(c.code));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE draws SET state=?, secret=?, released_at=?, selected=? WHERE id=?"));
  st.Bind(1, DrawStateCode(DrawState::kReleased)).Bind(2, secret).Bind(3, FormatUtc(tx.now()))
      .Bind(4, json::serialize(selected)).Bind(5, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("draw.released", Subject(id), {{"secret", secret}, {"selected", selected}}));
  return json::object{{"id", id}, {"state", DrawStateCode(DrawState::kReleased)}, {"secret", secret}, {"ledger_seq", seq}};
}

absl::Status RecordConclusion(Tx& tx, int64_t id, const std::string& code, const std::string& item,
                              const std::string& result, const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(tx.db(), id));
  QF_RETURN_IF_ERROR(MayTake(DrawAction::kConclude, FactsFor(d, who)));
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
  QF_RETURN_IF_ERROR(MayTake(DrawAction::kRecuse, FactsFor(d, who)));
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
  json::object o{{"id", d.id}, {"purpose", d.purpose}, {"pool", PoolCode(d.pool)}, {"pool_label", PoolLabel(d.pool)},
                 {"conditions", d.conditions}, {"count", d.count}, {"backups", d.backups}, {"recusal", d.recusal},
                 {"commitment", d.commitment}, {"state", DrawStateCode(d.state)}, {"state_label", DrawStateLabel(d.state)}, {"requested_at", d.requested_at},
                 {"requested_by", auth::DisplayName(db, d.requested_by)}, {"witness", auth::DisplayName(db, d.witness)},
                 {"witness_account_id", d.witness}, {"candidates", d.candidates.size()},
                 {"is_witness", who.account_id == d.witness}, {"is_requester", who.account_id == d.requested_by}};
  auto actions = Actions(FactsFor(d, who));
  o["actions"] = json::array(actions.begin(), actions.end());
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
  if (d.state != DrawState::kCommitted) {
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
  if (d.state == DrawState::kReleased) {
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
    QF_ASSIGN_OR_RETURN(Pool pool, StoredPool(st.Text(2)));
    QF_ASSIGN_OR_RETURN(DrawState state, StoredState(st.Text(5)));
    items.push_back(json::object{{"id", st.Int(0)}, {"purpose", st.Text(1)}, {"pool", PoolCode(pool)},
                                 {"pool_label", PoolLabel(pool)}, {"count", st.Int(3)}, {"backups", st.Int(4)},
                                 {"state", DrawStateCode(state)}, {"state_label", DrawStateLabel(state)},
                                 {"requested_at", st.Text(6)},
                                 {"mine", st.Int(7) == who.account_id || st.Int(8) == who.account_id}});
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> PublicRecord(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(DrawRow d, MustDraw(db, id));
  json::object o{{"id", d.id}, {"purpose", d.purpose}, {"pool", PoolCode(d.pool)}, {"pool_label", PoolLabel(d.pool)},
                 {"conditions", d.conditions}, {"count", d.count}, {"backups", d.backups}, {"commitment", d.commitment},
                 {"state", DrawStateCode(d.state)}, {"state_label", DrawStateLabel(d.state)}, {"requested_at", d.requested_at}, {"candidate_count", d.candidates.size()},
                 {"excluded_count", d.excluded.size()}};
  if (d.state != DrawState::kReleased) return o;
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
    QF_ASSIGN_OR_RETURN(Pool pool, StoredPool(st.Text(2)));
    QF_ASSIGN_OR_RETURN(DrawState state, StoredState(st.Text(4)));
    json::object o{{"id", st.Int(0)}, {"purpose", st.Text(1)}, {"pool", PoolCode(pool)}, {"pool_label", PoolLabel(pool)},
                   {"count", st.Int(3)}, {"state", DrawStateCode(state)}, {"state_label", DrawStateLabel(state)},
                   {"requested_at", st.Text(5)}, {"commitment", st.Text(6)}};
    if (!st.Text(7).empty()) o["released_at"] = st.Text(7);
    items.push_back(std::move(o));
  }
  return json::object{{"items", items}};
}

absl::StatusOr<std::vector<DrawFigures>> ReleasedBetween(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT d.id, d.purpose, d.pool, COALESCE(d.selected, '[]'), d.calls, COALESCE(a.display_name, '') FROM draws d "
      "LEFT JOIN accounts a ON a.id = d.witness_account WHERE d.state = '" + std::string(DrawStateCode(DrawState::kReleased)) +
      "' AND d.released_at >= ? AND d.released_at < ? ORDER BY d.released_at, d.id"));
  st.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  std::vector<DrawFigures> out;
  std::map<int64_t, size_t> by_id;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DrawFigures f;
    f.purpose = st.Text(1);
    QF_ASSIGN_OR_RETURN(f.pool, StoredPool(st.Text(2)));
    QF_ASSIGN_OR_RETURN(auto selected, StoredArray(st.Text(3), "draws.selected"));
    QF_ASSIGN_OR_RETURN(auto calls, StoredArray(st.Text(4), "draws.calls"));
    f.selected = static_cast<int>(selected.size());
    f.declined = static_cast<int>(calls.size());
    f.witness = st.Text(5);
    by_id[st.Int(0)] = out.size();
    out.push_back(std::move(f));
  }
  if (out.empty()) return out;
  // The sites: the latest assignment made from each draw (assignments are few; each keeps its request).
  QF_ASSIGN_OR_RETURN(auto as, db.Prepare("SELECT input FROM assignments ORDER BY id"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, as.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(auto input, StoredObject(as.Text(0), "assignments.input"));
    const auto* draw = input.if_contains("draw_id");
    const auto* sites = input.if_contains("sites");
    if (!draw || !draw->is_int64() || !sites || !sites->is_array()) continue;
    if (auto it = by_id.find(draw->as_int64()); it != by_id.end()) out[it->second].sites = static_cast<int>(sites->as_array().size());
  }
  return out;
}

}  // namespace qf::draws
