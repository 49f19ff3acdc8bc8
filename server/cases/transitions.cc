// The lifecycle's effects: one apply function per staff action (the table at the bottom, beside lifecycle.cc's
// table of who may do what from where), the reporter's own actions by receipt code, and the facts both read.
// Each runs inside a writer command: it checks, changes the case row and its deadlines, adds messages,
// appends one event and keeps the dashboard rollups.
#include <algorithm>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/model.h"
#include "cases/reviews.h"
#include "cases/store.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "search/index.h"
#include "org/org.h"

namespace qf::cases {

namespace json = boost::json;

namespace {

// A pending review or re-review: who answers it.
struct PendingReview {
  ReviewKind kind = ReviewKind::kReview;
  ReviewBody body;
};

absl::StatusOr<std::optional<PendingReview>> LoadPendingReview(Db& db, const Row& c) {
  ReviewKind kind;
  if (c.state() == State::kReviewRequested) kind = ReviewKind::kReview;
  else if (c.state() == State::kReReviewRequested) kind = ReviewKind::kRereview;
  else return std::optional<PendingReview>();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT COALESCE(answering_unit_id,0), COALESCE(external_body,'') FROM case_reviews WHERE case_id=? AND kind=?"));
  st.Bind(1, c.id).Bind(2, ReviewKindName(kind));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<PendingReview>();
  PendingReview p{kind, {st.Int(0), st.Text(1), st.Text(1)}};
  return std::optional<PendingReview>(p);
}

}  // namespace

// The facts the lifecycle's check needs of a case and of the person acting (used by Transition and by the
// staff view's list of allowed actions).
absl::StatusOr<std::pair<CaseFacts, ActorFacts>> FactsFor(Db& db, const CaseEnv& env, const Row& c,
                                                          const Principal& who, absl::CivilDay today) {
  CaseFacts f;
  f.state = c.state();
  f.suspended = c.suspended_since.has_value();
  f.extension_pending = c.PendingExtension().has_value();
  f.checklist_complete = c.ChecklistComplete();
  f.extension_days_left = env.policies->supervision().max_extension_days - static_cast<int>(c.extension_days);
  f.reporter_dissatisfied = c.satisfaction && *c.satisfaction <= env.policies->supervision().dissatisfied_at_most;
  f.redo_count = static_cast<int>(c.redo_count);
  f.anonymous = c.anonymous;
  QF_ASSIGN_OR_RETURN(auto handling, LoadDeadline(db, c.id, DeadlineKind::kHandling));
  f.handling_overdue = handling && handling->status == DeadlineStatus::kOpen && handling->due < today;
  ActorFacts a;
  a.roles = who.roles;
  QF_ASSIGN_OR_RETURN(a.in_handling_unit, InHandlingUnit(db, c, who));
  // The body the person belongs to (a division's staff belong to its bureau; a district's to the district).
  int64_t own_body = 0;
  if (who.unit_id) {
    QF_ASSIGN_OR_RETURN(auto chain, org::Ancestry(db, who.unit_id));
    own_body = BodyOf(chain);
  }
  if (who.Has(kLeader) && own_body && c.handling_unit_id) {
    // 第三十四条: the head of the body the handling unit belongs to (a leader of that body, not of one above).
    QF_ASSIGN_OR_RETURN(auto chain, org::Ancestry(db, c.handling_unit_id));
    a.heads_handling_organ = BodyOf(chain) == own_body;
  }
  QF_ASSIGN_OR_RETURN(auto pending, LoadPendingReview(db, c));
  if (pending) {
    f.review_forwarded = pending->body.external();
    a.in_review_body = !f.review_forwarded && own_body == pending->body.unit_id;
    int64_t replying = c.replied_by_unit_id ? c.replied_by_unit_id : c.handling_unit_id;
    QF_ASSIGN_OR_RETURN(a.in_replying_unit, UnitWithin(db, who.unit_id, replying));
  }
  return std::pair{f, a};
}

namespace {

// One action being applied: the case as loaded, the request, and what the action changes.
struct Step {
  Tx& tx;
  const CaseEnv& env;
  Row& c;
  const TransitionRequest& r;
  const Principal& who;
  absl::CivilDay today;
  std::string now;
  json::object ev;
  std::vector<std::pair<std::string, std::optional<std::string>>> texts;  // column = text (or NULL)
  std::vector<std::pair<std::string, int64_t>> ints;                     // column = integer
  std::vector<Deadline> deadlines;

