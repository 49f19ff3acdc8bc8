// Every shape of the case list uses an index for each filter given: EXPLAIN QUERY PLAN of the statements the list
// runs (PlanList) never scans the cases table whole, and a filter that picks few cases searches its own index
// instead of walking every case in the asked order (issue: the overdue list walked 178,000 cases for 6).
#include <gtest/gtest.h>

#include "cases/case_fixture.h"

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
    Expect({.q = "7K3M-9QXD-2HRT-B8WN4"}, who, "", w + "receipt");
    Expect({.q = "收费"}, who, "case_fts", w + "words");
    Expect({.q = "收费", .sort = "relevance"}, who, "case_fts", w + "words by relevance");
    Expect({.state = "dispatched", .channel = "web", .from = "2026-01-01"}, who, "", w + "combined");
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

}  // namespace
}  // namespace qf::cases
