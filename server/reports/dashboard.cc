#include "reports/dashboard.h"

#include <algorithm>
#include <cmath>

#include "cases/lifecycle.h"
#include "cases/model.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::reports {

namespace json = boost::json;

absl::StatusOr<json::object> Dashboard(Db& db, const std::string& from, const std::string& to, absl::Time now) {
  auto f = ParseDay(from), t = ParseDay(to);
  if (!f || !t || *t < *f)
    return Invalid("stats.range", "统计区间无效", {{"from", "YYYY-MM-DD"}, {"to", "不早于 from"}});
  json::object out{{"from", from}, {"to", to}};
  auto label = [](std::string_view col, const std::string& code) -> std::string {
    if (col == "channel") return cases::LabelOf(cases::kChannels, code).value_or(code);
    if (col == "category") return cases::LabelOf(cases::kCategories, code).value_or(code);
    if (col == "state") {
      auto s = cases::ParseState(code);
      return s ? std::string(cases::StateLabel(*s)) : code;
    }
    return code.empty() ? std::string("未注明") : code;
  };
  int64_t total = 0;
  for (auto [dim, key] : {std::pair{"channel", "by_channel"}, std::pair{"category", "by_category"},
                          std::pair{"district", "by_district"}, std::pair{"state", "by_state"}}) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT code, SUM(n) FROM rollup_dim WHERE dim = ?3 AND day >= ?1 AND day <= ?2 GROUP BY code HAVING SUM(n) > 0 "
        "ORDER BY 2 DESC, 1"));  // ties by code: the same order on every backend
    st.Bind(1, from).Bind(2, to).Bind(3, std::string_view(dim));
    json::array arr;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string code = st.Text(0);
      arr.push_back(json::object{{"code", code}, {"label", label(dim, code)}, {"count", st.Int(1)}});
    }
    out[key] = arr;
  }
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT substr(day, 1, 7), SUM(received) FROM rollup_day WHERE day >= ?1 AND day <= ?2 GROUP BY 1 "
        "HAVING SUM(received) > 0 ORDER BY 1"));
    st.Bind(1, from).Bind(2, to);
    json::array arr;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      arr.push_back(json::object{{"code", st.Text(0)}, {"label", st.Text(0)}, {"count", st.Int(1)}});
      total += st.Int(1);
    }
    out["by_month"] = arr;
  }
  out["total"] = total;
  QF_ASSIGN_OR_RETURN(auto sums, db.Prepare(
      "SELECT COALESCE(SUM(handling_met), 0), COALESCE(SUM(handling_missed), 0), COALESCE(SUM(handling_days), 0), COALESCE(SUM(replied), 0), COALESCE(SUM(rated), 0), "
      "COALESCE(SUM(satisfied), 0), COALESCE(SUM(named), 0), COALESCE(SUM(accepted), 0), COALESCE(SUM(concluded), 0), COALESCE(SUM(acceptance_met), 0), "
      "COALESCE(SUM(acceptance_missed), 0) FROM rollup_day WHERE day >= ?1 AND day <= ?2"));
  sums.Bind(1, from).Bind(2, to);
  QF_RETURN_IF_ERROR(sums.Step().status());
  auto n = [&](int col) { return static_cast<int64_t>(std::llround(sums.Double(col))); };
  out["handling_on_time"] = n(0);
  out["handling_late"] = n(1);
  // What is overdue now is read live: open deadlines past due are few and indexed (status, due_on); CROSS JOIN
  // keeps SQLite from walking every case of the range instead.
  std::string lo = FormatUtc(CstStart(*f)), hi = FormatUtc(CstStart(*t + 1));
  {
    QF_ASSIGN_OR_RETURN(auto od, db.Prepare(
        "SELECT COUNT(*) FROM case_deadlines d CROSS JOIN cases c WHERE c.id=d.case_id AND d.status='open' AND d.due_on < ?3 "
        "AND d.kind='handling' AND c.received_at >= ?1 AND c.received_at < ?2"));
    od.Bind(1, lo).Bind(2, hi).Bind(3, FormatDay(CstDay(now)));
    QF_RETURN_IF_ERROR(od.Step().status());
    out["overdue_now"] = od.Int(0);
  }
  int64_t replied = n(3);
  out["avg_handling_days"] = replied ? json::value(std::round(sums.Double(2) / static_cast<double>(replied) * 10) / 10)
                                     : json::value(nullptr);
  out["replied"] = replied;
  // 息诉率: replied items whose reporter did not go on to ask for a review or re-review.
  int64_t contested = 0;
  for (auto& st : out["by_state"].as_array()) {
    auto state = cases::ParseState(std::string_view(st.at("code").as_string()));
    if (state && cases::Contested(*state)) contested += st.at("count").as_int64();
  }
  out["settled"] = std::max<int64_t>(0, replied - contested);
  out["rated"] = n(4);
  out["satisfied"] = n(5);
  out["named"] = n(6);
  // 办结率 (concluded of accepted) and 按期受理率 (acceptance deadlines met of those decided).
  out["accepted"] = n(7);
  out["concluded"] = n(8);
  out["acceptance_on_time"] = n(9);
  out["acceptance_late"] = n(10);
  return out;
}

}  // namespace qf::reports
