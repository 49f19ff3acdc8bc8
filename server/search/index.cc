#include "search/index.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

#include "common/status.h"
#include "common/strings.h"
#include "common/text.h"
#include "fmt/format.h"
#include "search/champions.h"
#include "search/query.h"

namespace qf::search {
namespace {

// A lexeme in tsvector and tsquery text: quoted, with quotes and backslashes escaped.
std::string Lexeme(std::string_view token) {
  std::string out = "'";
  for (char c : token) {
    if (c == '\'' || c == '\\') out += c == '\'' ? "''" : "\\\\";
    else out += c;
  }
  return out + "'";
}

// A query for one index token (or one typed term as a phrase): a lexeme on PostgreSQL, a quoted phrase on SQLite.
std::string TermQuery(Backend backend, std::string_view term) {
  if (backend == Backend::kPostgres) return Lexeme(term);
  std::string q = "\"";
  for (char ch : term) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

// The qf_cjk tokens of `text` as tsvector text, positions from 1 (a colocated token shares its predecessor's), each
// with weight `weight`, positions starting after `offset`. Returns the last position used.
int AppendVector(std::string& out, std::string_view text, char weight, int offset) {
  int pos = offset;
  for (const TextToken& t : Tokenize(text, false)) {
    if (!t.colocated || pos == offset) ++pos;
    if (pos > 16383) break;  // tsvector's largest position
    if (!out.empty()) out += ' ';
    out += Lexeme(t.text);
    out += fmt::format(":{}{}", pos, weight);
  }
  return pos;
}

}  // namespace

absl::Status IndexCase(Db& db, int64_t id) {
  ChampionLists().Forget(db.path(), id);  // its text changed: lists holding it may rank it wrongly now
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT title, content, redactions FROM cases WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return absl::OkStatus();
  return IndexCase(db, id, st.Text(0), st.Text(1), st.Text(2));
}

absl::Status IndexCase(Db& db, int64_t id, std::string_view stored_title, std::string_view stored_content,
                       std::string_view redactions) {
  std::string title = Redact(std::string(stored_title), redactions);
  std::string content = Redact(std::string(stored_content), redactions);
  if (db.backend() != Backend::kPostgres) {
    // FTS5 tokenizes with qf_cjk itself.
    QF_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM case_fts WHERE rowid=?"));
    QF_RETURN_IF_ERROR(del.Bind(1, id).Run());
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare("INSERT INTO case_fts(rowid, title, content) VALUES(?,?,?)"));
    return ins.Bind(1, id).Bind(2, title).Bind(3, content).Run();
  }
  std::string doc;
  // The content starts well after the title, so that no phrase spans the two.
  int last = AppendVector(doc, title, 'A', 0);
  AppendVector(doc, content, 'D', last + 100);
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "INSERT INTO case_search(case_id, doc) VALUES(?1, CAST(?2 AS tsvector)) "
      "ON CONFLICT(case_id) DO UPDATE SET doc = excluded.doc"));
  up.Bind(1, id).Bind(2, doc);
  return up.Send();
}

std::optional<std::string> Query(Backend backend, std::string_view typed) {
  if (backend != Backend::kPostgres) return MatchExpression(typed);
  std::vector<std::string> parts;
  for (const std::string& term : Terms(typed)) {
    if (IsSingleCjk(term)) {
      parts.push_back(Lexeme(term) + ":*");
      continue;
    }
    std::vector<std::string> phrase;
    for (const TextToken& t : Tokenize(term, true)) phrase.push_back(Lexeme(t.text));
    if (!phrase.empty()) parts.push_back("(" + Join(phrase, " <-> ") + ")");
  }
  if (parts.empty() || parts.size() > 12) return std::nullopt;
  return Join(parts, " & ");
}

