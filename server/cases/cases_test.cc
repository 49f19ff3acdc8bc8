// Routing, the never-to-the-accused wall, scope and deadlines against a real SQLite file and the shipped
// policies and calendar.
#include <gtest/gtest.h>

#include <filesystem>

#include "auth/auth_store.h"
#include "cases/case_fixture.h"
#include "common/crypto_util.h"
#include "common/receipt.h"
#include "common/timefmt.h"

namespace qf::cases {
namespace {

TEST_F(CasesTest, RoutesByRule) {
  EXPECT_EQ(Register({.category = "tutoring", .concerned_unit_id = school_})["handling_unit_id"].as_int64(), district_);
  EXPECT_EQ(Register({.category = "fees", .concerned_unit_id = city_school_})["handling_unit_id"].as_int64(), divisions_["finance"]);
  EXPECT_EQ(Register({.category = "ethics", .concerned_unit_id = city_school_})["handling_unit_id"].as_int64(), divisions_["basic_ed"]);
  EXPECT_EQ(Register({.category = "other"})["handling_unit_id"].as_int64(), divisions_["office"]);
  auto d = Register({.category = "discipline", .concerned_unit_id = school_});
  EXPECT_EQ(d["handling_unit_id"].as_int64(), divisions_["discipline"]);
  EXPECT_TRUE(d["restricted"].as_bool());
  auto l = Register({.category = "fees", .concerned_unit_id = school_, .leadership_accused = true});
  EXPECT_EQ(l["handling_unit_id"].as_int64(), divisions_["discipline"]);
  EXPECT_TRUE(l["restricted"].as_bool());
}

TEST_F(CasesTest, NeverRoutedToTheAccused) {
  // The rules would send a school's case to its district bureau; the accused works there, so it goes to the
  // discipline office instead.
  auto c = Register({.category = "tutoring", .concerned_unit_id = school_, .concerned_person_ids = {district_head_}});
  EXPECT_EQ(c["handling_unit_id"].as_int64(), divisions_["discipline"]);
  EXPECT_EQ(c["routing"].at("rule").as_string(), "wall");
  // Nor can a clerk dispatch it there by hand.
  auto plain = Register({.category = "tutoring", .concerned_unit_id = school_, .concerned_person_ids = {principal_}});
  int64_t id = plain["id"].as_int64();
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  ASSERT_TRUE(Act(id, Action::kAccept, {}, sup).ok());
  auto to_school = Act(id, Action::kDispatch, {{"unit_id", school_}}, sup);
  EXPECT_EQ(to_school.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Act(id, Action::kDispatch, {{"unit_id", district_}}, sup).ok());
  // A restricted case goes only to the discipline office.
  auto r = Register({.category = "discipline", .concerned_unit_id = city_school_});
  int64_t rid = r["id"].as_int64();
  ASSERT_TRUE(Act(rid, Action::kAccept, {}, sup).ok());
  EXPECT_EQ(Act(rid, Action::kDispatch, {{"unit_id", divisions_["basic_ed"]}}, sup).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CasesTest, ScopeAndWallHideCases) {
  auto c = Register({.category = "tutoring", .concerned_unit_id = school_, .concerned_person_ids = {district_clerk_}});
  int64_t id = c["id"].as_int64();  // routed away from the district (the wall)
  auto other = Register({.category = "tutoring", .concerned_unit_id = school_});
  int64_t oid = other["id"].as_int64();
  // The accused, and the accused's spouse, see neither detail nor list entry, whatever their role.
  EXPECT_FALSE(Sees(id, Staff(kSupervisor, divisions_["discipline"], district_clerk_)));
  EXPECT_FALSE(Sees(id, Staff(kSupervisor, divisions_["discipline"], district_head_)));
  EXPECT_TRUE(Sees(id, Staff(kSupervisor, divisions_["discipline"])));
  // A district handler sees the district's own cases only.
  EXPECT_TRUE(Sees(oid, Staff(kHandler, district_)));
  EXPECT_FALSE(Sees(id, Staff(kHandler, district_)));
  EXPECT_FALSE(Sees(oid, Staff(kHandler, divisions_["finance"])));
  // Restricted cases are hidden from clerks and leaders; admins see no case content.
  auto r = Register({.category = "discipline", .concerned_unit_id = city_school_});
  EXPECT_FALSE(Sees(r["id"].as_int64(), Staff(kClerk | kLeader, divisions_["office"])));
  EXPECT_FALSE(Sees(oid, Staff(kAdmin, divisions_["office"])));
  // A report against a school's leadership never shows inside that school.
  auto lead = Register({.category = "fees", .concerned_unit_id = school_, .leadership_accused = true});
  EXPECT_FALSE(Sees(lead["id"].as_int64(), Staff(kSupervisor | kHandler, school_)));
}

TEST_F(CasesTest, DeadlinesCarryPolicyClauseAndCalendar) {
  auto c = Register({.channel = "zmztc", .category = "fees", .concerned_unit_id = school_});
  auto& dl = c["deadlines"].as_array();
  ASSERT_EQ(dl.size(), 2u);  // acceptance and the transfer objection window
  EXPECT_EQ(dl[0].at("kind").as_string(), "acceptance");
  EXPECT_EQ(dl[0].at("due_on").as_string(), "2026-05-15");  // Apr 30 + 15d
  EXPECT_NE(std::string(dl[0].at("clause").as_string()).find("第二十三条"), std::string::npos);
  EXPECT_EQ(dl[1].at("kind").as_string(), "objection");
  EXPECT_EQ(dl[1].at("due_on").as_string(), "2026-05-11");  // 5 working days over May Day
  EXPECT_EQ(std::string(dl[1].at("calendar_version").as_string()).substr(0, 5), "2026:");
  Principal clerk = Staff(kClerk, divisions_["office"]);
  auto acc = Act(c["id"].as_int64(), Action::kAccept, {}, clerk);
  ASSERT_TRUE(acc.ok());
  auto& h = acc->at("deadlines").as_array()[0];
  EXPECT_EQ(h.at("kind").as_string(), "handling");
  EXPECT_EQ(h.at("term").as_string(), "15wd");  // the 政民直通车 policy
  EXPECT_EQ(h.at("due_on").as_string(), "2026-05-25");
}

TEST_F(CasesTest, FullLifecycleWithExtensionReviewAndSupervision) {
  auto c = Register({.category = "fees", .concerned_unit_id = city_school_, .anonymous = false,
                     .reporter_name = "赵女士", .reporter_phone = "13800000000"});
  int64_t id = c["id"].as_int64();
  std::string receipt(c["receipt"].as_string());
  Principal clerk = Staff(kClerk, divisions_["office"]), sup = Staff(kSupervisor, divisions_["discipline"]),
            handler = Staff(kHandler, divisions_["finance"]), leader = Staff(kLeader, bureau_);
  ASSERT_TRUE(Act(id, Action::kAccept, {}, clerk).ok());
  ASSERT_TRUE(Act(id, Action::kDispatch, {}, clerk).ok());
  // A handler elsewhere cannot sign.
  EXPECT_EQ(Act(id, Action::kSign, {}, Staff(kHandler, divisions_["basic_ed"])).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(Act(id, Action::kSign, {}, handler).ok());
  EXPECT_EQ(Act(id, Action::kRequestExtension, {{"days", 31}, {"reason", "情况复杂"}}, handler).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Act(id, Action::kRequestExtension, {{"days", 20}, {"reason", "需要调取财务凭证"}}, handler).ok());
  auto ext = Act(id, Action::kApproveExtension, {}, leader);
  ASSERT_TRUE(ext.ok()) << ext.status();
  EXPECT_EQ(ext->at("deadlines").as_array()[0].at("due_on").as_string(), "2026-07-20");  // Jun 29 + 20d = Jul 19 (Sun) -> Jul 20
  ASSERT_TRUE(Act(id, Action::kVerify, {{"findings", "属实"}}, handler).ok());
  EXPECT_EQ(Act(id, Action::kPropose, {{"outcome", "maybe"}, {"proposal", "x"}}, handler).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Act(id, Action::kPropose, {{"outcome", "support"}, {"proposal", "清退"}}, handler).ok());
  ASSERT_TRUE(Act(id, Action::kSendBack, {{"reason", "核查不充分"}}, sup).ok());
  ASSERT_TRUE(Act(id, Action::kVerify, {{"findings", "补充核查属实"}}, handler).ok());
  ASSERT_TRUE(Act(id, Action::kPropose, {{"outcome", "support"}, {"proposal", "清退"}}, handler).ok());
  ASSERT_TRUE(Act(id, Action::kApproveProposal, {}, leader).ok());
  ASSERT_TRUE(Act(id, Action::kReply, {{"reply", "已清退"}}, handler).ok());
  ASSERT_TRUE(Act(id, Action::kRevisit, {{"satisfaction", 4}}, clerk).ok());
  auto early = Act(id, Action::kClose, {}, sup);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Act(id, Action::kUpdateChecklist,
                  {{"items", json::object{{"owner", true}, {"answered", true}, {"verified", true}, {"handled", true},
                                          {"accountability", true}}}}, handler).ok());
  ASSERT_TRUE(Act(id, Action::kClose, {}, sup).ok());
  // Review within 30 days of the reply, through the receipt; then past its window it is refused.
  auto review = Public(receipt, "request_review", {{"reason", "退费不完整"}});
  EXPECT_TRUE(review.ok()) << review;
  // Reporter details are sealed apart: in no table in plain text, and only the vault's key opens them.
  Db* db = *rt_->app().readers->Get();
  for (const char* table : {"events", "cases", "reporters", "case_messages"}) {
    auto st = db->Prepare(std::string("SELECT COUNT(*) FROM ") + table + " WHERE CAST(" +
                          (std::string(table) == "reporters" ? "COALESCE(phone,'') || COALESCE(name,'')" : "1") +
                          " AS TEXT) LIKE '%13800000000%'");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->Int(0), 0) << table;
  }
  {
    auto ev = db->Prepare("SELECT COUNT(*) FROM events WHERE payload LIKE '%13800000000%' OR payload LIKE '%赵女士%'");
    ASSERT_TRUE(*ev->Step());
    EXPECT_EQ(ev->Int(0), 0);
  }  // statement reset: this connection's read snapshot ends here
  // Opening needs a reason, is refused to those who may not see the case, and is logged before it reveals.
  auto open = [&](const std::string& reason, const Principal& who) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      auto s = OpenReporterIdentity(tx, id, reason, who);
      if (!s.ok()) return s.status();
      return json::value(json::string(*s));
    });
  };
  EXPECT_EQ(open("", sup).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(open("核实举报线索需要联系", Staff(kHandler, divisions_["basic_ed"])).status().code(), absl::StatusCode::kNotFound);
  auto sealed = open("核实举报线索需要联系", sup);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  auto plain = rt_->app().vault->Unseal(std::string_view(sealed->as_string()));
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->find("13800000000"), std::string::npos);
  auto logged = db->Prepare("SELECT COUNT(*) FROM events WHERE kind='reporter.identity_opened' AND payload LIKE '%核实举报线索%'");
  ASSERT_TRUE(*logged->Step());
  EXPECT_EQ(logged->Int(0), 1);
}

