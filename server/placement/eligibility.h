// Who may have a place and in which tier (data/placement/policy.toml): 居住证 held long enough counted to a day of
// the intake year (a district may differ), proof of work, then the first tier whose condition holds — a special
// category, 房户一致 (own home), a long filed tenancy with social insurance or taxes, or any other eligible child —
// each result with the text of the rule it applies. Also what the on-site review checks per grade, and what it may
// not ask for. Pure; thread-safe once loaded.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace qf::placement {

struct TierRule {
  int tier = 0;
  std::string code, label, when, clause;  // when: special | own_home | long_tenancy | eligible
  int tenancy_months = 0, insurance_months = 0;
};

struct ReviewItem {
  std::string code, label;
  std::vector<int> grades;  // empty: every grade
};

struct Policy {
  int year = 0;
  int residence_months = 12;
  int counted_to_month = 8, counted_to_day = 31;
  std::string residence_clause;
  std::vector<std::string> work_proofs;
  std::string work_clause;
  int max_choices = 3;
  std::vector<int> grades;
  std::vector<TierRule> tiers;
  std::vector<std::string> forbidden;
  std::string forbidden_clause;
  std::vector<ReviewItem> review_items;
  struct DistrictRule {
    int residence_months = 12;
    std::string residence_clause;
  };
  std::map<std::string, DistrictRule> districts;
  std::string digest;  // SHA-256 (hex) of the file's text: which policy assessed an application

  static absl::StatusOr<Policy> Load(const std::string& path);
  static absl::StatusOr<Policy> Parse(std::string_view toml_text, std::string_view source);
  std::vector<ReviewItem> ItemsFor(int grade) const;
  const TierRule* Tier(int tier) const;
};

// What an application states (housing: own_home | filed_tenancy | other).
struct Facts {
  std::string district;
  int grade = 1;
  absl::CivilDay residence_since;
  std::string work_proof, housing, special;
  int tenancy_months = 0, insurance_months = 0;
};

struct Assessment {
  bool eligible = false;
  int tier = -1;
  std::string tier_label;
  std::vector<std::string> reasons;  // each says what was found and under which rule
};
Assessment Assess(const Policy& policy, const Facts& facts);

}  // namespace qf::placement
