// Public notices (公示): notice types from data/notices/types.toml (duration, the fields the public may see and
// each field's masking), list import with validation (for 政策加分 only the highest item of a candidate counts,
// capped), the exact public view, publication with the list's hash in the ledger, the calendar-aware window,
// objections that become cases routed to the issuing unit, and corrections with a visible note. Masking and
// import checks are pure; store functions run inside writer commands (Tx) or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cases/cases.h"
#include "common/calendar.h"
#include "common/status.h"
#include "common/table_file.h"
#include "auth/roles.h"
#include "storage/writer.h"

namespace qf::notices {

// How a field is shown to the public.
enum class Mask { kNone, kMiddle, kId64, kHidden };

struct FieldSpec {
  std::string key, label;
  std::string kind;  // name, id_number, phone, address, school, points, text
  bool required = false;
  bool is_public = false;
  Mask mask = Mask::kHidden;
};

struct NoticeType {
  std::string code, name, basis;
  Term duration;
  int review_working_days = 5;
  double max_points = 0;      // 0: no cap
  bool highest_only = false;  // one entry per `key` field: the highest points count
  std::string key;            // the field that identifies a candidate (for highest_only)
  std::vector<FieldSpec> fields;
  const FieldSpec* Field(std::string_view key) const;
};

class NoticeTypes {
 public:
  // Loads and checks the types file; refuses a type that would publish an ID number whole, a phone or an address.
  static absl::StatusOr<NoticeTypes> Load(const std::string& path);
  static absl::StatusOr<NoticeTypes> Parse(std::string_view toml_text, std::string_view source);
  const NoticeType* Find(std::string_view code) const;
  const std::vector<NoticeType>& all() const { return types_; }

