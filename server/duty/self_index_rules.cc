// The self-evaluation index, pure: its formula read from data, a component's score from its inputs, the weighted
// mean, each with the computation in words.
#include <cmath>
#include <set>

#include "common/files.h"
#include "common/status.h"
#include "common/toml_text.h"
#include "duty/duty.h"
#include "fmt/format.h"

namespace qf::duty {

namespace {

constexpr IndexMeasure kIndexMeasures[] = {IndexMeasure::kPublicRating, IndexMeasure::kComplaintSatisfaction,
                                           IndexMeasure::kSettled, IndexMeasure::kNotRepeated, IndexMeasure::kOnTime,
                                           IndexMeasure::kMediaItems};

double OneDecimal(double v) { return std::round(v * 10) / 10; }

// The words of a share's numerator and base: "满意 18 件 ÷ 评价 20 件".
std::pair<const char*, const char*> ShareWords(IndexMeasure m) {
  switch (m) {
    case IndexMeasure::kComplaintSatisfaction: return {"满意", "评价"};
    case IndexMeasure::kSettled: return {"息诉", "答复"};
    case IndexMeasure::kNotRepeated: return {"非重复", "收到"};
    case IndexMeasure::kOnTime: return {"按期", "到期"};
    default: return {"", ""};
  }
}

}  // namespace

std::string_view Code(IndexMeasure m) {
  switch (m) {
    case IndexMeasure::kPublicRating: return "public_rating";
    case IndexMeasure::kComplaintSatisfaction: return "complaint_satisfaction";
    case IndexMeasure::kSettled: return "settled";
    case IndexMeasure::kNotRepeated: return "not_repeated";
    case IndexMeasure::kOnTime: return "on_time";
    case IndexMeasure::kMediaItems: return "media_items";
  }
  return "";
}

absl::StatusOr<IndexScheme> IndexScheme::Load(const std::string& path) {
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "duty.self_index", "自评指数公式"));
  return Parse(text, path);
}

absl::StatusOr<IndexScheme> IndexScheme::Parse(std::string_view text, std::string_view source) {
  QF_ASSIGN_OR_RETURN(toml::table doc, ParseTomlText(text, source, "duty.self_index"));
  IndexScheme out;
  std::vector<FieldError> errors;
  out.title = doc["title"].value_or(std::string());
  out.basis = doc["basis"].value_or(std::string());
  if (out.title.empty()) errors.push_back({"title", "不能为空"});
  if (out.basis.empty()) errors.push_back({"basis", "应写明自评办法的依据"});
  std::set<std::string> ids;
  if (auto* cs = doc["component"].as_array())
    for (size_t i = 0; i < cs->size(); ++i) {
      const std::string field = fmt::format("component[{}]", i);
      auto* t = (*cs)[i].as_table();
      if (!t) {
        errors.push_back({field, "应为表"});
        continue;
      }
      IndexComponent c;
      c.id = (*t)["id"].value_or(std::string());
      c.label = (*t)["label"].value_or(std::string());
      c.weight = static_cast<int>((*t)["weight"].value_or(int64_t{0}));
      c.min_base = static_cast<int>((*t)["min_base"].value_or(int64_t{1}));
      c.per_item = static_cast<int>((*t)["per_item"].value_or(int64_t{0}));
      const std::string measure = (*t)["measure"].value_or(std::string());
      bool known = false;
      for (IndexMeasure m : kIndexMeasures)
        if (Code(m) == measure) c.measure = m, known = true;
      if (c.id.empty() || c.label.empty() || !ids.insert(c.id).second)
        errors.push_back({field, "每个分项应有不重复的编号和名称"});
      if (!known) errors.push_back({field + ".measure", fmt::format("未知的计分来源：{}", measure)});
      if (c.weight <= 0 || c.weight > 100) errors.push_back({field + ".weight", "权重应在 1 到 100 之间"});
      if (c.min_base < 1) errors.push_back({field + ".min_base", "不能小于 1"});
      if (known && c.measure == IndexMeasure::kMediaItems && (c.per_item <= 0 || c.per_item > 100))
        errors.push_back({field + ".per_item", "每条舆情扣分应在 1 到 100 之间"});
      out.components.push_back(std::move(c));
    }
  if (out.components.empty()) errors.push_back({"component", "至少一个分项"});
  if (!errors.empty()) return Invalid("duty.self_index", fmt::format("自评指数公式有误：{}", source), std::move(errors));
  return out;
}

ComponentValue ValueOf(const IndexComponent& c, const IndexInput& in) {
  ComponentValue v;
  if (c.measure == IndexMeasure::kMediaItems) {
    const int64_t deducted = std::min<int64_t>(100, in.base * c.per_item);
    v.counted = true;
    v.value = static_cast<double>(100 - deducted);
    v.computation = in.base == 0 ? "无舆情，得 100 分"
                                 : fmt::format("舆情 {} 条 × {} 分 = 扣 {} 分，得 {} 分", in.base, c.per_item, deducted, 100 - deducted);
    return v;
  }
  if (in.base < c.min_base) {
    v.computation = c.measure == IndexMeasure::kPublicRating
                        ? fmt::format("评议 {} 人，少于 {} 人，不计入", in.base, c.min_base)
                        : fmt::format("{} {} 件，少于 {} 件，不计入", ShareWords(c.measure).second, in.base, c.min_base);
    return v;
  }
  v.counted = true;
  v.value = OneDecimal(100 * in.part / static_cast<double>(in.base));
  if (c.measure == IndexMeasure::kPublicRating) {
    v.computation = fmt::format("评议 {} 人，平均满意度 {:.1f}%（95% 误差 ±{:.1f}）", in.base, v.value, 100 * in.margin);
  } else {
    auto [part, base] = ShareWords(c.measure);
    v.computation = fmt::format("{} {} 件 ÷ {} {} 件 = {:.1f}%", part, static_cast<int64_t>(std::llround(in.part)), base,
                                in.base, v.value);
  }
  return v;
}

IndexValue Combine(const IndexScheme& scheme, const std::vector<ComponentValue>& values) {
  IndexValue out;
  double sum = 0;
  int weights = 0;
  std::string terms;
  for (size_t i = 0; i < scheme.components.size() && i < values.size(); ++i) {
    if (!values[i].counted) continue;
    const int w = scheme.components[i].weight;
    sum += w * values[i].value;
    weights += w;
    terms += fmt::format("{}{} × {:.1f}", terms.empty() ? "" : " + ", w, values[i].value);
  }
  if (weights == 0) {
    out.computation = "没有可计入的分项";
    return out;
  }
  out.index = OneDecimal(sum / weights);
  out.computation = fmt::format("（{}）÷ {} = {:.1f}", terms, weights, *out.index);
  return out;
}

}  // namespace qf::duty