  Db& db() { return tx.db(); }
  void Set(const char* col, std::optional<std::string> v) { texts.emplace_back(col, std::move(v)); }
  void SetInt(const char* col, int64_t v) { ints.emplace_back(col, v); }
  absl::Status Notify(const std::string& kind, const std::string& text) { return AddMessage(tx, c.id, kind, text, true); }
};

// Sets the deadline of `kind` when a policy covers this case (some stages apply only to some cases).
absl::StatusOr<std::optional<Deadline>> SetIfCovered(Step& s, DeadlineKind kind) {
  auto d = SetDeadline(s.tx, s.env, s.c, kind, s.today);
  if (d.ok()) return std::optional<Deadline>(*d);
  if (d.status().code() == absl::StatusCode::kNotFound) return std::optional<Deadline>();
  return d.status();
}

absl::Status Accept(Step& s) {
  // The concerned unit confirmed as it stands, or corrected and the case routed again (rules, then the wall).
  if (s.r.concerned_unit_id && s.r.concerned_unit_id != s.c.concerned_unit_id) {
    QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(s.db(), s.r.concerned_unit_id));
    if (!unit) return Invalid("case.params", "被反映单位不存在", {{"concerned_unit_id", "单位不存在"}});
    QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(s.db(), s.c.id));
    QF_ASSIGN_OR_RETURN(Routed routed, RouteCase(s.tx, s.env, s.c.category, unit, people, s.c.leadership));
    s.SetInt("concerned_unit_id", unit->id);
    s.Set("district", unit->district.empty() ? std::nullopt : std::optional<std::string>(unit->district));
    if (routed.handling_unit_id) s.SetInt("handling_unit_id", routed.handling_unit_id);
    s.SetInt("restricted", routed.restricted);
    s.ev["concerned_unit_id"] = unit->id;
    s.ev["concerned_unit_was"] = s.c.concerned_unit_id;
    s.ev["routing_rule"] = routed.rule;
  }
  if (s.c.concerned_unit_recognised || s.r.concerned_unit_id) {
    s.SetInt("concerned_unit_recognised", 0);
    s.ev["concerned_unit_confirmed"] = true;
  }
  s.Set("accepted_at", s.now);
  QF_RETURN_IF_ERROR(CloseDeadline(s.tx, s.c.id, DeadlineKind::kAcceptance));
  QF_ASSIGN_OR_RETURN(auto d, SetDeadline(s.tx, s.env, s.c, DeadlineKind::kHandling, s.today));
  s.deadlines.push_back(d);
  return s.Notify("notice", fmt::format("您反映的事项已于{}受理，将在{}前办结并答复（{}）。", FormatDay(s.today),
                                        FormatDay(d.due), d.clause));
}

absl::Status Decline(Step& s) {
  std::string reason = s.r.text;
  if (s.r.final_case_id) {
    // The same matter was closed for good by 复核 in another case: not accepted again (第三十六条).
    auto prior = LoadById(s.db(), s.r.final_case_id);
    if (!prior.ok() && prior.status().code() != absl::StatusCode::kNotFound) return prior.status();
    bool visible = false;
    if (prior.ok()) {
      QF_ASSIGN_OR_RETURN(visible, CanSee(s.db(), *prior, s.who));
    }
    if (!visible) return Invalid("case.prior_missing", "所指的原案件不存在", {{"final_case_id", "找不到该案件"}});
    if (prior->state() != State::kFinal)
      return Invalid("case.prior_not_final", "所指的原案件尚未复核终结", {{"final_case_id", "该案件未复核终结"}});
    reason += "（该事项已复核终结，不再受理。信访工作条例第三十六条）";
    s.ev["final_case_id"] = s.r.final_case_id;
    s.SetInt("prior_case_id", s.r.final_case_id);
  }
  QF_RETURN_IF_ERROR(CloseDeadline(s.tx, s.c.id, DeadlineKind::kAcceptance));
  QF_RETURN_IF_ERROR(CancelDeadline(s.tx, s.c.id, DeadlineKind::kObjection));
  s.ev["reason"] = reason;
  return s.Notify("notice", "您反映的事项不予受理，理由：" + reason);
}

