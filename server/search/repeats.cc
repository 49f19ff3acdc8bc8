#include "search/repeats.h"

#include <algorithm>
#include <limits>

#include "common/status.h"
#include "common/text.h"
#include "common/timefmt.h"

namespace qf::search {
namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::set<uint64_t> Shingles(std::string_view text) {
  std::set<uint64_t> out;
  for (const auto& t : Tokenize(text, true)) out.insert(Fnv(t.text));
  return out;
}

std::array<uint32_t, kMinHashSize> MinHash(const std::set<uint64_t>& shingles) {
  std::array<uint32_t, kMinHashSize> sig;
  sig.fill(std::numeric_limits<uint32_t>::max());
  for (uint64_t s : shingles)
    for (int i = 0; i < kMinHashSize; ++i) {
      auto v = static_cast<uint32_t>(SplitMix(s ^ (0xA24BAED4963EE407ull * static_cast<uint64_t>(i + 1))) >> 32);
      sig[i] = std::min(sig[i], v);
    }
  return sig;
}

std::array<int64_t, kBands> Bands(const std::array<uint32_t, kMinHashSize>& sig) {
  constexpr int rows = kMinHashSize / kBands;
  std::array<int64_t, kBands> out;
  for (int b = 0; b < kBands; ++b) {
    uint64_t h = static_cast<uint64_t>(b);
    for (int r = 0; r < rows; ++r) h = SplitMix(h ^ sig[b * rows + r]);
    out[b] = static_cast<int64_t>(h >> 1);  // fits SQLite's signed integers
  }
  return out;
}

std::set<std::string> Numbers(std::string_view text) {
  std::set<std::string> out;
  for (const auto& t : Tokenize(text, true))
    if (!t.text.empty() && t.text.find_first_not_of("0123456789") == std::string::npos) out.insert(t.text);
  return out;
}

double Jaccard(const std::set<uint64_t>& a, const std::set<uint64_t>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t common = 0;
  for (uint64_t x : a) common += b.count(x);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

absl::StatusOr<std::vector<Repeat>> FindRepeats(Db& db, int64_t case_id, const RepeatOptions& opt) {
  QF_ASSIGN_OR_RETURN(auto me, db.Prepare("SELECT title || '。' || content, received_at, COALESCE(concerned_unit_id,0) FROM cases WHERE id=?"));
  me.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(bool found, me.Step());
  if (!found) return NotFound("case.not_found", "案件不存在");
  std::set<uint64_t> mine = Shingles(me.Text(0));
  std::set<std::string> my_numbers = Numbers(me.Text(0));
  auto at = ParseUtc(me.Text(1));
  int64_t unit = me.Int(2);
  if (!at) return std::vector<Repeat>{};
  std::string lo = FormatUtc(*at - absl::Hours(24) * opt.window_days), hi = FormatUtc(*at + absl::Hours(24) * opt.window_days);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.id, c.title || '。' || c.content, COALESCE(c.concerned_unit_id,0) FROM cases c WHERE c.id IN "
      "(SELECT DISTINCT l2.case_id FROM case_lsh l1 JOIN case_lsh l2 ON l2.band=l1.band AND l2.hash=l1.hash "
      " WHERE l1.case_id=?1 AND l2.case_id<>?1) "
      "AND c.received_at >= ?2 AND c.received_at <= ?3 AND c.merged_into IS NULL AND c.state <> 'merged'"));
  st.Bind(1, case_id).Bind(2, lo).Bind(3, hi);
  std::vector<Repeat> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    int64_t other_unit = st.Int(2);
    if (unit && other_unit && unit != other_unit) continue;
    std::string text = st.Text(1);
    if (!unit || !other_unit) {
      // Without a unit on both sides, the numbers in the texts (amounts, grades, school numbers) must agree: one
      // report's numbers are all in the other (a repeat may leave some out, never name different ones).
      std::set<std::string> nums = Numbers(text);
      bool mine_in = std::includes(nums.begin(), nums.end(), my_numbers.begin(), my_numbers.end());
      bool theirs_in = std::includes(my_numbers.begin(), my_numbers.end(), nums.begin(), nums.end());
      if (!mine_in && !theirs_in) continue;
    }
    double j = Jaccard(mine, Shingles(text));
    if (j >= opt.threshold) out.push_back({st.Int(0), j});
  }
  std::sort(out.begin(), out.end(), [](const Repeat& a, const Repeat& b) { return a.similarity > b.similarity; });
  return out;
}

}  // namespace qf::search
