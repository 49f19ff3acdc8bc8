// What staff and the public see of one case: the staff view with its deadlines, clocks, timeline, reviews,
// supervision and the actions the person may take (each with its form fields), and the reporter's view by
// receipt code with only what is theirs to see.
#include <cmath>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/model.h"
#include "cases/reviews.h"
#include "cases/store.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "search/repeats.h"

namespace qf::cases {

namespace json = boost::json;

namespace {

absl::StatusOr<json::array> DeadlinesJson(Db& db, const CaseEnv& env, int64_t case_id, absl::CivilDay today, bool staff) {
  QF_ASSIGN_OR_RETURN(auto all, LoadDeadlines(db, case_id));
  json::array out;
  for (const auto& d : all) {
    if (!staff && !InfoOf(d.kind).shown_to_public) continue;
    out.push_back(DeadlineJson(d, env, today, staff));
  }
  return out;
}

absl::StatusOr<json::array> MessagesJson(Db& db, int64_t case_id, bool public_only) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT at,kind,author,body,public FROM case_messages WHERE case_id=? ORDER BY id"));
  st.Bind(1, case_id);
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    bool pub = st.Int(4) != 0;
    if (public_only && !pub) continue;
    json::object o{{"at", st.Text(0)}, {"kind", st.Text(1)}, {"body", st.Text(3)}};
    if (!public_only) {
      o["author"] = st.Text(2);
      o["public"] = pub;
    }
    out.push_back(std::move(o));
  }
  return out;
}

// The case's events in order, as its timeline: kind, label, time and who (staff by display name). The payloads
// stay out: the public's identity and erased content never reach the page through the timeline. Plain reads are
// left to the access log (AccessLogJson).
absl::StatusOr<json::array> EventsJson(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(TimelineSql()));
  st.Bind(1, Subject(case_id));
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    // Named kinds first; otherwise the action's label ("反映人…" when the reporter took it with the receipt code).
    static const std::pair<const char*, const char*> kNamed[] = {
        {"case.registered", "登记"}, {"case.merged_in", "并入他件"}, {"case.deadline_recomputed", "期限按新公布的节假日重算"},
        {"supervision.card", "亮牌督办"}, {"supervision.order", "下达督办单"}, {"supervision.answered", "答复督办"},
        {"supervision.escalation", "督办文书"}, {"reporter.identity_opened", "查看实名信息"},
        {"case.attachment_opened", "查看附件"},
        {"case.public_add_info", "反映人补充材料"}, {"case.public_answer", "反映人回答询问"},
        {"case.public_rate", "反映人评价"}};
    std::string kind = st.Text(3), label = kind;
    std::string_view name = std::string_view(kind).substr(kind.find('.') + 1);
    bool by_public = name.starts_with("public_");
    if (by_public) name.remove_prefix(7);
    if (auto a = ParseAction(name)) label = (by_public ? "反映人" : "") + std::string(ActionLabel(*a));
    for (auto& [k, l] : kNamed)
      if (kind == k) label = l;
    std::string actor = st.Text(2);
    // by_kind says who acted without a name (system, public: the reporter) for the UI to word in its language.
    std::string by_kind = !st.IsNull(4) ? "staff" : actor == "system" ? "system" : actor == "public" || by_public ? "public" : "staff";
    std::string who = by_kind == "system" ? "系统" : by_kind == "public" ? "反映人" : st.IsNull(4) ? actor : st.Text(4);
    out.push_back(json::object{{"seq", st.Int(0)}, {"at", st.Text(1)}, {"kind", kind}, {"label", label}, {"by", who}, {"by_kind", by_kind}});
  }
  return out;
}

absl::StatusOr<json::array> ReviewsJson(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT kind, requested_at, COALESCE(answering_unit_id,0), COALESCE(external_body,''), COALESCE(forwarded_on,''), "
      "COALESCE(answered_at,''), COALESCE(answer_ref,'') FROM case_reviews WHERE case_id=? ORDER BY kind='rereview', requested_at"));
  st.Bind(1, case_id);
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    int64_t unit = st.Int(2);
    json::object o{{"kind", st.Text(0)}, {"label", st.Text(0) == "review" ? "复查" : "复核"},
                   {"requested_at", st.Text(1)}, {"answered_by", unit ? UnitName(db, unit) : st.Text(3)},
                   {"forwarded", unit == 0}};
    if (unit) o["answering_unit_id"] = unit;
    if (!st.Text(4).empty()) o["forwarded_on"] = st.Text(4);
    if (!st.Text(5).empty()) o["answered_at"] = st.Text(5);
    if (!st.Text(6).empty()) o["document_ref"] = st.Text(6);
    out.push_back(std::move(o));
  }
  return out;
}

