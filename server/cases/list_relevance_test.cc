// Relevance over every match (issue: the console ranked only a common word's newest 2,000 matches): the list by
// relevance must give exact BM25's top pages — the backend's own ranking function run over every match — for a
// common word once its champion list is built, for filters that pick few cases at once, and for the matches
// registered after the list was built; a redacted case leaves the lists that held it. On the database the suite
// runs on (SQLite, or PostgreSQL under tests/with-pg.sh).
#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "common/timefmt.h"
#include "search/champions.h"
#include "search/index.h"

namespace qf::cases {
namespace {

constexpr int kCases = 5400;  // more than a word may have to be "rare" (cases/list.cc: kRareMatches)
constexpr int kBest = 40;     // the oldest cases, which rank best

class ListRelevanceTest : public CasesTest {
 protected:
  void SetUp() override {
    CasesTest::SetUp();
    search::ChampionLists().Clear(Reader().path());
    // Builds run at once, on the reading connection, between the list's statements.
    search::ChampionLists().SetRunner([this](const std::string&, std::function<void(Db*)> build) {
      ++builds_;
      build(&Reader());
      return true;
    });
  }
  void TearDown() override {
    search::ChampionLists().SetRunner(nullptr);
    search::ChampionLists().Clear(Reader().path());
    CasesTest::TearDown();
  }

  // Registers the matches straight into the store (thousands of them), the oldest ranking best: the word in the
  // title (four times the weight) and repeated in short texts; the others once in texts of varying length.
  // Every third of the best and 300 others are handled by the school.
  void Fill() {
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, created_at, "
          "anonymous, handling_unit_id) VALUES (?, 'web', ?, 'complaint', 'registered', ?, ?, ?, ?, 1, ?) "
          "RETURNING id"));
      absl::Time start = clock_.Now() - absl::Hours(24 * 30);
      for (int i = 0; i < kCases; ++i) {
        std::string title = i < kBest ? "收取资料费" : "反映问题";
        std::string content = "学校收取资料费";
        for (int k = 0; k < (i < kBest ? i % 4 : 0); ++k) content += "，又是资料费";
        content += std::string(3 * (i < kBest ? i % 7 : i % 50), 'x');
        bool school = i < kBest ? i % 3 == 0 : i % 17 == 0 && i < 17 * 300;
        std::string at = FormatUtc(start + absl::Seconds(i));
        // Five cases of another category, old and ranking low: in neither the newest matches nor the list.
        bool meals = i >= 140 && i < 145;
        st.Reset().Bind(1, "T" + std::to_string(i)).Bind(2, std::string(meals ? "meals" : "fees")).Bind(3, title)
            .Bind(4, content).Bind(5, at).Bind(6, at);
        if (school) st.Bind(7, school_);
        else st.BindNull(7);
        QF_ASSIGN_OR_RETURN(auto id, st.Ints());
        QF_RETURN_IF_ERROR(search::IndexCase(tx.db(), id.at(0)));
        ids_.push_back(id.at(0));
        if (school) school_ids_.insert(id.at(0));
        if (meals) meal_ids_.insert(id.at(0));
      }
      return json::value();
    });
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Exact BM25's order of every match of `word` (SQLite's bm25(), PostgreSQL's ts_rank over every match), ties by
  // case number, among `among` when given.
  std::vector<int64_t> Exact(const std::string& word, const std::set<int64_t>& among = {}) {
    Db& db = Reader();
    auto match = search::Query(db.backend(), word);
    auto st = db.Prepare(OnPostgres()
        ? "SELECT case_id FROM case_search, CAST(? AS tsquery) AS q WHERE doc @@ q "
          "ORDER BY -ts_rank('{0.25,0.25,0.25,1}', doc, q, 1), case_id"
        : "SELECT rowid FROM case_fts WHERE case_fts MATCH ? ORDER BY bm25(case_fts, 4.0, 1.0), rowid");
    EXPECT_TRUE(st.ok()) << st.status();
    std::vector<int64_t> out;
    if (!st.ok()) return out;
    st->Bind(1, *match);
    auto all = st->Ints();
    EXPECT_TRUE(all.ok()) << all.status();
    for (int64_t id : *all)
      if (among.empty() || among.contains(id)) out.push_back(id);
    return out;
  }

  json::object Ranked(const Principal& who, int offset = 0, std::string category = "") {
    ListFilter f{.category = std::move(category), .q = "资料费", .sort = "relevance", .offset = offset, .limit = 20};
    auto l = List(Reader(), env_, f, who, clock_.Now());
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? *l : json::object{};
  }
  static std::vector<int64_t> Ids(const json::object& l) {
    std::vector<int64_t> out;
    for (auto& it : l.at("items").as_array()) out.push_back(it.at("id").as_int64());
    return out;
  }
  static std::vector<int64_t> Slice(const std::vector<int64_t>& v, size_t from, size_t n) {
    return {v.begin() + static_cast<long>(std::min(from, v.size())),
            v.begin() + static_cast<long>(std::min(from + n, v.size()))};
  }

  std::vector<int64_t> ids_;
  std::set<int64_t> school_ids_, meal_ids_;
  int builds_ = 0;
};

