// The exam-supervision policy (data/exams/policy.toml) and the requests' reading.
#include <toml++/toml.h>

#include "common/files.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/toml_text.h"
#include "exams/exams.h"
#include "fmt/format.h"

namespace qf::exams {
namespace json = boost::json;

absl::StatusOr<Policy> Policy::Load(const std::string& data_dir) {
  std::string path = data_dir + "/exams/policy.toml";
  QF_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "exams.policy", "考试监督规则文件"));
  return Parse(text, path);
}

absl::StatusOr<Policy> Policy::Parse(std::string_view text, std::string_view source) {
  QF_ASSIGN_OR_RETURN(toml::table t, ParseTomlText(text, source, "exams.policy"));
  Policy p;
  if (auto* a = t["stage"].as_array())
    for (auto& v : *a) {
      toml::node_view<toml::node> n(v);
      Stage s{n["code"].value_or(std::string()), n["label"].value_or(std::string()), n["clause"].value_or(std::string())};
      if (s.code.empty() || s.label.empty() || s.clause.empty())
        return Invalid("exams.policy", fmt::format("{}：每个 stage 须有 code、label 和 clause（所依据的文件）", source));
      p.stages.push_back(std::move(s));
    }
  if (p.stages.empty()) return Invalid("exams.policy", fmt::format("{}：须有 stage", source));
  return p;
}

const Stage* Policy::StageOf(std::string_view code) const {
  for (const auto& s : stages)
    if (s.code == code) return &s;
  return nullptr;
}

absl::StatusOr<ExamRequest> ParseExam(const json::object& body) {
  JsonInput in(body);
  ExamRequest r;
  r.year = static_cast<int>(in.Int("year", true, 2000, 2100).value_or(0));
  r.name = in.Str("name", true, 60).value_or("");
  r.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<SessionRecord> ParseSession(const json::object& body, const Policy& policy) {
  JsonInput in(body);
  SessionRecord s;
  std::vector<std::string_view> stages;
  for (const auto& st : policy.stages) stages.push_back(st.code);
  s.stage = in.Enum("stage", true, stages).value_or("");
  s.session = in.Str("session", true, 60).value_or("");
  if (auto d = in.Day("held_on", true)) s.held_on = *d;
  s.found = in.Str("found", true, 2000).value_or("");
  s.problem = in.Bool("problem", true).value_or(false);
  const json::value* sup = in.Raw("supervisors");
  if (!sup || !sup->is_array() || sup->as_array().empty()) {
    in.Fail("supervisors", "请填写到场监督的人员（抽取库编号）", "required");
  } else if (sup->as_array().size() > 50) {
    in.Fail("supervisors", "监督人员不超过 50 人");
  } else {
    for (const auto& v : sup->as_array()) {
      if (!v.is_string() || Trim(v.as_string()).empty() || v.as_string().size() > 32) {
        in.Fail("supervisors", "应为抽取库人员编号");
        break;
      }
      s.supervisors.emplace_back(Trim(v.as_string()));
    }
  }
  QF_RETURN_IF_ERROR(in.Finish());
  return s;
}

absl::StatusOr<ScoreCheckRequest> ParseScoreCheck(const json::object& body) {
  JsonInput in(body);
  ScoreCheckRequest r;
  r.candidate_no = in.Str("candidate_no", true, 20).value_or("");
  r.name = in.Str("name", true, 30).value_or("");
  r.phone = in.Str("phone", false, 20).value_or("");
  r.subject = in.Str("subject", true, 20).value_or("");
  r.reason = in.Str("reason", false, 500).value_or("");
  if (const json::value* s = body.if_contains("score"); s && s->is_number() && s->to_number<double>() >= 0 &&
                                                        s->to_number<double>() <= 1000)
    r.score = s->to_number<double>();
  else
    in.Fail("score", "公布的成绩应为 0 至 1000 的数", "range", {"0", "1000"});
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<ScoreCheckResult> ParseResult(const json::object& body) {
  JsonInput in(body);
  ScoreCheckResult r;
  r.outcome = in.Enum("outcome", true, {"unchanged", "corrected"}).value_or("");
  r.note = in.Str("note", false, 500).value_or("");
  if (const json::value* s = body.if_contains("score_after"); s && !s->is_null()) {
    if (s->is_number() && s->to_number<double>() >= 0 && s->to_number<double>() <= 1000) r.score_after = s->to_number<double>();
    else in.Fail("score_after", "复核后的成绩应为 0 至 1000 的数", "range", {"0", "1000"});
  }
  if (r.outcome == "corrected" && !r.score_after && !body.if_contains("score_after"))
    in.Fail("score_after", "成绩有误时请填写复核后的成绩", "required");
  if (r.outcome == "unchanged" && r.score_after) in.Fail("score_after", "成绩无误时不填复核后的成绩");
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

std::string MaskCandidate(std::string_view n) {
  if (n.size() <= 2) return std::string(n.size(), '*');
  if (n.size() <= 6) return std::string(n.size() - 2, '*') + std::string(n.substr(n.size() - 2));
  return std::string(n.substr(0, 4)) + std::string(n.size() - 6, '*') + std::string(n.substr(n.size() - 2));
}

}  // namespace qf::exams
