#include "search/query.h"

#include <vector>

#include "common/status.h"
#include "common/strings.h"
#include "common/text.h"

namespace qf::search {

std::vector<std::string> Terms(std::string_view typed) {
  std::string norm = NormalizeText(typed);
  for (char& c : norm)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  std::vector<std::string> out;
  for (std::string_view term : Split(norm, ' ')) {
    term = Trim(term);
    if (!term.empty() && !Tokenize(term, true).empty()) out.emplace_back(term);
  }
  return out;
}

std::optional<std::string> MatchExpression(std::string_view typed) {
  std::vector<std::string> parts;
  for (const std::string& term : Terms(typed)) {
    std::string quoted = "\"";
    for (char c : term) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    if (IsSingleCjk(term)) quoted += "*";
    parts.push_back(std::move(quoted));
  }
  if (parts.empty() || parts.size() > 12) return std::nullopt;
  return Join(parts, " AND ");
}

absl::StatusOr<int64_t> MatchBound(Db& db, std::string_view typed) {
  std::vector<std::string> terms;
  for (const std::string& term : Terms(typed)) {
    if (IsSingleCjk(term)) continue;  // a prefix query: no single term bounds it
    for (const auto& t : Tokenize(term, true)) terms.push_back(t.text);
  }
  if (terms.empty()) return INT64_MAX;
  std::string sql = "SELECT MIN(doc) FROM case_fts_terms WHERE term IN (";
  for (size_t i = 0; i < terms.size(); ++i) sql += i ? ",?" : "?";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql + ")"));
  for (size_t i = 0; i < terms.size(); ++i) st.Bind(static_cast<int>(i) + 1, std::string_view(terms[i]));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  // A term the index lacks matches nothing; MIN over no row is NULL.
  if (!row || st.IsNull(0)) return int64_t{0};
  return st.Int(0);
}

}  // namespace qf::search
