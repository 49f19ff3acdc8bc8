// The dashboard's rollups (kept by triggers) answer exactly what GROUP BY over the case rows answers: after the
// demo half-year (thousands of inserts and transitions), after edits to the keys, and after deletions.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "cases/cases.h"
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
    EXPECT_EQ(Flatten(*a), Flatten(*b)) << from << ".." << to;
  }
  void Sql(const std::string& sql) {
    auto r = rt_->writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(tx.db().Exec(sql));
      return json::value();
    });
    ASSERT_TRUE(r.ok()) << r.status();
  }
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 1, 1, 8, 0, 0), Cst())};
  std::string path_;
  std::unique_ptr<Runtime> rt_;
};

TEST_F(RollupTest, EqualsGroupByAfterTheDemoEditsAndDeletions) {
  for (auto [f, t] : {std::pair{"2026-01-01", "2026-06-30"}, std::pair{"2026-02-10", "2026-02-10"},
                      std::pair{"2026-03-15", "2026-05-20"}, std::pair{"2025-01-01", "2027-12-31"}})
    ExpectSame(f, t);
  Db* db = *rt_->app().readers->Get();
  auto before = Dashboard(*db, "2026-01-01", "2026-06-30", clock_.Now());
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->at("total").as_int64(), 558);
  // Keys and measures change under the rollup: district, channel, satisfaction, reply time, a state.
  Sql("UPDATE cases SET district='蜀山区' WHERE id % 7 = 0");
  Sql("UPDATE cases SET channel='visit', satisfaction=2 WHERE id % 11 = 0");
  Sql("UPDATE cases SET replied_at=NULL WHERE id % 13 = 0");
  Sql("UPDATE cases SET state='closed' WHERE state='replied' AND id % 3 = 0");
  Sql("UPDATE case_deadlines SET status='missed' WHERE kind='handling' AND status='met' AND case_id % 5 = 0");
  ExpectSame("2026-01-01", "2026-06-30");
  for (const char* t : {"case_deadlines", "case_messages", "supervision", "case_people", "reporters", "case_attachments"})
    Sql(std::string("DELETE FROM ") + t + " WHERE case_id IN (SELECT id FROM cases WHERE id % 17 = 0)");
  Sql("DELETE FROM cases WHERE id % 17 = 0");
  ExpectSame("2026-01-01", "2026-06-30");
  ExpectSame("2026-04-01", "2026-04-30");
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