json::array ActionsJson(const std::vector<Action>& allowed) {
  json::array out;
  for (Action a : allowed) {
    json::array fields;
    for (const auto& f : ActionFields(a))
      fields.push_back(json::object{{"name", f.name}, {"kind", FieldKindName(f.kind)}, {"required", f.required}});
    out.push_back(json::object{{"action", ActionName(a)}, {"label", ActionLabel(a)}, {"fields", std::move(fields)},
                               {"danger", IsDangerous(a)}, {"primary", IsPrimary(a)}});
  }
  return out;
}

// What a reporter sees of how far their item has come, from the first moment: each step with when it was reached
// (null while ahead, or not on record). Submitted → accepted → in hand (dispatched to the unit) → answered → closed; an item not
// accepted ends at 不予受理, a merged one at 并案 (its progress is the surviving case's).
json::array ProgressJson(const Row& c) {
  auto step = [](std::string_view name, const std::optional<std::string>& at, bool reached) {
    return json::object{{"step", name}, {"at", at ? json::value(*at) : json::value(nullptr)}, {"reached", reached}};
  };
  json::array steps{step("received", c.received_at, true)};
  if (c.state() == State::kDeclined || c.state() == State::kMerged) {
    steps.push_back(step(c.state() == State::kDeclined ? "declined" : "merged", std::nullopt, true));
    return steps;
  }
  const auto& dispatched = c.first_dispatched_at ? c.first_dispatched_at : c.dispatched_at;
  for (auto [name, at] : {std::pair{"accepted", &c.accepted_at}, std::pair{"handling", &dispatched},
                          std::pair{"replied", &c.replied_at}, std::pair{"closed", &c.closed_at}})
    steps.push_back(step(name, *at, at->has_value()));
  return steps;
}

// The two sides of a merge as `who` may see them: the case this one was merged into, and the items merged into this
// one, each as {id, receipt, title, state, state_label, received_at}; a case `who` may not see is left out, as the
// wall hides it anywhere else.
absl::StatusOr<json::value> CaseLink(Db& db, const Row& c, const Principal& who) {
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return json::value(nullptr);
  return json::object{{"id", c.id}, {"receipt", DisplayReceiptCode(c.receipt)}, {"title", c.title},
                      {"state", c.state_name}, {"state_label", StateLabel(c.state())}, {"received_at", c.received_at}};
}
absl::StatusOr<std::pair<json::value, json::array>> MergeLinks(Db& db, const Row& c, const Principal& who) {
  json::value into = nullptr;
  if (c.merged_into) {
    QF_ASSIGN_OR_RETURN(Row target, LoadById(db, *c.merged_into));
    QF_ASSIGN_OR_RETURN(into, CaseLink(db, target, who));
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM cases WHERE merged_into = ? ORDER BY id"));
  st.Bind(1, c.id);
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  json::array merged;
  for (int64_t id : ids) {
    QF_ASSIGN_OR_RETURN(Row item, LoadById(db, id));
    QF_ASSIGN_OR_RETURN(json::value link, CaseLink(db, item, who));
    if (!link.is_null()) merged.push_back(std::move(link));
  }
  return std::pair{std::move(into), std::move(merged)};
}

}  // namespace

namespace {

// Repeats are offered to intake staff while a merge is still possible.
bool RepeatsOffered(const Row& c, const Principal& who) {
  return (who.roles & (kClerk | kSupervisor)) && (c.state() == State::kRegistered || c.state() == State::kAccepted);
}

}  // namespace

