#include "common/timefmt.h"

#include <cmath>
#include <cstdlib>

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

std::optional<absl::Time> ParseTimeText(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (auto t = ParseUtc(s)) return t;
  // An Excel serial with a fraction of a day.
  if (size_t dot = s.find('.'); dot == 5 && s.find_first_not_of("0123456789.") == std::string_view::npos) {
    auto day = ParseDayText(s.substr(0, dot));
    if (!day) return std::nullopt;
    double fraction = std::atof(std::string("0").append(s.substr(dot)).c_str());
    return CstStart(*day) + absl::Seconds(std::llround(fraction * 86400));
  }
  auto day = ParseDayText(s);
  if (!day) return std::nullopt;
  size_t sep = s.find_first_of(" T");
  if (sep == std::string_view::npos) return CstStart(*day);
  std::string_view rest = s.substr(sep + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  // Hours, minutes and seconds separated by ':' or written with 时/点, 分, 秒.
  int parts[3] = {0, 0, 0}, got = 0;
  size_t i = 0;
  while (got < 3 && i < rest.size()) {
    size_t start = i;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && i - start < 2) parts[got] = parts[got] * 10 + (rest[i++] - '0');
    if (i == start) return std::nullopt;
    ++got;
    if (i == rest.size()) break;
    if (rest[i] == ':') i += 1;
    else if (rest.substr(i, 3) == "时" || rest.substr(i, 3) == "点" || rest.substr(i, 3) == "分" || rest.substr(i, 3) == "秒") i += 3;
    else return std::nullopt;
  }
  if (i != rest.size() || got < 1 || parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return CstStart(*day) + absl::Hours(parts[0]) + absl::Minutes(parts[1]) + absl::Seconds(parts[2]);
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
