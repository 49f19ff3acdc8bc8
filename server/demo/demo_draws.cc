// The demo's notices and draws (the seed's third section): a published 政策加分 list from the 63 urban junior-high
// schools with one objection being handled, the expert and supervisor pools, an expert draw with a
// decline and a backup called, the 48 PE-test supervisors drawn and placed over four sites, and 12 more for the
// lab exam (a cool-down keeps the PE-test ones out).
#include <map>
#include <random>

#include "cases/cases.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "demo/demo.h"
#include "draws/assign.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "notices/notices.h"
#include "org/org.h"

namespace qf::demo {
namespace {

namespace json = boost::json;

constexpr const char* kPoolSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢";
constexpr const char* kPoolGiven[] = {"子涵", "雨桐", "浩然", "梓萱", "一诺", "欣怡", "宇轩", "若曦", "俊杰", "思远", "嘉怡",
                                  "博文", "晨曦", "诗琪", "天佑", "可馨", "明", "阳", "琳", "瑞"};
constexpr const char* kBonusItems[][2] = {{"烈士子女", "20"}, {"归侨子女、华侨子女", "10"}, {"少数民族考生", "5"},
                                          {"台湾省籍考生", "10"}, {"公安英模子女", "10"}, {"现役军人子女", "10"},
                                          {"残疾人子女", "5"}};
constexpr const char* kSpecialties[] = {"语文", "数学", "英语", "物理", "学前教育", "心理健康"};
constexpr const char* kPoolStreets[] = {"长江西路", "淮河路", "金寨路", "望江东路", "黄山路", "潜山路", "宿州路", "芜湖路"};

std::string Surname(std::mt19937& rng) {
  std::string_view s(kPoolSurnames);
  size_t i = (rng() % (s.size() / 3)) * 3;
  return std::string(s.substr(i, 3));
}

std::string IdNumber(std::mt19937& rng, int year) {
  std::string s = fmt::format("3401{:02d}{}{:02d}{:02d}{:03d}", 2 + rng() % 10, year, 1 + rng() % 12, 1 + rng() % 28, rng() % 1000);
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (s[i] - '0') * kWeights[i];
  return s + "10X98765432"[sum % 11];
}

template <typename F>
absl::StatusOr<json::object> RunAs(Runtime& rt, const Actor& actor, F f) {
  auto r = rt.writer().Run(actor, [&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, f(tx));
    return o;
  });
  if (!r.ok()) return r.status();
  return r->as_object();
}

}  // namespace

absl::StatusOr<json::object> SaveMemberJson(Tx& tx, draws::Pool pool, const json::object& body) {
  QF_ASSIGN_OR_RETURN(auto m, draws::ParseMember(body));
  return draws::SaveMember(tx, pool, m);
}

absl::StatusOr<json::object> RequestDrawJson(Tx& tx, const draws::DrawEnv& env, const json::object& body,
                                             const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto r, draws::ParseDrawRequest(body, who));
  return draws::RequestDraw(tx, env, r, who);
}

absl::StatusOr<json::object> MakeAssignmentJson(Tx& tx, const json::object& body) {
  QF_ASSIGN_OR_RETURN(auto r, draws::ParseAssignment(body));
  return draws::MakeAssignment(tx, r);
}

namespace {

absl::StatusOr<std::vector<int64_t>> Ids(Db& db, const std::string& sql) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  return st.Ints();
}

