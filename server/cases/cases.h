// Complaint and report cases: intake from every channel, routing with the never-to-the-accused wall,
// deadlines from policy and calendar, the lifecycle transitions, the staff and public views, lists with
// scope, supervision cards, orders and escalation documents. Functions taking a Tx run inside a writer
// command and append their events; functions taking a Db read on the caller's connection. Writes take typed
// requests (cases/commands.h) parsed at the edge.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cases/commands.h"
#include "cases/deadlines.h"
#include "cases/lifecycle.h"
#include "cases/policy.h"
#include "common/calendar.h"
#include "common/table_file.h"
#include "org/org.h"
#include "auth/roles.h"
#include "storage/writer.h"

namespace qf::org {
class UnitNames;
}

namespace qf::vault {
class Vault;
}

namespace qf::cases {

// The most rows one export of the case list holds (the console says so when a view has more).
inline constexpr int64_t kMaxExportRows = 10000;

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
  // Staff and imports may state when the item arrived (a letter that came yesterday); never in the future, and
  // further back than the intake policy allows only with a reason. Otherwise now.
  std::optional<absl::Time> received_at;
  std::string received_reason;
  int64_t concerned_unit_id = 0;
  std::vector<int64_t> concerned_person_ids;
  bool leadership_accused = false;
  bool anonymous = true;
  std::string reporter_name, reporter_phone, reporter_address;
  bool reporter_notify = false;  // a named reporter agreed to be told of progress by text message (notify/)
  std::string external_ref;
  int64_t registered_by = 0;  // account id; 0 for the public
  std::vector<Attachment> attachments;
  // An earlier case of the same matter: its receipt code (the reporter's own) or, from staff, its id. When that
  // case was closed for good by 复核, the new one is registered and answered 不再受理 (第三十六条).
  std::string prior_receipt;
  int64_t prior_case_id = 0;
  // Set by other domains, never by a request body: an objection to a public notice goes to the issuing unit
  // (still subject to the wall) and must be answered by the day the list becomes final.
  int64_t route_to_unit_id = 0;
  struct DueBy {
    absl::CivilDay day;
    std::string policy_id, clause;
  };
  std::optional<DueBy> due_by;
};

// Validates a case submission body (public or staff). `staff` allows channel, received_at (with
// received_reason), people and prior_case_id.
absl::StatusOr<NewCase> ParseNewCase(const boost::json::object& body, bool staff);

// What registration did: routing, the wall, deadlines, and the event's place in the ledger.
struct Registered {
  int64_t id = 0;
  int64_t leaf_index = 0;
  std::string receipt;  // as displayed
  State state = State::kRegistered;
  int64_t handling_unit_id = 0;
  std::string rule, basis;
  bool restricted = false;
  int64_t prior_case_id = 0;
  std::vector<Deadline> deadlines;
};
// Where a case goes: the first routing rule in data for its category and concerned unit (or `route_to_unit_id`,
// the unit that published a notice objected to), then the wall (a unit related to the concerned unit or people
// never handles it: the discipline office does). Used at registration and when the concerned unit is corrected at
// acceptance.
struct Routed {
  int64_t handling_unit_id = 0;
  bool restricted = false;
  std::string rule, basis;
};
absl::StatusOr<Routed> RouteCase(Tx& tx, const CaseEnv& env, const std::string& category,
                                 const std::optional<org::Unit>& unit, const std::vector<int64_t>& people,
                                 bool leadership_accused, int64_t route_to_unit_id = 0);
// Registers the case: routing, deadlines, reporter stored apart, event "case.registered" (and, for a matter
// closed for good, "case.decline" with the clause).
absl::StatusOr<Registered> Register(Tx& tx, const CaseEnv& env, const NewCase& c);

// What a staff action did.
struct TransitionResult {
  int64_t id = 0;
  State state = State::kRegistered;
  int64_t version = 0;
  std::vector<Deadline> deadlines;  // set or moved by the action
};
// Applies a staff action (checked by the lifecycle, the wall and the rules of 信访工作条例).
absl::StatusOr<TransitionResult> Transition(Tx& tx, const CaseEnv& env, int64_t case_id, const TransitionRequest& r,
                                            const Principal& who);

