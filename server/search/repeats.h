// Repeat detection: the same matter reported again, through another channel or by another person, within a
// time window. Candidates come from the search index itself ("more like this"): the case's rarest bigrams (by
// document frequency in the index, counted up to a cap: search::DocFrequencies) are asked for as one OR
// query ranked by BM25 among the matches registered nearest to the case, so intake pays nothing extra. Candidates are then confirmed on the exact Jaccard
// similarity of the two texts' shingles (the tokens of common/text.h), the same concerned unit (when both name
// one; otherwise the numbers the texts name must agree) and the window.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf::search {

std::set<uint64_t> Shingles(std::string_view text);
double Jaccard(const std::set<uint64_t>& a, const std::set<uint64_t>& b);
// The numbers a text names (amounts, grades, school numbers), as written.
std::set<std::string> Numbers(std::string_view text);

struct RepeatOptions {
  int window_days = 30;
  double threshold = 0.45;  // exact Jaccard of the shingles
  int probe_terms = 10;     // the rarest bigrams asked for
  int candidates = 60;      // best-ranked index matches examined
};

struct Repeat {
  int64_t case_id = 0;
  double similarity = 0;
};

// Likely repeats of `case_id`, most similar first (merged cases excluded). The caller applies its scope and wall.
absl::StatusOr<std::vector<Repeat>> FindRepeats(Db& db, int64_t case_id, const RepeatOptions& opt = {});

}  // namespace qf::search
