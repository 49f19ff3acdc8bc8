#include "common/calendar.h"

#include <gtest/gtest.h>

#include "common/timefmt.h"

#include <random>

namespace qf {
namespace {

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cal_.LoadDir(std::string(QF_SOURCE_DIR) + "/data/calendar").ok()); }
  absl::CivilDay Due(const char* start, const char* term) {
    return cal_.Add(*ParseDay(start), *Term::Parse(term)).due;
  }
  Calendar cal_;
};

// The weekdays off and weekend days worked of the State Council notices (DOMAIN.md table).
TEST_F(CalendarTest, OfficialArrangement2025) {
  for (const char* d : {"2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-03",
                        "2025-02-04", "2025-04-04", "2025-05-01", "2025-05-02", "2025-05-05", "2025-06-02",
                        "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"}) {
    EXPECT_FALSE(cal_.IsWorkingDay(*ParseDay(d))) << d;
  }
  for (const char* d : {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}) {
    auto info = cal_.Classify(*ParseDay(d));
    EXPECT_EQ(info.kind, DayKind::kMakeupWorkday) << d;
    EXPECT_FALSE(info.provisional);
  }
  EXPECT_TRUE(cal_.IsWorkingDay(*ParseDay("2025-01-27")));
  EXPECT_FALSE(cal_.IsWorkingDay(*ParseDay("2025-03-01")));  // an ordinary Saturday
}

TEST_F(CalendarTest, OfficialArrangement2026) {
  for (const char* d : {"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
                        "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05",
                        "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
                        "2026-10-07"}) {
    EXPECT_FALSE(cal_.IsWorkingDay(*ParseDay(d))) << d;
  }
  for (const char* d : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"})
    EXPECT_TRUE(cal_.IsWorkingDay(*ParseDay(d))) << d;
}

TEST_F(CalendarTest, WorkingDaysSkipHolidaysAndCountMakeupDays) {
  // 2026-04-30 + 5wd: May 1–5 off, May 6,7,8 count, May 9 (Saturday, make-up) counts, May 11.
  EXPECT_EQ(Due("2026-04-30", "5wd"), *ParseDay("2026-05-11"));
  // Spring Festival 2026: Feb 13 (Fri) + 1wd -> Feb 14 (Saturday worked).
  EXPECT_EQ(Due("2026-02-13", "1wd"), *ParseDay("2026-02-14"));
  // Feb 14 + 1wd: Feb 15–23 off -> Feb 24.
  EXPECT_EQ(Due("2026-02-14", "1wd"), *ParseDay("2026-02-24"));
  // 15 working days from 2025-09-26 across National Day: Sep 28 worked.
  EXPECT_EQ(Due("2025-09-26", "15wd"), *ParseDay("2025-10-23"));
}

TEST_F(CalendarTest, CalendarDaysRollForwardOnlyAtTheEnd) {
  // 2026-01-20 + 60d = 2026-03-21, a Saturday -> Monday 2026-03-23.
  EXPECT_EQ(Due("2026-01-20", "60d"), *ParseDay("2026-03-23"));
  // Ends inside the Spring Festival break: 2026-02-01 + 15d = Feb 16 -> Feb 24.
  EXPECT_EQ(Due("2026-02-01", "15d"), *ParseDay("2026-02-24"));
  // Ends on a make-up working Saturday: no roll.
  EXPECT_EQ(Due("2026-02-13", "1d"), *ParseDay("2026-02-14"));
  // Holidays inside the term do not extend it: 2026-09-20 + 15d = Oct 5 (holiday) -> Oct 8.
  EXPECT_EQ(Due("2026-09-20", "15d"), *ParseDay("2026-10-08"));
  EXPECT_EQ(Due("2026-03-02", "0d"), *ParseDay("2026-03-02"));
}

TEST_F(CalendarTest, UnloadedYearFallsBackToStatutoryHolidaysAndIsProvisional) {
  // 2027's notice is not loaded. Spring Festival 2027: 正月初一 is 2027-02-06, so 除夕 is Feb 5.
  auto hol = cal_.StatutoryHolidays(2027);
  EXPECT_EQ(hol.count(absl::CivilDay(2027, 2, 5)), 1u);
  EXPECT_EQ(hol.count(absl::CivilDay(2027, 2, 8)), 1u);  // 初三
  EXPECT_EQ(hol.at(absl::CivilDay(2027, 6, 9)), "端午节");
  EXPECT_EQ(hol.at(absl::CivilDay(2027, 9, 15)), "中秋节");
  EXPECT_EQ(hol.at(absl::CivilDay(2027, 4, 5)), "清明节");
  // The same computation reproduces the loaded years' statutory days.
  auto h26 = cal_.StatutoryHolidays(2026);
  EXPECT_EQ(h26.at(absl::CivilDay(2026, 2, 16)), "春节");  // 除夕 2026
  EXPECT_EQ(h26.at(absl::CivilDay(2026, 4, 5)), "清明节");
  EXPECT_EQ(h26.at(absl::CivilDay(2026, 6, 19)), "端午节");
  EXPECT_EQ(h26.at(absl::CivilDay(2026, 9, 25)), "中秋节");
  auto h25 = cal_.StatutoryHolidays(2025);
  EXPECT_EQ(h25.at(absl::CivilDay(2025, 4, 4)), "清明节");
  EXPECT_EQ(h25.at(absl::CivilDay(2025, 1, 28)), "春节");

  // A case registered in December 2026 with a 60-day term reaches Spring Festival 2027.
  auto r = cal_.Add(*ParseDay("2026-12-08"), *Term::Parse("60d"));
  EXPECT_EQ(r.due, *ParseDay("2027-02-09"));  // Feb 6 is 初一 (Sat); Feb 5–8 holidays; Feb 9 Tuesday
  EXPECT_TRUE(r.provisional);
  EXPECT_NE(r.calendar_version.find("2027:statutory"), std::string::npos);
  auto inside = cal_.Add(*ParseDay("2026-03-02"), *Term::Parse("60d"));
  EXPECT_FALSE(inside.provisional);
  EXPECT_EQ(inside.calendar_version.substr(0, 5), "2026:");

  // Loading the notice later makes the same computation final.
  Calendar later;
  ASSERT_TRUE(later.LoadDir(std::string(QF_SOURCE_DIR) + "/data/calendar").ok());
  ASSERT_TRUE(later.LoadYear(2027, "2027-02-05 off 春节\n2027-02-08 off 春节\n2027-02-09 off 春节\n2027-02-10 off 春节\n2027-02-11 off 春节\n", "test").ok());
  auto r2 = later.Add(*ParseDay("2026-12-08"), *Term::Parse("60d"));
  EXPECT_FALSE(r2.provisional);
  EXPECT_EQ(r2.due, *ParseDay("2027-02-12"));
}

TEST_F(CalendarTest, ExplainsEachStep) {
  auto r = cal_.Add(*ParseDay("2026-04-30"), *Term::Parse("5wd"), true);
  ASSERT_GE(r.steps.size(), 6u);
  bool saw_makeup = false;
  for (auto& s : r.steps) saw_makeup |= s.find("调休上班") != std::string::npos;
  EXPECT_TRUE(saw_makeup);
}

TEST_F(CalendarTest, WorkingDaysBetween) {
  EXPECT_EQ(cal_.WorkingDaysBetween(*ParseDay("2026-04-30"), *ParseDay("2026-05-11")), 5);
  EXPECT_EQ(cal_.WorkingDaysBetween(*ParseDay("2026-05-11"), *ParseDay("2026-04-30")), -5);
}

// The per-day table answers exactly what counting day by day answers (the explained count walks day by day),
// for random starts and terms across the loaded years, the statutory years beyond them and the table's edges.
TEST_F(CalendarTest, TableAnswersLikeTheDayByDayCount) {
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    absl::CivilDay start = absl::CivilDay(2019, 1, 1) + static_cast<int>(rng() % (365 * 30));
    Term term{static_cast<int>(rng() % 90), rng() % 2 ? TermUnit::kWorkingDays : TermUnit::kCalendarDays};
    auto fast = cal_.Add(start, term), slow = cal_.Add(start, term, /*explain=*/true);
    ASSERT_EQ(fast.due, slow.due) << FormatDay(start) << " + " << term.ToString();
    ASSERT_EQ(fast.provisional, slow.provisional) << FormatDay(start) << " + " << term.ToString();
    ASSERT_EQ(fast.calendar_version, slow.calendar_version);
    absl::CivilDay other = start + static_cast<int>(rng() % 200) - 100;
    int counted = 0;
    for (absl::CivilDay d = std::min(start, other) + 1; d <= std::max(start, other); ++d) counted += cal_.Classify(d).working();
    ASSERT_EQ(cal_.WorkingDaysBetween(start, other), start <= other ? counted : -counted) << FormatDay(start) << " " << FormatDay(other);
  }
}

