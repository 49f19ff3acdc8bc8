// The demo's fee declarations for the autumn term of 2026 (收费公示): the city's urban schools publish their charges in
// early September — lunch, after-school care, exercise books, uniforms, one supplementary book per subject at its
// list price — with a realistic handful that the rules flag: after-school care above its cap, insurance made
// compulsory, two books for one subject, a book sold above its list price, and a charge not on the approved list.
// The autumn's fee complaints about a school that name a charge it did not declare flag it too.
#include <random>

#include "common/status.h"
#include "demo/demo.h"
#include "fees/fees.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::demo {
namespace {

fees::Charge Charge(std::string kind, std::string item, double amount, std::string basis, std::string subject = "") {
  fees::Charge c;
  c.kind = std::move(kind);
  c.item = std::move(item);
  c.amount = amount;
  c.basis = std::move(basis);
  c.subject = std::move(subject);
  return c;
}

}  // namespace

absl::Status PlanFees(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who, Schedule& schedule,
                      uint32_t seed) {
  AppContext& app = rt.app();
  QF_ASSIGN_OR_RETURN(fees::Policy loaded, fees::Policy::Load(app.data_dir));
  auto policy = std::make_shared<const fees::Policy>(std::move(loaded));
  const Principal sup = who.at("supervisor");
  const Principal yh = who.at("principal_yh001");
  QF_ASSIGN_OR_RETURN(Db * db, app.readers->Get());
  QF_ASSIGN_OR_RETURN(auto units, org::ListUnits(*db, {.kind = "school", .limit = 5000}));
  std::vector<org::Unit> schools;
  for (auto& u : units)
    if (u.region_type == "urban" && (u.stage == "小学" || u.stage == "初中" || u.stage == "九年一贯制")) schools.push_back(u);
  if (schools.size() < 25) return absl::InternalError("演示城市缺少城区中小学");
  std::mt19937 rng(seed ^ 0xfee5u);
  const fees::Term term{2026, true};
  const std::string approved = "合肥市发展改革委 市教育局核准（2026）";
  for (size_t i = 0; i < schools.size(); ++i) {
    const org::Unit& s = schools[i];
    std::vector<fees::Charge> charges = {
        Charge("service", "午餐费", 700 + 20 * static_cast<int>(rng() % 10), approved),
        Charge("service", "课后服务费", 400 + 50 * static_cast<int>(rng() % 5), approved),
        Charge("collected", "作业本费", 30 + 5 * static_cast<int>(rng() % 6), "据实结算"),
        Charge("collected", "校服费", 220 + 10 * static_cast<int>(rng() % 8), "家长自愿订购")};
    for (const char* subject : {"数学", "英语"}) {
      fees::Charge book = Charge("materials", "教辅材料费", 18 + static_cast<int>(rng() % 15), "省教辅材料评议推荐目录", subject);
      book.list_price = book.amount;
      charges.push_back(book);
    }
    // The flagged few.
    if (i == 3) charges[1].amount = 780;
    if (i == 7) charges.push_back(Charge("collected", "学生意外伤害保险费", 80, "统一投保")), charges.back().voluntary = false;
    if (i == 11) {
      fees::Charge second = charges[4];
      second.amount = 22;
      second.list_price = 22;
      charges.push_back(second);
    }
    if (i == 15) charges[5].amount = *charges[5].list_price + 8;
    if (i == 19) charges.push_back(Charge("service", "空调使用费", 60, "家委会决定"));
    fees::Declaration d{s.id, term, std::move(charges)};
    Principal by = s.code == "YH001" ? yh : sup;  // 瑶海区实验中学 publishes its own; the office enters the others
    absl::Time at = At(9, 1 + static_cast<int>(i % 10), 10) + absl::Minutes(static_cast<int>(i));
    schedule.emplace(at, [&rt, &clock, at, by, policy, d]() {
      return Do(rt, clock, at, by, [&](Tx& tx) { return fees::Declare(tx, *policy, d, by); });
    });
  }
  return absl::OkStatus();
}

}  // namespace qf::demo
