// What a person types into a search box, as an FTS5 MATCH expression over the qf_cjk index: each term a quoted
// phrase (so 补课费 must appear as written), all terms required, a single CJK character as a prefix (it matches
// every two-character gram it starts and the single character that ends a run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf::search {

// The terms typed, normalised (a full-width space separates terms too), without those that are punctuation only.
std::vector<std::string> Terms(std::string_view typed);

// Empty (nothing searchable) when the text has no word or CJK character.
std::optional<std::string> MatchExpression(std::string_view typed);


}  // namespace qf::search
