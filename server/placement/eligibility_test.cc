// Eligibility and tiers under the shipped policy (data/placement/policy.toml): the residence rule counted to
// 31 August with a district's shorter term, proof of work, the first tier that holds, each with its rule's text;
// and a policy file that would leave eligible children without a tier is refused.
#include <gtest/gtest.h>

#include "placement/eligibility.h"
#include "placement/match.h"

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

}  // namespace
}  // namespace qf::placement
