// The card sweep of deadlines held outside cases (rectification orders, inspection results, responsibility tasks
// and letters), on the one card rule (cases::Assess): for each open deadline the card due today is recorded once
// per deadline, kind and due day in the caller's table, with its ledger event. Runs inside a writer command.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "cases/policy.h"
#include "common/calendar.h"
#include "storage/writer.h"

namespace qf::cases {

// One open deadline: the values of the table's key columns, the ledger subject its card is recorded on, and the
// due day as stored.
struct OpenDue {
  std::vector<std::variant<int64_t, std::string>> key;
  std::string subject;
  std::string due_on;
};
struct CardSweep {
  const char* table;    // rectification_cards, campaign_cards, duty_cards …
  const char* columns;  // the key columns, as many as OpenDue::key holds ("task_id, period")
  const char* event;    // rectification.card …
  const char* what;     // what the due day belongs to, for an unreadable date
  boost::json::object extra;  // more of the event's payload
};
absl::StatusOr<int> IssueCards(Tx& tx, const Calendar& calendar, const SupervisionPolicy& policy,
                               const std::vector<OpenDue>& open, const CardSweep& sweep);

}  // namespace qf::cases
