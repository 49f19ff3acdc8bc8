// Rectification orders (answers with evidence, re-checks, cards), sanctions with their durations, one-vote vetoes
// and the evaluation export, and refunds of unlawful fees.
#include <cmath>

#include "cases/deadlines.h"
#include "cases/watch.h"
#include "cases/cards.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "inspect/store_util.h"
#include "org/org.h"

namespace qf::inspect {
namespace json = boost::json;
namespace {

std::string OrderSubject(int64_t id) { return "rectification:" + std::to_string(id); }

struct Kind {
  const char* code;
  const char* label;
  const char* target;  // unit, person, both
  int months;          // how long it lasts (0: no term; -1: permanent)
  const char* basis;
};
// 事业单位工作人员处分规定（2023）第八条 for the durations of sanctions on people.
constexpr Kind kKinds[] = {
    {"criticism", "通报批评", "both", 0, "教育系统行风建设有关规定"},
    {"yellow_card", "黄牌警告", "unit", 12, "省教育厅规范办学行为督查通报制度（须书面检讨）"},
    {"revoke_title", "撤销称号", "unit", 0, "评比表彰有关规定"},
    {"interview", "约谈", "both", 0, "教育督导问责办法第十条"},
    {"rectify", "限期整改", "unit", 0, "教育督导问责办法第九条"},
    {"warning", "警告", "person", 6, "事业单位工作人员处分规定第八条"},
    {"demerit", "记过", "person", 12, "事业单位工作人员处分规定第八条"},
    {"demotion", "降低岗位等级", "person", 24, "事业单位工作人员处分规定第八条"},
    {"dismissal", "撤职", "person", 24, "事业单位工作人员处分规定第八条"},
    {"expulsion", "开除", "person", -1, "事业单位工作人员处分规定第八条"},
};

const Kind* FindKind(std::string_view code) {
  for (const auto& k : kKinds)
    if (code == k.code) return &k;
  return nullptr;
}

struct Rect {
  int64_t id = 0, school_id = 0, rounds = 0;
  RectificationState state = RectificationState::kOpen;
  std::string due_on, term;
};

absl::StatusOr<Rect> LoadRect(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id,school_id,state,due_on,term,rounds FROM rectifications WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("rectification.not_found", "整改通知不存在");
  QF_ASSIGN_OR_RETURN(RectificationState state, StoredRectificationState(st.Text(2)));
  return Rect{st.Int(0), st.Int(1), st.Int(5), state, st.Text(3), st.Text(4)};
}

absl::StatusOr<RectificationFacts> FactsFor(Db& db, const Rect& r, const Principal& who) {
  QF_ASSIGN_OR_RETURN(bool own, org::IsWithin(db, r.school_id, who.unit_id));
  return RectificationFacts{r.state, own};
}

std::string AddMonths(const std::string& day, int months) {
  auto d = ParseDay(day);
  if (!d) return "";
  absl::CivilMonth m(d->year(), d->month());
  m += months;
  int dd = d->day();
  absl::CivilDay out(m.year(), m.month(), dd);
  while (out.month() != m.month()) out = absl::CivilDay(m.year(), m.month(), --dd);  // 31 Jan + 1 month = 28/29 Feb
  return FormatDay(out);
}

}  // namespace

absl::StatusOr<json::object> Rectifications(Db& db, const InspectEnv& env, const Principal& who, absl::Time now) {
  bool all = OverseesInspections(who);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT r.id,r.campaign_id,COALESCE(c.title,''),u.name,u.district,r.item,r.finding,r.term,r.due_on,r.state,"
      "COALESCE(r.answer,''),r.evidence,COALESCE(r.check_note,''),r.rounds,r.issued_at,"
      "(SELECT json_group_array(kind) FROM rectification_cards k WHERE k.rectification_id=r.id), "
      + org::InSubtreeSql("r.school_id", "?1") + " "
      "FROM rectifications r JOIN org_units u ON u.id=r.school_id LEFT JOIN campaigns c ON c.id=r.campaign_id "
      "WHERE ?2=1 OR " + org::InSubtreeSql("r.school_id", "?1") + " ORDER BY r.state=?3, r.due_on, r.id"));
  st.Bind(1, who.unit_id).Bind(2, int64_t{all}).Bind(3, Code(RectificationState::kAccepted));
  absl::CivilDay today = CstDay(now);
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json::object o{{"id", st.Int(0)}, {"campaign_id", st.Int(1)}, {"campaign", st.Text(2)}, {"school", st.Text(3)},
                   {"district", st.Text(4)}, {"item", st.Text(5)}, {"finding", st.Text(6)}, {"term", st.Text(7)},
                   {"due_on", st.Text(8)}, {"answer", st.Text(10)},
                   {"check_note", st.Text(12)}, {"rounds", st.Int(13)}, {"issued_at", st.Text(14)}};
    QF_ASSIGN_OR_RETURN(o["evidence"], StoredArray(st.Text(11), "rectifications.evidence"));
    QF_ASSIGN_OR_RETURN(o["cards"], StoredArray(st.Text(15), "rectification_cards"));
    QF_ASSIGN_OR_RETURN(RectificationState state, StoredRectificationState(st.Text(9)));
    o["state"] = Code(state);
    o["state_label"] = Label(state);
    o["actions"] = ActionsJson(Actions(RectificationFacts{state, st.Int(16) != 0}, who));
    if (state == RectificationState::kOpen) {
      auto due = ParseDay(st.Text(8));
      if (!due)
        return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date",
                         fmt::format("整改通知 {} 的期限日期无法读取：{}", st.Int(0), st.Text(8)));
      cases::Signal s = cases::Assess(cases::Watch::kOverall, cases::DeadlineStatus::kOpen, *due, today, *env.calendar,
                                      env.policies->supervision());
      o["working_days_left"] = s.working_days_left;
      o["colour"] = cases::ColourName(s.colour);
    }
    items.push_back(std::move(o));
  }
  return json::object{{"items", items}};
}

