// Livelihood projects under the shipped policy (data/projects/policy.toml): 序时进度 as the share of the year elapsed
// by a month's end, a district's standing (each share capped at 100%, their mean as the index) and the laggard line;
// and a policy without its document is refused.
#include <gtest/gtest.h>

#include "projects/projects.h"

namespace qf::projects {
namespace {

Policy Shipped() {
  auto p = Policy::Load(std::string(QF_SOURCE_DIR) + "/data/projects/policy.toml");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

TEST(ProjectRules, ScheduleIsTheShareOfTheYearElapsedByTheMonthsEnd) {
  EXPECT_NEAR(ScheduleShare(absl::CivilMonth(2026, 1)), 31.0 / 365, 1e-9);
  EXPECT_NEAR(ScheduleShare(absl::CivilMonth(2026, 6)), 181.0 / 365, 1e-9);
  EXPECT_NEAR(ScheduleShare(absl::CivilMonth(2028, 2)), 60.0 / 366, 1e-9);  // a leap year
  EXPECT_DOUBLE_EQ(ScheduleShare(absl::CivilMonth(2026, 12)), 1.0);
}

TEST(ProjectRules, AStandingCapsEachShareAndNamesTheLaggards) {
  Policy p = Shipped();
  absl::CivilMonth june(2026, 6);  // 序时进度 49.6%
  Standing on_pace = StandingOf(p, {100, 1000}, Reported{45, 500, 200}, june);
  EXPECT_DOUBLE_EQ(on_pace.quantity_pct, 45);
  EXPECT_DOUBLE_EQ(on_pace.funds_pct, 50);
  EXPECT_DOUBLE_EQ(on_pace.index, 47.5);
  EXPECT_DOUBLE_EQ(on_pace.spent_pct, 40);
  EXPECT_FALSE(on_pace.laggard) << "within 10 points of 序时进度";
  Standing behind = StandingOf(p, {100, 1000}, Reported{30, 350, 100}, june);
  EXPECT_TRUE(behind.laggard) << behind.index << " against " << behind.schedule_pct;
  Standing ahead = StandingOf(p, {100, 1000}, Reported{150, 1000, 900}, june);
  EXPECT_DOUBLE_EQ(ahead.quantity_pct, 100) << "more than the target counts as the target";
  Standing silent = StandingOf(p, {100, 1000}, std::nullopt, june);
  EXPECT_DOUBLE_EQ(silent.index, 0);
  EXPECT_TRUE(silent.laggard) << "a district that has not reported is behind";
  EXPECT_FALSE(StandingOf(p, {100, 1000}, std::nullopt, absl::CivilMonth(2026, 1)).laggard)
      << "in January 8.5% elapsed: nothing reported is not yet 10 points behind";
}

TEST(ProjectRules, APolicyWithoutItsDocumentOrWithBadDatesIsRefused) {
  EXPECT_FALSE(Policy::Parse("laggard_points = 10\nfunds_due = \"06-30\"\nworks_due = \"11-30\"\n", "t").ok());
  EXPECT_FALSE(Policy::Parse("clause = \"x\"\nfunds_due = \"6/30\"\nworks_due = \"11-30\"\n", "t").ok());
  auto ok = Policy::Parse("clause = \"x\"\nlaggard_points = 15\nfunds_due = \"06-30\"\nworks_due = \"11-30\"\n", "t");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_DOUBLE_EQ(ok->laggard_points, 15);
}

}  // namespace
}  // namespace qf::projects
