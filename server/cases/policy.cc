#include "cases/policy.h"

#include <toml++/toml.h>

#include "search/repeats.h"

#include <algorithm>

#include "common/status.h"
#include "fmt/format.h"

namespace qf::cases {
namespace {

std::optional<std::string> OptStr(const toml::table& t, const char* key) {
  if (auto v = t[key].value<std::string>()) return *v;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<Policies> Policies::Load(const std::string& dir) {
  Policies p;
  try {
    auto routing = toml::parse_file(dir + "/routing.toml");
    if (auto* arr = routing["rule"].as_array()) {
      for (auto& node : *arr) {
        auto& t = *node.as_table();
        RoutingRule r;
        r.id = t["id"].value_or(std::string());
        r.category = OptStr(t, "category");
        r.unit_kind = OptStr(t, "unit_kind");
        r.stage = OptStr(t, "stage");
        r.parent_kind = OptStr(t, "parent_kind");
        if (auto b = t["leadership_accused"].value<bool>()) r.leadership_accused = *b;
        r.target = t["target"].value_or(std::string());
        r.restricted = t["restricted"].value_or(false);
        r.basis = t["basis"].value_or(std::string());
        if (r.id.empty() || r.target.empty() || r.basis.empty())
          return Invalid("policy.bad_rule", "routing.toml：每条规则须有 id、target 和 basis");
        p.routing_.push_back(std::move(r));
      }
    }
    auto deadlines = toml::parse_file(dir + "/deadlines.toml");
    if (auto* arr = deadlines["policy"].as_array()) {
      for (auto& node : *arr) {
        auto& t = *node.as_table();
        DeadlinePolicy d;
        d.id = t["id"].value_or(std::string());
        d.stage = t["stage"].value_or(std::string());
        d.channel = OptStr(t, "channel");
        d.category = OptStr(t, "category");
        d.kind = OptStr(t, "kind");
        if (auto b = t["real_name"].value<bool>()) d.real_name = *b;
        auto term = Term::Parse(t["term"].value_or(std::string()));
        if (!term.ok()) return Invalid("policy.bad_term", "deadlines.toml：" + d.id + " 的 term 无效");
        d.term = *term;
        d.clause = t["clause"].value_or(std::string());
        if (d.id.empty() || d.stage.empty() || d.clause.empty())
          return Invalid("policy.bad_deadline", "deadlines.toml：每条期限须有 id、stage、term 和 clause");
        p.deadlines_.push_back(std::move(d));
      }
    }
    if (auto* rv = deadlines["reviews"].as_table()) {
      p.reviews_.city_body = (*rv)["city_body"].value_or(p.reviews_.city_body);
      p.reviews_.province_body = (*rv)["province_body"].value_or(p.reviews_.province_body);
    }
    auto sup = toml::parse_file(dir + "/supervision.toml");
    SupervisionPolicy& sp = p.supervision_;
    sp.yellow_working_days = sup["yellow_working_days"].value_or(1);
    sp.yellow_rule = sup["yellow_rule"].value_or(sp.yellow_rule);
    sp.red_rule = sup["red_rule"].value_or(sp.red_rule);
    sp.step_rule = sup["step_rule"].value_or(sp.step_rule);
    sp.max_extension_days = sup["max_extension_days"].value_or(30);
    sp.order_max_working_days = sup["order_max_working_days"].value_or(30);
    sp.dissatisfied_at_most = sup["dissatisfied_at_most"].value_or(2);
    if (auto* arr = sup["escalation"].as_array()) {
      for (auto& node : *arr) {
        auto& t = *node.as_table();
        Escalation e{t["kind"].value_or(std::string()), t["label"].value_or(std::string()),
                     t["overdue_working_days"].value_or(0), t["basis"].value_or(std::string()),
                     t["text"].value_or(std::string())};
        if ((e.kind != "reminder" && e.kind != "criticism") || e.label.empty() || e.overdue_working_days < 1 ||
            e.text.empty())
          return Invalid("policy.bad_escalation",
                         "supervision.toml：每级督办文书须有 kind（reminder 或 criticism）、label、text 和正的 overdue_working_days");
        sp.escalations.push_back(std::move(e));
      }
      std::sort(sp.escalations.begin(), sp.escalations.end(),
                [](const Escalation& a, const Escalation& b) { return a.overdue_working_days < b.overdue_working_days; });
    }
    auto intake = toml::parse_file(dir + "/intake.toml");
    p.intake_.backdate_days_without_reason = intake["backdate_days_without_reason"].value_or(30);
    p.intake_.retaliation_watch_years = intake["retaliation_watch_years"].value_or(5);
    if (auto* arr = intake["hotline"].as_array()) {
      for (auto& node : *arr) {
        auto& t = *node.as_table();
        Hotline h{t["name"].value_or(std::string()), t["number"].value_or(std::string()), t["hours"].value_or(std::string())};
        if (h.name.empty() || h.number.empty())
          return Invalid("policy.bad_hotline", "intake.toml：每条举报渠道须有 name 和 number");
        p.intake_.hotlines.push_back(std::move(h));
      }
    }
    QF_ASSIGN_OR_RETURN(p.repeats_, search::LoadRepeatPolicy(dir + "/repeats.toml"));
  } catch (const toml::parse_error& e) {
    return Invalid("policy.parse", fmt::format("策略文件解析失败：{}（{}）", e.description(),
                                               e.source().path ? *e.source().path : std::string("?")));
  }
  return p;
}

absl::StatusOr<RoutingDecision> Policies::Route(
    const std::string& category, const std::optional<UnitFacts>& concerned, bool leadership_accused,
    const std::function<int64_t(const std::string&)>& unit_by_role) const {
  for (const auto& r : routing_) {
    if (r.category && *r.category != category) continue;
    if (r.leadership_accused && *r.leadership_accused != leadership_accused) continue;
    if (r.unit_kind && (!concerned || concerned->kind != *r.unit_kind)) continue;
    if (r.stage && (!concerned || concerned->stage != *r.stage)) continue;
    if (r.parent_kind && (!concerned || concerned->parent_kind != *r.parent_kind)) continue;
    RoutingDecision d{r.id, r.target, 0, r.restricted, r.basis};
    if (r.target == "parent") {
      if (!concerned || concerned->parent_id == 0) continue;
      d.handling_unit_id = concerned->parent_id;
    } else if (r.target.starts_with("role:")) {
      d.handling_unit_id = unit_by_role(r.target.substr(5));
      if (d.handling_unit_id == 0) continue;
    } else {
      continue;
    }
    return d;
  }
  return NotFound("routing.no_rule", "没有适用的分办规则，请受理员人工指定承办单位");
}

bool Policies::HasStage(std::string_view stage) const {
  return std::any_of(deadlines_.begin(), deadlines_.end(), [&](const DeadlinePolicy& d) { return d.stage == stage; });
}

absl::StatusOr<DeadlinePolicy> Policies::DeadlineFor(const std::string& stage, const std::string& channel,
                                                     const std::string& category, const std::string& kind,
                                                     bool real_name) const {
  const DeadlinePolicy* best = nullptr;
  int best_score = -1;
  for (const auto& d : deadlines_) {
    if (d.stage != stage) continue;
    if (d.channel && *d.channel != channel) continue;
    if (d.category && *d.category != category) continue;
    if (d.kind && *d.kind != kind) continue;
    if (d.real_name && *d.real_name != real_name) continue;
    int score = (d.channel ? 8 : 0) + (d.category ? 4 : 0) + (d.kind ? 2 : 0) + (d.real_name ? 1 : 0);
    if (score > best_score) {
      best = &d;
      best_score = score;
    }
  }
  if (!best) return NotFound("policy.no_deadline", "没有适用于“" + stage + "”的期限策略");
  return *best;
}

}  // namespace qf::cases
