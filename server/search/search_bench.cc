// Search benchmarks at 10^6 complaints: the qf_cjk index (CJK bigrams) against SQLite's trigram tokenizer and
// LIKE over the same rows, in the same run. Each workload runs every query of its length (2, 3 or 4 characters)
// many times warm and reports p50 and p99 latency in ms, and the rows found (trigram finds nothing for two
// characters). The corpus is generated from complaint phrases with school names and amounts, so words have a
// realistic spread of frequencies: common phrases in about one document in twelve, rare matters (挪用助学金, …) in
// about one in five hundred. Built once into /tmp/qf-bench-search-N.db.
//   BM_Search/<engine>/<chars>   engine 0 = qf_cjk ranked by bm25 with snippets (as the console asks),
//                                1 = qf_cjk newest first, 2 = trigram, 3 = LIKE '%q%' newest first,
//                                4 = qf_cjk bm25 among the newest 2,000 matches, 5/6/7 = counting the matches with
//                                qf_cjk / trigram / LIKE (what a list's total costs)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>

#include "search/query.h"
#include "storage/db.h"

namespace qf::search {
namespace {

const std::vector<std::string> kPhrases = {
    "学校向每名学生收取资料费{n}元", "没有公示收费依据", "也没有开具正规收据", "家长对此意见很大", "班主任周末在家中组织有偿补课",
    "每次课收费{n}元", "不参加的学生上课时受到冷落", "要求新生统一购买校服", "校服价格明显高于市场价", "不买的学生不让报到",
    "当众体罚学生", "罚站两节课并辱骂学生", "孩子回家后情绪低落", "希望教育局严肃处理", "食堂饭菜价格上涨", "学生反映经常吃不饱",
    "违规招收择校生", "每名择校生收取赞助费{n}元", "强制购买教辅书", "教辅资料过多过滥", "课后服务收费过高", "寒假期间组织集中补课",
    "暑假违规补课", "教师收受家长礼品", "教师向学生推销教辅", "代收费未退余款", "违规收取住宿费", "学校安全隐患未整改",
    "校车超载", "招生信息不公开", "考试作弊未处理", "教师在校外培训机构兼职", "学校乱订报刊", "强制学生参加兴趣班",
};

// Rare matters: one document in a hundred has one of these.
const std::vector<std::string> kRare = {"挪用助学金", "违规发放津贴", "虚报学生人数", "篡改考试成绩", "克扣营养餐补助"};

std::string Doc(std::mt19937& rng) {
  auto pick = [&](size_t n) { return rng() % n; };
  static const char* stems[] = {"光明", "红星", "新华", "春晖", "育才", "实验", "翡翠", "东方", "北城", "第一", "第二", "第三"};
  static const char* kinds[] = {"小学", "中学", "学校", "幼儿园"};
  std::string s = std::string(stems[pick(12)]) + std::to_string(1 + pick(9)) + kinds[pick(4)];
  int clauses = 2 + static_cast<int>(pick(3));
  for (int i = 0; i < clauses; ++i) {
    std::string p = kPhrases[pick(kPhrases.size())];
    if (auto pos = p.find("{n}"); pos != std::string::npos) p.replace(pos, 3, std::to_string(50 + 10 * pick(80)));
    s += (i ? "，" : "") + p;
  }
  if (pick(100) == 0) s += "，" + kRare[pick(kRare.size())];
  return s + "。";
}

Db& SearchDb(int64_t n) {
  static std::map<int64_t, std::unique_ptr<Db>> dbs;
  if (auto it = dbs.find(n); it != dbs.end()) return *it->second;
  std::string path = "/tmp/qf-bench-search-" + std::to_string(n) + ".db";
  if (!std::filesystem::exists(path)) {
    auto db = *Db::Open(path + ".tmp", DbMode::kWriter);
    (void)db->Exec("PRAGMA synchronous=OFF");
    (void)db->Exec("CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, content TEXT);"
                   "CREATE VIRTUAL TABLE fts_cjk USING fts5(title, content, tokenize='qf_cjk');"
                   "CREATE VIRTUAL TABLE fts_tri USING fts5(title, content, tokenize='trigram')");
    std::mt19937 rng(2026);
    (void)db->Exec("BEGIN");
    for (int64_t i = 1; i <= n; ++i) {
      std::string content = Doc(rng);
      std::string title = content.substr(0, std::min<size_t>(content.size(), 3 * 12));
      for (const char* t : {"docs", "fts_cjk", "fts_tri"}) {
        auto st = db->Prepare(std::string("INSERT INTO ") + t + (std::string(t) == "docs" ? "(id,title,content)" : "(rowid,title,content)") + " VALUES (?,?,?)");
        st->Bind(1, i).Bind(2, std::string_view(title)).Bind(3, std::string_view(content));
        (void)st->Run();
      }
      if (i % 50000 == 0) {
        (void)db->Exec("COMMIT");
        (void)db->Exec("BEGIN");
      }
    }
    (void)db->Exec("COMMIT");
    (void)db->Exec("INSERT INTO fts_cjk(fts_cjk) VALUES('optimize'); INSERT INTO fts_tri(fts_tri) VALUES('optimize')");
    db.reset();
    std::filesystem::rename(path + ".tmp", path);
    std::filesystem::remove(path + ".tmp-wal");
    std::filesystem::remove(path + ".tmp-shm");
  }
  return *dbs.emplace(n, *Db::Open(path, DbMode::kReader)).first->second;
}

const std::map<int, std::vector<std::string>> kQueries = {
    {2, {"补课", "收费", "体罚", "校服", "食堂", "教辅", "挪用", "津贴", "篡改", "克扣"}},
    {3, {"资料费", "择校生", "班主任", "住宿费", "赞助费", "兴趣班", "助学金", "营养餐", "学生人"}},
    {4, {"有偿补课", "体罚学生", "收费依据", "强制购买", "课后服务", "集中补课", "考试成绩", "发放津贴", "虚报学生"}},
};

void BM_Search(benchmark::State& state) {
  int engine = static_cast<int>(state.range(0)), chars = static_cast<int>(state.range(1));
  Db& db = SearchDb(1000000);
  std::vector<double> ms;
  int64_t found = 0;
  for (auto _ : state) {
    for (int round = 0; round < 12; ++round) {
      for (const auto& q : kQueries.at(chars)) {
        std::string sql, arg;
        switch (engine) {
          case 0:
            sql = "SELECT rowid, snippet(fts_cjk, 1, char(2), char(3), '…', 24) FROM fts_cjk WHERE fts_cjk MATCH ? "
                  "ORDER BY bm25(fts_cjk, 4.0, 1.0) LIMIT 20";
            arg = *MatchExpression(q);
            break;
          case 1:
            sql = "SELECT rowid, snippet(fts_cjk, 1, char(2), char(3), '…', 24) FROM fts_cjk WHERE fts_cjk MATCH ? "
                  "ORDER BY rowid DESC LIMIT 20";
            arg = *MatchExpression(q);
            break;
          case 2:
            sql = "SELECT rowid, snippet(fts_tri, 1, char(2), char(3), '…', 24) FROM fts_tri WHERE fts_tri MATCH ? "
                  "ORDER BY bm25(fts_tri) LIMIT 20";
            arg = "\"" + q + "\"";
            break;
          case 3:
            sql = "SELECT id, content FROM docs WHERE content LIKE ? ORDER BY id DESC LIMIT 20";
            arg = "%" + q + "%";
            break;
          case 4:  // bm25 among the newest 2,000 matches (a bounded ranking)
            sql = "SELECT rowid, snippet(fts_cjk, 1, char(2), char(3), '…', 24) FROM fts_cjk WHERE fts_cjk MATCH ?1 "
                  "AND rowid >= COALESCE((SELECT rowid FROM fts_cjk WHERE fts_cjk MATCH ?1 ORDER BY rowid DESC "
                  "LIMIT 1 OFFSET 1999), 0) ORDER BY bm25(fts_cjk, 4.0, 1.0) LIMIT 20";
            arg = *MatchExpression(q);
            break;
          case 5:  // the number of matches (the list's total)
            sql = "SELECT COUNT(*) FROM fts_cjk WHERE fts_cjk MATCH ?";
            arg = *MatchExpression(q);
            break;
          case 6:
            sql = "SELECT COUNT(*) FROM fts_tri WHERE fts_tri MATCH ?";
            arg = "\"" + q + "\"";
            break;
          default:
            sql = "SELECT COUNT(*) FROM docs WHERE content LIKE ?";
            arg = "%" + q + "%";
        }
        auto t0 = std::chrono::steady_clock::now();
        auto st = db.Prepare(sql);
        st->Bind(1, std::string_view(arg));
        int64_t rows = 0;
        while (*st->Step()) ++rows;
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (round == 0) found += rows;
      }
    }
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.counters["rows_per_query"] = static_cast<double>(found) / static_cast<double>(kQueries.at(chars).size());
}
BENCHMARK(BM_Search)->ArgsProduct({{0, 1, 2, 3, 4, 5, 6, 7}, {2, 3, 4}})->Iterations(1)->Unit(benchmark::kMillisecond);

// How many rows each engine finds for each query (what trigram misses), once.
void BM_SearchHits(benchmark::State& state) {
  Db& db = SearchDb(1000000);
  for (auto _ : state) {
    for (const auto& [chars, qs] : kQueries)
      for (const auto& q : qs) {
        auto count = [&](const std::string& sql, const std::string& arg) {
          auto st = db.Prepare(sql);
          st->Bind(1, std::string_view(arg));
          (void)st->Step();
          return st->Int(0);
        };
        int64_t cjk = count("SELECT COUNT(*) FROM fts_cjk WHERE fts_cjk MATCH ?", *MatchExpression(q));
        int64_t tri = count("SELECT COUNT(*) FROM fts_tri WHERE fts_tri MATCH ?", "\"" + q + "\"");
        int64_t like = count("SELECT COUNT(*) FROM docs WHERE title LIKE ?1 OR content LIKE ?1", "%" + q + "%");
        state.counters[q + "_cjk"] = static_cast<double>(cjk);
        state.counters[q + "_tri"] = static_cast<double>(tri);
        state.counters[q + "_like"] = static_cast<double>(like);
      }
  }
}
BENCHMARK(BM_SearchHits)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qf::search
