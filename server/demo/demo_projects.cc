// The demo's livelihood projects for 2026 (民生工程, the seed's four education projects): created in January with
// targets for the ten districts, and each district's cumulative monthly report from February to the end of November
// — most keeping pace with 序时进度, 肥西县 falling behind on school building renovation from the spring, its reports
// with photos. In June the districts register the projects' sites and the seed's mid-term inspection (中期督查, 28–30
// June) sends 20 people of the bureau and the district bureaus in 6 groups to every site; the 肥西县 renovation site is
// ordered to catch up. In July the canteen complaints are linked to the nutrition project.
#include <random>
#include <set>

#include "auth/auth_store.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "demo/demo.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
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

// The district's staff acting for it (reports, sites).
Principal DistrictStaff(const Principal& base, int64_t district_unit_id) {
  Principal p = base;
  p.roles = kHandler;
  p.unit_id = district_unit_id;
  return p;
}

json::array MidTermChecklist() {
  auto item = [](const char* key, const char* label, const char* basis, const char* answer, const char* topic = nullptr) {
    json::object o{{"key", key}, {"label", label}, {"basis", basis}, {"answer", answer}, {"term", "20wd"}};
    if (topic) o["topic"] = topic;
    return o;
  };
  return json::array{
      item("funds", "项目资金是否按时足额到位、专款专用", "安徽省民生工程资金管理办法", "yesno", "资金到位"),
      item("pace", "实际进度是否达到序时进度", "民生工程考核办法（序时进度）", "yesno", "进度滞后"),
      item("ledger", "项目台账、受益对象名册是否完整", "民生工程档案管理要求", "yesno", "台账不全"),
      item("public", "是否在项目点公示项目内容、资金和监督电话", "民生工程公示制度", "yesno", "未公示"),
      item("photo", "现场照片", "督查取证要求", "evidence"),
      item("notes", "督查情况说明", "督查记录要求", "text"),
  };
}

