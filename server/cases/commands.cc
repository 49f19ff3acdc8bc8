#include "cases/commands.h"

#include <algorithm>

#include "cases/model.h"
#include "common/json_input.h"
#include "common/status.h"
#include "fmt/format.h"

namespace qf::cases {

namespace json = boost::json;

namespace {

// One row per staff action: its form fields, which of them is the action's text (with its length cap), and how
// the console shows it.
struct Spec {
  Action action;
  std::vector<ActionField> fields;
  const char* text_field;  // the field read into TransitionRequest::text, or nullptr
  size_t text_max;
  bool danger, primary;
};

const std::vector<Spec>& Specs() {
  using K = FieldKind;
  using A = Action;
  const ActionField note{"note", K::kTextarea, false};
  auto reason = ActionField{"reason", K::kTextarea, true};
  static const std::vector<Spec> kSpecs = {
      // The concerned unit is confirmed at acceptance, or corrected (one recognised in the text may be wrong).
      {A::kAccept, {{"concerned_unit_id", K::kUnit, false}, note}, nullptr, 0, false, true},
      {A::kDecline, {reason, {"final_case_id", K::kCase, false}}, "reason", 5000, true, false},
      // Without a unit the case goes to the unit its routing rule chose.
      {A::kDispatch, {{"unit_id", K::kUnit, false}, note, {"redact", K::kLines, false}}, nullptr, 0, false, true},
      {A::kSign, {note}, nullptr, 0, false, true},
      {A::kRequestReturn, {reason}, "reason", 5000, false, false},
      {A::kApproveReturn, {note}, nullptr, 0, false, false},
      {A::kRefuseReturn, {reason}, "reason", 5000, false, false},
      {A::kVerify, {{"findings", K::kTextarea, true}}, "findings", 5000, false, true},
      {A::kPropose, {{"outcome", K::kOutcome, true}, {"proposal", K::kTextarea, true}}, "proposal", 5000, false, true},
      {A::kApproveProposal, {note}, nullptr, 0, false, true},
      {A::kSendBack, {reason}, "reason", 5000, true, false},
      {A::kReply, {{"reply", K::kTextarea, true}}, "reply", 5000, false, true},
      {A::kRevisit, {{"satisfaction", K::kRating, false}, note}, nullptr, 0, false, true},
      {A::kClose, {note}, nullptr, 0, false, true},
      {A::kRequestExtension, {{"days", K::kDays, true}, reason}, "reason", 5000, false, false},
      {A::kApproveExtension, {note}, nullptr, 0, false, false},
      {A::kRefuseExtension, {note}, nullptr, 0, false, false},
      {A::kSuspend, {reason, {"hearing", K::kBool, false}}, "reason", 5000, true, false},
      {A::kResume, {note}, nullptr, 0, false, false},
      {A::kMerge, {{"into_case_id", K::kCase, true}, note}, nullptr, 0, true, false},
      {A::kUpdateChecklist, {}, nullptr, 0, false, false},
      {A::kAskReporter, {{"question", K::kTextarea, true}}, "question", 1000, false, false},
      {A::kAnswerReview,
       {{"answer", K::kTextarea, true}, {"document_ref", K::kText, false}, {"received_on", K::kDay, false}},
       "answer", 5000, false, true},
      {A::kAnswerReReview,
       {{"answer", K::kTextarea, true}, {"document_ref", K::kText, false}, {"received_on", K::kDay, false}},
       "answer", 5000, false, true},
      {A::kVerifyRealName, {{"verified", K::kBool, true}, note}, nullptr, 0, false, false},
      {A::kRedo, {reason}, "reason", 5000, true, false},
  };
  return kSpecs;
}

const Spec* SpecFor(Action a) {
  for (const auto& s : Specs())
    if (s.action == a) return &s;
  return nullptr;
}

}  // namespace

std::string_view FieldKindName(FieldKind k) {
  switch (k) {
    case FieldKind::kText: return "text";
    case FieldKind::kTextarea: return "textarea";
    case FieldKind::kUnit: return "unit";
    case FieldKind::kOutcome: return "outcome";
    case FieldKind::kDays: return "days";
    case FieldKind::kCase: return "case";
    case FieldKind::kBool: return "bool";
    case FieldKind::kRating: return "rating";
    case FieldKind::kLines: return "lines";
    case FieldKind::kDay: return "day";
  }
  return "text";
}

const std::vector<ActionField>& ActionFields(Action a) {
  static const std::vector<ActionField> kNone;
  const Spec* s = SpecFor(a);
  return s ? s->fields : kNone;
}

bool IsDangerous(Action a) {
  const Spec* s = SpecFor(a);
  return s && s->danger;
}

bool IsPrimary(Action a) {
  const Spec* s = SpecFor(a);
  return s && s->primary;
}

bool IsBatchable(Action a) { return a == Action::kAccept || a == Action::kDispatch || a == Action::kSign; }

absl::StatusOr<std::pair<std::vector<int64_t>, TransitionRequest>> ParseBatch(const json::object& body) {
  json::object rest = body;
  rest.erase("case_ids");
  rest.erase("version");  // each case is checked by its state, not by a version the list never showed
  JsonInput in(body);
  std::vector<int64_t> ids;
  const json::value* raw = in.Raw("case_ids");
  if (!raw || !raw->is_array() || raw->as_array().empty() || raw->as_array().size() > kMaxBatchCases) {
    in.Fail("case_ids", fmt::format("应为 1 至 {} 个案件编号", kMaxBatchCases));
  } else {
    for (const auto& v : raw->as_array()) {
      if (!v.is_int64() || v.as_int64() < 1) {
        in.Fail("case_ids", "应为案件编号（正整数）");
        break;
      }
      if (std::find(ids.begin(), ids.end(), v.as_int64()) == ids.end()) ids.push_back(v.as_int64());
    }
  }
  auto request = ParseTransition(rest);
  if (request.ok() && !IsBatchable(request->action)) in.Fail("action", "只有受理、交办和签收可以批量办理");
  if (!request.ok())
    for (auto& f : FieldErrors(request.status())) {
      if (f.rule.empty()) in.Fail(f.field, f.message);
      else in.Fail(f.field, f.message, f.rule, f.args);
    }
  QF_RETURN_IF_ERROR(in.Finish("case.batch"));
  QF_RETURN_IF_ERROR(request.status());
  return std::pair{std::move(ids), std::move(*request)};
}

absl::StatusOr<TransitionRequest> ParseTransition(const json::object& body) {
  JsonInput in(body);
  TransitionRequest r;
  auto name = in.Str("action", true, 40);
  std::optional<Action> action = name ? ParseAction(*name) : std::nullopt;
  if (!action || RolesFor(*action) == kPublic)
    return Invalid("case.action", "未知操作", {{"action", "取值无效"}});
  r.action = *action;
  const Spec* spec = SpecFor(r.action);
  if (auto* v = body.if_contains("version"); v && !v->is_null()) {
    if (!v->is_int64()) in.Fail("version", "应为整数");
    else r.version = v->as_int64();
  }
  r.note = in.Str("note", false, 5000).value_or("");
  if (spec && spec->text_field) r.text = in.Str(spec->text_field, true, spec->text_max).value_or("");
  switch (r.action) {
    case Action::kAccept:
      r.concerned_unit_id = in.Int("concerned_unit_id", false, 1, INT64_MAX).value_or(0);
      break;
    case Action::kDecline:
      r.final_case_id = in.Int("final_case_id", false, 1, INT64_MAX).value_or(0);
      break;
    case Action::kDispatch:
      r.unit_id = in.Int("unit_id", false, 1, INT64_MAX).value_or(0);
      if (auto* red = in.Raw("redact"); red && !red->is_null()) {
        if (!red->is_array() || red->as_array().size() > 50) {
          in.Fail("redact", "应为不超过50项的字符串数组");
        } else {
          for (auto& m : red->as_array()) {
            if (!m.is_string() || m.as_string().empty()) {
              in.Fail("redact", "含空项或不是字符串");
              break;
            }
            r.redact.emplace_back(m.as_string());
          }
        }
      }
      break;
    case Action::kPropose:
      r.outcome = in.Enum("outcome", true, {"support", "explain", "reject"}).value_or("");
      break;
    case Action::kRequestExtension:
      r.days = static_cast<int>(in.Int("days", true, 1, 30).value_or(0));
      break;
    case Action::kRevisit:
      if (auto s = in.Int("satisfaction", false, 1, 5)) r.satisfaction = static_cast<int>(*s);
      break;
    case Action::kSuspend:
      r.hearing = in.Bool("hearing", false).value_or(false);
      break;
    case Action::kMerge:
      r.into_case_id = in.Int("into_case_id", true, 1, INT64_MAX).value_or(0);
      break;
    case Action::kUpdateChecklist: {
      auto* items = in.Raw("items");
      if (!items || !items->is_object()) {
        in.Fail("items", "请提交五个到位清单（对象）");
        break;
      }
      for (auto& [k, v] : items->as_object()) {
        std::string key(k);
        if (!LabelOf(kChecklist, key) || !v.is_bool()) in.Fail("items." + key, "未知项目或不是布尔值");
        else r.checklist.push_back({key, v.as_bool()});
      }
      break;
    }
    case Action::kAnswerReview:
    case Action::kAnswerReReview:
      r.document_ref = in.Str("document_ref", false, 64).value_or("");
      r.received_on = in.Day("received_on", false);
      break;
    case Action::kVerifyRealName:
      r.verified = in.Bool("verified", true).value_or(false);
      break;
    default:
      break;
  }
  QF_RETURN_IF_ERROR(in.Finish("case.params"));
  return r;
}

namespace {
constexpr std::pair<PublicActionKind, const char*> kPublicActions[] = {
    {PublicActionKind::kAddInfo, "add_info"},
    {PublicActionKind::kAnswer, "answer"},
    {PublicActionKind::kRate, "rate"},
    {PublicActionKind::kRequestReview, "request_review"},
    {PublicActionKind::kRequestRereview, "request_rereview"},
};
}  // namespace

std::optional<PublicActionKind> ParsePublicActionKind(std::string_view name) {
  for (auto [k, n] : kPublicActions)
    if (name == n) return k;
  return std::nullopt;
}

std::string_view PublicActionName(PublicActionKind k) {
  for (auto [kk, n] : kPublicActions)
    if (kk == k) return n;
  return "";
}

absl::StatusOr<PublicRequest> ParsePublicAction(std::string_view action, const json::object& body) {
  auto kind = ParsePublicActionKind(action);
  if (!kind)
    return Invalid("case.public_action", "未知操作",
                   {{"action", "应为 add_info、answer、rate、request_review 或 request_rereview"}});
  JsonInput in(body);
  PublicRequest r;
  r.kind = *kind;
  switch (r.kind) {
    case PublicActionKind::kAddInfo:
    case PublicActionKind::kAnswer:
      r.text = in.Str("text", true, 2000).value_or("");
      break;
    case PublicActionKind::kRate:
      r.satisfaction = static_cast<int>(in.Int("satisfaction", true, 1, 5).value_or(0));
      r.comment = in.Str("comment", false, 2000).value_or("");
      break;
    case PublicActionKind::kRequestReview:
    case PublicActionKind::kRequestRereview:
      r.text = in.Str("reason", true, 2000).value_or("");
      break;
  }
  QF_RETURN_IF_ERROR(in.Finish("case.params"));
  return r;
}

}  // namespace qf::cases