// One action taken on many cases at once (受理, 交办, 签收 from the list): a case the action does not fit (signed
// meanwhile, out of scope, walled) is reported with its reason, checked before anything is written, and the others
// go ahead; each applied action is its own ledger event, as if taken one by one.
struct BatchOutcome {
  int64_t case_id = 0;
  absl::StatusOr<TransitionResult> result;
};
absl::StatusOr<std::vector<BatchOutcome>> BatchTransition(Tx& tx, const CaseEnv& env, const std::vector<int64_t>& ids,
                                                          const TransitionRequest& r, const Principal& who);

// Whether `who` may see case `id` (the detail's scope and walls); false when there is no such case.
absl::StatusOr<bool> MaySee(Db& db, int64_t id, const Principal& who);

// The public's own actions by receipt code.
absl::Status PublicAction(Tx& tx, const CaseEnv& env, const std::string& receipt, const PublicRequest& r);

// The statement of a case's timeline in StaffView (bound: the case's subject), for the test that holds it to
// its index: a case's readings (case.viewed) are never walked to show its timeline.
const std::string& TimelineSql();

// Reads. NotFound both when the case does not exist and when `who` may not see it (no existence leak).
absl::StatusOr<boost::json::object> StaffView(Db& db, const CaseEnv& env, int64_t case_id, const Principal& who,
                                              absl::Time now);
absl::StatusOr<boost::json::object> PublicView(Db& db, const CaseEnv& env, const std::string& receipt,
                                               absl::Time now);
// The likely repeats of a case, offered to intake staff (clerk, supervisor) while a merge is still possible (the
// case registered or accepted): {offered, items}, each item one `who` may see with why it is offered. Asked apart
// from StaffView (which says whether they are offered), so that the case shows before the finder has run.
absl::StatusOr<boost::json::object> RepeatsView(Db& db, const CaseEnv& env, int64_t case_id, const Principal& who);

struct ListFilter {
  std::string state, channel, category, district;
  int64_t unit_id = 0;
  bool overdue = false;
  // Only cases with an open watched deadline due on or before this day (MyAlerts: the horizon of its colours).
  std::optional<absl::CivilDay> due_by;
  bool mine = false;                    // only cases waiting for an action of the caller (or the caller's unit)
  std::string q;                        // a receipt code, or words in the title
  std::optional<std::string> from, to;  // received day range, inclusive
  // Only these cases (another domain's page listing the cases linked to it: a livelihood project's complaints).
  std::optional<std::vector<int64_t>> ids;
  std::string sort = "received_at";     // received_at | due_on | state | id
  bool ascending = false;
  int64_t offset = 0;
  int64_t limit = 50;
};
// The list's sort keys, for validation.
bool IsListSortKey(std::string_view key);
absl::StatusOr<boost::json::object> List(Db& db, const CaseEnv& env, const ListFilter& f, const Principal& who,
                                         absl::Time now);

// My work's cards: how many of the caller's waiting cases (ListFilter::mine) show red and yellow today, counted over
// all of them, not a page ({red, yellow}, capped: true when there were more to colour than a request reads).
absl::StatusOr<boost::json::object> MyAlerts(Db& db, const CaseEnv& env, const Principal& who, absl::Time now);

// Issues yellow and red cards for open watched deadlines as of `now` (each at most once); returns how many.
absl::StatusOr<int> SweepSupervision(Tx& tx, const CaseEnv& env);

// A supervision order (督办单): the note and a term of 1 to the policy's maximum working days.
struct OrderRequest {
  std::string note;
  int due_working_days = 0;
};
absl::StatusOr<OrderRequest> ParseOrder(const boost::json::object& body, const Policies& policies);
struct OrderIssued {
  int64_t id = 0, level = 0;
  std::string due_on, rule;
};
absl::StatusOr<OrderIssued> IssueOrder(Tx& tx, const CaseEnv& env, int64_t case_id, const OrderRequest& r,
                                       const Principal& who);
