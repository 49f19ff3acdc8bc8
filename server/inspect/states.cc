#include "inspect/states.h"

#include "common/status.h"
#include "common/vocab.h"

namespace qf::inspect {
namespace {

constexpr Word<CampaignState> kCampaignStates[] = {
    {CampaignState::kPlanned, "planned", "已计划"},
    {CampaignState::kCommitted, "committed", "名单已冻结，待见证抽样"},
    {CampaignState::kSampled, "sampled", "已抽样，检查中"},
    {CampaignState::kClosed, "closed", "已结束"},
};
constexpr Word<FormState> kFormStates[] = {
    {FormState::kOpen, "open", "未填写"},
    {FormState::kDraft, "draft", "草稿"},
    {FormState::kSubmitted, "submitted", "已提交，待组长确认"},
    {FormState::kConfirmed, "confirmed", "已确认"},
};
constexpr Word<RectificationState> kRectificationStates[] = {
    {RectificationState::kOpen, "open", "整改中"},
    {RectificationState::kAnswered, "answered", "已报送，待复查"},
    {RectificationState::kAccepted, "accepted", "已验收"},
};

template <typename E, size_t N>
absl::StatusOr<E> Stored(const Word<E> (&words)[N], std::string_view code, const char* where) {
  auto v = ParseWord(words, code);
  if (!v) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_enum",
                           std::string("数据库中的 ") + where + " 取值无效：" + std::string(code));
  return *v;
}

absl::Status Role(const Principal& who, RoleSet roles) {
  if ((who.roles & roles) == 0) return Forbidden("inspect.role", "您的角色不能执行此操作");
  return absl::OkStatus();
}

template <typename A, typename F>
std::vector<std::string> Allowed(std::initializer_list<std::pair<A, const char*>> actions, const F& facts,
                                 const Principal& who) {
  std::vector<std::string> out;
  for (auto [a, code] : actions)
    if (MayTake(a, facts, who).ok()) out.emplace_back(code);
  return out;
}

}  // namespace

std::string_view Code(CampaignState s) { return WordCode(kCampaignStates, s); }
std::string_view Code(FormState s) { return WordCode(kFormStates, s); }
std::string_view Code(RectificationState s) { return WordCode(kRectificationStates, s); }
std::string_view Label(CampaignState s) { return WordLabel(kCampaignStates, s); }
std::string_view Label(FormState s) { return WordLabel(kFormStates, s); }
std::string_view Label(RectificationState s) { return WordLabel(kRectificationStates, s); }
absl::StatusOr<CampaignState> StoredCampaignState(std::string_view code) {
  return Stored(kCampaignStates, code, "campaigns.state");
}
absl::StatusOr<FormState> StoredFormState(std::string_view code) {
  return Stored(kFormStates, code, "inspection_forms.state");
}
absl::StatusOr<RectificationState> StoredRectificationState(std::string_view code) {
  return Stored(kRectificationStates, code, "rectifications.state");
}
std::string Sql(std::initializer_list<CampaignState> states) { return SqlList(kCampaignStates, states); }
std::string Sql(std::initializer_list<RectificationState> states) { return SqlList(kRectificationStates, states); }

absl::Status MayTake(CampaignAction a, const CampaignFacts& f, const Principal& who) {
  switch (a) {
    case CampaignAction::kCommit:
      QF_RETURN_IF_ERROR(Role(who, kPlanners));
      if (f.state != CampaignState::kPlanned) return Conflict("campaign.state", "已经冻结过抽样名单");
      return absl::OkStatus();
    case CampaignAction::kDraw:
      QF_RETURN_IF_ERROR(Role(who, kPlanners));
      if (f.state != CampaignState::kCommitted)
        return Conflict("campaign.state", f.state == CampaignState::kPlanned ? "请先冻结抽样名单" : "已经抽样");
      if (!f.is_witness) return Forbidden("campaign.witness_only", "只有指定的见证人可以输入公开值并开始抽取");
      return absl::OkStatus();
    case CampaignAction::kPublishResults:
      QF_RETURN_IF_ERROR(Role(who, kPlanners));
      if (f.state != CampaignState::kSampled && f.state != CampaignState::kClosed)
        return Conflict("campaign.state", "抽样完成、开展检查后才能公开结果");
      if (f.results_published) return Conflict("campaign.results_published", "检查结果已公开");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown campaign action");
}

absl::Status MayTake(FormAction a, const FormFacts& f, const Principal& who) {
  // Someone outside the group does not learn that the form exists.
  if (!f.member) return NotFound("form.not_found", "检查表不存在");
  QF_RETURN_IF_ERROR(Role(who, kInspector));
  switch (a) {
    case FormAction::kSave:
    case FormAction::kSubmit:
    case FormAction::kAddEvidence:
      if (f.state == FormState::kSubmitted || f.state == FormState::kConfirmed)
        return Conflict("form.state", "检查表已提交，不能再修改");
      return absl::OkStatus();
    case FormAction::kConfirm:
      if (!f.leader) return Forbidden("form.leader_only", "只有组长可以确认检查表");
      if (f.state != FormState::kSubmitted)
        return Conflict("form.state", f.state == FormState::kConfirmed ? "已确认" : "检查表尚未提交");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown form action");
}

absl::Status MayTake(RectificationAction a, const RectificationFacts& f, const Principal& who) {
  switch (a) {
    case RectificationAction::kAnswer:
    case RectificationAction::kAddEvidence:
      // Only the school the order is addressed to (or a unit above it) answers; others do not learn of it.
      if (!f.own_school || !who.Has(kHandler)) return NotFound("rectification.not_found", "整改通知不存在");
      if (f.state != RectificationState::kOpen)
        return Conflict("rectification.state", f.state == RectificationState::kAnswered ? "已报送，等待复查" : "已验收");
      return absl::OkStatus();
    case RectificationAction::kCheck:
      QF_RETURN_IF_ERROR(Role(who, kCheckers));
      if (f.state != RectificationState::kAnswered)
        return Conflict("rectification.state", f.state == RectificationState::kOpen ? "学校尚未报送整改情况" : "已验收");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown rectification action");
}

std::vector<std::string> Actions(const CampaignFacts& f, const Principal& who) {
  return Allowed<CampaignAction>({{CampaignAction::kCommit, "commit"},
                                  {CampaignAction::kDraw, "draw"},
                                  {CampaignAction::kPublishResults, "publish_results"}},
                                 f, who);
}
std::vector<std::string> Actions(const FormFacts& f, const Principal& who) {
  return Allowed<FormAction>({{FormAction::kSave, "save"},
                              {FormAction::kSubmit, "submit"},
                              {FormAction::kAddEvidence, "add_evidence"},
                              {FormAction::kConfirm, "confirm"}},
                             f, who);
}
std::vector<std::string> Actions(const RectificationFacts& f, const Principal& who) {
  return Allowed<RectificationAction>({{RectificationAction::kAnswer, "answer"},
                                       {RectificationAction::kAddEvidence, "add_evidence"},
                                       {RectificationAction::kCheck, "check"}},
                                      f, who);
}

}  // namespace qf::inspect