absl::Status Dispatch(Step& s) {
  int64_t target = s.r.unit_id ? s.r.unit_id : s.c.handling_unit_id;
  if (!target) return Invalid("case.params", "请指定承办单位", {{"unit_id", "必填"}});
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(s.db(), target));
  if (!unit) return Invalid("case.params", "承办单位不存在", {{"unit_id", "单位不存在"}});
  QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(s.db(), s.c.id));
  QF_ASSIGN_OR_RETURN(auto walled, WalledUnits(s.db(), s.c.concerned_unit_id, people));
  QF_ASSIGN_OR_RETURN(bool breach, Breaches(s.db(), target, walled));
  if (breach) return Forbidden("case.wall", "不能交办给被反映的单位或被反映人所在单位（信访工作条例第三十条）");
  if (s.c.restricted && unit->role != "discipline")
    return Forbidden("case.restricted", "违法违纪及反映领导班子的件只能由纪委监察室办理");
  if (!s.r.redact.empty()) {
    // Passages that would identify the reporter: the handling unit gets a copy with them blacked out.
    json::array marks;
    for (const auto& phrase : s.r.redact) {
      if (s.c.content.find(phrase) == std::string::npos && s.c.title.find(phrase) == std::string::npos)
        return Invalid("case.params", "要遮蔽的文字不在反映内容中：" + phrase, {{"redact", "找不到该文字"}});
      marks.push_back(json::string(phrase));
    }
    s.Set("redactions", json::serialize(marks));
    s.ev["redactions"] = marks.size();
  }
  s.Set("dispatched_at", s.now);
  // The clock since dispatch counts from the first dispatch: returns and re-dispatches do not reset it.
  if (!s.c.first_dispatched_at) s.Set("first_dispatched_at", s.now);
  s.SetInt("handling_unit_id", target);
  s.ev["unit_id"] = target;
  QF_ASSIGN_OR_RETURN(auto sign, SetIfCovered(s, DeadlineKind::kSign));
  if (sign) s.deadlines.push_back(*sign);
  return absl::OkStatus();
}

absl::Status Sign(Step& s) {
  s.Set("signed_at", s.now);
  QF_RETURN_IF_ERROR(CloseDeadline(s.tx, s.c.id, DeadlineKind::kObjection));
  return CloseDeadline(s.tx, s.c.id, DeadlineKind::kSign);
}

absl::Status RequestReturn(Step& s) {
  s.Set("pending_request", json::serialize(json::object{{"return", s.r.text}}));
  s.ev["reason"] = s.r.text;
  return CloseDeadline(s.tx, s.c.id, DeadlineKind::kObjection);
}

absl::Status ApproveReturn(Step& s) {
  s.Set("pending_request", std::nullopt);
  s.Set("handling_unit_id", std::nullopt);
  s.Set("dispatched_at", std::nullopt);
  return CancelDeadline(s.tx, s.c.id, DeadlineKind::kSign);
}

absl::Status RefuseReturn(Step& s) {
  s.Set("pending_request", std::nullopt);
  s.ev["reason"] = s.r.text;
  return absl::OkStatus();
}

absl::Status Verify(Step& s) {
  s.Set("findings", s.r.text);
  s.ev["findings_sha256"] = Sha256Hex(s.r.text);
  return absl::OkStatus();
}

absl::Status Propose(Step& s) {
  s.Set("outcome", s.r.outcome);
  s.Set("proposal", s.r.text);
  s.ev["outcome"] = s.r.outcome;
  return absl::OkStatus();
}

absl::Status ApproveProposal(Step& s) {
  // The handling is concluded: a named discipline reporter is told the result within its term.
  QF_ASSIGN_OR_RETURN(auto notice, SetIfCovered(s, DeadlineKind::kResultNotice));
  if (notice) s.deadlines.push_back(*notice);
  return absl::OkStatus();
}

absl::Status SendBack(Step& s) {
  s.ev["reason"] = s.r.text;
  return absl::OkStatus();
}

absl::Status Reply(Step& s) {
  s.Set("reply", s.r.text);
  s.Set("replied_at", s.now);
  s.SetInt("replied_by_unit_id", s.c.handling_unit_id);
  for (auto k : {DeadlineKind::kHandling, DeadlineKind::kRedo, DeadlineKind::kNoticeFinal, DeadlineKind::kResultNotice})
    QF_RETURN_IF_ERROR(CloseDeadline(s.tx, s.c.id, k));
  QF_ASSIGN_OR_RETURN(auto d, SetDeadline(s.tx, s.env, s.c, DeadlineKind::kReviewWindow, s.today));
  s.deadlines.push_back(d);
  s.ev["reply_sha256"] = Sha256Hex(s.r.text);
  return s.Notify("reply", fmt::format("处理意见（{}）：{}\n如对处理意见不服，可在{}前申请复查。",
                                       OutcomeLabel(s.c.outcome.value_or("")), s.r.text, FormatDay(d.due)));
}

absl::Status Revisit(Step& s) {
  // The follow-up call's rating is kept apart: it never overwrites the reporter's own rating.
  if (s.r.satisfaction) {
    s.SetInt("revisit_satisfaction", *s.r.satisfaction);
    s.ev["satisfaction"] = *s.r.satisfaction;
  }
  return absl::OkStatus();
}

