// The self-evaluation index per unit: the public's rating and the complaint measures of the unit's scope over the
// year (cases/record.h counts the complaints; the surveys' ratings are read here), scored by the formula in data.
#include <algorithm>

#include "common/status.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

// What one unit's scope gave over the period, before the formula.
struct ScopeFigures {
  Rate rating;
  cases::ComplaintFigures complaints;
  int64_t due = 0, overdue = 0;
};

// What a scope gave, from the period's figures per unit (each read once per request).
struct PeriodFigures {
  std::map<int64_t, std::vector<double>> ratings;
  std::map<int64_t, cases::ComplaintFigures> complaints;
  std::map<int64_t, cases::DeadlineFigures> deadlines;
};
ScopeFigures FiguresOf(const std::vector<int64_t>& scope, const PeriodFigures& p) {
  ScopeFigures f;
  std::vector<double> shares;
  for (int64_t unit : scope) {
    if (auto it = p.ratings.find(unit); it != p.ratings.end()) shares.insert(shares.end(), it->second.begin(), it->second.end());
    if (auto it = p.complaints.find(unit); it != p.complaints.end()) f.complaints += it->second;
    if (auto it = p.deadlines.find(unit); it != p.deadlines.end()) f.due += it->second.due, f.overdue += it->second.missed;
  }
  f.rating = RateOf(shares);
  return f;
}

IndexInput InputOf(IndexMeasure m, const ScopeFigures& f) {
  const cases::ComplaintFigures& c = f.complaints;
  auto share = [](int64_t part, int64_t base) { return IndexInput{static_cast<double>(part), base, 0}; };
  switch (m) {
    case IndexMeasure::kPublicRating: return {f.rating.mean * f.rating.n, f.rating.n, f.rating.margin};
    case IndexMeasure::kComplaintSatisfaction: return share(c.satisfied, c.rated);
    case IndexMeasure::kSettled: return share(c.replied - c.contested, c.replied);
    case IndexMeasure::kNotRepeated: return share(c.received - c.repeats, c.received);
    case IndexMeasure::kOnTime: return share(f.due - f.overdue, f.due);
    case IndexMeasure::kMediaItems: return {0, c.media, 0};
  }
  return {};
}

}  // namespace

absl::StatusOr<json::object> SelfIndex(Db& db, const IndexScheme& scheme, int year, std::string_view kind,
                                       const Principal& who, absl::Time now) {
  if (!Office(who) && !who.Has(kLeader))
    return Forbidden("duty.self_index_scope", "政风行风自评指数由纪检监察室和局领导查看");
  if (kind != "district_bureau" && kind != "school")
    return Invalid("duty.self_index", "单位类别无效", {{"kind", "应为 district_bureau 或 school"}});
  const absl::CivilDay from(year, 1, 1), to = std::min(CstDay(now), absl::CivilDay(year, 12, 31));
  if (to < from) return Invalid("duty.self_index", "年度无效", {{"year", "不能晚于今年"}});
  PeriodFigures period;
  QF_ASSIGN_OR_RETURN(period.ratings, RatingsBySchool(db, from, absl::CivilDay(year, 12, 31)));
  QF_ASSIGN_OR_RETURN(period.complaints, cases::ComplaintsByUnit(db, from, to));
  QF_ASSIGN_OR_RETURN(period.deadlines, cases::DeadlinesByUnit(db, from, to));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, name, kind, COALESCE(district, '') FROM org_units WHERE kind = ? AND active = 1 ORDER BY id"));
  st.Bind(1, kind);
  json::array units;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    UnitRow u{st.Int(0), st.Text(1), st.Text(2), st.Text(3)};
    QF_ASSIGN_OR_RETURN(auto scope, ScopeOf(db, u));
    const ScopeFigures f = FiguresOf(scope, period);
    std::vector<ComponentValue> values;
    json::array parts;
    for (const IndexComponent& c : scheme.components) {
      const IndexInput in = InputOf(c.measure, f);
      ComponentValue v = ValueOf(c, in);
      parts.push_back(json::object{{"id", c.id}, {"counted", v.counted},
                                   {"value", v.counted ? json::value(v.value) : json::value(nullptr)},
                                   {"base", in.base}, {"computation", v.computation}});
      values.push_back(std::move(v));
    }
    IndexValue index = Combine(scheme, values);
    units.push_back(json::object{{"unit_id", u.id}, {"name", u.name}, {"district", u.district},
                                 {"index", index.index ? json::value(*index.index) : json::value(nullptr)},
                                 {"computation", index.computation}, {"components", std::move(parts)}});
  }
  LowestFirst(units, "index");  // units with nothing to count last
  json::array formula;
  for (const IndexComponent& c : scheme.components)
    formula.push_back(json::object{{"id", c.id}, {"label", c.label}, {"measure", Code(c.measure)}, {"weight", c.weight},
                                   {"min_base", c.min_base}, {"per_item", c.per_item}});
  return json::object{{"year", year}, {"kind", kind}, {"from", FormatDay(from)}, {"as_of", FormatDay(to)},
                      {"title", scheme.title}, {"basis", scheme.basis}, {"formula", std::move(formula)},
                      {"units", std::move(units)}};
}

}  // namespace qf::duty
