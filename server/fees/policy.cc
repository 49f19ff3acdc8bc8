// The fee policy (data/fees/policy.toml), terms, a declaration's reading and the checks over it.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/files.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/toml_text.h"
#include "fees/fees.h"
#include "fmt/format.h"

namespace qf::fees {
namespace json = boost::json;
namespace {

std::vector<std::string> StringList(const toml::node_view<toml::node>& n) {
  std::vector<std::string> out;
  if (auto* a = n.as_array())
    for (auto& v : *a) out.push_back(v.value_or(std::string()));
  return out;
}

std::string Yuan(double v) { return std::fmod(v, 1.0) == 0 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v); }

bool Contains(std::string_view hay, std::string_view needle) { return !needle.empty() && hay.find(needle) != hay.npos; }

}  // namespace

absl::StatusOr<Policy> Policy::Load(const std::string& data_dir) {
  std::string path = data_dir + "/fees/policy.toml";
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "fees.policy", "收费公示规则文件"));
  return Parse(text, path);
}

absl::StatusOr<Policy> Policy::Parse(std::string_view text, std::string_view source) {
  auto bad = [&](std::string what) { return Invalid("fees.policy", fmt::format("{}：{}", source, what)); };
  QF_ASSIGN_OR_RETURN(toml::table t, ParseTomlText(text, source, "fees.policy"));
  Policy p;
  if (auto* a = t["kind"].as_array())
    for (auto& v : *a) {
      toml::node_view<toml::node> n(v);
      Kind k{n["code"].value_or(std::string()), n["label"].value_or(std::string()), n["clause"].value_or(std::string()),
             n["one_per_subject"].value_or(false)};
      if (k.code.empty() || k.label.empty() || k.clause.empty()) return bad("每个 kind 须有 code、label 和 clause（所依据的文件）");
      p.kinds.push_back(std::move(k));
    }
  if (auto* a = t["item"].as_array())
    for (auto& v : *a) {
      toml::node_view<toml::node> n(v);
      Item i{n["kind"].value_or(std::string()), n["name"].value_or(std::string()), StringList(n["aliases"]),
             n["cap"].value_or(0.0)};
      if (!p.KindOf(i.kind)) return bad("item " + i.name + " 的 kind 不存在：" + i.kind);
      if (i.name.empty() || i.cap <= 0) return bad("每个 item 须有 name 和大于 0 的 cap");
      p.items.push_back(std::move(i));
    }
  p.charge_words = StringList(t["charge_words"]);
  p.complaint_clause = t["complaint_clause"].value_or(std::string());
  if (p.kinds.empty() || p.items.empty()) return bad("须有 kind 和 item");
  if (p.complaint_clause.empty()) return bad("须有 complaint_clause（所依据的文件）");
  return p;
}

const Kind* Policy::KindOf(std::string_view code) const {
  for (const auto& k : kinds)
    if (k.code == code) return &k;
  return nullptr;
}

const Item* Policy::ItemOf(std::string_view kind, std::string_view name) const {
  name = Trim(name);
  for (const auto& i : items) {
    if (i.kind != kind) continue;
    if (i.name == name || std::find(i.aliases.begin(), i.aliases.end(), name) != i.aliases.end()) return &i;
  }
  return nullptr;
}

std::optional<Term> Term::Parse(std::string_view code) {
  auto dash = code.find('-');
  if (dash == code.npos) return std::nullopt;
  auto year = ParseInt<int>(code.substr(0, dash));
  std::string_view season = code.substr(dash + 1);
  if (!year || *year < 2000 || *year > 2100 || (season != "autumn" && season != "spring")) return std::nullopt;
  return Term{*year, season == "autumn"};
}

std::string Term::Code() const { return fmt::format("{}-{}", year, autumn ? "autumn" : "spring"); }
std::string Term::Label() const { return fmt::format("{}年{}季学期", year, autumn ? "秋" : "春"); }
std::pair<std::string, std::string> Term::Days() const {
  if (autumn) return {fmt::format("{}-08-01", year), fmt::format("{}-01-31", year + 1)};
  return {fmt::format("{}-02-01", year), fmt::format("{}-07-31", year)};
}

std::string_view RuleLabel(std::string_view rule) {
  static const std::pair<std::string_view, std::string_view> kLabels[] = {
      {"not_approved", "未核准项目"}, {"over_cap", "超过标准"}, {"compulsory", "非自愿收取"},
      {"one_per_subject", "一科多辅"},  {"profit", "高于定价"},   {"undeclared", "未公示收费"}};
  for (auto [code, label] : kLabels)
    if (code == rule) return label;
  return rule;
}

