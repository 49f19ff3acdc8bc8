// The typed commands of the case lifecycle: what a staff action or a reporter's action carries, parsed and
// validated from the request body at the edge (every problem named by field) before anything reaches the
// writer. The per-action field table here is also what the console's forms are built from (StaffView sends it
// with each allowed action), so the web never restates which action needs what. Pure; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cases/lifecycle.h"

namespace qf::cases {

// A staff action on a case. Each action reads only its own fields (ActionFields).
struct TransitionRequest {
  Action action = Action::kAccept;
  std::optional<int64_t> version;  // optimistic check: the case's version the person saw
  std::string note;                // an internal note, on any action
  std::string text;                // the action's text: reason, findings, proposal, reply, question or answer
  std::string outcome;             // propose: support | explain | reject
  int64_t unit_id = 0;             // dispatch: a unit other than the one routing chose
  std::vector<std::string> redact; // dispatch: passages that identify the reporter
  int days = 0;                    // request_extension
  std::optional<int> satisfaction; // revisit: the rating the reporter gave the follow-up call
  int64_t into_case_id = 0;        // merge
  std::vector<std::pair<std::string, bool>> checklist;  // update_checklist
  bool verified = false;           // verify_real_name
  bool hearing = false;            // suspend: for a hearing (听证), whose time a re-review does not count
  std::string document_ref;        // answer_review / answer_rereview recorded from a body outside: its 文号
  std::optional<absl::CivilDay> received_on;  // … and the day its opinion arrived
  int64_t final_case_id = 0;       // decline: the same matter was closed for good by 复核 in this case
  int64_t concerned_unit_id = 0;   // accept: the concerned unit corrected (one recognised in the text, or none)
};

// A form field of an action, as the console shows it.
enum class FieldKind { kText, kTextarea, kUnit, kOutcome, kDays, kCase, kBool, kRating, kLines, kDay };
struct ActionField {
  const char* name;
  FieldKind kind;
  bool required;
};
std::string_view FieldKindName(FieldKind k);
// The fields of an action (the note is always allowed and listed last where it applies).
const std::vector<ActionField>& ActionFields(Action a);
// How the console presents an action: shown in red and confirmed, or as the main step forward.
bool IsDangerous(Action a);
bool IsPrimary(Action a);

// Whether the console offers the action on many cases at once: the steps that ask for nothing but an optional note
// (受理, 交办 to the routed unit, 签收). Deciding, replying and closing stay one case at a time.
bool IsBatchable(Action a);
inline constexpr size_t kMaxBatchCases = 100;
// Parses {"action", "case_ids": [1..100 distinct ids], "note"?, "unit_id"?} for a batch; "action" when it is not
// batchable.
absl::StatusOr<std::pair<std::vector<int64_t>, TransitionRequest>> ParseBatch(const boost::json::object& body);

// Parses {"action": …, "version"?, "note"?, …} into a request; InvalidArgument naming every bad field, and
// "action" when the action is unknown or not a staff action.
absl::StatusOr<TransitionRequest> ParseTransition(const boost::json::object& body);

// The reporter's own actions by receipt code.
enum class PublicActionKind { kAddInfo, kAnswer, kRate, kRequestReview, kRequestRereview };
std::optional<PublicActionKind> ParsePublicActionKind(std::string_view name);
std::string_view PublicActionName(PublicActionKind k);
struct PublicRequest {
  PublicActionKind kind = PublicActionKind::kAddInfo;
  std::string text;                 // add_info, answer: the text; request_*: the reason
  int satisfaction = 0;             // rate
  std::string comment;              // rate
};
absl::StatusOr<PublicRequest> ParsePublicAction(std::string_view action, const boost::json::object& body);

}  // namespace qf::cases
