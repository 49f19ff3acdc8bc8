// Moments as spreadsheets hold them (ParseTimeText): the platforms' text forms in Beijing time, Excel serials with
// their fraction of a day, RFC 3339 with its zone; and what is refused.
#include "common/timefmt.h"

#include <gtest/gtest.h>

namespace qf {
namespace {

absl::Time Beijing(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Cst());
}

TEST(ParseTimeText, TheFormsPlatformsAndExcelWrite) {
  EXPECT_EQ(ParseTimeText("2026-07-01"), Beijing(2026, 7, 1));
  EXPECT_EQ(ParseTimeText("2026-07-01 09:30"), Beijing(2026, 7, 1, 9, 30));
  EXPECT_EQ(ParseTimeText("2026-07-01 09:30:15"), Beijing(2026, 7, 1, 9, 30, 15));
  EXPECT_EQ(ParseTimeText("2026/7/1 8:30"), Beijing(2026, 7, 1, 8, 30));
  EXPECT_EQ(ParseTimeText("2026年7月1日"), Beijing(2026, 7, 1));
  EXPECT_EQ(ParseTimeText("2026年7月1日 8时30分"), Beijing(2026, 7, 1, 8, 30));
  EXPECT_EQ(ParseTimeText("2026.7.1 8点"), Beijing(2026, 7, 1, 8));
  EXPECT_EQ(ParseTimeText(" 46204 "), Beijing(2026, 7, 1));
  EXPECT_EQ(ParseTimeText("46204.354166667"), Beijing(2026, 7, 1, 8, 30));
  EXPECT_EQ(ParseTimeText("2026-07-01T00:30:00Z"), Beijing(2026, 7, 1, 8, 30));
}

TEST(ParseTimeText, WhatIsNotAMoment) {
  for (const char* bad : {"", "明天", "2026-02-30", "2026-07-01 25:00", "2026-07-01 8:61", "2026-07-01 上午",
                          "12345.5", "2026-07-01 8:30:00:00"})
    EXPECT_EQ(ParseTimeText(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace qf