// A year's notice loaded while the server runs changes the answers at once, for every thread.
TEST_F(CalendarTest, AYearLoadedAtRunTimeTakesEffect) {
  absl::CivilDay start = *ParseDay("2027-04-30");
  auto before = cal_.Add(start, *Term::Parse("5wd"));
  EXPECT_TRUE(before.provisional);
  ASSERT_TRUE(cal_.LoadYear(2027, "2027-05-03 off 劳动节\n2027-05-04 off 劳动节\n2027-05-05 off 劳动节\n", "2027.txt").ok());
  auto after = cal_.Add(start, *Term::Parse("5wd"));
  EXPECT_FALSE(after.provisional);
  EXPECT_GT(after.due, before.due);
  EXPECT_TRUE(cal_.HasNotice(2027));
  EXPECT_FALSE(cal_.IsWorkingDay(*ParseDay("2027-05-04")));
}

TEST(TermTest, Parses) {
  EXPECT_EQ(Term::Parse("60d")->count, 60);
  EXPECT_EQ(Term::Parse("5wd")->unit, TermUnit::kWorkingDays);
  EXPECT_FALSE(Term::Parse("5").ok());
  EXPECT_FALSE(Term::Parse("-3d").ok());
  EXPECT_FALSE(Term::Parse("xd").ok());
}

TEST(CalendarLoad, RejectsBadLinesNamingTheLine) {
  Calendar c;
  auto s = c.LoadYear(2026, "2026-01-01 off 元旦\n2026-13-01 off 坏\n", "2026.txt");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("第2行"), std::string::npos);
  EXPECT_FALSE(c.LoadYear(2026, "2025-01-01 off 元旦\n", "2026.txt").ok());
  EXPECT_FALSE(c.LoadYear(2026, "2026-01-01 rest 元旦\n", "2026.txt").ok());
}

}  // namespace
}  // namespace qf
