// Supervision (督办): cards issued by the sweep from the one colour rule (cases/deadlines.h), supervision orders
// that escalate with each repeat, escalation documents once an overall deadline is overdue long enough
// (催办函, 通报批评, policy data), and the board of all of it on open cases.
#include <map>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/store.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

namespace json = boost::json;

absl::StatusOr<int> SweepSupervision(Tx& tx, const CaseEnv& env) {
  Db& db = tx.db();
  absl::CivilDay today = CstDay(tx.now());
  struct Due {
    int64_t case_id;
    std::string kind, due, version;
  };
  std::vector<Due> open;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT d.case_id, d.kind, d.due_on, d.calendar_version FROM case_deadlines d JOIN cases c ON c.id=d.case_id "
        "WHERE d.status='open' AND c.suspended_since IS NULL AND d.kind IN " + SqlWatchedKinds() + " AND d.due_on <= ?"));
    // Only deadlines within reach of a yellow card: at most a few weeks ahead covers any working-day gap.
    st.Bind(1, FormatDay(today + 21));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      open.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3)});
    }
  }
  int issued = 0;
  for (const auto& d : open) {
    auto kind = ParseDeadlineKind(d.kind);
    auto due = ParseDay(d.due);
    if (!kind || !due)
      return MakeError(absl::StatusCode::kDataLoss, "case.deadline_corrupt",
                       fmt::format("案件 {} 的期限记录无法读取（{} {}）", d.case_id, d.kind, d.due));
    Signal s = Assess(InfoOf(*kind).watch, DeadlineStatus::kOpen, *due, today, *env.calendar, env.policies->supervision());
    if (!s.card) continue;
    std::string card(CardName(*s.card));
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO supervision(case_id,kind,level,deadline_kind,rule,issued_at,issued_by,due_on,calendar_version) "
        "VALUES(?,?,1,?,?,?,'system',?,?) ON CONFLICT DO NOTHING"));
    ins.Bind(1, d.case_id).Bind(2, card).Bind(3, d.kind).Bind(4, s.rule).Bind(5, FormatUtc(tx.now())).Bind(6, d.due)
        .Bind(7, d.version);
    QF_RETURN_IF_ERROR(ins.Run());
    if (db.Changes() == 0) continue;  // already issued for this deadline and due day
    ++issued;
    QF_RETURN_IF_ERROR(tx.Append("supervision.card", Subject(d.case_id),
                                 {{"card", card}, {"deadline", d.kind}, {"due_on", d.due}, {"rule", s.rule},
                                  {"calendar_version", d.version}}).status());
  }
  return issued;
}

absl::StatusOr<OrderRequest> ParseOrder(const json::object& body, const Policies& policies) {
  JsonInput in(body);
  OrderRequest r;
  r.note = in.Str("note", true, 2000).value_or("");
  int max = policies.supervision().order_max_working_days;
  r.due_working_days = static_cast<int>(in.Int("due_working_days", true, 1, max).value_or(0));
  QF_RETURN_IF_ERROR(in.Finish("supervision.param"));
  return r;
}

absl::StatusOr<OrderIssued> IssueOrder(Tx& tx, const CaseEnv& env, int64_t case_id, const OrderRequest& r,
                                       const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  if (IsTerminal(c.state())) return Conflict("case.closed", "案件已办结，无需督办");
  QF_ASSIGN_OR_RETURN(auto cnt, db.Prepare("SELECT COUNT(*) FROM supervision WHERE case_id=? AND kind='order'"));
  cnt.Bind(1, c.id);
  QF_RETURN_IF_ERROR(cnt.Step().status());
  OrderIssued out;
  out.level = cnt.Int(0) + 1;  // each further order escalates
  auto due = env.calendar->Add(CstDay(tx.now()), Term{r.due_working_days, TermUnit::kWorkingDays});
  out.due_on = FormatDay(due.due);
  out.rule = out.level == 1 ? "督办单" : fmt::format("第{}次督办（升级）", out.level);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO supervision(case_id,kind,level,rule,issued_at,issued_by,due_on,note,calendar_version) VALUES(?,'order',?,?,?,?,?,?,?)"));
  ins.Bind(1, c.id).Bind(2, out.level).Bind(3, out.rule).Bind(4, FormatUtc(tx.now())).Bind(5, tx.actor().id)
      .Bind(6, out.due_on).Bind(7, r.note).Bind(8, due.calendar_version);
  QF_RETURN_IF_ERROR(ins.Run());
  out.id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("supervision.order", Subject(c.id),
                               {{"order_id", out.id}, {"level", out.level}, {"due_on", out.due_on},
                                {"note_sha256", Sha256Hex(r.note)}}).status());
  return out;
}

