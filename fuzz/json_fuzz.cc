// libFuzzer target: the JSON bodies of the write endpoints through every typed command parser (cases, org, sign-in,
// draws, duty, inspections, notices, projects, placement, reports). A parser may accept or refuse a body; a refusal
// must name at least one field, and no body may crash one. The policies a parser reads (deadlines, projects,
// placement) are the repository's own data files. tests/system/bodies_test.py sends the same kind of bodies over
// HTTP to every write route, including those whose handlers read their few fields inline.
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "auth/signin.h"
#include "cases/cases.h"
#include "cases/commands.h"
#include "cases/policy.h"
#include "common/json_input.h"
#include "common/status.h"
#include "draws/draws.h"
#include "duty/duty.h"
#include "inspect/inspect.h"
#include "notices/notices.h"
#include "org/org.h"
#include "placement/eligibility.h"
#include "placement/placement.h"
#include "placement/record.h"
#include "projects/projects.h"
#include "reports/narrative.h"

#ifndef QF_SOURCE_DIR
#define QF_SOURCE_DIR "."
#endif

namespace {

using Body = const boost::json::object&;

struct Fixtures {
  std::optional<qf::cases::Policies> policies;
  qf::projects::Policy projects;
  qf::placement::Policy placement;
  qf::Principal office;
  Fixtures() {
    auto p = qf::cases::Policies::Load(QF_SOURCE_DIR "/data/policies");
    if (p.ok()) policies = std::move(*p);
    auto pp = qf::projects::Policy::Load(QF_SOURCE_DIR "/data/projects/policy.toml");
    if (pp.ok()) projects = std::move(*pp);
    auto pl = qf::placement::Policy::Load(QF_SOURCE_DIR "/data/placement/policy.toml");
    if (pl.ok()) placement = std::move(*pl);
    office.account_id = 1;
    office.unit_id = 1;
    office.roles = qf::kSupervisor;
  }
};

// Runs `parse`; a refusal without a field is the bug this target looks for.
template <typename F>
void Check(F&& parse, Body body) {
  auto r = parse(body);
  if (!r.ok() && qf::FieldErrors(r.status()).empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixtures fx;
  auto obj = qf::ParseObject(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!obj.ok()) {
    if (qf::FieldErrors(obj.status()).empty()) __builtin_trap();
    return 0;
  }
  const auto& b = *obj;
  namespace c = qf::cases;
  Check([](Body x) { return c::ParseNewCase(x, false); }, b);
  Check([](Body x) { return c::ParseNewCase(x, true); }, b);
  Check(c::ParseTransition, b);
  if (fx.policies) Check([&](Body x) { return c::ParseOrder(x, *fx.policies); }, b);
  Check(qf::auth::ParseCredentials, b);
  Check(qf::auth::ParseSecondFactor, b);
  Check(qf::auth::ParseAccount, b);
  Check(qf::org::ParseUnit, b);
  Check(qf::org::ParsePerson, b);
  Check(qf::org::ParseRelation, b);
  Check(qf::org::ParseAlias, b);
  Check(qf::draws::ParseMember, b);
  Check([&](Body x) { return qf::draws::ParseDrawRequest(x, fx.office); }, b);
  Check(qf::draws::ParseAssignment, b);
  namespace d = qf::duty;
  Check(d::ParseReport, b);
  Check(d::ParseTalk, b);
  Check(d::ParseQuestion, b);
  Check(d::ParseExam, b);
  Check(d::ParseSession, b);
  Check(d::ParseCheckIn, b);
  Check(d::ParseSurvey, b);
  Check(d::ParseEvaluation, b);
  Check(d::ParseItemScore, b);
  Check(d::ParseDecision, b);
  namespace i = qf::inspect;
  Check([&](Body x) { return i::ParseCampaign(x, fx.office); }, b);
  Check(i::ParseFormSave, b);
  Check(i::ParseRectificationAnswer, b);
  Check(i::ParseRectificationCheck, b);
  Check(i::ParseSanction, b);
  Check(i::ParseRefund, b);
  Check(qf::notices::ParseObjection, b);
  Check(qf::notices::ParseCorrection, b);
  Check([&](Body x) { return qf::projects::ParseProject(x, fx.projects); }, b);
  Check(qf::projects::ParseReport, b);
  Check([&](Body x) { return qf::placement::ParseApplication(fx.placement, x); }, b);
  Check([&](Body x) { return qf::placement::ParseReview(fx.placement, x); }, b);
  Check(qf::placement::ParseRecord, b);
  Check(qf::reports::ParseNarrative, b);
  return 0;
}
