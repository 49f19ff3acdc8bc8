// Formatting and parsing of instants (stored in UTC) and legal days (China Standard Time). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace qf {

// The fixed +08:00 zone in which legal days are counted.
absl::TimeZone Cst();
// "2026-01-20T03:04:05.123Z"
std::string FormatUtc(absl::Time t);
std::optional<absl::Time> ParseUtc(std::string_view s);
// "2026-01-20"
std::string FormatDay(absl::CivilDay d);
std::optional<absl::CivilDay> ParseDay(std::string_view s);
// A day as people write it in spreadsheets: 2026-07-01, 2026/7/1, 2026.7.1, 2026年7月1日 (a time after it is
// ignored), or an Excel serial day number (1900 date system, 46204 = 2026-07-01).
std::optional<absl::CivilDay> ParseDayText(std::string_view s);
// A moment as people write it in spreadsheets, in Beijing time unless it says its zone (RFC 3339): a day as
// ParseDayText reads it, then optionally a time (8:30, 08:30:00, 8时30分, 8点30分), or an Excel serial with its
// fraction of a day (46204.354166 = 2026-07-01 08:30).
std::optional<absl::Time> ParseTimeText(std::string_view s);
// The CST calendar day an instant falls on.
absl::CivilDay CstDay(absl::Time t);
// Start of a CST day as an instant.
absl::Time CstStart(absl::CivilDay d);
// 周一 … 周日
std::string WeekdayZh(absl::CivilDay d);

}  // namespace qf
