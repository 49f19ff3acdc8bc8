// The complaint lifecycle of 信访工作条例 as a pure state machine: which action may be taken from which
// state, by whom, and where it leads. No I/O; thread-safe.
//
// register → accept | decline → dispatch → sign | request_return (→ approve_return | refuse_return)
// → verify → propose → approve_proposal | send_back → reply → revisit → close;
// review (复查) and re-review (复核) on the public's request within their windows; extensions, suspensions,
// checklist updates and questions to the reporter along the way; merge of repeats before dispatch.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "http/http.h"

namespace qf::cases {

enum class State {
  kRegistered,          // 已登记
  kAccepted,            // 已受理
  kDeclined,            // 不予受理
  kDispatched,          // 已交办
  kReturnRequested,     // 退回申请中
  kSigned,              // 已签收（办理中）
  kVerified,            // 已核查
  kProposed,            // 处理意见待审核
  kApproved,            // 处理意见已审核
  kReplied,             // 已答复
  kRevisited,           // 已回访
  kClosed,              // 已办结
  kReviewRequested,     // 复查申请中
  kReviewed,            // 已复查
  kReReviewRequested,   // 复核申请中
  kFinal,               // 复核终结
  kMerged,              // 已并案
};

enum class Action {
  kAccept, kDecline, kDispatch, kSign, kRequestReturn, kApproveReturn, kRefuseReturn, kVerify, kPropose,
  kApproveProposal, kSendBack, kReply, kRevisit, kClose, kRequestExtension, kApproveExtension,
  kRefuseExtension, kSuspend, kResume, kMerge, kUpdateChecklist, kAskReporter, kAnswerReview,
  kAnswerReReview, kVerifyRealName,
  // Taken by the public with the receipt code, not by staff:
  kRequestReview, kRequestReReview,
};

std::string_view StateName(State s);    // "registered"
std::string_view StateLabel(State s);   // "已登记"
std::optional<State> ParseState(std::string_view name);
std::string_view ActionName(Action a);  // "accept"
std::string_view ActionLabel(Action a); // "受理"
std::optional<Action> ParseAction(std::string_view name);
std::vector<Action> AllActions();
bool IsTerminal(State s);  // closed for handling (closed, declined, final, merged)

// What the machine needs to know of a case.
struct CaseFacts {
  State state = State::kRegistered;
  bool suspended = false;
  bool extension_pending = false;
  bool checklist_complete = false;
};

// What the machine needs to know of the person acting.
struct ActorFacts {
  RoleSet roles = 0;
  bool in_handling_unit = false;  // the case's handling unit is in the person's unit subtree
};

// OK if `actor` may take `action` on a case in `facts` now. PermissionDenied when the role or unit may not
// (code case.not_yours); FailedPrecondition (HTTP 409) with the reason when the state does not allow it.
absl::Status Check(const CaseFacts& facts, Action action, const ActorFacts& actor);
// The state after `action` (the same state for actions that do not move the case).
State Next(State from, Action action);
// Every staff action `actor` may take now, for the console's buttons.
std::vector<Action> Allowed(const CaseFacts& facts, const ActorFacts& actor);
// The roles that may take `action` (kPublic for the public's own actions).
RoleSet RolesFor(Action action);

}  // namespace qf::cases