TEST_F(ListRelevanceTest, ACommonWordIsRankedOverEveryMatch) {
  Fill();
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  std::vector<int64_t> exact = Exact("资料费");
  ASSERT_EQ(exact.size(), static_cast<size_t>(kCases));
  // No list yet: ranked among the newest matches (which the best, the oldest, are not among), and one is built.
  json::object first = Ranked(sup);
  EXPECT_EQ(first.at("relevance").as_string(), "newest");
  EXPECT_NE(Ids(first), Slice(exact, 0, 20)) << "the newest matches alone would not find the best";
  EXPECT_EQ(builds_, 1);
  // With the list: exact BM25's pages.
  for (int offset : {0, 20, 100}) {
    json::object l = Ranked(sup, offset);
    EXPECT_EQ(l.at("relevance").as_string(), "all") << offset;
    EXPECT_EQ(Ids(l), Slice(exact, offset, 20)) << "from " << offset;
    EXPECT_EQ(l.at("total").as_int64(), 200);
    EXPECT_TRUE(l.at("total_capped").as_bool());
  }
  EXPECT_EQ(builds_, 1) << "a fresh list is not built again";

  // A case registered after the list was built, better than most: among the first.
  int64_t newest = 0;
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
        "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, created_at, anonymous) "
        "VALUES ('NEW', 'web', 'fees', 'complaint', 'registered', '资料费资料费', '资料费，资料费，资料费', ?, ?, 1) "
        "RETURNING id"));
    st.Bind(1, FormatUtc(clock_.Now())).Bind(2, FormatUtc(clock_.Now()));
    QF_ASSIGN_OR_RETURN(auto id, st.Ints());
    newest = id.at(0);
    QF_RETURN_IF_ERROR(search::IndexCase(tx.db(), newest));
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<int64_t> top = Slice(Exact("资料费"), 0, 20);
  ASSERT_NE(std::find(top.begin(), top.end(), newest), top.end()) << "the new case ranks among the best";
  json::object after = Ranked(sup);
  EXPECT_EQ(after.at("relevance").as_string(), "all");
  EXPECT_EQ(Ids(after), top);

  // The best case redacted: the lists holding it are dropped (ranked among the newest again, while one is built),
  // and the list built again leaves it out.
  int64_t best = exact.front();
  r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE cases SET title='反映问题', content='学校收费' WHERE id=?"));
    QF_RETURN_IF_ERROR(st.Bind(1, best).Run());
    QF_RETURN_IF_ERROR(search::IndexCase(tx.db(), best));
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Ranked(sup).at("relevance").as_string(), "newest");
  json::object rebuilt = Ranked(sup);
  EXPECT_EQ(rebuilt.at("relevance").as_string(), "all");
  std::vector<int64_t> now = Ids(rebuilt);
  EXPECT_EQ(std::find(now.begin(), now.end(), best), now.end());
  EXPECT_EQ(now, Slice(Exact("资料费"), 0, 20));
}

TEST_F(ListRelevanceTest, FiltersThatPickFewCasesScoreEachOfTheirMatches) {
  Fill();
  // The school's handler sees its few hundred cases: each is scored, the oldest (and best) included, with no list.
  Principal school_handler = Staff(kHandler, school_, principal_);
  std::vector<int64_t> exact = Exact("资料费", school_ids_);
  ASSERT_GT(exact.size(), 40u);
  for (int offset : {0, 20}) {
    json::object l = Ranked(school_handler, offset);
    EXPECT_EQ(l.at("relevance").as_string(), "all");
    EXPECT_EQ(Ids(l), Slice(exact, offset, 20)) << "from " << offset;
    EXPECT_EQ(l.at("total").as_int64(), static_cast<int64_t>(exact.size()));
  }
  EXPECT_EQ(builds_, 0) << "no list is needed";
}

TEST_F(ListRelevanceTest, FiltersThatPassFewOfTheListScoreTheirMatches) {
  Fill();
  Principal sup = Staff(kSupervisor, divisions_["discipline"]);
  // Before the list: the newest matches hold none of this category's five.
  json::object before = Ranked(sup, 0, "meals");
  EXPECT_EQ(before.at("relevance").as_string(), "newest");
  EXPECT_TRUE(Ids(before).empty());
  // With the list (none of them in it): they are few, so each is scored.
  json::object l = Ranked(sup, 0, "meals");
  EXPECT_EQ(l.at("relevance").as_string(), "all");
  EXPECT_EQ(Ids(l), Exact("资料费", meal_ids_));
  EXPECT_EQ(l.at("total").as_int64(), 5);
}

}  // namespace
}  // namespace qf::cases
