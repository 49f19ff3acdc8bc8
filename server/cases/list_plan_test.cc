// Every shape of the case list uses an index for each filter given: EXPLAIN QUERY PLAN of the statements the list
// runs (PlanList) never scans the cases table whole, and a filter that picks few cases searches its own index
// instead of walking every case in the asked order (issue: the overdue list walked 178,000 cases for 6). And a
// case's timeline is read from an index without the case's readings.
#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "common/timefmt.h"
#include "search/index.h"

namespace qf::cases {
namespace {

class ListPlanTest : public CasesTest {
 protected:
  // The plan's lines ("SEARCH c USING INDEX cases_state_received (state=?)", …) for one statement.
  std::vector<std::string> Plan(const std::string& sql, const ListQuery& q, bool page) {
    auto st = Reader().Prepare("EXPLAIN QUERY PLAN " + sql);
    EXPECT_TRUE(st.ok()) << st.status();
    if (!st.ok()) return {};
    st->BindAll(page ? q.args : q.count_args);
    if (page) st->Bind(static_cast<int>(q.args.size()) + 1, 20).Bind(static_cast<int>(q.args.size()) + 2, 0);
    std::vector<std::string> out;
    while (*st->Step()) out.push_back(st->Text(3));
    return out;
  }
  // Both statements of the list for `f` as seen by `who`; fails the test on a whole scan of cases, and, when
  // `searched` is given, unless that index (or primary key) is searched.
  void Expect(const ListFilter& f, const Principal& who, const std::string& searched, const std::string& label) {
    // A handler's subtree handles few cases in this fixture: they are listed first and the page is read by key.
    // (A filter on a handling unit is its own index's.)
    std::string want = who.Has(kHandler) && searched.starts_with("USING INDEX cases_") &&
                               searched != "USING INDEX cases_handling"
                           ? "SEARCH c USING INTEGER PRIMARY KEY"
                           : searched;
    auto q = PlanList(Reader(), f, who, clock_.Now());
    ASSERT_TRUE(q.ok()) << q.status();
    for (bool page : {false, true}) {
      auto lines = Plan(page ? q->page_sql : q->count_sql, *q, page);
      std::string all;
      for (auto& l : lines) all += "  " + l + "\n";
      // A capped count may walk cases when nothing filters them: it stops at the cap.
      bool bounded = !page && searched.empty();
      for (auto& l : lines)
        if (!bounded) EXPECT_NE(l, "SCAN c") << label << (page ? " page" : " count") << ":\n" << all;
      if (!want.empty())
        EXPECT_NE(all.find(want), std::string::npos)
            << label << (page ? " page" : " count") << " should use " << want << ":\n" << all;
    }
  }
};

TEST_F(ListPlanTest, EveryFilterUsesItsIndex) {
  // SQLite's planner takes the query as written, so the shape decides; PostgreSQL's weighs its statistics, which a
  // test database of a few cases does not have (the scale benchmark measures it instead).
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  Principal clerk = Staff(kClerk, divisions_["office"]);
  Principal district_handler = Staff(kHandler, district_, district_clerk_);
  Principal school_handler = Staff(kHandler, school_, principal_);
  for (const auto& [who, name] : {std::pair{sup, "supervisor"}, std::pair{clerk, "clerk"},
                                  std::pair{district_handler, "district handler"},
                                  std::pair{school_handler, "school handler"}}) {
    std::string w = std::string(name) + " ";
    Expect({}, who, "", w + "newest first");
    Expect({.state = "dispatched"}, who, "USING INDEX cases_state_received", w + "state");
    Expect({.channel = "web"}, who, "USING INDEX cases_channel", w + "channel");
    Expect({.category = "fees"}, who, "USING INDEX cases_category", w + "category");
    Expect({.district = "包河区"}, who, "USING INDEX cases_district", w + "district");
    Expect({.unit_id = school_}, who, "USING INDEX cases_handling", w + "handling unit");
    Expect({.from = "2026-01-01", .to = "2026-01-31"}, who, "USING INDEX cases_received", w + "received range");
    Expect({.overdue = true}, who, "USING INDEX case_deadlines_open", w + "overdue");
    Expect({.overdue = true, .mine = true}, who, "USING INDEX case_deadlines_open", w + "overdue and mine");
    Expect({.due_by = absl::CivilDay(2026, 6, 1), .mine = true}, who, "USING INDEX case_deadlines_open",
           w + "near or past a deadline, and mine (my work's cards)");
    Expect({.q = "7K3M-9QXD-2HRT-B8WN4"}, who, "", w + "receipt");
    Expect({.q = "收费"}, who, "case_fts", w + "words");
    Expect({.q = "收费", .sort = "relevance"}, who, "case_fts", w + "words by relevance");
    Expect({.state = "dispatched", .channel = "web", .from = "2026-01-01"}, who, "", w + "combined");
  }
  // The overdue cases among one's waiting ones are found from the open deadlines, in the count too: no walk of a
  // waiting state's cases (a clerk's count walked every registered case, 115 ms at 163,000 cases).
  for (const auto& [who, name] : {std::pair{sup, "supervisor"}, std::pair{clerk, "clerk"}}) {
    for (const ListFilter& f : {ListFilter{.overdue = true, .mine = true},
                                ListFilter{.due_by = absl::CivilDay(2026, 6, 1), .mine = true}}) {
      auto q = PlanList(Reader(), f, who, clock_.Now());
      ASSERT_TRUE(q.ok()) << q.status();
      for (bool page : {false, true}) {
        std::string all;
        for (auto& l : Plan(page ? q->page_sql : q->count_sql, *q, page)) all += "  " + l + "\n";
        EXPECT_NE(all.find("SEARCH c USING INTEGER PRIMARY KEY"), std::string::npos) << name << ":\n" << all;
        EXPECT_EQ(all.find("cases_state"), std::string::npos) << name << (page ? " page" : " count") << ":\n" << all;
      }
    }
  }
  // A handler whose subtree handles few cases: those cases are listed first (by the handling-unit index) and the
  // page is chosen among them by key, whatever else is filtered, rather than a state's or a category's cases across
  // the city being walked in order (bench/scale at 10^6).
  for (const auto& [who, name] : {std::pair{district_handler, "district handler"},
                                  std::pair{school_handler, "school handler"}}) {
    for (const ListFilter& f : {ListFilter{}, ListFilter{.state = "registered"}, ListFilter{.category = "fees"},
                                ListFilter{.state = "registered", .category = "fees", .from = "2026-01-01"}}) {
      auto q = PlanList(Reader(), f, who, clock_.Now());
      ASSERT_TRUE(q.ok()) << q.status();
      std::string all;
      for (auto& l : Plan(q->page_sql, *q, true)) all += "  " + l + "\n";
      EXPECT_NE(all.find("SEARCH c USING INTEGER PRIMARY KEY"), std::string::npos)
          << name << " " << f.state << f.category << ":\n" << all;
      for (const char* walked : {"cases_state", "cases_category", "cases_received"})
        EXPECT_EQ(all.find(walked), std::string::npos) << name << " " << f.state << f.category << ":\n" << all;
    }
  }
}

// A word in more cases than the index lists (kRareMatches) is common: newest first, the list reads the page from its
// newest matches when it can prove that is the whole list's page, else walks. The answer must be the same either
// way — here one case numbered among the first was received after nearly all (as rows copied from another
// system can be), so the pages that should hold it can only be had by the walk.
TEST_F(ListPlanTest, CommonWordNewestFirstIsTheWholeListsPage) {
  constexpr int kCases = 5100;
  absl::Time start = clock_.Now() - absl::Hours(24 * 30);
  std::vector<std::pair<std::string, int64_t>> expected;  // (received_at, id) of every match
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
        "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, created_at, anonymous) "
        "VALUES (?, 'web', 'fees', 'complaint', 'registered', ?, ?, ?, ?, 1) RETURNING id"));
    for (int i = 0; i < kCases + 50; ++i) {
      bool word = i < kCases;  // the last 50 do not hold it
      // Case 3 (numbered among the first) received between the 15th and 16th newest matches.
      absl::Time at = i == 3 ? start + absl::Minutes(kCases - 15) - absl::Seconds(30) : start + absl::Minutes(i);
      st.Reset().Bind(1, "T" + std::to_string(i)).Bind(2, std::string(word ? "收取资料费" : "其他问题"))
          .Bind(3, std::string(word ? "学校收取资料费" : "食堂卫生")).Bind(4, FormatUtc(at)).Bind(5, FormatUtc(at));
      QF_ASSIGN_OR_RETURN(auto id, st.Ints());
      QF_RETURN_IF_ERROR(search::IndexCase(tx.db(), id.at(0)));
      if (word) expected.push_back({FormatUtc(at), id.at(0)});
    }
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  std::sort(expected.rbegin(), expected.rend());
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  for (const auto& [sort, offset] : {std::pair{"received_at", 0}, std::pair{"received_at", 10},
                                     std::pair{"received_at", 40}, std::pair{"id", 0}}) {
    ListFilter f{.q = "资料费", .sort = sort, .offset = offset, .limit = 20};
    auto l = List(Reader(), env_, f, sup, clock_.Now());
    ASSERT_TRUE(l.ok()) << l.status();
    std::vector<int64_t> got, want;
    for (auto& it : l->at("items").as_array()) got.push_back(it.at("id").as_int64());
    std::vector<int64_t> order;
    for (auto& [at, id] : expected) order.push_back(id);
    if (std::string(sort) == "id") std::sort(order.rbegin(), order.rend());
    want.assign(order.begin() + offset, order.begin() + offset + 20);
    EXPECT_EQ(got, want) << sort << " from " << offset;
    EXPECT_EQ(l->at("total").as_int64(), 200) << "counted up to the cap";
    EXPECT_TRUE(l->at("total_capped").as_bool());
  }
}

