#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "auth/auth_store.h"
#include "org/org.h"
#include "placement/placement.h"
#include "runtime/store_fixture.h"

namespace qf::placement {
namespace {

class PlacementStore : public StoreTest {};

// The console's applications of one state (the office's of every district, a district bureau's of its own) read an
// index in id order: never the year's every application, never a sort.
TEST_F(PlacementStore, TheApplicationsOfAStateAreReadFromAnIndexNewestFirst) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  for (bool by_district : {false, true}) {
    auto st = Reader().Prepare("EXPLAIN QUERY PLAN " + ApplicationsSql(by_district, true));
    ASSERT_TRUE(st.ok()) << st.status();
    int k = 1;
    st->Bind(k++, int64_t{2026});
    if (by_district) st->Bind(k++, std::string("瑶海区"));
    st->Bind(k++, std::string("submitted"));
    std::string all;
    while (*st->Step()) all += st->Text(3) + "\n";
    EXPECT_NE(all.find(by_district ? "INDEX placement_applications_district" : "INDEX placement_applications_state"),
              std::string::npos) << all;
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
  }
}

// A run of a small generated city: the office's supervisor requests it, the leader witnesses and draws.
class PlacementRun : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto policy = Policy::Load(std::string(QF_SOURCE_DIR) + "/data/placement/policy.toml");
    ASSERT_TRUE(policy.ok()) << policy.status();
    env_ = {std::make_shared<const Policy>(std::move(*policy)), App().vault,
            cases::CaseEnv{App().calendar, App().policies, App().vault}};
    city_ = GenerateCity({.schools = 8, .children = 400, .seat_ratio = 1.05, .seed = 11});
    auto run = Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
      QF_ASSIGN_OR_RETURN(int64_t bureau, org::InsertUnit(tx, {0, "JYJ", "市教育局", "bureau"}));
      auto account = [&](const char* user, RoleSet roles) {
        return auth::CreateAccount(tx, auth::NewAccount{user, user, 0, bureau, "x", roles, ""});
      };
      QF_ASSIGN_OR_RETURN(sup_.account_id, account("sup1", kSupervisor));
      sup_.roles = kSupervisor;
      QF_ASSIGN_OR_RETURN(leader_.account_id, account("lead1", kLeader));
      leader_.roles = kLeader;
      QF_RETURN_IF_ERROR(SeedDemo(tx, env_, city_, sup_.account_id, {}));
      QF_ASSIGN_OR_RETURN(auto requested, RequestRun(tx, env_, leader_.account_id, sup_));
      return requested.at("id");
    });
    ASSERT_TRUE(run.ok()) << run.status();
    run_ = run->as_int64();
  }
  // Each child's seat as stored: ref → school code ("" unplaced).
  std::map<std::string, std::string> Stored() {
    std::map<std::string, std::string> out;
    auto st = Reader().Prepare("SELECT a.ref, COALESCE(r.school, '') FROM placement_results r "
                               "JOIN placement_applications a ON a.id = r.application_id WHERE r.run_id = ?");
    EXPECT_TRUE(st.ok()) << st.status();
    st->Bind(1, run_);
    while (*st->Step()) out[st->Text(0)] = st->Text(1);
    return out;
  }
  PlacementEnv env_;
  GeneratedCity city_;
  Principal sup_, leader_;
  int64_t run_ = 0;
};

// The draw computed before the writer's command is what it stores when nothing changed; only the witness computes.
TEST_F(PlacementRun, ADrawComputedBeforeItsCommandIsStoredAsComputed) {
  EXPECT_EQ(ComputeDraw(Reader(), env_, run_, "见证 7", sup_).status().code(), absl::StatusCode::kPermissionDenied);
  auto computed = ComputeDraw(Reader(), env_, run_, "见证 7", leader_);
  ASSERT_TRUE(computed.ok()) << computed.status();
  EXPECT_TRUE(Stored().empty()) << "computing writes nothing";
  auto drawn = Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_ASSIGN_OR_RETURN(auto o, DrawRun(tx, env_, run_, "见证 7", leader_, *computed));
    return o;
  });
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  const DrawComputed& c = **computed;
  std::map<std::string, std::string> expected;
  for (size_t i = 0; i < c.in.children.size(); ++i)
    expected[c.in.children[i].ref] = c.result.seats[i].school >= 0 ? c.in.schools[c.result.seats[i].school].code : "";
  EXPECT_EQ(Stored(), expected);
  EXPECT_EQ(drawn->at("summary").at("placed").as_int64(), c.result.placed);
}

// Seats changed between the computation and the command: the command draws afresh from what it reads, so no child
// is seated on seats no longer approved (the computation, stored as it was, would have seated some there).
TEST_F(PlacementRun, ADrawWhoseInputsChangedMeanwhileIsComputedAgainInItsCommand) {
  auto computed = ComputeDraw(Reader(), env_, run_, "见证 7", leader_);
  ASSERT_TRUE(computed.ok()) << computed.status();
  const DrawComputed& c = **computed;
  // The school and grade the computation seated most children at.
  std::map<std::pair<int, int>, int> seated;
  for (size_t i = 0; i < c.in.children.size(); ++i)
    if (c.result.seats[i].school >= 0) ++seated[{c.result.seats[i].school, c.in.children[i].grade}];
  ASSERT_FALSE(seated.empty());
  auto most = std::max_element(seated.begin(), seated.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  const std::string code = c.in.schools[most.first].code;
  const int grade = most.second;
  // Entered again, the seats wait for approval: the school's grade is out of the run's inputs.
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
                QF_ASSIGN_OR_RETURN(auto o, SetSeats(tx, env_, code, grade, 5, sup_));
                return o;
              }).ok());
  auto drawn = Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_ASSIGN_OR_RETURN(auto o, DrawRun(tx, env_, run_, "见证 7", leader_, *computed));
    return o;
  });
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  std::map<std::string, int> grade_of;
  for (const Child& ch : c.in.children) grade_of[ch.ref] = ch.grade;
  int there = 0;
  for (auto& [ref, school] : Stored()) there += school == code && grade_of[ref] == grade;
  EXPECT_EQ(there, 0) << "children seated on " << code << "'s unapproved grade " << grade;
}

}  // namespace
}  // namespace qf::placement
