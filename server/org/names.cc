#include "org/names.h"

#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "absl/synchronization/mutex.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/text.h"

namespace qf::org {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view StripPrefix(std::string_view s, std::string_view prefix) {
  if (!prefix.empty() && s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix) return s.substr(prefix.size());
  return s;
}

// 瑶海区 → 瑶海, 长丰县 → 长丰, 合肥市 → 合肥: the place name people say without its kind.
std::string ShortPlace(std::string_view place) {
  for (std::string_view kind : {"区", "县", "市"})
    if (EndsWith(place, kind) && Utf8Length(place) >= 3) return std::string(place.substr(0, place.size() - kind.size()));
  return "";
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The forms of a name without its place prefix: numbered schools shortened as people say them (第45中学 → 45中,
// 实验3小学 → 实验3小), a district bureau's 教育体育局 as 教体局 and 教育局.
std::vector<std::string> CoreForms(const std::string& core) {
  std::vector<std::string> out{core};
  struct Suffix { std::string_view full, shortened; };
  for (Suffix s : {Suffix{"中学", "中"}, Suffix{"小学", "小"}, Suffix{"幼儿园", "幼"}}) {
    if (!EndsWith(core, s.full)) continue;
    std::string_view stem = std::string_view(core).substr(0, core.size() - s.full.size());
    if (stem.empty() || !IsDigit(stem.back())) continue;
    out.push_back(std::string(stem) + std::string(s.shortened));
    if (stem.substr(0, 3) == "第") {  // 第45中学 → 45中学, 45中
      std::string_view number = stem.substr(3);
      if (!number.empty() && std::all_of(number.begin(), number.end(), IsDigit)) {
        out.push_back(std::string(number) + std::string(s.full));
        out.push_back(std::string(number) + std::string(s.shortened));
      }
    }
  }
  for (std::string_view bureau : {"教育体育局", "教体局", "教育局"}) {
    if (!EndsWith(core, bureau)) continue;
    std::string stem = core.substr(0, core.size() - bureau.size());
    for (std::string_view other : {"教育体育局", "教体局", "教育局"}) out.push_back(stem + std::string(other));
    break;
  }
  return out;
}

}  // namespace

std::vector<std::string> NameForms(const NamedUnit& u, std::string_view city_raw) {
  std::string name = NormalizeNumerals(u.name), city = NormalizeNumerals(city_raw), district = NormalizeNumerals(u.district);
  // A city-run school's own name says the city (合肥市第一中学) when the bureau's does not (市教育局).
  if (size_t p = name.find("市"); u.city_run && p != std::string::npos && p > 0 && p <= 12) city = name.substr(0, p + 3);
  if (Utf8Length(city) < 2) city.clear();
  std::string city_short = ShortPlace(city), district_short = ShortPlace(district);
  std::string_view core = name;
  for (std::string_view p : {std::string_view(city), std::string_view(city_short)}) core = StripPrefix(core, p);
  for (std::string_view p : {std::string_view(district), std::string_view(district_short)}) core = StripPrefix(core, p);
  std::vector<std::string> cores = CoreForms(std::string(core));
  for (const auto& a : u.aliases) cores.push_back(NormalizeNumerals(a));
  std::vector<std::string> prefixes;
  // A district bureau is always named with its district (教体局 alone names none of them).
  if (u.kind != "district_bureau") prefixes.push_back("");
  for (const auto& p : {district, district_short}) if (!p.empty()) prefixes.push_back(p);
  if (u.city_run) for (const auto& p : {city, city_short, std::string("市")}) if (!p.empty()) prefixes.push_back(p);
  std::set<std::string> forms{name};
  for (const auto& p : prefixes)
    for (const auto& c : cores) forms.insert(p + c);
  for (const auto& a : u.aliases) forms.insert(NormalizeNumerals(a));  // an alias stands as written, prefix or not
  std::vector<std::string> out;
  for (const auto& f : forms)
    if (Utf8Length(f) >= 3) out.push_back(f);
  return out;
}

UnitNames::UnitNames(std::vector<NamedUnit> units, std::string city) : units_(std::move(units)) {
  std::sort(units_.begin(), units_.end(), [](const NamedUnit& a, const NamedUnit& b) { return a.id < b.id; });
  std::map<std::string, std::vector<Target>> forms;
  std::set<std::string> districts;
  for (const auto& u : units_) {
    for (const auto& f : NameForms(u, city)) forms[f].push_back({u.id, ""});
    if (!u.district.empty()) districts.insert(u.district);
  }
  for (const auto& d : districts) {
    std::string n = NormalizeNumerals(d);
    forms[n].push_back({0, d});
    if (std::string s = ShortPlace(n); Utf8Length(s) >= 2) forms[s].push_back({0, d});
  }
  forms_.assign(forms.begin(), forms.end());
  if (forms_.empty()) return;
  // One alternation of every form, longest first within RE2's leftmost-longest search.
  std::string pattern = "(";
  for (size_t i = 0; i < forms_.size(); ++i) pattern += (i ? "|" : "") + RE2::QuoteMeta(forms_[i].first);
  pattern += ")";
  RE2::Options o;
  o.set_longest_match(true);
  o.set_max_mem(int64_t{256} << 20);
  o.set_log_errors(false);
  re_ = std::make_unique<RE2>(pattern, o);
  if (!re_->ok()) re_.reset();
}

UnitNames::~UnitNames() = default;

const NamedUnit* UnitNames::Unit(int64_t id) const {
  auto it = std::lower_bound(units_.begin(), units_.end(), id, [](const NamedUnit& u, int64_t v) { return u.id < v; });
  return it != units_.end() && it->id == id ? &*it : nullptr;
}

Named UnitNames::Find(std::string_view text) const {
  Named out;
  if (!re_) return out;
  std::string t = NormalizeNumerals(text);
  re2::StringPiece in(t);
  std::string phrase;
  while (RE2::FindAndConsume(&in, *re_, &phrase)) {
    auto it = std::lower_bound(forms_.begin(), forms_.end(), phrase,
                               [](const auto& f, const std::string& p) { return f.first < p; });
    if (it == forms_.end() || it->first != phrase) continue;
    Mention m{phrase, {}};
    for (const auto& target : it->second) {
      if (target.unit) m.units.push_back(target.unit);
      else if (std::find(out.districts.begin(), out.districts.end(), target.district) == out.districts.end())
        out.districts.push_back(target.district);
    }
    if (!m.units.empty()) out.mentions.push_back(std::move(m));
  }
  // A form several units share is settled by the districts the text names (瑶海区…新华中学).
  for (auto& m : out.mentions) {
    if (m.units.size() < 2 || out.districts.empty()) continue;
    std::vector<int64_t> kept;
    for (int64_t id : m.units)
      if (const NamedUnit* u = Unit(id);
          u && std::find(out.districts.begin(), out.districts.end(), u->district) != out.districts.end())
        kept.push_back(id);
    if (!kept.empty()) m.units = std::move(kept);
  }
  // A shared name is also settled by the same unit named in full elsewhere in the text (新华中学 … 包河新华中学).
  std::set<int64_t> settled;
  for (const auto& m : out.mentions)
    if (m.units.size() == 1) settled.insert(m.units[0]);
  for (auto& m : out.mentions) {
    if (m.units.size() < 2) continue;
    std::vector<int64_t> kept;
    for (int64_t id : m.units)
      if (settled.count(id)) kept.push_back(id);
    if (kept.size() == 1) m.units = std::move(kept);
  }
  std::set<int64_t> schools, doubtful_schools;
  std::vector<int64_t> others;
  for (const auto& m : out.mentions) {
    for (int64_t id : m.units) {
      const NamedUnit* u = Unit(id);
      bool school = u && u->kind == "school";
      if (m.units.size() > 1) {
        if (school) doubtful_schools.insert(id);
        continue;
      }
      if (school) {
        if (schools.insert(id).second) out.units.insert(out.units.begin() + static_cast<long>(schools.size() - 1), id);
      } else if (std::find(others.begin(), others.end(), id) == others.end()) {
        others.push_back(id);
        out.units.push_back(id);
      }
    }
  }
  if (schools.size() == 1 && (doubtful_schools.empty() ||
                              (doubtful_schools.size() == 1 && *doubtful_schools.begin() == *schools.begin())))
    out.school = *schools.begin();
  return out;
}

std::vector<int64_t> UnitNames::Matching(std::string_view typed, size_t limit) const {
  std::string t = NormalizeNumerals(typed);
  std::vector<int64_t> out;
  if (t.empty()) return out;
  for (const auto& [form, targets] : forms_) {
    if (form.find(t) == std::string::npos) continue;
    for (const auto& target : targets)
      if (target.unit && std::find(out.begin(), out.end(), target.unit) == out.end()) out.push_back(target.unit);
    if (out.size() >= limit) break;
  }
  return out;
}

std::vector<std::string> UnitNames::Forms(int64_t id) const {
  std::vector<std::string> out;
  for (const auto& [form, targets] : forms_)
    for (const auto& target : targets)
      if (target.unit == id) out.push_back(form);
  return out;
}

namespace {

std::atomic<uint64_t> g_generation{0};

struct Cached {
  std::shared_ptr<const UnitNames> names;
  absl::Time built;
  uint64_t generation = 0;
  std::string fingerprint;
};

absl::Mutex g_mu;
std::map<std::string, Cached>& Cache() {
  static auto* cache = new std::map<std::string, Cached>;
  return *cache;
}

absl::StatusOr<std::string> Fingerprint(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT (SELECT count(*) FROM units), (SELECT COALESCE(max(id),0) FROM units), "
      "(SELECT count(*) FROM unit_aliases), (SELECT COALESCE(max(id),0) FROM unit_aliases)"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::string();
  return std::to_string(st.Int(0)) + "/" + std::to_string(st.Int(1)) + "/" + std::to_string(st.Int(2)) + "/" +
         std::to_string(st.Int(3));
}

absl::StatusOr<std::shared_ptr<const UnitNames>> Load(Db& db) {
  std::string city;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT name FROM units WHERE kind='bureau' AND active=1 ORDER BY id LIMIT 1"));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      std::string bureau = st.Text(0);
      if (size_t p = bureau.find("市"); p != std::string::npos) city = bureau.substr(0, p + 3);
    }
  }
  std::vector<NamedUnit> units;
  std::map<int64_t, size_t> at;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT u.id, u.name, u.kind, COALESCE(u.district,''), COALESCE(p.kind,'') FROM units u "
        "LEFT JOIN units p ON p.id = u.parent_id WHERE u.active=1 AND u.kind IN ('school','district_bureau')"));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      NamedUnit u{st.Int(0), st.Text(1), st.Text(2), st.Text(3)};
      u.city_run = u.kind == "school" && st.Text(4) == "bureau";
      at[u.id] = units.size();
      units.push_back(std::move(u));
    }
  }
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT unit_id, alias FROM unit_aliases ORDER BY id"));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      if (auto it = at.find(st.Int(0)); it != at.end()) units[it->second].aliases.push_back(st.Text(1));
    }
  }
  return std::make_shared<const UnitNames>(std::move(units), city);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const UnitNames>> NamesOf(Db& db) {
  QF_ASSIGN_OR_RETURN(std::string fingerprint, Fingerprint(db));
  uint64_t generation = g_generation.load();
  absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&g_mu);
    auto it = Cache().find(db.path());
    if (it != Cache().end() && it->second.generation == generation && it->second.fingerprint == fingerprint &&
        now - it->second.built < absl::Minutes(1))
      return it->second.names;
  }
  QF_ASSIGN_OR_RETURN(auto names, Load(db));
  absl::MutexLock lock(&g_mu);
  Cache()[db.path()] = {names, now, generation, fingerprint};
  return names;
}

void ForgetNames() { g_generation.fetch_add(1); }

}  // namespace qf::org
