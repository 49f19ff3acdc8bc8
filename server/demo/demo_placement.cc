// The demo's migrant children's places (随迁子女): the seed's 100 designated schools (83 urban, 17 in the
// counties: the org's designated schools, each linked to its unit) with approved seats and 43,000 eligible applications from a generated city, a few families applying
// through the portal's command (one with an item sent back at review), and one placement run requested with a
// witness, drawn by the witness and published: every eligible child placed (两个百分之百).
#include "common/status.h"
#include "org/org.h"
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
  // The designated schools are the org's (the seed's 100: 83 urban, 17 in the counties), each linked to its unit.
  placement::CityOptions options{.schools = 100, .children = 43000, .seat_ratio = 1.05, .seed = seed, .county_schools = 17};
  std::map<std::string, int64_t> unit_of_name;
  QF_RETURN_IF_ERROR(run(Actor::Account(sup.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
    QF_ASSIGN_OR_RETURN(auto units, org::ListUnits(tx.db(), {.kind = "school", .limit = 100000}));
    for (const org::Unit& u : units) {
      if (!u.migrant_designated) continue;
      std::vector<int> grades;
      if (u.stage == "小学" || u.stage == "九年一贯制") grades.push_back(1);
      if (u.stage == "初中" || u.stage == "九年一贯制") grades.push_back(7);
      if (grades.empty()) continue;
      options.given.push_back({u.name, u.district, grades});
      unit_of_name[u.district + "/" + u.name] = u.id;
    }
    return json::object();
  }).status());
  placement::GeneratedCity city = placement::GenerateCity(options);
  std::map<std::string, int64_t> units;
  for (const placement::School& s : city.in.schools)
    if (auto u = unit_of_name.find(s.district + "/" + s.name); u != unit_of_name.end()) units[s.code] = u->second;
  QF_RETURN_IF_ERROR(run(Actor::Account(sup.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
                       QF_RETURN_IF_ERROR(placement::SeedDemo(tx, env, city, sup.account_id, units));
                       return json::object();
                     }).status());
  // Families applying through the portal's parsing and command, reviewed on site by the district bureau: two pass
  // every item (and are in the run), two have an item sent back, two wait for review.
  const Principal& reviewer = who.at("handler_yh");
  const char* kFamilies[][3] = {{"刘小雨", "刘建国", "13905510001"}, {"陈思远", "陈海燕", "13905510002"},
                                {"王子涵", "王军", "13905510003"},   {"赵一诺", "赵磊", "13905510004"},
                                {"孙浩然", "孙丽", "13905510005"},   {"周雨桐", "周志强", "13905510006"}};
  std::string first_code, last_code;
  for (int k = 0; k < 6; ++k) {
    json::object body{{"child_name", kFamilies[k][0]}, {"guardian_name", kFamilies[k][1]},
                      {"guardian_phone", kFamilies[k][2]}, {"district", "瑶海区"}, {"compound_id", 1 + k},
                      {"grade", k == 2 ? 7 : 1}, {"residence_since", "2025-03-01"}, {"work_proof", "labour_contract"},
                      {"housing", k == 0 ? "own_home" : "filed_tenancy"}, {"tenancy_months", 40}, {"insurance_months", 38},
                      {"choices", json::array()}};
    auto r = placement::ParseApplication(*env.policy, body);
    if (!r.ok()) return r.status();
    auto applied = run(Actor::Public(), [&](Tx& tx) { return placement::Apply(tx, env, *r); });
    if (!applied.ok()) return applied.status();
    if (k == 0) first_code = std::string(applied->at("code").as_string());
    if (k == 5) last_code = std::string(applied->at("code").as_string());
    if (k == 2 || k == 3) continue;
    QF_ASSIGN_OR_RETURN(auto list, run(Actor::Account(reviewer.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
                          return placement::Applications(tx.db(), env, "", "submitted", reviewer);
                        }));
    int64_t app_id = 0;
    for (const auto& a : list.at("items").as_array())
      if (a.at("ref") == applied->at("ref")) app_id = a.at("id").as_int64();
    for (const auto& item : env.policy->ItemsFor(r->grade)) {
      placement::ReviewRequest rr{item.code, "ok", "", std::nullopt};
      if (k == 1 && item.code == "hukou") rr = {item.code, "returned", "户口簿缺少儿童本人页", absl::CivilDay(2026, 12, 20)};
      if (k == 4 && item.code == "insurance") rr = {item.code, "returned", "社保缴费证明未加盖经办机构印章", absl::CivilDay(2026, 12, 25)};
      QF_RETURN_IF_ERROR(run(Actor::Account(reviewer.account_id), [&](Tx& tx) {
                           return placement::Review(tx, env, app_id, rr, reviewer);
                         }).status());
    }
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
  // An appeal: the first family objects (a case for the district), and the district's decision moves the child to a
  // school nearer the grandparents who care for it after school — an exception the verifier shows with its reason.
  QF_RETURN_IF_ERROR(run(Actor::Public(), [&](Tx& tx) {
                       return placement::Object(tx, env, first_code, "孩子放学后由祖父母接送，祖父母家离所安排学校较远，请求调整。");
                     }).status());
  // A second appeal, not yet decided: the district sees it among its objections.
  QF_RETURN_IF_ERROR(run(Actor::Public(), [&](Tx& tx) {
                       return placement::Object(tx, env, last_code, "所安排学校离家超过五公里，孩子年幼，请求安排到就近学校。");
                     }).status());
  QF_ASSIGN_OR_RETURN(auto followed, run(Actor::Public(), [&](Tx& tx) { return placement::Follow(tx.db(), env, first_code); }));
  // The second school of 瑶海区 that takes grade 1.
  std::string nearer_grandparents;
  for (const placement::School& s : city.in.schools)
    if (s.district == "瑶海区" && s.seats.contains(1) && !s.seats.contains(7)) {
      bool second = !nearer_grandparents.empty();
      nearer_grandparents = s.code;
      if (second) break;
    }
  QF_RETURN_IF_ERROR(run(Actor::Account(reviewer.account_id), [&](Tx& tx) {
                       return placement::Decide(tx, env, id, std::string(followed.at("ref").as_string()),
                                                nearer_grandparents,
                                                "瑶海区教体局复议决定（2026）1号：隔代照料，调整到祖父母住所附近学校，增加学位一个", reviewer);
                     }).status());
  const auto& s = drawn.at("summary").as_object();
  spdlog::info("demo: placement of migrant children: {} eligible, {} placed ({} at a family's own choice)",
               s.at("eligible").to_number<int64_t>(), s.at("placed").to_number<int64_t>(),
               s.at("chosen").to_number<int64_t>());
  return absl::OkStatus();
}

}  // namespace qf::demo