absl::StatusOr<RectificationAnswer> ParseRectificationAnswer(const json::object& body) {
  JsonInput in(body);
  RectificationAnswer r;
  r.answer = in.Str("answer", true, 2000).value_or("");
  if (auto* e = body.if_contains("evidence")) {
    if (!e->is_array() || e->as_array().size() > 20) in.Fail("evidence", "应为证据文件列表");
    else
      for (auto& h : e->as_array()) {
        if (!h.is_string()) in.Fail("evidence", "应为证据文件");
        else r.evidence.emplace_back(h.as_string());
      }
  }
  if (r.evidence.empty()) in.Fail("evidence", "请上传整改证据（照片或文件）");
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<json::object> AnswerRectification(Tx& tx, int64_t id, const RectificationAnswer& req, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Rect r, LoadRect(db, id));
  QF_ASSIGN_OR_RETURN(RectificationFacts facts, FactsFor(db, r, who));
  QF_RETURN_IF_ERROR(MayTake(RectificationAction::kAnswer, facts, who));
  json::array evidence;
  for (const auto& h : req.evidence) {
    QF_ASSIGN_OR_RETURN(bool mine, IsEvidenceOf(db, "rectification", id, h));
    if (!mine) return Invalid("validation_failed", "证据文件未上传", {{"evidence", "证据文件未为本整改通知上传"}});
    evidence.push_back(json::string(h));
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "UPDATE rectifications SET state=?, answer=?, evidence=?, answered_at=? WHERE id=?"));
  st.Bind(1, Code(RectificationState::kAnswered)).Bind(2, req.answer).Bind(3, json::serialize(evidence))
      .Bind(4, FormatUtc(tx.now())).Bind(5, id);
  QF_RETURN_IF_ERROR(st.Run());
  bool late = FormatDay(CstDay(tx.now())) > r.due_on;
  QF_RETURN_IF_ERROR(tx.Append("rectification.answered", OrderSubject(id),
                               {{"answer_sha256", Sha256Hex(req.answer)}, {"evidence", evidence}, {"late", late}})
                         .status());
  return json::object{{"id", id}, {"state", Code(RectificationState::kAnswered)}, {"late", late}};
}

absl::StatusOr<std::string> AddRectificationEvidence(Tx& tx, int64_t id, const std::string& name, const std::string& data,
                                                     const Principal& who) {
  QF_ASSIGN_OR_RETURN(Rect r, LoadRect(tx.db(), id));
  QF_ASSIGN_OR_RETURN(RectificationFacts facts, FactsFor(tx.db(), r, who));
  QF_RETURN_IF_ERROR(MayTake(RectificationAction::kAddEvidence, facts, who));
  return StoreEvidence(tx, "rectification", id, name, data);
}