absl::Status AnswerOrder(Tx& tx, int64_t order_id, const std::string& answer, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT case_id, COALESCE(answer,'') FROM supervision WHERE id=? AND kind='order'"));
  st.Bind(1, order_id);
  QF_ASSIGN_OR_RETURN(bool has, st.Step());
  if (!has) return NotFound("supervision.not_found", "督办单不存在");
  int64_t case_id = st.Int(0);
  bool answered = !st.Text(1).empty();
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("supervision.not_found", "督办单不存在");
  QF_ASSIGN_OR_RETURN(bool in_unit, InHandlingUnit(db, c, who));
  if (!in_unit && !who.Has(kSupervisor)) return Forbidden("supervision.not_yours", "只有承办单位可以回复督办单");
  if (answered) return Conflict("supervision.answered", "督办单已回复");
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE supervision SET answer=?, answered_at=? WHERE id=?"));
  up.Bind(1, answer).Bind(2, FormatUtc(tx.now())).Bind(3, order_id);
  QF_RETURN_IF_ERROR(up.Run());
  return tx.Append("supervision.answered", Subject(case_id), {{"order_id", order_id}}).status();
}

namespace {

std::string Fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    std::string mark = "{" + key + "}";
    for (size_t pos = text.find(mark); pos != std::string::npos; pos = text.find(mark, pos + value.size()))
      text.replace(pos, mark.size(), value);
  }
  return text;
}

// The most overdue open overall deadline of a case, if any.
absl::StatusOr<std::optional<Deadline>> MostOverdue(Db& db, int64_t case_id, absl::CivilDay today) {
  QF_ASSIGN_OR_RETURN(auto all, LoadDeadlines(db, case_id));
  std::optional<Deadline> worst;
  for (const auto& d : all)
    if (d.status == DeadlineStatus::kOpen && InfoOf(d.kind).watch == Watch::kOverall && d.due < today &&
        (!worst || d.due < worst->due))
      worst = d;
  return worst;
}

}  // namespace

absl::StatusOr<EscalationIssued> IssueEscalation(Tx& tx, const CaseEnv& env, int64_t case_id, const std::string& kind,
                                                 const Principal& who) {
  Db& db = tx.db();
  const auto& policy = env.policies->supervision();
  const Escalation* rung = nullptr;
  for (const auto& e : policy.escalations)
    if (e.kind == kind) rung = &e;
  if (!rung) return Invalid("supervision.escalation_kind", "督办文书种类无效", {{"kind", "应为 reminder（催办函）或 criticism（通报批评）"}});
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  absl::CivilDay today = CstDay(tx.now());
  QF_ASSIGN_OR_RETURN(auto overdue, MostOverdue(db, c.id, today));
  int days = overdue ? env.calendar->WorkingDaysBetween(overdue->due, today) : 0;
  if (!overdue || days < rung->overdue_working_days)
    return Conflict("supervision.not_due", fmt::format("逾期{}个工作日后方可发{}（现逾期{}个工作日）",
                                                       rung->overdue_working_days, rung->label, days));
  EscalationIssued out{0, rung->kind, rung->label, std::string(DeadlineKindName(overdue->kind)), FormatDay(overdue->due),
                       Fill(rung->text, {{"unit", UnitName(db, c.handling_unit_id)}, {"title", c.title},
                                         {"receipt", DisplayReceiptCode(c.receipt)}, {"due", FormatDay(overdue->due)},
                                         {"days", std::to_string(days)}}),
                       days};
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO supervision(case_id,kind,level,deadline_kind,rule,issued_at,issued_by,due_on,note,calendar_version) "
      "VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
  ins.Bind(1, c.id).Bind(2, rung->kind).Bind(3, rung->kind == "reminder" ? 2 : 3).Bind(4, out.deadline_kind)
      .Bind(5, rung->label + "：" + rung->basis).Bind(6, FormatUtc(tx.now())).Bind(7, tx.actor().id).Bind(8, out.due_on)
      .Bind(9, out.text).Bind(10, overdue->calendar_version);
  QF_RETURN_IF_ERROR(ins.Run());
  if (db.Changes() == 0)
    return MakeError(absl::StatusCode::kAlreadyExists, "supervision.escalation_issued",
                     fmt::format("该期限的{}已发出", rung->label));
  out.id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("supervision.escalation", Subject(c.id),
                               {{"escalation_id", out.id}, {"kind", out.kind}, {"deadline", out.deadline_kind},
                                {"due_on", out.due_on}, {"overdue_working_days", days},
                                {"text_sha256", Sha256Hex(out.text)}}).status());
  return out;
}

