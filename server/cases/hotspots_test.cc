// Hotspot statistics: the Poisson tail against closed forms, a concentrated school flagged with its reason while
// a city of ordinary schools raises no flag, and a month-over-month spike.
#include <gtest/gtest.h>

#include <random>

#include "cases/hotspots.h"

namespace qf::cases {
namespace {

TEST(PoissonUpperTail, MatchesClosedForms) {
  EXPECT_NEAR(PoissonUpperTail(3, 1.0), 1 - std::exp(-1.0) * 2.5, 1e-12);
  EXPECT_NEAR(PoissonUpperTail(1, 2.0), 1 - std::exp(-2.0), 1e-12);
  EXPECT_DOUBLE_EQ(PoissonUpperTail(0, 5.0), 1.0);
  // Far tail: P(X >= 40 | 5) is about 8.5e-23, a little more than P(X = 40) (summed, not 1 - cdf, which is 0).
  double p40 = std::exp(-5.0 + 40 * std::log(5.0) - std::lgamma(41.0));
  double far = PoissonUpperTail(40, 5.0);
  EXPECT_GT(far, p40);
  EXPECT_LT(far, p40 * 1.2);
  EXPECT_NEAR(PoissonUpperTail(5, 50.0), 1.0, 1e-12);
}

std::vector<UnitCounts> City(uint32_t seed, int schools, double per_thousand) {
  std::mt19937 rng(seed);
  std::vector<UnitCounts> rows;
  for (int i = 1; i <= schools; ++i) {
    int64_t enrol = 500 + static_cast<int64_t>(rng() % 2000);
    for (const char* cat : {"fees", "tutoring"}) {
      std::poisson_distribution<int> d(per_thousand * static_cast<double>(enrol) / 1000.0);
      rows.push_back({i, "学校" + std::to_string(i), "甲区", cat, enrol, d(rng), {}});
    }
  }
  return rows;
}

double Students(const std::vector<UnitCounts>& rows) {
  double s = 0;
  for (size_t i = 0; i < rows.size(); i += 2) s += static_cast<double>(rows[i].enrolment);
  return s;
}

TEST(FindHotspots, OrdinaryCityRaisesNoFlagOverManySeeds) {
  int flagged = 0;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    auto rows = City(seed, 600, 2.0);
    for (auto& h : FindHotspots(rows, Students(rows))) flagged += h.kind == "rate";
  }
  // FDR 5% with no true hotspot: a false flag in at most a few of 20 cities.
  EXPECT_LE(flagged, 3);
}

TEST(FindHotspots, ConcentratedSchoolIsFlaggedWithItsReason) {
  auto rows = City(7, 600, 2.0);
  rows[10].count = 25;  // school 6, fees: about 2 expected
  rows[10].enrolment = 1000;
  auto hs = FindHotspots(rows, Students(rows));
  ASSERT_FALSE(hs.empty());
  EXPECT_EQ(hs[0].unit_id, 6);
  EXPECT_EQ(hs[0].category, "fees");
  EXPECT_EQ(hs[0].kind, "rate");
  EXPECT_LT(hs[0].p, 1e-10);
  EXPECT_NE(hs[0].explanation.find("学校6“教育收费”类25件"), std::string::npos) << hs[0].explanation;
  EXPECT_NE(hs[0].explanation.find("每千名学生"), std::string::npos);
}

TEST(FindHotspots, MonthOverMonthSpike) {
  std::vector<UnitCounts> rows{{1, "甲校", "甲区", "tutoring", 1000, 10, {1, 0, 1, 8}},
                               {2, "乙校", "甲区", "tutoring", 1000, 8, {2, 3, 2, 3}}};
  auto hs = FindHotspots(rows, 1e6);
  int spikes = 0;
  for (auto& h : hs)
    if (h.kind == "spike") {
      ++spikes;
      EXPECT_EQ(h.unit_id, 1);
      EXPECT_NE(h.explanation.find("最近一个月8件"), std::string::npos) << h.explanation;
    }
  EXPECT_EQ(spikes, 1);
}

}  // namespace
}  // namespace qf::cases
