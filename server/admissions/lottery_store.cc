// Lotteries of oversubscribed schools (招生监督): the applicants' list read and sealed, the request that freezes it
// and publishes the commitment, the witnessed draw published at once with its observers, give-ups and admissions
// beyond the plan with their reasons; the staff view (names masked), the public record (codes only, recomputable by
// draws::Verify) and the outcome the roster check reads.
#include <algorithm>
#include <map>
#include <set>

#include "admissions/admissions.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mask.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/draws.h"
#include "draws/store_util.h"
#include "fmt/format.h"
#include "org/org.h"
#include "vault/vault.h"

namespace qf::admissions {
namespace json = boost::json;
namespace {

using draws::Strs;
using draws::StrsFrom;

std::string LotterySubject(int64_t id) { return "admission_lottery:" + std::to_string(id); }

struct LotteryRow {
  int64_t id = 0, school_id = 0, witness = 0, requested_by = 0;
  int year = 0, grade = 0, plan = 0;
  std::string school, district, commitment, sealed_secret, state, venue, public_value, secret, requested_at, drawn_at;
  std::vector<std::string> candidates, order;
  json::array observers, declines, extras;
  bool drawn() const { return state == "released"; }
};

constexpr std::string_view kColumns =
    "l.id, l.year, l.school_id, u.name, u.district, l.grade, l.plan, l.candidates, l.commitment, l.sealed_secret, "
    "l.witness_account, COALESCE(l.requested_by, 0), l.requested_at, l.state, l.venue, COALESCE(l.public_value, ''), "
    "COALESCE(l.secret, ''), COALESCE(l.call_order, '[]'), l.observers, COALESCE(l.drawn_at, ''), l.declines, l.extras";

absl::StatusOr<LotteryRow> Read(Stmt& st) {
  LotteryRow l;
  l.id = st.Int(0);
  l.year = static_cast<int>(st.Int(1));
  l.school_id = st.Int(2);
  l.school = st.Text(3);
  l.district = st.Text(4);
  l.grade = static_cast<int>(st.Int(5));
  l.plan = static_cast<int>(st.Int(6));
  QF_ASSIGN_OR_RETURN(auto cand, StoredArray(st.Text(7), "admission_lotteries.candidates"));
  l.candidates = StrsFrom(cand);
  l.commitment = st.Text(8);
  l.sealed_secret = st.Text(9);
  l.witness = st.Int(10);
  l.requested_by = st.Int(11);
  l.requested_at = st.Text(12);
  l.state = st.Text(13);
  l.venue = st.Text(14);
  l.public_value = st.Text(15);
  l.secret = st.Text(16);
  QF_ASSIGN_OR_RETURN(auto order, StoredArray(st.Text(17), "admission_lotteries.call_order"));
  l.order = StrsFrom(order);
  QF_ASSIGN_OR_RETURN(l.observers, StoredArray(st.Text(18), "admission_lotteries.observers"));
  l.drawn_at = st.Text(19);
  QF_ASSIGN_OR_RETURN(l.declines, StoredArray(st.Text(20), "admission_lotteries.declines"));
  QF_ASSIGN_OR_RETURN(l.extras, StoredArray(st.Text(21), "admission_lotteries.extras"));
  return l;
}

absl::StatusOr<LotteryRow> Load(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM admission_lotteries l JOIN org_units u ON u.id = l.school_id WHERE l.id = ?", kColumns)));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("admissions.lottery_not_found", "摇号不存在");
  return Read(st);
}

// Who records give-ups and admissions beyond the plan: the staff member who requested the lottery, or the office.
bool Records(const LotteryRow& l, const Principal& who) { return who.account_id == l.requested_by || who.Has(kSupervisor); }

absl::Status MayRecord(const LotteryRow& l, const Principal& who) {
  if (Records(l, who)) return absl::OkStatus();
  return Forbidden("admissions.lottery_requester", "只有组织摇号的单位或纪检监察可以登记");
}

std::vector<draws::Exclusion> Declines(const LotteryRow& l) {
  std::vector<draws::Exclusion> out;
  for (const auto& d : l.declines)
    if (d.is_object()) out.push_back({std::string(d.as_object().at("code").as_string()),
                                      std::string(d.as_object().at("reason").as_string())});
  return out;
}

// Each applicant's standing after the draw: the call-down of the order with the plan admitted, everyone else
// waiting, and the give-ups in the order recorded.
absl::StatusOr<std::vector<draws::Call>> Calls(const LotteryRow& l) {
  if (!l.drawn()) return std::vector<draws::Call>{};
  const int n = static_cast<int>(l.order.size());
  return draws::CallDown(l.order, std::min(l.plan, n), std::max(0, n - l.plan), Declines(l));
}

std::set<std::string> ExtraCodes(const LotteryRow& l) {
  std::set<std::string> out;
  for (const auto& e : l.extras)
    if (e.is_object()) out.insert(std::string(e.as_object().at("code").as_string()));
  return out;
}

struct Counts {
  int64_t applicants = 0, admitted = 0, waiting = 0, gave_up = 0, extra = 0, remaining = 0;
};
Counts CountOf(const LotteryRow& l, const std::vector<draws::Call>& calls) {
  Counts c;
  c.applicants = static_cast<int64_t>(l.candidates.size());
  // An applicant admitted beyond the plan stays in the order; a later give-up may call them into the plan.
  const std::set<std::string> extra = ExtraCodes(l);
  int64_t selected = 0;
  for (const auto& call : calls) {
    if (call.status == "selected") ++selected;
    if (call.status == "backup") ++(extra.contains(call.code) ? c.extra : c.waiting);
    if (call.status == "declined") ++c.gave_up;
  }
  c.admitted = selected + c.extra;
  c.remaining = l.drawn() ? std::max<int64_t>(0, l.plan - selected) : l.plan;
  return c;
}

std::string StateLabel(const LotteryRow& l) { return l.drawn() ? "已摇号并公布" : "已公布承诺值，待摇号"; }

// What every view shows: the school, the grade, the plan, the commitment and the numbers.
json::object Summary(const LotteryRow& l, const Counts& c) {
  return json::object{{"id", l.id}, {"year", l.year}, {"school_id", l.school_id}, {"school", l.school},
                      {"district", l.district}, {"grade", l.grade}, {"grade_label", GradeLabel(l.grade)},
                      {"plan", l.plan}, {"state", l.state}, {"state_label", StateLabel(l)},
                      {"commitment", l.commitment}, {"venue", l.venue}, {"requested_at", l.requested_at},
                      {"drawn_at", l.drawn_at}, {"applicants", c.applicants}, {"admitted", c.admitted},
                      {"waiting", c.waiting}, {"gave_up", c.gave_up}, {"extra", c.extra},
                      {"remaining", c.remaining}};
}

absl::Status CheckReason(const std::string& reason, std::string_view what) {
  size_t n = Utf8Length(Trim(reason));
  if (n < 4 || n > 200)
    return Invalid("validation_failed", std::string(what) + "须写明理由", {{"reason", "理由 4–200 字"}});
  return absl::OkStatus();
}

// The record's update after a give-up or an extra admission, and its event.
absl::Status Store(Tx& tx, const LotteryRow& l, std::string_view column, const json::array& list, std::string_view event,
                   json::object ev) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(fmt::format("UPDATE admission_lotteries SET {} = ? WHERE id = ?", column)));
  st.Bind(1, json::serialize(list)).Bind(2, l.id);
  QF_RETURN_IF_ERROR(st.Run());
  return tx.Append(std::string(event), LotterySubject(l.id), std::move(ev)).status();
}

}  // namespace