absl::StatusOr<json::object> SupervisionBoard(Db& db, const CaseEnv& env, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.id, s.case_id, s.kind, s.level, COALESCE(s.deadline_kind,''), s.rule, s.issued_at, COALESCE(s.due_on,''), "
      "COALESCE(s.answer,''), COALESCE(c.handling_unit_id,0), COALESCE(u.name,''), c.title, c.state, COALESCE(s.note,''), "
      "COALESCE(d.status,'') "
      "FROM supervision s JOIN cases c ON c.id=s.case_id LEFT JOIN org_units u ON u.id=c.handling_unit_id "
      "LEFT JOIN case_deadlines d ON d.case_id=s.case_id AND d.kind=s.deadline_kind AND d.due_on=s.due_on "
      "WHERE c.state NOT IN " + TerminalStatesSql() + " ORDER BY u.name, s.id DESC LIMIT 1000"));
  json::array items;
  const absl::CivilDay today = CstDay(now);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json::object o{{"id", st.Int(0)}, {"case_id", st.Int(1)}, {"kind", st.Text(2)}, {"level", st.Int(3)},
                   {"deadline_kind", st.Text(4)}, {"rule", st.Text(5)}, {"issued_at", st.Text(6)},
                   {"due_on", st.Text(7)}, {"answer", st.Text(8)}, {"unit_id", st.Int(9)},
                   {"unit_name", st.Text(10)}, {"title", st.Text(11)}, {"state", st.Text(12)}};
    if (st.Text(2) == "reminder" || st.Text(2) == "criticism") o["text"] = st.Text(13);
    // The board's three groups: the two cards, and orders with the escalation documents that follow them.
    o["group"] = st.Text(2) == "red" || st.Text(2) == "yellow" ? st.Text(2) : std::string("order");
    // How far past its day the thing the item is about stands today, in working days: a card's deadline while it is
    // still open (and still the one carded), an order while unanswered.
    bool pending = st.Text(2) == "order" ? st.Text(8).empty() : st.Text(14) == "open";
    if (auto due = ParseDay(st.Text(7)); pending && due && *due < today)
      o["overdue_working_days"] = env.calendar->WorkingDaysBetween(*due, today);
    items.push_back(std::move(o));
  }
  // Filter by what the viewer may see, one case at a time (the board is small: open cases only).
  json::array visible;
  std::map<int64_t, bool> seen;
  for (auto& it : items) {
    int64_t id = it.as_object().at("case_id").as_int64();
    auto known = seen.find(id);
    if (known == seen.end()) {
      QF_ASSIGN_OR_RETURN(Row c, LoadById(db, id));
      QF_ASSIGN_OR_RETURN(bool ok, CanSee(db, c, who));
      known = seen.emplace(id, ok).first;
    }
    if (known->second) visible.push_back(it);
  }
  // Escalation documents the supervisor may issue now: open overall deadlines overdue past a rung, not yet sent.
  json::array due_docs;
  if (who.Has(kSupervisor)) {
    const auto& policy = env.policies->supervision();
    if (!policy.escalations.empty()) {
      absl::CivilDay cutoff = today;
      // A deadline overdue by the first rung's working days lies at least that many calendar days back.
      cutoff -= policy.escalations.front().overdue_working_days;
      QF_ASSIGN_OR_RETURN(auto q, db.Prepare(
          "SELECT d.case_id, d.kind, d.due_on, c.title, COALESCE(u.name,'') FROM case_deadlines d JOIN cases c ON c.id=d.case_id "
          "LEFT JOIN org_units u ON u.id=c.handling_unit_id WHERE d.status='open' AND d.due_on < ? AND d.kind IN " +
          SqlKinds(Watch::kOverall) + " ORDER BY d.due_on LIMIT 500"));
      q.Bind(1, FormatDay(cutoff + 1));
      struct Cand { int64_t case_id; std::string kind, due, title, unit; };
      std::vector<Cand> cands;
      while (true) {
        QF_ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        cands.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4)});
      }
      for (const auto& cand : cands) {
        auto due = ParseDay(cand.due);
        if (!due) continue;
        auto rungs = EscalationsDue(*due, today, *env.calendar, policy);
        if (rungs.empty()) continue;
        QF_ASSIGN_OR_RETURN(Row c, LoadById(db, cand.case_id));
        QF_ASSIGN_OR_RETURN(bool ok, CanSee(db, c, who));
        if (!ok) continue;
        for (const Escalation* e : rungs) {
          QF_ASSIGN_OR_RETURN(auto sent, db.Prepare(
              "SELECT 1 FROM supervision WHERE case_id=? AND kind=? AND deadline_kind=? AND due_on=?"));
          sent.Bind(1, cand.case_id).Bind(2, e->kind).Bind(3, cand.kind).Bind(4, cand.due);
          QF_ASSIGN_OR_RETURN(bool already, sent.Step());
          if (already) continue;
          due_docs.push_back(json::object{{"case_id", cand.case_id}, {"kind", e->kind}, {"label", e->label},
                                          {"deadline_kind", cand.kind}, {"due_on", cand.due}, {"title", cand.title},
                                          {"unit_name", cand.unit},
                                          {"overdue_working_days", env.calendar->WorkingDaysBetween(*due, today)}});
        }
      }
    }
  }
  return json::object{{"items", visible}, {"escalations_due", due_docs}};
}

}  // namespace qf::cases
