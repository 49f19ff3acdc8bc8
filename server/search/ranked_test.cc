// The relevance cut on the database the suite runs on (SQLite, or PostgreSQL under tests/with-pg.sh): a word with
// more matches than the cut gives its newest matches (PostgreSQL walks the case numbers backwards for a word of four
// characters or more), a word with fewer gives them all, and the members' list is the scored list's rows.
#include <gtest/gtest.h>

#include <set>

#include "runtime/store_fixture.h"
#include "common/status.h"
#include "search/index.h"

namespace qf::search {
namespace {

namespace json = boost::json;

class RankedCut : public StoreTest {};

std::vector<int64_t> Ids(Db& db, const std::string& sql, const std::vector<std::variant<int64_t, std::string>>& args) {
  auto st = db.Prepare("SELECT fid FROM " + sql + " m ORDER BY fid DESC");
  EXPECT_TRUE(st.ok()) << st.status();
  std::vector<int64_t> out;
  if (!st.ok()) return out;
  st->BindAll(args);
  while (true) {
    auto row = st->Step();
    EXPECT_TRUE(row.ok()) << row.status();
    if (!row.ok() || !*row) break;
    out.push_back(st->Int(0));
  }
  return out;
}

TEST_F(RankedCut, TheNewestMatchesOfACommonWordAndEveryMatchOfARareOne) {
  std::vector<int64_t> fees;  // the cases that name 有偿补课, in registration order
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    const char* texts[] = {"老师周末有偿补课三百元", "食堂饭菜太贵", "初二年级有偿补课", "有偿补课没有收据",
                           "校服价格过高", "又在有偿补课了", "有偿补课每人两百元"};
    int n = 0;
    for (const char* text : texts) {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, created_at, anonymous) "
          "VALUES (?, 'zmztc', 'fees', 'complaint', 'registered', '反映问题', ?, '2026-04-30T02:00:00Z', "
          "'2026-04-30T02:00:00Z', 1)"));
      st.Bind(1, "R" + std::to_string(n++)).Bind(2, std::string(text));
      QF_RETURN_IF_ERROR(st.Run());
      int64_t id = tx.db().LastInsertId();
      QF_RETURN_IF_ERROR(IndexCase(tx.db(), id));
      if (std::string_view(text).find("有偿补课") != std::string_view::npos) fees.push_back(id);
    }
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(fees.size(), 5u);
  Db& db = Reader();
  auto query = Query(db.backend(), "有偿补课");
  ASSERT_TRUE(query.has_value());
  std::vector<int64_t> newest(fees.rbegin(), fees.rend());
  // More matches than the cut: the three newest.
  auto common = RankedMatches(db, "有偿补课", *query, 3);
  ASSERT_TRUE(common.ok()) << common.status();
  std::vector<int64_t> three(newest.begin(), newest.begin() + 3);
  EXPECT_EQ(Ids(db, common->sql, common->args), three);
  EXPECT_EQ(Ids(db, common->members_sql, common->members_args), three);
  // Fewer: all of them.
  auto rare = RankedMatches(db, "有偿补课", *query, 10);
  ASSERT_TRUE(rare.ok()) << rare.status();
  EXPECT_EQ(Ids(db, rare->sql, rare->args), newest);
  EXPECT_EQ(Ids(db, rare->members_sql, rare->members_args), newest);
  if (!OnPostgres()) return;
  // The plans, with the whole-table scan ruled out as a 10^6 table would: a common word walks the case numbers, a
  // rare one uses the GIN index.
  ASSERT_TRUE(db.Exec("SET enable_seqscan = off").ok());
  auto plan = [&](const Ranked& ranked) {
    std::string out;
    auto st = db.Prepare("EXPLAIN SELECT fid FROM " + ranked.sql + " m");
    EXPECT_TRUE(st.ok()) << st.status();
    if (!st.ok()) return out;
    st->BindAll(ranked.args);
    while (true) {
      auto row = st->Step();
      if (!row.ok() || !*row) break;
      out += st->Text(0) + "\n";
    }
    return out;
  };
  std::string walked = plan(*common), listed = plan(*rare);
  EXPECT_EQ(walked.find("case_search_doc"), std::string::npos) << walked;
  EXPECT_NE(walked.find("case_search_pkey"), std::string::npos) << walked;
  EXPECT_NE(listed.find("case_search_doc"), std::string::npos) << listed;
  ASSERT_TRUE(db.Exec("RESET enable_seqscan").ok());
}

}  // namespace
}  // namespace qf::search
