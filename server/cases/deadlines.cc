#include "cases/deadlines.h"

#include "common/strings.h"
#include "fmt/format.h"

namespace qf::cases {

const std::vector<DeadlineKindInfo>& DeadlineKinds() {
  using K = DeadlineKind;
  static const std::vector<DeadlineKindInfo> kKinds = {
      {K::kAcceptance, "acceptance", "告知是否受理", Watch::kOverall, true},
      {K::kObjection, "objection", "转办异议期", Watch::kNone, false},
      {K::kSign, "sign", "签收", Watch::kStep, false},
      {K::kHandling, "handling", "办结", Watch::kOverall, true},
      {K::kRedo, "redo", "重办", Watch::kOverall, true},
      {K::kResultNotice, "result_notice", "告知处理结果", Watch::kOverall, true},
      {K::kReviewWindow, "review_window", "申请复查期", Watch::kNone, true},
      {K::kReviewAnswer, "review_answer", "复查答复", Watch::kOverall, true},
      {K::kReviewForwarded, "review_forwarded", "复查（已转送上级机关）", Watch::kNone, true},
      {K::kRereviewWindow, "rereview_window", "申请复核期", Watch::kNone, true},
      {K::kRereviewAnswer, "rereview_answer", "复核答复", Watch::kOverall, true},
      {K::kRereviewForwarded, "rereview_forwarded", "复核（已转送上级机关）", Watch::kNone, true},
      {K::kNoticeFinal, "notice_final", "公示异议答复", Watch::kOverall, true},
  };
  return kKinds;
}

const DeadlineKindInfo& InfoOf(DeadlineKind kind) {
  for (const auto& i : DeadlineKinds())
    if (i.kind == kind) return i;
  // Every DeadlineKind has a row in DeadlineKinds(); reaching here means a kind was added without one.
  std::abort();
}

std::optional<DeadlineKind> ParseDeadlineKind(std::string_view name) {
  for (const auto& i : DeadlineKinds())
    if (name == i.name) return i.kind;
  return std::nullopt;
}

std::string_view DeadlineKindName(DeadlineKind kind) { return InfoOf(kind).name; }

namespace {
std::string SqlList(bool (*keep)(const DeadlineKindInfo&)) {
  std::vector<std::string> names;
  for (const auto& i : DeadlineKinds())
    if (keep(i)) names.push_back(fmt::format("'{}'", i.name));
  return "(" + (names.empty() ? std::string("''") : Join(names, ",")) + ")";
}
}  // namespace

std::string SqlKinds(Watch watch) {
  static const std::string kStep = SqlList([](const DeadlineKindInfo& i) { return i.watch == Watch::kStep; });
  static const std::string kOverall = SqlList([](const DeadlineKindInfo& i) { return i.watch == Watch::kOverall; });
  static const std::string kNone = SqlList([](const DeadlineKindInfo& i) { return i.watch == Watch::kNone; });
  return watch == Watch::kStep ? kStep : watch == Watch::kOverall ? kOverall : kNone;
}

std::string SqlWatchedKinds() {
  static const std::string kWatched = SqlList([](const DeadlineKindInfo& i) { return i.watch != Watch::kNone; });
  return kWatched;
}

std::string_view StatusName(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kOpen: return "open";
    case DeadlineStatus::kMet: return "met";
    case DeadlineStatus::kMissed: return "missed";
    case DeadlineStatus::kCancelled: return "cancelled";
  }
  return "open";
}

std::optional<DeadlineStatus> ParseDeadlineStatus(std::string_view name) {
  for (auto s : {DeadlineStatus::kOpen, DeadlineStatus::kMet, DeadlineStatus::kMissed, DeadlineStatus::kCancelled})
    if (StatusName(s) == name) return s;
  return std::nullopt;
}

DeadlineResult ComputeDue(const Calendar& cal, absl::CivilDay start, const Term& term, int extension_days,
                          int suspended_days) {
  int extra = extension_days + suspended_days;
  if (term.unit == TermUnit::kCalendarDays) return cal.Add(start, Term{term.count + extra, TermUnit::kCalendarDays});
  DeadlineResult r = cal.Add(start, term);
  if (extra <= 0) return r;
  // The N-th working day moved by the extra calendar days, rolled forward off rest days.
  DeadlineResult moved = cal.Add(r.due, Term{extra, TermUnit::kCalendarDays});
  moved.provisional |= r.provisional;
  moved.calendar_version = cal.VersionFor(start, moved.due);
  return moved;
}

std::string_view ColourName(Colour c) {
  switch (c) {
    case Colour::kNone: return "none";
    case Colour::kGreen: return "green";
    case Colour::kYellow: return "yellow";
    case Colour::kRed: return "red";
  }
  return "none";
}

std::string_view CardName(CardKind c) { return c == CardKind::kRed ? "red" : "yellow"; }

Colour Worse(Colour a, Colour b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

Signal Assess(Watch watch, DeadlineStatus status, absl::CivilDay due, absl::CivilDay today, const Calendar& cal,
              const SupervisionPolicy& policy) {
  Signal s;
  s.working_days_left = cal.WorkingDaysBetween(today, due);
  if (watch == Watch::kNone) return s;
  if (status == DeadlineStatus::kMissed) {
    s.colour = watch == Watch::kStep ? Colour::kYellow : Colour::kRed;
    return s;
  }
  if (status != DeadlineStatus::kOpen) return s;
  if (watch == Watch::kStep) {
    // A step that runs late is a warning while the overall promise still holds.
    if (due < today) {
      s.colour = Colour::kYellow;
      s.card = CardKind::kYellow;
      s.rule = policy.step_rule;
    } else {
      s.colour = Colour::kGreen;
    }
    return s;
  }
  if (due < today) {
    s.colour = Colour::kRed;
    s.card = CardKind::kRed;
    s.rule = policy.red_rule;
  } else if (s.working_days_left <= policy.yellow_working_days) {
    s.colour = Colour::kYellow;
    s.card = CardKind::kYellow;
    s.rule = policy.yellow_rule;
  } else {
    s.colour = Colour::kGreen;
  }
  return s;
}

absl::CivilDay AlertHorizon(absl::CivilDay today, const Calendar& cal, const SupervisionPolicy& policy) {
  // An overall deadline is yellow while at most yellow_working_days working days away (steps only once past): the
  // horizon is the last day within that many working days of today, a run of days off after it included.
  absl::CivilDay day = today;
  for (int i = 0; i < 366 && cal.WorkingDaysBetween(today, day + 1) <= policy.yellow_working_days; ++i) day += 1;
  return day;
}

std::vector<const Escalation*> EscalationsDue(absl::CivilDay due, absl::CivilDay today, const Calendar& cal,
                                              const SupervisionPolicy& policy) {
  std::vector<const Escalation*> out;
  if (!(due < today)) return out;
  int overdue = cal.WorkingDaysBetween(due, today);
  for (const auto& e : policy.escalations)
    if (overdue >= e.overdue_working_days) out.push_back(&e);
  return out;
}

}  // namespace qf::cases
