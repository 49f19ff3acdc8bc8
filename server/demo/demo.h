// Builds the demo database: a fictional city shaped like the seed (urban districts, three counties, development
// zones, ~600 schools, 63 urban junior-high schools, 100 designated schools for migrant children) and a first
// half-year of 2026 whose items by channel match the seed exactly, each case taken through its lifecycle with
// server-side timestamps from a manual clock. Deterministic for a given seed. Not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <boost/json.hpp>

#include "absl/status/status.h"
#include "runtime/runtime.h"
#include "common/clock.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "draws/draws.h"

namespace qf::demo {

struct DemoAccounts {
  static constexpr const char* kPassword = "Qingfeng#2026";
  // Every demo account is enrolled with this TOTP secret (base32 OFUW4Z3GMVXGOLLEMVWW6LLUN52HAIJB) so that
  // the demo and its tests can sign in; real accounts enrol their own at first sign-in.
  static constexpr const char* kTotpSecret = "qingfeng-demo-totp!!";
};

// Adds the `demo` subcommand (build the demo database) to the binary's.
void RegisterCommands(Modules& m);

// Fills an empty database through `rt`'s writer; `clock` is the writer's clock and is moved through time.
absl::Status Build(Runtime& rt, ManualClock& clock, uint32_t seed = 2026);

// An instant of the demo's year 2026 in China Standard Time.
inline absl::Time At(int month, int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, minute, 0), Cst());
}

// Runs `f` (a command answering a JSON object) as `who` (the system when no account) with the clock set to `t`.
template <typename F>
absl::Status Do(Runtime& rt, ManualClock& clock, absl::Time t, const Principal& who, F f) {
  clock.Set(t);
  return rt.writer()
      .Run(who.account_id ? Actor::Account(who.account_id) : Actor::System(),
           [&](Tx& tx) -> absl::StatusOr<boost::json::value> {
             QF_ASSIGN_OR_RETURN(auto o, f(tx));
             return boost::json::value(std::move(o));
           })
      .status();
}

// Steps in time order (equal times keep their order); a step may schedule later ones.
using Schedule = std::multimap<absl::Time, std::function<absl::Status()>>;

// The spring fee inspection (demo_inspect.cc): schedules its steps from February to April 2026 — plan, committed
// frame, witnessed sample, checklists, findings, orders, answers, re-checks, refunds, sanctions, the Q1 bulletin.
absl::Status PlanInspection(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                            Schedule& schedule, uint32_t seed);

// A one-pixel PNG: the demo's evidence photo (rectification answers).
const std::string& EvidencePhoto();

// Admission checks (demo_admissions.cc): the autumn's rosters of the city's high schools and urban junior-high
// schools uploaded in September with a realistic handful of violations, the office's orders and referral in October,
// one order rectified and one roster corrected in November.
absl::Status PlanAdmissions(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                            Schedule& schedule, uint32_t seed);

// Exam supervision (demo_exams.cc): the 2026 中考's marking, transcription and score-check sessions with their
// supervisors, and six candidates' score checks in early July (one corrected).
absl::Status PlanExams(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who, Schedule& schedule);

// Fee declarations (demo_fees.cc): the urban schools' charges for the autumn term of 2026, published in early
// September, five of them flagged by the rules.
absl::Status PlanFees(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who, Schedule& schedule,
                      uint32_t seed);

// Livelihood projects (demo_projects.cc): the four education projects of 2026 with targets for the ten districts and
// each district's monthly reports to November, one county behind on school renovation; their sites and the seed's
// mid-term inspection in June (20 people in 6 groups; `password_hash` for the district staff who join it); the canteen
// complaints linked to the nutrition project.
absl::Status PlanProjects(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                          Schedule& schedule, uint32_t seed, const std::string& password_hash);

// The first half's notices and draws (demo_draws.cc; the seed's section 三): the expert and supervisor pools entered
// in February, the 教师资格认定 experts drawn in March, the PE test's 48 supervisors over four sites in April, the lab
// exam's 12 in May, the 2026 中考 政策加分 list published for 3 days in June and made final.
absl::Status PlanNoticesAndDraws(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                                 Schedule& schedule, uint32_t seed);

// The notices and draws part, run by Build after the cases (demo_draws.cc); `who` maps demo usernames to principals.
// The demo enters pool members, draw requests and assignments as the console would send them: a request body,
// parsed at the edge like any other, then the typed command.
absl::StatusOr<boost::json::object> SaveMemberJson(Tx& tx, draws::Pool pool, const boost::json::object& body);
absl::StatusOr<boost::json::object> RequestDrawJson(Tx& tx, const draws::DrawEnv& env, const boost::json::object& body,
                                                    const Principal& who);
absl::StatusOr<boost::json::object> MakeAssignmentJson(Tx& tx, const boost::json::object& body);

// The responsibility system (demo_duty.cc): schedules the 2026 plan and its progress, the heads' accounts, the
// letters and their signatures, and the talks, January to June. `password_hash` is the demo accounts' password.
absl::Status PlanDuty(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who, Schedule& schedule,
                      uint32_t seed, const std::string& password_hash);

absl::Status BuildNoticesAndDraws(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                                  uint32_t seed);

// The migrant children's places (demo_placement.cc): designated schools, applications, one published run.
absl::Status BuildPlacement(Runtime& rt, const std::map<std::string, Principal>& who, uint32_t seed);

}  // namespace qf::demo
