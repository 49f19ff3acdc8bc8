#include "cases/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/status.h"

namespace qf::cases {
namespace {

using S = State;
using A = Action;

const std::vector<State> kAllStates = {S::kRegistered, S::kAccepted, S::kDeclined, S::kDispatched, S::kReturnRequested,
                                       S::kSigned, S::kVerified, S::kProposed, S::kApproved, S::kReplied, S::kRevisited,
                                       S::kClosed, S::kReviewRequested, S::kReviewed, S::kReReviewRequested, S::kFinal,
                                       S::kMerged};

// Written out independently of lifecycle.cc: the states each staff action may start from.
const std::map<Action, std::set<State>> kExpectedFrom = {
    {A::kAccept, {S::kRegistered}},
    {A::kDecline, {S::kRegistered}},
    {A::kDispatch, {S::kAccepted}},
    {A::kSign, {S::kDispatched}},
    {A::kRequestReturn, {S::kDispatched}},
    {A::kApproveReturn, {S::kReturnRequested}},
    {A::kRefuseReturn, {S::kReturnRequested}},
    {A::kVerify, {S::kSigned}},
    {A::kPropose, {S::kVerified}},
    {A::kApproveProposal, {S::kProposed}},
    {A::kSendBack, {S::kProposed}},
    {A::kReply, {S::kApproved}},
    {A::kRevisit, {S::kReplied}},
    {A::kClose, {S::kRevisited, S::kReviewed}},
    {A::kMerge, {S::kRegistered, S::kAccepted}},
    {A::kAnswerReview, {S::kReviewRequested}},
    {A::kAnswerReReview, {S::kReReviewRequested}},
    {A::kRedo, {S::kReplied, S::kRevisited}},
};

// Someone with every staff role, in the handling unit, heading its body and in the body that answers reviews.
ActorFacts Everyone() {
  ActorFacts a{kClerk | kHandler | kSupervisor | kLeader, true};
  a.heads_handling_organ = true;
  a.in_review_body = true;
  return a;
}

TEST(Lifecycle, EveryStateActionPairIsAllowedOrRefusedWith409) {
  for (auto& [action, from] : kExpectedFrom) {
    for (State s : kAllStates) {
      CaseFacts f{s, false, false, true};
      f.reporter_dissatisfied = true;
      absl::Status st = Check(f, action, Everyone());
      if (from.count(s)) {
        EXPECT_TRUE(st.ok()) << ActionName(action) << " from " << StateName(s) << ": " << st;
      } else {
        EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << ActionName(action) << " from " << StateName(s);
        EXPECT_NE(std::string(st.message()).find(std::string(StateLabel(s))), std::string::npos);
      }
    }
  }
}

TEST(Lifecycle, HappyPathReachesClosed) {
  State s = S::kRegistered;
  for (Action a : {A::kAccept, A::kDispatch, A::kSign, A::kVerify, A::kPropose, A::kApproveProposal, A::kReply,
                   A::kRevisit, A::kClose}) {
    ASSERT_TRUE(Check({s, false, false, true}, a, Everyone()).ok()) << ActionName(a);
    s = Next(s, a);
  }
  EXPECT_EQ(s, S::kClosed);
}

TEST(Lifecycle, ReturnPingPongAndSendBack) {
  EXPECT_EQ(Next(S::kReturnRequested, A::kApproveReturn), S::kAccepted);
  EXPECT_EQ(Next(S::kReturnRequested, A::kRefuseReturn), S::kDispatched);
  EXPECT_EQ(Next(S::kProposed, A::kSendBack), S::kSigned);
  EXPECT_EQ(Next(S::kReplied, A::kRequestReview), S::kReviewRequested);
  EXPECT_EQ(Next(S::kReviewed, A::kRequestReReview), S::kReReviewRequested);
  EXPECT_EQ(Next(S::kReReviewRequested, A::kAnswerReReview), S::kFinal);
}

TEST(Lifecycle, CloseNeedsTheFiveChecklistItems) {
  auto st = Check({S::kRevisited, false, false, false}, A::kClose, Everyone());
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(st.message()).find("五个到位"), std::string::npos);
  EXPECT_TRUE(Check({S::kRevisited, false, false, true}, A::kClose, Everyone()).ok());
}

TEST(Lifecycle, RolesAndUnits) {
  CaseFacts dispatched{S::kDispatched};
  // A handler outside the handling unit may not sign; inside it may.
  EXPECT_EQ(Check(dispatched, A::kSign, {kHandler, false}).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Check(dispatched, A::kSign, {kHandler, true}).ok());
  // A clerk may not sign, a handler may not accept, only a supervisor closes, admins take no case action.
  EXPECT_EQ(Check(dispatched, A::kSign, {kClerk, true}).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Check({S::kRegistered}, A::kAccept, {kHandler, true}).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Check({S::kRevisited, false, false, true}, A::kClose, {kClerk | kLeader, true}).code(),
            absl::StatusCode::kPermissionDenied);
  for (Action a : AllActions()) {
    if (RolesFor(a) == kPublic) continue;
    for (State s : kAllStates)
      EXPECT_FALSE(Check({s, true, true, true}, a, {kAdmin | kInspector, true}).ok()) << ActionName(a);
  }
  // The public's actions are not staff actions.
  EXPECT_TRUE(Allowed({S::kReplied}, Everyone()).size() > 0);
  for (Action a : Allowed({S::kReplied}, Everyone())) EXPECT_NE(RolesFor(a), kPublic);
}

TEST(Lifecycle, ExtensionsAndSuspensions) {
  ActorFacts h{kHandler, true}, sup{kSupervisor, false}, leader{kLeader, false}, head{kLeader, false};
  head.heads_handling_organ = true;
  EXPECT_TRUE(Check({S::kSigned, false, false}, A::kRequestExtension, h).ok());
  EXPECT_EQ(Check({S::kSigned, false, true}, A::kRequestExtension, h).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Check({S::kSigned, false, false}, A::kApproveExtension, head).code(), absl::StatusCode::kFailedPrecondition);
  // 第三十四条: approved by the head of the handling unit's body — not by the discipline office, nor by a leader of
  // another body.
  EXPECT_TRUE(Check({S::kSigned, false, true}, A::kApproveExtension, head).ok());
  EXPECT_EQ(StableCode(Check({S::kSigned, false, true}, A::kApproveExtension, sup)), "case.role");
  EXPECT_EQ(StableCode(Check({S::kSigned, false, true}, A::kApproveExtension, leader)), "case.extension_approver");
  EXPECT_EQ(Check({S::kSigned, false, true}, A::kApproveExtension, h).code(), absl::StatusCode::kPermissionDenied);
  // Asked before the deadline, not after; and within the 30 days in all.
  CaseFacts late{S::kSigned};
  late.handling_overdue = true;
  EXPECT_EQ(StableCode(Check(late, A::kRequestExtension, h)), "case.extension_late");
  late.extension_pending = true;
  EXPECT_EQ(StableCode(Check(late, A::kApproveExtension, head)), "case.extension_late");
  EXPECT_TRUE(Check(late, A::kRefuseExtension, head).ok());
  CaseFacts spent{S::kSigned};
  spent.extension_days_left = 0;
  EXPECT_EQ(StableCode(Check(spent, A::kRequestExtension, h)), "case.extension_exhausted");
  EXPECT_TRUE(Check({S::kSigned, false}, A::kSuspend, sup).ok());
  EXPECT_EQ(Check({S::kSigned, true}, A::kSuspend, sup).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Check({S::kSigned, true}, A::kResume, sup).ok());
  // A hearing during a re-review stops its clock (the store requires the hearing flag in that state).
  EXPECT_TRUE(Check({S::kReReviewRequested, false}, A::kSuspend, sup).ok());
}

TEST(Lifecycle, ReviewsAreAnsweredByTheLevelAbove) {
  CaseFacts pending{S::kReviewRequested};
  ActorFacts above{kSupervisor, false}, replying{kHandler | kLeader, true}, clerk{kClerk, false};
  above.in_review_body = true;
  replying.in_review_body = true;
  replying.in_replying_unit = true;
  EXPECT_TRUE(Check(pending, A::kAnswerReview, above).ok());
  // Those whose unit gave the reply do not review it, and intake staff do not decide reviews.
  EXPECT_EQ(StableCode(Check(pending, A::kAnswerReview, replying)), "case.review_not_yours");
  EXPECT_EQ(StableCode(Check(pending, A::kAnswerReview, clerk)), "case.review_not_yours");
  // Forwarded above the bureau: intake staff or the discipline office record the opinion that comes back.
  pending.review_forwarded = true;
  EXPECT_TRUE(Check(pending, A::kAnswerReview, clerk).ok());
  EXPECT_EQ(StableCode(Check(pending, A::kAnswerReview, ActorFacts{kLeader, false})), "case.review_forwarded");
}

TEST(Lifecycle, RedoOnceForADissatisfiedReporter) {
  ActorFacts sup{kSupervisor, false};
  CaseFacts replied{S::kReplied};
  EXPECT_EQ(StableCode(Check(replied, A::kRedo, sup)), "case.not_dissatisfied");
  replied.reporter_dissatisfied = true;
  EXPECT_TRUE(Check(replied, A::kRedo, sup).ok());
  EXPECT_EQ(Next(S::kReplied, A::kRedo), S::kSigned);
  replied.redo_count = 1;
  EXPECT_EQ(StableCode(Check(replied, A::kRedo, sup)), "case.redo_used");
  EXPECT_EQ(Check({S::kReplied}, A::kRedo, ActorFacts{kClerk | kLeader, false}).code(), absl::StatusCode::kPermissionDenied);
}

TEST(Lifecycle, RealNamesAreVerifiedOnlyOnNamedItems) {
  ActorFacts clerk{kClerk, false};
  CaseFacts named{S::kRegistered};
  EXPECT_TRUE(Check(named, A::kVerifyRealName, clerk).ok());
  CaseFacts anonymous{S::kRegistered};
  anonymous.anonymous = true;
  EXPECT_EQ(StableCode(Check(anonymous, A::kVerifyRealName, clerk)), "case.anonymous");
  const auto offered = Allowed(anonymous, clerk);
  EXPECT_EQ(std::find(offered.begin(), offered.end(), A::kVerifyRealName), offered.end());  // not offered at all
}

TEST(Lifecycle, NamesRoundTrip) {
  for (State s : kAllStates) EXPECT_EQ(ParseState(StateName(s)), s);
  for (Action a : AllActions()) EXPECT_EQ(ParseAction(ActionName(a)), a);
  EXPECT_FALSE(ParseState("bogus"));
}

}  // namespace
}  // namespace qf::cases