std::vector<std::string_view> LotteryImportFields() { return {"code", "name", "id_number"}; }

absl::StatusOr<std::vector<Applicant>> ReadApplicants(const ImportColumns& cols, const Table& t) {
  int code = ColumnOf(t, cols, "code"), name = ColumnOf(t, cols, "name"), id = ColumnOf(t, cols, "id_number");
  std::vector<FieldError> e;
  for (auto missing : MissingColumns(t, cols)) e.push_back(ColumnMissing(t, missing));
  if (!e.empty()) return Invalid("admissions.columns", "报名名单表头缺少必需的列", e);
  std::vector<Applicant> out;
  std::set<std::string> codes, ids;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    int rn = t.row_numbers[r];
    auto cell = [&](int col) { return std::string(Trim(row[col])); };
    auto fail = [&](int col, std::string msg, std::string rule, std::vector<std::string> args = {}) {
      e.push_back(AtCell(rn, col, t.header[col], std::move(rule), std::move(args), std::move(msg)));
    };
    Applicant a{rn, cell(code), cell(name), cell(id)};
    if (a.code.empty()) fail(code, "报名号不能为空", "required");
    else if (Utf8Length(a.code) > 32) fail(code, "报名号不超过 32 个字符", "max_chars", {"32"});
    else if (!codes.insert(a.code).second) fail(code, "报名号重复", "duplicate_code");
    if (a.name.empty()) fail(name, "姓名不能为空", "required");
    if (!a.id_number.empty() && a.id_number.back() == 'x') a.id_number.back() = 'X';
    if (!ValidIdNumber(a.id_number)) fail(id, "身份证号应为18位且校验码正确", "id_number");
    else if (!ids.insert(a.id_number).second) fail(id, "同一学生报名两次", "duplicate_student");
    out.push_back(std::move(a));
  }
  if (t.rows.empty()) e.push_back(AtRow(t.header_row + 1, "no_rows", {}, "报名名单没有学生"));
  if (!e.empty())
    return Invalid("admissions.applicants", fmt::format("报名名单有 {} 处问题，未保存（请修正后重新上传）", e.size()), e);
  return out;
}

