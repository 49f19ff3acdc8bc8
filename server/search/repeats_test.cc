// Repeat detection measured on a labelled set the test generates: complaints about schools from templates, each
// with paraphrased repeats (clauses reordered or dropped, words swapped, punctuation changed, a note that it was
// reported before) and hard negatives (the same kind of complaint about another school, another complaint about
// the same school). Precision and recall over pairs are printed and held to a floor (docs/PERFORMANCE.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "runtime/store_fixture.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "search/index.h"
#include "search/repeats.h"

namespace qf::search {
namespace {

namespace json = boost::json;

RepeatPolicy Policy() {
  auto p = LoadRepeatPolicy(std::string(QF_SOURCE_DIR) + "/data/policies/repeats.toml");
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : RepeatPolicy{};
}

TEST(Comparable, NumeralsFramingAndSynonymsAsPeopleMeanThem) {
  RepeatPolicy p = Policy();
  EXPECT_EQ(ComparableText("每个孩子交三百五十块钱教辅费", p, nullptr), "每人交350元资料费");
  EXPECT_EQ(ComparableText("每名学生交350元资料费", p, nullptr), "每人交350元资料费");
  EXPECT_EQ(ComparableText("来电人反映学校乱收费", p, nullptr), " 学校乱收费");
  EXPECT_EQ(Numbers("第12中学收取一百八十元，三年级"), (std::set<std::string>{"12", "180", "3"}));
}

struct Doc {
  int group;       // same group = same matter
  int64_t unit;
  std::string text;
  int day;
};

std::vector<Doc> Generate(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  const std::vector<std::vector<std::string>> templates = {
      {"{s}本学期开学时向每名学生收取资料费{n}元", "没有公示收费依据", "也没有开具正规收据", "家长对此意见很大"},
      {"{s}的数学老师周末在自己家中组织有偿补课", "每次课收费{n}元", "班上大部分学生都被要求参加", "不参加的学生上课时受到冷落"},
      {"{s}要求新生统一购买校服", "每套价格{n}元明显高于市场价", "不买的学生不让报到", "学校与供应商之间可能存在利益关系"},
      {"{s}一名班主任因学生没有完成作业当众体罚学生", "罚站两节课并辱骂学生", "孩子回家后情绪低落不愿上学", "希望教育局严肃处理"},
      {"{s}食堂饭菜价格上涨", "每餐收费{n}元但分量少质量差", "学生反映经常吃不饱", "食堂账目从未公开"},
      {"{s}在招生中违规招收择校生", "每名择校生收取赞助费{n}元", "名额远超规定比例", "违反了三限政策"},
  };
  const std::vector<std::pair<std::string, std::string>> synonyms = {
      {"收取", "收"}, {"学生", "孩子"}, {"没有", "未"}, {"要求", "强制"}, {"每名", "每个"}, {"希望", "请求"}};
  std::vector<Doc> out;
  int group = 0;
  for (int school = 1; school <= 60; ++school) {
    // Two different matters per school (the same matter twice would be a repeat, not a negative).
    int first = pick(static_cast<int>(templates.size()));
    int second = (first + 1 + pick(static_cast<int>(templates.size()) - 1)) % static_cast<int>(templates.size());
    for (int k = 0; k < 2; ++k) {
      const auto& t = templates[k == 0 ? first : second];
      std::string name = "第" + std::to_string(school) + "中学";
      std::string amount = std::to_string(100 + 20 * pick(40));
      std::vector<std::string> clauses;
      for (auto c : t) {
        for (auto [from, to] : {std::pair<std::string, std::string>{"{s}", name}, {"{n}", amount}})
          for (size_t p = c.find(from); p != std::string::npos; p = c.find(from)) c.replace(p, from.size(), to);
        clauses.push_back(c);
      }
      auto join = [](const std::vector<std::string>& cs, const std::string& sep) {
        std::string s;
        for (size_t i = 0; i < cs.size(); ++i) s += (i ? sep : "") + cs[i];
        return s + "。";
      };
      int day = pick(150);
      out.push_back({group, pick(4) == 0 ? 0 : school, join(clauses, "，"), day});
      int repeats = pick(3);
      for (int r = 0; r < repeats; ++r) {
        std::vector<std::string> cs = clauses;
        int ops = 1 + pick(3);
        bool semicolons = false;
        for (int o = 0; o < ops; ++o) {
          int op = pick(4);
          if (op == 0 && cs.size() > 2) std::swap(cs[1], cs[2]);
          if (op == 1 && cs.size() > 2) cs.pop_back();
          if (op == 2) {
            semicolons = true;
            for (auto& c : cs) {
              auto [from, to] = synonyms[pick(static_cast<int>(synonyms.size()))];
              if (auto p = c.find(from); p != std::string::npos) c.replace(p, from.size(), to);
            }
          }
          if (op == 3) cs.insert(cs.begin(), "之前已经通过热线反映过");
        }
        // A quarter of the reports name no unit (a caller who did not say, a media item).
        out.push_back({group, pick(4) == 0 ? 0 : school, join(cs, semicolons ? "；" : "，"), day + pick(20)});
      }
      ++group;
    }
  }
  return out;
}

// On the database the suite runs on (SQLite, or PostgreSQL under tests/with-pg.sh).
class Repeats : public StoreTest {
 protected:
  Repeats() : StoreTest(absl::FromCivil(absl::CivilSecond(2026, 1, 1, 9, 0, 0), Cst())) {}
};

TEST_F(Repeats, PrecisionAndRecallOnAGeneratedSet) {
  auto docs = Generate(2026);
  std::vector<int64_t> ids;
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(tx.db().Exec("INSERT INTO units(id, code, name, kind) VALUES (1, 'B', '市教育局', 'bureau')"));
    for (int u = 1; u <= 60; ++u) {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("INSERT INTO units(id, code, name, kind, parent_id) VALUES (?, ?, ?, 'school', 1)"));
      st.Bind(1, int64_t{100 + u}).Bind(2, "S" + std::to_string(u)).Bind(3, "第" + std::to_string(u) + "中学");
      QF_RETURN_IF_ERROR(st.Run());
    }
    for (const auto& d : docs) {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, concerned_unit_id, created_at, anonymous) "
          "VALUES (?, 'zmztc', 'fees', 'complaint', 'registered', ?, ?, ?, ?, ?, 1)"));
      std::string at = FormatUtc(absl::FromCivil(absl::CivilSecond(2026, 1, 1 + d.day, 9, 0, 0), Cst()));
      st.Bind(1, "R" + std::to_string(ids.size())).Bind(2, std::string("反映问题")).Bind(3, d.text).Bind(4, at)
          .Bind(6, at);
      if (d.unit) st.Bind(5, int64_t{100 + d.unit});
      else st.BindNull(5);
      QF_RETURN_IF_ERROR(st.Run());
      ids.push_back(tx.db().LastInsertId());
      QF_RETURN_IF_ERROR(search::IndexCase(tx.db(), ids.back()));
    }
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  Db* db = &Reader();
  RepeatPolicy policy = Policy();
  int tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    auto found = FindRepeats(*db, ids[i], policy);
    ASSERT_TRUE(found.ok()) << found.status();
    std::set<int64_t> got;
    for (auto& f : *found) got.insert(f.case_id);
    for (size_t j = 0; j < docs.size(); ++j) {
      if (i == j) continue;
      bool truth = docs[i].group == docs[j].group && std::abs(docs[i].day - docs[j].day) <= 30;
      bool said = got.count(ids[j]) > 0;
      tp += truth && said;
      fp += !truth && said;
      fn += truth && !said;
    }
  }
  double precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 1, recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 1;
  std::printf("repeats: %zu reports, %d true pairs; precision %.3f, recall %.3f (tp %d, fp %d, fn %d)\n", docs.size(),
              tp + fn, precision, recall, tp, fp, fn);
  EXPECT_GE(precision, 0.9);
  EXPECT_GE(recall, 0.8);
}

}  // namespace
}  // namespace qf::search