// The 政策加分 list of the 63 urban junior-high schools: two or three candidates per school; a few with two items,
// of which only the higher counts.
absl::StatusOr<Table> BonusList(Db& db, std::mt19937& rng) {
  QF_ASSIGN_OR_RETURN(auto juniors, Ids(db, "SELECT id FROM units WHERE kind='school' AND stage='初中' AND region_type IN ('urban','zone') ORDER BY id"));
  if (juniors.size() != 63) return absl::InternalError(fmt::format("demo: {} urban junior-high schools, not 63", juniors.size()));
  Table list;
  list.header = {"姓名", "身份证号", "学校", "加分项目", "分值", "联系电话", "家庭住址"};
  int row = 1;
  for (int64_t school : juniors) {
    QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, school));
    int n = 2 + rng() % 2;
    for (int i = 0; i < n; ++i) {
      std::string name = Surname(rng) + kPoolGiven[rng() % 20];
      std::string id = IdNumber(rng, 2010 + rng() % 3);
      std::string phone = fmt::format("1{}{:09d}", 3 + rng() % 7, rng() % 1000000000);
      std::string address = fmt::format("合肥市{}{}号{}栋{}室", kPoolStreets[rng() % 8], 1 + rng() % 300, 1 + rng() % 30, 101 + rng() % 1500);
      int items = rng() % 8 == 0 ? 2 : 1;
      for (int k = 0; k < items; ++k) {
        const auto& item = kBonusItems[rng() % 7];
        list.rows.push_back({name, id, unit ? unit->name : std::string(), item[0], item[1], phone, address});
        list.row_numbers.push_back(++row);
      }
    }
  }
  return list;
}

// The PE test's four sites, one per urban district, each for its district's junior-high schools.
absl::StatusOr<json::array> PeSites(Db& db) {
  json::array out;
  const char* districts[] = {"瑶海区", "庐阳区", "蜀山区", "包河区"};
  for (int i = 0; i < 4; ++i) {
    QF_ASSIGN_OR_RETURN(auto host, Ids(db, fmt::format("SELECT id FROM units WHERE code='SZ{:02d}'", i + 1)));
    QF_ASSIGN_OR_RETURN(auto examinees, Ids(db, fmt::format("SELECT id FROM units WHERE kind='school' AND stage='初中' AND district='{}' ORDER BY id", districts[i])));
    out.push_back(json::object{{"code", fmt::format("PE{}", i + 1)}, {"name", fmt::format("{}体育考点", districts[i])},
                               {"host_unit_id", host.at(0)}, {"examinee_unit_ids", json::array(examinees.begin(), examinees.end())},
                               {"quota", 12}});
  }
  return out;
}

// The lab exam's one site (蜀山区's junior-high schools sit it at SZ05).
absl::StatusOr<draws::Site> LabSite(Db& db) {
  QF_ASSIGN_OR_RETURN(auto host, Ids(db, "SELECT id FROM units WHERE code='SZ05'"));
  QF_ASSIGN_OR_RETURN(auto examinees, Ids(db, "SELECT id FROM units WHERE kind='school' AND stage='初中' AND district='蜀山区' ORDER BY id"));
  return draws::Site{"LAB1", "理化生实验操作考点", host.at(0), examinees};
}

json::array LabSitesJson(const draws::Site& lab) {
  return json::array{json::object{{"code", lab.code}, {"name", lab.name}, {"host_unit_id", lab.host_unit_id},
                                  {"examinee_unit_ids", json::array(lab.examinee_unit_ids.begin(), lab.examinee_unit_ids.end())},
                                  {"quota", 12}}};
}

// Those called who teach where the candidates come from, or whose relative sits there, recuse before the release
// and the next down the list is called (as the office would do on the phone).
absl::Status RecuseConflicted(Runtime& rt, Db& db, int64_t draw_id, json::array calls, const draws::Site& site,
                              const Principal& supervisor) {
  QF_ASSIGN_OR_RETURN(auto pool, draws::LoadPool(db, draws::Pool::kSupervisor, true));
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& call : calls) {
      if (call.at("status").as_string() != "selected") continue;
      std::string code(call.at("code").as_string());
      auto m = std::find_if(pool.begin(), pool.end(), [&](auto& x) { return x.code == code; });
      if (m == pool.end()) continue;
      std::string why = draws::RecusalReason({m->code, m->name, m->unit_id, m->relative_exam_unit_ids}, site);
      if (why.empty()) continue;
      QF_ASSIGN_OR_RETURN(auto after, RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) {
        return draws::Decline(tx, draw_id, code, "回避：" + why, supervisor);
      }));
      calls = after.at("calls").as_array();
      changed = true;
      break;
    }
  }
  return absl::OkStatus();
}

