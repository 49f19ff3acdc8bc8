#include "cases/lifecycle.h"

#include "common/status.h"
#include "common/vocab.h"

namespace qf::cases {
namespace {

constexpr Word<State> kStates[] = {
    {State::kRegistered, "registered", "已登记"},
    {State::kAccepted, "accepted", "已受理"},
    {State::kDeclined, "declined", "不予受理"},
    {State::kDispatched, "dispatched", "已交办"},
    {State::kReturnRequested, "return_requested", "退回申请中"},
    {State::kSigned, "signed", "办理中"},
    {State::kVerified, "verified", "已核查"},
    {State::kProposed, "proposed", "处理意见待审核"},
    {State::kApproved, "approved", "处理意见已审核"},
    {State::kReplied, "replied", "已答复"},
    {State::kRevisited, "revisited", "已回访"},
    {State::kClosed, "closed", "已办结"},
    {State::kReviewRequested, "review_requested", "复查申请中"},
    {State::kReviewed, "reviewed", "已复查"},
    {State::kReReviewRequested, "rereview_requested", "复核申请中"},
    {State::kFinal, "final", "复核终结"},
    {State::kMerged, "merged", "已并案"},
};

constexpr RoleSet kIntake = kClerk | kSupervisor;
constexpr RoleSet kApprovers = kSupervisor | kLeader;
constexpr RoleSet kReviewers = kClerk | kHandler | kSupervisor | kLeader;

// One row per action: its name, label, the roles allowed, whether a handler must belong to the handling
// unit, the states it may start from, and the state it leads to (nullopt: stays).
struct Rule {
  Action action;
  const char* name;
  const char* label;
  RoleSet roles;
  bool handler_needs_unit;
  std::vector<State> from;
  std::optional<State> to;
};

const std::vector<Rule>& Rules() {
  using S = State;
  static const std::vector<Rule> kRules = {
      {Action::kAccept, "accept", "受理", kIntake, false, {S::kRegistered}, S::kAccepted},
      {Action::kDecline, "decline", "不予受理", kIntake, false, {S::kRegistered}, S::kDeclined},
      {Action::kDispatch, "dispatch", "交办", kIntake, false, {S::kAccepted}, S::kDispatched},
      {Action::kSign, "sign", "签收", kHandler | kSupervisor, true, {S::kDispatched}, S::kSigned},
      {Action::kRequestReturn, "request_return", "申请退回", kHandler, true, {S::kDispatched}, S::kReturnRequested},
      {Action::kApproveReturn, "approve_return", "同意退回", kIntake, false, {S::kReturnRequested}, S::kAccepted},
      {Action::kRefuseReturn, "refuse_return", "不同意退回", kIntake, false, {S::kReturnRequested}, S::kDispatched},
      {Action::kVerify, "verify", "核查", kHandler | kSupervisor, true, {S::kSigned}, S::kVerified},
      {Action::kPropose, "propose", "提出处理意见", kHandler | kSupervisor, true, {S::kVerified}, S::kProposed},
      {Action::kApproveProposal, "approve_proposal", "审核通过", kApprovers, false, {S::kProposed}, S::kApproved},
      {Action::kSendBack, "send_back", "退回重办", kApprovers, false, {S::kProposed}, S::kSigned},
      {Action::kReply, "reply", "答复", kHandler | kSupervisor, true, {S::kApproved}, S::kReplied},
      {Action::kRevisit, "revisit", "回访", kIntake, false, {S::kReplied}, S::kRevisited},
      {Action::kClose, "close", "办结", kSupervisor, false, {S::kRevisited, S::kReviewed}, S::kClosed},
      {Action::kRequestExtension, "request_extension", "申请延期", kHandler | kSupervisor, true,
       {S::kSigned, S::kVerified, S::kProposed}, std::nullopt},
      // 第三十四条: extended with the approval of the head of the handling unit's body, not by the office.
      {Action::kApproveExtension, "approve_extension", "批准延期", kLeader, false,
       {S::kSigned, S::kVerified, S::kProposed}, std::nullopt},
      {Action::kRefuseExtension, "refuse_extension", "不批准延期", kLeader, false,
       {S::kSigned, S::kVerified, S::kProposed}, std::nullopt},
      // The clock stops for a stated reason; during a re-review only for a hearing (第三十六条).
      {Action::kSuspend, "suspend", "中止计时", kSupervisor, false,
       {S::kAccepted, S::kDispatched, S::kSigned, S::kVerified, S::kReReviewRequested}, std::nullopt},
      {Action::kResume, "resume", "恢复计时", kSupervisor, false,
       {S::kAccepted, S::kDispatched, S::kSigned, S::kVerified, S::kReReviewRequested}, std::nullopt},
      {Action::kMerge, "merge", "并案", kIntake, false, {S::kRegistered, S::kAccepted}, S::kMerged},
      {Action::kUpdateChecklist, "update_checklist", "更新五个到位", kHandler | kSupervisor, true,
       {S::kSigned, S::kVerified, S::kProposed, S::kApproved, S::kReplied, S::kRevisited}, std::nullopt},
      {Action::kAskReporter, "ask_reporter", "向反映人提问", kClerk | kHandler | kSupervisor, true,
       {S::kRegistered, S::kAccepted, S::kSigned, S::kVerified}, std::nullopt},
      // Answered by the body above the replying unit, or recorded from the body outside it was forwarded to.
      {Action::kAnswerReview, "answer_review", "复查答复", kReviewers, false, {S::kReviewRequested}, S::kReviewed},
      {Action::kVerifyRealName, "verify_real_name", "实名核验", kIntake, false,
       {S::kRegistered, S::kAccepted, S::kDispatched, S::kSigned, S::kVerified}, std::nullopt},
      {Action::kAnswerReReview, "answer_rereview", "复核答复", kReviewers, false, {S::kReReviewRequested}, S::kFinal},
      {Action::kRedo, "redo", "退回重办（不满意）", kSupervisor, false, {S::kReplied, S::kRevisited}, S::kSigned},
      {Action::kRequestReview, "request_review", "申请复查", kPublic, false,
       {S::kReplied, S::kRevisited, S::kClosed}, S::kReviewRequested},
      {Action::kRequestReReview, "request_rereview", "申请复核", kPublic, false, {S::kReviewed, S::kClosed},
       S::kReReviewRequested},
  };
  return kRules;
}

const Rule& RuleFor(Action a) {
  for (const auto& r : Rules())
    if (r.action == a) return r;
  // Every Action has a row in Rules(); reaching here means a new Action was added without one.
  std::abort();
}

}  // namespace

std::string_view StateName(State s) { return WordCode(kStates, s); }
std::string_view StateLabel(State s) { return WordLabel(kStates, s); }
std::optional<State> ParseState(std::string_view name) { return ParseWord(kStates, name); }
std::vector<State> AllStates() {
  std::vector<State> out;
  for (const auto& w : kStates) out.push_back(w.value);
  return out;
}
const std::string& TerminalStatesSql() {
  static const std::string kList = StatesSql(IsTerminal);
  return kList;
}
std::string StatesSql(const std::function<bool(State)>& keep) { return SqlList<State>(kStates, keep); }
std::string_view ActionName(Action a) { return RuleFor(a).name; }
std::string_view ActionLabel(Action a) { return RuleFor(a).label; }
std::optional<Action> ParseAction(std::string_view name) {
  for (const auto& r : Rules())
    if (name == r.name) return r.action;
  return std::nullopt;
}
std::vector<Action> AllActions() {
  std::vector<Action> out;
  for (const auto& r : Rules()) out.push_back(r.action);
  return out;
}
RoleSet RolesFor(Action a) { return RuleFor(a).roles; }

bool IsTerminal(State s) {
  return s == State::kClosed || s == State::kDeclined || s == State::kFinal || s == State::kMerged;
}

bool Contested(State s) {
  return s == State::kReviewRequested || s == State::kReviewed || s == State::kReReviewRequested || s == State::kFinal;
}

absl::Status Check(const CaseFacts& facts, Action action, const ActorFacts& actor) {
  const Rule& rule = RuleFor(action);
  if (rule.roles != kPublic) {
    if ((actor.roles & rule.roles) == 0)
      return Forbidden("case.role", std::string("您的角色不能执行“") + rule.label + "”");
    // A handler acts only on cases of their own unit; a supervisor may act anywhere.
    bool privileged = (actor.roles & (kSupervisor | kLeader | kClerk) & rule.roles) != 0;
    if (rule.handler_needs_unit && !privileged && !actor.in_handling_unit)
      return Forbidden("case.not_yours", std::string("该件未交办给您的单位，不能执行“") + rule.label + "”");
  }
  bool from_ok = false;
  for (State s : rule.from) from_ok |= s == facts.state;
  if (!from_ok)
    return Conflict("case.transition_not_allowed", std::string("当前状态为“") + std::string(StateLabel(facts.state)) +
                                                       "”，不能执行“" + rule.label + "”");
  switch (action) {
    case Action::kVerifyRealName:
      if (facts.anonymous) return Conflict("case.anonymous", "匿名件无需实名核验");
      break;
    case Action::kRequestExtension:
      if (facts.extension_pending) return Conflict("case.extension_pending", "已有延期申请待审批");
      if (facts.handling_overdue)
        return Conflict("case.extension_late", "办理期限已过，不能再申请延期（信访工作条例第三十四条：延期须在期限届满前提出），逾期记录保留");
      if (facts.extension_days_left <= 0)
        return Conflict("case.extension_exhausted", "延期已达30日上限（信访工作条例第三十四条）");
      break;
    case Action::kApproveExtension:
    case Action::kRefuseExtension:
      if (!actor.heads_handling_organ)
        return Forbidden("case.extension_approver", "延期须经承办单位所在机关负责人批准（信访工作条例第三十四条）");
      if (!facts.extension_pending) return Conflict("case.no_extension_pending", "没有待审批的延期申请");
      if (action == Action::kApproveExtension && facts.handling_overdue)
        return Conflict("case.extension_late", "办理期限已过，不能再批准延期（信访工作条例第三十四条），逾期记录保留");
      break;
    case Action::kAnswerReview:
    case Action::kAnswerReReview:
      if (facts.review_forwarded) {
        if ((actor.roles & (kClerk | kSupervisor)) == 0)
          return Forbidden("case.review_forwarded", "已转送上级机关，由受理员或纪委监察室登记其意见");
      } else if ((actor.roles & (kHandler | kSupervisor | kLeader)) == 0 || !actor.in_review_body ||
                 actor.in_replying_unit) {
        return Forbidden("case.review_not_yours", "复查、复核由原答复单位的上一级机关办理，您不在该机关");
      }
      break;
    case Action::kRedo:
      if (!facts.reporter_dissatisfied)
        return Conflict("case.not_dissatisfied", "反映人未对答复评价为不满意，不能退回重办");
      if (facts.redo_count >= 1) return Conflict("case.redo_used", "该件已退回重办过一次");
      break;
    case Action::kSuspend:
      if (facts.suspended) return Conflict("case.already_suspended", "计时已中止");
      break;
    case Action::kResume:
      if (!facts.suspended) return Conflict("case.not_suspended", "计时未中止");
      break;
    case Action::kClose:
      if (!facts.checklist_complete)
        return Conflict("case.checklist_incomplete", "“五个到位”尚未全部完成，不能办结");
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

State Next(State from, Action action) {
  const Rule& rule = RuleFor(action);
  return rule.to ? *rule.to : from;
}

std::vector<Action> Allowed(const CaseFacts& facts, const ActorFacts& actor) {
  std::vector<Action> out;
  for (const auto& r : Rules())
    if (r.roles != kPublic && Check(facts, r.action, actor).ok()) out.push_back(r.action);
  return out;
}

}  // namespace qf::cases