TEST_F(CasesTest, SupervisionCardsOncePerDeadline) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  // Acceptance due 2026-05-15. On May 14 (1 working day before) a yellow card; after May 15 a red one.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 14, 9, 0, 0), Cst()));
  auto sweep = [&] { return Run([&](Tx& tx) -> absl::StatusOr<json::value> { auto n = SweepSupervision(tx, env_); if (!n.ok()) return n.status(); return json::value(*n); }); };
  EXPECT_EQ(sweep()->as_int64(), 1);
  EXPECT_EQ(sweep()->as_int64(), 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 18, 9, 0, 0), Cst()));
  EXPECT_EQ(sweep()->as_int64(), 1);
  Db* db = *rt_->app().readers->Get();
  auto st = db->Prepare("SELECT group_concat(kind) FROM (SELECT kind FROM supervision WHERE case_id=? ORDER BY id) AS k");
  st->Bind(1, c["id"].as_int64());
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Text(0), "yellow,red");
}

// The horizon agrees with Assess: an open overall deadline due on it can be yellow, every one due after it is green,
// across a month with a holiday in it (the shipped calendar's May Day days off).
TEST_F(CasesTest, AlertHorizonIsTheLastDayAssessColours) {
  const auto& policy = env_.policies->supervision();
  for (absl::CivilDay today(2026, 4, 20); today < absl::CivilDay(2026, 5, 20); ++today) {
    absl::CivilDay horizon = AlertHorizon(today, *env_.calendar, policy);
    EXPECT_GE(horizon, today);
    for (absl::CivilDay due = today; due < today + 40; ++due) {
      Colour c = Assess(Watch::kOverall, DeadlineStatus::kOpen, due, today, *env_.calendar, policy).colour;
      if (due > horizon) {
        EXPECT_EQ(c, Colour::kGreen) << today << " due " << due;
      }
    }
    if (env_.calendar->IsWorkingDay(horizon)) {
      EXPECT_EQ(Assess(Watch::kOverall, DeadlineStatus::kOpen, horizon, today, *env_.calendar, policy).colour,
                Colour::kYellow) << today;
    }
  }
}