// The pools: experts from schools across the city with a specialty and a title; supervisors are teachers of urban
// schools (some with a child sitting this year's exam at a named school). Inspectors come with the org (demo.cc).
absl::Status MakePools(Runtime& rt, const Principal& supervisor, std::mt19937& rng) {
  QF_ASSIGN_OR_RETURN(Db * db, rt.app().readers->Get());
  QF_ASSIGN_OR_RETURN(auto schools, Ids(*db, "SELECT id FROM units WHERE kind='school' AND region_type='urban' AND stage IN ('小学','初中','高中','完全中学','九年一贯制') ORDER BY id"));
  int person_seq = 0;
  auto make_people = [&](int n) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> codes;
    QF_RETURN_IF_ERROR(RunAs(rt, Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::object> {
      for (int i = 0; i < n; ++i) {
        std::string code = fmt::format("PD{:04d}", ++person_seq);
        int64_t unit = schools[rng() % schools.size()];
        QF_RETURN_IF_ERROR(org::InsertPerson(tx, {0, code, Surname(rng) + kPoolGiven[rng() % 20], unit, "", "教师", false}).status());
        codes.push_back(code);
      }
      return json::object{};
    }).status());
    return codes;
  };
  QF_ASSIGN_OR_RETURN(auto experts, make_people(48));
  QF_ASSIGN_OR_RETURN(auto sups, make_people(64));
  const char* titles[] = {"正高级教师", "高级教师", "一级教师"};
  return RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
    for (size_t i = 0; i < experts.size(); ++i)
      QF_RETURN_IF_ERROR(SaveMemberJson(tx, draws::Pool::kExpert, {{"code", fmt::format("E{:03d}", i + 1)}, {"person_code", experts[i]},
                                                          {"specialty", kSpecialties[i % 6]}, {"title", titles[rng() % 3]}}).status());
    for (size_t i = 0; i < sups.size(); ++i) {
      json::object m{{"code", fmt::format("J{:03d}", i + 1)}, {"person_code", sups[i]}, {"specialty", "体育"}};
      const char* child_school[] = {"YH002", "LY002", "SS002", "BH002"};
      if (i % 9 == 4) m["relative_exam_units"] = child_school[i % 4];
      QF_RETURN_IF_ERROR(SaveMemberJson(tx, draws::Pool::kSupervisor, m).status());
    }
    return json::object{};
  }).status();
}

}  // namespace

