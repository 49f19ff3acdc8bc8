#include "common/calendar.h"

#include <unicode/calendar.h>
#include <unicode/gregocal.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <cstdint>
#include <sstream>

#include "fmt/format.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/crypto_util.h"

namespace qf {

std::string Term::ToString() const {
  return std::to_string(count) + (unit == TermUnit::kWorkingDays ? "wd" : "d");
}

absl::StatusOr<Term> Term::Parse(std::string_view text) {
  Term t;
  std::string_view num = text;
  if (num.ends_with("wd")) {
    t.unit = TermUnit::kWorkingDays;
    num.remove_suffix(2);
  } else if (num.ends_with("d")) {
    num.remove_suffix(1);
    t.unit = TermUnit::kCalendarDays;
  } else {
    return Invalid("calendar.bad_term", "期限格式应为天数加单位，如 60d（自然日）或 5wd（工作日）",
                   {{"term", "缺少单位 d 或 wd"}});
  }
  auto n = ParseInt<int>(num);
  if (n) t.count = *n;
  if (!n || t.count < 0 || t.count > 3650)
    return Invalid("calendar.bad_term", "期限天数应为 0 到 3650 之间的整数", {{"term", "天数无效"}});
  return t;
}

absl::Status Calendar::LoadDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("calendar.dir_missing", "找不到日历目录: " + dir);
  std::map<int, Year> loaded;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    auto year = ParseInt<int>(entry.path().stem().string());
    if (entry.path().extension() != ".txt" || !year) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    QF_ASSIGN_OR_RETURN(loaded[*year], ParseYear(*year, ss.str(), name));
  }
  absl::MutexLock load(&load_mu_);
  {
    absl::MutexLock lock(&mu_);
    for (auto& [y, data] : loaded) years_[y] = std::move(data);
  }
  Rebuild();
  return absl::OkStatus();
}

absl::StatusOr<Calendar::Year> Calendar::ParseYear(int year, std::string_view text, std::string_view source) {
  Year y;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> parts = SplitN(line, ' ', 3);
    // The line is the field, as imports name their rows.
    auto bad_line = [&](std::string_view why) {
      std::string field = fmt::format("第{}行", line_no);
      return Invalid("calendar.bad_line", fmt::format("{} {}：{}", source, field, why), {{field, std::string(why)}});
    };
    if (parts.size() < 2) return bad_line("应为“日期 off|work 名称”");
    auto day = ParseDay(parts[0]);
    if (!day) return bad_line("日期无效");
    if (day->year() != year) return bad_line("日期不属于该年份");
    std::string name = parts.size() > 2 ? std::string(Trim(parts[2])) : "";
    if (parts[1] == "off") {
      y.off[*day] = name;
    } else if (parts[1] == "work") {
      y.work[*day] = name.empty() ? "调休上班" : name;
    } else {
      return bad_line("类型应为 off 或 work");
    }
  }
  y.version = fmt::format("{}:{}", year, Sha256Hex(text).substr(0, 12));
  return y;
}

absl::Status Calendar::Validate(int year, std::string_view text, std::string_view source) {
  return ParseYear(year, text, source).status();
}

absl::Status Calendar::LoadYear(int year, std::string_view text, std::string_view source) {
  QF_ASSIGN_OR_RETURN(Year y, ParseYear(year, text, source));
  absl::MutexLock load(&load_mu_);
  {
    absl::MutexLock lock(&mu_);
    years_[year] = std::move(y);
  }
  Rebuild();
  return absl::OkStatus();
}

bool Calendar::HasNotice(int year) const {
  absl::ReaderMutexLock lock(&mu_);
  return years_.count(year) > 0;
}

std::vector<int> Calendar::LoadedYears() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<int> out;
  for (auto& [y, _] : years_) out.push_back(y);
  return out;
}

std::string Calendar::YearVersion(int year) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = years_.find(year);
  return it != years_.end() ? it->second.version : fmt::format("{}:statutory", year);
}

