// A unit's record in the complaints for an evaluation: substantiated cases concerning it, deadlines it missed.
#include "cases/record.h"

#include <set>

#include "cases/deadlines.h"
#include "cases/lifecycle.h"
#include "cases/model.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

namespace {

// A duty deadline missed as of a day (the statement's next parameter): the writer marks one met late as 'missed';
// one still open past its day is missed too.
constexpr std::string_view kMissedAsOf = "(d.status = 'missed' OR (d.status = 'open' AND d.due_on < ?))";

}  // namespace

absl::StatusOr<std::vector<RecordRef>> Substantiated(Db& db, const std::vector<int64_t>& units, absl::CivilDay from,
                                                     absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT receipt, title, closed_at FROM cases WHERE concerned_unit_id = ? AND outcome = 'support' "
      "AND closed_at >= ? AND closed_at < ? AND merged_into IS NULL ORDER BY closed_at, id"));
  std::vector<RecordRef> out;
  for (int64_t unit : units) {
    st.Reset();
    st.Bind(1, unit).Bind(2, FormatUtc(CstStart(from))).Bind(3, FormatUtc(CstStart(to + 1)));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto closed = ParseUtc(st.Text(2));
      out.push_back({"case", st.Text(0), st.Text(1), closed ? FormatDay(CstDay(*closed)) : st.Text(2)});
    }
  }
  return out;
}

absl::StatusOr<std::vector<RecordRef>> Overdue(Db& db, int64_t unit, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.receipt, c.title, MIN(d.due_on) FROM cases c JOIN case_deadlines d ON d.case_id = c.id "
      "WHERE c.handling_unit_id = ? AND c.merged_into IS NULL AND d.kind IN " + SqlKinds(Watch::kOverall) +
      " AND d.due_on >= ? AND d.due_on <= ? "
      "AND " + std::string(kMissedAsOf) + " GROUP BY c.id, c.receipt, c.title "
      "ORDER BY MIN(d.due_on), c.receipt"));
  st.Bind(1, unit).Bind(2, FormatDay(from)).Bind(3, FormatDay(to)).Bind(4, FormatDay(to));  // ?4: kMissedAsOf's day
  std::vector<RecordRef> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({"case", st.Text(0), st.Text(1), st.Text(2)});
  }
  return out;
}

ComplaintFigures& ComplaintFigures::operator+=(const ComplaintFigures& o) {
  received += o.received, repeats += o.repeats, media += o.media, replied += o.replied, contested += o.contested;
  rated += o.rated, satisfied += o.satisfied;
  return *this;
}

absl::StatusOr<std::map<int64_t, ComplaintFigures>> ComplaintsByUnit(Db& db, absl::CivilDay from, absl::CivilDay to) {
  // One walk of the period's items (the received_at index), grouped by what the rules look at so that thousands of
  // items come back as a few rows per unit; the rules themselves (Contested, Satisfied) are applied here.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT concerned_unit_id, state, COALESCE(satisfaction, revisit_satisfaction, 0), "
      "CASE WHEN merged_into IS NOT NULL OR prior_case_id IS NOT NULL THEN 1 ELSE 0 END, "
      "CASE WHEN channel = ? THEN 1 ELSE 0 END, CASE WHEN replied_at IS NOT NULL THEN 1 ELSE 0 END, COUNT(*) "
      "FROM cases WHERE received_at >= ? AND received_at < ? AND concerned_unit_id IS NOT NULL "
      "GROUP BY 1, 2, 3, 4, 5, 6"));
  st.Bind(1, std::string_view("media")).Bind(2, FormatUtc(CstStart(from))).Bind(3, FormatUtc(CstStart(to + 1)));
  std::map<int64_t, ComplaintFigures> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ComplaintFigures& f = out[st.Int(0)];
    const int64_t n = st.Int(6), rating = st.Int(2);
    const std::optional<State> state = ParseState(st.Text(1));
    f.received += n;
    if (st.Int(3)) f.repeats += n;
    if (st.Int(4)) f.media += n;
    if (st.Int(5)) {
      f.replied += n;
      if (state && Contested(*state)) f.contested += n;
    }
    if (rating > 0) {
      f.rated += n;
      if (Satisfied(rating)) f.satisfied += n;
    }
  }
  return out;
}

absl::StatusOr<std::map<int64_t, DeadlineFigures>> DeadlinesByUnit(Db& db, absl::CivilDay from, absl::CivilDay to) {
  // Driven by the deadlines' (status, due_on) index over the period (a cancelled deadline no longer applies);
  // CROSS JOIN keeps SQLite from walking every case instead.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.handling_unit_id, c.id, MAX(CASE WHEN " + std::string(kMissedAsOf) + " THEN 1 ELSE 0 END) "
      "FROM case_deadlines d CROSS JOIN cases c WHERE c.id = d.case_id AND d.status IN ('open', 'met', 'missed') "
      "AND d.kind IN " + SqlKinds(Watch::kOverall) + " AND d.due_on >= ? AND d.due_on <= ? AND c.merged_into IS NULL "
      "AND c.handling_unit_id IS NOT NULL GROUP BY c.handling_unit_id, c.id"));
  st.Bind(1, FormatDay(to)).Bind(2, FormatDay(from)).Bind(3, FormatDay(to));
  std::map<int64_t, DeadlineFigures> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DeadlineFigures& f = out[st.Int(0)];
    ++f.due;
    f.missed += st.Int(2);
  }
  return out;
}

absl::StatusOr<SupervisionFigures> SupervisionBetween(Db& db, absl::CivilDay from, absl::CivilDay to) {
  const std::string begin = FormatUtc(CstStart(from)), end = FormatUtc(CstStart(to + 1));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT kind, COUNT(*) FROM supervision WHERE issued_at >= ? AND issued_at < ? GROUP BY kind"));
  st.Bind(1, begin).Bind(2, end);
  SupervisionFigures f;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::string kind = st.Text(0);
    const int n = static_cast<int>(st.Int(1));
    if (kind == "order") f.orders = n;
    else if (kind == "reminder") f.reminders = n;
    else if (kind == "criticism") f.criticisms = n;
    else if (kind == "yellow") f.yellow_cards = n;
    else if (kind == "red") f.red_cards = n;
  }
  QF_ASSIGN_OR_RETURN(auto merged, db.Prepare("SELECT COUNT(*) FROM cases WHERE state = ? AND received_at >= ? AND received_at < ?"));
  merged.Bind(1, std::string(StateName(State::kMerged))).Bind(2, begin).Bind(3, end);
  QF_ASSIGN_OR_RETURN(bool row, merged.Step());
  if (row) f.merged = static_cast<int>(merged.Int(0));
  return f;
}

}  // namespace qf::cases
