// The demo's migrant children's places (随迁子女): the seed's 100 designated schools (83 urban, 17 in the three
// counties) with approved seats and 43,000 eligible applications from a generated city, a few families applying
// through the portal's command (one with an item sent back at review), and one placement run requested with a
// witness, drawn by the witness and published: every eligible child placed (两个百分之百).
#include "common/status.h"
#include "demo/demo.h"
#include "fmt/format.h"
#include "placement/placement.h"
#include "spdlog/spdlog.h"

namespace qf::demo {

namespace json = boost::json;

absl::Status BuildPlacement(Runtime& rt, const std::map<std::string, Principal>& who, uint32_t seed) {
  AppContext& app = rt.app();
  auto policy = placement::Policy::Load(app.data_dir + "/placement/policy.toml");
  if (!policy.ok()) return policy.status();
  placement::PlacementEnv env{std::make_shared<const placement::Policy>(std::move(*policy)), app.vault,
                              cases::CaseEnv{app.calendar, app.policies, app.vault}};
  placement::GeneratedCity city =
      placement::GenerateCity({.schools = 100, .children = 43000, .seat_ratio = 1.05, .seed = seed, .county_schools = 17});
  Writer& w = rt.writer();
  const Principal& sup = who.at("supervisor");
  const Principal& leader = who.at("leader");
  auto run = [&](const Actor& actor, std::function<absl::StatusOr<json::object>(Tx&)> f) -> absl::StatusOr<json::object> {
    auto r = w.Run(actor, [&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(auto o, f(tx));
      return o;
    });
    if (!r.ok()) return r.status();
    return r->as_object();
  };
  QF_RETURN_IF_ERROR(run(Actor::Account(sup.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
                       QF_RETURN_IF_ERROR(placement::SeedDemo(tx, env, city, sup.account_id));
                       return json::object();
                     }).status());
  // Families applying now, through the same parsing and command as the portal: reviewed on site later.
  const char* kFamilies[][3] = {{"刘小雨", "刘建国", "13905510001"}, {"陈思远", "陈海燕", "13905510002"},
                                {"王子涵", "王军", "13905510003"}};
  for (int k = 0; k < 3; ++k) {
    json::object body{{"child_name", kFamilies[k][0]}, {"guardian_name", kFamilies[k][1]},
                      {"guardian_phone", kFamilies[k][2]}, {"district", "瑶海区"}, {"compound_id", 1 + k},
                      {"grade", k == 2 ? 7 : 1}, {"residence_since", "2025-03-01"}, {"work_proof", "labour_contract"},
                      {"housing", k == 0 ? "own_home" : "filed_tenancy"}, {"tenancy_months", 40}, {"insurance_months", 38},
                      {"choices", json::array()}};
    auto r = placement::ParseApplication(*env.policy, body);
    if (!r.ok()) return r.status();
    auto applied = run(Actor::Public(), [&](Tx& tx) { return placement::Apply(tx, env, *r); });
    if (!applied.ok()) return applied.status();
  }
  // The run: the secret committed at the request, the leader witnesses and draws, the office publishes.
  QF_ASSIGN_OR_RETURN(auto requested, run(Actor::Account(sup.account_id), [&](Tx& tx) {
                        return placement::RequestRun(tx, env, leader.account_id, sup);
                      }));
  int64_t id = requested.at("id").as_int64();
  QF_ASSIGN_OR_RETURN(auto drawn, run(Actor::Account(leader.account_id), [&](Tx& tx) {
                        return placement::DrawRun(tx, env, id, fmt::format("见证 {}", seed), leader);
                      }));
  QF_RETURN_IF_ERROR(run(Actor::Account(sup.account_id), [&](Tx& tx) { return placement::PublishRun(tx, env, id, sup); })
                         .status());
  const auto& s = drawn.at("summary").as_object();
  spdlog::info("demo: placement of migrant children: {} eligible, {} placed ({} at a family's own choice)",
               s.at("eligible").to_number<int64_t>(), s.at("placed").to_number<int64_t>(),
               s.at("chosen").to_number<int64_t>());
  return absl::OkStatus();
}

}  // namespace qf::demo
