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

}  // namespace qf::search