// The handling unit answers an order.
absl::Status AnswerOrder(Tx& tx, int64_t order_id, const std::string& answer, const Principal& who);
// An escalation document (催办函 or 通报批评) for an overall deadline overdue by the policy's working days.
struct EscalationIssued {
  int64_t id = 0;
  std::string kind, label, deadline_kind, due_on, text;
  int overdue_working_days = 0;
};
absl::StatusOr<EscalationIssued> IssueEscalation(Tx& tx, const CaseEnv& env, int64_t case_id,
                                                 const std::string& kind, const Principal& who);
absl::StatusOr<boost::json::object> SupervisionBoard(Db& db, const CaseEnv& env, const Principal& who,
                                                     absl::Time now);

// Bulk import of hotline and platform transfers (CSV or XLSX), all or nothing unless accept_valid. Rows received
// further back than the intake policy allows take `backdate_reason`, or are rejected. Columns are found by any of
// the names platforms give them (12345's 诉求标题, 诉求内容 …); a column of no known name is listed, not dropped
// silently. A unit is found by its code, its name or a name people write for it (the unit matcher, with aliases);
// a name found nowhere is listed with the closest units for the clerk to pick (`unit_map`, name → unit), and a
// pick is kept as the unit's alias when `remember_units`, so that the next file matches by itself.
struct UnmatchedUnit {
  std::string name;
  std::vector<std::pair<int64_t, std::string>> candidates;  // unit id, name
};
struct CaseImportReport {
  int applied = 0;
  std::vector<FieldError> rejected;  // the first kMaxListedProblems
  int problems = 0;                  // all of them
  std::vector<std::string> unknown_columns;
  std::vector<UnmatchedUnit> unmatched_units;
  int aliases_added = 0;
};
struct CaseImportOptions {
  std::string default_channel;
  bool accept_valid = false;
  int64_t registered_by = 0;
  std::string backdate_reason;
  std::map<std::string, int64_t> unit_map;
  bool remember_units = false;
  ImportProgress progress = {};  // every 100 rows (the command line's bar, the console's)
};
// The case import's kind in data/imports/columns.toml and the fields ImportCases reads from its columns there.
inline constexpr std::string_view kCaseImport = "cases";
std::vector<std::string_view> CaseImportFields();
// An import's rows taken a part at a time, each part a writer command of its own: what the rows so far found, kept
// from one part to the next (the console's check of a long file, whose parts are rolled back, so that other writes
// go between them instead of waiting for the whole file). A ticket repeated within the file is refused, naming the
// row it repeats, whichever part that row was in. `head` is the file's header (a table read whole, or a stream's head).
class CaseImport {
 public:
  // Refused when the header lacks a required column.
  static absl::StatusOr<std::unique_ptr<CaseImport>> Begin(const ImportColumns& columns, const Table& head,
                                                           CaseImportOptions o);
  // Rows from `next` (RowsOf) until it ends (true) or, looked at after each row, `until` has passed (false).
  absl::StatusOr<bool> Rows(Tx& tx, const CaseEnv& env, const NextRow& next,
                            absl::Time until = absl::InfiniteFuture());
  // After the last row: refused whole when a row was bad, unless accept_valid; the clerk's picks kept as aliases
  // when remember_units.
  absl::StatusOr<CaseImportReport> Finish(Tx& tx);
  // What the rows so far found.
  CaseImportReport report() const;

 private:
  CaseImport(CaseImportOptions o) : o_(std::move(o)) {}
  absl::Status Row(Tx& tx, const CaseEnv& env, const org::UnitNames& names, const std::vector<std::string>& row,
                   int number);
  CaseImportOptions o_;
  std::map<std::string, int> at_;              // field → column, -1 when absent
  CaseImportReport report_;  // but for the rows' counts and problems, kept in rows_
  RowReport rows_;
  std::map<std::string, size_t> unmatched_;    // name → index in report_.unmatched_units
  std::map<std::string, int64_t> used_picks_;  // name → unit, the clerk's picks the rows used
  std::map<std::string, int> tickets_;         // channel and ticket number → the row that brought it in
};
// Every row of an import in one command.
absl::StatusOr<CaseImportReport> ImportCases(Tx& tx, const CaseEnv& env, const ImportColumns& columns, const Table& head,
                                             const NextRow& next, const CaseImportOptions& o);