absl::Status Close(Step& s) {
  s.Set("closed_at", s.now);
  return absl::OkStatus();
}

absl::Status RequestExtension(Step& s) {
  int cap = s.env.policies->supervision().max_extension_days - static_cast<int>(s.c.extension_days);
  if (s.r.days > cap)
    return Invalid("case.params", fmt::format("延期天数应为 1 到 {} 天（第三十四条：合计最长30日）", cap),
                   {{"days", "超出可延期天数"}});
  s.Set("pending_request", json::serialize(json::object{{"extension", s.r.days}, {"reason", s.r.text}}));
  s.ev["days"] = s.r.days;
  s.ev["reason"] = s.r.text;
  return absl::OkStatus();
}

absl::Status ApproveExtension(Step& s) {
  auto ext = s.c.PendingExtension();
  if (!ext) return MakeError(absl::StatusCode::kDataLoss, "case.pending_corrupt", "延期申请记录无法读取");
  QF_ASSIGN_OR_RETURN(auto d, LoadDeadline(s.db(), s.c.id, DeadlineKind::kHandling));
  if (!d) return Conflict("case.no_handling_deadline", "该件没有办理期限");
  // Added to the original term (not to a day already rolled forward), then rolled off rest days.
  d->extension_days = static_cast<int>(s.c.extension_days + ext->days);
  auto res = ComputeDue(*s.env.calendar, d->start, d->term, d->extension_days, d->suspended_days);
  d->due = res.due;
  d->provisional = res.provisional;
  d->calendar_version = res.calendar_version;
  QF_RETURN_IF_ERROR(UpdateDeadline(s.tx, s.c.id, *d));
  s.deadlines.push_back(*d);
  s.SetInt("extension_days", d->extension_days);
  s.Set("pending_request", std::nullopt);
  s.ev["days"] = ext->days;
  s.ev["due_on"] = FormatDay(d->due);
  return s.Notify("notice", fmt::format("因{}，办理期限延长{}日，至{}（信访工作条例第三十四条）。", ext->reason, ext->days,
                                        FormatDay(d->due)));
}

absl::Status RefuseExtension(Step& s) {
  s.Set("pending_request", std::nullopt);
  return absl::OkStatus();
}

absl::Status Suspend(Step& s) {
  if (s.c.state() == State::kReReviewRequested && !s.r.hearing)
    return Conflict("case.suspend_hearing_only", "复核期间只能因听证中止计时（信访工作条例第三十六条：听证时间不计入）");
  s.Set("suspended_since", FormatDay(s.today));
  s.ev["reason"] = s.r.text;
  if (s.r.hearing) s.ev["hearing"] = true;
  return absl::OkStatus();
}

absl::Status Resume(Step& s) {
  auto since = ParseDay(s.c.suspended_since.value_or(""));
  if (!since) return MakeError(absl::StatusCode::kDataLoss, "case.suspension_corrupt", "中止计时记录无法读取");
  int days = static_cast<int>(s.today - *since);
  if (days > 0) {
    // Every open deadline moves by the calendar days the clock stood still (kept on the deadline, so that a
    // recompute keeps it), rolled off rest days like any term.
    QF_ASSIGN_OR_RETURN(auto all, LoadDeadlines(s.db(), s.c.id));
    for (auto& d : all) {
      if (d.status != DeadlineStatus::kOpen) continue;
      d.suspended_days += days;
      auto res = ComputeDue(*s.env.calendar, d.start, d.term, d.extension_days, d.suspended_days);
      d.due = res.due;
      d.provisional = res.provisional;
      d.calendar_version = res.calendar_version;
      QF_RETURN_IF_ERROR(UpdateDeadline(s.tx, s.c.id, d));
      s.deadlines.push_back(d);
    }
  }
  s.Set("suspended_since", std::nullopt);
  s.ev["days_suspended"] = days;
  return absl::OkStatus();
}