 private:
  std::vector<NoticeType> types_;
};

// A field's value as its mask shows it (common/mask.h: names 张*明, ID numbers first 6 and last 4).
std::string ApplyMask(Mask mask, std::string_view value);

// One candidate row of an imported list, with every field's raw value.
struct Entry {
  int seq = 0;         // 1-based position in the published list
  int row_number = 0;  // the file's row
  boost::json::object data;
  bool counted = true;  // false when a higher item of the same candidate counts instead
  std::string note;     // why not counted, or a correction note
};

struct ImportResult {
  std::vector<Entry> entries;
  std::vector<FieldError> errors;    // the list cannot be used while any remain
  std::vector<FieldError> warnings;  // rows that do not count (lower items of the same candidate)
};
// Validates a list against its type (pure apart from the school lookup `school_exists`).
ImportResult CheckList(const NoticeType& type, const Table& table,
                       const std::function<bool(const std::string&)>& school_exists);

// What the public sees of one entry: only public fields, masked.
boost::json::object PublicEntry(const NoticeType& type, const Entry& e);
// SHA-256 (hex) of the canonical public list: what the ledger records at publication and after each correction.
std::string PublicListHash(const boost::json::array& public_entries);

// The window: counted in full days from the day after publication (民法典 第二百零一条: the start day is not
// counted), so a 3-day notice published on Monday runs to the end of Thursday; the notice closes at the end of
// its last day (a term ending on a rest day runs to the next working day, 第二百零三条); objections are
// answered by the final day.
struct Window {
  absl::Time opens_at, closes_at;
  absl::CivilDay last_day, final_day;
};
Window WindowFor(const NoticeType& type, const Calendar& cal, absl::Time publish_at);

// Store. Created as a draft from an imported table; errors refuse the draft (nothing is written).
struct NoticeEnv {
  const NoticeTypes* types;
  const Calendar* calendar;
  cases::CaseEnv case_env;
};
// A notice's stored state, and its status as shown: a published notice is scheduled before its window, open during
// it and closed after it until made final.
enum class NoticeState { kDraft, kPublished, kFinal, kArchived };
enum class NoticeStatus { kDraft, kScheduled, kOpen, kClosed, kFinal, kArchived };
std::string_view Code(NoticeState s);
absl::StatusOr<NoticeState> StoredNoticeState(std::string_view code);
std::string Sql(std::initializer_list<NoticeState> states);  // for `state IN …`
std::string_view Code(NoticeStatus s);
std::string_view Label(NoticeStatus s);
NoticeStatus StatusAt(NoticeState state, std::optional<absl::Time> publish_at, std::optional<absl::Time> closes_at,
                      absl::Time now);

// What may be done to a notice, by whom and when: one rule per action, checked by the command and listed in the
// staff view (`actions`). Only staff who manage the notice (MayManage) act; a draft is published, a published
// list corrected (an upheld objection) until final, a closed window made final once every objection is answered,
// a final notice archived.
enum class NoticeAction { kPublish, kCorrect, kFinalize, kArchive };
struct NoticeFacts {
  NoticeStatus status = NoticeStatus::kDraft;
  bool manages = false;
  int64_t unanswered_objections = 0;
};
absl::Status MayTake(NoticeAction action, const NoticeFacts& facts);
std::vector<std::string> Actions(const NoticeFacts& facts);

// A new draft: its type and title (the list comes as a file).
struct DraftRequest {
  std::string type, title;
};
absl::StatusOr<DraftRequest> ParseDraft(std::string_view type, std::string_view title);
absl::StatusOr<boost::json::object> CreateDraft(Tx& tx, const NoticeEnv& env, const std::string& type,
                                                const std::string& title, int64_t issuing_unit_id, const Table& table);
// Who may act for a notice: a supervisor, or staff of the issuing unit or a unit above it (NotFound when there is
// no such notice; PermissionDenied notice.scope otherwise). Every write below checks it first.
absl::Status MayManage(Db& db, int64_t notice_id, const Principal& who);
absl::StatusOr<boost::json::object> Publish(Tx& tx, const NoticeEnv& env, int64_t id, absl::Time publish_at,
                                            const Principal& who);
// After the window: final once every objection has been answered.
absl::StatusOr<boost::json::object> Finalize(Tx& tx, const NoticeEnv& env, int64_t id, const Principal& who);
absl::StatusOr<boost::json::object> Archive(Tx& tx, int64_t id, const Principal& who);

// An objection from the public during the window: about one entry (by its number) or the whole list.
struct ObjectionRequest {
  std::optional<int> entry_seq;
  std::string name, phone, content;
};
absl::StatusOr<ObjectionRequest> ParseObjection(const boost::json::object& body);
// Becomes a named case routed to the issuing unit, due by the final day.
absl::StatusOr<boost::json::object> Object(Tx& tx, const NoticeEnv& env, int64_t id, const ObjectionRequest& r);

// An upheld objection: "correct" replaces fields of an entry (text or numbers, re-checked as an import would),
// "remove" withdraws it; both keep a visible note, and may name the objection's case.
struct CorrectionRequest {
  bool remove = false;
  std::string note;
  std::optional<int64_t> case_id;
  std::vector<std::pair<std::string, boost::json::value>> fields;
};
absl::StatusOr<CorrectionRequest> ParseCorrection(const boost::json::object& body);
absl::StatusOr<boost::json::object> Correct(Tx& tx, const NoticeEnv& env, int64_t id, int seq,
                                            const CorrectionRequest& r, const Principal& who);

// ---- Figures for the half-year summary ----
struct NoticeFigures {
  std::string title, type_name;
  absl::CivilDay published_on;   // Beijing day
  Term duration;                 // how long it was open to objections
  int schools = 0, candidates = 0;  // distinct schools and candidates on the counted list
  int objections = 0, answered = 0, corrected = 0, removed = 0;
};
// The notices published in [from, to] (Beijing days), oldest first: the list's reach, the objections it drew, how
// many are answered and what they changed.
absl::StatusOr<std::vector<NoticeFigures>> PublishedBetween(Db& db, const NoticeTypes& types, absl::CivilDay from,
                                                            absl::CivilDay to);

// Reads. The public list shows only published notices (open, closed, final), and checks the stored list against
// the hash the ledger recorded.
absl::StatusOr<boost::json::object> PublicList(Db& db, const NoticeEnv& env, absl::Time now);
absl::StatusOr<boost::json::object> PublicView(Db& db, const NoticeEnv& env, int64_t id, absl::Time now);
absl::StatusOr<boost::json::object> StaffList(Db& db, const NoticeEnv& env, absl::Time now);
// Staff view: full entries, the import's warnings, the preview (exactly what the public will see), objections.
absl::StatusOr<boost::json::object> StaffView(Db& db, const NoticeEnv& env, int64_t id, const Principal& who,
                                              absl::Time now);

}  // namespace qf::notices
