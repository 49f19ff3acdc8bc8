// The admission rules (data/admissions/rules.toml), the roster sheet's reading, and the checks over one roster and
// over every roster of a year.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "admissions/admissions.h"
#include "common/files.h"
#include "common/mask.h"
#include "common/status.h"
#include "common/toml_text.h"
#include "common/strings.h"
#include "fmt/format.h"
#include "placement/eligibility.h"

namespace qf::admissions {
namespace json = boost::json;
namespace {

std::vector<std::string> StringList(const toml::node_view<toml::node>& n) {
  std::vector<std::string> out;
  if (auto* a = n.as_array())
    for (auto& v : *a) out.push_back(v.value_or(std::string()));
  return out;
}

}  // namespace

std::vector<std::string> Parts(std::string_view text) {
  std::string s = absl::StrReplaceAll(absl::string_view(text.data(), text.size()), {{"；", ";"}, {"、", ";"}, {"，", ";"}, {",", ";"}});
  std::vector<std::string> out;
  for (std::string_view p : Split(s, ';')) out.emplace_back(Trim(p));
  return out;
}

namespace {

std::string Rows(const std::vector<int>& rows) {
  std::string out;
  for (size_t i = 0; i < rows.size() && i < 5; ++i) out += (i ? "、" : "") + fmt::format("第{}行", rows[i]);
  if (rows.size() > 5) out += fmt::format(" 等 {} 行", rows.size());
  return out;
}

std::string Yuan(double v) { return std::fmod(v, 1.0) == 0 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v); }

bool Contains(std::string_view hay, std::string_view needle) { return !needle.empty() && hay.find(needle) != hay.npos; }

// A material the notice asks for is forbidden when it names the forbidden item's subject (the item without its
// "证明"), or the item names what was asked; an item allowed to be checked but not as a condition ("预防接种证明作为入学
// 前提") only when the notice makes it one.
bool ForbiddenMaterial(std::string_view asked, std::string_view item) {
  auto strip = [](std::string_view s, std::initializer_list<std::pair<absl::string_view, absl::string_view>> cut) {
    return absl::StrReplaceAll(absl::string_view(s.data(), s.size()), cut);
  };
  const bool qualified = Contains(item, "作为入学前提");
  std::string core = strip(item, {{"作为入学前提", ""}, {"证明", ""}});
  if (qualified) return Contains(asked, core) && (Contains(asked, "前提") || Contains(asked, "条件"));
  std::string asked_core = strip(asked, {{"证明", ""}, {"材料", ""}});
  return Contains(asked, core) || (Utf8Chars(asked_core).size() >= 2 && Contains(core, asked_core));
}

}  // namespace

absl::StatusOr<Rules> Rules::Load(const std::string& data_dir) {
  auto policy = placement::Policy::Load(data_dir + "/placement/policy.toml");
  if (!policy.ok()) return policy.status();
  std::string path = data_dir + "/admissions/rules.toml";
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "admissions.rules", "招生检查规则文件"));
  return Parse(text, path, policy->forbidden, policy->forbidden_clause);
}

