// The discipline office's access log across cases (访问留痕): every read, file and identity opened, newest first,
// paged without loss or repeat however the kinds interleave, narrowed by kind, person and days, without the cases
// the caller may not see, and read through its partial indexes.
#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "common/timefmt.h"

namespace qf::cases {
namespace {

class AccessLogTest : public CasesTest {
 protected:
  // `account` reads case `id` as the API records it.
  void Read(int64_t id, int64_t account) {
    Principal who = Staff(kSupervisor, divisions_["discipline"]);
    who.account_id = account;
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(RecordCaseRead(tx, id, who));
      return json::value();
    }, Actor::Account(account));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // An event of another kind of read, appended as its command would.
  void Opened(std::string_view kind, int64_t id, int64_t account) {
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(tx.Append(kind, Subject(id), {{"reason", "核实举报线索"}}).status());
      return json::value();
    }, Actor::Account(account));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // Every row `q` lists, page after page, as (seq, kind, case id).
  std::vector<std::tuple<int64_t, std::string, int64_t>> All(AccessQuery q, const Principal& who) {
    std::vector<std::tuple<int64_t, std::string, int64_t>> out;
    for (int page = 0; page < 100; ++page) {
      auto r = AccessLogAcross(Reader(), q, who);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      for (auto& v : r->at("items").as_array())
        out.emplace_back(v.at("seq").as_int64(), std::string(v.at("kind").as_string()), v.at("case_id").as_int64());
      if (!r->contains("next_before")) break;
      q.before = r->at("next_before").as_int64();
    }
    return out;
  }
  // The same rows straight from the events, newest first.
  std::vector<std::tuple<int64_t, std::string, int64_t>> Expected(std::string_view where) {
    auto st = Reader().Prepare(
        "SELECT seq, kind, CAST(substr(subject, 6) AS INTEGER) FROM events WHERE kind IN ('case.viewed', "
        "'case.attachment_opened', 'reporter.identity_opened') " + std::string(where) + " ORDER BY seq DESC");
    EXPECT_TRUE(st.ok()) << st.status();
    std::vector<std::tuple<int64_t, std::string, int64_t>> out;
    while (*st->Step()) out.emplace_back(st->Int(0), st->Text(1), st->Int(2));
    return out;
  }
};

TEST_F(AccessLogTest, PagesEveryReadOnceNewestFirstByKindPersonAndDay) {
  int64_t a = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  int64_t b = Register({.category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
  // Kinds interleaved unevenly over two days and two people: many reads, a few files, one identity.
  for (int i = 0; i < 23; ++i) {
    Read(i % 2 ? a : b, 7 + i % 2);
    if (i % 5 == 0) Opened("case.attachment_opened", a, 8);
    if (i == 11) {
      Opened("reporter.identity_opened", b, 7);
      clock_.Advance(absl::Hours(24));
    }
  }
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  for (int limit : {1, 2, 3, 50}) {
    EXPECT_EQ(All({.limit = limit}, sup), Expected("")) << "limit " << limit;
    EXPECT_EQ(All({.kind = "reporter.identity_opened", .limit = limit}, sup),
              Expected("AND kind = 'reporter.identity_opened'"));
    EXPECT_EQ(All({.account_id = 8, .limit = limit}, sup), Expected("AND actor = 'account:8'"));
    EXPECT_EQ(All({.kind = "case.viewed", .account_id = 7, .limit = limit}, sup),
              Expected("AND actor = 'account:7' AND kind = 'case.viewed'"));
  }
  EXPECT_EQ(Expected("").size(), 23u + 5u + 1u);
  absl::CivilDay first = CstDay(clock_.Now()) - 1;
  std::string day1 = "AND time < '" + FormatUtc(CstStart(first + 1)) + "'";
  EXPECT_EQ(All({.from = first, .to = first, .limit = 4}, sup), Expected(day1));
  EXPECT_EQ(All({.from = first + 1, .limit = 4}, sup),
            Expected("AND time >= '" + FormatUtc(CstStart(first + 1)) + "'"));
  EXPECT_TRUE(All({.from = first - 30, .to = first - 1}, sup).empty());
  // The first page says who, their unit, what and which case.
  auto page = AccessLogAcross(Reader(), {.kind = "reporter.identity_opened"}, sup);
  ASSERT_TRUE(page.ok());
  auto& row = page->at("items").as_array().at(0).as_object();
  EXPECT_EQ(row.at("label").as_string(), "查看实名信息");
  EXPECT_EQ(row.at("detail").as_string(), "理由：核实举报线索");
  EXPECT_EQ(row.at("reason").as_string(), "核实举报线索");  // as data, for the UI to introduce in its language
  EXPECT_EQ(row.at("case_id").as_int64(), b);
  EXPECT_EQ(row.at("case_title").as_string(), "测试");
}

TEST_F(AccessLogTest, LeavesOutTheCasesTheCallerMayNotSee) {
  int64_t open = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  int64_t walled = Register({.category = "fees", .concerned_unit_id = school_, .leadership_accused = true})["id"].as_int64();
  // Reads of the walled case above and below the one of the open case: the pages skip them (several chunks).
  for (int i = 0; i < 30; ++i) Read(walled, 7);
  Read(open, 7);
  for (int i = 0; i < 5; ++i) Read(walled, 7);
  Principal district = Staff(kHandler, district_, district_clerk_);
  ASSERT_FALSE(Sees(walled, district));
  ASSERT_TRUE(Sees(open, district));
  auto rows = All({.limit = 2}, district);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<2>(rows[0]), open);
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  EXPECT_EQ(All({.limit = 2}, sup).size(), 36u);
}

// Each shape of the query reads its partial index, never every event.
TEST_F(AccessLogTest, ReadsThroughItsIndexes) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  for (auto [by_account, by_kind, index] : {std::tuple{false, true, "events_reads (kind=? AND seq>? AND seq<?)"},
                                            std::tuple{true, false, "events_reads_by (actor=? AND seq>? AND seq<?)"},
                                            std::tuple{true, true, "events_reads_by (actor=? AND seq>? AND seq<?)"}}) {
    auto st = Reader().Prepare("EXPLAIN QUERY PLAN " + AccessLogSql(by_account, by_kind));
    ASSERT_TRUE(st.ok()) << st.status();
    std::string all;
    while (*st->Step()) all += st->Text(3) + "\n";
    EXPECT_NE(all.find("SEARCH e USING INDEX " + std::string(index)), std::string::npos) << all;
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace qf::cases
