// The states of a campaign, a school's checklist and a rectification order, and what may be done to each, by whom
// and when: one rule per action, checked by the command that takes it and listed (`actions`) in the view, so that
// the console shows exactly the buttons the server will accept. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "auth/roles.h"

namespace qf::inspect {

// planned → committed (frame frozen, commitment published) → sampled (witnessed draw) → closed.
enum class CampaignState { kPlanned, kCommitted, kSampled, kClosed };
// open (nobody wrote yet) → draft → submitted (every item answered) → confirmed (by the group leader).
enum class FormState { kOpen, kDraft, kSubmitted, kConfirmed };
// open → answered (by the school, with evidence) → accepted, or open again with a new term.
enum class RectificationState { kOpen, kAnswered, kAccepted };

std::string_view Code(CampaignState s);
std::string_view Code(FormState s);
std::string_view Code(RectificationState s);
std::string_view Label(CampaignState s);
std::string_view Label(FormState s);
std::string_view Label(RectificationState s);
// DataLoss naming `where` when a stored state is not one of the vocabulary.
absl::StatusOr<CampaignState> StoredCampaignState(std::string_view code);
absl::StatusOr<FormState> StoredFormState(std::string_view code);
absl::StatusOr<RectificationState> StoredRectificationState(std::string_view code);
// SQL lists for `state IN …`.
std::string Sql(std::initializer_list<CampaignState> states);
std::string Sql(std::initializer_list<RectificationState> states);

// Who plans, commits and publishes campaigns and sees every order: the discipline office and bureau leaders.
inline constexpr RoleSet kPlanners = kSupervisor | kLeader;
// Who re-checks rectifications: the planners and the inspectors.
inline constexpr RoleSet kCheckers = kSupervisor | kLeader | kInspector;

enum class CampaignAction { kCommit, kDraw, kPublishResults };
struct CampaignFacts {
  CampaignState state = CampaignState::kPlanned;
  bool is_witness = false;         // the caller is the named witness
  bool results_published = false;
};
absl::Status MayTake(CampaignAction a, const CampaignFacts& f, const Principal& who);

enum class FormAction { kSave, kSubmit, kAddEvidence, kConfirm };
struct FormFacts {
  FormState state = FormState::kOpen;
  bool member = false;  // the caller is in the form's group
  bool leader = false;  // the caller leads it
};
absl::Status MayTake(FormAction a, const FormFacts& f, const Principal& who);

enum class RectificationAction { kAnswer, kAddEvidence, kCheck };
struct RectificationFacts {
  RectificationState state = RectificationState::kOpen;
  bool own_school = false;  // the order is addressed to the caller's unit or a unit below it
};
absl::Status MayTake(RectificationAction a, const RectificationFacts& f, const Principal& who);

// The action codes the caller may take now, for the view.
std::vector<std::string> Actions(const CampaignFacts& f, const Principal& who);
std::vector<std::string> Actions(const FormFacts& f, const Principal& who);
std::vector<std::string> Actions(const RectificationFacts& f, const Principal& who);

}  // namespace qf::inspect