absl::Status Merge(Step& s) {
  if (s.r.into_case_id == s.c.id) return Invalid("case.params", "不能并入自身", {{"into_case_id", "不能是本件"}});
  auto target = LoadById(s.db(), s.r.into_case_id);
  if (!target.ok() && target.status().code() != absl::StatusCode::kNotFound) return target.status();
  bool sees = false;
  if (target.ok()) {
    QF_ASSIGN_OR_RETURN(sees, CanSee(s.db(), *target, s.who));
  }
  if (!sees) return NotFound("case.not_found", "并入的案件不存在");
  if (IsTerminal(target->state())) return Conflict("case.merge_target_closed", "并入的案件已办结或已并案");
  // The wall is checked again: this matter must not reach the accused through the surviving case.
  QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(s.db(), s.c.id));
  QF_ASSIGN_OR_RETURN(auto walled, WalledUnits(s.db(), s.c.concerned_unit_id, people));
  if (target->handling_unit_id) {
    QF_ASSIGN_OR_RETURN(bool breach, Breaches(s.db(), target->handling_unit_id, walled));
    if (breach) return Forbidden("case.wall", "并入的案件由被反映对象所在单位办理，不能并案（信访工作条例第三十条）");
  }
  if (s.c.restricted && !target->restricted)
    return Forbidden("case.restricted", "违法违纪或反映领导班子的件不能并入普通件");
  s.SetInt("merged_into", target->id);
  for (auto k : {DeadlineKind::kAcceptance, DeadlineKind::kObjection, DeadlineKind::kHandling, DeadlineKind::kNoticeFinal})
    QF_RETURN_IF_ERROR(CancelDeadline(s.tx, s.c.id, k));
  QF_RETURN_IF_ERROR(s.Notify("notice", "您反映的事项与已登记的同一事项合并办理。"));
  QF_RETURN_IF_ERROR(s.tx.Append("case.merged_in", Subject(target->id), {{"merged_case", s.c.id}}).status());
  s.ev["into"] = target->id;
  return absl::OkStatus();
}

absl::Status UpdateChecklist(Step& s) {
  boost::system::error_code ec;
  auto cur = json::parse(s.c.checklist, ec);
  json::object merged = (!ec && cur.is_object()) ? cur.as_object() : json::object{};
  for (const auto& [k, v] : s.r.checklist) merged[k] = v;
  s.Set("checklist", json::serialize(merged));
  s.ev["checklist"] = merged;
  return absl::OkStatus();
}

absl::Status AskReporter(Step& s) { return s.Notify("question", s.r.text); }

absl::Status AnswerReview(Step& s) {
  bool review = s.r.action == Action::kAnswerReview;
  ReviewKind kind = review ? ReviewKind::kReview : ReviewKind::kRereview;
  QF_ASSIGN_OR_RETURN(auto pending, LoadPendingReview(s.db(), s.c));
  if (!pending) return Conflict("case.no_review", review ? "没有待答复的复查申请" : "没有待答复的复核申请");
  bool external = pending->body.external();
  if (external && s.r.document_ref.empty())
    return Invalid("case.params", "登记上级机关的意见须填写其文号", {{"document_ref", "必填"}});
  QF_ASSIGN_OR_RETURN(auto st, s.db().Prepare(
      "UPDATE case_reviews SET answered_at=?, answer_ref=? WHERE case_id=? AND kind=?"));
  st.Bind(1, s.now).Bind(2, s.r.document_ref.empty() ? std::optional<std::string>() : s.r.document_ref)
      .Bind(3, s.c.id).Bind(4, ReviewKindName(kind));
  QF_RETURN_IF_ERROR(st.Run());
  DeadlineKind due_kind = review ? (external ? DeadlineKind::kReviewForwarded : DeadlineKind::kReviewAnswer)
                                 : (external ? DeadlineKind::kRereviewForwarded : DeadlineKind::kRereviewAnswer);
  QF_RETURN_IF_ERROR(CloseDeadline(s.tx, s.c.id, due_kind));
  if (review) {
    // The 30 days for 复核 run from the day the opinion reached the reporter: recorded now, or the day it arrived.
    absl::CivilDay from = s.r.received_on.value_or(s.today);
    auto d = SetDeadline(s.tx, s.env, s.c, DeadlineKind::kRereviewWindow, from);
    if (!d.ok()) return d.status();
    s.deadlines.push_back(*d);
  }
  s.ev["answered_by"] = pending->body.name.empty() ? UnitName(s.db(), pending->body.unit_id) : pending->body.name;
  if (!s.r.document_ref.empty()) s.ev["document_ref"] = s.r.document_ref;
  std::string by = external ? pending->body.name : UnitName(s.db(), pending->body.unit_id);
  return s.Notify("reply", fmt::format("{}（{}）：{}", review ? "复查意见" : "复核意见（终结）", by, s.r.text));
}