absl::Status PlanNoticesAndDraws(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                                 Schedule& schedule, uint32_t seed) {
  auto rng = std::make_shared<std::mt19937>(seed + 17);
  Runtime* r = &rt;
  ManualClock* c = &clock;
  const Principal supervisor = who.at("supervisor"), leader = who.at("leader"), handler = who.at("handler");
  // The pools, entered in February.
  schedule.emplace(At(2, 20, 10), [=]() {
    c->Set(At(2, 20, 10));
    return MakePools(*r, supervisor, *rng);
  });
  // A draw requested and drawn before its witness (as the console sends them); released by the caller.
  auto draw = [=](absl::Time t, json::object request, std::string public_value) -> absl::StatusOr<std::pair<int64_t, json::array>> {
    draws::DrawEnv denv{r->app().vault};
    request["witness_account_id"] = leader.account_id;
    c->Set(t);
    QF_ASSIGN_OR_RETURN(auto req, RunAs(*r, Actor::Account(supervisor.account_id), [&](Tx& tx) { return RequestDrawJson(tx, denv, request, supervisor); }));
    const int64_t id = req.at("id").as_int64();
    c->Set(t + absl::Minutes(20));
    QF_ASSIGN_OR_RETURN(auto drawn, RunAs(*r, Actor::Account(leader.account_id), [&](Tx& tx) { return draws::PerformDraw(tx, denv, id, public_value, leader); }));
    return std::make_pair(id, drawn.at("calls").as_array());
  };
  auto release = [=](absl::Time t, int64_t id) {
    draws::DrawEnv denv{r->app().vault};
    c->Set(t);
    return RunAs(*r, Actor::Account(leader.account_id), [&](Tx& tx) { return draws::Release(tx, denv, id, leader); }).status();
  };
  // 教师资格认定: the interview panel's experts (the seed: 抽调评审专家，实现零差错、零投诉).
  schedule.emplace(At(3, 16, 9), [=]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto d, draw(At(3, 16, 9), {{"purpose", "2026年上半年教师资格认定面试评审专家（语文）"}, {"pool", "expert"},
                                                   {"conditions", json::object{{"specialty", "语文"}}}, {"count", 3}, {"backups", 2}},
                                     "上证指数 3301.52（3月13日收盘）"));
    return release(At(3, 16, 10), d.first);
  });
  // 中考体育测试: 48 supervisors over the four sites.
  schedule.emplace(At(4, 20, 9), [=]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto d, draw(At(4, 20, 9), {{"purpose", "2026年中考体育考试监考人员"}, {"pool", "supervisor"}, {"count", 48}, {"backups", 4}},
                                     "见证人现场掷骰 3-6-1-4-2-5"));
    QF_RETURN_IF_ERROR(release(At(4, 20, 10), d.first));
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    QF_ASSIGN_OR_RETURN(auto sites, PeSites(*db));
    return Do(*r, *c, At(4, 20, 11), supervisor, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto o, MakeAssignmentJson(tx, {{"title", "2026年中考体育考试监考安排"}, {"draw_id", d.first}, {"sites", sites}}));
      if (!o.at("feasible").as_bool()) return absl::InternalError("demo: the spring PE-test assignment is infeasible");
      return o;
    });
  });
  // 初中理科实验操作考试: 12 supervisors at one site, the conflicted recusing before the release.
  schedule.emplace(At(5, 11, 9), [=]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto d, draw(At(5, 11, 9), {{"purpose", "2026年初中理化生实验操作考试监考人员"}, {"pool", "supervisor"}, {"count", 12}, {"backups", 4}},
                                     "上证指数 3352.10（5月8日收盘）"));
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    QF_ASSIGN_OR_RETURN(auto lab, LabSite(*db));
    c->Set(At(5, 11, 9, 40));
    QF_RETURN_IF_ERROR(RecuseConflicted(*r, *db, d.first, d.second, lab, supervisor));
    QF_RETURN_IF_ERROR(release(At(5, 11, 10), d.first));
    return Do(*r, *c, At(5, 11, 11), supervisor, [&](Tx& tx) -> absl::StatusOr<json::object> {
      return MakeAssignmentJson(tx, {{"title", "2026年初中理化生实验操作考试监考安排"}, {"draw_id", d.first}, {"sites", LabSitesJson(lab)}});
    });
  });
  // 政策加分 published on the internet for 3 days (the seed: 首次向社会公开“政策加分”考生名单), then made final.
  auto notice = std::make_shared<int64_t>(0);
  schedule.emplace(At(6, 8, 9), [=]() -> absl::Status {
    AppContext& app = r->app();
    notices::NoticeEnv nenv{app.notice_types, app.calendar, cases::CaseEnv{app.calendar, app.policies, app.vault}};
    QF_ASSIGN_OR_RETURN(Db * db, app.readers->Get());
    QF_ASSIGN_OR_RETURN(Table list, BonusList(*db, *rng));
    int64_t basic_ed = org::UnitByRole(*db, "basic_ed");
    c->Set(At(6, 8, 9));
    QF_ASSIGN_OR_RETURN(auto draft, RunAs(*r, Actor::Account(handler.account_id), [&](Tx& tx) {
      return notices::CreateDraft(tx, nenv, "policy_bonus", "2026年中考政策性照顾加分考生名单公示", basic_ed, list);
    }));
    *notice = draft.at("id").as_int64();
    c->Set(At(6, 8, 10));
    return RunAs(*r, Actor::Account(handler.account_id), [&](Tx& tx) { return notices::Publish(tx, nenv, *notice, tx.now(), handler); }).status();
  });
  schedule.emplace(At(6, 22, 9), [=]() -> absl::Status {
    AppContext& app = r->app();
    notices::NoticeEnv nenv{app.notice_types, app.calendar, cases::CaseEnv{app.calendar, app.policies, app.vault}};
    c->Set(At(6, 22, 9));
    return RunAs(*r, Actor::Account(handler.account_id), [&](Tx& tx) { return notices::Finalize(tx, nenv, *notice, handler); }).status();
  });
  return absl::OkStatus();
}