// The seed's mid-term inspection and the sites it visits: sites in June, eight district staff added to the inspector
// register, the plan (20 people, 6 groups), the witnessed draw, the checklists, the 肥西县 order and its answer.
void PlanMidTermInspection(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                           Schedule& schedule, std::shared_ptr<std::vector<int64_t>> ids,
                           const std::vector<org::Unit>& bureaus, const std::string& password_hash) {
  const Principal sup = who.at("supervisor"), leader = who.at("leader");
  struct Shared {
    int64_t campaign = 0;
    std::map<int64_t, Principal> inspectors;  // person → principal
  };
  auto st = std::make_shared<Shared>();
  for (auto& [user, p] : who)
    if (p.Has(kInspector)) st->inspectors[p.person_id] = p;
  AppContext& app = rt.app();
  inspect::InspectEnv env{app.calendar, app.vault, app.policies, app.data_dir};
  Runtime* r = &rt;
  ManualClock* c = &clock;
  Schedule* sched = &schedule;

  // Sites: for each project four districts register theirs — schools for the funding, renovation and nutrition
  // projects (the canteens complained about first), the district's student-aid centre for 资助.
  schedule.emplace(At(6, 8, 10), [=]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    QF_ASSIGN_OR_RETURN(auto canteens, db->Prepare(
        "SELECT DISTINCT concerned_unit_id FROM cases WHERE title = '食堂卫生问题' AND concerned_unit_id IS NOT NULL "
        "ORDER BY concerned_unit_id"));
    QF_ASSIGN_OR_RETURN(auto canteen_ids, canteens.Ints());
    for (size_t p = 0; p < ids->size(); ++p) {
      std::set<int64_t> used;
      for (size_t k = 0; k < 4; ++k) {
        // 肥西县 is among the renovation's sites (it lags); the rest rotate through the districts.
        const org::Unit& district = p == 2 && k == 0
            ? *std::find_if(bureaus.begin(), bureaus.end(), [](auto& b) { return b.district == "肥西县"; })
            : bureaus[(p * 3 + k * 2 + 1) % bureaus.size()];
        if (!used.insert(district.id).second) continue;
        json::object body{{"district_unit_id", district.id}};
        if (p == 1) {
          body["name"] = district.district + "学生资助管理中心";
          body["address"] = district.district + "教育体育局一楼资助服务窗口";
          body["works"] = "受理家庭经济困难学生资助申请、审核与发放";
        } else {
          int64_t school = 0;
          if (p == 3)
            for (int64_t u : canteen_ids) {
              QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(*db, u, district.id));
              if (within) { school = u; break; }
            }
          if (!school) {
            QF_ASSIGN_OR_RETURN(auto schools, org::ListUnits(*db, {.kind = "school", .district = district.district, .limit = 5}));
            for (auto& u : schools)
              if (u.parent_id == district.id) { school = u.id; break; }
          }
          if (!school) continue;
          body["school_id"] = school;
          body["works"] = p == 0 ? "公用经费拨付与使用" : p == 2 ? "教学楼加固改造" : "学生食堂供餐";
        }
        QF_ASSIGN_OR_RETURN(projects::SiteRequest req, projects::ParseSite(body));
        Principal staff = DistrictStaff(sup, district.id);
        QF_RETURN_IF_ERROR(Do(*r, *c, At(6, 8, 10) + absl::Minutes(static_cast<int>(p * 10 + k)), staff,
                              [&](Tx& tx) { return projects::AddSite(tx, ids->at(p), req, staff); }));
      }
    }
    return absl::OkStatus();
  });

  // The bureau's twelve inspectors are joined by eight staff of the district bureaus (局机关和县区教育主管部门共20人).
  schedule.emplace(At(6, 18, 10), [=]() -> absl::Status {
    return Do(*r, *c, At(6, 18, 10), Principal{}, [&](Tx& tx) -> absl::StatusOr<json::object> {
      const char* names[] = {"许文博", "郑丽华", "冯志刚", "韩雪梅", "曹宏伟", "彭晓燕", "蒋立新", "沈静怡"};
      for (int i = 0; i < 8; ++i) {
        const org::Unit& home = bureaus[i % bureaus.size()];
        std::string code = fmt::format("PJ{:03d}", i + 1);
        QF_ASSIGN_OR_RETURN(int64_t person, org::InsertPerson(tx, {0, code, names[i], home.id, "", "督查员", false}));
        QF_RETURN_IF_ERROR(SaveMemberJson(tx, draws::Pool::kInspector,
                                          {{"code", fmt::format("I{:03d}", 13 + i)}, {"person_code", code},
                                           {"specialty", i % 2 ? "项目管理" : "财务审计"}}).status());
        auth::NewAccount na{fmt::format("inspector{:02d}", 13 + i), fmt::format("检查组成员 {:02d}", 13 + i), person, home.id,
                            password_hash, kInspector, DemoAccounts::kTotpSecret};
        QF_ASSIGN_OR_RETURN(int64_t account, auth::CreateAccount(tx, na));
        st->inspectors[person] =
            auth::PrincipalOf({account, na.username, na.display_name, person, home.id, password_hash, kInspector, true});
      }
      if (r->app().vault) QF_RETURN_IF_ERROR(auth::SealTotpSecrets(tx, *r->app().vault).status());
      return json::object{};
    });
  });

  schedule.emplace(At(6, 22, 10), [=]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    json::object body{{"title", "2026年教育民生工程中期督查"}, {"period_from", "2026-06-28"}, {"period_to", "2026-06-30"},
                      {"rate", 1.0}, {"groups", 6}, {"people", 20},
                      {"scope", json::object{{"projects", json::array(ids->begin(), ids->end())}}},
                      {"coop_unit_ids", json::array{org::UnitByRole(*db, "finance"), org::UnitByRole(*db, "basic_ed")}},
                      {"checklist", MidTermChecklist()}};
    return Do(*r, *c, At(6, 22, 10), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto plan, inspect::ParseCampaign(body, sup));
      QF_ASSIGN_OR_RETURN(auto o, inspect::CreateCampaign(tx, env, plan, sup));
      st->campaign = o.at("id").as_int64();
      return o;
    });
  });
  schedule.emplace(At(6, 23, 9), [=]() {
    return Do(*r, *c, At(6, 23, 9), sup, [&](Tx& tx) { return inspect::CommitSample(tx, env, st->campaign, leader.account_id, sup); });
  });
  schedule.emplace(At(6, 24, 9, 30), [=]() -> absl::Status {
    QF_RETURN_IF_ERROR(Do(*r, *c, At(6, 24, 9, 30), leader, [&](Tx& tx) {
      return inspect::DrawCampaign(tx, env, st->campaign, "上证指数 3315.07（6月23日收盘）", leader);
    }));
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    QF_ASSIGN_OR_RETURN(auto q, db->Prepare(
        "SELECT f.id, u.parent_id, g.leader_person_id, g.members, u.district, "
        "EXISTS(SELECT 1 FROM project_sites s WHERE s.unit_id = f.school_id AND s.project_id = ?2) FROM inspection_forms f "
        "JOIN inspection_groups g ON g.id = f.group_id JOIN org_units u ON u.id = f.school_id "
        "WHERE f.campaign_id = ?1 ORDER BY g.id, f.id"));
    q.Bind(1, st->campaign).Bind(2, ids->at(2));
    int k = 0;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      int64_t form = q.Int(0), district = q.Int(1), lead_person = q.Int(2);
      json::value members = json::parse(q.Text(3));
      int64_t member_person = members.as_array().at(1).as_int64();
      bool behind = q.Text(4) == "肥西县" && q.Int(5) == 1;  // the renovation lags there
      absl::Time fill = At(6, 28 + k % 3, 15) + absl::Minutes(k), confirm = fill + absl::Hours(2);
      ++k;
      sched->emplace(fill, [=]() -> absl::Status {
        Principal member = st->inspectors.at(member_person);
        std::string hash;
        QF_RETURN_IF_ERROR(Do(*r, *c, fill, member, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(hash, inspect::AddEvidence(tx, form, "现场照片.png", EvidencePhoto(), member));
          return json::object{};
        }));
        json::object answers{{"funds", true}, {"pace", !behind}, {"ledger", true}, {"public", true},
                             {"photo", json::array{json::string(hash)}},
                             {"notes", behind ? "教学楼加固改造进度明显滞后于序时进度，施工单位进场延误" : "项目按计划推进，资金到位"}};
        return Do(*r, *c, fill + absl::Minutes(5), member, [&](Tx& tx) {
          inspect::FormSave save{.version = 1, .submit = true, .answers = answers, .findings = {}};
          if (behind) save.findings.emplace_back("pace", "校舍改造完成量不足序时进度的六成，未制定赶工计划");
          return inspect::SaveForm(tx, form, save, member);
        });
      });
      sched->emplace(confirm, [=]() -> absl::Status {
        Principal lead = st->inspectors.at(lead_person);
        json::array orders;
        QF_RETURN_IF_ERROR(Do(*r, *c, confirm, lead, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(auto o, inspect::ConfirmForm(tx, env, form, lead));
          orders = o.at("rectifications").as_array();
          return o;
        }));
        // The county bureau answers for its site in July with its catch-up plan; the office accepts it.
        for (auto& o : orders) {
          int64_t id = o.at("id").as_int64();
          Principal county = DistrictStaff(sup, district);
          absl::Time at = At(7, 15, 10);
          sched->emplace(at, [=]() -> absl::Status {
            std::string hash;
            QF_RETURN_IF_ERROR(Do(*r, *c, at, county, [&](Tx& tx) -> absl::StatusOr<json::object> {
              QF_ASSIGN_OR_RETURN(hash, inspect::AddRectificationEvidence(tx, id, "赶工计划.png", EvidencePhoto(), county));
              return json::object{};
            }));
            QF_RETURN_IF_ERROR(Do(*r, *c, at + absl::Minutes(5), county, [&](Tx& tx) {
              return inspect::AnswerRectification(tx, id, {"已督促施工单位增加人员、倒排工期，制定赶工计划并每周报送进度。", {hash}}, county);
            }));
            return Do(*r, *c, at + absl::Hours(48), sup, [&](Tx& tx) {
              return inspect::CheckRectification(tx, env, id, {true, "赶工计划可行，纳入月度调度"}, sup);
            });
          });
        }
        return absl::OkStatus();
      });
    }
    return absl::OkStatus();
  });

  // The canteen complaints are linked to the nutrition project, so that its page shows them.
  schedule.emplace(At(7, 3, 10), [=]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    QF_ASSIGN_OR_RETURN(auto q, db->Prepare("SELECT id FROM cases WHERE title = '食堂卫生问题' ORDER BY id LIMIT 4"));
    QF_ASSIGN_OR_RETURN(auto cases, q.Ints());
    for (int64_t id : cases)
      QF_RETURN_IF_ERROR(Do(*r, *c, At(7, 3, 10), sup, [&](Tx& tx) { return projects::LinkCase(tx, ids->at(3), id, sup); }));
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status PlanProjects(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                          Schedule& schedule, uint32_t seed, const std::string& password_hash) {
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
    Principal staff = DistrictStaff(sup, b.id);
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
        // The renovation's reports come with a photo of the works.
        bool photo = p == 2 && (lagging || m == 11);
        schedule.emplace(at, [&rt, &clock, at, staff, r, ids, p, photo]() -> absl::Status {
          QF_RETURN_IF_ERROR(Do(rt, clock, at, staff, [&](Tx& tx) { return projects::ReportProgress(tx, ids->at(p), r, staff); }));
          if (!photo) return absl::OkStatus();
          return Do(rt, clock, at + absl::Minutes(2), staff, [&](Tx& tx) -> absl::StatusOr<json::object> {
            QF_ASSIGN_OR_RETURN(std::string hash, projects::AddReportEvidence(tx, ids->at(p), r.unit_id, fmt::format("{:04d}-{:02d}", r.month.year(), r.month.month()),
                                                                             "施工现场照片.png", EvidencePhoto(), staff));
            return json::object{{"sha256", hash}};
          });
        });
      }
    }
  }
  PlanMidTermInspection(rt, clock, who, schedule, ids, bureaus, password_hash);
  return absl::OkStatus();
}

}  // namespace qf::demo