absl::StatusOr<LotteryRequest> ParseLotteryRequest(const std::map<std::string, std::string>& q) {
  const UploadQuery in{q};
  auto get = [&](const char* k) { return in.Get(k); };
  std::vector<FieldError> e;
  LotteryRequest r;
  in.YearAndSchool(&r.year, &r.school_id, &e);
  if (auto g = ParseGrade(get("grade"))) r.grade = *g;
  else e.push_back({"grade", "年级应为 1–12 或“一年级”“七年级”等"});
  auto plan = ParseInt<int64_t>(get("plan"));
  if (!plan || *plan < 1 || *plan > 10000) e.push_back({"plan", "招生计划应为 1 至 10000 的整数"});
  else r.plan = static_cast<int>(*plan);
  auto witness = ParseInt<int64_t>(get("witness_account_id"));
  if (!witness || *witness < 1) e.push_back({"witness_account_id", "请选择见证人"});
  else r.witness_account_id = *witness;
  r.venue = get("venue");
  if (Utf8Length(r.venue) > 100) e.push_back({"venue", "地点不超过 100 字"});
  if (!e.empty()) return Invalid("validation_failed", "摇号申请参数有误", e);
  return r;
}

absl::StatusOr<LotteryDraw> ParseLotteryDraw(const json::object& body, const LotteryPolicy& policy) {
  JsonInput in(body);
  LotteryDraw d;
  d.public_value = in.Str("public_value", true, 64).value_or("");
  const json::value* obs = in.Raw("observers");
  if (!obs || !obs->is_array() || obs->as_array().empty()) {
    in.Fail("observers", "请登记到场监督的人员");
  } else if (obs->as_array().size() > 30) {
    in.Fail("observers", "监督人员不超过 30 人");
  } else {
    std::vector<std::string_view> roles(policy.observer_roles.begin(), policy.observer_roles.end());
    size_t i = 0;
    for (const auto& v : obs->as_array()) {
      std::string at = fmt::format("observers[{}]", i++);
      if (!v.is_object()) {
        in.Fail(at, "应为 {role, name}");
        continue;
      }
      JsonInput one(v.as_object(), at);
      Observer o{one.Enum("role", true, roles).value_or(""), one.Str("name", true, 30).value_or("")};
      in.Absorb(one);
      d.observers.push_back(std::move(o));
    }
    if (in.ok())
      for (const auto& need : policy.required_roles)
        if (std::none_of(d.observers.begin(), d.observers.end(), [&](const Observer& o) { return o.role == need; }))
          in.Fail("observers", "摇号须有" + need + "到场监督");
  }
  QF_RETURN_IF_ERROR(in.Finish());
  return d;
}