absl::StatusOr<RectificationCheck> ParseRectificationCheck(const json::object& body) {
  JsonInput in(body);
  RectificationCheck r;
  auto decision = in.Enum("decision", true, {"accept", "return"});
  r.accept = decision && *decision == "accept";
  // Sending back needs the reason; accepting may carry a note.
  r.note = in.Str("note", decision && *decision == "return", 1000).value_or("");
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<json::object> CheckRectification(Tx& tx, const InspectEnv& env, int64_t id, const RectificationCheck& req,
                                                 const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Rect r, LoadRect(db, id));
  QF_ASSIGN_OR_RETURN(RectificationFacts facts, FactsFor(db, r, who));
  QF_RETURN_IF_ERROR(MayTake(RectificationAction::kCheck, facts, who));
  const std::string decision = req.accept ? "accept" : "return";
  std::string due = r.due_on;
  if (req.accept) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("UPDATE rectifications SET state=?, check_note=?, checked_at=? WHERE id=?"));
    st.Bind(1, Code(RectificationState::kAccepted)).Bind(2, req.note).Bind(3, FormatUtc(tx.now())).Bind(4, id);
    QF_RETURN_IF_ERROR(st.Run());
  } else {
    // Sent back: a new term from today, counted as the first.
    auto term = Term::Parse(r.term);
    if (!term.ok()) return term.status();
    auto res = env.calendar->Add(CstDay(tx.now()), *term);
    due = FormatDay(res.due);
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE rectifications SET state=?, check_note=?, checked_at=?, due_on=?, calendar_version=?, rounds=rounds+1 WHERE id=?"));
    st.Bind(1, Code(RectificationState::kOpen)).Bind(2, req.note).Bind(3, FormatUtc(tx.now())).Bind(4, due)
        .Bind(5, res.calendar_version).Bind(6, id);
    QF_RETURN_IF_ERROR(st.Run());
  }
  QF_RETURN_IF_ERROR(tx.Append("rectification.checked", OrderSubject(id),
                               {{"decision", decision}, {"note", req.note}, {"due_on", due}})
                         .status());
  return json::object{{"id", id}, {"state", Code(req.accept ? RectificationState::kAccepted : RectificationState::kOpen)}, {"due_on", due}};
}

absl::StatusOr<int> SweepRectifications(Tx& tx, const InspectEnv& env) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT id, due_on FROM rectifications WHERE state IN " +
                                                Sql({RectificationState::kOpen})));
  std::vector<cases::OpenDue> open;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    open.push_back({{st.Int(0)}, fmt::format("rectification:{}", st.Int(0)), st.Text(1)});
  }
  return cases::IssueCards(tx, *env.calendar, env.policies->supervision(), open,
                           {"rectification_cards", "rectification_id", "rectification.card", "整改通知", {}});
}

absl::StatusOr<SanctionRequest> ParseSanction(const json::object& body) {
  JsonInput in(body);
  SanctionRequest r;
  auto target = in.Enum("target", true, {"unit", "person"});
  auto kind_code = in.Str("kind", true, 20);
  r.reason = in.Str("reason", true, 500).value_or("");
  auto decided = in.Day("decided_on", true);
  r.self_criticism = in.Bool("self_criticism", false).value_or(false);
  r.veto = in.Bool("veto", false).value_or(false);
  auto veto_year = in.Int("veto_year", false, 2000, 2100);
  r.unit_id = in.Int("unit_id", false, 1, INT64_MAX).value_or(0);
  r.person_id = in.Int("person_id", false, 1, INT64_MAX).value_or(0);
  r.campaign_id = in.Int("campaign_id", false, 1, INT64_MAX);
  r.case_id = in.Int("case_id", false, 1, INT64_MAX);
  const Kind* kind = kind_code ? FindKind(*kind_code) : nullptr;
  if (kind_code && !kind) in.Fail("kind", "没有这种处理方式");
  if (target && kind && std::string(kind->target) != "both" && *target != kind->target)
    in.Fail("kind", std::string(kind->label) + (std::string(kind->target) == "unit" ? "只适用于单位" : "只适用于个人"));
  if (target && *target == "unit" && !r.unit_id) in.Fail("unit_id", "请选择单位");
  if (target && *target == "person" && !r.person_id) in.Fail("person_id", "请选择人员");
  if (kind && std::string(kind->code) == "yellow_card" && !r.self_criticism) in.Fail("self_criticism", "黄牌警告须附书面检讨");
  QF_RETURN_IF_ERROR(in.Finish());
  r.target = *target;
  r.kind = *kind_code;
  r.decided_on = *decided;
  r.veto_year = static_cast<int>(veto_year.value_or(decided->year()));
  if (r.target == "unit") r.person_id = 0; else r.unit_id = 0;
  return r;
}