absl::StatusOr<Rules> Rules::Parse(std::string_view text, std::string_view source, std::vector<std::string> forbidden,
                                   std::string forbidden_clause) {
  auto bad = [&](std::string what) { return Invalid("admissions.rules", fmt::format("{}：{}", source, what)); };
  QF_ASSIGN_OR_RETURN(toml::table t, ParseTomlText(text, source, "admissions.rules"));
  Rules r;
  r.forbidden_materials = std::move(forbidden);
  r.forbidden_clause = std::move(forbidden_clause);
  if (auto* a = t["route"].as_array())
    for (auto& v : *a) {
      toml::node_view<toml::node> n(v);
      Route route{n["code"].value_or(std::string()), n["label"].value_or(std::string()), StringList(n["aliases"])};
      if (route.code.empty() || route.label.empty()) return bad("每个 route 须有 code 和 label");
      r.routes.push_back(std::move(route));
    }
  static const std::set<std::string> kCodes = {
      "choice_abolished", "choice_limits", "forbidden_fee", "transient_high_school", "transient_registration",
      "transient_grade", "registration_elsewhere", "double_enrolment", "large_class", "plan_exceeded",
      "forbidden_materials", "lottery_bypassed"};
  if (auto* a = t["rule"].as_array())
    for (auto& v : *a) {
      toml::node_view<toml::node> n(v);
      Rule rule;
      rule.code = n["code"].value_or(std::string());
      rule.label = n["label"].value_or(std::string());
      rule.clause = n["clause"].value_or(std::string());
      rule.term = n["term"].value_or(std::string("20wd"));
      rule.from = n["from"].value_or(0);
      rule.to = n["to"].value_or(9999);
      rule.share = n["share"].value_or(0.0);
      rule.points_below = n["points_below"].value_or(0.0);
      rule.fee_cap = n["fee_cap"].value_or(0.0);
      rule.threshold = n["threshold"].value_or(0.0);
      rule.treasury = n["treasury"].value_or(std::string());
      rule.items = StringList(n["items"]);
      if (auto* g = n["grades"].as_array())
        for (auto& x : *g) rule.grades.push_back(x.value_or(0));
      rule.refer = n["refer"].value_or(false);
      if (rule.code == "forbidden_materials" && rule.clause.empty()) rule.clause = r.forbidden_clause;
      if (!kCodes.contains(rule.code)) return bad("未知的规则 code：" + rule.code);
      if (rule.label.empty() || rule.clause.empty()) return bad(rule.code + " 须有 label 和 clause（所依据的文件）");
      if (auto term = Term::Parse(rule.term); !term.ok()) return bad(rule.code + " 的 term 不正确：" + rule.term);
      if (rule.code == "large_class" && rule.threshold <= 0) return bad("large_class 须有 threshold");
      if (rule.code == "choice_limits" && (rule.share <= 0 || rule.treasury.empty()))
        return bad("choice_limits 须有 share 和 treasury");
      if (rule.from > rule.to) return bad(rule.code + " 的 from 晚于 to");
      r.rules.push_back(std::move(rule));
    }
  r.lottery.observer_roles = StringList(t["lottery"]["observer_roles"]);
  r.lottery.required_roles = StringList(t["lottery"]["required_roles"]);
  r.lottery.clause = t["lottery"]["clause"].value_or(std::string());
  if (r.lottery.observer_roles.empty() || r.lottery.clause.empty())
    return bad("[lottery] 须有 observer_roles 和 clause（所依据的文件）");
  for (const auto& role : r.lottery.required_roles)
    if (std::find(r.lottery.observer_roles.begin(), r.lottery.observer_roles.end(), role) == r.lottery.observer_roles.end())
      return bad("[lottery] required_roles 中的“" + role + "”不在 observer_roles 中");
  if (r.routes.empty() || r.rules.empty()) return bad("须有 route 和 rule");
  if (!r.RouteOf("transient") || !r.RouteOf("choice")) return bad("须有 transient（借读）和 choice（择校）两种录取方式");
  return r;
}

const Rule* Rules::For(std::string_view code, int year) const {
  for (const auto& r : rules)
    if (r.code == code && r.AppliesTo(year)) return &r;
  return nullptr;
}

const Rule* Rules::Any(std::string_view code) const {
  for (const auto& r : rules)
    if (r.code == code) return &r;
  return nullptr;
}

const Route* Rules::RouteOf(std::string_view text) const {
  text = Trim(text);
  for (const auto& r : routes) {
    if (r.code == text || r.label == text) return &r;
    for (const auto& a : r.aliases)
      if (a == text) return &r;
  }
  return nullptr;
}

