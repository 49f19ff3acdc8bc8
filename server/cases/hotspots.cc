#include "cases/hotspots.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "cases/model.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

namespace json = boost::json;

double PoissonUpperTail(int64_t k, double lambda) {
  if (k <= 0) return 1.0;
  if (lambda <= 0) return 0.0;
  // Sum the tail from k upwards (each term = previous × λ/(i+1)); converges fast once i > λ.
  double log_term = -lambda + static_cast<double>(k) * std::log(lambda) - std::lgamma(static_cast<double>(k) + 1);
  double term = std::exp(log_term), sum = 0;
  for (int64_t i = k; i < k + 10000; ++i) {
    sum += term;
    term *= lambda / static_cast<double>(i + 1);
    if (term < sum * 1e-15 && static_cast<double>(i) > lambda) break;
  }
  if (lambda > static_cast<double>(k) && sum > 0.5) {
    // Far below the mean the tail is near 1: compute it as 1 - lower tail for accuracy.
    double lower = 0, t = std::exp(-lambda);
    for (int64_t i = 0; i < k; ++i) {
      lower += t;
      t *= lambda / static_cast<double>(i + 1);
    }
    return std::max(0.0, 1.0 - lower);
  }
  return std::min(1.0, sum);
}

std::vector<Hotspot> FindHotspots(const std::vector<UnitCounts>& rows, double city_students, const HotspotOptions& opt) {
  // The city's rate per student for each category.
  std::map<std::string, std::pair<double, double>> city;  // category -> (items, students)
  for (const auto& r : rows) {
    city[r.category].first += static_cast<double>(r.count);
    city[r.category].second = city_students;
  }
  struct Test { size_t row; double expected, p; };
  std::vector<Test> tests;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    auto it = city.find(r.category);
    if (r.enrolment <= 0 || it == city.end() || it->second.second <= 0) continue;
    double expected = it->second.first / it->second.second * static_cast<double>(r.enrolment);
    tests.push_back({i, expected, PoissonUpperTail(r.count, expected)});
  }
  // Benjamini–Hochberg: the largest rank j with p(j) <= j/m × q; everything up to it is flagged.
  std::vector<size_t> order(tests.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tests[a].p < tests[b].p; });
  size_t cut = 0;
  for (size_t j = 0; j < order.size(); ++j)
    if (tests[order[j]].p <= static_cast<double>(j + 1) / static_cast<double>(order.size()) * opt.fdr) cut = j + 1;
  std::vector<Hotspot> out;
  for (size_t j = 0; j < cut; ++j) {
    const Test& t = tests[order[j]];
    const auto& r = rows[t.row];
    if (r.count < opt.min_count || static_cast<double>(r.count) <= t.expected) continue;
    auto c = city[r.category];
    std::string label = cases::LabelOf(cases::kCategories, r.category).value_or(r.category);
    out.push_back({r.unit_id, r.name, r.district, r.category, "rate", r.count, t.expected, t.p,
                   fmt::format("{}“{}”类{}件，在校生{}人；按全市每千名学生{:.2f}件的比率，预期{:.1f}件，为预期的{:.1f}倍"
                               "（泊松检验 p={:.2g}，经 Benjamini–Hochberg 校正后在 {:.0f}% 错误发现率下显著）",
                               r.name, label, r.count, r.enrolment, c.first / c.second * 1000, t.expected,
                               static_cast<double>(r.count) / std::max(t.expected, 1e-9), t.p, opt.fdr * 100)});
  }
  // Spikes: the last month against the mean of the three before it.
  for (const auto& r : rows) {
    if (r.months.size() < 4) continue;
    int64_t last = r.months.back();
    double base = static_cast<double>(r.months[0] + r.months[1] + r.months[2]) / 3.0;
    double lambda = std::max(base, 0.5);
    double p = PoissonUpperTail(last, lambda);
    if (last >= opt.min_count && p < opt.spike_alpha) {
      std::string label = cases::LabelOf(cases::kCategories, r.category).value_or(r.category);
      out.push_back({r.unit_id, r.name, r.district, r.category, "spike", last, lambda, p,
                     fmt::format("{}“{}”类最近一个月{}件，此前三个月月均{:.1f}件（泊松检验 p={:.2g}，月环比突增）",
                                 r.name, label, last, base, p)});
    }
  }
  std::sort(out.begin(), out.end(), [](const Hotspot& a, const Hotspot& b) { return a.p < b.p; });
  return out;
}