absl::Status VerifyRealName(Step& s) {
  // "Real name" means a name and a phone number that was verified; a failed check makes the item anonymous
  // and its sealed identity is destroyed.
  if (s.r.verified) {
    QF_ASSIGN_OR_RETURN(auto up, s.db().Prepare("UPDATE reporters SET phone_verified=1 WHERE case_id=?"));
    up.Bind(1, s.c.id);
    QF_RETURN_IF_ERROR(up.Run());
  } else {
    QF_ASSIGN_OR_RETURN(auto del, s.db().Prepare("DELETE FROM reporters WHERE case_id=?"));
    del.Bind(1, s.c.id);
    QF_RETURN_IF_ERROR(del.Run());
    s.SetInt("anonymous", 1);
    s.Set("reporter_handle", "匿名反映人（实名核验未通过）");
  }
  s.ev["verified"] = s.r.verified;
  return absl::OkStatus();
}

absl::Status Redo(Step& s) {
  // A reply the reporter rated 不满意, sent back once for re-handling with a new term.
  s.SetInt("redo_count", s.c.redo_count + 1);
  QF_RETURN_IF_ERROR(CancelDeadline(s.tx, s.c.id, DeadlineKind::kReviewWindow));
  QF_ASSIGN_OR_RETURN(auto d, SetDeadline(s.tx, s.env, s.c, DeadlineKind::kRedo, s.today));
  s.deadlines.push_back(d);
  s.ev["reason"] = s.r.text;
  s.ev["rating"] = s.c.satisfaction.value_or(0);
  return s.Notify("notice", fmt::format("您对答复评价为不满意，经督办已退回承办单位重新办理，将在{}前重新答复（{}）。",
                                        FormatDay(d.due), d.clause));
}

absl::Status PublicOnly(Step&) { return Forbidden("case.public_only", "复查、复核由反映人凭回执码申请"); }

using Apply = absl::Status (*)(Step&);
// One row per action, beside lifecycle.cc's table of who may take it from where.
constexpr std::pair<Action, Apply> kApply[] = {
    {Action::kAccept, Accept}, {Action::kDecline, Decline}, {Action::kDispatch, Dispatch}, {Action::kSign, Sign},
    {Action::kRequestReturn, RequestReturn}, {Action::kApproveReturn, ApproveReturn},
    {Action::kRefuseReturn, RefuseReturn}, {Action::kVerify, Verify}, {Action::kPropose, Propose},
    {Action::kApproveProposal, ApproveProposal}, {Action::kSendBack, SendBack}, {Action::kReply, Reply},
    {Action::kRevisit, Revisit}, {Action::kClose, Close}, {Action::kRequestExtension, RequestExtension},
    {Action::kApproveExtension, ApproveExtension}, {Action::kRefuseExtension, RefuseExtension},
    {Action::kSuspend, Suspend}, {Action::kResume, Resume}, {Action::kMerge, Merge},
    {Action::kUpdateChecklist, UpdateChecklist}, {Action::kAskReporter, AskReporter},
    {Action::kAnswerReview, AnswerReview}, {Action::kAnswerReReview, AnswerReview},
    {Action::kVerifyRealName, VerifyRealName}, {Action::kRedo, Redo},
    {Action::kRequestReview, PublicOnly}, {Action::kRequestReReview, PublicOnly},
};

Apply ApplyFor(Action a) {
  for (auto [action, fn] : kApply)
    if (action == a) return fn;
  return PublicOnly;
}

// Writes the state and the columns the action changed, if the version is still the one loaded.
absl::Status WriteRow(Step& s, State next) {
  std::string sql = "UPDATE cases SET state=?, version=version+1";
  for (auto& [col, _] : s.texts) sql += fmt::format(", {}=?", col);
  for (auto& [col, _] : s.ints) sql += fmt::format(", {}=?", col);
  sql += " WHERE id=? AND version=?";
  QF_ASSIGN_OR_RETURN(auto up, s.db().Prepare(sql));
  int i = 1;
  up.Bind(i++, StateName(next));
  for (auto& [_, v] : s.texts) up.Bind(i++, v);
  for (auto& [_, v] : s.ints) up.Bind(i++, v);
  up.Bind(i, s.c.id).Bind(i + 1, s.c.version);
  QF_RETURN_IF_ERROR(up.Run());
  if (s.db().Changes() != 1) return MakeError(absl::StatusCode::kAborted, "case.stale", "案件已被他人更新，请刷新后重试");
  // Passages marked at dispatch leave the search index too.
  for (const auto& [col, _] : s.texts)
    if (col == "redactions") return search::IndexCase(s.db(), s.c.id);
  return absl::OkStatus();
}