namespace {

// Terms a database's index holds in many cases, with their estimates, kept for ten minutes: a common word stays
// common, and asking the index costs a statement per term (most of a complaint's pairs are common words). Rare
// terms are asked every time: their counts change with each case and decide what is probed.
class CommonTerms {
 public:
  std::optional<int64_t> Find(const std::string& db, const std::string& term, int64_t cap, absl::Time now) {
    absl::MutexLock lock(&mu_);
    auto d = by_db_.find(db);
    if (d == by_db_.end()) return std::nullopt;
    auto t = d->second.find(term);
    if (t == d->second.end() || t->second.first < cap || now - t->second.second > absl::Minutes(10)) return std::nullopt;
    return t->second.first;
  }
  void Keep(const std::string& db, const std::string& term, int64_t n, absl::Time now) {
    absl::MutexLock lock(&mu_);
    auto& terms = by_db_[db];
    if (terms.size() >= 200000) terms.clear();  // a bound, not an eviction policy: refilled in a few requests
    terms[term] = {n, now};
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, std::pair<int64_t, absl::Time>>> by_db_
      ABSL_GUARDED_BY(mu_);
};

CommonTerms& Common() {
  static auto* common = new CommonTerms;
  return *common;
}

// How many cases match `query` (this backend's), counted up to `cap`. A query found in at least `cap` cases is
// remembered as common for ten minutes and not counted again (PostgreSQL counts a common word from a bitmap of
// every match: ~50 ms at 10^6 cases).
absl::StatusOr<int64_t> CountMatches(Db& db, const std::string& query, int64_t cap) {
  const std::string key = "\x01" + query;  // beside the index's terms, never equal to one
  absl::Time now = absl::Now();
  if (Common().Find(db.path(), key, cap, now)) return cap;
  // Counting stops at the cap: the cost follows the matches counted, never the index's size (FTS5's vocabulary
  // would walk a common term's whole postings to count them: 5 ms for a word in a quarter of 10^6 cases).
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      db.backend() == Backend::kPostgres
          ? "SELECT COUNT(*) FROM (SELECT 1 FROM case_search WHERE doc @@ CAST(?1 AS tsquery) LIMIT ?2) AS capped"
          : "SELECT COUNT(*) FROM (SELECT 1 FROM case_fts WHERE case_fts MATCH ?1 LIMIT ?2) AS capped"));
  st.Bind(1, query).Bind(2, cap);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  int64_t n = row ? st.Int(0) : 0;
  QF_RETURN_IF_ERROR(st.Run());
  if (n >= cap) Common().Keep(db.path(), key, n, now);
  return n;
}

// How many cases match `query`: exact below `window`, above it estimated from how densely the newest `window`
// matches lie (SQLite; PostgreSQL counts up to `window`).
absl::StatusOr<int64_t> EstimateMatches(Db& db, const std::string& query, int64_t window) {
  if (db.backend() == Backend::kPostgres) return CountMatches(db, query, window);
  // A window of the newest matches (case ids are the index's rowids and grow with time) and the newest case.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT COUNT(*), MIN(fid), (SELECT MAX(id) FROM cases) FROM (SELECT rowid AS fid FROM case_fts "
      "WHERE case_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) AS w"));
  st.Bind(1, query).Bind(2, window);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  int64_t n = row ? st.Int(0) : 0;
  double top = row ? static_cast<double>(st.Int(2)) : 0, span = row && n ? top - static_cast<double>(st.Int(1)) + 1 : 0;
  QF_RETURN_IF_ERROR(st.Run());
  if (n < window || span <= 0) return n;
  return std::max(n, static_cast<int64_t>(static_cast<double>(n) * top / span));
}

// RowScore's subquery for the frequencies `df` (SQLite; PostgreSQL's ts_rank takes none).
RowScored RowScoreWith(Backend backend, const std::string& df, const std::string& match) {
  if (backend == Backend::kPostgres)
    return {fmt::format("(SELECT {} FROM case_search WHERE case_id = c.id)", ScoreSql(backend, "", "CAST(? AS tsquery)")),
            {match}};
  return {fmt::format("(SELECT {} FROM case_fts WHERE case_fts MATCH ? AND rowid = c.id)", ScoreSql(backend, "?", "")),
          {df, match}};
}

