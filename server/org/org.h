// Organisations and people: the unit tree (bureau, divisions, district bureaus, schools), people with their
// unit, and declared relations between people (for recusal). Writes run inside writer commands and append
// their events; reads take a reading connection. Validation is pure.
#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/table_file.h"
#include "storage/import_rows.h"
#include "storage/writer.h"

namespace qf::org {

inline constexpr const char* kUnitKinds[] = {"bureau", "division", "district_bureau", "school", "other"};
inline constexpr const char* kStages[] = {"幼儿园", "小学", "初中", "九年一贯制", "高中", "完全中学", "职业学校"};
inline constexpr const char* kDivisionRoles[] = {"discipline", "office", "finance", "basic_ed", "vocational",
                                                 "personnel", "other"};

struct Unit {
  int64_t id = 0;
  std::string code;
  std::string name;
  std::string kind;
  int64_t parent_id = 0;
  std::string parent_code;  // for imports
  std::string district;
  std::string region_type;  // urban, county, zone
  std::string stage;
  std::string ownership;    // public, private
  std::string address;
  std::optional<double> lat, lon;
  std::optional<int64_t> enrolment;
  bool migrant_designated = false;
  std::string role;  // for divisions
};

struct Person {
  int64_t id = 0;
  std::string code;
  std::string name;
  int64_t unit_id = 0;
  std::string unit_code;  // for imports
  std::string position;
  bool leader = false;
};

struct Relation {
  std::string person_a, person_b;  // codes
  std::string kind;                // 配偶, 父母, 子女, 兄弟姐妹, 其他近亲属 …
};

boost::json::object UnitJson(const Unit& u);

// Requests parsed at the edge, every problem named by field.
absl::StatusOr<Unit> ParseUnit(const boost::json::object& body);
absl::StatusOr<Person> ParsePerson(const boost::json::object& body);
absl::StatusOr<Relation> ParseRelation(const boost::json::object& body);

// Active units by name or code (q), kind and district, in kind, district and name order. The public picker sees
// schools and bureaus only.
struct UnitFilter {
  std::string q, kind, district;
  bool public_picker = false;
  int64_t limit = 50;
};
absl::StatusOr<std::vector<Unit>> ListUnits(Db& db, const UnitFilter& f);
// The districts (县区) the active units lie in, in order.
absl::StatusOr<std::vector<std::string>> Districts(Db& db);

// Validation of one unit (pure): field errors named with `where` ("第3行" or "").
std::vector<FieldError> ValidateUnit(const Unit& u, const std::string& where);

absl::StatusOr<int64_t> InsertUnit(Tx& tx, Unit u);
absl::StatusOr<int64_t> InsertPerson(Tx& tx, const Person& p);
absl::Status InsertRelation(Tx& tx, const Relation& r);

absl::StatusOr<std::optional<Unit>> GetUnit(Db& db, int64_t id);
absl::StatusOr<int64_t> UnitIdByCode(Db& db, const std::string& code);  // 0 if absent
// The unit with a division role (discipline, office …) under the bureau; 0 if none.
int64_t UnitByRole(Db& db, const std::string& role);
// Every division role with its unit (the first active division holding it), in one query.
using RoleUnits = std::map<std::string, int64_t>;
absl::StatusOr<RoleUnits> DivisionsByRole(Db& db);
// The same inside a command, read once per batch of commands (Tx::Memo; InsertUnit forgets it).
absl::StatusOr<const RoleUnits*> DivisionsByRole(Tx& tx);
// True if `unit` is `ancestor` or lies below it.
absl::StatusOr<bool> IsWithin(Db& db, int64_t unit, int64_t ancestor);
// The unit and the units above it, nearest first (the unit itself, its parent, …, the bureau).
absl::StatusOr<std::vector<Unit>> Ancestry(Db& db, int64_t unit);
// The unit and every unit below it (the closure table), in no particular order.
absl::StatusOr<std::vector<int64_t>> Subtree(Db& db, int64_t unit);
// The unit a person belongs to; 0 when the person is unknown.
absl::StatusOr<int64_t> PersonUnit(Db& db, int64_t person_id);
// Declared relatives of a person (both directions).
absl::StatusOr<std::vector<int64_t>> Relatives(Db& db, int64_t person_id);

// org's read interface for the SQL of other domains (migration 14): the views org_units, org_people and
// org_relatives, the closure table unit_tree, and these fragments over them. No other domain names the tables
// units, people or relations. Each fragment is a boolean SQL expression over the given column and parameter.
// `unit` lies in the subtree of `ancestor` (is it or below it).
std::string InSubtreeSql(std::string_view unit, std::string_view ancestor);
// `unit` is `of` or above it.
std::string InAncestrySql(std::string_view unit, std::string_view of);
// `person` is `of` or a declared relative of `of`.
std::string SelfOrRelativeSql(std::string_view person, std::string_view of);
// A unit's name ("" when unknown) and a person's.
std::string UnitName(Db& db, int64_t id);
std::string PersonName(Db& db, int64_t id);

// Other names of a unit (former names, nicknames): the unit matcher (org/names.h) reads them. Adding one that the
// unit already has, or that another unit's official name is, is refused.
inline constexpr const char* kAliasKinds[] = {"short", "former", "other"};
struct Alias {
  int64_t id = 0;
  int64_t unit_id = 0;
  std::string alias, kind, added_at;
};
absl::StatusOr<Alias> ParseAlias(const boost::json::object& body);
absl::StatusOr<int64_t> AddAlias(Tx& tx, Alias a);
absl::Status RemoveAlias(Tx& tx, int64_t unit_id, int64_t alias_id);
absl::StatusOr<std::vector<Alias>> Aliases(Db& db, int64_t unit_id);

// Import from tables: validates every row first; applies nothing if any row fails unless accept_valid.
struct ImportReport {
  int applied = 0;
  std::vector<FieldError> rejected;  // row and reason (the first kMaxListedProblems)
  int problems = 0;                  // all of them
};
// The three imports' kinds in data/imports/columns.toml are "units", "people" and "relations"; each reads these
// fields from its columns there.
std::vector<std::string_view> UnitImportFields();
std::vector<std::string_view> PersonImportFields();
std::vector<std::string_view> RelationImportFields();
// `head` is the file's header (a table read whole, or a stream's head), `next` its rows (RowsOf).
absl::StatusOr<ImportReport> ImportUnits(Tx& tx, const ImportColumns& columns, const Table& head, const NextRow& next,
                                         bool accept_valid);
absl::StatusOr<ImportReport> ImportPeople(Tx& tx, const ImportColumns& columns, const Table& head, const NextRow& next,
                                          bool accept_valid);
absl::StatusOr<ImportReport> ImportRelations(Tx& tx, const ImportColumns& columns, const Table& head,
                                             const NextRow& next, bool accept_valid);
// The import of `kind` ("units", "people" or "relations").
absl::StatusOr<ImportReport> ImportOrg(Tx& tx, std::string_view kind, const ImportColumns& columns, const Table& head,
                                       const NextRow& next, bool accept_valid);

}  // namespace qf::org