// My work's cards count every waiting case near or past its deadline, not the page the list shows (50 rows).
TEST_F(CasesTest, MyAlertsCountBeyondAPage) {
  for (int i = 0; i < 55; ++i) Register({.category = "fees", .concerned_unit_id = school_});
  Principal clerk = Staff(kClerk, divisions_["office"]);
  auto alerts = [&] {
    Db* db = *rt_->app().readers->Get();
    auto a = MyAlerts(*db, env_, clerk, clock_.Now());
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : json::object{};
  };
  // Registered on April 30, acceptance due May 15: nothing to show yet, then one working day before, then past it.
  EXPECT_EQ(json::serialize(alerts()), R"({"red":0,"yellow":0})");
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 14, 9, 0, 0), Cst()));
  EXPECT_EQ(json::serialize(alerts()), R"({"red":0,"yellow":55})");
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 18, 9, 0, 0), Cst()));
  EXPECT_EQ(json::serialize(alerts()), R"({"red":55,"yellow":0})");
  // Not a handler's: the registered cases wait for the office, not for a school.
  Db* db = *rt_->app().readers->Get();
  auto theirs = MyAlerts(*db, env_, Staff(kHandler, school_, principal_), clock_.Now());
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_EQ(json::serialize(*theirs), R"({"red":0,"yellow":0})");
}

