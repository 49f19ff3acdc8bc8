// The public's rating, pure: the questionnaire read from data and a rate with its margin of error.
#include <cmath>
#include <fstream>
#include <set>

#include "common/status.h"
#include "common/toml_text.h"
#include "duty/duty.h"
#include "fmt/format.h"

namespace qf::duty {

const SurveyLevel* Questionnaire::Level(std::string_view code) const {
  for (const auto& l : scale)
    if (l.code == code) return &l;
  return nullptr;
}

absl::StatusOr<Questionnaire> Questionnaire::Load(const std::string& path, std::string* text) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFound("duty.questionnaire", "找不到问卷：" + path);
  std::string body((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto q = Parse(body, path);
  if (q.ok() && text) *text = std::move(body);
  return q;
}

absl::StatusOr<Questionnaire> Questionnaire::Parse(std::string_view text, std::string_view source) {
  QF_ASSIGN_OR_RETURN(toml::table doc, ParseTomlText(text, source, "duty.questionnaire"));
  Questionnaire out;
  std::vector<FieldError> errors;
  out.title = doc["title"].value_or(std::string());
  out.basis = doc["basis"].value_or(std::string());
  out.min_sample = static_cast<int>(doc["min_sample"].value_or(int64_t{30}));
  if (out.title.empty()) errors.push_back({"title", "不能为空"});
  std::set<std::string> codes, ids;
  if (auto* scale = doc["scale"].as_array())
    for (size_t i = 0; i < scale->size(); ++i) {
      auto* l = (*scale)[i].as_table();
      SurveyLevel level;
      if (l) level = {(*l)["code"].value_or(std::string()), (*l)["label"].value_or(std::string()), (*l)["satisfied"].value_or(false)};
      if (level.code.empty() || level.label.empty() || !codes.insert(level.code).second)
        errors.push_back({fmt::format("scale[{}]", i), "每一级应有不重复的代码和名称"});
      out.scale.push_back(std::move(level));
    }
  if (out.scale.size() < 2 || std::none_of(out.scale.begin(), out.scale.end(), [](auto& l) { return l.satisfied; }) ||
      std::all_of(out.scale.begin(), out.scale.end(), [](auto& l) { return l.satisfied; }))
    errors.push_back({"scale", "至少两级，且既有满意也有不满意的一级"});
  if (auto* qs = doc["question"].as_array())
    for (size_t i = 0; i < qs->size(); ++i) {
      auto* q = (*qs)[i].as_table();
      SurveyQuestion question;
      if (q) question = {(*q)["id"].value_or(std::string()), (*q)["text"].value_or(std::string())};
      if (question.id.empty() || question.text.empty() || !ids.insert(question.id).second)
        errors.push_back({fmt::format("question[{}]", i), "每个问题应有不重复的编号和内容"});
      out.questions.push_back(std::move(question));
    }
  if (out.questions.empty()) errors.push_back({"question", "至少一个问题"});
  if (!errors.empty()) return Invalid("duty.questionnaire", fmt::format("问卷有误：{}", source), std::move(errors));
  return out;
}

Rate RateOf(const std::vector<double>& shares) {
  Rate r;
  r.n = static_cast<int>(shares.size());
  if (r.n == 0) return r;
  double sum = 0;
  for (double s : shares) sum += s;
  r.mean = sum / r.n;
  if (r.n < 2) return r;
  double ss = 0;
  for (double s : shares) ss += (s - r.mean) * (s - r.mean);
  r.margin = 1.96 * std::sqrt(ss / (r.n - 1)) / std::sqrt(static_cast<double>(r.n));
  return r;
}

}  // namespace qf::duty