std::vector<Flag> Check(const Policy& policy, const std::vector<Charge>& charges, const std::vector<Complaint>& complaints) {
  std::vector<Flag> out;
  std::map<std::string, std::vector<int>> by_subject;
  for (size_t i = 0; i < charges.size(); ++i) {
    const Charge& c = charges[i];
    const Kind* kind = policy.KindOf(c.kind);
    if (!kind) continue;  // ParseDeclaration refuses unknown kinds
    const int at = static_cast<int>(i);
    const Item* item = policy.ItemOf(c.kind, c.item);
    if (!item) {
      out.push_back({"not_approved", fmt::format("“{}”不在{}核准项目中", c.item, kind->label), kind->clause, at});
    } else if (c.amount > item->cap + 1e-9) {
      out.push_back({"over_cap", fmt::format("{} {} 元/学期，超过标准 {} 元", c.item, Yuan(c.amount), Yuan(item->cap)),
                     kind->clause, at});
    }
    if (!c.voluntary)
      out.push_back({"compulsory", fmt::format("{}（{}）未按自愿原则收取", c.item, kind->label), kind->clause, at});
    if (kind->one_per_subject) {
      by_subject[c.subject.empty() ? c.item : c.subject].push_back(at);
      if (c.list_price && c.amount > *c.list_price + 1e-9)
        out.push_back({"profit", fmt::format("{} 收 {} 元，高于定价 {} 元", c.item, Yuan(c.amount), Yuan(*c.list_price)),
                       kind->clause, at});
    }
  }
  for (auto& [subject, list] : by_subject)
    if (list.size() > 1) {
      const Kind* kind = policy.KindOf(charges[list.front()].kind);
      out.push_back({"one_per_subject", fmt::format("{}征订教辅 {} 种（一科一辅）", subject, list.size()), kind->clause,
                     list[1]});
    }
  // Words a complaint uses for a charge the declaration does not name.
  std::vector<std::string> words = policy.charge_words;
  for (const auto& i : policy.items) {
    words.push_back(i.name);
    for (const auto& a : i.aliases)
      if (Utf8Length(a) >= 3) words.push_back(a);
  }
  auto declared = [&](const std::string& word) {
    for (const auto& c : charges) {
      if (Contains(c.item, word) || Contains(word, c.item)) return true;
      if (const Item* item = policy.ItemOf(c.kind, c.item)) {
        if (item->name == word) return true;
        for (const auto& a : item->aliases)
          if (a == word) return true;
      }
    }
    return false;
  };
  std::map<std::string, std::vector<std::string>> undeclared;  // the word and the complaints naming it
  for (const auto& comp : complaints)
    for (const auto& w : words)
      if (Contains(comp.text, w) && !declared(w)) {
        auto& list = undeclared[w];
        if (std::find(list.begin(), list.end(), comp.receipt) == list.end()) list.push_back(comp.receipt);
      }
  for (auto& [word, receipts] : undeclared) {
    std::string list;
    for (size_t i = 0; i < receipts.size() && i < 5; ++i) list += (i ? "、" : "") + receipts[i];
    out.push_back({"undeclared", fmt::format("投诉反映收取“{}”，收费公示中没有（{}）", word, list), policy.complaint_clause, -1,
                   receipts});
  }
  return out;
}

absl::StatusOr<Declaration> ParseDeclaration(const json::object& body, const Policy& policy) {
  JsonInput in(body);
  Declaration d;
  d.school_id = in.Int("school_id", true, 1, INT64_MAX).value_or(0);
  if (auto term = in.Str("term", true, 20)) {
    if (auto t = Term::Parse(*term)) d.term = *t;
    else in.Fail("term", "学期应为“2026-autumn”或“2026-spring”");
  }
  std::vector<std::string_view> kinds;
  for (const auto& k : policy.kinds) kinds.push_back(k.code);
  const json::value* list = in.Raw("charges");
  if (!list || !list->is_array()) {
    in.Fail("charges", "请列出收费项目（没有收费也请提交空列表）", "required");
  } else if (list->as_array().size() > 100) {
    in.Fail("charges", "收费项目不超过 100 项");
  } else {
    size_t i = 0;
    for (const auto& v : list->as_array()) {
      std::string at = fmt::format("charges[{}]", i++);
      if (!v.is_object()) {
        in.Fail(at, "应为对象");
        continue;
      }
      JsonInput one(v.as_object(), at);
      Charge c;
      c.kind = one.Enum("kind", true, kinds).value_or("");
      c.item = one.Str("item", true, 50).value_or("");
      c.basis = one.Str("basis", false, 200).value_or("");
      c.subject = one.Str("subject", false, 20).value_or("");
      c.voluntary = one.Bool("voluntary", true).value_or(true);
      if (const json::value* a = v.as_object().if_contains("amount"); a && (a->is_number()) && a->to_number<double>() >= 0 &&
                                                                     a->to_number<double>() <= 100000)
        c.amount = a->to_number<double>();
      else
        one.Fail("amount", "金额应为 0 至 100000 的数（元/学期）", "range", {"0", "100000"});
      if (const json::value* lp = v.as_object().if_contains("list_price"); lp && !lp->is_null()) {
        if (lp->is_number() && lp->to_number<double>() >= 0) c.list_price = lp->to_number<double>();
        else one.Fail("list_price", "定价应为不小于 0 的数（元）", "range", {"0", "100000"});
      }
      in.Absorb(one);
      d.charges.push_back(std::move(c));
    }
  }
  QF_RETURN_IF_ERROR(in.Finish());
  return d;
}

}  // namespace qf::fees
