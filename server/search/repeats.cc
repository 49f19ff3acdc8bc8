#include "search/repeats.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/text.h"
#include "common/timefmt.h"
#include "search/index.h"

namespace qf::search {
namespace {

// Numbers below ten are left out of the agreement rule: 一 inside words (一名, 一些) reads as 1.
constexpr int64_t kLeastNumber = 10;
// The texts the bigrams' document frequencies are counted over: the newest cases (an estimate of the whole's).
constexpr int64_t kSampleDocs = 2000;
constexpr double kCharacterWeight = 1.0;

size_t CharLength(unsigned char c) { return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1; }

// Each occurrence of a phrase of `table` replaced, scanning once from the left (the longest phrase at a place wins).
std::string ReplaceAll(std::string_view text, const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& table) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len = std::min(CharLength(static_cast<unsigned char>(text[i])), text.size() - i);
    const std::pair<std::string, std::string>* hit = nullptr;
    if (auto it = table.find(std::string(text.substr(i, len))); it != table.end())
      for (const auto& r : it->second)
        if (text.compare(i, r.first.size(), r.first) == 0) {
          hit = &r;
          break;
        }
    if (hit) {
      out += hit->second;
      i += hit->first.size();
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

// Every occurrence of each phrase replaced by a space, longest phrases first.
std::string Blank(std::string text, std::vector<std::string> phrases) {
  std::sort(phrases.begin(), phrases.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& p : phrases)
    if (!p.empty())
      for (size_t at = text.find(p); at != std::string::npos; at = text.find(p, at + 1)) text.replace(at, p.size(), " ");
  return text;
}

struct Sample {
  int64_t docs = 0;
  absl::flat_hash_map<std::string, int64_t> df;
  int64_t top_id = 0;
  absl::Time built;
};

// IDF, and a single character counts half a pair (it says less about the matter than a word does).
double Weight(const Sample& s, const std::string& term) {
  auto it = s.df.find(term);
  int64_t df = it == s.df.end() ? 0 : it->second;
  double idf = std::log((1.0 + static_cast<double>(s.docs)) / (1.0 + static_cast<double>(df))) + 1.0;
  bool single = term.size() == 3 && static_cast<unsigned char>(term[0]) >= 0xE0;
  return single ? idf * kCharacterWeight : idf;
}

absl::Mutex g_mu;
std::map<std::string, std::shared_ptr<const Sample>>& Samples() {
  static auto* m = new std::map<std::string, std::shared_ptr<const Sample>>;
  return *m;
}

// How many of the newest cases hold each term of their comparable texts; kept per database until it has grown by a
// tenth (or shrunk: another database at the same path) or for an hour.
absl::StatusOr<std::shared_ptr<const Sample>> SampleOf(Db& db, const RepeatPolicy& policy, const org::UnitNames* names) {
  QF_ASSIGN_OR_RETURN(auto top, db.Prepare("SELECT COALESCE(max(id), 0) FROM cases"));
  QF_ASSIGN_OR_RETURN(bool row, top.Step());
  int64_t top_id = row ? top.Int(0) : 0;
  {
    absl::MutexLock lock(&g_mu);
    auto it = Samples().find(db.path());
    if (it != Samples().end()) {
      const Sample& s = *it->second;
      if (top_id >= s.top_id && top_id <= s.top_id + std::max<int64_t>(50, s.top_id / 10) &&
          absl::Now() - s.built < absl::Hours(1))
        return it->second;
    }
  }
  auto s = std::make_shared<Sample>();
  s->top_id = top_id;
  s->built = absl::Now();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT title || '。' || content FROM cases ORDER BY id DESC LIMIT " + std::to_string(kSampleDocs)));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    ++s->docs;
    for (const auto& t : Bigrams(ComparableText(st.Text(0), policy, names))) ++s->df[t];
  }
  absl::MutexLock lock(&g_mu);
  Samples()[db.path()] = s;
  return std::shared_ptr<const Sample>(s);
}

// The cosine of two term sets weighted by IDF.
double Cosine(const std::set<std::string>& a, const std::set<std::string>& b, const Sample& s) {
  double dot = 0, na = 0, nb = 0;
  for (const auto& t : a) {
    double w = Weight(s, t);
    na += w * w;
    if (b.count(t)) dot += w * w;
  }
  for (const auto& t : b) {
    double w = Weight(s, t);
    nb += w * w;
  }
  return na == 0 || nb == 0 ? 0 : dot / std::sqrt(na * nb);
}

// The longest phrases of `text` (a comparable text) made of pairs `terms` also holds, longest first, at most three:
// what a person reads as "the same words" (收取资料费, 没有开具收据), not the bigrams themselves.
std::vector<std::string> SharedPhrases(const std::string& text, const std::set<std::string>& terms) {
  std::vector<std::string> runs;
  std::vector<TextToken> tokens = Tokenize(text, true);
  for (size_t i = 0; i < tokens.size();) {
    if (tokens[i].text.size() != 6 || !terms.count(tokens[i].text)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < tokens.size() && tokens[j + 1].start < tokens[j].end && terms.count(tokens[j + 1].text)) ++j;
    runs.push_back(text.substr(static_cast<size_t>(tokens[i].start), static_cast<size_t>(tokens[j].end - tokens[i].start)));
    i = j + 1;
  }
  std::stable_sort(runs.begin(), runs.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::vector<std::string> out;
  for (const auto& r : runs)
    if (out.size() < 3 && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

std::set<int64_t> LargeNumbers(const std::set<std::string>& numbers) {
  std::set<int64_t> out;
  for (const auto& n : numbers)
    if (n.size() <= 15) {
      int64_t v = std::stoll(n);
      if (v >= kLeastNumber) out.insert(v);
    }
  return out;
}

}  // namespace

std::set<std::string> Numbers(std::string_view text) {
  std::set<std::string> out;
  for (const auto& t : Tokenize(NormalizeNumerals(text), true))
    if (!t.text.empty() && t.text.find_first_not_of("0123456789") == std::string::npos) out.insert(t.text);
  return out;
}

absl::StatusOr<RepeatPolicy> LoadRepeatPolicy(const std::string& file) {
  RepeatPolicy p;
  try {
    auto t = toml::parse_file(file);
    p.window_days = static_cast<int>(t["window_days"].value_or(int64_t{30}));
    p.threshold = t["threshold"].value_or(0.1);
    p.threshold_without_unit = t["threshold_without_unit"].value_or(0.3);
    if (p.window_days < 1 || p.threshold <= 0 || p.threshold > 1 || p.threshold_without_unit < p.threshold ||
        p.threshold_without_unit > 1)
      return Invalid("policy.repeats", "repeats.toml：window_days 应为正数，threshold 应在 0 与 1 之间，threshold_without_unit 不低于 threshold");
    if (auto* framing = t["framing"].as_array())
      for (auto& f : *framing)
        if (auto s = f.value<std::string>(); s && !s->empty()) p.framing.push_back(NormalizeNumerals(*s));
    if (auto* groups = t["synonyms"].as_array())
      for (auto& g : *groups) {
        auto* words = g.as_array();
        if (!words || words->empty()) continue;
        std::string head = NormalizeNumerals(words->at(0).value_or(std::string()));
        for (size_t i = 1; i < words->size(); ++i) {
          std::string w = NormalizeNumerals(words->at(i).value_or(std::string()));
          if (Utf8Length(w) < 2)
            return Invalid("policy.repeats", "repeats.toml：同义词至少两个字（单字会改变别的词）：" + w);
          p.synonyms.push_back({w, head});
        }
      }
    if (auto* groups = t["exclusive"].as_array())
      for (auto& g : *groups) {
        std::vector<std::string> words;
        if (auto* arr = g.as_array())
          for (auto& w : *arr) words.push_back(NormalizeNumerals(w.value_or(std::string())));
        if (words.size() >= 2) p.exclusive.push_back(std::move(words));
      }
    for (const auto& f : p.framing) p.replacements[f.substr(0, CharLength(static_cast<unsigned char>(f[0])))].push_back({f, " "});
    for (const auto& [from, to] : p.synonyms)
      p.replacements[from.substr(0, CharLength(static_cast<unsigned char>(from[0])))].push_back({from, to});
    for (auto& [first, list] : p.replacements)
      std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  } catch (const toml::parse_error& e) {
    return Invalid("policy.repeats", std::string("repeats.toml：") + std::string(e.description()));
  }
  return p;
}

namespace {

// A text as compared, and the one school it names (0 if none, or `names` is null): one pass of the unit matcher.
struct Read {
  std::string comparable;
  int64_t school = 0;
};

Read ReadText(std::string_view text, const RepeatPolicy& policy, const org::UnitNames* names) {
  Read r;
  std::string t = NormalizeNumerals(text);
  if (names) {
    // The units and districts named are compared as units, not as words.
    org::Named named = names->Find(t);
    r.school = named.school;
    std::vector<std::string> phrases;
    for (const auto& m : named.mentions) phrases.push_back(m.phrase);
    for (const auto& d : named.districts) {
      std::string n = NormalizeNumerals(d);
      phrases.push_back(n);
      if (Utf8Length(n) >= 3) phrases.push_back(n.substr(0, n.size() - 3));
    }
    t = Blank(std::move(t), std::move(phrases));
  }
  r.comparable = ReplaceAll(t, policy.replacements);
  return r;
}

}  // namespace

std::string ComparableText(std::string_view text, const RepeatPolicy& policy, const org::UnitNames* names) {
  return ReadText(text, policy, names).comparable;
}

std::vector<std::set<std::string>> Facts(std::string_view text, const RepeatPolicy& policy) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::vector<std::set<std::string>> out;
  for (const auto& group : policy.exclusive) {
    std::set<std::string> named;
    for (const auto& w : group)
      for (size_t p = text.find(w); p != std::string::npos; p = text.find(w, p + 1)) {
        size_t end = p + w.size();
        if (digit(w.back()) && end < text.size() && digit(text[end])) continue;  // 初1 is not 初10
        if (digit(w.front()) && p > 0 && digit(text[p - 1])) continue;
        named.insert(w);
        break;
      }
    out.push_back(std::move(named));
  }
  return out;
}

std::set<std::string> Bigrams(std::string_view comparable) {
  std::set<std::string> out;
  for (const auto& t : Tokenize(comparable, false)) {
    out.insert(t.text);
    // Each character too: a reworded complaint keeps its characters (罚站 / 罚了站) more often than its pairs.
    if (t.text.size() == 6 && static_cast<unsigned char>(t.text[0]) >= 0xE0) out.insert(t.text.substr(0, 3));
  }
  return out;
}

absl::Status WarmRepeats(Db& db, const RepeatPolicy& policy) {
  QF_ASSIGN_OR_RETURN(auto names, org::NamesOf(db));
  return SampleOf(db, policy, names.get()).status();
}

absl::StatusOr<std::vector<Repeat>> FindRepeats(Db& db, int64_t case_id, const RepeatPolicy& policy) {
  QF_ASSIGN_OR_RETURN(auto me, db.Prepare(
      "SELECT c.title || '。' || c.content, c.received_at, COALESCE(c.concerned_unit_id,0), c.title, c.content, "
      "c.redactions, c.category FROM cases c WHERE c.id=?"));
  me.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(bool found, me.Step());
  if (!found) return NotFound("case.not_found", "案件不存在");
  std::string text = me.Text(0), category = me.Text(6), received = me.Text(1);
  // The text as the index holds it (passages marked at dispatch blacked out).
  std::string indexed = Redact(me.Text(3), me.Text(5)) + "。" + Redact(me.Text(4), me.Text(5));
  auto at = ParseUtc(me.Text(1));
  if (!at) return std::vector<Repeat>{};
  QF_ASSIGN_OR_RETURN(auto names, org::NamesOf(db));
  Read mine_read = ReadText(text, policy, names.get());
  int64_t unit = me.Int(2) ? me.Int(2) : mine_read.school;
  std::string lo = FormatUtc(*at - absl::Hours(24) * policy.window_days);
  std::string hi = FormatUtc(*at + absl::Hours(24) * policy.window_days);

  // Candidates: the index's best matches for the case's rarest terms, and the cases about the same unit.
  std::set<int64_t> ids;
  std::set<std::string> probe;
  for (const auto& t : Tokenize(indexed, true)) probe.insert(t.text);
  QF_ASSIGN_OR_RETURN(auto df, DocFrequencies(db, probe, 1000));
  if (!df.empty()) {
    df.resize(std::min<size_t>(df.size(), static_cast<size_t>(policy.probe_terms)));
    Nearest near = NearestMatches(db.backend(), df, case_id, policy.candidates);
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT m.id FROM " + near.sql + " m"));
    st.BindAll(near.args);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.insert(st.Int(0));
    }
  }
  if (unit) {
    // The unit's cases received nearest before and after this one (a busy school's window can hold thousands).
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT id FROM (SELECT id FROM cases WHERE concerned_unit_id = ? AND received_at >= ? AND received_at <= ? "
        "ORDER BY received_at DESC LIMIT 100) b UNION ALL SELECT id FROM (SELECT id FROM cases WHERE "
        "concerned_unit_id = ? AND received_at > ? AND received_at <= ? ORDER BY received_at LIMIT 100) a"));
    st.Bind(1, unit).Bind(2, lo).Bind(3, received).Bind(4, unit).Bind(5, received).Bind(6, hi);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.insert(st.Int(0));
    }
  }
  ids.erase(case_id);
  if (ids.empty()) return std::vector<Repeat>{};

