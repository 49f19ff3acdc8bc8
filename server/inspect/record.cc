// Issuing orders to rectify; a unit's record in the inspections for an evaluation: late orders and vetoes.
#include "inspect/record.h"

#include "common/crypto_util.h"
#include "common/status.h"
#include "inspect/states.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::inspect {

absl::StatusOr<Issued> IssueRectification(Tx& tx, const Calendar& calendar, const RectificationOrder& o) {
  Db& db = tx.db();
  auto due = calendar.Add(CstDay(tx.now()), o.term);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO rectifications(campaign_id,form_id,school_id,item,finding,term,due_on,calendar_version,state,issued_at) "
      "VALUES(?,?,?,?,?,?,?,?,?,?)"));
  ins.Bind(1, o.campaign_id).Bind(2, o.form_id).Bind(3, o.school_id).Bind(4, o.item).Bind(5, o.finding)
      .Bind(6, o.term.ToString()).Bind(7, FormatDay(due.due)).Bind(8, due.calendar_version)
      .Bind(9, Code(RectificationState::kOpen)).Bind(10, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(ins.Run());
  int64_t id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("rectification.issued", "rectification:" + std::to_string(id),
                               {{"school_id", o.school_id}, {"item", o.item}, {"finding_sha256", Sha256Hex(o.finding)},
                                {"due_on", FormatDay(due.due)}, {"term", o.term.ToString()}})
                         .status());
  return Issued{id, due.due};
}

absl::StatusOr<std::vector<cases::RecordRef>> LateRectifications(Db& db, const std::vector<int64_t>& schools,
                                                                absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT r.id, r.finding, r.due_on, COALESCE(r.answered_at, ''), u.name FROM rectifications r "
      "JOIN org_units u ON u.id = r.school_id WHERE r.school_id = ? AND r.due_on >= ? AND r.due_on <= ? ORDER BY r.due_on, r.id"));
  std::vector<cases::RecordRef> out;
  for (int64_t school : schools) {
    st.Reset();
    st.Bind(1, school).Bind(2, FormatDay(from)).Bind(3, FormatDay(to));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto due = ParseDay(st.Text(2));
      auto answered = ParseUtc(st.Text(3));
      if (!due) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date", "无法读取整改期限：" + st.Text(2));
      bool late = answered ? CstDay(*answered) > *due : *due < to;
      if (late)
        out.push_back({"rectification", std::to_string(st.Int(0)), fmt::format("{}：{}", st.Text(4), st.Text(1)), st.Text(2)});
    }
  }
  return out;
}

absl::StatusOr<std::vector<cases::RecordRef>> Vetoes(Db& db, const std::vector<int64_t>& units, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT v.id, v.reason, v.created_at FROM vetoes v WHERE v.year = ? AND (v.unit_id = ? OR v.person_id IN "
      "(SELECT id FROM org_people WHERE unit_id = ?)) ORDER BY v.id"));
  std::vector<cases::RecordRef> out;
  for (int64_t unit : units) {
    st.Reset();
    st.Bind(1, int64_t{year}).Bind(2, unit).Bind(3, unit);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto at = ParseUtc(st.Text(2));
      out.push_back({"veto", std::to_string(st.Int(0)), st.Text(1), at ? FormatDay(CstDay(*at)) : st.Text(2)});
    }
  }
  return out;
}

}  // namespace qf::inspect
