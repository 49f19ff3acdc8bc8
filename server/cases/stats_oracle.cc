// The GROUP BY statistics oracle (stats_oracle.h). Reads only.
#include "cases/stats_oracle.h"

#include <cmath>

#include "cases/cases.h"
#include "cases/model.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

namespace json = boost::json;

absl::StatusOr<json::object> StatsFromCases(Db& db, const std::string& from, const std::string& to, absl::Time now) {
  auto f = ParseDay(from), t = ParseDay(to);
  if (!f || !t || *t < *f)
    return Invalid("stats.range", "统计区间无效", {{"from", "YYYY-MM-DD"}, {"to", "不早于 from"}});
  json::object out{{"from", from}, {"to", to}};
  std::string lo = FormatUtc(CstStart(*f)), hi = FormatUtc(CstStart(*t + 1));
  int64_t total = 0;
  // Months are China Standard Time months.
  for (auto [col, key] : {std::pair{"channel", "by_channel"}, std::pair{"category", "by_category"}, std::pair{"state", "by_state"},
                          std::pair{"COALESCE(district,'')", "by_district"},
                          std::pair{"substr(datetime(received_at,'+8 hours'),1,7)", "by_month"}}) {
    bool by_month = std::string_view(key) == "by_month";
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
        "SELECT {0}, COUNT(*) FROM cases WHERE received_at >= ? AND received_at < ? GROUP BY {0} ORDER BY {1}", col,
        by_month ? "1" : "COUNT(*) DESC, 1")));
    st.Bind(1, lo).Bind(2, hi);
    json::array arr;
    int64_t sum = 0;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string code = st.Text(0);
      std::string label = std::string(col) == "channel"    ? LabelOf(kChannels, code).value_or(code)
                          : std::string(col) == "category" ? LabelOf(kCategories, code).value_or(code)
                          : std::string(col) == "state"    ? std::string(StateLabel(*ParseState(code)))
                          : code.empty()                   ? std::string("未注明")
                                                           : code;
      arr.push_back(json::object{{"code", code}, {"label", label}, {"count", st.Int(1)}});
      sum += st.Int(1);
    }
    out[key] = arr;
    total = sum;
  }
  out["total"] = total;
  // On-time handling: replied cases whose handling deadline was met.
  QF_ASSIGN_OR_RETURN(auto ot, db.Prepare(
      "SELECT SUM(d.status='met'), SUM(d.status='missed'), SUM(d.status='open' AND d.due_on < ?3) "
      "FROM case_deadlines d JOIN cases c ON c.id=d.case_id WHERE d.kind='handling' AND c.received_at >= ?1 AND c.received_at < ?2"));
  ot.Bind(1, lo).Bind(2, hi).Bind(3, FormatDay(CstDay(now)));
  QF_RETURN_IF_ERROR(ot.Step().status());
  out["handling_on_time"] = ot.Int(0);
  out["handling_late"] = ot.Int(1);
  out["overdue_now"] = ot.Int(2);
  // Handling time (received to reply, calendar days) and the reporters' ratings of replies.
  QF_ASSIGN_OR_RETURN(auto avg, db.Prepare(
      "SELECT AVG(julianday(replied_at)-julianday(received_at)), COUNT(replied_at), "
      "SUM(COALESCE(satisfaction, revisit_satisfaction) IS NOT NULL), SUM(COALESCE(satisfaction, revisit_satisfaction)>=4), "
      "SUM(anonymous=0), SUM(accepted_at IS NOT NULL), SUM(closed_at IS NOT NULL) "
      "FROM cases WHERE received_at >= ?1 AND received_at < ?2"));
  avg.Bind(1, lo).Bind(2, hi);
  QF_RETURN_IF_ERROR(avg.Step().status());
  out["avg_handling_days"] = avg.IsNull(0) ? json::value(nullptr) : json::value(std::round(avg.Double(0) * 10) / 10);
  out["replied"] = avg.Int(1);
  out["rated"] = avg.Int(2);
  out["satisfied"] = avg.Int(3);
  out["named"] = avg.Int(4);
  out["accepted"] = avg.Int(5);
  out["concluded"] = avg.Int(6);
  QF_ASSIGN_OR_RETURN(auto acc, db.Prepare(
      "SELECT SUM(d.status='met'), SUM(d.status='missed') FROM case_deadlines d JOIN cases c ON c.id=d.case_id "
      "WHERE d.kind='acceptance' AND c.received_at >= ?1 AND c.received_at < ?2"));
  acc.Bind(1, lo).Bind(2, hi);
  QF_RETURN_IF_ERROR(acc.Step().status());
  out["acceptance_on_time"] = acc.Int(0);
  out["acceptance_late"] = acc.Int(1);
  QF_ASSIGN_OR_RETURN(auto contested, db.Prepare(
      "SELECT COUNT(*) FROM cases WHERE received_at >= ?1 AND received_at < ?2 "
      "AND state IN ('review_requested','reviewed','rereview_requested','final')"));
  contested.Bind(1, lo).Bind(2, hi);
  QF_RETURN_IF_ERROR(contested.Step().status());
  out["settled"] = std::max<int64_t>(0, avg.Int(1) - contested.Int(0));
  return out;
}

}  // namespace qf::cases
