#include "inspect/states.h"

#include <gtest/gtest.h>

#include "common/status.h"

namespace qf::inspect {
namespace {

Principal With(RoleSet roles) {
  Principal p;
  p.account_id = 7;
  p.person_id = 70;
  p.unit_id = 5;
  p.roles = roles;
  return p;
}

TEST(InspectStates, CampaignActionsFollowStateRoleAndWitness) {
  Principal sup = With(kSupervisor), insp = With(kInspector);
  EXPECT_EQ(Actions(CampaignFacts{CampaignState::kPlanned, false, false}, sup), std::vector<std::string>{"commit"});
  EXPECT_TRUE(Actions(CampaignFacts{CampaignState::kPlanned, false, false}, insp).empty()) << "inspectors do not plan";
  EXPECT_TRUE(Actions(CampaignFacts{CampaignState::kCommitted, false, false}, sup).empty()) << "only the witness draws";
  EXPECT_EQ(Actions(CampaignFacts{CampaignState::kCommitted, true, false}, sup), std::vector<std::string>{"draw"});
  EXPECT_EQ(StableCode(MayTake(CampaignAction::kDraw, {CampaignState::kCommitted, false, false}, sup)),
            "campaign.witness_only");
  EXPECT_EQ(Actions(CampaignFacts{CampaignState::kSampled, false, false}, sup), std::vector<std::string>{"publish_results"});
  EXPECT_EQ(StableCode(MayTake(CampaignAction::kPublishResults, {CampaignState::kSampled, false, true}, sup)),
            "campaign.results_published");
  EXPECT_EQ(StableCode(MayTake(CampaignAction::kCommit, {CampaignState::kSampled, false, false}, sup)), "campaign.state");
}

TEST(InspectStates, FormsAreForTheirGroupAndConfirmedByTheLeader) {
  Principal insp = With(kInspector);
  EXPECT_EQ(StableCode(MayTake(FormAction::kSave, {FormState::kOpen, false, false}, insp)), "form.not_found")
      << "outside the group the form does not exist";
  EXPECT_EQ(Actions(FormFacts{FormState::kDraft, true, false}, insp),
            (std::vector<std::string>{"save", "submit", "add_evidence"}));
  EXPECT_TRUE(Actions(FormFacts{FormState::kSubmitted, true, false}, insp).empty());
  EXPECT_EQ(StableCode(MayTake(FormAction::kConfirm, {FormState::kSubmitted, true, false}, insp)), "form.leader_only");
  EXPECT_EQ(Actions(FormFacts{FormState::kSubmitted, true, true}, insp), std::vector<std::string>{"confirm"});
  EXPECT_EQ(StableCode(MayTake(FormAction::kSave, {FormState::kConfirmed, true, true}, insp)), "form.state");
}

TEST(InspectStates, SchoolsAnswerTheirOwnOrdersAndCheckersCheck) {
  Principal school = With(kHandler), sup = With(kSupervisor);
  EXPECT_EQ(Actions(RectificationFacts{RectificationState::kOpen, true}, school),
            (std::vector<std::string>{"answer", "add_evidence"}));
  EXPECT_EQ(StableCode(MayTake(RectificationAction::kAnswer, {RectificationState::kOpen, false}, school)),
            "rectification.not_found")
      << "another school's order does not exist for it";
  EXPECT_TRUE(Actions(RectificationFacts{RectificationState::kOpen, false}, sup).empty());
  EXPECT_EQ(Actions(RectificationFacts{RectificationState::kAnswered, false}, sup), std::vector<std::string>{"check"});
  EXPECT_EQ(StableCode(MayTake(RectificationAction::kCheck, {RectificationState::kAnswered, true}, school)), "inspect.role");
  EXPECT_EQ(StableCode(MayTake(RectificationAction::kCheck, {RectificationState::kAccepted, false}, sup)),
            "rectification.state");
}

TEST(InspectStates, StoredStatesOutsideTheVocabularyAreDataLoss) {
  EXPECT_EQ(StoredCampaignState("sampled").value(), CampaignState::kSampled);
  EXPECT_EQ(StoredFormState("bogus").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Sql({RectificationState::kOpen, RectificationState::kAnswered}), "('open','answered')");
}

}  // namespace
}  // namespace qf::inspect
