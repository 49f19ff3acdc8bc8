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

}  // namespace
}  // namespace qf