// The case, when `who` may take the action on it now (seen, not changed since, allowed by the lifecycle); nothing
// is written.
absl::StatusOr<Row> Admit(Db& db, const CaseEnv& env, int64_t case_id, const TransitionRequest& r, const Principal& who,
                          absl::CivilDay today) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  if (r.version && *r.version != c.version)
    return MakeError(absl::StatusCode::kAborted, "case.stale", "案件已被他人更新，请刷新后重试");
  QF_ASSIGN_OR_RETURN(auto facts, FactsFor(db, env, c, who, today));
  QF_RETURN_IF_ERROR(Check(facts.first, r.action, facts.second));
  return c;
}

// The action on an admitted case: its step, the note, the row, the event and the rollups.
absl::StatusOr<TransitionResult> Take(Tx& tx, const CaseEnv& env, Row c, const TransitionRequest& r,
                                      const Principal& who, absl::CivilDay today) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Figures before, LoadFigures(db, c.id));
  State next = Next(c.state(), r.action);
  Step s{tx, env, c, r, who, today, FormatUtc(tx.now()),
         json::object{{"from", StateName(c.state())}, {"to", StateName(next)}}, {}, {}, {}};
  QF_RETURN_IF_ERROR(ApplyFor(r.action)(s));
  if (!r.note.empty()) QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "note", r.note, false));
  QF_RETURN_IF_ERROR(WriteRow(s, next));
  if (!s.deadlines.empty()) {
    json::array ds;
    for (const auto& d : s.deadlines) ds.push_back(DeadlineJson(d, env, today, true));
    s.ev["deadlines"] = std::move(ds);
  }
  QF_RETURN_IF_ERROR(tx.Append(fmt::format("case.{}", ActionName(r.action)), Subject(c.id), s.ev).status());
  QF_ASSIGN_OR_RETURN(Figures after, LoadFigures(db, c.id));
  QF_RETURN_IF_ERROR(ApplyFigures(tx, before, after));
  return TransitionResult{c.id, next, c.version + 1, std::move(s.deadlines)};
}

}  // namespace

absl::StatusOr<TransitionResult> Transition(Tx& tx, const CaseEnv& env, int64_t case_id, const TransitionRequest& r,
                                            const Principal& who) {
  absl::CivilDay today = CstDay(tx.now());
  QF_ASSIGN_OR_RETURN(Row c, Admit(tx.db(), env, case_id, r, who, today));
  return Take(tx, env, std::move(c), r, who, today);
}

absl::StatusOr<std::vector<BatchOutcome>> BatchTransition(Tx& tx, const CaseEnv& env, const std::vector<int64_t>& ids,
                                                          const TransitionRequest& r, const Principal& who) {
  std::vector<BatchOutcome> out;
  absl::CivilDay today = CstDay(tx.now());
  for (int64_t id : ids) {
    // Asked first without writing; a case that passes and still fails is a failure of the whole batch (the
    // command's savepoint then leaves every case as it was).
    auto admitted = Admit(tx.db(), env, id, r, who, today);
    if (!admitted.ok()) {
      out.push_back({id, admitted.status()});
      continue;
    }
    QF_ASSIGN_OR_RETURN(auto result, Take(tx, env, std::move(*admitted), r, who, today));
    out.push_back({id, std::move(result)});
  }
  return out;
}