absl::StatusOr<json::object> RequestLottery(Tx& tx, const AdmissionsEnv& env, const LotteryRequest& req,
                                            const Table& table, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, req.school_id));
  if (!unit || unit->kind != "school") return Invalid("admissions.school", "学校不存在", {{"school_id", "不是学校"}});
  // The district bureau (or the office) organises a school's lottery; a school does not draw its own.
  QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, req.school_id, who.unit_id));
  if (!who.Has(kSupervisor) && (!within || who.unit_id == req.school_id))
    return Forbidden("admissions.scope", "学校的摇号由其主管教育局组织");
  QF_RETURN_IF_ERROR(draws::CheckWitness(db, "admissions", req.witness_account_id, who));
  if (!env.vault) return absl::InternalError("保险库未配置，不能保存学生信息");
  if (!env.applicant_columns) return absl::InternalError("报名名单的列未配置");
  QF_ASSIGN_OR_RETURN(std::vector<Applicant> applicants, ReadApplicants(*env.applicant_columns, table));
  if (static_cast<int>(applicants.size()) <= req.plan)
    return MakeError(absl::StatusCode::kFailedPrecondition, "admissions.not_oversubscribed",
                     fmt::format("报名 {} 人，未超过招生计划 {} 人，全部录取，无需摇号", applicants.size(), req.plan),
                     {{"plan", "报名人数未超过计划"}});
  QF_ASSIGN_OR_RETURN(auto dup, db.Prepare("SELECT id FROM admission_lotteries WHERE year = ? AND school_id = ? AND grade = ?"));
  dup.Bind(1, int64_t{req.year}).Bind(2, req.school_id).Bind(3, int64_t{req.grade});
  QF_ASSIGN_OR_RETURN(bool exists, dup.Step());
  if (exists)
    return Conflict("admissions.lottery_exists",
                    fmt::format("{}{}年{}已有摇号（编号 {}），报名名单冻结后不能另起一次", unit->name, req.year,
                                GradeLabel(req.grade), dup.Int(0)));
  std::vector<std::string> codes;
  for (const auto& a : applicants) codes.push_back(a.code);
  std::sort(codes.begin(), codes.end());
  QF_ASSIGN_OR_RETURN(draws::Committed commit, draws::Commit(env.vault, "admissions"));
  std::string candidates = json::serialize(Strs(codes));
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO admission_lotteries(year, school_id, grade, plan, candidates, commitment, sealed_secret, "
      "witness_account, requested_by, requested_at, state, venue) VALUES(?,?,?,?,?,?,?,?,?,?,'committed',?) RETURNING id"));
  ins.Bind(1, int64_t{req.year}).Bind(2, req.school_id).Bind(3, int64_t{req.grade}).Bind(4, int64_t{req.plan})
      .Bind(5, candidates).Bind(6, commit.commitment).BindBlob(7, commit.sealed_secret).Bind(8, req.witness_account_id);
  if (who.account_id) ins.Bind(9, who.account_id); else ins.BindNull(9);
  ins.Bind(10, FormatUtc(tx.now())).Bind(11, req.venue);
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  const int64_t id = ids.at(0);
  QF_ASSIGN_OR_RETURN(auto app, db.Prepare(
      "INSERT INTO admission_lottery_applicants(lottery_id, code, name_masked, id_masked, id_key, sealed) "
      "VALUES(?,?,?,?,?,?)"));
  for (const auto& a : applicants) {
    app.Reset();
    app.Bind(1, id).Bind(2, a.code).Bind(3, MaskName(a.name)).Bind(4, MaskIdNumber(a.id_number))
        .Bind(5, env.vault->Tag(kIdTagPurpose, a.id_number))
        .BindBlob(6, env.vault->Seal(json::serialize(json::object{{"name", a.name}, {"id_number", a.id_number}})));
    QF_RETURN_IF_ERROR(app.Run());
  }
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("admission.lottery_requested", LotterySubject(id),
                                             {{"year", req.year}, {"school_id", req.school_id}, {"grade", req.grade},
                                              {"plan", req.plan}, {"applicants", static_cast<int64_t>(codes.size())},
                                              {"candidates_sha256", Sha256Hex(candidates)},
                                              {"commitment", commit.commitment}, {"witness", req.witness_account_id}}));
  return json::object{{"id", id}, {"state", "committed"}, {"commitment", commit.commitment},
                      {"applicants", static_cast<int64_t>(codes.size())}, {"plan", req.plan}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> DrawLottery(Tx& tx, const AdmissionsEnv& env, int64_t id, const LotteryDraw& draw,
                                         const Principal& who) {
  QF_ASSIGN_OR_RETURN(LotteryRow l, Load(tx.db(), id));
  if (l.drawn()) return Conflict("admissions.lottery_state", "这次摇号已经摇过并公布");
  QF_ASSIGN_OR_RETURN(draws::Reveal rv, draws::RevealSeed(env.vault, "admissions", l.sealed_secret, l.witness,
                                                          draw.public_value, who));
  l.order = draws::Shuffle(l.candidates, rv.seed);
  json::array observers;
  for (const auto& o : draw.observers) observers.push_back(json::object{{"role", o.role}, {"name", o.name}});
  const std::string order_json = json::serialize(Strs(l.order)), now = FormatUtc(tx.now());
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE admission_lotteries SET state = 'released', public_value = ?, secret = ?, call_order = ?, observers = ?, "
      "drawn_at = ? WHERE id = ? AND state = 'committed'"));
  st.Bind(1, rv.public_value).Bind(2, rv.secret).Bind(3, order_json).Bind(4, json::serialize(observers)).Bind(5, now)
      .Bind(6, id);
  QF_RETURN_IF_ERROR(st.Run());
  l.state = "released";
  l.drawn_at = now;
  QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
  Counts c = CountOf(l, calls);
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("admission.lottery_drawn", LotterySubject(id),
                                             {{"public_value", rv.public_value}, {"secret", rv.secret},
                                              {"order_sha256", Sha256Hex(order_json)}, {"observers", observers},
                                              {"admitted", c.admitted}, {"waiting", c.waiting}}));
  json::object out = Summary(l, c);
  out["ledger_seq"] = seq;
  return out;
}

