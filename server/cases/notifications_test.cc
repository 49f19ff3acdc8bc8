// The bell tells each role what it must act on, on cases it can see, and finds it by index.
#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "cases/notifications.h"

namespace qf::cases {
namespace {

class NotificationsTest : public CasesTest {
 protected:
  std::vector<std::string> Kinds(const Principal& who) {
    auto n = Notifications(Reader(), who, clock_.Now(), 30);
    EXPECT_TRUE(n.ok()) << n.status();
    std::vector<std::string> out;
    if (n.ok())
      for (const auto& i : n->at("items").as_array()) out.emplace_back(i.at("kind").as_string());
    return out;
  }
};

TEST_F(NotificationsTest, EachRoleIsToldWhatItMustActOn) {
  Principal clerk = Staff(kClerk, divisions_["office"]), sup = Staff(kSupervisor, divisions_["discipline"]),
            handler = Staff(kHandler, divisions_["finance"]), elsewhere = Staff(kHandler, divisions_["basic_ed"]);
  // Sent back to the handling unit after its proposal.
  int64_t a = Register({.category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
  ASSERT_TRUE(Act(a, Action::kAccept, {}, clerk).ok());
  ASSERT_TRUE(Act(a, Action::kDispatch, {}, clerk).ok());
  ASSERT_TRUE(Act(a, Action::kSign, {}, handler).ok());
  ASSERT_TRUE(Act(a, Action::kVerify, {{"findings", "属实"}}, handler).ok());
  ASSERT_TRUE(Act(a, Action::kPropose, {{"outcome", "support"}, {"proposal", "退费"}}, handler).ok());
  ASSERT_TRUE(Act(a, Action::kSendBack, {{"reason", "核查不充分"}}, sup).ok());
  EXPECT_EQ(Kinds(handler), std::vector<std::string>{"send_back"});
  EXPECT_TRUE(Kinds(clerk).empty());
  // A supervision order goes to the handling unit.
  clock_.Advance(absl::Minutes(5));
  auto order = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(IssueOrder(tx, env_, a, {"请于3个工作日内办结", 3}, sup).status());
    return json::value();
  });
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(Kinds(handler), (std::vector<std::string>{"order", "send_back"}));  // newest first
  // A return approved goes back to intake, who must route the case again; the handler is not told.
  int64_t b = Register({.category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
  ASSERT_TRUE(Act(b, Action::kAccept, {}, clerk).ok());
  ASSERT_TRUE(Act(b, Action::kDispatch, {}, clerk).ok());
  ASSERT_TRUE(Act(b, Action::kRequestReturn, {{"reason", "不属本单位职责"}}, handler).ok());
  ASSERT_TRUE(Act(b, Action::kApproveReturn, {}, clerk).ok());
  EXPECT_EQ(Kinds(clerk), std::vector<std::string>{"approve_return"});
  EXPECT_EQ(Kinds(handler).size(), 2u);
  // Nothing about cases another unit handles.
  EXPECT_TRUE(Kinds(elsewhere).empty());
  // Older than 30 days: no longer on the bell.
  clock_.Advance(absl::Hours(24 * 31));
  EXPECT_TRUE(Kinds(handler).empty());
  EXPECT_TRUE(Kinds(clerk).empty());
}

TEST_F(NotificationsTest, FoundByIndex) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  for (const auto& [sql, index] : {std::pair{kBellCardsSql, "supervision_issued"}, std::pair{kBellReturnsSql, "events_case_returns"}}) {
    auto st = Reader().Prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    ASSERT_TRUE(st.ok()) << st.status();
    std::string plan;
    while (*st->Step()) plan += st->Text(3) + "\n";
    EXPECT_NE(plan.find(index), std::string::npos) << sql << ":\n" << plan;
  }
}

}  // namespace
}  // namespace qf::cases