absl::StatusOr<json::object> RepeatsView(Db& db, const CaseEnv& env, int64_t case_id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  json::array repeats;
  bool offered = RepeatsOffered(c, who);
  if (offered) {
    QF_ASSIGN_OR_RETURN(auto found, search::FindRepeats(db, c.id, env.policies->repeats()));
    for (const auto& r : found) {
      QF_ASSIGN_OR_RETURN(Row other, LoadById(db, r.case_id));
      QF_ASSIGN_OR_RETURN(bool other_visible, CanSee(db, other, who));
      if (!other_visible) continue;
      // Why it is offered: the same unit, the same amounts, the weightiest words both use.
      json::object why{{"unit", r.unit ? json::value(UnitName(db, r.unit)) : json::value(nullptr)},
                       {"numbers", json::array(r.numbers.begin(), r.numbers.end())},
                       {"shared", json::array(r.shared.begin(), r.shared.end())}};
      repeats.push_back(json::object{{"id", other.id}, {"receipt", DisplayReceiptCode(other.receipt)}, {"title", other.title},
                                     {"channel", other.channel},
                                     {"channel_label", LabelOf(kChannels, other.channel).value_or(other.channel)},
                                     {"state", other.state_name}, {"state_label", StateLabel(other.state())},
                                     {"received_at", other.received_at}, {"similarity", std::round(r.similarity * 100) / 100},
                                     {"why", std::move(why)}});
    }
  }
  return json::object{{"offered", offered}, {"items", std::move(repeats)}};
}

absl::StatusOr<bool> MaySee(Db& db, int64_t id, const Principal& who) {
  auto c = LoadById(db, id);
  if (absl::IsNotFound(c.status())) return false;
  if (!c.ok()) return c.status();
  return CanSee(db, *c, who);
}

