// The policies that are data, not code: routing rules (谁主管谁负责, 属地管理) and deadline policies (per
// channel, category and stage, each naming its legal clause). Loaded once from data/policies/*.toml at start;
// immutable afterwards, so shared freely between threads. Routing and deadline choice are pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/calendar.h"

namespace qf::cases {

// A unit as routing sees it.
struct UnitFacts {
  int64_t id = 0;
  std::string kind;       // bureau, division, district_bureau, school, other
  std::string stage;      // for schools
  std::string role;       // for divisions: discipline, office, finance, basic_ed, vocational, personnel
  int64_t parent_id = 0;  // the body that runs it
  std::string parent_kind;
};

struct RoutingRule {
  std::string id;
  std::optional<std::string> category;
  std::optional<std::string> unit_kind;
  std::optional<std::string> stage;
  std::optional<std::string> parent_kind;  // "bureau" = city-run, "district_bureau" = district-run
  std::optional<bool> leadership_accused;
  std::string target;  // "parent" | "role:<division role>"
  bool restricted = false;
  std::string basis;   // the rule's legal or policy basis, shown to staff
};

struct DeadlinePolicy {
  std::string id;
  std::string stage;  // acceptance, handling, objection, review_window, review_answer, rereview_window, ...
  std::optional<std::string> channel;
  std::optional<std::string> category;
  std::optional<bool> real_name;
  Term term;
  std::string clause;
};

struct SupervisionPolicy {
  int yellow_working_days = 1;  // yellow when the deadline is this many working days away or fewer
  std::string yellow_rule = "期限前1个工作日黄牌预警";
  std::string red_rule = "超过期限红牌督办";
  int max_extension_days = 30;  // 信访工作条例 第三十四条
};

struct RoutingDecision {
  std::string rule_id;
  std::string target;  // as in the rule
  int64_t handling_unit_id = 0;
  bool restricted = false;
  std::string basis;
};

class Policies {
 public:
  // Reads routing.toml, deadlines.toml and supervision.toml from `dir`.
  static absl::StatusOr<Policies> Load(const std::string& dir);

  // The first routing rule that matches. `units_by_role` resolves "role:<r>" targets. NotFound if no rule
  // matches; the caller then leaves the case to the intake clerk.
  absl::StatusOr<RoutingDecision> Route(const std::string& category, const std::optional<UnitFacts>& concerned,
                                        bool leadership_accused,
                                        const std::function<int64_t(const std::string&)>& unit_by_role) const;
  // The most specific policy for a stage (channel and category matches beat wildcards).
  absl::StatusOr<DeadlinePolicy> DeadlineFor(const std::string& stage, const std::string& channel,
                                             const std::string& category, bool real_name) const;
  const SupervisionPolicy& supervision() const { return supervision_; }
  const std::vector<RoutingRule>& routing_rules() const { return routing_; }
  const std::vector<DeadlinePolicy>& deadline_policies() const { return deadlines_; }

 private:
  std::vector<RoutingRule> routing_;
  std::vector<DeadlinePolicy> deadlines_;
  SupervisionPolicy supervision_;
};

}  // namespace qf::cases