namespace {

// Counts per unit and category from the case rows: schools by concerned unit, districts by the case's district.
absl::StatusOr<double> CityStudents(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COALESCE(SUM(enrolment), 0) FROM org_units WHERE kind='school' AND active=1"));
  QF_RETURN_IF_ERROR(st.Step().status());
  return st.Double(0);
}

absl::StatusOr<std::vector<UnitCounts>> Load(Db& db, const std::string& from, const std::string& to, bool districts) {
  auto f = ParseDay(from), t = ParseDay(to);
  if (!f || !t || *t < *f)
    return Invalid("hotspots.range", "统计区间无效", {{"from", "YYYY-MM-DD"}, {"to", "不早于 from"}});
  absl::CivilMonth last_month(*t);
  std::string lo = FormatUtc(CstStart(*f)), hi = FormatUtc(CstStart(*t + 1));
  std::string m0 = FormatUtc(CstStart(absl::CivilDay(last_month - 3)));
  std::string m1 = FormatUtc(CstStart(absl::CivilDay(last_month - 2)));
  std::string m2 = FormatUtc(CstStart(absl::CivilDay(last_month - 1)));
  std::string m3 = FormatUtc(CstStart(absl::CivilDay(last_month)));
  std::string sql = districts
      ? "WITH d AS (SELECT district, SUM(enrolment) AS enrolment FROM org_units WHERE kind='school' AND active=1 "
        "AND district IS NOT NULL GROUP BY district) "
        "SELECT 0, d.district, d.district, c.category, d.enrolment, "
        "SUM(c.received_at >= ?1 AND c.received_at < ?2), SUM(c.received_at >= ?3 AND c.received_at < ?4), "
        "SUM(c.received_at >= ?4 AND c.received_at < ?5), SUM(c.received_at >= ?5 AND c.received_at < ?6), "
        "SUM(c.received_at >= ?6 AND c.received_at < ?2) "
        "FROM d JOIN cases c ON c.district = d.district WHERE c.received_at >= ?7 AND c.received_at < ?2 "
        "GROUP BY d.district, d.enrolment, c.category"
      : "SELECT u.id, u.name, COALESCE(u.district,''), c.category, COALESCE(u.enrolment,0), "
        "SUM(c.received_at >= ?1 AND c.received_at < ?2), SUM(c.received_at >= ?3 AND c.received_at < ?4), "
        "SUM(c.received_at >= ?4 AND c.received_at < ?5), SUM(c.received_at >= ?5 AND c.received_at < ?6), "
        "SUM(c.received_at >= ?6 AND c.received_at < ?2) "
        "FROM cases c JOIN org_units u ON u.id = c.concerned_unit_id WHERE u.kind='school' "
        "AND c.received_at >= ?7 AND c.received_at < ?2 GROUP BY u.id, u.name, u.district, u.enrolment, c.category";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(1, lo).Bind(2, hi).Bind(3, m0).Bind(4, m1).Bind(5, m2).Bind(6, m3).Bind(7, std::min(lo, m0));
  std::vector<UnitCounts> rows;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    rows.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5),
                    {st.Int(6), st.Int(7), st.Int(8), st.Int(9)}});
  }
  return rows;
}

json::array ToJson(const std::vector<Hotspot>& hs) {
  json::array out;
  for (const auto& h : hs)
    out.push_back(json::object{{"unit_id", h.unit_id}, {"name", h.name}, {"district", h.district},
                               {"category", h.category},
                               {"category_label", cases::LabelOf(cases::kCategories, h.category).value_or(h.category)},
                               {"kind", h.kind}, {"count", h.count}, {"expected", std::round(h.expected * 10) / 10},
                               {"p", h.p}, {"explanation", h.explanation}});
  return out;
}

}  // namespace

absl::StatusOr<json::object> Hotspots(Db& db, const std::string& from, const std::string& to, const HotspotOptions& opt) {
  QF_ASSIGN_OR_RETURN(auto schools, Load(db, from, to, false));
  QF_ASSIGN_OR_RETURN(auto districts, Load(db, from, to, true));
  QF_ASSIGN_OR_RETURN(double students, CityStudents(db));
  return json::object{{"from", from}, {"to", to}, {"fdr", opt.fdr}, {"spike_alpha", opt.spike_alpha},
                      {"city_students", static_cast<int64_t>(students)},
                      {"schools", ToJson(FindHotspots(schools, students, opt))},
                      {"districts", ToJson(FindHotspots(districts, students, opt))}};
}

}  // namespace qf::cases