absl::StatusOr<json::object> StaffView(Db& db, const CaseEnv& env, int64_t case_id, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));  // copied: the handler's view may black out passages
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  absl::CivilDay today = CstDay(now);
  QF_ASSIGN_OR_RETURN(auto facts, FactsFor(db, env, c, who, today));
  json::array people;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT p.id,p.name,p.unit_id,COALESCE(p.position,'') FROM case_people cp JOIN org_people p ON p.id=cp.person_id WHERE cp.case_id=?"));
    st.Bind(1, c.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      people.push_back(json::object{{"id", st.Int(0)}, {"name", st.Text(1)}, {"unit_id", st.Int(2)}, {"position", st.Text(3)}});
    }
  }
  json::array atts;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT a.name,a.hash,b.size,b.mime FROM case_attachments a JOIN blobs b ON b.hash=a.hash WHERE a.case_id=?"));
    st.Bind(1, c.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      atts.push_back(json::object{{"name", st.Text(0)}, {"sha256", st.Text(1)}, {"size", st.Int(2)}, {"mime", st.Text(3)}});
    }
  }
  json::array sup;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT s.id,s.kind,s.level,COALESCE(s.deadline_kind,''),s.rule,s.issued_at,"
        "COALESCE(a.display_name, CASE WHEN s.issued_by = 'system' THEN '系统' ELSE s.issued_by END),"
        "COALESCE(s.due_on,''),COALESCE(s.note,''),COALESCE(s.answer,''),COALESCE(s.answered_at,'') "
        "FROM supervision s LEFT JOIN accounts a ON a.id = " + Actor::AccountIdSql("s.issued_by") + " WHERE s.case_id=? ORDER BY s.id"));
    st.Bind(1, c.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      sup.push_back(json::object{{"id", st.Int(0)}, {"kind", st.Text(1)}, {"level", st.Int(2)}, {"deadline_kind", st.Text(3)},
                                 {"rule", st.Text(4)}, {"issued_at", st.Text(5)}, {"issued_by", st.Text(6)},
                                 {"due_on", st.Text(7)}, {"note", st.Text(8)}, {"answer", st.Text(9)}, {"answered_at", st.Text(10)}});
    }
  }
  json::array checklist;
  {
    boost::system::error_code ec;
    auto cl = json::parse(c.checklist, ec);
    for (const auto& item : kChecklist) {
      bool done = false;
      if (!ec && cl.is_object())
        if (auto* v = cl.as_object().if_contains(item.code); v && v->is_bool()) done = v->as_bool();
      checklist.push_back(json::object{{"item", item.code}, {"label", item.label}, {"done", done}});
    }
  }
  // Two clocks for dispatched items: since the first dispatch (returns and re-dispatches do not reset it) and
  // since sign-off, so that ping-pong cannot hide delay.
  json::object clocks;
  auto since = [&](const std::optional<std::string>& at) -> std::optional<int64_t> {
    if (!at) return std::nullopt;
    auto t = ParseUtc(*at);
    if (!t) return std::nullopt;
    return env.calendar->WorkingDaysBetween(CstDay(*t), today);
  };
  if (auto d = since(c.first_dispatched_at ? c.first_dispatched_at : c.dispatched_at)) clocks["working_days_since_dispatch"] = *d;
  if (auto d = since(c.dispatched_at)) clocks["working_days_since_last_dispatch"] = *d;
  if (auto d = since(c.signed_at)) clocks["working_days_since_sign"] = *d;
  if (auto t = ParseUtc(c.received_at)) clocks["days_since_received"] = static_cast<int64_t>(today - CstDay(*t));
  auto opt = [](const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); };
  auto opt_int = [](const std::optional<int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); };
  BlackOut(c, who);
  QF_ASSIGN_OR_RETURN(auto deadlines, DeadlinesJson(db, env, c.id, today, true));
  QF_ASSIGN_OR_RETURN(auto messages, MessagesJson(db, c.id, false));
  QF_ASSIGN_OR_RETURN(auto reviews, ReviewsJson(db, c.id));
  json::object o{{"id", c.id}, {"receipt", DisplayReceiptCode(c.receipt)}, {"channel", c.channel},
                 {"channel_label", LabelOf(kChannels, c.channel).value_or(c.channel)}, {"category", c.category},
                 {"category_label", LabelOf(kCategories, c.category).value_or(c.category)}, {"kind", c.kind},
                 {"kind_label", LabelOf(kKinds, c.kind).value_or(c.kind)},
                 {"state", c.state_name}, {"state_label", StateLabel(c.state())}, {"title", c.title},
                 {"content", c.content}, {"occurred_on", c.occurred_on}, {"received_at", c.received_at},
                 {"entered_at", c.created_at}, {"received_reason", opt(c.received_reason)},
                 {"concerned_unit", json::object{{"id", c.concerned_unit_id}, {"name", UnitName(db, c.concerned_unit_id)},
                                                 {"recognised", c.concerned_unit_recognised}}},
                 {"handling_unit", json::object{{"id", c.handling_unit_id}, {"name", UnitName(db, c.handling_unit_id)}}},
                 {"district", c.district}, {"restricted", c.restricted}, {"leadership_accused", c.leadership},
                 {"anonymous", c.anonymous}, {"reporter", c.reporter_handle}, {"external_ref", c.external_ref},
                 {"owner_account", c.owner}, {"concerned_people", people}, {"attachments", atts},
                 {"accepted_at", opt(c.accepted_at)}, {"dispatched_at", opt(c.dispatched_at)},
                 {"first_dispatched_at", opt(c.first_dispatched_at)},
                 {"signed_at", opt(c.signed_at)}, {"replied_at", opt(c.replied_at)}, {"closed_at", opt(c.closed_at)},
                 {"outcome", opt(c.outcome)}, {"findings", opt(c.findings)}, {"proposal", opt(c.proposal)},
                 {"reply", opt(c.reply)}, {"pending_request", opt(c.pending)}, {"suspended_since", opt(c.suspended_since)},
                 {"extension_days", c.extension_days}, {"redo_count", c.redo_count}, {"version", c.version},
                 {"clocks", clocks}, {"deadlines", std::move(deadlines)}, {"messages", std::move(messages)},
                 {"reviews", std::move(reviews)}, {"supervision", sup}, {"checklist", checklist},
                 {"actions", ActionsJson(Allowed(facts.first, facts.second))},
                 {"satisfaction", opt_int(c.satisfaction)}, {"revisit_satisfaction", opt_int(c.revisit_satisfaction)},
                 {"merged_into", opt_int(c.merged_into)}, {"prior_case_id", opt_int(c.prior_case_id)}};
  QF_ASSIGN_OR_RETURN(auto events, EventsJson(db, c.id));
  o["events"] = std::move(events);
  o["repeats_offered"] = RepeatsOffered(c, who);
  QF_ASSIGN_OR_RETURN(auto links, MergeLinks(db, c, who));
  o["merged_into_case"] = std::move(links.first);
  o["merged_cases"] = std::move(links.second);
  return o;
}