  QF_ASSIGN_OR_RETURN(auto sample, SampleOf(db, policy, names.get()));
  const std::string& mine_cmp = mine_read.comparable;
  std::set<std::string> mine = Bigrams(mine_cmp);
  std::set<int64_t> my_numbers = LargeNumbers(Numbers(mine_cmp));
  auto my_facts = Facts(mine_cmp, policy);
  std::string list;
  for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  // Read by id alone (the planner would rather walk the category's window), then filtered here.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.id, c.title || '。' || c.content, COALESCE(c.concerned_unit_id,0), c.category, c.received_at, "
      "CASE WHEN c.merged_into IS NULL AND c.state <> 'merged' THEN 1 ELSE 0 END FROM cases c WHERE c.id IN (" + list + ")"));
  std::vector<Repeat> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (st.Text(3) != category || st.Text(4) < lo || st.Text(4) > hi || st.Int(5) == 0) continue;
    std::string other = st.Text(1);
    Read other_read = ReadText(other, policy, names.get());
    int64_t other_unit = st.Int(2) ? st.Int(2) : other_read.school;
    if (unit && other_unit && unit != other_unit) continue;  // about different units: never the same matter
    const std::string& other_cmp = other_read.comparable;
    std::set<int64_t> nums = LargeNumbers(Numbers(other_cmp));
    // The numbers the texts name (amounts, counts) must agree: one report's numbers are all in the other (a repeat
    // may leave some out, never name different ones) — the same school's fee of 280 元 is not its fee of 1200 元.
    if (!std::includes(nums.begin(), nums.end(), my_numbers.begin(), my_numbers.end()) &&
        !std::includes(my_numbers.begin(), my_numbers.end(), nums.begin(), nums.end()))
      continue;
    // Facts that cannot both hold (another fee, another subject's teacher, another grade).
    auto facts = Facts(other_cmp, policy);
    bool conflict = false;
    for (size_t g = 0; g < facts.size() && !conflict; ++g) {
      if (facts[g].empty() || my_facts[g].empty()) continue;
      conflict = std::none_of(facts[g].begin(), facts[g].end(), [&](const std::string& w) { return my_facts[g].count(w) > 0; });
    }
    if (conflict) continue;
    Repeat r;
    r.case_id = st.Int(0);
    r.similarity = Cosine(mine, Bigrams(other_cmp), *sample);
    if (r.similarity < (unit && other_unit ? policy.threshold : policy.threshold_without_unit)) continue;
    r.shared = SharedPhrases(other_cmp, mine);
    r.unit = unit && other_unit ? unit : 0;
    for (int64_t n : my_numbers)
      if (nums.count(n)) r.numbers.push_back(std::to_string(n));
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const Repeat& a, const Repeat& b) { return a.similarity > b.similarity; });
  return out;
}

}  // namespace qf::search
