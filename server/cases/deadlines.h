// The deadlines of a case as one table — each kind with its label, who is held to it and how it is
// supervised — and the pure rules over them: the due day (term, extension and suspension, on the calendar),
// the colour and card a deadline shows today, and the escalation documents an overdue one allows. Every
// caller (case views, lists, the sweep, rectifications, later domains) asks these; SQL lists of kinds are
// generated from the table. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "cases/policy.h"
#include "common/calendar.h"

namespace qf::cases {

enum class DeadlineKind {
  kAcceptance,         // 告知是否受理 (the bureau)
  kObjection,          // a transferred item's objection window (the receiving unit's right)
  kSign,               // 签收: a step after dispatch
  kHandling,           // 办结 from acceptance
  kRedo,               // 重办 after a reply rated 不满意
  kResultNotice,       // 告知处理结果 to a named discipline reporter
  kReviewWindow,       // the reporter may ask for 复查 (a right that lapses)
  kReviewAnswer,       // 复查 answered inside this system
  kReviewForwarded,    // 复查 forwarded to the body above the bureau
  kRereviewWindow,     // the reporter may ask for 复核
  kRereviewAnswer,     // 复核 answered inside this system
  kRereviewForwarded,  // 复核 forwarded above
  kNoticeFinal,        // an objection to a public notice, answered before the list becomes final
};

// How a deadline is watched.
enum class Watch {
  kNone,     // a right that lapses or another body's duty: shown, never carded
  kStep,     // a step of the handling: yellow when it runs late while the overall deadline holds
  kOverall,  // a duty of the bureau or its units: yellow when near, red when passed, then escalation
};

struct DeadlineKindInfo {
  DeadlineKind kind;
  const char* name;   // stored in case_deadlines.kind and used as the policy stage
  const char* label;  // 中文
  Watch watch;
  bool shown_to_public;
};

const std::vector<DeadlineKindInfo>& DeadlineKinds();
const DeadlineKindInfo& InfoOf(DeadlineKind kind);
std::optional<DeadlineKind> ParseDeadlineKind(std::string_view name);
std::string_view DeadlineKindName(DeadlineKind kind);
// "('acceptance','handling',…)": the kinds watched as `watch`, for SQL.
std::string SqlKinds(Watch watch);
// The watched kinds (step and overall), for SQL.
std::string SqlWatchedKinds();

enum class DeadlineStatus { kOpen, kMet, kMissed, kCancelled };
std::string_view StatusName(DeadlineStatus s);
std::optional<DeadlineStatus> ParseDeadlineStatus(std::string_view name);

// A deadline of a case as stored: the term from its start, the extension and suspension applied, the due day
// they give, the policy and clause that set it and the calendar version that counted it.
struct Deadline {
  DeadlineKind kind = DeadlineKind::kAcceptance;
  absl::CivilDay start, due;
  Term term;
  std::string policy_id, clause, calendar_version;
  bool provisional = false;
  DeadlineStatus status = DeadlineStatus::kOpen;
  std::string met_at;
  int extension_days = 0, suspended_days = 0;
};

// The due day of a term started on `start`, moved by an approved extension and by the days the clock stood
// still, counted as the law counts: the start day is not counted; a calendar-day term is start + N + extension
// + suspension, and a working-day term ends on its N-th working day, then moves by the extension and the
// suspension; either way a last day that is not a working day runs to the next working day (民法典 第二百零三条;
// 信访工作条例 第三十四条: an extension is added to the original term, not to a rolled-forward day).
DeadlineResult ComputeDue(const Calendar& cal, absl::CivilDay start, const Term& term, int extension_days = 0,
                          int suspended_days = 0);

enum class Colour { kNone, kGreen, kYellow, kRed };
std::string_view ColourName(Colour c);
enum class CardKind { kYellow, kRed };
std::string_view CardName(CardKind c);

// What a deadline shows today: its colour, the working days left (negative when overdue), and the card due
// for it now with the rule's text (at most one per deadline and due day, issued by the sweep).
struct Signal {
  Colour colour = Colour::kNone;
  int working_days_left = 0;
  std::optional<CardKind> card;
  std::string rule;
};
Signal Assess(Watch watch, DeadlineStatus status, absl::CivilDay due, absl::CivilDay today, const Calendar& cal,
              const SupervisionPolicy& policy);
// The worse of two colours (red > yellow > green > none).
Colour Worse(Colour a, Colour b);
// The last due day on which an open watched deadline can show yellow or red on `today` (Assess): every one due later
// is green. The open deadlines due by it are the ones worth colouring when counting cards (cases::MyAlerts).
absl::CivilDay AlertHorizon(absl::CivilDay today, const Calendar& cal, const SupervisionPolicy& policy);

// The escalation documents an overall deadline allows today (working days overdue at or past each rung).
std::vector<const Escalation*> EscalationsDue(absl::CivilDay due, absl::CivilDay today, const Calendar& cal,
                                              const SupervisionPolicy& policy);

}  // namespace qf::cases
