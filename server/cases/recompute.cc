// When a year's State Council notice is loaded, deadlines counted on its statutory fallback are recomputed on
// the official calendar — from their start and term, keeping the extension and suspension applied to each
// (cases/deadlines.h ComputeDue) — each change an event.
#include "cases/cases.h"
#include "cases/store.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/timefmt.h"

namespace qf::cases {

absl::StatusOr<int> RecomputeProvisional(Tx& tx, const CaseEnv& env) {
  Db& db = tx.db();
  std::vector<std::pair<int64_t, Deadline>> list;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT DISTINCT case_id FROM case_deadlines WHERE provisional=1 AND status='open'"));
    QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
    for (int64_t id : ids) {
      QF_ASSIGN_OR_RETURN(auto all, LoadDeadlines(db, id));
      for (auto& d : all)
        if (d.provisional && d.status == DeadlineStatus::kOpen) list.push_back({id, d});
    }
  }
  int changed = 0;
  for (auto& [case_id, d] : list) {
    auto r = ComputeDue(*env.calendar, d.start, d.term, d.extension_days, d.suspended_days);
    if (r.provisional) continue;
    std::string was = FormatDay(d.due);
    d.due = r.due;
    d.provisional = false;
    d.calendar_version = r.calendar_version;
    QF_RETURN_IF_ERROR(UpdateDeadline(tx, case_id, d));
    QF_RETURN_IF_ERROR(tx.Append("case.deadline_recomputed", Subject(case_id),
                                 {{"kind", DeadlineKindName(d.kind)}, {"was", was}, {"now", FormatDay(d.due)},
                                  {"extension_days", d.extension_days}, {"suspended_days", d.suspended_days},
                                  {"calendar_version", r.calendar_version}}).status());
    ++changed;
  }
  return changed;
}

absl::StatusOr<std::string> SaveCalendarYear(Tx& tx, int year, const std::string& text, int64_t by) {
  std::string sha = Sha256Hex(text);
  std::string version = std::to_string(year) + ":" + sha.substr(0, 12);
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO calendar_years(year,text,version,loaded_at,loaded_by) VALUES(?,?,?,?,?) "
      "ON CONFLICT(year) DO UPDATE SET text=excluded.text, version=excluded.version, "
      "loaded_at=excluded.loaded_at, loaded_by=excluded.loaded_by"));
  st.Bind(1, year).Bind(2, text).Bind(3, version).Bind(4, FormatUtc(tx.now())).Bind(5, by);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("calendar.year_loaded", "calendar:" + std::to_string(year),
                               {{"year", year}, {"version", version}, {"sha256", sha}})
                         .status());
  return version;
}

absl::Status ApplyCalendarYears(Db& db, Calendar& calendar) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT year, text FROM calendar_years ORDER BY year"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_RETURN_IF_ERROR(calendar.LoadYear(static_cast<int>(st.Int(0)), st.Text(1), "calendar_years"));
  }
  return absl::OkStatus();
}

}  // namespace qf::cases
