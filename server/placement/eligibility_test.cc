// Eligibility and tiers under the shipped policy (data/placement/policy.toml): the residence rule counted to
// 31 August with a district's shorter term, proof of work, the first tier that holds, each with its rule's text;
// and a policy file that would leave eligible children without a tier is refused. Also the facts a reviewer corrects
// (read with the form's rules, then assessed again) and the grid cell a point picked on the map is kept as.
#include <gtest/gtest.h>

#include "placement/eligibility.h"
#include "placement/match.h"
#include "placement/placement.h"

namespace qf::placement {
namespace {

Policy Shipped() {
  auto p = Policy::Load(std::string(QF_SOURCE_DIR) + "/data/placement/policy.toml");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

Facts Base() {
  return {.district = "瑶海区", .grade = 1, .residence_since = absl::CivilDay(2025, 6, 1),
          .work_proof = "labour_contract", .housing = "other"};
}

TEST(Eligibility, ResidenceIsCountedToTheThirtyFirstOfAugustWithTheDistrictsTerm) {
  Policy p = Shipped();
  Facts f = Base();
  f.residence_since = absl::CivilDay(2025, 8, 31);  // a full year on 31 August 2026
  EXPECT_TRUE(Assess(p, f).eligible);
  f.residence_since = absl::CivilDay(2025, 9, 1);  // a day short
  Assessment a = Assess(p, f);
  EXPECT_FALSE(a.eligible);
  EXPECT_NE(a.reasons[0].find("合教〔2010〕111号"), std::string::npos) << "the reason cites the rule";
  f.district = "长丰县";  // half a year there
  EXPECT_TRUE(Assess(p, f).eligible);
  f.residence_since = absl::CivilDay(2026, 3, 1);
  EXPECT_FALSE(Assess(p, f).eligible);
}

TEST(Eligibility, WorkProofIsNeeded) {
  Facts f = Base();
  f.work_proof = "";
  EXPECT_FALSE(Assess(Shipped(), f).eligible);
}

TEST(Eligibility, TheFirstTierThatHoldsWithItsRule) {
  Policy p = Shipped();
  Facts f = Base();
  EXPECT_EQ(Assess(p, f).tier, kPlacedByDistrict);
  f.housing = "filed_tenancy", f.tenancy_months = 36, f.insurance_months = 40;
  Assessment a = Assess(p, f);
  EXPECT_EQ(a.tier, kRelativelyNear);
  EXPECT_NE(a.reasons.back().find("租房备案满3年"), std::string::npos);
  f.insurance_months = 35;  // both must hold
  EXPECT_EQ(Assess(p, f).tier, kPlacedByDistrict);
  f.housing = "own_home";
  EXPECT_EQ(Assess(p, f).tier, kNearby);
  f.special = "军人子女";
  EXPECT_EQ(Assess(p, f).tier, kSpecial);
}

TEST(Eligibility, TheReviewChecksWhatTheGradeNeedsAndNothingForbidden) {
  Policy p = Shipped();
  auto codes = [](const std::vector<ReviewItem>& items) {
    std::vector<std::string> out;
    for (auto& i : items) out.push_back(i.code);
    return out;
  };
  auto g1 = codes(p.ItemsFor(1)), g7 = codes(p.ItemsFor(7));
  EXPECT_NE(std::find(g1.begin(), g1.end(), "birth_certificate"), g1.end());
  EXPECT_EQ(std::find(g7.begin(), g7.end(), "birth_certificate"), g7.end());
  EXPECT_NE(std::find(g7.begin(), g7.end(), "primary_certificate"), g7.end());
  for (const auto& item : p.review_items)
    for (const auto& f : p.forbidden) EXPECT_EQ(f.find(item.label), std::string::npos) << item.label;
}

TEST(Eligibility, APolicyWithoutATierForEveryEligibleChildIsRefused) {
  auto p = Policy::Parse(R"(year = 2026
residence_clause = "x"
work_clause = "y"
work_proofs = ["labour_contract"]
[[tier]]
tier = 1
when = "own_home"
clause = "z"
)", "test.toml");
  EXPECT_FALSE(p.ok());
}

TEST(Eligibility, CorrectedFactsAreReadWithTheFormsRulesAndAssessedAgain) {
  Policy p = Shipped();
  boost::json::object body{{"tenancy_months", 40}, {"insurance_months", 38}, {"housing", "filed_tenancy"}};
  JsonInput in(body);
  FactsInput c = ReadFacts(in, p, false);
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(c.residence_since || c.work_proof || c.special);
  Facts f = Base();
  EXPECT_EQ(Assess(p, f).tier, kPlacedByDistrict);
  EXPECT_EQ(Assess(p, Corrected(f, c)).tier, kRelativelyNear);
  EXPECT_EQ(Corrected(f, FactsInput{}).housing, "other");  // nothing corrected, nothing changed
  boost::json::object bad{{"housing", "villa"}, {"tenancy_months", -1}, {"work_proof", "证明"}};
  JsonInput wrong(bad, "corrected");
  ReadFacts(wrong, p, false);
  ASSERT_EQ(wrong.errors().size(), 3u);
  EXPECT_EQ(wrong.errors()[0].field, "corrected.work_proof");
  // On the form the same fields are required.
  boost::json::object empty;
  JsonInput form(empty);
  ReadFacts(form, p, true);
  EXPECT_EQ(form.errors().size(), 3u);  // residence_since, work_proof, housing
}

TEST(MapCell, APointIsKeptAsTheCentreOfItsCell) {
  MapCell a = CellOf({31897739, 117350403});
  MapCell b = CellOf({31897739 + 10, 117350403 - 10});
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.lat_e6, b.lat_e6);
  EXPECT_EQ(a.lon_e6, b.lon_e6);
  // The centre is within half a cell of the point (about 125 m each way), and a point a cell away is another cell.
  EXPECT_LE(std::abs(a.lat_e6 - 31897739), 1125);
  EXPECT_LE(std::abs(a.lon_e6 - 117350403), 1325);
  EXPECT_NE(CellOf({31897739 + 2250, 117350403}).name, a.name);
  // Cells are whole on both sides of zero (no cell twice as wide at the equator or the meridian).
  EXPECT_NE(CellOf({-1, 10}).name, CellOf({1, 10}).name);
  EXPECT_EQ(CellOf({-1, 10}).lat_e6, -1125);
}

}  // namespace
}  // namespace qf::placement
