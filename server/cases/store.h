// The cases domain's own storage helpers, shared by its store files (intake, transitions, views, lists,
// supervision) and by nothing outside the folder: the case row as read from the table, its deadlines, its
// messages, and the case's contribution to the dashboard rollups. Functions taking a Tx run inside a writer
// command; functions taking a Db read on the caller's connection. Not thread-safe beyond that.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "cases/cases.h"
#include "cases/deadlines.h"
#include "storage/db.h"
#include "org/org.h"
#include "storage/writer.h"

namespace qf::cases {

// The ledger subject of a case: "case:ID".
std::string Subject(int64_t id);

// A case row as stored.
struct Row {
  int64_t id = 0;
  std::string receipt, channel, category, kind, state_name, title, content, received_at, created_at;
  int64_t concerned_unit_id = 0, handling_unit_id = 0, owner = 0, registered_by = 0, replied_by_unit_id = 0;
  bool restricted = false, leadership = false, anonymous = true;
  bool concerned_unit_recognised = false;  // found in the text at intake, not chosen by a person
  std::optional<std::string> suspended_since, pending, accepted_at, dispatched_at, first_dispatched_at, signed_at,
      replied_at, closed_at, outcome, findings, proposal, reply, received_reason;
  std::optional<int64_t> satisfaction, revisit_satisfaction, merged_into, prior_case_id;
  std::string checklist, district, occurred_on, external_ref, reporter_handle;
  int64_t extension_days = 0, version = 0, redo_count = 0;
  std::string redactions = "[]";
  State state() const;
  // The pending extension request, when there is one: {days, reason}.
  struct Extension {
    int64_t days = 0;
    std::string reason;
  };
  std::optional<Extension> PendingExtension() const;
  bool ChecklistComplete() const;
};

// The columns ReadRow expects, in order, for "SELECT <kRowColumns> FROM cases c".
extern const char* const kRowColumns;
inline constexpr int kRowColumnCount = 45;
Row ReadRow(const Stmt& s);
absl::StatusOr<std::optional<Row>> LoadByReceipt(Db& db, const std::string& receipt);
// NotFound (case.not_found) when there is no such case.
absl::StatusOr<Row> LoadById(Db& db, int64_t id);
absl::StatusOr<std::vector<int64_t>> ConcernedPeople(Db& db, int64_t case_id);

absl::StatusOr<std::vector<Deadline>> LoadDeadlines(Db& db, int64_t case_id);
absl::StatusOr<std::optional<Deadline>> LoadDeadline(Db& db, int64_t case_id, DeadlineKind kind);
// Writes (or reopens) the deadline of `kind` started on `start` under the policy for the case; returns it.
absl::StatusOr<Deadline> SetDeadline(Tx& tx, const CaseEnv& env, const Row& c, DeadlineKind kind,
                                        absl::CivilDay start);
// Writes a deadline due on a day another domain fixed (a notice's final day).
absl::StatusOr<Deadline> SetFixedDeadline(Tx& tx, const CaseEnv& env, int64_t case_id, DeadlineKind kind,
                                             absl::CivilDay start, const NewCase::DueBy& due);
// Stores a deadline's due day, extension and suspension after they changed.
absl::Status UpdateDeadline(Tx& tx, int64_t case_id, const Deadline& d);
// Marks an open deadline met (or missed, if done after its day); nothing if it is not open.
absl::Status CloseDeadline(Tx& tx, int64_t case_id, DeadlineKind kind);
absl::Status CancelDeadline(Tx& tx, int64_t case_id, DeadlineKind kind);
// The deadline as the views and events show it (staff or public).
boost::json::object DeadlineJson(const Deadline& d, const CaseEnv& env, absl::CivilDay today, bool staff);

absl::Status AddMessage(Tx& tx, int64_t case_id, const std::string& kind, const std::string& body, bool is_public);
std::string OutcomeLabel(const std::string& outcome);
using org::UnitName;

// The facts the lifecycle's check needs of the case and of the person acting (transitions.cc).
absl::StatusOr<std::pair<CaseFacts, ActorFacts>> FactsFor(Db& db, const CaseEnv& env, const Row& c,
                                                          const Principal& who, absl::CivilDay today);

// A case's contribution to the dashboard rollups (rollup_day, rollup_dim): read before and after a command
// changes the case, and the difference applied in the same transaction. The rollups are derived data kept
// by the application on every backend (no triggers); reports/dashboard reads them.
struct Figures {
  std::string day;  // received day (China Standard Time); empty: no case
  std::string channel, category, district, state;
  bool named = false, replied = false, accepted = false, concluded = false;
  double handling_days = 0;
  std::optional<int64_t> rating;  // the reporter's own rating, else the staff follow-up's
  DeadlineStatus handling = DeadlineStatus::kCancelled, acceptance = DeadlineStatus::kCancelled;
};
absl::StatusOr<Figures> LoadFigures(Db& db, int64_t case_id);
// Adds after − before to the rollups.
absl::Status ApplyFigures(Tx& tx, const Figures& before, const Figures& after);

// The case list's statements as assembled from the filters given (list.cc), with their values in order: the
// count (up to `cap`) and the page (its last two values, LIMIT and OFFSET, are bound by the caller). Exposed for
// the plan test, which holds every shape to an index.
struct ListQuery {
  std::string count_sql, page_sql;
  std::vector<std::variant<int64_t, std::string>> args, count_args;  // page_sql's and count_sql's parameters
  int64_t cap = 0;
  std::optional<std::string> match;  // the FTS5 expression, when words were given
  // A common word newest first: the same list chosen among the word's newest matches, without a probe of
  // the index per case walked. `newest_sql` lists those matches (binds: the query, how many); `cut_count_sql` and
  // `cut_page_sql` take args / count_args with the value at `cut_arg` replaced by their ids (a JSON array);
  // `later_sql` (binds: a received time, an id, then args) finds a match outside them that would sort before a row
  // received at that time. Empty when the list is not of that shape.
  std::string newest_sql, cut_count_sql, cut_page_sql, later_sql;
  size_t cut_arg = 0;
  bool newest_complete = true;  // see search::Membership
  // By relevance, whether the page and count above cover every match (false: the newest kRankedMatches only).
  bool every_match = true;
  // A common word by relevance over filters that pick many cases: the page chosen among the word's champion list
  // (search/champions.h) when that is provably the list's page. `candidates_sql` (binds: candidates_args, then the
  // candidates' ids as a JSON array) keeps those the filters pass; `rows_sql` (binds: ids) reads the page's rows;
  // `match_count_sql` (binds: match_count_args) counts the matches the filters pass, up to the cap. When they are
  // few, `few_page_sql` (binds: few_page_args, limit, offset) scores each of them.
  bool champions = false;
  std::string candidates_sql, rows_sql, match_count_sql, few_page_sql;
  std::vector<std::variant<int64_t, std::string>> candidates_args, match_count_args, few_page_args;
  // page_sql's rows end with the number of cases its filters pass (a window over the few cases of a handler's
  // subtree, which the page sorts whole anyway): count_sql is run only when the page is empty.
  bool page_counts = false;
};
absl::StatusOr<ListQuery> PlanList(Db& db, const ListFilter& f, const Principal& who, absl::Time now);

}  // namespace qf::cases