TEST_F(CasesTest, MergeRepeatsIntoOneCase) {
  Principal clerk = Staff(kClerk, divisions_["office"]);
  int64_t a = Register({.channel = "zmztc", .category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  json::object registered_b = Register({.channel = "letter_call", .category = "fees", .concerned_unit_id = school_});
  int64_t b = registered_b["id"].as_int64();
  EXPECT_EQ(Act(b, Action::kMerge, {{"into_case_id", b}}, clerk).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Act(b, Action::kMerge, {{"into_case_id", 999999}}, clerk).status().code(), absl::StatusCode::kNotFound);
  auto m = Act(b, Action::kMerge, {{"into_case_id", a}}, clerk);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->at("state").as_string(), "merged");
  Db* db = *rt_->app().readers->Get();
  auto st = db->Prepare("SELECT merged_into, (SELECT COUNT(*) FROM case_deadlines WHERE case_id=?1 AND status='open') FROM cases WHERE id=?1");
  st->Bind(1, b);
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Int(0), a);
  EXPECT_EQ(st->Int(1), 0);  // the repeat's clocks stop; the surviving case carries the matter
  // Both cases link to each other, and the merged item's receipt follows the surviving case.
  auto view_a = StaffView(*db, env_, a, clerk, clock_.Now());
  auto view_b = StaffView(*db, env_, b, clerk, clock_.Now());
  ASSERT_TRUE(view_a.ok() && view_b.ok());
  ASSERT_EQ(view_a->at("merged_cases").as_array().size(), 1u);
  EXPECT_EQ(view_a->at("merged_cases").as_array()[0].at("id").as_int64(), b);
  EXPECT_TRUE(view_a->at("merged_into_case").is_null());
  EXPECT_EQ(view_b->at("merged_into_case").at("id").as_int64(), a);
  EXPECT_TRUE(view_b->at("merged_cases").as_array().empty());
  auto public_b = PublicView(*db, env_, *ParseReceiptCode(std::string(registered_b["receipt"].as_string())), clock_.Now());
  ASSERT_TRUE(public_b.ok()) << public_b.status();
  EXPECT_EQ(public_b->at("state").as_string(), "merged");
  EXPECT_EQ(public_b->at("merged_into").at("state").as_string(), "registered");
  ASSERT_EQ(public_b->at("progress").as_array().size(), 2u);  // submitted, then merged
  EXPECT_EQ(public_b->at("progress").as_array()[1].at("step").as_string(), "merged");
  const auto& surviving = public_b->at("merged_into").at("progress").as_array();
  ASSERT_EQ(surviving.size(), 5u);  // submitted, accepted, in hand, answered, closed: only the first reached
  EXPECT_TRUE(surviving[0].at("reached").as_bool());
  EXPECT_FALSE(surviving[1].at("reached").as_bool());
  EXPECT_TRUE(surviving[1].at("at").is_null());
  EXPECT_FALSE(public_b->at("merged_into").at("deadlines").as_array().empty());  // the surviving case's clocks
  EXPECT_FALSE(public_b->at("merged_into").as_object().contains("messages"));  // never what its reporter was told
  // A merged case cannot be a merge target.
  int64_t c = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  EXPECT_EQ(Act(c, Action::kMerge, {{"into_case_id", b}}, clerk).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CasesTest, SuspensionMovesOpenDeadlines) {
  Principal clerk = Staff(kClerk, divisions_["office"]), sup = Staff(kSupervisor, divisions_["discipline"]);
  int64_t id = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  auto acc = Act(id, Action::kAccept, {}, clerk);
  ASSERT_TRUE(acc.ok());
  std::string due(acc->at("deadlines").as_array()[0].at("due_on").as_string());  // 2026-06-29
  EXPECT_EQ(Act(id, Action::kSuspend, {}, sup).status().code(), absl::StatusCode::kInvalidArgument);  // reason
  ASSERT_TRUE(Act(id, Action::kSuspend, {{"reason", "等待司法鉴定结论"}}, sup).ok());
  clock_.Advance(absl::Hours(24 * 12));
  ASSERT_TRUE(Act(id, Action::kResume, {}, sup).ok());
  Db* db = *rt_->app().readers->Get();
  auto st = db->Prepare("SELECT due_on FROM case_deadlines WHERE case_id=? AND kind='handling'");
  st->Bind(1, id);
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(due, "2026-06-29");
  EXPECT_EQ(st->Text(0), "2026-07-13");  // Jun 29 + 12 = Jul 11, a Saturday: rolls to Monday
}

TEST_F(CasesTest, DispatchMarksPassagesThatHandlersDoNotSee) {
  Principal clerk = Staff(kClerk, divisions_["office"]);
  auto c = Register({.category = "tutoring", .title = "住在阳光小区的家长反映补课",
                     .content = "我是三年级二班王小明的妈妈，住在阳光小区，老师周末补课。", .concerned_unit_id = school_});
  int64_t id = c["id"].as_int64();
  ASSERT_TRUE(Act(id, Action::kAccept, {}, clerk).ok());
  EXPECT_EQ(Act(id, Action::kDispatch, {{"redact", json::array{"不存在的话"}}}, clerk).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Act(id, Action::kDispatch, {{"redact", json::array{"王小明", "阳光小区"}}}, clerk).ok());
  Db* db = *rt_->app().readers->Get();
  auto handler_view = StaffView(*db, env_, id, Staff(kHandler, district_), clock_.Now());
  ASSERT_TRUE(handler_view.ok()) << handler_view.status();
  std::string content(handler_view->at("content").as_string()), title(handler_view->at("title").as_string());
  EXPECT_EQ(content.find("王小明"), std::string::npos);
  EXPECT_EQ(title.find("阳光小区"), std::string::npos);
  EXPECT_NE(content.find("■■■"), std::string::npos);
  EXPECT_NE(content.find("老师周末补课"), std::string::npos);
  auto clerk_view = StaffView(*db, env_, id, clerk, clock_.Now());
  EXPECT_NE(std::string(clerk_view->at("content").as_string()).find("王小明"), std::string::npos);
  auto list = List(*db, env_, ListFilter{}, Staff(kHandler, district_), clock_.Now());
  for (auto& it : list->at("items").as_array())
    EXPECT_EQ(std::string(it.at("title").as_string()).find("阳光小区"), std::string::npos);
}

TEST_F(CasesTest, MergeChecksTheWallAgain) {
  Principal clerk = Staff(kClerk, divisions_["office"]);
  // A: an ordinary case handled by the district bureau. B: a repeat naming a person of that district bureau.
  int64_t a = Register({.category = "tutoring", .concerned_unit_id = school_})["id"].as_int64();
  int64_t b = Register({.category = "tutoring", .concerned_unit_id = school_, .concerned_person_ids = {district_clerk_}})["id"].as_int64();
  EXPECT_EQ(Act(b, Action::kMerge, {{"into_case_id", a}}, clerk).status().code(), absl::StatusCode::kNotFound);  // B is restricted
  auto m = Act(b, Action::kMerge, {{"into_case_id", a}}, Staff(kSupervisor, divisions_["discipline"]));
  EXPECT_EQ(m.status().code(), absl::StatusCode::kPermissionDenied) << m.status();
  EXPECT_EQ(StableCode(m.status()), "case.wall");
}

TEST_F(CasesTest, AMergeLinkStopsAtTheWall) {
  Principal sup = Staff(kSupervisor, divisions_["discipline"]), handler = Staff(kHandler, district_);
  // A: restricted (it names a person of the district bureau); B: an ordinary repeat the district bureau handles.
  int64_t a = Register({.category = "tutoring", .concerned_unit_id = school_, .concerned_person_ids = {district_clerk_}})["id"].as_int64();
  int64_t b = Register({.category = "tutoring", .concerned_unit_id = school_})["id"].as_int64();
  ASSERT_TRUE(Act(b, Action::kMerge, {{"into_case_id", a}}, sup).ok());
  Db* db = *rt_->app().readers->Get();
  auto seen_by_office = StaffView(*db, env_, b, sup, clock_.Now());
  ASSERT_TRUE(seen_by_office.ok());
  EXPECT_EQ(seen_by_office->at("merged_into_case").at("id").as_int64(), a);
  ASSERT_TRUE(Sees(b, handler));
  EXPECT_FALSE(Sees(a, handler));
  auto seen_by_handler = StaffView(*db, env_, b, handler, clock_.Now());
  ASSERT_TRUE(seen_by_handler.ok());
  EXPECT_TRUE(seen_by_handler->at("merged_into_case").is_null());  // the restricted case is not named to them
}

TEST_F(CasesTest, FailedRealNameCheckMakesTheItemAnonymous) {
  Principal clerk = Staff(kClerk, divisions_["office"]);
  int64_t id = Register({.category = "fees", .concerned_unit_id = school_, .anonymous = false,
                         .reporter_name = "孙女士", .reporter_phone = "13600003333"})["id"].as_int64();
  EXPECT_EQ(Act(id, Action::kVerifyRealName, {}, clerk).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Act(id, Action::kVerifyRealName, {{"verified", false}}, clerk).ok());
  Db* db = *rt_->app().readers->Get();
  {
    auto st = db->Prepare("SELECT anonymous, (SELECT COUNT(*) FROM reporters WHERE case_id=?1) FROM cases WHERE id=?1");
    st->Bind(1, id);
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->Int(0), 1);
    EXPECT_EQ(st->Int(1), 0);  // the sealed identity is gone
  }
  EXPECT_EQ(Act(id, Action::kVerifyRealName, {{"verified", true}}, clerk).status().code(), absl::StatusCode::kFailedPrecondition);
  auto view = StaffView(*db, env_, id, clerk, clock_.Now());  // now anonymous: the check is no longer offered
  ASSERT_TRUE(view.ok());
  for (const auto& a : view->at("actions").as_array()) EXPECT_NE(a.at("action").as_string(), "verify_real_name");
}

