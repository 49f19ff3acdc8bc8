#include "placement/eligibility.h"

#include <toml++/toml.h>


#include <algorithm>

#include "common/crypto_util.h"
#include "common/files.h"
#include "common/status.h"
#include "fmt/format.h"

namespace qf::placement {

absl::StatusOr<Policy> Policy::Load(const std::string& path) {
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "placement.policy", "随迁子女入学政策文件"));
  return Parse(text, path);
}

absl::StatusOr<Policy> Policy::Parse(std::string_view text, std::string_view source) {
  auto bad = [&](std::string what) {
    return Invalid("placement.policy", fmt::format("{}：{}", source, what));
  };
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return bad(std::string(e.description()));
  }
  Policy p;
  p.digest = Sha256Hex(text);
  p.year = t["year"].value_or(0);
  p.residence_months = t["residence_months"].value_or(12);
  std::string to = t["residence_counted_to"].value_or(std::string("08-31"));
  if (std::sscanf(to.c_str(), "%d-%d", &p.counted_to_month, &p.counted_to_day) != 2) return bad("residence_counted_to 应为 MM-DD");
  p.residence_clause = t["residence_clause"].value_or(std::string());
  p.work_clause = t["work_clause"].value_or(std::string());
  p.max_choices = t["max_choices"].value_or(3);
  if (auto* a = t["work_proofs"].as_array())
    for (auto& v : *a) p.work_proofs.push_back(v.value_or(std::string()));
  if (auto* a = t["grades"].as_array())
    for (auto& v : *a) p.grades.push_back(v.value_or(0));
  if (auto* a = t["tier"].as_array())
    for (auto& v : *a) {
      auto& r = *v.as_table();
      TierRule rule{r["tier"].value_or(-1), r["code"].value_or(std::string()), r["label"].value_or(std::string()),
                    r["when"].value_or(std::string()), r["clause"].value_or(std::string()),
                    r["tenancy_months"].value_or(0), r["insurance_months"].value_or(0)};
      static const std::vector<std::string> kWhen = {"special", "own_home", "long_tenancy", "eligible"};
      if (rule.tier < 0 || rule.clause.empty() || std::find(kWhen.begin(), kWhen.end(), rule.when) == kWhen.end())
        return bad("每个 tier 须有 tier、when（special/own_home/long_tenancy/eligible）和 clause");
      p.tiers.push_back(std::move(rule));
    }
  if (p.year == 0 || p.residence_clause.empty() || p.work_clause.empty() || p.tiers.empty() || p.work_proofs.empty())
    return bad("须有 year、residence_clause、work_proofs、work_clause 和至少一个 tier");
  if (p.tiers.back().when != "eligible") return bad("最后一个 tier 须是 when = \"eligible\"（其他符合条件的儿童）");
  if (auto* f = t["forbidden"].as_table()) {
    if (auto* items = (*f)["items"].as_array())
      for (auto& v : *items) p.forbidden.push_back(v.value_or(std::string()));
    p.forbidden_clause = (*f)["clause"].value_or(std::string());
  }
  if (auto* a = t["review_item"].as_array())
    for (auto& v : *a) {
      auto& r = *v.as_table();
      ReviewItem item{r["code"].value_or(std::string()), r["label"].value_or(std::string()), {}};
      if (auto* g = r["grades"].as_array())
        for (auto& x : *g) item.grades.push_back(x.value_or(0));
      if (item.code.empty() || item.label.empty()) return bad("每个 review_item 须有 code 和 label");
      p.review_items.push_back(std::move(item));
    }
  if (auto* a = t["district"].as_array())
    for (auto& v : *a) {
      auto& r = *v.as_table();
      std::string name = r["name"].value_or(std::string());
      if (name.empty()) return bad("每个 district 须有 name");
      p.districts[name] = {r["residence_months"].value_or(p.residence_months),
                           r["residence_clause"].value_or(p.residence_clause)};
    }
  return p;
}

std::vector<ReviewItem> Policy::ItemsFor(int grade) const {
  std::vector<ReviewItem> out;
  for (const auto& i : review_items)
    if (i.grades.empty() || std::find(i.grades.begin(), i.grades.end(), grade) != i.grades.end()) out.push_back(i);
  return out;
}

const TierRule* Policy::Tier(int tier) const {
  for (const auto& t : tiers)
    if (t.tier == tier) return &t;
  return nullptr;
}

Assessment Assess(const Policy& p, const Facts& f) {
  Assessment a;
  a.eligible = true;
  // 居住证: held continuously for the months required, counted to the day of the intake year.
  int months = p.residence_months;
  std::string clause = p.residence_clause;
  if (auto it = p.districts.find(f.district); it != p.districts.end()) {
    months = it->second.residence_months;
    clause = it->second.residence_clause;
  }
  absl::CivilDay counted_to(p.year, p.counted_to_month, p.counted_to_day);
  absl::CivilDay enough(f.residence_since.year(), f.residence_since.month() + months, f.residence_since.day());
  if (enough > counted_to) {
    a.eligible = false;
    a.reasons.push_back(fmt::format("居住证自 {} 起持有，至 {} 不满 {} 个月（{}）", absl::FormatCivilTime(f.residence_since),
                                    absl::FormatCivilTime(counted_to), months, clause));
  } else {
    a.reasons.push_back(fmt::format("居住证持有已满 {} 个月（{}）", months, clause));
  }
  if (std::find(p.work_proofs.begin(), p.work_proofs.end(), f.work_proof) == p.work_proofs.end()) {
    a.eligible = false;
    a.reasons.push_back(fmt::format("缺少务工就业证明（{}）", p.work_clause));
  } else {
    a.reasons.push_back(fmt::format("有务工就业证明（{}）", p.work_clause));
  }
  if (!a.eligible) return a;
  for (const TierRule& t : p.tiers) {
    bool holds = t.when == "eligible" || (t.when == "special" && !f.special.empty()) ||
                 (t.when == "own_home" && f.housing == "own_home") ||
                 (t.when == "long_tenancy" && f.housing == "filed_tenancy" && f.tenancy_months >= t.tenancy_months &&
                  f.insurance_months >= t.insurance_months);
    if (!holds) continue;
    a.tier = t.tier;
    a.tier_label = t.label;
    a.reasons.push_back(fmt::format("{}（{}）", t.label, t.clause));
    break;
  }
  return a;
}

}  // namespace qf::placement
