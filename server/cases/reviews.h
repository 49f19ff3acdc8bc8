// Review (复查) and re-review (复核) of a reply, as 信访工作条例 第三十五、三十六条 set them: each asked once, within
// 30 days of the reply (or of the review opinion), and answered by the level above — above the unit that
// replied for a review, above the reviewing body for a re-review. A division replies for its bureau; above the
// bureau the answering body is outside this system (the city government's petition office, then the
// province's), and the request is forwarded to it and recorded with the date. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "cases/policy.h"
#include "org/org.h"

namespace qf::cases {

enum class ReviewKind { kReview, kRereview };
std::string_view ReviewKindName(ReviewKind k);  // "review" | "rereview"

// The body that answers: a unit of this system, or one outside it named by policy.
struct ReviewBody {
  int64_t unit_id = 0;        // when inside
  std::string external_body;  // when outside
  std::string name;           // for messages
  bool external() const { return unit_id == 0; }
};

// The body a unit belongs to and speaks for: the unit itself, or for a division the unit it belongs to
// (`ancestry` nearest first); 0 when unknown.
int64_t BodyOf(const std::vector<org::Unit>& ancestry);

// The level above a unit that answered: `ancestry` is the unit and the units above it, nearest first. A
// division speaks for the body it belongs to; the level above is the nearest bureau or district bureau above
// that; above the top of the tree is `outside`.
ReviewBody LevelAbove(const std::vector<org::Unit>& ancestry, const std::string& outside);

// Who answers a review of a reply given by the unit whose ancestry is `replying`; who answers a re-review after
// a review answered by `reviewed` (its ancestry when it was a unit here, or empty when it was outside).
ReviewBody ReviewAnswerer(const std::vector<org::Unit>& replying, const ReviewPolicy& policy);
ReviewBody RereviewAnswerer(const ReviewBody& reviewed, const std::vector<org::Unit>& reviewed_ancestry,
                            const ReviewPolicy& policy);

// What the request check needs of the case: the window's due day and whether it is still open (a window
// used or cancelled is closed), and whether a request of this kind was made before.
struct ReviewWindow {
  bool exists = false;
  bool open = false;
  absl::CivilDay due;
};
// OK if the reporter may ask for `kind` today; otherwise FailedPrecondition (409) with a stable code:
// case.review_already_requested / case.rereview_already_requested (asked before), case.no_window (nothing to
// review yet), case.window_closed (the 30 days are over).
absl::Status MayRequest(ReviewKind kind, const ReviewWindow& window, bool asked_before, absl::CivilDay today);

}  // namespace qf::cases