TEST_F(CasesTest, EveryChangeHasAnEvent) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  Db* db = *rt_->app().readers->Get();
  auto st = db->Prepare("SELECT kind FROM events WHERE subject=? ORDER BY seq");
  st->Bind(1, "case:" + std::to_string(c["id"].as_int64()));
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Text(0), "case.registered");
  // A refused transition leaves neither change nor event.
  auto before = db->Prepare("SELECT COUNT(*) FROM events");
  ASSERT_TRUE(*before->Step());
  int64_t n = before->Int(0);
  EXPECT_FALSE(Act(c["id"].as_int64(), Action::kClose, {}, Staff(kSupervisor, divisions_["discipline"])).ok());
  auto after = db->Prepare("SELECT COUNT(*) FROM events WHERE TRUE");
  ASSERT_TRUE(*after->Step());
  EXPECT_EQ(after->Int(0), n);
}

}  // namespace
}  // namespace qf::cases

namespace qf::cases {
namespace {

// Search through the case list: the words are found, ranked and marked; the scope and the wall are the list's;
// passages blacked out at dispatch are not in the index, so nobody finds a case by them.
TEST_F(CasesTest, SearchRespectsScopeWallAndBlackout) {
  Principal clerk = Staff(kClerk, divisions_["office"]), sup = Staff(kSupervisor, divisions_["discipline"]);
  auto a = Register({.category = "tutoring", .title = "教师周末有偿补课", .content = "三年级王小明的数学老师周末有偿补课。",
                     .concerned_unit_id = school_});
  auto b = Register({.category = "fees", .title = "学校收取资料费", .content = "每人收取资料费180元。", .concerned_unit_id = school_});
  auto walled = Register({.category = "tutoring", .title = "科员组织补课", .content = "王科员组织补课。",
                          .concerned_unit_id = school_, .concerned_person_ids = {district_clerk_}});
  int64_t ida = a["id"].as_int64();
  ASSERT_TRUE(Act(ida, Action::kAccept, {}, clerk).ok());
  ASSERT_TRUE(Act(ida, Action::kDispatch, {{"redact", json::array{"王小明"}}}, clerk).ok());
  Db* db = *rt_->app().readers->Get();
  auto ids = [&](const std::string& q, const Principal& who) {
    ListFilter f;
    f.q = q;
    f.sort = "relevance";
    auto l = List(*db, env_, f, who, clock_.Now());
    EXPECT_TRUE(l.ok()) << l.status();
    std::vector<int64_t> out;
    for (auto& it : l->at("items").as_array()) out.push_back(it.at("id").as_int64());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids("补课", sup), (std::vector<int64_t>{ida, walled["id"].as_int64()}));
  EXPECT_EQ(ids("资料费", sup), (std::vector<int64_t>{b["id"].as_int64()}));
  // The spouse of the accused does not find the walled case; the district handler finds only its own.
  EXPECT_EQ(ids("补课", Staff(kSupervisor, divisions_["discipline"], district_head_)), (std::vector<int64_t>{ida}));
  EXPECT_EQ(ids("补课", Staff(kHandler, district_)), (std::vector<int64_t>{ida}));
  EXPECT_TRUE(ids("补课", Staff(kHandler, divisions_["finance"])).empty());
  // The blacked-out name is not searchable, and no snippet shows it.
  EXPECT_TRUE(ids("王小明", sup).empty());
  ListFilter f;
  f.q = "补课";
  auto l = List(*db, env_, f, Staff(kHandler, district_), clock_.Now());
  ASSERT_TRUE(l.ok());
  std::string snippet(l->at("items").as_array()[0].at("snippet").as_string());
  EXPECT_EQ(snippet.find("王小明"), std::string::npos);
  EXPECT_NE(snippet.find("\x02补课\x03"), std::string::npos);
  EXPECT_EQ(std::string(l->at("items").as_array()[0].at("title_highlight").as_string()), "教师周末有偿\x02补课\x03");
}

TEST_F(CasesTest, BatchSignsWhatFitsAndReportsTheRest) {
  Principal clerk = Staff(kClerk, divisions_["office"]), handler = Staff(kHandler, divisions_["finance"]);
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    int64_t id = Register({.category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
    ASSERT_TRUE(Act(id, Action::kAccept, {}, clerk).ok());
    ASSERT_TRUE(Act(id, Action::kDispatch, {}, clerk).ok());
    ids.push_back(id);
  }
  ASSERT_TRUE(Act(ids[1], Action::kSign, {}, handler).ok());  // signed already: the batch reports it
  int64_t elsewhere = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();  // not the handler's
  auto count = [&](const std::string& kind) {
    Db* db = *rt_->app().readers->Get();
    auto st = db->Prepare("SELECT COUNT(*) FROM events WHERE kind=?");
    st->Bind(1, kind);
    EXPECT_TRUE(*st->Step());
    return st->Int(0);
  };
  int64_t signs = count("case.sign");
  // Only the steps that ask for nothing go in a batch, and at most 100 cases.
  EXPECT_EQ(ParseBatch(json::object{{"action", "close"}, {"case_ids", json::array{ids[0]}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  json::array many;
  for (int i = 1; i <= 101; ++i) many.push_back(i);
  auto refused = ParseBatch(json::object{{"action", "sign"}, {"case_ids", many}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(FieldErrors(refused.status())[0].field, "case_ids");
  auto batch = ParseBatch(json::object{{"action", "sign"}, {"case_ids", json::array{ids[0], ids[1], ids[2], elsewhere, ids[0]}},
                                       {"note", "批量签收"}});
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->first.size(), 4u);  // the repeated id once
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    auto out = BatchTransition(tx, env_, batch->first, batch->second, handler);
    if (!out.ok()) return out.status();
    json::array a;
    for (auto& o : *out)
      a.push_back(json::object{{"ok", o.result.ok()}, {"code", o.result.ok() ? "" : StableCode(o.result.status())}});
    return a;
  });
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& a = r->as_array();
  ASSERT_EQ(a.size(), 4u);
  EXPECT_TRUE(a[0].at("ok").as_bool());
  EXPECT_FALSE(a[1].at("ok").as_bool());
  EXPECT_TRUE(a[2].at("ok").as_bool());
  EXPECT_FALSE(a[3].at("ok").as_bool());
  EXPECT_EQ(a[3].at("code").as_string(), "case.not_found");  // no hint that the other unit's case exists
  EXPECT_EQ(count("case.sign"), signs + 2);  // one event per case signed, none for the refused
  EXPECT_FALSE(Act(ids[0], Action::kSign, {}, handler).ok());
  EXPECT_FALSE(Act(ids[2], Action::kSign, {}, handler).ok());
}

}  // namespace
}  // namespace qf::cases