namespace {

bool IsWeekend(absl::CivilDay d) {
  auto w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

// 清明: the day of the solar term, by the standard 21st-century formula (valid 2001–2099; checked against
// the State Council notices for 2025 (Apr 4) and 2026 (Apr 5) in calendar_test).
absl::CivilDay Qingming(int year) {
  int y = year % 100;
  int day = static_cast<int>(y * 0.2422 + 4.81) - y / 4;
  return absl::CivilDay(year, 4, day);
}

// 正月初一 of the years just beyond the loaded notices. ICU's astronomical approximation is off by a day when
// the new moon falls near midnight CST (2027: new moon 23:56 CST on Feb 6, ICU says Feb 7), so the known dates
// win and ICU serves only beyond this table.
constexpr struct { int year, month, day; } kLunarNewYear[] = {
    {2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6},  {2028, 1, 26}, {2029, 2, 13}, {2030, 2, 3},
    {2031, 1, 23}, {2032, 2, 11}, {2033, 1, 31}, {2034, 2, 19}, {2035, 2, 8},
};

}  // namespace

std::map<absl::CivilDay, std::string> Calendar::StatutoryHolidays(int year) const {
  // A pure function of the year: computed once per process and shared by every calendar.
  static absl::Mutex cache_mu;
  static auto* cache = new std::map<int, std::map<absl::CivilDay, std::string>>();
  {
    absl::MutexLock lock(&cache_mu);
    auto it = cache->find(year);
    if (it != cache->end()) return it->second;
  }
  std::map<absl::CivilDay, std::string> out;
  out[absl::CivilDay(year, 1, 1)] = "元旦";
  out[Qingming(year)] = "清明节";
  out[absl::CivilDay(year, 5, 1)] = "劳动节";
  out[absl::CivilDay(year, 5, 2)] = "劳动节";
  for (int d = 1; d <= 3; ++d) out[absl::CivilDay(year, 10, d)] = "国庆节";

  // Lunar dates: read each day's Chinese-calendar month and day, over the Gregorian windows in which 正月初一
  // (Jan 21 – Feb 20), 端午 (May 28 – Jun 25) and 中秋 (Sep 7 – Oct 8) can fall.
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> chinese(
      icu::Calendar::createInstance(icu::TimeZone::createTimeZone("Asia/Shanghai"),
                                    icu::Locale("zh_CN@calendar=chinese"), status));
  std::optional<absl::CivilDay> new_year;
  for (const auto& k : kLunarNewYear)
    if (k.year == year) new_year = absl::CivilDay(k.year, k.month, k.day);
  const std::pair<absl::CivilDay, absl::CivilDay> windows[] = {
      {absl::CivilDay(year, 1, 19), absl::CivilDay(year, 2, 22)},
      {absl::CivilDay(year, 5, 25), absl::CivilDay(year, 6, 28)},
      {absl::CivilDay(year, 9, 5), absl::CivilDay(year, 10, 10)}};
  for (auto [from, to] : windows) {
    for (absl::CivilDay d = from; U_SUCCESS(status) && d <= to; ++d) {
      UDate millis = static_cast<UDate>(absl::ToUnixMillis(CstStart(d) + absl::Hours(12)));
      chinese->setTime(millis, status);
      int month = chinese->get(UCAL_MONTH, status) + 1;
      int dom = chinese->get(UCAL_DATE, status);
      bool leap = chinese->get(UCAL_IS_LEAP_MONTH, status) != 0;
      if (U_FAILURE(status) || leap) continue;
      if (month == 5 && dom == 5) out[d] = "端午节";
      else if (month == 8 && dom == 15) out[d] = "中秋节";
      if (month == 1 && dom == 1 && !new_year) new_year = d;
    }
  }
  if (new_year) {
    // 春节: 除夕 (the day before 正月初一) to 初三.
    for (absl::CivilDay d = *new_year - 1; d <= *new_year + 2; ++d)
      if (d.year() == year) out[d] = "春节";
  }
  absl::MutexLock lock(&cache_mu);
  (*cache)[year] = out;
  return out;
}

DayInfo Calendar::ClassifySlow(absl::CivilDay day) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = years_.find(static_cast<int>(day.year()));
    if (it != years_.end()) {
      const Year& y = it->second;
      if (auto w = y.work.find(day); w != y.work.end()) return {DayKind::kMakeupWorkday, w->second, false};
      if (auto o = y.off.find(day); o != y.off.end()) return {DayKind::kHoliday, o->second, false};
      if (IsWeekend(day)) return {DayKind::kWeekend, "", false};
      return {DayKind::kWorkday, "", false};
    }
  }
  auto hol = StatutoryHolidays(static_cast<int>(day.year()));
  if (auto h = hol.find(day); h != hol.end()) return {DayKind::kHoliday, h->second, true};
  if (IsWeekend(day)) return {DayKind::kWeekend, "", true};
  return {DayKind::kWorkday, "", true};
}

DayInfo Calendar::Classify(absl::CivilDay day) const { return ClassifySlow(day); }

bool Calendar::IsWorkingDay(absl::CivilDay day) const {
  const Table* t = table_.load(std::memory_order_acquire);
  if (t && t->Covers(day)) {
    auto k = static_cast<DayKind>(t->kind[t->At(day)] & 3);
    return k == DayKind::kWorkday || k == DayKind::kMakeupWorkday;
  }
  return ClassifySlow(day).working();
}

void Calendar::Rebuild() {
  std::vector<int> years = LoadedYears();
  // The loaded years with five before and twenty after: every deadline a case can have lies inside.
  int lo = std::max(2001, (years.empty() ? 2025 : years.front()) - 5);
  int hi = std::min(2099, (years.empty() ? 2026 : years.back()) + 20);
  auto table = std::make_unique<Table>();
  table->first = absl::CivilDay(lo, 1, 1);
  int32_t count = 0;
  for (absl::CivilDay d = table->first; d < absl::CivilDay(hi + 1, 1, 1); ++d) {
    DayInfo info = ClassifySlow(d);
    table->kind.push_back(static_cast<uint8_t>(static_cast<int>(info.kind) | (info.provisional ? 4 : 0)));
    if (info.working()) ++count;
    table->working.push_back(count);
  }
  absl::MutexLock lock(&mu_);
  table_.store(table.get(), std::memory_order_release);
  tables_.push_back(std::move(table));
}

