// The search index's two stores behind one interface. SQLite keeps the FTS5 table case_fts with the qf_cjk
// tokenizer; PostgreSQL keeps the same qf_cjk tokens (common/text.h) as a tsvector in case_search, with a GIN
// index. Both are written by IndexCase in the writer's transaction with a case's text as handlers may read it.
// Domain code asks for the SQL it needs here and never names either store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "storage/db.h"

namespace qf::search {

// (Re)writes case `id`'s entry from its title, content and redactions as stored. Call after every write of those
// columns, in the same transaction.
absl::Status IndexCase(Db& db, int64_t id);
// The same for a case whose title, content and redactions the caller has in hand (a case just registered): nothing
// is read back.
absl::Status IndexCase(Db& db, int64_t id, std::string_view title, std::string_view content,
                       std::string_view redactions);

// What was typed as the backend's query text (FTS5 MATCH expression, or tsquery text); empty when nothing in it
// is searchable. Bind it to the `?` of the SQL below.
std::optional<std::string> Query(Backend backend, std::string_view typed);

// A condition on the case row `c` that it matches the query, in the form that costs least: listed from the index
// when the words are rare (at most `rare` matches, counted up to that many on both backends), probed per case
// walked when they are common (listing their matches would cost more than the page). On PostgreSQL the condition
// is always the index's list, and the planner weighs the GIN index against the walk from its own statistics.
struct Membership {
  std::string sql;
  bool selective = false;  // the index drives: the matches are few
  // Common words: the matches most recently registered, newest first (binds: the query, how many), from which a
  // newest-first page can be chosen without a probe per case walked (cases/list.cc says when that is exact).
  std::string newest_sql;
  bool newest_complete = true;  // fewer rows than asked from newest_sql means no other match (false: it stops early)
};
absl::StatusOr<Membership> MembershipFor(Db& db, std::string_view typed, int64_t rare);
// The hits of what was typed in cases `ids`, marked with U+0002 … U+0003: the title whole, the content as a snippet
// of about 24 tokens around the hits (… where cut). SQLite: FTS5's highlight and snippet; PostgreSQL: the same
// marks found in the redacted text by its qf_cjk tokens (Mark).
struct Marked {
  std::string title;
  std::string snippet;
};
absl::StatusOr<std::map<int64_t, Marked>> Highlights(Db& db, std::string_view typed, const std::vector<int64_t>& ids);
// `text` with every phrase of what was typed marked (a single CJK character: every token it begins); `snippet`
// keeps about 24 tokens around the first hit.
std::string Mark(std::string_view text, std::string_view typed, bool snippet);

// How many cases hold each of `terms` (index tokens), rarest first, leaving out terms no case or only one holds:
// exact below `cap`, above it estimated from how densely the newest `cap` matches lie (SQLite) or `cap` itself
// (PostgreSQL); the cost follows the cap, not the index (FTS5's vocabulary walks a term's whole postings). A term
// found in at least `cap` cases is remembered as common for ten minutes (per database) and not asked again.
absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> DocFrequencies(Db& db, const std::set<std::string>& terms,
                                                                           int64_t cap);
// The cases holding any of `terms` (each with its document frequency, as DocFrequencies gives them) that rank best
// for them, case `except` left out, at most `limit`: a derived table (id) with its parameters' values in order.
// Ranked among the matches registered nearest before and after `except` (a burst of identical complaints matches
// tens of thousands of cases; repeats lie within days of each other, and case numbers follow registration).
struct Nearest {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> args;
};
Nearest NearestMatches(Backend backend, const std::vector<std::pair<int64_t, std::string>>& terms, int64_t except,
                       int64_t limit);

// Relevance as the index scores it, lower is better and the title weighs four times the content: SQLite's qf_rank
// over case_fts given each word's document frequencies `df` (a placeholder or a literal list), PostgreSQL's ts_rank
// of the row's `doc` against the tsquery `q` (a column or an expression). Every ranking here uses it.
std::string ScoreSql(Backend backend, std::string_view df, std::string_view q);

// A case's score for what was typed, scored as RankedMatches scores, as a scalar subquery on the case row `c` (null
// when it does not match), with its parameters' values in order: for lists whose filters pick few cases, each case
// scored where it is, over every match.
struct RowScored {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> args;
};
absl::StatusOr<RowScored> RowScore(Db& db, std::string_view typed, const std::string& match);

// The `limit` most recently registered matches of what was typed (`match`: its query for this backend), as a
// derived table (fid, score) scored for relevance — lower is better, the title weighs 4 times the content: SQLite
// BM25 (qf_rank, each word's document frequency estimated from its newest matches), PostgreSQL ts_rank — and as
// a derived table (fid) of the same matches unscored, for counting; each with its parameters' values in order; and
// RowScore's subquery with the same word frequencies.
struct Ranked {
  std::string sql, members_sql;
  std::vector<std::variant<int64_t, std::string>> args, members_args;
  RowScored row;
};
absl::StatusOr<Ranked> RankedMatches(Db& db, std::string_view typed, const std::string& match, int64_t limit);

}  // namespace qf::search
