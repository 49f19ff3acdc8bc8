// The duty domain's pure rules: deadlines of a task, a deadline's progress, who may act on tasks and letters, who
// may read a talk, the letters' templates and content hash.
#include <fstream>

#include "auth/totp.h"

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/toml_text.h"
#include "duty/duty.h"
#include "fmt/format.h"

namespace qf::duty {

namespace json = boost::json;

std::string_view Code(Schedule s) { return s == Schedule::kQuarterly ? "quarterly" : "once"; }

namespace {

// The day itself when it is a working day, else the next working day (民法典 第二百零三条).
absl::CivilDay RollForward(absl::CivilDay day, const Calendar& cal) {
  return cal.Add(day - 1, Term{1, TermUnit::kCalendarDays}).due;
}

}  // namespace

std::vector<Due> Deadlines(Schedule schedule, std::optional<absl::CivilDay> day, int year, const Calendar& cal) {
  std::vector<Due> out;
  if (schedule == Schedule::kOnce) {
    if (day) out.push_back({"", RollForward(*day, cal)});
    return out;
  }
  for (int q = 1; q <= 4; ++q) {
    absl::CivilDay last = absl::CivilDay(absl::CivilMonth(year, q * 3 + 1)) - 1;  // the quarter's last day
    out.push_back({fmt::format("Q{}", q), RollForward(last, cal)});
  }
  return out;
}

std::string_view Code(Progress p) {
  switch (p) {
    case Progress::kPending: return "pending";
    case Progress::kReported: return "reported";
    case Progress::kDoneOnTime: return "done_on_time";
    case Progress::kDoneLate: return "done_late";
    case Progress::kOverdue: return "overdue";
  }
  return "pending";
}

std::string_view Label(Progress p) {
  switch (p) {
    case Progress::kPending: return "进行中";
    case Progress::kReported: return "待审核";
    case Progress::kDoneOnTime: return "按时完成";
    case Progress::kDoneLate: return "逾期完成";
    case Progress::kOverdue: return "已逾期";
  }
  return "进行中";
}

absl::StatusOr<DeadlineState> ParseDeadlineState(std::string_view code) {
  if (code == "open") return DeadlineState::kOpen;
  if (code == "reported") return DeadlineState::kReported;
  if (code == "met") return DeadlineState::kMet;
  return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_state", fmt::format("任务期限状态无法识别：{}", code));
}

Progress ProgressOf(DeadlineState state, absl::CivilDay due, std::optional<absl::CivilDay> reported_on,
                    absl::CivilDay today) {
  switch (state) {
    case DeadlineState::kMet:
      return reported_on && *reported_on <= due ? Progress::kDoneOnTime : Progress::kDoneLate;
    case DeadlineState::kReported:
      return reported_on && *reported_on <= due ? Progress::kReported : Progress::kOverdue;
    case DeadlineState::kOpen:
      return today > due ? Progress::kOverdue : Progress::kPending;
  }
  return Progress::kPending;
}

absl::Status MayTake(TaskAction action, const TaskFacts& f) {
  switch (action) {
    case TaskAction::kReport:
      if (!f.lead_staff && !f.office) return Forbidden("duty.scope", "只有牵头单位或纪检监察室可以报送进展");
      if (f.state != DeadlineState::kOpen)
        return Conflict("duty.state", f.state == DeadlineState::kMet ? "该期限已完成" : "上一次报送尚待审核");
      return absl::OkStatus();
    case TaskAction::kAccept:
    case TaskAction::kReturn:
      if (!f.office) return Forbidden("duty.scope", "只有纪检监察室可以审核任务进展");
      if (f.state != DeadlineState::kReported) return Conflict("duty.state", "没有待审核的进展报送");
      return absl::OkStatus();
  }
  return Forbidden("duty.scope", "不允许的操作");
}

std::vector<std::string> Actions(const TaskFacts& f) {
  std::vector<std::string> out;
  const std::pair<TaskAction, const char*> all[] = {
      {TaskAction::kReport, "report"}, {TaskAction::kAccept, "accept"}, {TaskAction::kReturn, "return"}};
  for (auto [a, name] : all)
    if (MayTake(a, f).ok()) out.emplace_back(name);
  return out;
}

// ---- Letters ----

const LetterTemplate* LetterTemplates::For(std::string_view unit_kind) const {
  for (const auto& t : templates)
    if (t.kind == unit_kind) return &t;
  return nullptr;
}

absl::StatusOr<LetterTemplates> LetterTemplates::Load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFound("duty.templates", "找不到责任书模板：" + path);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return Parse(text, path);
}