absl::StatusOr<json::object> RecordSanction(Tx& tx, const InspectEnv& env, const SanctionRequest& req) {
  Db& db = tx.db();
  const Kind* kind = FindKind(req.kind);
  if (!kind) return Invalid("validation_failed", "没有这种处理方式", {{"kind", "没有这种处理方式"}});
  const bool unit = req.target == "unit";
  if (unit) {
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, req.unit_id));
    if (!u) return Invalid("sanction.unit", "单位不存在", {{"unit_id", "不存在"}});
  } else if (PersonName(db, req.person_id).empty()) {
    return Invalid("sanction.person", "人员不存在", {{"person_id", "不存在"}});
  }
  std::string day = FormatDay(req.decided_on);
  std::string until = kind->months > 0 ? AddMonths(day, kind->months) : "";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO sanctions(target,unit_id,person_id,kind,reason,basis,decided_on,until_on,self_criticism,campaign_id,case_id,created_at) "
      "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
  st.Bind(1, req.target);
  if (unit) st.Bind(2, req.unit_id).BindNull(3); else st.BindNull(2).Bind(3, req.person_id);
  st.Bind(4, kind->code).Bind(5, req.reason).Bind(6, kind->basis).Bind(7, day);
  if (until.empty()) st.BindNull(8); else st.Bind(8, until);
  st.Bind(9, int64_t{req.self_criticism}).Bind(10, req.campaign_id).Bind(11, req.case_id).Bind(12, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  json::object ev{{"target", req.target}, {"kind", kind->code}, {"reason", req.reason}, {"decided_on", day}};
  if (unit) ev["unit_id"] = req.unit_id; else ev["person_id"] = req.person_id;
  QF_RETURN_IF_ERROR(tx.Append("sanction.recorded", "sanction:" + std::to_string(id), ev).status());
  json::object out{{"id", id}, {"kind", kind->code}, {"label", kind->label}};
  if (!until.empty()) out["until_on"] = until;
  if (req.veto) {
    QF_ASSIGN_OR_RETURN(auto vs, db.Prepare(
        "INSERT INTO vetoes(target,unit_id,person_id,year,reason,sanction_id,created_at) VALUES(?,?,?,?,?,?,?)"));
    vs.Bind(1, req.target);
    if (unit) vs.Bind(2, req.unit_id).BindNull(3); else vs.BindNull(2).Bind(3, req.person_id);
    vs.Bind(4, req.veto_year).Bind(5, fmt::format("{}：{}", kind->label, req.reason)).Bind(6, id).Bind(7, FormatUtc(tx.now()));
    QF_RETURN_IF_ERROR(vs.Run());
    QF_RETURN_IF_ERROR(tx.Append("veto.recorded", "sanction:" + std::to_string(id), {{"year", req.veto_year}}).status());
    out["veto_year"] = req.veto_year;
  }
  if (!unit) {
    QF_ASSIGN_OR_RETURN(int alerts, cases::WatchForRetaliation(
        tx, cases::CaseEnv{env.calendar, env.policies, env.vault}, {req.person_id, cases::WatchedAction::kSanction, id, fmt::format("{}：{}", kind->label, req.reason)}));
    (void)alerts;
  }
  return out;
}

absl::StatusOr<RefundRequest> ParseRefund(const json::object& body) {
  JsonInput in(body);
  RefundRequest r;
  r.school_id = in.Int("school_id", true, 1, INT64_MAX).value_or(0);
  r.pupils = in.Int("pupils", true, 0, 100000).value_or(0);
  auto day = in.Day("refunded_on", true);
  r.campaign_id = in.Int("campaign_id", false, 1, INT64_MAX);
  r.note = in.Str("note", false, 500).value_or("");
  const json::value* amount = body.if_contains("amount");
  if (!amount || !amount->is_number() || amount->to_number<double>() <= 0 || amount->to_number<double>() > 1e9)
    in.Fail("amount", "退费金额应为大于 0 的数（元）");
  else r.amount_cents = std::llround(amount->to_number<double>() * 100);
  QF_RETURN_IF_ERROR(in.Finish());
  r.refunded_on = *day;
  return r;
}

