// The units a text names, as people write them: a unit's official name, its forms without the city or district
// prefix, the short forms of numbered schools (第四十五中学 → 四十五中, 45中), the district bureau's 教体局, and the
// aliases staff add (former names, nicknames). One RE2 automaton over every form finds them, leftmost-longest,
// in the text with its numerals normalised (common/text.h); a form several units share (新华中学 in two districts)
// is narrowed by the districts the text names. Built from the database and kept per database (NamesOf).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace re2 {
class RE2;
}

namespace qf::org {

// One unit as the matcher knows it.
struct NamedUnit {
  int64_t id = 0;
  std::string name, kind, district;
  bool city_run = false;              // run by the city bureau (named 合肥市…)
  std::vector<std::string> aliases;  // added by staff
};

// The forms a unit is written in (numerals normalised), at least three characters each so that 一中 alone does not
// fire inside 统一中考 (合肥一中 and 市一中 do). Pure.
std::vector<std::string> NameForms(const NamedUnit& u, std::string_view city);

// A phrase of the text and the units it may mean (one when the name or the districts settle it).
struct Mention {
  std::string phrase;
  std::vector<int64_t> units;
};
struct Named {
  std::vector<Mention> mentions;  // in text order
  std::vector<std::string> districts;
  // The units named without doubt, schools first, each once.
  std::vector<int64_t> units;
  // The one school the text names, or 0 (none, several, or a phrase that stays ambiguous).
  int64_t school = 0;
};

class UnitNames {
 public:
  // `city` is the city's name (合肥市), from the bureau's.
  UnitNames(std::vector<NamedUnit> units, std::string city);
  ~UnitNames();
  UnitNames(const UnitNames&) = delete;
  UnitNames& operator=(const UnitNames&) = delete;

  Named Find(std::string_view text) const;
  // The units one of whose forms contains `typed` (the picker's search by short name), at most `limit`.
  std::vector<int64_t> Matching(std::string_view typed, size_t limit) const;
  const NamedUnit* Unit(int64_t id) const;
  // The forms a unit is recognised in.
  std::vector<std::string> Forms(int64_t id) const;

 private:
  struct Target {
    int64_t unit = 0;      // or a district:
    std::string district;
  };
  std::vector<NamedUnit> units_;
  std::vector<std::pair<std::string, std::vector<Target>>> forms_;  // form → what it names, sorted by form
  std::unique_ptr<re2::RE2> re_;
};

// The matcher for this database: built from its active schools and district bureaus and their aliases, kept for a
// minute (another process may have changed the units) and rebuilt at once after a change made in this process.
absl::StatusOr<std::shared_ptr<const UnitNames>> NamesOf(Db& db);
// Called by every write of units or aliases.
void ForgetNames();

}  // namespace qf::org
