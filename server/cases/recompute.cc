// When a year's State Council notice is loaded, deadlines counted on its statutory fallback are recomputed on
// the official calendar — from their start and term, keeping the extension and suspension applied to each
// (cases/deadlines.h ComputeDue) — each change an event.
#include "cases/cases.h"
#include "cases/store.h"
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

}  // namespace qf::cases