std::optional<int> ParseGrade(std::string_view text) {
  text = Trim(text);
  if (auto n = ParseInt<int>(text); n && *n >= 1 && *n <= 12) return *n;
  static const std::vector<std::pair<std::string_view, int>> kNames = {
      {"一年级", 1}, {"二年级", 2}, {"三年级", 3}, {"四年级", 4}, {"五年级", 5}, {"六年级", 6},
      {"七年级", 7}, {"八年级", 8}, {"九年级", 9}, {"初一", 7}, {"初二", 8}, {"初三", 9},
      {"高一", 10}, {"高二", 11}, {"高三", 12}, {"十年级", 10}, {"十一年级", 11}, {"十二年级", 12}};
  for (auto& [name, g] : kNames)
    if (text == name) return g;
  return std::nullopt;
}

std::string GradeLabel(int grade) {
  static const char* kLabels[] = {"", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级",
                                  "七年级", "八年级", "九年级", "高一", "高二", "高三"};
  return grade >= 1 && grade <= 12 ? kLabels[grade] : std::to_string(grade);
}

std::vector<std::string_view> RosterImportFields() {
  return {"name", "id_number", "grade", "class", "route", "score", "fee_item", "fee_amount", "fee_account", "registered_school", "registered_grade"};
}

absl::StatusOr<std::vector<Student>> ReadRoster(const ImportColumns& cols, const Table& t, const Rules& rules) {
  auto col = [&](std::string_view field) { return ColumnOf(t, cols, field); };
  int name = col("name"), id = col("id_number"), grade = col("grade"), klass = col("class"), route = col("route"),
      score = col("score"), item = col("fee_item"), amount = col("fee_amount"), account = col("fee_account"),
      registered = col("registered_school"), registered_grade = col("registered_grade");
  std::vector<FieldError> e;
  for (auto missing : MissingColumns(t, cols)) e.push_back(ColumnMissing(t, missing));
  if (!e.empty()) return Invalid("admissions.columns", "名册表头缺少必需的列", e);
  std::vector<Student> out;
  std::set<std::string> seen;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    int rn = t.row_numbers[r];
    auto cell = [&](int col) { return col >= 0 ? std::string(Trim(row[col])) : std::string(); };
    auto fail = [&](int col, std::string msg, std::string rule, std::vector<std::string> args = {}) {
      e.push_back(AtCell(rn, col, t.header[col], std::move(rule), std::move(args), std::move(msg)));
    };
    Student s;
    s.row = rn;
    s.name = cell(name);
    if (s.name.empty()) fail(name, "姓名不能为空", "required");
    s.id_number = cell(id);
    if (!s.id_number.empty() && s.id_number.back() == 'x') s.id_number.back() = 'X';
    if (!ValidIdNumber(s.id_number)) fail(id, "身份证号应为18位且校验码正确", "id_number");
    else if (!seen.insert(s.id_number).second) fail(id, "同一学生在名册中出现两次", "duplicate_student");
    if (auto g = ParseGrade(cell(grade))) s.grade = *g;
    else fail(grade, "年级应为 1–12 或“七年级”“高一”等", "grade");
    s.class_name = cell(klass);
    if (s.class_name.empty()) fail(klass, "班级不能为空", "required");
    if (const Route* rt = rules.RouteOf(cell(route))) s.route = rt->code;
    else fail(route, "录取方式“" + cell(route) + "”不认识（如：划片入学、指标到校、统招、择校、借读、随迁子女）", "route", {cell(route)});
    if (std::string sc = cell(score); !sc.empty()) {
      double v = 0;
      if (absl::SimpleAtod(sc, &v) && v >= 0 && v <= 1000) s.score = v;
      else fail(score, "成绩应为 0–1000 的数", "range", {"0", "1000"});
    }
    auto items = Parts(cell(item)), amounts = Parts(cell(amount)), accounts = Parts(cell(account));
    if (items.size() == 1 && items[0].empty()) items.clear();
    if (amounts.size() == 1 && amounts[0].empty()) amounts.clear();
    if (accounts.size() == 1 && accounts[0].empty()) accounts.clear();
    if (!items.empty() || !amounts.empty()) {
      if (items.size() != amounts.size()) {
        fail(amount >= 0 ? amount : item, "收费项目与收费金额的个数不一致（多项以“；”分隔）", "fee_count");
      } else {
        for (size_t i = 0; i < items.size(); ++i) {
          double v = 0;
          if (!absl::SimpleAtod(amounts[i], &v) || v < 0 || v > 1e7) {
            fail(amount, "收费金额应为不小于 0 的数（元）：" + amounts[i], "fee_amount", {amounts[i]});
            continue;
          }
          s.fees.push_back({items[i], v, i < accounts.size() ? accounts[i] : (accounts.size() == 1 ? accounts[0] : "")});
        }
      }
    }
    s.registered_school = cell(registered);
    if (std::string rg = cell(registered_grade); !rg.empty()) {
      if (auto g = ParseGrade(rg)) s.registered_grade = *g;
      else fail(registered_grade, "学籍年级应为 1–12 或“七年级”“高一”等", "grade");
    }
    out.push_back(std::move(s));
  }
  if (t.rows.empty()) e.push_back(AtRow(t.header_row + 1, "no_rows", {}, "名册没有学生"));
  if (!e.empty())
    return Invalid("admissions.roster", fmt::format("名册有 {} 处问题，未保存（请修正后重新上传）", e.size()), e);
  return out;
}