absl::StatusOr<LetterTemplates> LetterTemplates::Parse(std::string_view text, std::string_view source) {
  QF_ASSIGN_OR_RETURN(toml::table doc, ParseTomlText(text, source, "duty.templates"));
  LetterTemplates out;
  std::vector<FieldError> errors;
  out.basis = doc["basis"].value_or(std::string());
  if (out.basis.empty()) errors.push_back({"basis", "应写明责任书依据的文件"});
  auto term = Term::Parse(doc["sign_within"].value_or(std::string()));
  if (!term.ok()) errors.push_back({"sign_within", "签订期限应为 \"10wd\" 或 \"15d\" 的形式"});
  else out.sign_within = *term;
  if (auto* arr = doc["template"].as_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      auto* t = (*arr)[i].as_table();
      std::string where = fmt::format("template[{}]", i);
      if (!t) {
        errors.push_back({where, "应为表"});
        continue;
      }
      LetterTemplate lt;
      lt.kind = (*t)["kind"].value_or(std::string());
      lt.title = (*t)["title"].value_or(std::string());
      if (lt.kind != "division" && lt.kind != "district_bureau" && lt.kind != "school")
        errors.push_back({where + ".kind", "应为 division、district_bureau 或 school"});
      if (lt.title.empty()) errors.push_back({where + ".title", "不能为空"});
      if (auto* cs = (*t)["clauses"].as_array())
        for (auto& c : *cs)
          if (auto v = c.value<std::string>()) lt.clauses.push_back(*v);
      if (auto* items = (*t)["items"].as_array()) {
        for (size_t k = 0; k < items->size(); ++k) {
          auto* it = (*items)[k].as_table();
          LetterItem item;
          if (it) item = {(*it)["text"].value_or(std::string()), static_cast<int>((*it)["points"].value_or(int64_t{0}))};
          if (item.text.empty() || item.points <= 0)
            errors.push_back({fmt::format("{}.items[{}]", where, k), "每一项应有内容和分值"});
          lt.items.push_back(std::move(item));
        }
      }
      if (lt.items.empty()) errors.push_back({where + ".items", "至少一项责任"});
      out.templates.push_back(std::move(lt));
    }
  }
  for (const char* kind : {"division", "district_bureau", "school"})
    if (!out.For(kind)) errors.push_back({"template", fmt::format("缺少 {} 的模板", kind)});
  if (!errors.empty()) return Invalid("duty.templates", fmt::format("责任书模板有误：{}", source), std::move(errors));
  return out;
}

json::object LetterContent(const LetterTemplate& t, const LetterTemplates& all, int year, const std::string& issuer,
                           const std::string& unit) {
  json::array items;
  int seq = 0;
  for (const auto& i : t.items) items.push_back(json::object{{"seq", ++seq}, {"text", i.text}, {"points", i.points}});
  return json::object{{"title", fmt::format("{}年度{}", year, t.title)},
                      {"year", year},
                      {"issuer", issuer},
                      {"unit", unit},
                      {"basis", all.basis},
                      {"clauses", json::array(t.clauses.begin(), t.clauses.end())},
                      {"items", std::move(items)}};
}

std::string ContentHash(const json::object& content) { return Sha256Hex(json::serialize(content)); }

absl::Status MayTake(LetterAction, const LetterFacts& f) {
  if (!f.head) return Forbidden("duty.sign_scope", "只有本单位主要负责人可以签订责任书");
  if (f.signed_) return Conflict("duty.signed", "该责任书已签订");
  return absl::OkStatus();
}

// ---- Warning-education sessions ----

std::string SessionCode(std::string_view secret, absl::Time at) {
  int64_t slot = absl::ToUnixSeconds(at) / kSessionCodeSeconds;
  return auth::TotpCode(secret, slot * 30);  // TotpCode counts 30-second steps: step = slot
}

bool SessionCodeValid(std::string_view secret, std::string_view code, absl::Time now) {
  for (absl::Time at : {now, now - absl::Seconds(kSessionCodeSeconds)})
    if (code.size() == 6 && SessionCode(secret, at) == code) return true;
  return false;
}

// ---- Talks ----

std::string_view Code(TalkKind k) {
  switch (k) {
    case TalkKind::kRoutine: return "routine";
    case TalkKind::kPreAppointment: return "pre_appointment";
    case TalkKind::kReminder: return "reminder";
    case TalkKind::kAdmonition: return "admonition";
  }
  return "routine";
}

std::string_view Label(TalkKind k) {
  switch (k) {
    case TalkKind::kRoutine: return "例行谈话";
    case TalkKind::kPreAppointment: return "任前谈话";
    case TalkKind::kReminder: return "提醒谈话";
    case TalkKind::kAdmonition: return "诫勉谈话";
  }
  return "例行谈话";
}

absl::StatusOr<TalkKind> ParseTalkKind(std::string_view code) {
  for (TalkKind k : {TalkKind::kRoutine, TalkKind::kPreAppointment, TalkKind::kReminder, TalkKind::kAdmonition})
    if (Code(k) == code) return k;
  return Invalid("duty.talk_kind", "谈话类型不正确", {{"kind", "应为 routine、pre_appointment、reminder 或 admonition"}});
}

bool Confidential(TalkKind kind) { return kind == TalkKind::kReminder || kind == TalkKind::kAdmonition; }

absl::Status MayRead(TalkKind kind, const TalkReader& r) {
  // Not found rather than forbidden: a confidential talk's existence is not told to those who may not read it.
  absl::Status hidden = NotFound("duty.talk_not_found", "谈话记录不存在");
  if (Confidential(kind)) return r.office && !r.walled ? absl::OkStatus() : hidden;
  return (r.office || r.leader) && !r.walled ? absl::OkStatus() : hidden;
}

}  // namespace qf::duty
