// The best-ranked matches of the common searches ("champion lists"), so that relevance orders every match of a word
// and not only its newest. Scoring every match of a word found in one case in eight costs hundreds of milliseconds
// at 10^6 cases, far more than a page may take; so for a query with more matches than a request can score, its
// kChampions best are scored once over every match, in the background, and kept in memory per database with the
// case number up to which they were scored. A page is then chosen among them and the matches registered since
// (scored as the request runs), and it is exact when enough of them pass the caller's filters: every match left out
// scores no better than the last champion (cases/list.cc decides). A redaction re-indexes a case and drops the
// lists that hold it; lists are built again after ten minutes, so that the scores follow the index's statistics.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/db.h"

namespace qf::search {

inline constexpr int64_t kChampions = 1000;

struct Champions {
  int64_t upto = 0;          // every match up to this case number was scored
  double bound = 0;          // the last champion's score: no match up to `upto` left out scores better (lower)
  bool every_match = false;  // fewer than were kept: every match up to `upto` is here
  std::string df;            // the document frequencies the scores used (several words; empty for one)
  std::vector<std::pair<double, int64_t>> best;  // (score, case), best first; lower is better
  absl::Time built_at;
};

// Scores every match of `match` (this backend's query for `typed`) registered so far and keeps the best `keep`;
// the scores are those of search::RankedMatches (qf_rank / ts_rank, the title weighing four times the content),
// with each word's document frequency counted exactly.
absl::StatusOr<Champions> BuildChampions(Db& db, std::string_view typed, const std::string& match,
                                         int64_t keep = kChampions);
// The matches of `match` registered after case `after`, newest first, at most `limit`, scored as `c` was: (score,
// case).
absl::StatusOr<std::vector<std::pair<double, int64_t>>> ScoreMatchesAfter(Db& db, const std::string& match,
                                                                          const Champions& c, int64_t limit);

// Runs `build` in the background with a reading connection to database `db` (a path or URL), or with null when
// none can be opened; false when it cannot take the build now (its pool is full).
using BuildRunner = std::function<bool(const std::string& db, std::function<void(Db*)> build)>;

// The process's champion lists, per database and query. Thread-safe.
class ChampionCache {
 public:
  // The list for `match` in database `db`, or null.
  std::shared_ptr<const Champions> Find(const std::string& db, const std::string& match);
  void Keep(const std::string& db, const std::string& match, Champions c);
  // Case `id` was re-indexed (its text changed): the lists holding it are dropped.
  void Forget(const std::string& db, int64_t id);
  // Asks for `match` to be (re)built in the background, unless a build of it is already waiting or running.
  void Request(const std::string& db, std::string typed, std::string match);
  // Where builds run (the server's files pool); none: Request does nothing.
  void SetRunner(BuildRunner runner);
  // Drops every list of `db` (tests).
  void Clear(const std::string& db);

 private:
  struct Impl;
  Impl& impl();
};
ChampionCache& ChampionLists();

}  // namespace qf::search