absl::Status PublicAction(Tx& tx, const CaseEnv& env, const std::string& receipt, const PublicRequest& r) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto found, LoadByReceipt(db, receipt));
  if (!found) return NotFound("case.not_found", "回执码对应的事项不存在");
  Row c = *found;
  absl::CivilDay today = CstDay(tx.now());
  QF_ASSIGN_OR_RETURN(Figures before, LoadFigures(db, c.id));
  json::object ev{{"action", PublicActionName(r.kind)}};
  switch (r.kind) {
    case PublicActionKind::kAddInfo:
    case PublicActionKind::kAnswer:
      if (IsTerminal(c.state())) return Conflict("case.closed", "事项已办结，不能再补充材料");
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, r.kind == PublicActionKind::kAnswer ? "answer" : "supplement", r.text, true));
      ev["text_sha256"] = Sha256Hex(r.text);
      break;
    case PublicActionKind::kRate: {
      if (!c.replied_at) return Conflict("case.not_replied", "尚未答复，暂不能评价");
      QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE cases SET satisfaction=?, version=version+1 WHERE id=?"));
      up.Bind(1, r.satisfaction).Bind(2, c.id);
      QF_RETURN_IF_ERROR(up.Run());
      if (!r.comment.empty()) QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "rating", r.comment, true));
      ev["satisfaction"] = r.satisfaction;
      break;
    }
    case PublicActionKind::kRequestReview:
    case PublicActionKind::kRequestRereview: {
      bool review = r.kind == PublicActionKind::kRequestReview;
      ReviewKind kind = review ? ReviewKind::kReview : ReviewKind::kRereview;
      Action a = review ? Action::kRequestReview : Action::kRequestReReview;
      QF_ASSIGN_OR_RETURN(auto window, LoadDeadline(db, c.id, review ? DeadlineKind::kReviewWindow
                                                                    : DeadlineKind::kRereviewWindow));
      QF_ASSIGN_OR_RETURN(auto asked, db.Prepare("SELECT 1 FROM case_reviews WHERE case_id=? AND kind=?"));
      asked.Bind(1, c.id).Bind(2, ReviewKindName(kind));
      QF_ASSIGN_OR_RETURN(bool asked_before, asked.Step());
      ReviewWindow w{window.has_value(), window && window->status == DeadlineStatus::kOpen,
                     window ? window->due : today};
      QF_RETURN_IF_ERROR(MayRequest(kind, w, asked_before, today));
      QF_RETURN_IF_ERROR(Check(CaseFacts{c.state()}, a, ActorFacts{}));
      // Who answers: the level above the unit that replied (复查), or above the reviewing body (复核).
      ReviewBody body;
      if (review) {
        int64_t replying = c.replied_by_unit_id ? c.replied_by_unit_id : c.handling_unit_id;
        QF_ASSIGN_OR_RETURN(auto chain, org::Ancestry(db, replying));
        body = ReviewAnswerer(chain, env.policies->reviews());
      } else {
        QF_ASSIGN_OR_RETURN(auto prev, db.Prepare(
            "SELECT COALESCE(answering_unit_id,0), COALESCE(external_body,'') FROM case_reviews WHERE case_id=? AND kind='review'"));
        prev.Bind(1, c.id);
        QF_ASSIGN_OR_RETURN(bool had, prev.Step());
        ReviewBody reviewed{had ? prev.Int(0) : 0, had ? prev.Text(1) : env.policies->reviews().city_body, ""};
        std::vector<org::Unit> chain;
        if (!reviewed.external()) {
          QF_ASSIGN_OR_RETURN(chain, org::Ancestry(db, reviewed.unit_id));
        }
        body = RereviewAnswerer(reviewed, chain, env.policies->reviews());
      }
      QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
          "INSERT INTO case_reviews(case_id,kind,requested_at,answering_unit_id,external_body,forwarded_on) "
          "VALUES(?,?,?,?,?,?)"));
      ins.Bind(1, c.id).Bind(2, ReviewKindName(kind)).Bind(3, FormatUtc(tx.now()));
      if (body.external()) ins.BindNull(4).Bind(5, body.external_body).Bind(6, FormatDay(today));
      else ins.Bind(4, body.unit_id).BindNull(5).BindNull(6);
      QF_RETURN_IF_ERROR(ins.Run());
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, review ? DeadlineKind::kReviewWindow : DeadlineKind::kRereviewWindow));
      DeadlineKind answer_kind = review ? (body.external() ? DeadlineKind::kReviewForwarded : DeadlineKind::kReviewAnswer)
                                        : (body.external() ? DeadlineKind::kRereviewForwarded : DeadlineKind::kRereviewAnswer);
      QF_ASSIGN_OR_RETURN(auto d, SetDeadline(tx, env, c, answer_kind, today));
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, review ? "review_request" : "rereview_request", r.text, true));
      std::string name = body.external() ? body.name : UnitName(db, body.unit_id);
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "notice",
          body.external()
              ? fmt::format("您的{}申请已于{}转送{}办理（{}）。", review ? "复查" : "复核", FormatDay(today), name, d.clause)
              : fmt::format("您的{}申请由{}办理，将在{}前作出{}意见（{}）。", review ? "复查" : "复核", name,
                            FormatDay(d.due), review ? "复查" : "复核", d.clause),
          true));
      State next = Next(c.state(), a);
      QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE cases SET state=?, version=version+1 WHERE id=?"));
      up.Bind(1, StateName(next)).Bind(2, c.id);
      QF_RETURN_IF_ERROR(up.Run());
      ev["from"] = StateName(c.state());
      ev["to"] = StateName(next);
      ev["answered_by"] = name;
      ev["forwarded"] = body.external();
      ev["deadline"] = DeadlineJson(d, env, today, true);
      break;
    }
  }
  QF_RETURN_IF_ERROR(tx.Append(fmt::format("case.public_{}", PublicActionName(r.kind)), Subject(c.id), ev).status());
  QF_ASSIGN_OR_RETURN(Figures after, LoadFigures(db, c.id));
  return ApplyFigures(tx, before, after);
}

}  // namespace qf::cases
