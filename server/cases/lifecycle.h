// The complaint lifecycle of 信访工作条例 as a pure state machine: which action may be taken from which
// state, by whom, and where it leads. No I/O; thread-safe.
//
// register → accept | decline → dispatch → sign | request_return (→ approve_return | refuse_return)
// → verify → propose → approve_proposal | send_back → reply → revisit → close; a reply rated 不满意 may be sent
// back once for 重办 (redo → signed);
// review (复查) and re-review (复核) on the public's request within their windows; extensions, suspensions,
// checklist updates and questions to the reporter along the way; merge of repeats before dispatch.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "auth/roles.h"

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
  kAnswerReReview, kVerifyRealName, kRedo,
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
std::vector<State> AllStates();
bool IsTerminal(State s);  // closed for handling (closed, declined, final, merged)
// A reply the reporter contested: they asked for a review (复查) or a re-review (复核). A replied item in no such
// state is settled (息诉).
bool Contested(State s);
// "('declined','closed','final','merged')": the terminal states for SQL (`state NOT IN …`), from IsTerminal.
const std::string& TerminalStatesSql();
// The SQL list "('a','b')" of the states for which `keep` holds.
std::string StatesSql(const std::function<bool(State)>& keep);

// What the machine needs to know of a case.
struct CaseFacts {
  State state = State::kRegistered;
  bool suspended = false;
  bool extension_pending = false;
  bool checklist_complete = false;
  bool handling_overdue = false;       // the handling deadline is open and past its day
  int extension_days_left = 30;        // of the 30 days 第三十四条 allows in all
  bool review_forwarded = false;       // the pending review or re-review is answered by a body outside
  bool reporter_dissatisfied = false;  // the reporter's own rating of the reply is 不满意
  int redo_count = 0;                  // times the reply was sent back for 重办
  bool anonymous = false;              // no named reporter: nothing to verify (实名核验 not offered)
};

// What the machine needs to know of the person acting.
struct ActorFacts {
  RoleSet roles = 0;
  bool in_handling_unit = false;     // the case's handling unit is in the person's unit subtree
  bool heads_handling_organ = false; // a leader of the bureau or district bureau the handling unit belongs to
  bool in_review_body = false;       // the person belongs to the body that answers the pending review
  bool in_replying_unit = false;     // the person belongs to the unit whose reply is under review
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
