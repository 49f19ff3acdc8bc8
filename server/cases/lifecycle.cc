#include "cases/lifecycle.h"

#include "common/status.h"

namespace qf::cases {
namespace {

struct StateInfo {
  State state;
  const char* name;
  const char* label;
};
constexpr StateInfo kStates[] = {
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
      {Action::kApproveExtension, "approve_extension", "批准延期", kApprovers, false,
       {S::kSigned, S::kVerified, S::kProposed}, std::nullopt},
      {Action::kRefuseExtension, "refuse_extension", "不批准延期", kApprovers, false,
       {S::kSigned, S::kVerified, S::kProposed}, std::nullopt},
      {Action::kSuspend, "suspend", "中止计时", kSupervisor, false,
       {S::kAccepted, S::kDispatched, S::kSigned, S::kVerified}, std::nullopt},
      {Action::kResume, "resume", "恢复计时", kSupervisor, false,
       {S::kAccepted, S::kDispatched, S::kSigned, S::kVerified}, std::nullopt},
      {Action::kMerge, "merge", "并案", kIntake, false, {S::kRegistered, S::kAccepted}, S::kMerged},
      {Action::kUpdateChecklist, "update_checklist", "更新五个到位", kHandler | kSupervisor, true,
       {S::kSigned, S::kVerified, S::kProposed, S::kApproved, S::kReplied, S::kRevisited}, std::nullopt},
      {Action::kAskReporter, "ask_reporter", "向反映人提问", kClerk | kHandler | kSupervisor, true,
       {S::kRegistered, S::kAccepted, S::kSigned, S::kVerified}, std::nullopt},
      {Action::kAnswerReview, "answer_review", "复查答复", kApprovers, false, {S::kReviewRequested}, S::kReviewed},
      {Action::kVerifyRealName, "verify_real_name", "实名核验", kIntake, false,
       {S::kRegistered, S::kAccepted, S::kDispatched, S::kSigned, S::kVerified}, std::nullopt},
      {Action::kAnswerReReview, "answer_rereview", "复核答复", kApprovers, false, {S::kReReviewRequested}, S::kFinal},
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

std::string_view StateName(State s) {
  for (const auto& i : kStates)
    if (i.state == s) return i.name;
  return "unknown";
}
std::string_view StateLabel(State s) {
  for (const auto& i : kStates)
    if (i.state == s) return i.label;
  return "未知";
}
std::optional<State> ParseState(std::string_view name) {
  for (const auto& i : kStates)
    if (name == i.name) return i.state;
  return std::nullopt;
}
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
    case Action::kRequestExtension:
      if (facts.extension_pending) return Conflict("case.extension_pending", "已有延期申请待审批");
      break;
    case Action::kApproveExtension:
    case Action::kRefuseExtension:
      if (!facts.extension_pending) return Conflict("case.no_extension_pending", "没有待审批的延期申请");
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
