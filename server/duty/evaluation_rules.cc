// The evaluation's pure rules: the scheme read from data, an item's score from its measure, the band of a total;
// and the names of the accountability decisions.
#include <cmath>
#include <fstream>
#include <set>

#include "common/status.h"
#include "common/toml_text.h"
#include "duty/duty.h"
#include "fmt/format.h"

namespace qf::duty {

namespace {

constexpr Measure kMeasures[] = {Measure::kSubstantiatedComplaints, Measure::kOverdueCases, Measure::kLateRectifications,
                                 Measure::kVetoes, Measure::kLateTasks, Measure::kUnsignedLetters, Measure::kTestPassRate};

// How a count reads in a computation: what is counted and its measure word.
struct Noun {
  const char* what;
  const char* unit;
};
Noun NounOf(Measure m) {
  switch (m) {
    case Measure::kSubstantiatedComplaints: return {"查实投诉", "件"};
    case Measure::kOverdueCases: return {"逾期办理", "件"};
    case Measure::kLateRectifications: return {"未按期整改", "项"};
    case Measure::kVetoes: return {"一票否决", "项"};
    case Measure::kLateTasks: return {"任务逾期", "项"};
    case Measure::kUnsignedLetters: return {"责任书未按期签订", "份"};
    case Measure::kTestPassRate: return {"测试合格", "人次"};
  }
  return {"", ""};
}

// Tenths of a point as written: "4", "0.2", "9.6".
std::string Tenths(int t) { return t % 10 ? fmt::format("{}.{}", t / 10, t % 10) : std::to_string(t / 10); }

}  // namespace

std::string_view Code(Measure m) {
  switch (m) {
    case Measure::kSubstantiatedComplaints: return "substantiated_complaints";
    case Measure::kOverdueCases: return "overdue_cases";
    case Measure::kLateRectifications: return "late_rectifications";
    case Measure::kVetoes: return "vetoes";
    case Measure::kLateTasks: return "late_tasks";
    case Measure::kUnsignedLetters: return "unsigned_letters";
    case Measure::kTestPassRate: return "test_pass_rate";
  }
  return "";
}

const EvalTable* EvalScheme::For(std::string_view unit_kind) const {
  for (const auto& t : tables)
    if (t.kind == unit_kind) return &t;
  return nullptr;
}

const EvalItem* EvalScheme::Item(std::string_view unit_kind, std::string_view id) const {
  if (const EvalTable* t = For(unit_kind))
    for (const auto& i : t->items)
      if (i.id == id) return &i;
  return nullptr;
}

absl::StatusOr<EvalScheme> EvalScheme::Load(const std::string& path, std::string* text) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFound("duty.scheme", "找不到考核表：" + path);
  std::string body((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto scheme = Parse(body, path);
  if (scheme.ok() && text) *text = std::move(body);
  return scheme;
}

absl::StatusOr<EvalScheme> EvalScheme::Parse(std::string_view text, std::string_view source) {
  QF_ASSIGN_OR_RETURN(toml::table doc, ParseTomlText(text, source, "duty.scheme"));
  EvalScheme out;
  std::vector<FieldError> errors;
  out.title = doc["title"].value_or(std::string());
  out.basis = doc["basis"].value_or(std::string());
  if (out.title.empty()) errors.push_back({"title", "不能为空"});
  if (out.basis.empty()) errors.push_back({"basis", "应写明考核依据的文件"});
  if (auto* bands = doc["band"].as_array()) {
    for (size_t i = 0; i < bands->size(); ++i) {
      auto* b = (*bands)[i].as_table();
      Band band;
      if (b) {
        band.code = (*b)["code"].value_or(std::string());
        band.label = (*b)["label"].value_or(std::string());
        band.min = static_cast<int>((*b)["min"].value_or(int64_t{-1}));
        band.no_item_at_zero = (*b)["no_item_at_zero"].value_or(false);
      }
      if (band.code.empty() || band.label.empty() || band.min < 0 || band.min > 100)
        errors.push_back({fmt::format("band[{}]", i), "每一档应有代码、名称和 0 至 100 的最低分"});
      else if (!out.bands.empty() && band.min > out.bands.back().min)
        errors.push_back({fmt::format("band[{}]", i), "档次应从高到低排列"});
      out.bands.push_back(std::move(band));
    }
  }
  if (out.bands.empty() || out.bands.back().min != 0) errors.push_back({"band", "最后一档的最低分应为 0"});
  if (auto* tables = doc["table"].as_array()) {
    for (size_t i = 0; i < tables->size(); ++i) {
      auto* t = (*tables)[i].as_table();
      std::string where = fmt::format("table[{}]", i);
      if (!t) {
        errors.push_back({where, "应为表"});
        continue;
      }
      EvalTable table;
      table.kind = (*t)["kind"].value_or(std::string());
      table.title = (*t)["title"].value_or(std::string());
      if (table.kind != "division" && table.kind != "district_bureau" && table.kind != "school")
        errors.push_back({where + ".kind", "应为 division、district_bureau 或 school"});
      if (out.For(table.kind)) errors.push_back({where + ".kind", "同一类单位只能有一张考核表"});
      int total = 0;
      std::set<std::string> ids;
      if (auto* items = (*t)["items"].as_array()) {
        for (size_t k = 0; k < items->size(); ++k) {
          auto* it = (*items)[k].as_table();
          std::string at = fmt::format("{}.items[{}]", where, k);
          if (!it) {
            errors.push_back({at, "应为表"});
            continue;
          }
          EvalItem item;
          item.id = (*it)["id"].value_or(std::string());
          item.section = (*it)["section"].value_or(std::string());
          item.text = (*it)["text"].value_or(std::string());
          item.evidence = (*it)["evidence"].value_or(std::string());
          item.letter = static_cast<int>((*it)["letter"].value_or(int64_t{0}));
          item.points = static_cast<int>((*it)["points"].value_or(int64_t{0}));
          // Points per record: whole or with one decimal (0.2); read in tenths.
          if (auto per = (*it)["per"].value<double>()) item.per_tenths = static_cast<int>(std::lround(*per * 10));
          std::string measure = (*it)["measure"].value_or(std::string()), rule = (*it)["rule"].value_or(std::string());
          if (item.id.empty() || !ids.insert(item.id).second) errors.push_back({at + ".id", "应有不重复的编号"});
          if (item.section.empty() || item.text.empty()) errors.push_back({at, "应有所属部分和考核内容"});
          if (item.points <= 0) errors.push_back({at + ".points", "分值应为正数"});
          total += item.points;
          if (measure.empty()) {
            if (item.evidence.empty()) errors.push_back({at + ".evidence", "人工评分的项目应写明依据的佐证材料"});
          } else {
            for (Measure m : kMeasures)
              if (Code(m) == measure) item.measure = m;
            if (!item.measure) errors.push_back({at + ".measure", "未知的计算指标：" + measure});
            if (rule == "deduct") item.rule = ScoreRule::kDeduct;
            else if (rule == "zero_if_any") item.rule = ScoreRule::kZeroIfAny;
            else if (rule == "proportion") item.rule = ScoreRule::kProportion;
            else errors.push_back({at + ".rule", "应为 deduct、zero_if_any 或 proportion"});
            if (item.rule == ScoreRule::kDeduct && item.per_tenths <= 0)
              errors.push_back({at + ".per", "扣分项应写明每项扣分（整数或一位小数）"});
            bool share = item.measure == Measure::kTestPassRate;
            if (item.measure && share != (item.rule == ScoreRule::kProportion))
              errors.push_back({at + ".rule", "合格率按比例计分，其他指标按件扣分或一票否决"});
          }
          table.items.push_back(std::move(item));
        }
      }
      if (total != 100) errors.push_back({where + ".items", fmt::format("各项分值合计应为 100 分（现为 {} 分）", total)});
      out.tables.push_back(std::move(table));
    }
  }
  if (out.tables.empty()) errors.push_back({"table", "至少一张考核表"});
  if (!errors.empty()) return Invalid("duty.scheme", fmt::format("考核表有误：{}", source), std::move(errors));
  return out;
}

Scored Score(const EvalItem& item, const Measured& m) {
  if (!item.measure) return {0, ""};
  Noun n = NounOf(*item.measure);
  switch (item.rule) {
    case ScoreRule::kDeduct: {
      if (m.count == 0) return {item.points, fmt::format("无{}：得满分 {} 分", n.what, item.points)};
      // In tenths of a point, rounded half up to whole points, never below zero.
      int tenths = m.count * item.per_tenths, deducted = std::min(item.points, (tenths + 5) / 10);
      std::string rounded = tenths % 10 ? fmt::format("，按整数计扣 {} 分", (tenths + 5) / 10) : "";
      return {item.points - deducted,
              fmt::format("{} {} {} × {} 分 = 扣 {} 分{}{}，得 {} 分", n.what, m.count, n.unit, Tenths(item.per_tenths),
                          Tenths(tenths), rounded, deducted < (tenths + 5) / 10 ? "（扣完为止）" : "",
                          item.points - deducted)};
    }
    case ScoreRule::kZeroIfAny:
      if (m.count == 0) return {item.points, fmt::format("无{}：得满分 {} 分", n.what, item.points)};
      return {0, fmt::format("{} {} {}：本项不得分", n.what, m.count, n.unit)};
    case ScoreRule::kProportion: {
      if (m.of == 0) return {0, "无人参加测试：本项不得分"};
      // Rounded half up, in whole points: points × count / of.
      int score = (2 * item.points * m.count + m.of) / (2 * m.of);
      return {score, fmt::format("应考 {} 人次，{} {} 人次（{}%），{} 分 × {}/{} = {} 分", m.of, n.what, m.count,
                                 (200 * m.count + m.of) / (2 * m.of), item.points, m.count, m.of, score)};
    }
    case ScoreRule::kManual: break;
  }
  return {0, ""};
}

const Band& BandOf(const EvalScheme& scheme, int total, bool any_item_at_zero) {
  for (const Band& b : scheme.bands)
    if (total >= b.min && !(b.no_item_at_zero && any_item_at_zero)) return b;
  return scheme.bands.back();
}

std::string_view Code(DecisionKind k) {
  switch (k) {
    case DecisionKind::kCriticism: return "criticism";
    case DecisionKind::kAdmonition: return "admonition";
    case DecisionKind::kOrganisational: return "organisational";
    case DecisionKind::kDisciplinary: return "disciplinary";
  }
  return "criticism";
}

std::string_view Label(DecisionKind k) {
  switch (k) {
    case DecisionKind::kCriticism: return "通报批评";
    case DecisionKind::kAdmonition: return "诫勉";
    case DecisionKind::kOrganisational: return "组织处理";
    case DecisionKind::kDisciplinary: return "纪律处分";
  }
  return "通报批评";
}

}  // namespace qf::duty
