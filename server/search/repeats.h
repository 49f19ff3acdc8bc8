// Repeat detection: the same matter reported again, through another channel or by another person, within a
// time window. Each case's text becomes a set of shingles (the tokens of common/text.h: CJK bigrams and words);
// a 64-value MinHash signature estimates Jaccard similarity, and 16 bands of 4 values index it (LSH), so that
// candidates come from an index lookup, not a scan. Candidates are then confirmed on the exact Jaccard of their
// shingles, the same concerned unit (when both name one; otherwise the numbers the texts name must agree) and
// the window. The signature and bands are kept by
// triggers (migration 9) through the SQL functions qf_minhash and qf_lsh_bands (storage/fts.cc).
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf::search {

constexpr int kMinHashSize = 64;
constexpr int kBands = 16;  // of kMinHashSize / kBands = 4 values: candidates from Jaccard about 0.5 upwards

std::set<uint64_t> Shingles(std::string_view text);
std::array<uint32_t, kMinHashSize> MinHash(const std::set<uint64_t>& shingles);
std::array<int64_t, kBands> Bands(const std::array<uint32_t, kMinHashSize>& sig);
double Jaccard(const std::set<uint64_t>& a, const std::set<uint64_t>& b);
// The numbers a text names (amounts, grades, school numbers), as written.
std::set<std::string> Numbers(std::string_view text);

struct RepeatOptions {
  int window_days = 30;
  double threshold = 0.45;  // exact Jaccard of the shingles
};

struct Repeat {
  int64_t case_id = 0;
  double similarity = 0;
};

// Likely repeats of `case_id`, most similar first (merged cases excluded). The caller applies its scope and wall.
absl::StatusOr<std::vector<Repeat>> FindRepeats(Db& db, int64_t case_id, const RepeatOptions& opt = {});

}  // namespace qf::search