absl::Status BuildNoticesAndDraws(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                                  uint32_t seed) {
  std::mt19937 rng(seed + 7);
  AppContext& app = rt.app();
  QF_ASSIGN_OR_RETURN(Db * db, app.readers->Get());
  auto ids = [&](const std::string& sql) { return Ids(*db, sql); };
  const Principal& supervisor = who.at("supervisor");
  const Principal& leader = who.at("leader");
  const Principal& handler = who.at("handler");
  const Principal& clerk = who.at("clerk");
  notices::NoticeEnv nenv{app.notice_types, app.calendar, cases::CaseEnv{app.calendar, app.policies, app.vault}};
  QF_ASSIGN_OR_RETURN(Table list, BonusList(*db, rng));
  clock.Set(absl::Now() - absl::Minutes(180));
  int64_t basic_ed = org::UnitByRole(*db, "basic_ed");
  QF_ASSIGN_OR_RETURN(auto draft, RunAs(rt, Actor::Account(handler.account_id), [&](Tx& tx) {
    return notices::CreateDraft(tx, nenv, "policy_bonus", "2027年中考政策性照顾加分考生名单公示（第一批）", basic_ed, list);
  }));
  int64_t notice_id = draft.at("id").as_int64();
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(handler.account_id), [&](Tx& tx) {
    return notices::Publish(tx, nenv, notice_id, tx.now(), handler);
  }).status());
  // An objection from a parent, accepted and being handled by the issuing division.
  clock.Set(absl::Now() - absl::Minutes(170));
  QF_ASSIGN_OR_RETURN(auto obj, RunAs(rt, Actor::Public(), [&](Tx& tx) {
    return notices::Object(tx, nenv, notice_id,
                           notices::ObjectionRequest{3, "周女士", "13905510123", "据了解该考生父母并非现役军人，其加分资格存疑，请核实。"});
  }));
  (void)obj;
  QF_ASSIGN_OR_RETURN(auto case_ids, ids(fmt::format("SELECT case_id FROM notice_objections WHERE notice_id={}", notice_id)));
  cases::CaseEnv cenv{app.calendar, app.policies, app.vault};
  clock.Set(absl::Now() - absl::Minutes(160));
  for (cases::Action a : {cases::Action::kAccept, cases::Action::kDispatch}) {
    QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(clerk.account_id), [&](Tx& tx) {
      cases::TransitionRequest r;
      r.action = a;
      auto out = cases::Transition(tx, cenv, case_ids[0], r, clerk);
      if (!out.ok()) return absl::StatusOr<json::object>(out.status());
      return absl::StatusOr<json::object>(json::object{{"id", out->id}});
    }).status());
  }

  // The pools were entered in February (PlanNoticesAndDraws).
  QF_ASSIGN_OR_RETURN(auto schools, ids("SELECT id FROM units WHERE kind='school' AND region_type='urban' AND stage IN ('小学','初中','高中','完全中学','九年一贯制') ORDER BY id"));

  // The expert draw for 教师资格认定: the applicant's school excluded, a decline, a backup called, released.
  draws::DrawEnv denv{app.vault};
  int64_t applicant_school = schools[3];
  clock.Set(absl::Now() - absl::Minutes(140));
  QF_ASSIGN_OR_RETURN(auto expert_draw, RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) {
    return RequestDrawJson(tx, denv,
                              {{"purpose", "2026年下半年教师资格认定面试评审专家（语文）"}, {"pool", "expert"},
                               {"conditions", json::object{{"specialty", "语文"}}}, {"count", 3}, {"backups", 2},
                               {"applicant_unit_id", applicant_school}, {"witness_account_id", leader.account_id},
                               {"cooldown_days", 180}},
                              supervisor);
  }));
  int64_t ed = expert_draw.at("id").as_int64();
  clock.Set(absl::Now() - absl::Minutes(130));
  QF_ASSIGN_OR_RETURN(auto drawn, RunAs(rt, Actor::Account(leader.account_id), [&](Tx& tx) {
    return draws::PerformDraw(tx, denv, ed, "上证指数 3412.07", leader);
  }));
  std::string first(drawn.at("calls").as_array()[0].as_object().at("code").as_string());
  clock.Set(absl::Now() - absl::Minutes(120));
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) {
    return draws::Decline(tx, ed, first, "面试当日须参加市级教研活动，无法到场", supervisor);
  }).status());
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(leader.account_id), [&](Tx& tx) { return draws::Release(tx, denv, ed, leader); }).status());

  // The PE-test supervisors: 48 drawn (4 backups), placed over four sites with recusal and least travel.
  clock.Set(absl::Now() - absl::Minutes(110));
  QF_ASSIGN_OR_RETURN(auto sup_draw, RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) {
    return RequestDrawJson(tx, denv,
                              {{"purpose", "2027年中考体育考试监考人员"}, {"pool", "supervisor"}, {"count", 48},
                               {"backups", 4}, {"witness_account_id", leader.account_id}},
                              supervisor);
  }));
  int64_t sd = sup_draw.at("id").as_int64();
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(leader.account_id), [&](Tx& tx) {
    return draws::PerformDraw(tx, denv, sd, "见证人现场掷骰 5-2-6-1-3-4", leader);
  }).status());
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(leader.account_id), [&](Tx& tx) { return draws::Release(tx, denv, sd, leader); }).status());
  QF_ASSIGN_OR_RETURN(json::array sites, PeSites(*db));
  clock.Set(absl::Now() - absl::Minutes(100));
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
    QF_ASSIGN_OR_RETURN(auto o, MakeAssignmentJson(tx, {{"title", "2027年中考体育考试监考安排"}, {"draw_id", sd}, {"sites", sites}}));
    if (!o.at("feasible").as_bool()) return absl::InternalError("demo: PE-test assignment infeasible");
    return o;
  }).status());

  // The lab exam: 12 more supervisors, none of those just drawn for the PE test (a 30-day cool-down), at one site.
  clock.Set(absl::Now() - absl::Minutes(90));
  QF_ASSIGN_OR_RETURN(auto lab_draw, RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) {
    return RequestDrawJson(tx, denv,
                              {{"purpose", "2027年中考理化生实验操作考试监考人员"}, {"pool", "supervisor"}, {"count", 12},
                               {"backups", 2}, {"cooldown_days", 30}, {"witness_account_id", leader.account_id}},
                              supervisor);
  }));
  int64_t ld = lab_draw.at("id").as_int64();
  QF_ASSIGN_OR_RETURN(auto lab_drawn, RunAs(rt, Actor::Account(leader.account_id), [&](Tx& tx) {
    return draws::PerformDraw(tx, denv, ld, "上证指数 3409.88", leader);
  }));
  QF_ASSIGN_OR_RETURN(draws::Site lab, LabSite(*db));
  QF_RETURN_IF_ERROR(RecuseConflicted(rt, *db, ld, lab_drawn.at("calls").as_array(), lab, supervisor));
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(leader.account_id), [&](Tx& tx) { return draws::Release(tx, denv, ld, leader); }).status());
  json::array lab_sites = LabSitesJson(lab);
  clock.Set(absl::Now() - absl::Minutes(80));
  QF_RETURN_IF_ERROR(RunAs(rt, Actor::Account(supervisor.account_id), [&](Tx& tx) -> absl::StatusOr<json::object> {
    QF_ASSIGN_OR_RETURN(auto o, MakeAssignmentJson(tx, {{"title", "2027年中考实验操作考试监考安排"}, {"draw_id", ld}, {"sites", lab_sites}}));
    return o;
  }).status());
  return absl::OkStatus();
}

}  // namespace qf::demo