std::string Calendar::VersionFor(absl::CivilDay a, absl::CivilDay b) const {
  std::vector<std::string> parts;
  for (int y = static_cast<int>(a.year()); y <= static_cast<int>(b.year()); ++y) parts.push_back(YearVersion(y));
  return Join(parts, "+");
}

namespace {
std::string Describe(absl::CivilDay d, const DayInfo& info) {
  std::string s = FormatDay(d) + "（" + WeekdayZh(d) + "）";
  switch (info.kind) {
    case DayKind::kWorkday: return s + " 工作日";
    case DayKind::kWeekend: return s + " 休息日";
    case DayKind::kHoliday: return s + " 节假日" + (info.name.empty() ? "" : "·" + info.name);
    case DayKind::kMakeupWorkday: return s + " 调休上班";
  }
  return s;
}
}  // namespace

DeadlineResult Calendar::Add(absl::CivilDay start, const Term& term, bool explain) const {
  const Table* t = table_.load(std::memory_order_acquire);
  if (!explain && t && t->Covers(start)) {
    // One lookup per question: the running count of working days answers where the N-th one falls.
    auto working = [](uint8_t k) { return (k & 3) == static_cast<int>(DayKind::kWorkday) ||
                                          (k & 3) == static_cast<int>(DayKind::kMakeupWorkday); };
    std::optional<absl::CivilDay> due;
    absl::CivilDay counted_from = start + 1;
    if (term.unit == TermUnit::kCalendarDays) {
      absl::CivilDay d = start + term.count;
      counted_from = d;
      while (t->Covers(d) && !working(t->kind[t->At(d)])) ++d;
      if (t->Covers(d)) due = d;
    } else if (term.count == 0) {
      due = start;
    } else {
      int32_t target = t->working[t->At(start)] + term.count;
      auto begin = t->working.begin() + static_cast<std::ptrdiff_t>(t->At(start));
      auto it = std::lower_bound(begin, t->working.end(), target);
      if (it != t->working.end()) due = t->first + (it - t->working.begin());
    }
    if (due) {
      DeadlineResult r;
      r.due = *due;
      // Provisional when a day that decided the count lies in a year without its notice.
      if (*due >= counted_from)
        for (int y = static_cast<int>(counted_from.year()); y <= static_cast<int>(due->year()); ++y)
          r.provisional |= !HasNotice(y);
      r.calendar_version = VersionFor(start, *due);
      return r;
    }
  }
  DeadlineResult r;
  bool provisional = false;
  if (explain)
    r.steps.push_back("起算日 " + FormatDay(start) + "（" + WeekdayZh(start) + "），当日不计入");
  absl::CivilDay d = start;
  if (term.unit == TermUnit::kCalendarDays) {
    d = start + term.count;
    if (explain)
      r.steps.push_back(fmt::format("加 {} 个自然日，得 {}（{}）", term.count, FormatDay(d), WeekdayZh(d)));
    DayInfo info = Classify(d);
    provisional |= info.provisional;
    while (!info.working()) {
      if (explain) r.steps.push_back("期间最后一日 " + Describe(d, info) + "，顺延至次日（民法典第二百零三条）");
      ++d;
      info = Classify(d);
      provisional |= info.provisional;
    }
  } else {
    int counted = 0;
    while (counted < term.count) {
      ++d;
      DayInfo info = Classify(d);
      provisional |= info.provisional;
      if (info.working()) {
        ++counted;
        if (explain) r.steps.push_back(fmt::format("{} 计第 {} 个工作日", Describe(d, info), counted));
      } else if (explain) {
        r.steps.push_back(Describe(d, info) + " 不计");
      }
    }
  }
  r.due = d;
  r.provisional = provisional;
  r.calendar_version = VersionFor(start, d);
  if (explain) {
    r.steps.push_back("期限届满日 " + FormatDay(d) + "（" + WeekdayZh(d) + "）");
    if (provisional)
      r.steps.push_back("注意：所涉年份尚未载入国务院放假通知，按《全国年节及纪念日放假办法》推算，结果为暂定，通知载入后重算");
  }
  return r;
}

int Calendar::WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const {
  if (to < from) return -WorkingDaysBetween(to, from);
  const Table* t = table_.load(std::memory_order_acquire);
  if (t && t->Covers(from) && t->Covers(to)) return t->working[t->At(to)] - t->working[t->At(from)];
  int n = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d)
    if (IsWorkingDay(d)) ++n;
  return n;
}

}  // namespace qf