absl::StatusOr<json::object> RecordRefund(Tx& tx, const RefundRequest& req) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, req.school_id));
  if (!u || u->kind != "school") return Invalid("refund.school", "学校不存在", {{"school_id", "不是学校"}});
  const std::string day = FormatDay(req.refunded_on);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO refunds(school_id,campaign_id,amount_cents,pupils,refunded_on,note,created_at) VALUES(?,?,?,?,?,?,?)"));
  st.Bind(1, req.school_id).Bind(2, req.campaign_id).Bind(3, req.amount_cents).Bind(4, req.pupils).Bind(5, day)
      .Bind(6, req.note).Bind(7, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("refund.recorded", "refund:" + std::to_string(id),
                               {{"school_id", req.school_id}, {"amount_cents", req.amount_cents}, {"pupils", req.pupils},
                                {"refunded_on", day}})
                         .status());
  return json::object{{"id", id}, {"amount", static_cast<double>(req.amount_cents) / 100.0}};
}

absl::StatusOr<json::object> SanctionsList(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.id,s.target,COALESCE(u.name,''),COALESCE(p.name,''),COALESCE(pu.name,''),s.kind,s.reason,s.basis,s.decided_on,"
      "COALESCE(s.until_on,''),s.self_criticism,(SELECT group_concat(CAST(v.year AS TEXT)) FROM vetoes v WHERE v.sanction_id=s.id) "
      "FROM sanctions s LEFT JOIN org_units u ON u.id=s.unit_id LEFT JOIN org_people p ON p.id=s.person_id "
      "LEFT JOIN org_units pu ON pu.id=p.unit_id ORDER BY s.decided_on DESC, s.id DESC"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const Kind* k = FindKind(st.Text(5));
    json::object o{{"id", st.Int(0)}, {"target", st.Text(1)}, {"unit", st.Text(1) == "unit" ? st.Text(2) : st.Text(4)},
                   {"person", st.Text(3)}, {"kind", st.Text(5)}, {"label", k ? k->label : st.Text(5)},
                   {"reason", st.Text(6)}, {"basis", st.Text(7)}, {"decided_on", st.Text(8)}, {"until_on", st.Text(9)},
                   {"self_criticism", st.Int(10) != 0}};
    if (auto v = st.OptText(11)) o["veto_years"] = *v;
    items.push_back(std::move(o));
  }
  json::array kinds;
  for (const auto& k : kKinds)
    kinds.push_back(json::object{{"code", k.code}, {"label", k.label}, {"target", k.target}, {"months", k.months}, {"basis", k.basis}});
  QF_ASSIGN_OR_RETURN(auto rf, db.Prepare(
      "SELECT r.id,u.name,u.district,r.amount_cents,r.pupils,r.refunded_on,r.note FROM refunds r JOIN org_units u ON u.id=r.school_id "
      "ORDER BY r.refunded_on DESC, r.id DESC"));
  json::array refunds;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, rf.Step());
    if (!row) break;
    refunds.push_back(json::object{{"id", rf.Int(0)}, {"school", rf.Text(1)}, {"district", rf.Text(2)},
                                   {"amount", rf.Int(3) / 100.0}, {"pupils", rf.Int(4)}, {"refunded_on", rf.Text(5)},
                                   {"note", rf.Text(6)}});
  }
  return json::object{{"items", items}, {"kinds", kinds}, {"refunds", refunds}};
}

absl::StatusOr<std::vector<std::vector<std::string>>> VetoRows(Db& db, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT v.target,COALESCE(u.name,''),COALESCE(p.name,''),COALESCE(pu.name,''),v.year,v.reason,"
      "COALESCE(s.decided_on,''),COALESCE(s.basis,'') FROM vetoes v LEFT JOIN org_units u ON u.id=v.unit_id "
      "LEFT JOIN org_people p ON p.id=v.person_id LEFT JOIN org_units pu ON pu.id=p.unit_id LEFT JOIN sanctions s ON s.id=v.sanction_id "
      "WHERE v.year=? ORDER BY v.target, 2, 3"));
  st.Bind(1, year);
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"对象", "单位", "姓名", "年度", "不得参加", "原因", "决定日期", "依据"});
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    bool unit = st.Text(0) == "unit";
    rows.push_back({unit ? "单位" : "个人", unit ? st.Text(1) : st.Text(3), unit ? "" : st.Text(2),
                    std::to_string(st.Int(4)), unit ? "当年评优评先、示范创建" : "当年评优评先、职称评聘和职务晋升",
                    st.Text(5), st.Text(6), st.Text(7)});
  }
  return rows;
}

}  // namespace qf::inspect
