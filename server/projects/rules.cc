// The projects' policy (data/projects/policy.toml) and a district's standing against 序时进度.
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/files.h"
#include "common/status.h"
#include "fmt/format.h"
#include "projects/projects.h"

namespace qf::projects {

absl::StatusOr<Policy> Policy::Load(const std::string& path) {
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "projects.policy", "民生工程调度规则文件"));
  return Parse(text, path);
}

absl::StatusOr<Policy> Policy::Parse(std::string_view text, std::string_view source) {
  auto bad = [&](std::string what) { return Invalid("projects.policy", fmt::format("{}：{}", source, what)); };
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return bad(std::string(e.description()));
  }
  Policy p;
  p.laggard_points = t["laggard_points"].value_or(10.0);
  p.clause = t["clause"].value_or(std::string());
  if (p.clause.empty()) return bad("须有 clause（调度和通报所依据的文件）");
  if (p.laggard_points <= 0 || p.laggard_points >= 100) return bad("laggard_points 应在 0 到 100 之间");
  auto month_day = [&](const char* key, int* m, int* d) {
    std::string v = t[key].value_or(std::string());
    return !v.empty() && std::sscanf(v.c_str(), "%d-%d", m, d) == 2 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
  };
  if (!month_day("funds_due", &p.funds_month, &p.funds_day) || !month_day("works_due", &p.works_month, &p.works_day))
    return bad("funds_due 和 works_due 应为 MM-DD");
  return p;
}

double ScheduleShare(absl::CivilMonth month) {
  absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  absl::CivilDay first_of_year(month.year(), 1, 1);
  double days_in_year = static_cast<double>(absl::CivilDay(month.year() + 1, 1, 1) - first_of_year);
  return static_cast<double>(last - first_of_year + 1) / days_in_year;
}

absl::CivilMonth DefaultMonth(int year, absl::CivilDay today) {
  absl::CivilMonth month = absl::CivilMonth(today) - 1;
  if (month.year() < year) return absl::CivilMonth(year, 1);
  if (month.year() > year) return absl::CivilMonth(year, 12);
  return month;
}

absl::StatusOr<absl::CivilMonth> BoardMonth(std::string_view month_text, int year, absl::CivilDay today) {
  if (month_text.empty()) return DefaultMonth(year, today);
  int m = 0;
  auto [end, ec] = std::from_chars(month_text.data(), month_text.data() + month_text.size(), m);
  if (ec != std::errc() || end != month_text.data() + month_text.size() || m < 1 || m > 12)
    return Invalid("projects.month", "月份不正确", {{"month", "应为 1 至 12"}});
  return absl::CivilMonth(year, m);
}

Standing StandingOf(const Policy& policy, const Target& target, const std::optional<Reported>& reported,
                    absl::CivilMonth month) {
  Standing s;
  s.schedule_pct = ScheduleShare(month) * 100;
  if (reported) {
    auto pct = [](double done, double of) { return of > 0 ? std::min(100.0, done / of * 100) : 100.0; };
    s.quantity_pct = pct(reported->quantity_done, target.quantity);
    s.funds_pct = pct(reported->funds_in_place, target.funds);
    s.spent_pct = reported->funds_in_place > 0 ? std::min(100.0, reported->funds_spent / reported->funds_in_place * 100) : 0;
  }
  s.index = (s.quantity_pct + s.funds_pct) / 2;
  s.laggard = s.index < s.schedule_pct - policy.laggard_points;
  return s;
}

}  // namespace qf::projects
