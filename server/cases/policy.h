// The policies that are data, not code: routing rules (谁主管谁负责, 属地管理) and deadline policies (per
// channel, category and stage, each naming its legal clause). Loaded once from data/policies/*.toml at start;
// immutable afterwards, so shared freely between threads. Routing and deadline choice are pure functions.
#pragma once

#include "search/repeats.h"

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
  std::string stage;  // a deadline kind's name (cases/deadlines.h): acceptance, handling, sign, redo, ...
  std::optional<std::string> channel;
  std::optional<std::string> category;
  std::optional<std::string> kind;  // what the item asks for: consult, suggestion, complaint, report
  std::optional<bool> real_name;
  Term term;
  std::string clause;
};

// A rung of the escalation ladder for an overall deadline that has passed: a document the supervisor may
// issue once the deadline is this many working days overdue (催办函 at 5, 通报批评 at 10 by default).
struct Escalation {
  std::string kind;   // reminder | criticism
  std::string label;  // 催办函 | 通报批评
  int overdue_working_days = 0;
  std::string basis;
  std::string text;   // the document's body; {unit} {title} {receipt} {due} {days} are filled in
};

struct SupervisionPolicy {
  int yellow_working_days = 1;  // yellow when the deadline is this many working days away or fewer
  std::string yellow_rule = "期限前1个工作日黄牌预警";
  std::string red_rule = "超过期限红牌督办";
  std::string step_rule = "办理环节超时黄牌预警（总期限尚未届满）";
  int max_extension_days = 30;  // 信访工作条例 第三十四条
  int order_max_working_days = 30;  // a supervision order's term, 1 to this many working days
  std::vector<Escalation> escalations;  // ascending by overdue_working_days
  int dissatisfied_at_most = 2;  // a rating of this or lower is 不满意 (1–5 scale) and may be sent back for 重办
};

// A reporting line the bureau publishes (shown on the portal as listed).
struct Hotline {
  std::string name, number, hours;
};

// Intake rules: how far back a staff-registered or imported item's received time may go without a reason, and
// the reporting lines the bureau publishes.
struct IntakePolicy {
  int backdate_days_without_reason = 30;
  int retaliation_watch_years = 5;  // how long a substantiated named report keeps its reporter watched (cases/watch.h)
  std::vector<Hotline> hotlines;
};

// Who answers a review (复查) or re-review (复核) above the bureau: bodies outside this system, to which the
// request is forwarded and recorded with the date (信访工作条例 第三十五、三十六条).
struct ReviewPolicy {
  std::string city_body = "市人民政府信访工作机构";
  std::string province_body = "省人民政府信访工作机构";
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
  // Reads routing.toml, deadlines.toml, supervision.toml and intake.toml from `dir`.
  static absl::StatusOr<Policies> Load(const std::string& dir);

  // The first routing rule that matches. `units_by_role` resolves "role:<r>" targets. NotFound if no rule
  // matches; the caller then leaves the case to the intake clerk.
  absl::StatusOr<RoutingDecision> Route(const std::string& category, const std::optional<UnitFacts>& concerned,
                                        bool leadership_accused,
                                        const std::function<int64_t(const std::string&)>& unit_by_role) const;
  // The most specific policy for a stage (channel, then category, then kind, then real_name matches beat
  // wildcards). NotFound when no policy covers the stage.
  absl::StatusOr<DeadlinePolicy> DeadlineFor(const std::string& stage, const std::string& channel,
                                             const std::string& category, const std::string& kind,
                                             bool real_name) const;
  // Whether some policy sets a term for `stage` (optional stages such as the sign-off step).
  bool HasStage(std::string_view stage) const;
  const SupervisionPolicy& supervision() const { return supervision_; }
  const IntakePolicy& intake() const { return intake_; }
  const ReviewPolicy& reviews() const { return reviews_; }
  // When two items are offered as the same matter (repeats.toml).
  const search::RepeatPolicy& repeats() const { return repeats_; }
  const std::vector<RoutingRule>& routing_rules() const { return routing_; }
  const std::vector<DeadlinePolicy>& deadline_policies() const { return deadlines_; }

 private:
  std::vector<RoutingRule> routing_;
  std::vector<DeadlinePolicy> deadlines_;
  SupervisionPolicy supervision_;
  IntakePolicy intake_;
  ReviewPolicy reviews_;
  search::RepeatPolicy repeats_;
};

}  // namespace qf::cases
