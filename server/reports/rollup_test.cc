// The dashboard's rollups (kept by the application in each command's transaction) answer exactly what GROUP BY
// over the case rows answers: after the demo half-year (thousands of registrations and transitions) and after
// later ratings, 重办 and failed real-name checks.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "cases/cases.h"
#include "cases/stats_oracle.h"
#include "demo/demo.h"
#include "common/timefmt.h"
#include "reports/dashboard.h"
#include "reports/documents.h"

namespace qf::reports {
namespace {

namespace json = boost::json;

// A comparable form: arrays of {code, count} become maps (ties may be ordered differently), numbers as doubles.
std::map<std::string, std::string> Flatten(const json::object& o) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : o) {
    if (v.is_array()) {
      for (auto& item : v.as_array())
        out[std::string(k) + "." + std::string(item.at("code").as_string())] =
            std::to_string(item.at("count").to_number<int64_t>()) + " " + std::string(item.at("label").as_string());
    } else if (v.is_number()) {
      out[std::string(k)] = std::to_string(v.to_number<double>());
    } else {
      out[std::string(k)] = json::serialize(v);
    }
  }
  return out;
}

class RollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() / ("qf_rollup_" + std::to_string(::getpid()) + ".db")).string();
    for (auto ext : {"", "-wal", "-shm", ".ledger.key", ".vault.key"}) std::filesystem::remove(path_ + ext);
    auto rt = Runtime::Open({path_, std::string(QF_SOURCE_DIR) + "/data", {}}, clock_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
    ASSERT_TRUE(demo::Build(*rt_, clock_).ok());
  }
  void TearDown() override {
    rt_.reset();
    for (auto ext : {"", "-wal", "-shm", ".ledger.key", ".vault.key"}) std::filesystem::remove(path_ + ext);
  }
  void ExpectSame(const std::string& from, const std::string& to) {
    Db* db = *rt_->app().readers->Get();
    auto a = Dashboard(*db, from, to, clock_.Now());
    auto b = cases::StatsFromCases(*db, from, to, clock_.Now());
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    auto fa = Flatten(*a), fb = Flatten(*b);
    std::string diff;
    for (auto& [k, v] : fa)
      if (!fb.count(k) || fb[k] != v) diff += k + ": " + v + " vs " + (fb.count(k) ? fb[k] : "(none)") + "\n";
    for (auto& [k, v] : fb)
      if (!fa.count(k)) diff += k + ": (none) vs " + v + "\n";
    EXPECT_EQ(diff, "") << from << ".." << to;
  }
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 1, 1, 8, 0, 0), Cst())};
  std::string path_;
  std::unique_ptr<Runtime> rt_;
};

TEST_F(RollupTest, EqualsGroupByAfterTheDemoAndLaterChanges) {
  for (auto [f, t] : {std::pair{"2026-01-01", "2026-06-30"}, std::pair{"2026-02-10", "2026-02-10"},
                      std::pair{"2026-03-15", "2026-05-20"}, std::pair{"2025-01-01", "2027-12-31"}})
    ExpectSame(f, t);
  Db* db = *rt_->app().readers->Get();
  auto before = Dashboard(*db, "2026-01-01", "2026-06-30", clock_.Now());
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->at("total").as_int64(), 558);
  // Measures and keys change through the application: reporters rate replies (1 or 5, over the follow-up call's
  // rating), a supervisor sends a 不满意 reply back for 重办, named reporters fail the real-name check, open items
  // are accepted. The rollups are derived data kept by the application, so they follow every one of these.
  cases::CaseEnv env{rt_->app().calendar, rt_->app().policies, rt_->app().vault};
  auto ids = [&](const std::string& sql) {
    auto st = db->Prepare(sql);
    EXPECT_TRUE(st.ok());
    return *st->Ints();
  };
  auto run = [&](std::function<absl::Status(Tx&)> f) {
    auto r = rt_->writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(f(tx));
      return json::value();
    });
    EXPECT_TRUE(r.ok()) << r.status();
  };
  Principal sup{1, "supervisor", "督办", 0, 0, kSupervisor | kClerk};
  auto replied = ids("SELECT id FROM cases WHERE state IN ('replied','revisited','closed') AND id % 4 = 0 ORDER BY id LIMIT 40");
  ASSERT_GT(replied.size(), 20u);
  for (size_t i = 0; i < replied.size(); ++i) {
    auto receipt = db->Prepare("SELECT receipt FROM cases WHERE id=?");
    receipt->Bind(1, replied[i]);
    ASSERT_TRUE(*receipt->Step());
    std::string code = receipt->Text(0);
    cases::PublicRequest rate{cases::PublicActionKind::kRate, "", i % 3 == 0 ? 1 : 5, ""};
    run([&](Tx& tx) { return cases::PublicAction(tx, env, code, rate); });
  }
  for (int64_t id : ids("SELECT id FROM cases WHERE state IN ('replied','revisited') AND satisfaction <= 2 LIMIT 3")) {
    cases::TransitionRequest redo;
    redo.action = cases::Action::kRedo;
    redo.text = "反映人不满意，重新核查";
    run([&](Tx& tx) { return cases::Transition(tx, env, id, redo, sup).status(); });
  }
  for (int64_t id : ids("SELECT id FROM cases WHERE anonymous = 0 AND state NOT IN ('closed','final','declined','merged') LIMIT 10")) {
    cases::TransitionRequest fail;
    fail.action = cases::Action::kVerifyRealName;
    fail.verified = false;
    auto r = rt_->writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(cases::Transition(tx, env, id, fail, sup).status());
      return json::value();
    });
    (void)r;  // refused in states where the check is not offered; the rollups must hold either way
  }
  ExpectSame("2026-01-01", "2026-06-30");
  ExpectSame("2026-04-01", "2026-04-30");
  auto after = Dashboard(*db, "2026-01-01", "2026-06-30", clock_.Now());
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->at("satisfied").as_int64(), before->at("satisfied").as_int64());
}

// The summary's statistics sentence states the seed's figures, in the seed's words and order.
TEST_F(RollupTest, SummarySentenceStatesTheSeedFigures) {
  Db* db = *rt_->app().readers->Get();
  auto p = ParseHalf("2026H1");
  ASSERT_TRUE(p.ok());
  auto s = ChannelSentence(*db, *p, clock_.Now());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s, "上半年共受理“政民直通车”投诉举报239件，市长热线转办件9件，来信来电咨询投诉300件，"
                "省教育信息网“规范办学行为信息平台”投诉件5件，省治理教育乱收费通报转办件2件，重要舆情舆论3件");
  auto doc = SummaryDocx(*db, std::string(QF_SOURCE_DIR) + "/data", *p, clock_.Now());
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->substr(0, 2), "PK");
}

TEST(Periods, HalvesAndQuarters) {
  auto h = ParseHalf("2026H2");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->from, "2026-07-01");
  EXPECT_EQ(h->to, "2026-12-31");
  EXPECT_EQ(h->name, "下半年");
  auto q = ParseQuarter("2024Q1");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->to, "2024-03-31");
  EXPECT_EQ(ParseQuarter("2026Q4")->to, "2026-12-31");
  EXPECT_EQ(ParseQuarter("2026Q2")->name, "第二季度");
  EXPECT_FALSE(ParseQuarter("2026Q5").ok());
  EXPECT_FALSE(ParseHalf("2026H3").ok());
  EXPECT_FALSE(ParseHalf("26H1").ok());
}

}  // namespace
}  // namespace qf::reports
