#include "cases/reviews.h"

#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

std::string_view ReviewKindName(ReviewKind k) { return k == ReviewKind::kReview ? "review" : "rereview"; }

namespace {
bool IsOrgan(const org::Unit& u) { return u.kind == "bureau" || u.kind == "district_bureau"; }
}  // namespace

int64_t BodyOf(const std::vector<org::Unit>& ancestry) {
  for (const auto& u : ancestry)
    if (u.kind != "division") return u.id;
  return 0;
}

ReviewBody LevelAbove(const std::vector<org::Unit>& ancestry, const std::string& outside) {
  size_t i = 0;
  // A division answers for the body it belongs to.
  while (i < ancestry.size() && ancestry[i].kind == "division") ++i;
  for (size_t j = i + 1; j < ancestry.size(); ++j)
    if (IsOrgan(ancestry[j])) return ReviewBody{ancestry[j].id, "", ancestry[j].name};
  return ReviewBody{0, outside, outside};
}

ReviewBody ReviewAnswerer(const std::vector<org::Unit>& replying, const ReviewPolicy& policy) {
  return LevelAbove(replying, policy.city_body);
}

ReviewBody RereviewAnswerer(const ReviewBody& reviewed, const std::vector<org::Unit>& reviewed_ancestry,
                            const ReviewPolicy& policy) {
  if (reviewed.external()) return ReviewBody{0, policy.province_body, policy.province_body};
  return LevelAbove(reviewed_ancestry, policy.city_body);
}

absl::Status MayRequest(ReviewKind kind, const ReviewWindow& window, bool asked_before, absl::CivilDay today) {
  bool review = kind == ReviewKind::kReview;
  if (asked_before)
    return Conflict(review ? "case.review_already_requested" : "case.rereview_already_requested",
                    review ? "复查申请只能提出一次（信访工作条例第三十五条），本事项已申请过复查"
                           : "复核申请只能提出一次（信访工作条例第三十六条），本事项已申请过复核");
  if (!window.exists || !window.open)
    return Conflict("case.no_window", review ? "该事项尚未答复，不能申请复查" : "该事项尚未作出复查意见，不能申请复核");
  if (window.due < today)
    return Conflict("case.window_closed",
                    fmt::format("申请期限已于{}届满（信访工作条例第{}条：收到{}之日起30日内提出）", FormatDay(window.due),
                                review ? "三十五" : "三十六", review ? "处理意见" : "复查意见"));
  return absl::OkStatus();
}

}  // namespace qf::cases
