// Tokenizer, query building and search through the case list: two-character words found, one-character
// queries, width and case folding, highlighted passages, and the same scope, wall and blackout as the list.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/text.h"
#include "search/query.h"
#include "storage/db.h"

namespace qf {
namespace {

std::vector<std::string> Texts(std::string_view s, bool query) {
  std::vector<std::string> out;
  for (auto& t : Tokenize(s, query)) out.push_back(t.text + (t.colocated ? "@" : ""));
  return out;
}

TEST(Tokenize, CjkBigramsWithTheLastCharacterColocated) {
  EXPECT_EQ(Texts("违规补课收费", false), (std::vector<std::string>{"违规", "规补", "补课", "课收", "收费", "费@"}));
  EXPECT_EQ(Texts("违规补课收费", true), (std::vector<std::string>{"违规", "规补", "补课", "课收", "收费"}));
  EXPECT_EQ(Texts("补", true), (std::vector<std::string>{"补"}));
  EXPECT_EQ(Texts("收取资料费180元，共3次。", false),
            (std::vector<std::string>{"收取", "取资", "资料", "料费", "费@", "180", "元", "共", "3", "次"}));
}

TEST(Tokenize, FoldsWidthAndCaseAndKeepsOriginalOffsets) {
  std::string text = "ＡＢＣ补课 Fees";
  auto t = Tokenize(text, false);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].text, "abc");
  EXPECT_EQ(text.substr(t[0].start, t[0].end - t[0].start), "ＡＢＣ");
  EXPECT_EQ(t[1].text, "补课");
  EXPECT_EQ(text.substr(t[1].start, t[1].end - t[1].start), "补课");
  EXPECT_EQ(t[3].text, "fees");
  EXPECT_EQ(NormalizeText("１２３ＡＢ"), "123ab");
}

TEST(Tokenize, SkipsInvalidUtf8AndPunctuation) {
  EXPECT_EQ(Texts(std::string("补\xff课"), true), (std::vector<std::string>{"补课"}));
  EXPECT_TRUE(Tokenize("，。！？——", false).empty());
}

TEST(MatchExpression, QuotesTermsAndPrefixesSingleCharacters) {
  EXPECT_EQ(*search::MatchExpression("补课"), "\"补课\"");
  EXPECT_EQ(*search::MatchExpression(" 补 "), "\"补\"*");
  EXPECT_EQ(*search::MatchExpression("补课\xE3\x80\x80收费"), "\"补课\" AND \"收费\"");  // full-width space
  EXPECT_EQ(*search::MatchExpression("ＡＢＣ"), "\"abc\"");
  EXPECT_EQ(*search::MatchExpression("a\"b OR c"), "\"a\"\"b\" AND \"or\" AND \"c\"");
  EXPECT_FALSE(search::MatchExpression("！！ ，").has_value());
  EXPECT_FALSE(search::MatchExpression("").has_value());
}

TEST(Redact, BlacksOutEachPhrase) {
  EXPECT_EQ(Redact("王小明住在阳光小区，王小明", R"(["王小明","阳光小区"])"), "■■■住在■■■■，■■■");
  EXPECT_EQ(Redact("不变", "[]"), "不变");
  EXPECT_EQ(Redact("不变", "not json"), "不变");
}

