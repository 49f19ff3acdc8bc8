// The card sweep of inspection deadlines (store_util.h IssueCards).
#include "cases/deadlines.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "inspect/store_util.h"

namespace qf::inspect {

absl::StatusOr<int> IssueCards(Tx& tx, const InspectEnv& env, const std::vector<std::pair<int64_t, std::string>>& open,
                               const CardSweep& sweep) {
  Db& db = tx.db();
  absl::CivilDay today = CstDay(tx.now());
  int issued = 0;
  for (auto& [id, due_text] : open) {
    auto due = ParseDay(due_text);
    if (!due)
      return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date",
                       fmt::format("{} {} 的期限日期无法读取：{}", sweep.what, id, due_text));
    cases::Signal s = cases::Assess(cases::Watch::kOverall, cases::DeadlineStatus::kOpen, *due, today, *env.calendar,
                                    env.policies->supervision());
    if (!s.card) continue;
    std::string kind(cases::CardName(*s.card));
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(fmt::format(
        "INSERT INTO {}({},kind,due_on,issued_at) VALUES(?,?,?,?) ON CONFLICT DO NOTHING", sweep.table, sweep.column)));
    ins.Bind(1, id).Bind(2, kind).Bind(3, due_text).Bind(4, FormatUtc(tx.now()));
    QF_RETURN_IF_ERROR(ins.Run());
    if (db.Changes() == 0) continue;
    ++issued;
    boost::json::object payload{{"kind", kind}, {"due_on", due_text}, {"rule", s.rule}};
    for (auto& [k, v] : sweep.extra) payload[k] = v;
    QF_RETURN_IF_ERROR(tx.Append(sweep.event, sweep.subject + std::to_string(id), payload).status());
  }
  return issued;
}

}  // namespace qf::inspect
