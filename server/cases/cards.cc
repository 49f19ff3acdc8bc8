// The card sweep of deadlines held outside cases (cards.h).
#include "cases/cards.h"

#include "cases/deadlines.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

absl::StatusOr<int> IssueCards(Tx& tx, const Calendar& calendar, const SupervisionPolicy& policy,
                               const std::vector<OpenDue>& open, const CardSweep& sweep) {
  Db& db = tx.db();
  absl::CivilDay today = CstDay(tx.now());
  int issued = 0;
  for (const OpenDue& o : open) {
    auto due = ParseDay(o.due_on);
    if (!due)
      return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date",
                       fmt::format("{} {} 的期限日期无法读取：{}", sweep.what, o.subject, o.due_on));
    Signal s = Assess(Watch::kOverall, DeadlineStatus::kOpen, *due, today, calendar, policy);
    if (!s.card) continue;
    std::string kind(CardName(*s.card));
    std::string marks;
    for (size_t i = 0; i < o.key.size(); ++i) marks += "?,";
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(fmt::format(
        "INSERT INTO {}({},kind,due_on,issued_at) VALUES({}?,?,?) ON CONFLICT DO NOTHING", sweep.table, sweep.columns, marks)));
    int n = static_cast<int>(o.key.size());
    ins.BindAll(o.key).Bind(n + 1, kind).Bind(n + 2, o.due_on).Bind(n + 3, FormatUtc(tx.now()));
    QF_RETURN_IF_ERROR(ins.Run());
    if (db.Changes() == 0) continue;
    ++issued;
    boost::json::object payload{{"kind", kind}, {"due_on", o.due_on}, {"rule", s.rule}};
    for (auto& [k, v] : sweep.extra) payload[k] = v;
    QF_RETURN_IF_ERROR(tx.Append(sweep.event, o.subject, payload).status());
  }
  return issued;
}

}  // namespace qf::cases