// A handler's page counts the cases of their subtree as it sorts them (ListQuery::page_counts): the total is the
// same on every page, past the last one too (where no row carries it and it is counted apart), and leaves out
// the cases handled elsewhere.
TEST_F(ListPlanTest, AHandlersPagesCarryTheirTotal) {
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
        "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, created_at, anonymous, "
        "handling_unit_id) VALUES (?, 'web', 'fees', 'complaint', 'dispatched', 'T', 'C', ?, ?, 1, ?)"));
    for (int i = 0; i < 12; ++i) {
      std::string at = FormatUtc(clock_.Now() - absl::Hours(i + 1));
      int64_t unit = i < 5 ? school_ : i < 7 ? district_ : city_school_;  // 7 in the district's subtree
      st.Reset().Bind(1, "H" + std::to_string(i)).Bind(2, at).Bind(3, at).Bind(4, unit);
      QF_RETURN_IF_ERROR(st.Step().status());
    }
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  Principal handler = Staff(kHandler, district_, district_clerk_);
  ASSERT_TRUE(PlanList(Reader(), ListFilter{.limit = 3}, handler, clock_.Now())->page_counts);
  for (int offset : {0, 3, 6, 9}) {
    auto l = List(Reader(), env_, ListFilter{.offset = offset, .limit = 3}, handler, clock_.Now());
    ASSERT_TRUE(l.ok()) << l.status();
    EXPECT_EQ(l->at("total").as_int64(), 7) << "from " << offset;
    EXPECT_EQ(static_cast<int>(l->at("items").as_array().size()), std::max(0, std::min(3, 7 - offset))) << offset;
  }
  auto dispatched = List(Reader(), env_, ListFilter{.state = "dispatched", .limit = 3}, handler, clock_.Now());
  ASSERT_TRUE(dispatched.ok());
  EXPECT_EQ(dispatched->at("total").as_int64(), 7);
  auto none = List(Reader(), env_, ListFilter{.state = "closed", .limit = 3}, handler, clock_.Now());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->at("total").as_int64(), 0);
}

// A case's page shows its timeline from an index that leaves its readings out: every opening of a case by staff is
// an event of the case (访问留痕), and a case opened a thousand times made its page walk them all to skip them.
TEST_F(ListPlanTest, TheTimelineNeverWalksTheReadings) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  auto st = Reader().Prepare("EXPLAIN QUERY PLAN " + TimelineSql());
  ASSERT_TRUE(st.ok()) << st.status();
  st->Bind(1, Subject(1));
  std::string all;
  while (*st->Step()) all += st->Text(3) + "\n";
  EXPECT_NE(all.find("SEARCH e USING INDEX events_subject_timeline (subject=?)"), std::string::npos) << all;
}

}  // namespace
}  // namespace qf::cases