// How many of these cases are still unanswered: not replied and not closed for handling (IsTerminal).
absl::StatusOr<int64_t> CountUnanswered(Db& db, const std::vector<int64_t>& case_ids);

// The ledger leaf (index) of a case's registration event, by receipt code; NotFound when there is no such case.
absl::StatusOr<uint64_t> RegistrationLeaf(Db& db, const std::string& receipt);

// The discipline office opens a named reporter's identity: records "reporter.identity_opened" with the stated
// reason (in this transaction, before anything is revealed) and returns the sealed blob for the caller to open.
absl::StatusOr<std::string> OpenReporterIdentity(Tx& tx, int64_t case_id, const std::string& reason, const Principal& who);
// A file the reporter attached, opened by staff who may see the case (the same scope and walls; NotFound otherwise):
// records "case.attachment_opened" (who, which file by its SHA-256) in this transaction and returns what the
// caller then reads and sends. Only JPEG, PNG and PDF keep their type; anything else goes out as bytes.
struct AttachmentRef {
  std::string name, mime, sha256;
  int64_t size = 0;
};
absl::StatusOr<AttachmentRef> OpenAttachment(Tx& tx, int64_t case_id, const std::string& sha256, const Principal& who);
// The file's bytes (a reading connection).
absl::StatusOr<std::string> AttachmentBytes(Db& db, const std::string& sha256);
// Records that `who` reads case `case_id` ("case.viewed", 访问留痕) before it is answered, after the case's scope and
// walls: NotFound (and nothing recorded) when the caller may not see it.
absl::Status RecordCaseRead(Tx& tx, int64_t case_id, const Principal& who);
// The case's access log for the discipline office, newest first (at most `limit`): reads, attachments opened and
// reporter identities opened (with the stated reason), each with who, their unit and when. NotFound as for a read.
absl::StatusOr<boost::json::object> AccessLogJson(Db& db, int64_t case_id, const Principal& who, int limit);
// The discipline office's access log across cases: one kind of read (an event kind, ReadEventKind; empty: every
// kind), one person's (an account; 0: anyone's), within CST days (inclusive), older than event `before` (0: the newest).
struct AccessQuery {
  std::string_view kind;
  int64_t account_id = 0;
  std::optional<absl::CivilDay> from, to;
  int64_t before = 0;
  int limit = 50;
};
// The statement that reads one chunk of it, by the partial indexes events_reads_by (one account's) or events_reads
// (one kind): binds the actor, the kind (each when asked), the sequence's upper (excluded) and lower bound, a limit.
std::string AccessLogSql(bool by_account, bool by_kind);
// The event kind of a read as the query names it (case, file, identity).
std::optional<std::string_view> ReadEventKind(std::string_view word);
// The reads `q` asks for, newest first, of the cases `who` may see (scope and walls; others' rows are left out),
// each as in the case's log with its case's id and title; `next_before` when there are more.
absl::StatusOr<boost::json::object> AccessLogAcross(Db& db, const AccessQuery& q, const Principal& who);
// Seals reporter rows stored in plain text by earlier versions; returns how many.
absl::StatusOr<int> SealLegacyReporters(Tx& tx, const CaseEnv& env);

// Recomputes provisional deadlines whose years now have a loaded notice, keeping the extension and suspension
// applied to each; returns how many changed.
absl::StatusOr<int> RecomputeProvisional(Tx& tx, const CaseEnv& env);
// Keeps a year's State Council notice an administrator loaded (it replaces the year wholesale, and is applied at
// every start after the shipped files); the act is a ledger event. Returns the notice's version ("2027:<sha>").
absl::StatusOr<std::string> SaveCalendarYear(Tx& tx, int year, const std::string& text, int64_t by);
// Applies the kept notices to `calendar` (at start).
absl::Status ApplyCalendarYears(Db& db, Calendar& calendar);

}  // namespace qf::cases
