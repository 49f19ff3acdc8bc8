// Test-only: the cases store fixture — a real database with a small organisation (the bureau, its divisions, a
// district bureau, a district school and a city school, a principal, a district head and a clerk married to him)
// on a clock at 2026-04-30 10:00 CST, and helpers that register, act and follow a case as the API does.
#pragma once

#include <map>

#include "runtime/store_fixture.h"
#include "cases/cases.h"
#include "cases/store.h"
#include "common/receipt.h"
#include "common/status.h"
#include "org/org.h"

namespace qf::cases {

namespace json = boost::json;

class CasesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    env_ = {rt_->app().calendar, rt_->app().policies, rt_->app().vault};
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      auto unit = [&](org::Unit u) { return *org::InsertUnit(tx, u); };
      bureau_ = unit({0, "JYJ", "市教育局", "bureau"});
      for (auto [role, name] : {std::pair{"discipline", "纪委监察室"}, std::pair{"office", "办公室"},
                                std::pair{"finance", "计财处"}, std::pair{"basic_ed", "基教处"},
                                std::pair{"vocational", "职成处"}}) {
        org::Unit u{0, std::string("D-") + role, name, "division", bureau_};
        u.role = role;
        divisions_[role] = unit(u);
      }
      org::Unit d{0, "QX-YH", "瑶海区教体局", "district_bureau", bureau_};
      d.district = "瑶海区";
      district_ = unit(d);
      org::Unit s{0, "YH001", "瑶海区实验中学", "school", district_};
      s.district = "瑶海区"; s.stage = "初中"; s.ownership = "public";
      school_ = unit(s);
      org::Unit cs{0, "SZ01", "合肥市第一中学", "school", bureau_};
      cs.district = "蜀山区"; cs.stage = "高中"; cs.ownership = "public";
      city_school_ = unit(cs);
      principal_ = *org::InsertPerson(tx, {0, "P1", "张校长", school_, "", "校长", true});
      district_head_ = *org::InsertPerson(tx, {0, "P2", "李局长", district_, "", "局长", true});
      district_clerk_ = *org::InsertPerson(tx, {0, "P3", "王科员", district_, "", "科员", false});
      EXPECT_TRUE(org::InsertRelation(tx, {"P2", "P3", "配偶"}).ok());
      return json::value();
    });
    ASSERT_TRUE(r.ok()) << r.status();
  }
  json::object Register(NewCase c) {
    if (c.title.empty()) c.title = "测试";
    if (c.content.empty()) c.content = "内容";
    if (c.channel.empty()) c.channel = "web";
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      auto o = cases::Register(tx, env_, c);
      if (!o.ok()) return o.status();
      return json::object{{"id", o->id}, {"receipt", o->receipt}, {"state", StateName(o->state)},
                          {"handling_unit_id", o->handling_unit_id}, {"restricted", o->restricted},
                          {"routing", json::object{{"rule", o->rule}}},
                          {"deadlines", DeadlinesOf(o->deadlines, CstDay(tx.now()))}};
    });
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->as_object() : json::object{};
  }
  json::array DeadlinesOf(const std::vector<Deadline>& ds, absl::CivilDay today) {
    json::array out;
    for (const auto& d : ds) out.push_back(DeadlineJson(d, env_, today, true));
    return out;
  }
  // A staff action as the API takes it: the body parsed into a request at the edge, then applied.
  absl::StatusOr<json::value> Act(int64_t id, Action a, json::object params, const Principal& who) {
    params["action"] = std::string(ActionName(a));
    auto request = ParseTransition(params);
    if (!request.ok()) return request.status();
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      auto o = Transition(tx, env_, id, *request, who);
      if (!o.ok()) return o.status();
      return json::object{{"id", o->id}, {"state", StateName(o->state)}, {"version", o->version},
                          {"deadlines", DeadlinesOf(o->deadlines, CstDay(tx.now()))}};
    });
  }
  absl::Status Public(const std::string& receipt, const std::string& action, json::object body) {
    auto request = ParsePublicAction(action, body);
    if (!request.ok()) return request.status();
    auto canon = ParseReceiptCode(receipt);
    if (!canon) return absl::InvalidArgumentError("receipt");
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(PublicAction(tx, env_, *canon, *request));
      return json::value();
    }).status();
  }
  Principal Staff(RoleSet roles, int64_t unit, int64_t person = 0) {
    Principal p;
    p.account_id = 1;
    p.roles = roles;
    p.unit_id = unit;
    p.person_id = person;
    return p;
  }
  bool Sees(int64_t id, const Principal& who) {
    Db* db = *rt_->app().readers->Get();
    auto v = StaffView(*db, env_, id, who, clock_.Now());
    auto l = List(*db, env_, ListFilter{}, who, clock_.Now());
    EXPECT_TRUE(l.ok());
    bool listed = false;
    for (auto& it : l->at("items").as_array()) listed |= it.at("id").as_int64() == id;
    EXPECT_EQ(v.ok(), listed) << "detail and list disagree for case " << id;
    return v.ok();
  }

  CaseEnv env_;
  int64_t bureau_, district_, school_, city_school_, principal_, district_head_, district_clerk_;
  std::map<std::string, int64_t> divisions_;
};

}  // namespace qf::cases