absl::StatusOr<json::object> RecordGiveUp(Tx& tx, int64_t id, const std::string& code, const std::string& reason,
                                          const Principal& who) {
  QF_ASSIGN_OR_RETURN(LotteryRow l, Load(tx.db(), id));
  QF_RETURN_IF_ERROR(MayRecord(l, who));
  if (!l.drawn()) return Conflict("admissions.lottery_state", "摇号之后才能登记放弃");
  QF_RETURN_IF_ERROR(CheckReason(reason, "登记放弃"));
  if (ExtraCodes(l).contains(code))
    return Invalid("admissions.lottery_code", "该报名号是计划外补录，不在摇号顺序中", {{"code", "计划外补录"}});
  QF_ASSIGN_OR_RETURN(auto before, Calls(l));
  l.declines.push_back(json::object{{"code", code}, {"reason", std::string(Trim(reason))}, {"at", FormatUtc(tx.now())}});
  auto calls = Calls(l);
  if (!calls.ok())
    return Invalid("admissions.lottery_code", "报名号不在摇号结果中，或已登记放弃", {{"code", "不是已录取或候补的报名号"}});
  QF_RETURN_IF_ERROR(Store(tx, l, "declines", l.declines, "admission.lottery_gave_up",
                           {{"code", code}, {"reason_sha256", Sha256Hex(Trim(reason))}, {"by", who.account_id}}));
  // Whom the give-up admitted from the waiting list (nobody when a waiting applicant gave up).
  std::set<std::string> was;
  for (const auto& call : before)
    if (call.status == "selected") was.insert(call.code);
  std::string promoted;
  for (const auto& call : *calls)
    if (call.status == "selected" && !was.contains(call.code)) promoted = call.code;
  json::object out = Summary(l, CountOf(l, *calls));
  out["promoted"] = promoted;
  return out;
}

