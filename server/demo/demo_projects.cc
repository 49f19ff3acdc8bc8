// The demo's livelihood projects for 2026 (民生工程, the seed's four education projects): created in January with
// targets for the ten districts, and each district's cumulative monthly report from February to the end of November
// — most keeping pace with 序时进度, 肥西县 falling behind on school building renovation from the spring.
#include <random>

#include "common/status.h"
#include "common/timefmt.h"
#include "demo/demo.h"
#include "fmt/format.h"
#include "org/org.h"
#include "projects/projects.h"

namespace qf::demo {
namespace {

namespace json = boost::json;

struct Demo {
  const char* name;
  const char* measure;
  const char* division;  // the responsible division's code
  const char* person;
  double quantity, funds;  // per district, before its size factor
};
constexpr Demo kProjects[] = {
    {"义务教育经费保障机制", "万人", "JYJ-finance", "计财处 王芳", 4.0, 9000},
    {"家庭经济困难学生资助", "人", "JYJ-finance", "计财处 王芳", 2600, 780},
    {"中小学校舍改造", "平方米", "JYJ-basic_ed", "基教处 李强", 12000, 3600},
    {"农村义务教育学生营养改善计划", "人", "JYJ-basic_ed", "基教处 李强", 5200, 1040},
};

}  // namespace

absl::Status PlanProjects(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                          Schedule& schedule, uint32_t seed) {
  AppContext& app = rt.app();
  QF_ASSIGN_OR_RETURN(projects::Policy policy, projects::Policy::Load(app.data_dir + "/projects/policy.toml"));
  QF_ASSIGN_OR_RETURN(Db * db, app.readers->Get());
  QF_ASSIGN_OR_RETURN(auto bureaus, org::ListUnits(*db, {.kind = "district_bureau", .limit = 100}));
  if (bureaus.size() < 4) return absl::InternalError("演示城市缺少县区教育主管部门");
  const Principal sup = who.at("supervisor");
  std::mt19937 rng(seed ^ 0x9e0ec7u);
  auto ids = std::make_shared<std::vector<int64_t>>();
  for (const Demo& d : kProjects) {
    json::object body{{"year", 2026}, {"name", d.name}, {"measure", d.measure}, {"person", d.person}};
    QF_ASSIGN_OR_RETURN(int64_t division, org::UnitIdByCode(*db, d.division));
    body["unit_id"] = division;
    json::array targets;
    for (const auto& b : bureaus) {
      double size = b.region_type == "county" ? 1.4 : b.region_type == "zone" ? 0.5 : 1.0;
      targets.push_back(json::object{{"unit_id", b.id}, {"quantity", std::round(d.quantity * size * 10) / 10},
                                     {"funds", std::round(d.funds * size)}});
    }
    body["targets"] = targets;
    QF_ASSIGN_OR_RETURN(projects::ProjectRequest req, projects::ParseProject(body, policy));
    absl::Time at = At(1, 15, 10);
    schedule.emplace(at, [&rt, &clock, at, sup, req, ids]() {
      return Do(rt, clock, at, sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
        QF_ASSIGN_OR_RETURN(auto o, projects::CreateProject(tx, req, sup));
        ids->push_back(o.at("id").as_int64());
        return o;
      });
    });
  }
  // Each district's pace: most near 序时进度, a few ahead; 肥西县 behind on the renovation from the spring.
  for (const auto& b : bureaus) {
    double pace = 0.95 + static_cast<double>(rng() % 20) / 100;
    Principal staff = sup;
    staff.roles = kHandler;
    staff.unit_id = b.id;
    for (int p = 0; p < static_cast<int>(std::size(kProjects)); ++p) {
      const Demo& d = kProjects[p];
      double size = b.region_type == "county" ? 1.4 : b.region_type == "zone" ? 0.5 : 1.0;
      double quantity = std::round(d.quantity * size * 10) / 10, funds = std::round(d.funds * size);
      bool lagging = b.district == "肥西县" && p == 2;
      for (int m = 1; m <= 11; ++m) {
        absl::CivilMonth month(2026, m);
        double share = projects::ScheduleShare(month);
        double done = std::min(1.0, lagging ? (m <= 3 ? share * 0.9 : share * 0.55 + 0.1) : share * pace);
        // Funds arrive ahead of the works: all in place by 30 June (Hefei's rule), half of it by the end of March.
        double in_place = std::min(1.0, lagging ? share * 0.7 : (m >= 6 ? 1.0 : m * 0.18 + 0.1));
        double spent = std::min(in_place, done * 0.95);
        absl::Time at = m < 11 ? At(m + 1, 5, 10) + absl::Minutes(static_cast<int>(b.id % 50))
                               : At(11, 30, 16) + absl::Minutes(static_cast<int>(b.id % 50));
        projects::ReportRequest r{b.id, month,
                                  {std::round(quantity * done * 10) / 10, std::round(funds * in_place),
                                   std::round(funds * spent)},
                                  lagging && m >= 4 ? "施工单位进场延误，正在协调" : ""};
        schedule.emplace(at, [&rt, &clock, at, staff, r, ids, p]() {
          return Do(rt, clock, at, staff, [&](Tx& tx) { return projects::ReportProgress(tx, ids->at(p), r, staff); });
        });
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace qf::demo
