#include "common/timefmt.h"

#include "absl/strings/str_format.h"

namespace qf {

absl::TimeZone Cst() { return absl::FixedTimeZone(8 * 3600); }

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseUtc(std::string_view s) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, std::string(s), &t, &err)) return t;
  return std::nullopt;
}

std::string FormatDay(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::optional<absl::CivilDay> ParseDay(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = std::stoi(std::string(s.substr(5, 2)));
  int d = std::stoi(std::string(s.substr(8, 2)));
  absl::CivilDay day(y, m, d);
  // CivilDay normalises out-of-range fields (2026-02-30 -> 2026-03-02); reject those.
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

std::optional<absl::CivilDay> ParseDayText(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (auto d = ParseDay(s)) return d;
  // Numbers separated by -, /, . or 年 月 (日), then anything (a time).
  int parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 5) parts[k] = parts[k] * 10 + (s[i++] - '0');
    if (i == start) return std::nullopt;
    if (k == 0 && i == s.size() && i - start == 5) {
      // An Excel serial: days since 1899-12-30 (Excel counts the 1900-02-29 that never was).
      if (parts[0] < 20000 || parts[0] > 80000) return std::nullopt;
      return absl::CivilDay(1899, 12, 30) + parts[0];
    }
    if (k == 2) break;
    if (s.substr(i, 1) == "-" || s.substr(i, 1) == "/" || s.substr(i, 1) == ".") i += 1;
    else if (s.substr(i, 3) == "年" || s.substr(i, 3) == "月") i += 3;
    else return std::nullopt;
  }
  if (i < s.size() && s.substr(i, 3) == "日") i += 3;
  if (i < s.size() && s[i] != ' ' && s[i] != 'T') return std::nullopt;
  int y = parts[0], m = parts[1], d = parts[2];
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  absl::CivilDay day(y, m, d);
  if (day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

absl::CivilDay CstDay(absl::Time t) { return absl::ToCivilDay(t, Cst()); }
absl::Time CstStart(absl::CivilDay d) { return absl::FromCivil(d, Cst()); }

std::string WeekdayZh(absl::CivilDay d) {
  switch (absl::GetWeekday(d)) {
    case absl::Weekday::monday: return "周一";
    case absl::Weekday::tuesday: return "周二";
    case absl::Weekday::wednesday: return "周三";
    case absl::Weekday::thursday: return "周四";
    case absl::Weekday::friday: return "周五";
    case absl::Weekday::saturday: return "周六";
    case absl::Weekday::sunday: return "周日";
  }
  return "";
}

}  // namespace qf