absl::StatusOr<json::object> RecordExtraAdmission(Tx& tx, int64_t id, const std::string& code,
                                                  const std::string& reason, const Principal& who) {
  QF_ASSIGN_OR_RETURN(LotteryRow l, Load(tx.db(), id));
  QF_RETURN_IF_ERROR(MayRecord(l, who));
  if (!l.drawn()) return Conflict("admissions.lottery_state", "摇号之后才能登记计划外录取");
  QF_RETURN_IF_ERROR(CheckReason(reason, "计划外录取"));
  QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
  auto it = std::find_if(calls.begin(), calls.end(), [&](const draws::Call& c) { return c.code == code; });
  if (it == calls.end() || it->status != "backup" || ExtraCodes(l).contains(code))
    return Invalid("admissions.lottery_code", "只能登记候补中的报名号", {{"code", "不是候补中的报名号"}});
  l.extras.push_back(json::object{{"code", code}, {"reason", std::string(Trim(reason))}, {"at", FormatUtc(tx.now())}});
  QF_RETURN_IF_ERROR(Store(tx, l, "extras", l.extras, "admission.lottery_extra",
                           {{"code", code}, {"reason_sha256", Sha256Hex(Trim(reason))}, {"by", who.account_id}}));
  return Summary(l, CountOf(l, calls));
}

absl::StatusOr<json::object> Lotteries(Db& db, int year, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM admission_lotteries l JOIN org_units u ON u.id = l.school_id WHERE l.year = ?1 AND {} "
      "ORDER BY u.district, u.name, l.grade", kColumns, SchoolScopeSql("l.school_id", 2, 3))));
  st.Bind(1, int64_t{year}).Bind(2, int64_t{SeesAllSchools(who)}).Bind(3, who.unit_id);
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(LotteryRow l, Read(st));
    QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
    items.push_back(Summary(l, CountOf(l, calls)));
  }
  return json::object{{"year", year}, {"items", items}};
}

absl::StatusOr<json::object> LotteryView(Db& db, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(LotteryRow l, Load(db, id));
  if (!SeesAllSchools(who)) {
    QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, l.school_id, who.unit_id));
    if (!within) return NotFound("admissions.lottery_not_found", "摇号不存在");
  }
  QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
  json::object out = Summary(l, CountOf(l, calls));
  out["observers"] = l.observers;
  out["public_value"] = l.public_value;
  out["declines"] = l.declines;
  out["extras"] = l.extras;
  out["witness_account_id"] = l.witness;
  json::array actions;
  if (!l.drawn() && who.account_id == l.witness) actions.push_back("draw");
  if (l.drawn() && Records(l, who)) {
    actions.push_back("give_up");
    actions.push_back("extra");
  }
  out["actions"] = actions;
  // Each applicant with the standing the draw gave (in the drawn order once drawn, by code before).
  std::map<std::string, std::pair<int, std::string>> standing;
  const std::set<std::string> extra = ExtraCodes(l);
  for (size_t i = 0; i < calls.size(); ++i)
    standing[calls[i].code] = {static_cast<int>(i) + 1,
                               calls[i].status == "backup" && extra.contains(calls[i].code) ? "extra" : calls[i].status};
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT code, name_masked, id_masked FROM admission_lottery_applicants WHERE lottery_id = ?"));
  st.Bind(1, id);
  std::vector<json::object> rows;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json::object a{{"code", st.Text(0)}, {"name", st.Text(1)}, {"id_number", st.Text(2)}};
    if (auto s = standing.find(st.Text(0)); s != standing.end()) {
      a["position"] = s->second.first;
      a["status"] = s->second.second;
    }
    rows.push_back(std::move(a));
  }
  auto pos = [](const json::object& a) { return a.contains("position") ? a.at("position").as_int64() : 0; };
  std::sort(rows.begin(), rows.end(), [&](const json::object& a, const json::object& b) {
    return std::tuple(pos(a), std::string_view(a.at("code").as_string())) <
           std::tuple(pos(b), std::string_view(b.at("code").as_string()));
  });
  out["rows"] = json::array(rows.begin(), rows.end());
  return out;
}

