// The working-day calendar on which legal terms are counted. One instance is shared by every thread: reads
// answer from an immutable per-day table (the kind of each day and a running count of working days, so that a
// day's kind and the working days between two days are one lookup each), swapped atomically when an
// administrator loads a year's notice at run time (AddYear); old tables stay alive until the calendar goes.
// Days outside the table, and explanations with holiday names, fall back to the year maps under a mutex.
//
// Rules (DOMAIN.md): the start day is not counted; a term of calendar days whose last day is not a working
// day ends on the next working day (民法典 第二百零一至二百零三条); a term of working days skips weekends and
// holidays and counts make-up working days (调休). Years with a loaded State Council notice use it; other
// years fall back to the statutory holidays of 《全国年节及纪念日放假办法》 (2024) 第二条 with lunar dates from
// ICU's Chinese calendar, and results that touch such a year are marked provisional.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"

namespace qf {

enum class DayKind { kWorkday, kWeekend, kHoliday, kMakeupWorkday };

struct DayInfo {
  DayKind kind;
  std::string name;  // 春节, 调休上班 … empty for ordinary days
  bool provisional;  // the year's notice is not loaded
  bool working() const { return kind == DayKind::kWorkday || kind == DayKind::kMakeupWorkday; }
};

enum class TermUnit { kCalendarDays, kWorkingDays };

// A legal term such as "60d" (calendar days) or "5wd" (working days).
struct Term {
  int count = 0;
  TermUnit unit = TermUnit::kCalendarDays;
  std::string ToString() const;
  static absl::StatusOr<Term> Parse(std::string_view text);
};

struct DeadlineResult {
  absl::CivilDay due;
  bool provisional = false;
  std::string calendar_version;        // e.g. "2026:3f2a9c01b2de" or "2027:statutory"
  std::vector<std::string> steps;      // a readable account of the count, filled when asked for
};

class Calendar {
 public:
  Calendar() = default;
  Calendar(const Calendar&) = delete;
  Calendar& operator=(const Calendar&) = delete;

  // Loads every data/calendar/YYYY.txt in `dir`. Returns InvalidArgument naming file and line on bad data.
  absl::Status LoadDir(const std::string& dir);
  // Parses one year's notice. Format, one entry per line: "YYYY-MM-DD off|work NAME"; '#' comments.
  absl::Status LoadYear(int year, std::string_view text, std::string_view source);
  // Checks a year's notice without loading it: InvalidArgument naming the line, or OK.
  static absl::Status Validate(int year, std::string_view text, std::string_view source);

  DayInfo Classify(absl::CivilDay day) const;
  bool IsWorkingDay(absl::CivilDay day) const;
  bool HasNotice(int year) const;
  std::vector<int> LoadedYears() const;
  // The version of a loaded year ("2026:3f2a9c01b2de"), or "YYYY:statutory".
  std::string YearVersion(int year) const;

  // The last day of `term` counted from `start` (start not counted). `explain` fills steps.
  DeadlineResult Add(absl::CivilDay start, const Term& term, bool explain = false) const;
  // Working days strictly after `from` up to and including `to` (negative if `to` is before `from`).
  int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const;
  // The calendar version string covering the years from `a` to `b`.
  std::string VersionFor(absl::CivilDay a, absl::CivilDay b) const;

  // Statutory holidays of a year computed from the 2024 rules (name by day), used for years without a notice.
  std::map<absl::CivilDay, std::string> StatutoryHolidays(int year) const;

 private:
  struct Year {
    std::map<absl::CivilDay, std::string> off;   // weekdays off (and weekend holidays as listed)
    std::map<absl::CivilDay, std::string> work;  // make-up working days
    std::string version;
  };
  // Every day from `first` on: its kind (DayKind, plus 4 when provisional) and the working days from `first`
  // up to and including it.
  struct Table {
    absl::CivilDay first;
    std::vector<uint8_t> kind;
    std::vector<int32_t> working;
    bool Covers(absl::CivilDay d) const { return d >= first && d - first < static_cast<int64_t>(kind.size()); }
    size_t At(absl::CivilDay d) const { return static_cast<size_t>(d - first); }
  };
  static absl::StatusOr<Year> ParseYear(int year, std::string_view text, std::string_view source);
  DayInfo ClassifySlow(absl::CivilDay day) const ABSL_LOCKS_EXCLUDED(mu_);
  // Builds the table over the loaded years (and some before and after) and publishes it.
  void Rebuild() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex load_mu_;  // one load (insert and rebuild) at a time, so that the last table has every year
  mutable absl::Mutex mu_;
  std::map<int, Year> years_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<const Table>> tables_ ABSL_GUARDED_BY(mu_);
  std::atomic<const Table*> table_{nullptr};
};

}  // namespace qf
