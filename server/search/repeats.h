// Repeat detection: the same matter reported again, through another channel or by another person, within a
// window. Candidates come from the search index ("more like this": the case's rarest bigrams, ranked among the
// matches registered nearest to it) and from the cases about the same unit in the window. A candidate is offered
// when it is about the same category and the same unit (a unit is the case's concerned unit, or the one school its
// text names: org/names.h; two items about different units are never offered; without a unit on one side the
// numbers the texts name must agree), and when the two texts, compared as people mean them — numerals as digits,
// the units named and the operator's framing taken out, synonyms as one word (data/policies/repeats.toml) — have a
// cosine similarity of IDF-weighted bigrams at or above the policy's threshold. Each offer says why.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "org/names.h"
#include "storage/db.h"

namespace qf::search {

// The numbers a text names (amounts, grades, school numbers), Chinese numerals as digits.
std::set<std::string> Numbers(std::string_view text);

// The settings in data/policies/repeats.toml.
struct RepeatPolicy {
  int window_days = 30;
  double threshold = 0.1;               // both about the same unit
  double threshold_without_unit = 0.3;  // one side names no unit
  std::vector<std::string> framing;                           // normalised, longest first
  std::vector<std::pair<std::string, std::string>> synonyms;  // word → the group's first word, longest first
  std::vector<std::vector<std::string>> exclusive;            // facts that cannot both hold of one matter
  // The framing (→ a space) and synonyms, by their first character, longest first: built by LoadRepeatPolicy.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> replacements;
  int probe_terms = 12;  // the rarest bigrams asked of the index
  int candidates = 60;   // best-ranked index matches examined
};
absl::StatusOr<RepeatPolicy> LoadRepeatPolicy(const std::string& file);

// A text as repeats compare it (see above); `names` may be null.
std::string ComparableText(std::string_view text, const RepeatPolicy& policy, const org::UnitNames* names);
// Which words of each exclusive group a comparable text names (a word ending in a digit not followed by another).
std::vector<std::set<std::string>> Facts(std::string_view comparable, const RepeatPolicy& policy);
// The bigrams and characters of a comparable text, each once.
std::set<std::string> Bigrams(std::string_view comparable);

struct Repeat {
  int64_t case_id = 0;
  double similarity = 0;
  // Why it is offered: the unit both are about (0 when neither names one), the numbers both name, and the
  // longest phrases they share.
  int64_t unit = 0;
  std::vector<std::string> numbers, shared;
};
// Builds what FindRepeats keeps per database (the unit matcher, the word frequencies), e.g. at start.
absl::Status WarmRepeats(Db& db, const RepeatPolicy& policy);
// Likely repeats of `case_id`, most similar first (merged cases excluded). The caller applies its scope and wall.
absl::StatusOr<std::vector<Repeat>> FindRepeats(Db& db, int64_t case_id, const RepeatPolicy& policy);

}  // namespace qf::search