// Each word's document frequency, for qf_rank: it weighs the word against the others (BM25's IDF); one word's
// only scales every score (empty). Estimated from how densely its newest `window` matches lie (counting every match
// of a common word costs as much as scoring them all, which is what this avoids).
absl::StatusOr<std::string> EstimatedFrequencies(Db& db, std::string_view typed, int64_t window) {
  std::vector<std::string> df;
  std::vector<std::string> terms = Terms(typed);
  if (terms.size() > 1) {
    for (const auto& term : terms) {
      auto one = MatchExpression(term);
      if (!one) {
        df.push_back("0");
        continue;
      }
      QF_ASSIGN_OR_RETURN(int64_t n, EstimateMatches(db, *one, window));
      df.push_back(std::to_string(n));
    }
  }
  return Join(df, ",");
}

}  // namespace

absl::StatusOr<Membership> MembershipFor(Db& db, std::string_view typed, int64_t rare) {
  auto query = Query(db.backend(), typed);
  if (!query) return Membership{"FALSE", true};
  QF_ASSIGN_OR_RETURN(int64_t n, CountMatches(db, *query, rare + 1));
  bool few = n <= rare;
  if (db.backend() == Backend::kPostgres) {
    // A common word's newest matches walk the case numbers backwards with the match checked per row ("IS TRUE"
    // keeps the planner off the GIN index, which would list every match first): a word in one case in eight finds
    // a page's worth in a few hundred rows. The walk stops after the newest 50,000 cases (a word common years ago
    // and rare since would walk them all), so what it finds is the newest matches but perhaps not all of them.
    return Membership{"c.id IN (SELECT case_id FROM case_search WHERE doc @@ CAST(? AS tsquery))", few,
                      few ? "" : "SELECT case_id FROM (SELECT case_id, doc FROM case_search ORDER BY case_id DESC "
                                 "LIMIT 50000) AS recent WHERE (doc @@ CAST(? AS tsquery)) IS TRUE "
                                 "ORDER BY case_id DESC LIMIT ?",
                      false};
  }
  if (few) return Membership{"c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)", true};
  // Probed per case walked (the index seeks the case's row in each term's postings).
  return Membership{"EXISTS (SELECT 1 FROM case_fts WHERE case_fts MATCH ? AND rowid = c.id)", false,
                    "SELECT rowid FROM case_fts WHERE case_fts MATCH ? ORDER BY rowid DESC LIMIT ?"};
}

std::string Mark(std::string_view text, std::string_view typed, bool snippet) {
  std::vector<TextToken> all = Tokenize(text, false), tokens;
  for (const TextToken& t : all)
    if (!t.colocated) tokens.push_back(t);
  // Byte ranges of the hits, in token indexes [first, last].
  std::vector<std::pair<size_t, size_t>> hits;
  for (const std::string& term : Terms(typed)) {
    if (IsSingleCjk(term)) {
      for (const TextToken& t : all)
        if (t.text.starts_with(term)) {
          for (size_t i = 0; i < tokens.size(); ++i)
            if (tokens[i].start <= t.start && t.start < tokens[i].end) {
              hits.push_back({i, i});
              break;
            }
        }
      continue;
    }
    std::vector<TextToken> phrase = Tokenize(term, true);
    if (phrase.empty()) continue;
    for (size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
      size_t k = 0;
      while (k < phrase.size() && tokens[i + k].text == phrase[k].text) ++k;
      if (k == phrase.size()) hits.push_back({i, i + k - 1});
    }
  }
  std::sort(hits.begin(), hits.end());
  size_t from = 0, to = tokens.size();  // the tokens shown
  if (snippet && tokens.size() > 24) {
    size_t first = hits.empty() ? 0 : hits.front().first;
    from = first > 3 ? first - 3 : 0;
    to = std::min(tokens.size(), from + 24);
  }
  size_t begin = snippet && from > 0 ? tokens[from].start : 0;
  size_t end = snippet && to < tokens.size() ? tokens[to - 1].end : text.size();
  std::string out = begin > 0 ? "…" : "";
  size_t at = begin;
  for (size_t h = 0; h < hits.size(); ++h) {
    size_t a = tokens[hits[h].first].start, b = tokens[hits[h].second].end;
    while (h + 1 < hits.size() && static_cast<size_t>(tokens[hits[h + 1].first].start) <= b) {
      b = std::max<size_t>(b, tokens[hits[h + 1].second].end);
      ++h;
    }
    if (a < at || b > end) continue;
    out.append(text.substr(at, a - at));
    out += '\x02';
    out.append(text.substr(a, b - a));
    out += '\x03';
    at = b;
  }
  out.append(text.substr(at, end - at));
  if (end < text.size()) out += "…";
  return out;
}

