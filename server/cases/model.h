// The fixed vocabularies of a case: channels and categories with their Chinese labels. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qf::cases {

struct Term2 {
  const char* code;
  const char* label;
};

// Channels seen in the seed plus visits, the hotlines and the web form.
inline constexpr Term2 kChannels[] = {
    {"zmztc", "政民直通车"},
    {"mayor_hotline", "市长热线转办"},
    {"letter_call", "来信来电"},
    {"visit", "来访"},
    {"province_platform", "省规范办学行为信息平台"},
    {"province_fee", "省治理教育乱收费转办"},
    {"media", "舆情"},
    {"hotline", "举报电话"},
    {"web", "网上投诉"},
    {"check", "监督检查发现"},  // a finding of Qingfeng's own checks referred to the office (admissions/)
    {"score_check", "查分申请"},  // a candidate's request to have an exam score checked (exams/)
};

inline constexpr Term2 kCategories[] = {
    {"fees", "教育收费"},      {"tutoring", "违规补课"}, {"ethics", "师德师风"}, {"discipline", "违法违纪"},
    {"admission", "招生入学"}, {"exam", "考试"},         {"safety", "校园安全"}, {"other", "其他"},
};

// 咨询 / 投诉 / 举报 / 建议: what the item asks for.
inline constexpr Term2 kKinds[] = {
    {"complaint", "投诉"}, {"report", "举报"}, {"consult", "咨询"}, {"suggestion", "建议"},
};

// Channels whose items are transferred in by another body (the 5-working-day objection window applies).
bool IsTransferChannel(std::string_view channel);

// A reporter's rating of the reply, 1 (非常不满意) … 5 (非常满意), given with the reply or at the revisit: 4 and 5
// count as satisfied in every satisfaction rate (满意率).
constexpr bool Satisfied(int64_t rating) { return rating >= 4; }

template <size_t N>
std::optional<std::string> LabelOf(const Term2 (&terms)[N], std::string_view code) {
  for (const auto& t : terms)
    if (code == t.code) return std::string(t.label);
  return std::nullopt;
}
template <size_t N>
std::optional<std::string> CodeOf(const Term2 (&terms)[N], std::string_view code_or_label) {
  for (const auto& t : terms)
    if (code_or_label == t.code || code_or_label == t.label) return std::string(t.code);
  return std::nullopt;
}
template <size_t N>
std::vector<std::string_view> Codes(const Term2 (&terms)[N]) {
  std::vector<std::string_view> out;
  for (const auto& t : terms) out.push_back(t.code);
  return out;
}

// The 五个到位 closing checklist.
inline constexpr Term2 kChecklist[] = {
    {"owner", "工作人员责任到位"},     {"answered", "咨询问题答复到位"}, {"verified", "举报投诉核查到位"},
    {"handled", "违规行为处理到位"},   {"accountability", "违规责任追究到位"},
};

}  // namespace qf::cases
