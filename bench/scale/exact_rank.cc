// bench/scale's reference for relevance: exact BM25 over every match of each word given — SQLite's own bm25()
// (the title weighing four times the content) or PostgreSQL's ts_rank with the list's weights — ties by case
// number, printed as JSON {"word": [case ids, best first], …}. bench/scale/run.py compares the console's list by
// relevance (as the supervisor asks for it over HTTP) with these. Not part of the server.
// Usage: qingfeng_exact_rank DB WORD [WORD …]   (first 20 of each)
#include <iostream>

#include <boost/json.hpp>
#include "search/index.h"
#include "storage/db.h"

int main(int argc, char** argv) {
  using namespace qf;
  if (argc < 3) {
    std::cerr << "usage: qingfeng_exact_rank DB WORD [WORD …]\n";
    return 2;
  }
  auto db = Db::Open(argv[1], DbMode::kReader);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  boost::json::object out;
  for (int i = 2; i < argc; ++i) {
    auto match = search::Query((*db)->backend(), argv[i]);
    if (!match) continue;
    auto st = (*db)->Prepare((*db)->backend() == Backend::kPostgres
        ? "SELECT case_id FROM case_search, CAST(? AS tsquery) AS q WHERE doc @@ q "
          "ORDER BY -ts_rank('{0.25,0.25,0.25,1}', doc, q, 1), case_id LIMIT 20"
        : "SELECT rowid FROM case_fts WHERE case_fts MATCH ? ORDER BY bm25(case_fts, 4.0, 1.0), rowid LIMIT 20");
    if (!st.ok()) {
      std::cerr << st.status() << "\n";
      return 1;
    }
    st->Bind(1, *match);
    auto ids = st->Ints();
    if (!ids.ok()) {
      std::cerr << ids.status() << "\n";
      return 1;
    }
    boost::json::array a(ids->begin(), ids->end());
    out[argv[i]] = std::move(a);
  }
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