absl::StatusOr<std::map<int64_t, Marked>> Highlights(Db& db, std::string_view typed, const std::vector<int64_t>& ids) {
  std::map<int64_t, Marked> out;
  if (ids.empty()) return out;
  // The ids go in as one parameter: one cached statement, whatever the page holds.
  std::vector<std::string> list;
  for (int64_t id : ids) list.push_back(std::to_string(id));
  std::string id_list = "[" + Join(list, ",") + "]";
  if (db.backend() == Backend::kPostgres) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT id, title, content, redactions FROM cases WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"));
    st.Bind(1, id_list);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string marks = st.Text(3);
      out[st.Int(0)] = {Mark(Redact(st.Text(1), marks), typed, false), Mark(Redact(st.Text(2), marks), typed, true)};
    }
    return out;
  }
  auto match = MatchExpression(typed);
  if (!match) return out;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT rowid, highlight(case_fts, 0, char(2), char(3)), snippet(case_fts, 1, char(2), char(3), '…', 24) "
      "FROM case_fts WHERE case_fts MATCH ?1 AND rowid IN (SELECT value FROM json_each(?2))"));
  st.Bind(1, *match).Bind(2, id_list);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Int(0)] = {st.Text(1), st.Text(2)};
  }
  return out;
}



absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> DocFrequencies(Db& db, const std::set<std::string>& terms,
                                                                           int64_t cap) {
  std::vector<std::pair<int64_t, std::string>> df;
  absl::Time now = absl::Now();
  for (const auto& t : terms) {
    std::optional<int64_t> n = Common().Find(db.path(), t, cap, now);
    if (!n) {
      QF_ASSIGN_OR_RETURN(n, EstimateMatches(db, TermQuery(db.backend(), t), cap));
      if (*n >= cap) Common().Keep(db.path(), t, *n, now);
    }
    if (*n >= 2) df.push_back({*n, t});  // a term only this case has finds nothing
  }
  std::sort(df.begin(), df.end());
  return df;
}

Nearest NearestMatches(Backend backend, const std::vector<std::pair<int64_t, std::string>>& terms, int64_t except,
                       int64_t limit) {
  constexpr int kNearest = 500;  // on each side
  std::vector<std::string> parts, df;
  for (const auto& [n, t] : terms) {
    parts.push_back(TermQuery(backend, t));
    df.push_back(std::to_string(n));
  }
  std::string any = Join(parts, backend == Backend::kPostgres ? " | " : " OR ");
  if (backend == Backend::kPostgres) {
    // Scored outside the nearest cut, so that ts_rank reads the kept rows' vectors only.
    std::string side = "(SELECT case_id AS id, doc, q FROM case_search, CAST(? AS tsquery) AS q WHERE doc @@ q AND ";
    return {fmt::format("(SELECT id FROM (SELECT id, ts_rank(doc, q) AS r FROM ({0}case_id < ? ORDER BY case_id DESC "
                        "LIMIT {1}) UNION ALL {0}case_id > ? ORDER BY case_id ASC LIMIT {1})) AS near) AS scored "
                        "ORDER BY r DESC, id DESC LIMIT ?)",
                        side, kNearest),
            {any, except, any, except, limit}};
  }
  // qf_rank with the frequencies known: bm25() would count every match of each term on its first row.
  std::string side = "SELECT id, r FROM (SELECT rowid AS id, qf_rank(case_fts, 1.0, 1.0, ?) AS r FROM case_fts "
                     "WHERE case_fts MATCH ? AND ";
  return {fmt::format("(SELECT id FROM ({0}rowid < ? ORDER BY rowid DESC LIMIT {1}) UNION ALL {0}rowid > ? "
                      "ORDER BY rowid ASC LIMIT {1})) ORDER BY r LIMIT ?)",
                      side, kNearest),
          {Join(df, ","), any, except, Join(df, ","), any, except, limit}};
}