std::vector<Finding> CheckRoster(const Rules& rules, const Roster& ro) {
  std::vector<Finding> out;
  auto add = [&](const Rule& rule, std::string key, std::string summary, json::object numbers, std::vector<int> rows) {
    numbers["rule_year"] = ro.year;
    out.push_back({rule.code, std::move(key), std::move(summary), std::move(numbers), std::move(rows), ro.school_id});
  };
  auto is = [](const Student& s, std::string_view route) { return s.route == route; };
  auto at_this_school = [&](const Student& s) {
    return s.registered_school.empty() || s.registered_school_id == ro.school_id || s.registered_school == ro.school_name;
  };
  std::vector<int> choice_rows;
  for (const auto& s : ro.students)
    if (is(s, "choice")) choice_rows.push_back(s.row);

  if (const Rule* r = rules.For("choice_abolished", ro.year)) {
    std::vector<int> rows;
    double fees = 0;
    for (const auto& s : ro.students) {
      bool fee = false;
      for (const auto& f : s.fees)
        if (Contains(f.item, "择校")) fee = true, fees += f.amount;
      if (is(s, "choice") || fee) rows.push_back(s.row);
    }
    if (!rows.empty())
      add(*r, "roster",
          fmt::format("{}年招收择校生 {} 人{}（{}）", ro.year, rows.size(),
                      fees > 0 ? fmt::format("，收取择校费 {} 元", Yuan(fees)) : "", Rows(rows)),
          {{"students", static_cast<int64_t>(rows.size())}, {"fees", fees}}, rows);
  }
  if (const Rule* r = rules.For("choice_limits", ro.year); r && !choice_rows.empty()) {
    if (ro.plan && choice_rows.size() > std::floor(r->share * *ro.plan + 1e-9)) {
      int cap = static_cast<int>(std::floor(r->share * *ro.plan + 1e-9));
      add(*r, "share",
          fmt::format("择校生 {} 人，超过招生计划 {} 人的 {:.0f}%（{} 人）", choice_rows.size(), *ro.plan, r->share * 100, cap),
          {{"students", static_cast<int64_t>(choice_rows.size())}, {"plan", *ro.plan}, {"cap", cap}}, choice_rows);
    }
    std::vector<int> low, over, account;
    for (const auto& s : ro.students) {
      if (!is(s, "choice")) continue;
      if (ro.line && s.score && *s.score < *ro.line - r->points_below) low.push_back(s.row);
      for (const auto& f : s.fees)
        if (Contains(f.item, "择校")) {
          if (f.amount > r->fee_cap) over.push_back(s.row);
          if (!Contains(f.account, r->treasury)) account.push_back(s.row);
        }
    }
    if (!low.empty())
      add(*r, "score",
          fmt::format("择校生 {} 人的成绩低于录取线 {} 分减 {} 分（{}）", low.size(), Yuan(*ro.line), Yuan(r->points_below), Rows(low)),
          {{"students", static_cast<int64_t>(low.size())}, {"line", *ro.line}, {"points_below", r->points_below}}, low);
    if (!over.empty())
      add(*r, "fee_cap", fmt::format("择校费超过限额 {} 元：{} 人（{}）", Yuan(r->fee_cap), over.size(), Rows(over)),
          {{"students", static_cast<int64_t>(over.size())}, {"cap", r->fee_cap}}, over);
    if (!account.empty())
      add(*r, "account", fmt::format("择校费未缴入{}：{} 人（{}）", r->treasury, account.size(), Rows(account)),
          {{"students", static_cast<int64_t>(account.size())}}, account);
  }
  if (const Rule* r = rules.For("forbidden_fee", ro.year)) {
    std::vector<int> rows;
    std::map<std::string, double> by_item;
    for (const auto& s : ro.students) {
      bool hit = false;
      for (const auto& f : s.fees)
        for (const auto& item : r->items)
          if (Contains(f.item, item)) {
            by_item[item] += f.amount;
            hit = true;
            break;
          }
      if (hit) rows.push_back(s.row);
    }
    if (!rows.empty()) {
      std::string what;
      double total = 0;
      json::object items;
      for (auto& [item, amount] : by_item) {
        what += (what.empty() ? "" : "、") + fmt::format("{} {} 元", item, Yuan(amount));
        total += amount;
        items[item] = amount;
      }
      add(*r, "roster", fmt::format("向 {} 名学生收取与入学挂钩的费用：{}（{}）", rows.size(), what, Rows(rows)),
          {{"students", static_cast<int64_t>(rows.size())}, {"total", total}, {"items", items}}, rows);
    }
  }
  std::vector<int> high, reg, grade, elsewhere;
  const Rule* high_rule = rules.For("transient_high_school", ro.year);
  for (const auto& s : ro.students) {
    if (is(s, "transient")) {
      if (high_rule && std::find(high_rule->grades.begin(), high_rule->grades.end(), s.grade) != high_rule->grades.end())
        high.push_back(s.row);
      if (at_this_school(s)) reg.push_back(s.row);
      if (s.registered_grade && *s.registered_grade != s.grade) grade.push_back(s.row);
    } else if (!at_this_school(s)) {
      elsewhere.push_back(s.row);
    }
  }
  if (high_rule && !high.empty())
    add(*high_rule, "roster", fmt::format("普通高中招收借读生 {} 人（{}）", high.size(), Rows(high)),
        {{"students", static_cast<int64_t>(high.size())}}, high);
  if (const Rule* r = rules.For("transient_registration", ro.year); r && !reg.empty())
    add(*r, "roster", fmt::format("借读生 {} 人的学籍登记在本校（{}）", reg.size(), Rows(reg)),
        {{"students", static_cast<int64_t>(reg.size())}}, reg);
  if (const Rule* r = rules.For("transient_grade", ro.year); r && !grade.empty())
    add(*r, "roster", fmt::format("借读生 {} 人借读年级与学籍年级不同（{}）", grade.size(), Rows(grade)),
        {{"students", static_cast<int64_t>(grade.size())}}, grade);
  if (const Rule* r = rules.For("registration_elsewhere", ro.year); r && !elsewhere.empty())
    add(*r, "roster", fmt::format("{} 名非借读学生在本校就读、学籍在其他学校（{}）", elsewhere.size(), Rows(elsewhere)),
        {{"students", static_cast<int64_t>(elsewhere.size())}}, elsewhere);

  if (const Rule* r = rules.For("large_class", ro.year)) {
    std::map<std::pair<int, std::string>, std::vector<int>> classes;
    for (const auto& s : ro.students) classes[{s.grade, s.class_name}].push_back(s.row);
    for (auto& [k, rows] : classes)
      if (rows.size() >= r->threshold)
        add(*r, fmt::format("{}/{}", k.first, k.second),
            fmt::format("{}{}有学生 {} 人（{} 人及以上为大班额）", GradeLabel(k.first), k.second, rows.size(), Yuan(r->threshold)),
            {{"students", static_cast<int64_t>(rows.size())}, {"grade", k.first}, {"class", k.second},
             {"threshold", r->threshold}},
            rows);
  }
  if (const Rule* r = rules.For("plan_exceeded", ro.year); r && ro.plan) {
    std::vector<int> rows;
    for (const auto& s : ro.students)
      if (!is(s, "transient")) rows.push_back(s.row);
    if (static_cast<int>(rows.size()) > *ro.plan)
      add(*r, "roster", fmt::format("录取 {} 人，核定招生计划 {} 人，超出 {} 人", rows.size(), *ro.plan, rows.size() - *ro.plan),
          {{"admitted", static_cast<int64_t>(rows.size())}, {"plan", *ro.plan},
           {"over", static_cast<int64_t>(rows.size()) - *ro.plan}},
          {});
  }
  if (const Rule* r = rules.For("lottery_bypassed", ro.year))
    for (const LotteryOutcome& l : ro.lotteries) {
      // Pupils of the lottery's grade admitted by lottery whom it did not admit, and applicants it did not admit
      // enrolled by another way (special categories are placed by their own rules).
      std::vector<int> rows;
      for (const auto& s : ro.students) {
        if (s.grade != l.grade || s.tag.empty() || l.admitted.contains(s.tag)) continue;
        if (is(s, "lottery") || (l.applicants.contains(s.tag) && !is(s, "special"))) rows.push_back(s.row);
      }
      if (!rows.empty())
        add(*r, fmt::format("lottery:{}", l.id),
            fmt::format("{}摇号录取 {} 人（计划 {} 人），另有 {} 名学生未经摇号、递补或有记录的补录入学（{}）",
                        GradeLabel(l.grade), l.admitted.size(), l.plan, rows.size(), Rows(rows)),
            {{"students", static_cast<int64_t>(rows.size())}, {"plan", l.plan},
             {"admitted", static_cast<int64_t>(l.admitted.size())}, {"lottery_id", l.id}},
            rows);
    }
  if (const Rule* r = rules.For("forbidden_materials", ro.year)) {
    std::vector<std::string> asked;
    for (const auto& m : ro.materials)
      for (const auto& f : rules.forbidden_materials)
        if (ForbiddenMaterial(m, f)) {
          asked.push_back(m);
          break;
        }
    if (!asked.empty()) {
      json::array a;
      std::string list;
      for (auto& m : asked) a.push_back(json::string(m)), list += (list.empty() ? "" : "、") + m;
      add(*r, "roster", "招生简章要求提供不得要求的材料：" + list, {{"materials", a}}, {});
    }
  }
  return out;
}

