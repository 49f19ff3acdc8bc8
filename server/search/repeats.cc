#include "search/repeats.h"

#include <algorithm>

#include "common/status.h"
#include "common/text.h"
#include "common/timefmt.h"
#include "search/index.h"

namespace qf::search {
namespace {

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
  QF_ASSIGN_OR_RETURN(auto me, db.Prepare(
      "SELECT c.title || '。' || c.content, c.received_at, COALESCE(c.concerned_unit_id,0), c.title, c.content, "
      "c.redactions FROM cases c WHERE c.id=?"));
  me.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(bool found, me.Step());
  if (!found) return NotFound("case.not_found", "案件不存在");
  std::string text = me.Text(0);
  // The text as the index holds it (passages marked at dispatch blacked out).
  std::string indexed = Redact(me.Text(3), me.Text(5)) + "。" + Redact(me.Text(4), me.Text(5));
  std::set<uint64_t> mine = Shingles(text);
  std::set<std::string> my_numbers = Numbers(text);
  auto at = ParseUtc(me.Text(1));
  int64_t unit = me.Int(2);
  if (!at) return std::vector<Repeat>{};
  // The probe: the case's rarest terms as the index holds them (two cases sharing rare bigrams are likely the
  // same matter; common ones like 学生 say little).
  std::set<std::string> terms;
  for (const auto& t : Tokenize(indexed, true)) terms.insert(t.text);
  QF_ASSIGN_OR_RETURN(auto df, DocFrequencies(db, terms, 1000));
  if (df.empty()) return std::vector<Repeat>{};
  df.resize(std::min<size_t>(df.size(), opt.probe_terms));
  std::string lo = FormatUtc(*at - absl::Hours(24) * opt.window_days), hi = FormatUtc(*at + absl::Hours(24) * opt.window_days);
  search::Nearest near = NearestMatches(db.backend(), df, case_id, opt.candidates);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.id, c.title || '。' || c.content, COALESCE(c.concerned_unit_id,0) FROM " + near.sql +
      " m JOIN cases c ON c.id = m.id "
      "WHERE c.received_at >= ? AND c.received_at <= ? AND c.merged_into IS NULL AND c.state <> 'merged'"));
  st.BindAll(near.args);
  st.Bind(static_cast<int>(near.args.size()) + 1, lo).Bind(static_cast<int>(near.args.size()) + 2, hi);
  std::vector<Repeat> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    int64_t other_unit = st.Int(2);
    if (unit && other_unit && unit != other_unit) continue;
    std::string other = st.Text(1);
    if (!unit || !other_unit) {
      // Without a unit on both sides, the numbers in the texts (amounts, grades, school numbers) must agree: one
      // report's numbers are all in the other (a repeat may leave some out, never name different ones).
      std::set<std::string> nums = Numbers(other);
      bool mine_in = std::includes(nums.begin(), nums.end(), my_numbers.begin(), my_numbers.end());
      bool theirs_in = std::includes(my_numbers.begin(), my_numbers.end(), nums.begin(), nums.end());
      if (!mine_in && !theirs_in) continue;
    }
    double j = Jaccard(mine, Shingles(other));
    if (j >= opt.threshold) out.push_back({st.Int(0), j});
  }
  std::sort(out.begin(), out.end(), [](const Repeat& a, const Repeat& b) { return a.similarity > b.similarity; });
  return out;
}

}  // namespace qf::search
