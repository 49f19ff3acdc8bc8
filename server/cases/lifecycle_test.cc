#include "cases/lifecycle.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

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
};

ActorFacts Everyone() { return {kClerk | kHandler | kSupervisor | kLeader, true}; }

TEST(Lifecycle, EveryStateActionPairIsAllowedOrRefusedWith409) {
  for (auto& [action, from] : kExpectedFrom) {
    for (State s : kAllStates) {
      CaseFacts f{s, false, false, true};
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
  ActorFacts h{kHandler, true}, sup{kSupervisor, false};
  EXPECT_TRUE(Check({S::kSigned, false, false}, A::kRequestExtension, h).ok());
  EXPECT_EQ(Check({S::kSigned, false, true}, A::kRequestExtension, h).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Check({S::kSigned, false, false}, A::kApproveExtension, sup).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Check({S::kSigned, false, true}, A::kApproveExtension, sup).ok());
  EXPECT_EQ(Check({S::kSigned, false, true}, A::kApproveExtension, h).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Check({S::kSigned, false}, A::kSuspend, sup).ok());
  EXPECT_EQ(Check({S::kSigned, true}, A::kSuspend, sup).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Check({S::kSigned, true}, A::kResume, sup).ok());
}

TEST(Lifecycle, NamesRoundTrip) {
  for (State s : kAllStates) EXPECT_EQ(ParseState(StateName(s)), s);
  for (Action a : AllActions()) EXPECT_EQ(ParseAction(ActionName(a)), a);
  EXPECT_FALSE(ParseState("bogus"));
}

}  // namespace
}  // namespace qf::cases