std::vector<Finding> CheckEnrolments(const Rules& rules, int year, std::vector<Enrolment> all) {
  std::vector<Finding> out;
  const Rule* r = rules.For("double_enrolment", year);
  if (!r) return out;
  std::sort(all.begin(), all.end(), [](const Enrolment& a, const Enrolment& b) {
    return std::tie(a.key, a.school_id, a.row) < std::tie(b.key, b.school_id, b.row);
  });
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].key == all[i].key) ++j;
    if (all[j - 1].school_id != all[i].school_id) {  // sorted by school within the key: two schools at least
      for (size_t k = i; k < j; ++k) {
        if (k > i && all[k].school_id == all[k - 1].school_id) continue;
        std::vector<int> rows;
        std::string others;
        json::array other_schools;
        for (size_t m = i; m < j; ++m) {
          if (all[m].school_id == all[k].school_id) rows.push_back(all[m].row);
          else if (m == i || all[m].school_id != all[m - 1].school_id) {
            others += (others.empty() ? "" : "、") + all[m].school_name;
            other_schools.push_back(json::string(all[m].school_name));
          }
        }
        out.push_back({r->code, all[k].key,
                       fmt::format("学生{}同时在本校和{}的{}年名册上（{}）", all[k].name_masked, others, year, Rows(rows)),
                       json::object{{"rule_year", year}, {"other_schools", other_schools}}, rows, all[k].school_id});
      }
    }
    i = j;
  }
  return out;
}

}  // namespace qf::admissions
