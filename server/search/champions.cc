#include "search/champions.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"
#include "search/index.h"
#include "search/query.h"
#include "spdlog/spdlog.h"

namespace qf::search {
namespace {

constexpr size_t kListsPerDatabase = 2000;

// The rows of `st` (bound; case, score), as (score, case).
absl::StatusOr<std::vector<std::pair<double, int64_t>>> Scored(Stmt& st) {
  std::vector<std::pair<double, int64_t>> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Real(1), st.Int(0)});
  }
  return out;
}

}  // namespace

absl::StatusOr<Champions> BuildChampions(Db& db, std::string_view typed, const std::string& match, int64_t keep) {
  Champions c;
  c.built_at = absl::Now();
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COALESCE(MAX(id), 0) FROM cases"));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    c.upto = row ? st.Int(0) : 0;
  }
  if (db.backend() == Backend::kPostgres) {
    // ts_rank weighs its words by no document frequency.
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
        "SELECT case_id, {} AS s FROM case_search, CAST(?1 AS tsquery) AS q "
        "WHERE doc @@ q AND case_id <= ?2 ORDER BY s ASC, case_id ASC LIMIT ?3", ScoreSql(db.backend(), "", "q"))));
    st.Bind(1, match).Bind(2, c.upto).Bind(3, keep);
    QF_ASSIGN_OR_RETURN(c.best, Scored(st));
  } else {
    // Several words: each one's matches counted (the background can afford what a request cannot).
    std::vector<std::string> terms = Terms(typed), df;
    if (terms.size() > 1) {
      for (const auto& term : terms) {
        auto one = MatchExpression(term);
        int64_t n = 0;
        if (one) {
          QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COUNT(*) FROM case_fts WHERE case_fts MATCH ?"));
          st.Bind(1, *one);
          QF_ASSIGN_OR_RETURN(bool row, st.Step());
          n = row ? st.Int(0) : 0;
        }
        df.push_back(std::to_string(n));
      }
    }
    c.df = Join(df, ",");
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
        "SELECT rowid, {} AS s FROM case_fts WHERE case_fts MATCH ?2 AND rowid <= ?3 ORDER BY s ASC, rowid ASC LIMIT ?4",
        ScoreSql(db.backend(), "?1", ""))));
    st.Bind(1, c.df).Bind(2, match).Bind(3, c.upto).Bind(4, keep);
    QF_ASSIGN_OR_RETURN(c.best, Scored(st));
  }
  c.every_match = static_cast<int64_t>(c.best.size()) < keep;
  c.bound = c.best.empty() ? 0 : c.best.back().first;
  return c;
}

absl::StatusOr<std::vector<std::pair<double, int64_t>>> ScoreMatchesAfter(Db& db, const std::string& match,
                                                                          const Champions& c, int64_t limit) {
  if (db.backend() == Backend::kPostgres) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
        "SELECT case_id, {} FROM case_search, CAST(?1 AS tsquery) AS q WHERE doc @@ q AND case_id > ?2 "
        "ORDER BY case_id DESC LIMIT ?3", ScoreSql(db.backend(), "", "q"))));
    st.Bind(1, match).Bind(2, c.upto).Bind(3, limit);
    return Scored(st);
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT rowid, {} FROM case_fts WHERE case_fts MATCH ?2 AND rowid > ?3 ORDER BY rowid DESC LIMIT ?4",
      ScoreSql(db.backend(), "?1", ""))));
  st.Bind(1, c.df).Bind(2, match).Bind(3, c.upto).Bind(4, limit);
  return Scored(st);
}

struct ChampionCache::Impl {
  struct Database {
    absl::flat_hash_map<std::string, std::shared_ptr<const Champions>> lists;
    absl::flat_hash_map<int64_t, int> held;  // how many lists hold each case
    absl::flat_hash_set<std::string> pending;
  };
  absl::Mutex mu;
  absl::flat_hash_map<std::string, Database> by_db ABSL_GUARDED_BY(mu);
  BuildRunner runner ABSL_GUARDED_BY(mu);

  static void Hold(Database& d, const Champions& c, int delta) {
    for (const auto& [score, id] : c.best) {
      int& n = d.held[id];
      n += delta;
      if (n <= 0) d.held.erase(id);
    }
  }
};

ChampionCache::Impl& ChampionCache::impl() {
  static auto* impl = new Impl;
  return *impl;
}

std::shared_ptr<const Champions> ChampionCache::Find(const std::string& db, const std::string& match) {
  Impl& m = impl();
  absl::MutexLock lock(&m.mu);
  auto d = m.by_db.find(db);
  if (d == m.by_db.end()) return nullptr;
  auto it = d->second.lists.find(match);
  return it == d->second.lists.end() ? nullptr : it->second;
}

void ChampionCache::Keep(const std::string& db, const std::string& match, Champions c) {
  Impl& m = impl();
  absl::MutexLock lock(&m.mu);
  auto& d = m.by_db[db];
  if (auto old = d.lists.find(match); old != d.lists.end()) {
    Impl::Hold(d, *old->second, -1);
    d.lists.erase(old);
  }
  if (d.lists.size() >= kListsPerDatabase) {
    // The oldest list goes (a bound on memory: about 16 KB a list).
    auto oldest = d.lists.begin();
    for (auto it = d.lists.begin(); it != d.lists.end(); ++it)
      if (it->second->built_at < oldest->second->built_at) oldest = it;
    Impl::Hold(d, *oldest->second, -1);
    d.lists.erase(oldest);
  }
  auto kept = std::make_shared<const Champions>(std::move(c));
  Impl::Hold(d, *kept, 1);
  d.lists[match] = std::move(kept);
}

void ChampionCache::Forget(const std::string& db, int64_t id) {
  Impl& m = impl();
  absl::MutexLock lock(&m.mu);
  auto d = m.by_db.find(db);
  if (d == m.by_db.end() || !d->second.held.contains(id)) return;
  for (auto it = d->second.lists.begin(); it != d->second.lists.end();) {
    const auto& best = it->second->best;
    bool holds = std::any_of(best.begin(), best.end(), [id](const auto& b) { return b.second == id; });
    if (holds) {
      Impl::Hold(d->second, *it->second, -1);
      d->second.lists.erase(it++);
    } else {
      ++it;
    }
  }
}

void ChampionCache::Request(const std::string& db, std::string typed, std::string match) {
  Impl& m = impl();
  BuildRunner runner;
  {
    absl::MutexLock lock(&m.mu);
    if (!m.runner || !m.by_db[db].pending.insert(match).second) return;
    runner = m.runner;
  }
  auto done = [&m, db, match] {
    absl::MutexLock lock(&m.mu);
    m.by_db[db].pending.erase(match);
  };
  bool taken = runner(db, [this, db, typed, match, done](Db* conn) {
    if (conn) {
      auto c = BuildChampions(*conn, typed, match);
      if (c.ok()) Keep(db, match, std::move(*c));
      else spdlog::warn("relevance list for a search not built: {}", c.status().message());
    }
    done();
  });
  if (!taken) done();
}

void ChampionCache::SetRunner(BuildRunner runner) {
  Impl& m = impl();
  absl::MutexLock lock(&m.mu);
  m.runner = std::move(runner);
}

void ChampionCache::Clear(const std::string& db) {
  Impl& m = impl();
  absl::MutexLock lock(&m.mu);
  m.by_db.erase(db);
}

ChampionCache& ChampionLists() {
  static ChampionCache cache;
  return cache;
}

}  // namespace qf::search