absl::StatusOr<json::object> PublicLottery(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(LotteryRow l, Load(db, id));
  QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
  json::object o = Summary(l, CountOf(l, calls));
  o.erase("school_id");
  if (!l.drawn()) return o;
  // The draw record's fields (docs/draws.md), so that draws::Verify and the portal recompute it as any draw.
  const int n = static_cast<int>(l.order.size());
  draws::Seed seed = draws::MakeSeed(l.secret, l.public_value);
  json::array declines, call_rows, extras;
  for (const auto& d : l.declines)
    declines.push_back(json::object{{"code", d.as_object().at("code")}, {"reason", d.as_object().at("reason")}});
  for (const auto& c : calls) call_rows.push_back(json::object{{"code", c.code}, {"status", c.status}});
  for (const auto& e : l.extras)
    extras.push_back(json::object{{"code", e.as_object().at("code")}, {"reason", e.as_object().at("reason")}});
  o["candidates"] = Strs(l.candidates);
  o["public_value"] = l.public_value;
  o["secret"] = l.secret;
  o["seed"] = Hex(seed.data(), seed.size());
  o["order"] = Strs(l.order);
  o["count"] = std::min(l.plan, n);
  o["backups"] = std::max(0, n - l.plan);
  o["declines"] = declines;
  o["calls"] = call_rows;
  o["extras"] = extras;
  o["observers"] = l.observers;
  draws::Verification v = draws::Verify(o);
  o["server_check"] = json::object{{"ok", v.ok}, {"passed", json::array(v.passed.begin(), v.passed.end())},
                                   {"failed", json::array(v.failed.begin(), v.failed.end())}};
  return o;
}

absl::StatusOr<json::object> PublicLotteries(Db& db, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM admission_lotteries l JOIN org_units u ON u.id = l.school_id WHERE l.year = ? "
      "ORDER BY u.district, u.name, l.grade", kColumns)));
  st.Bind(1, int64_t{year});
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(LotteryRow l, Read(st));
    QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
    json::object o = Summary(l, CountOf(l, calls));
    o.erase("school_id");
    items.push_back(std::move(o));
  }
  return json::object{{"year", year}, {"items", items}};
}

absl::StatusOr<LotteryFigures> LotteryFiguresBetween(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM admission_lotteries l JOIN org_units u ON u.id = l.school_id "
      "WHERE l.state = 'released' AND l.drawn_at >= ? AND l.drawn_at < ?", kColumns)));
  st.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  LotteryFigures f;
  std::set<int64_t> schools;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(LotteryRow l, Read(st));
    QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
    Counts c = CountOf(l, calls);
    ++f.lotteries;
    schools.insert(l.school_id);
    f.applicants += c.applicants;
    f.admitted += c.admitted;
    f.gave_up += c.gave_up;
    f.extra += c.extra;
  }
  f.schools = static_cast<int>(schools.size());
  return f;
}

absl::StatusOr<std::vector<LotteryOutcome>> LotteryOutcomes(Db& db, int year, int64_t school_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM admission_lotteries l JOIN org_units u ON u.id = l.school_id "
      "WHERE l.year = ? AND l.school_id = ? AND l.state = 'released'", kColumns)));
  st.Bind(1, int64_t{year}).Bind(2, school_id);
  std::vector<LotteryOutcome> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(LotteryRow l, Read(st));
    QF_ASSIGN_OR_RETURN(auto calls, Calls(l));
    std::set<std::string> admitted = ExtraCodes(l);
    for (const auto& c : calls)
      if (c.status == "selected") admitted.insert(c.code);
    LotteryOutcome o{l.id, l.grade, l.plan, {}, {}};
    QF_ASSIGN_OR_RETURN(auto tags, db.Prepare("SELECT code, id_key FROM admission_lottery_applicants WHERE lottery_id = ?"));
    tags.Bind(1, l.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool t, tags.Step());
      if (!t) break;
      o.applicants.insert(tags.Text(1));
      if (admitted.contains(tags.Text(0))) o.admitted.insert(tags.Text(1));
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace qf::admissions