absl::StatusOr<Ranked> RankedMatches(Db& db, std::string_view typed, const std::string& match, int64_t limit) {
  Ranked r;
  if (db.backend() == Backend::kPostgres) {
    // The planner estimates a phrase of three or more pairs (a word of four characters or more) as rare — it
    // multiplies the pairs' selectivities — and takes every match from the GIN index, rechecks each on the heap and
    // sorts them all (300–800 ms for a common 4-character word at 10^6). For such a phrase with more matches than
    // the cut (counted up to it), the newest matches are found walking the case numbers backwards with the match
    // checked per row, which stops at the cut; written so that the GIN index cannot serve it. Shorter words are
    // estimated well enough for the planner to choose (counting them would cost more than it saves).
    bool long_phrase = false;
    for (const auto& term : Terms(typed)) long_phrase = long_phrase || Tokenize(term, true).size() >= 3;
    int64_t n = 0;
    if (long_phrase) {
      QF_ASSIGN_OR_RETURN(n, CountMatches(db, match, limit + 1));
    }
    const char* matches = n > limit ? "(doc @@ q) IS TRUE" : "doc @@ q";
    // Scored outside the newest-first cut, so that ts_rank reads the kept rows' vectors only.
    r.sql = fmt::format(
        "(SELECT fid, {} AS score FROM (SELECT case_id AS fid, doc, q FROM case_search, CAST(? AS tsquery) AS q "
        "WHERE {} ORDER BY case_id DESC LIMIT {}) AS m)",
        ScoreSql(db.backend(), "", "q"), matches, limit);
    r.members_sql = fmt::format(
        "(SELECT case_id AS fid FROM case_search, CAST(? AS tsquery) AS q WHERE {} ORDER BY case_id DESC LIMIT {})",
        matches, limit);
    r.args = r.members_args = {match};
    r.row = RowScoreWith(db.backend(), "", match);
    return r;
  }
  QF_ASSIGN_OR_RETURN(std::string df, EstimatedFrequencies(db, typed, limit));
  r.sql = fmt::format(
      "(SELECT rowid AS fid, {} AS score FROM case_fts WHERE case_fts MATCH ? ORDER BY rowid DESC LIMIT {})",
      ScoreSql(db.backend(), "?", ""), limit);
  r.members_sql = fmt::format("(SELECT rowid AS fid FROM case_fts WHERE case_fts MATCH ? ORDER BY rowid DESC LIMIT {})", limit);
  r.args = {df, match};
  r.members_args = {match};
  r.row = RowScoreWith(db.backend(), df, match);
  return r;
}

std::string ScoreSql(Backend backend, std::string_view df, std::string_view q) {
  if (backend == Backend::kPostgres) return fmt::format("-ts_rank('{{0.25,0.25,0.25,1}}', doc, {}, 1)", q);
  return fmt::format("qf_rank(case_fts, 4.0, 1.0, {})", df);
}

absl::StatusOr<RowScored> RowScore(Db& db, std::string_view typed, const std::string& match) {
  std::string df;
  if (db.backend() != Backend::kPostgres) {
    QF_ASSIGN_OR_RETURN(df, EstimatedFrequencies(db, typed, 2000));
  }
  return RowScoreWith(db.backend(), df, match);
}

}  // namespace qf::search