// The index itself, against SQLite's trigram tokenizer on the same rows: two-character words are found by
// qf_cjk and missed by trigram; a one-character prefix query finds the character wherever it stands.
TEST(SearchIndex, FindsTwoCharacterWordsThatTrigramCannot) {
  std::string path = (std::filesystem::temp_directory_path() / ("qf_fts_" + std::to_string(::getpid()) + ".db")).string();
  std::filesystem::remove(path);
  {
    auto db = Db::Open(path, DbMode::kWriter);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Exec("CREATE VIRTUAL TABLE a USING fts5(t, tokenize='qf_cjk', prefix='1');"
                            "CREATE VIRTUAL TABLE b USING fts5(t, tokenize='trigram');").ok());
    const char* docs[] = {"教师周末有偿补课", "学校收取资料费", "补办学籍证明", "食堂收费过高", "课"};
    for (const char* d : docs)
      for (const char* t : {"a", "b"}) {
        auto st = (*db)->Prepare(std::string("INSERT INTO ") + t + "(t) VALUES (?)");
        ASSERT_TRUE(st.ok());
        st->Bind(1, std::string_view(d));
        ASSERT_TRUE(st->Run().ok());
      }
    auto count = [&](const std::string& table, const std::string& match) {
      auto st = (*db)->Prepare("SELECT group_concat(rowid) FROM " + table + " WHERE " + table + " MATCH ?");
      EXPECT_TRUE(st.ok());
      st->Bind(1, std::string_view(match));
      EXPECT_TRUE(st->Step().ok());
      return st->Text(0);
    };
    EXPECT_EQ(count("a", *search::MatchExpression("补课")), "1");
    EXPECT_EQ(count("a", *search::MatchExpression("收费")), "4");
    EXPECT_EQ(count("a", *search::MatchExpression("资料费")), "2");
    EXPECT_EQ(count("a", *search::MatchExpression("补")), "1,3");
    EXPECT_EQ(count("a", *search::MatchExpression("课")), "1,5");  // at the end of a run, and alone
    EXPECT_EQ(count("a", *search::MatchExpression("费")), "2,4");
    EXPECT_EQ(count("b", "\"补课\""), "");  // trigram needs three characters
    EXPECT_EQ(count("b", "\"资料费\""), "2");
  }
  for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
}

// qf_rank is BM25 as FTS5's bm25() computes it when given the true document frequencies (the same scores), and
// with one word its order does not depend on the frequency given (the list passes none for one word).
TEST(SearchIndex, RankIsBm25WithTheFrequenciesGiven) {
  std::string path = (std::filesystem::temp_directory_path() / ("qf_rank_" + std::to_string(::getpid()) + ".db")).string();
  std::filesystem::remove(path);
  {
    auto db = Db::Open(path, DbMode::kWriter);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Exec("CREATE VIRTUAL TABLE a USING fts5(title, content, tokenize='qf_cjk')").ok());
    const char* docs[][2] = {{"资料费", "学校收取资料费"},           {"补课", "周末补课收取资料费，资料费每人两百"},
                             {"其他", "食堂收费过高"},              {"资料费问题", "老师要求买资料，收取资料费和补课费"},
                             {"投诉", "学校收取资料费一百八十元"}, {"补课", "有偿补课"}};
    for (auto& d : docs) {
      auto st = (*db)->Prepare("INSERT INTO a(title, content) VALUES (?, ?)");
      ASSERT_TRUE(st.ok());
      ASSERT_TRUE(st->Bind(1, std::string_view(d[0])).Bind(2, std::string_view(d[1])).Run().ok());
    }
    auto scores = [&](const std::string& rank, const std::string& match) {
      auto st = (*db)->Prepare("SELECT rowid, " + rank + " FROM a WHERE a MATCH ?1 ORDER BY 2, rowid");
      EXPECT_TRUE(st.ok()) << st.status();
      st->Bind(1, std::string_view(match));
      std::vector<std::pair<int64_t, double>> out;
      while (*st->Step()) out.push_back({st->Int(0), st->Real(1)});
      return out;
    };
    std::string one = *search::MatchExpression("资料费"), two = *search::MatchExpression("资料费 补课");
    auto bm25 = scores("bm25(a, 4.0, 1.0)", one), given = scores("qf_rank(a, 4.0, 1.0, '4')", one);
    ASSERT_EQ(bm25.size(), 4u);
    ASSERT_EQ(given.size(), bm25.size());
    for (size_t i = 0; i < bm25.size(); ++i) {
      EXPECT_EQ(given[i].first, bm25[i].first);
      EXPECT_NEAR(given[i].second, bm25[i].second, 1e-9);
    }
    auto none = scores("qf_rank(a, 4.0, 1.0, NULL)", one);
    ASSERT_EQ(none.size(), bm25.size());
    for (size_t i = 0; i < bm25.size(); ++i) EXPECT_EQ(none[i].first, bm25[i].first);
    auto bm25_two = scores("bm25(a, 4.0, 1.0)", two), given_two = scores("qf_rank(a, 4.0, 1.0, '4,3')", two);
    ASSERT_EQ(bm25_two.size(), 2u);
    ASSERT_EQ(given_two.size(), 2u);
    for (size_t i = 0; i < bm25_two.size(); ++i) {
      EXPECT_EQ(given_two[i].first, bm25_two[i].first);
      EXPECT_NEAR(given_two[i].second, bm25_two[i].second, 1e-9);
    }
  }
  for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
}

}  // namespace
}  // namespace qf
