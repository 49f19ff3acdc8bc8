// Complaint and report cases: intake from every channel, routing with the never-to-the-accused wall,
// deadlines from policy and calendar, the lifecycle transitions, the staff and public views, lists with
// scope, supervision cards and orders, and statistics. Functions taking a Tx run inside a writer command
// and append their events; functions taking a Db read on the caller's connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cases/lifecycle.h"
#include "cases/policy.h"
#include "common/calendar.h"
#include "common/table_file.h"
#include "http/http.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::cases {

struct CaseEnv {
  const Calendar* calendar;
  const Policies* policies;
  const vault::Vault* vault = nullptr;  // seals reporter identities; required for named cases
};

struct Attachment {
  std::string name;
  std::string data;
};

struct NewCase {
  std::string channel;
  std::string category;
  std::string kind = "complaint";
  std::string title;
  std::string content;
  std::optional<std::string> occurred_on;
  std::optional<absl::Time> received_at;  // imports carry the platform's time; otherwise now
  int64_t concerned_unit_id = 0;
  std::vector<int64_t> concerned_person_ids;
  bool leadership_accused = false;
  bool anonymous = true;
  std::string reporter_name, reporter_phone, reporter_address;
  std::string external_ref;
  int64_t registered_by = 0;  // account id; 0 for the public
  std::vector<Attachment> attachments;
  // Set by other domains, never by a request body: an objection to a public notice goes to the issuing unit
  // (still subject to the wall) and must be answered by the day the list becomes final.
  int64_t route_to_unit_id = 0;
  struct DueBy {
    absl::CivilDay day;
    std::string policy_id, clause;
  };
  std::optional<DueBy> due_by;
};

// Validates a case submission body (public or staff). `staff` allows channel, received_at and people.
absl::StatusOr<NewCase> ParseNewCase(const boost::json::object& body, bool staff);

// Registers the case: routing, deadlines, reporter stored apart, event "case.registered".
// Returns {id, receipt, state, handling_unit_id, restricted, deadlines}.
absl::StatusOr<boost::json::object> Register(Tx& tx, const CaseEnv& env, const NewCase& c);

// Applies a staff action with its parameters (checked by the lifecycle and the wall).
absl::StatusOr<boost::json::object> Transition(Tx& tx, const CaseEnv& env, int64_t case_id, Action action,
                                               const boost::json::object& params, const Principal& who);

// The public's own actions by receipt code: "add_info", "answer", "rate", "request_review", "request_rereview".
absl::StatusOr<boost::json::object> PublicAction(Tx& tx, const CaseEnv& env, const std::string& receipt,
                                                 const std::string& action, const boost::json::object& params);

// Reads. NotFound both when the case does not exist and when `who` may not see it (no existence leak).
absl::StatusOr<boost::json::object> StaffView(Db& db, const CaseEnv& env, int64_t case_id, const Principal& who,
                                              absl::Time now);
absl::StatusOr<boost::json::object> PublicView(Db& db, const CaseEnv& env, const std::string& receipt,
                                               absl::Time now);

struct ListFilter {
  std::string state, channel, category, district;
  int64_t unit_id = 0;
  bool overdue = false;
  bool mine = false;                    // only cases waiting for an action of the caller (or the caller's unit)
  std::string q;                        // a receipt code, or words in the title
  std::optional<std::string> from, to;  // received day range, inclusive
  std::string sort = "received_at";     // received_at | due_on | state | id
  bool ascending = false;
  int64_t offset = 0;
  int64_t limit = 50;
};
// The list's sort keys, for validation.
bool IsListSortKey(std::string_view key);
absl::StatusOr<boost::json::object> List(Db& db, const CaseEnv& env, const ListFilter& f, const Principal& who,
                                         absl::Time now);

// Issues yellow and red cards for open deadlines as of `now` (each at most once); returns how many.
absl::StatusOr<int> SweepSupervision(Tx& tx, const CaseEnv& env);
absl::StatusOr<boost::json::object> IssueOrder(Tx& tx, const CaseEnv& env, int64_t case_id,
                                               const boost::json::object& params, const Principal& who);
absl::StatusOr<boost::json::object> AnswerOrder(Tx& tx, int64_t order_id, const boost::json::object& params,
                                                const Principal& who);
absl::StatusOr<boost::json::object> SupervisionBoard(Db& db, const Principal& who);

// Items by channel, category, state, district and month received between two CST days (inclusive), computed
// from the case rows themselves: the baseline that reports::Dashboard (rollups) must equal and outrun.
absl::StatusOr<boost::json::object> StatsFromCases(Db& db, const std::string& from, const std::string& to, absl::Time now);

// Bulk import of hotline and platform transfers (CSV or XLSX), all or nothing unless accept_valid.
struct CaseImportReport {
  int applied = 0;
  std::vector<FieldError> rejected;
};
absl::StatusOr<CaseImportReport> ImportCases(Tx& tx, const CaseEnv& env, const Table& t,
                                             const std::string& default_channel, bool accept_valid,
                                             int64_t registered_by);

// The discipline office opens a named reporter's identity: records "reporter.identity_opened" with the stated
// reason (in this transaction, before anything is revealed) and returns the sealed blob for the caller to open.
absl::StatusOr<std::string> OpenReporterIdentity(Tx& tx, int64_t case_id, const std::string& reason, const Principal& who);
// Seals reporter rows stored in plain text by earlier versions; returns how many.
absl::StatusOr<int> SealLegacyReporters(Tx& tx, const CaseEnv& env);

// Recomputes provisional deadlines whose years now have a loaded notice; returns how many changed.
absl::StatusOr<int> RecomputeProvisional(Tx& tx, const CaseEnv& env);

}  // namespace qf::cases