absl::StatusOr<json::object> PublicView(Db& db, const CaseEnv& env, const std::string& receipt, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto found, LoadByReceipt(db, receipt));
  if (!found) return NotFound("case.not_found", "回执码对应的事项不存在，请核对后重新输入");
  const Row& c = *found;
  absl::CivilDay today = CstDay(now);
  json::array actions;
  if (!IsTerminal(c.state())) actions.push_back("add_info");
  if (c.replied_at) actions.push_back("rate");
  // Review and re-review are offered exactly when a request would be accepted (the same rule).
  for (auto [kind, window_kind, action] :
       {std::tuple{ReviewKind::kReview, DeadlineKind::kReviewWindow, Action::kRequestReview},
        std::tuple{ReviewKind::kRereview, DeadlineKind::kRereviewWindow, Action::kRequestReReview}}) {
    QF_ASSIGN_OR_RETURN(auto window, LoadDeadline(db, c.id, window_kind));
    QF_ASSIGN_OR_RETURN(auto asked, db.Prepare("SELECT 1 FROM case_reviews WHERE case_id=? AND kind=?"));
    asked.Bind(1, c.id).Bind(2, ReviewKindName(kind));
    QF_ASSIGN_OR_RETURN(bool asked_before, asked.Step());
    ReviewWindow w{window.has_value(), window && window->status == DeadlineStatus::kOpen, window ? window->due : today};
    if (MayRequest(kind, w, asked_before, today).ok() && Check(CaseFacts{c.state()}, action, ActorFacts{}).ok())
      actions.push_back(json::string(ActionName(action)));
  }
  QF_ASSIGN_OR_RETURN(auto deadlines, DeadlinesJson(db, env, c.id, today, false));
  QF_ASSIGN_OR_RETURN(auto messages, MessagesJson(db, c.id, true));
  // A merged item is handled as the case it was merged into: its reporter follows that case's progress — its state,
  // its public deadlines, when it was answered and closed — never what was said to that case's own reporter.
  json::value handled_as = nullptr;
  std::optional<int64_t> next = c.merged_into;
  for (int hops = 0; next && hops < 8; ++hops) {
    QF_ASSIGN_OR_RETURN(Row target, LoadById(db, *next));
    next = target.merged_into;
    if (next) continue;
    QF_ASSIGN_OR_RETURN(auto target_deadlines, DeadlinesJson(db, env, target.id, today, false));
    handled_as = json::object{{"state", target.state_name}, {"state_label", StateLabel(target.state())},
                              {"progress", ProgressJson(target)}, {"deadlines", std::move(target_deadlines)}};
  }
  return json::object{{"receipt", DisplayReceiptCode(c.receipt)}, {"merged_into", std::move(handled_as)},
                      {"progress", ProgressJson(c)},
                      {"state", c.state_name},
                      {"state_label", StateLabel(c.state())},
                      {"channel", c.channel},
                      {"channel_label", LabelOf(kChannels, c.channel).value_or(c.channel)},
                      {"category", c.category},
                      {"category_label", LabelOf(kCategories, c.category).value_or(c.category)},
                      {"title", c.title},
                      {"received_at", c.received_at},
                      {"satisfaction", c.satisfaction ? json::value(*c.satisfaction) : json::value(nullptr)},
                      {"deadlines", std::move(deadlines)},
                      {"messages", std::move(messages)},
                      {"actions", actions}};
}

absl::StatusOr<int64_t> CountUnanswered(Db& db, const std::vector<int64_t>& case_ids) {
  const std::string sql = "SELECT replied_at IS NULL AND state NOT IN " + TerminalStatesSql() + " FROM cases WHERE id=?";
  int64_t open = 0;
  for (int64_t id : case_ids) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
    st.Bind(1, id);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && st.Int(0)) ++open;
  }
  return open;
}

const std::string& TimelineSql() {
  // Served by events_subject_timeline (migration 0044), which leaves the readings out.
  static const std::string kSql = "SELECT e.seq, e.time, e.actor, e.kind, a.display_name FROM events e "
                                  "LEFT JOIN accounts a ON a.id = " + Actor::AccountIdSql("e.actor") +
                                  " WHERE e.subject=? AND e.kind <> 'case.viewed' ORDER BY e.seq";
  return kSql;
}

}  // namespace qf::cases
