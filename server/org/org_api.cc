// HTTP handlers for units, people and relations, and the public unit picker: each parses the request into a
// typed value, calls org, and encodes the answer.
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "org/names.h"
#include "org/org.h"

namespace qf::org {
namespace {

namespace json = boost::json;

UnitFilter FilterOf(const Request& req, bool public_picker) {
  UnitFilter f;
  f.q = req.Query("q").value_or("");
  f.kind = req.Query("kind").value_or("");
  f.district = req.Query("district").value_or("");
  f.limit = std::clamp<int64_t>(ParseInt<int64_t>(req.Query("limit").value_or("50")).value_or(50), 1, 1000);
  f.public_picker = public_picker;
  return f;
}

// A unit in a list: what the public picker may see, or the whole row for staff.
json::object ListItem(const Unit& u, bool public_picker) {
  json::object o{{"id", u.id}, {"name", u.name}, {"kind", u.kind}, {"district", u.district}, {"stage", u.stage}};
  if (public_picker) return o;
  o["code"] = u.code;
  o["parent_id"] = u.parent_id;
  o["region_type"] = u.region_type;
  o["ownership"] = u.ownership;
  o["enrolment"] = u.enrolment ? json::value(*u.enrolment) : json::value(nullptr);
  o["migrant_designated"] = u.migrant_designated;
  o["role"] = u.role;
  return o;
}

ReadFn List(bool public_picker) {
  return [public_picker](const Request& req, Db& db) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto units, ListUnits(db, FilterOf(req, public_picker)));
    json::array items;
    for (const auto& u : units) items.push_back(ListItem(u, public_picker));
    return json::object{{"items", std::move(items)}};
  };
}

json::object AliasJson(const Alias& a) {
  return {{"id", a.id}, {"unit_id", a.unit_id}, {"alias", a.alias}, {"kind", a.kind}, {"added_at", a.added_at}};
}

// The units a complaint's text names, for the forms that propose the concerned unit: the one school named without
// doubt, every unit named, and the phrases that could mean several.
absl::StatusOr<json::value> NamedIn(const Request& req, Db& db) {
  QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
  JsonInput in(body);
  std::string text = in.Str("text", true, 6000).value_or("");
  QF_RETURN_IF_ERROR(in.Finish("unit.named_invalid"));
  QF_ASSIGN_OR_RETURN(auto names, NamesOf(db));
  Named found = names->Find(text);
  auto unit = [&](int64_t id) {
    const NamedUnit* u = names->Unit(id);
    return json::object{{"id", id}, {"name", u ? u->name : ""}, {"kind", u ? u->kind : ""},
                        {"district", u ? u->district : ""}};
  };
  json::array units, mentions;
  for (int64_t id : found.units) units.push_back(unit(id));
  for (const auto& m : found.mentions) {
    json::array candidates;
    for (int64_t id : m.units) candidates.push_back(unit(id));
    mentions.push_back(json::object{{"phrase", m.phrase}, {"units", std::move(candidates)}});
  }
  return json::object{{"school", found.school ? json::value(unit(found.school)) : json::value(nullptr)},
                      {"units", std::move(units)}, {"mentions", std::move(mentions)}};
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"POST", "/api/v1/public/units/named", kPublic, ReadRoute(app, NamedIn), 16 * 1024,
              "The units a complaint's text names (full, short, district-prefixed and former names)"});
  router.Add({"GET", "/api/v1/units/{id}/aliases", kAnyStaff,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "unit.not_found", "单位"));
                QF_ASSIGN_OR_RETURN(auto u, GetUnit(db, id));
                if (!u) return NotFound("unit.not_found", "单位不存在");
                QF_ASSIGN_OR_RETURN(auto names, NamesOf(db));
                json::array aliases, forms;
                QF_ASSIGN_OR_RETURN(auto list, Aliases(db, id));
                for (const auto& a : list) aliases.push_back(AliasJson(a));
                for (const auto& f : names->Forms(id)) forms.push_back(json::string(f));
                return json::object{{"items", std::move(aliases)}, {"forms", std::move(forms)}};
              }),
              0, "A unit's aliases, and the forms its name is recognised in"});
  router.Add({"POST", "/api/v1/units/{id}/aliases", kAdmin | kClerk,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "unit.not_found", "单位"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Alias a, ParseAlias(body));
                a.unit_id = id;
                return Command([a](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t alias_id, AddAlias(tx, a));
                  return json::object{{"id", alias_id}};
                });
              }, 201),
              4096, "Add an alias (former name, nickname) to a unit"});
  router.Add({"DELETE", "/api/v1/units/{id}/aliases/{alias}", kAdmin | kClerk,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "unit.not_found", "单位"));
                QF_ASSIGN_OR_RETURN(int64_t alias, PathId(req, 1, "alias.not_found", "别名"));
                return Command([id, alias](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(RemoveAlias(tx, id, alias));
                  return json::object{{"removed", true}};
                });
              }),
              0, "Remove an alias"});
  router.Add({"GET", "/api/v1/public/units", kPublic, ReadRoute(app, List(true)), 0,
              "Public picker: schools and bureaus by name"});
  router.Add({"GET", "/api/v1/units", kAnyStaff, ReadRoute(app, List(false)), 0,
              "Units, filtered by q, kind and district"});
  router.Add({"GET", "/api/v1/units/{id}", kAnyStaff,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "unit.not_found", "单位"));
                QF_ASSIGN_OR_RETURN(auto u, GetUnit(db, id));
                if (!u) return NotFound("unit.not_found", "单位不存在");
                return UnitJson(*u);
              }),
              0, "One unit"});
  router.Add({"POST", "/api/v1/units", kAdmin,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Unit u, ParseUnit(body));
                return Command([u](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t id, InsertUnit(tx, u));
                  return json::object{{"id", id}};
                });
              }, 201),
              16 * 1024, "Create a unit"});
  router.Add({"POST", "/api/v1/people", kAdmin,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Person p, ParsePerson(body));
                return Command([p](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t id, InsertPerson(tx, p));
                  return json::object{{"id", id}};
                });
              }, 201),
              16 * 1024, "Create a person"});
  router.Add({"POST", "/api/v1/relations", kAdmin,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Relation r, ParseRelation(body));
                return Command([r](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(InsertRelation(tx, r));
                  return json::object{{"declared", true}};
                });
              }, 201),
              4096, "Declare a relation between two people (for recusal)"});
  router.Add({"POST", "/api/v1/org/import", kAdmin,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                std::string type = req.Query("type").value_or("");
                bool accept_valid = req.Query("accept_valid").value_or("") == "true";
                if (type != "units" && type != "people" && type != "relations")
                  return Invalid("import.type", "type 应为 units、people 或 relations", {{"type", "取值无效"}});
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                return Command([t = std::move(table), type, accept_valid,
                                &cols = app.imports->Of(type)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(ImportReport rep, ImportOrg(tx, type, cols, t, RowsOf(t), accept_valid));
                  json::array rejected;
                  for (auto& f : rep.rejected) rejected.push_back(FieldJson(f));
                  return json::object{{"applied", rep.applied}, {"rejected", rejected}};
                });
              }),
              kMaxImportBytes, "Import units, people or relations from CSV or XLSX (all or nothing unless accept_valid)"});
}

void Register(Modules& m) {
  m.AddImportTemplate({"units", "单位导入模板", kAdmin, UnitImportFields()});
  m.AddImportTemplate({"people", "人员导入模板", kAdmin, PersonImportFields()});
  m.AddImportTemplate({"relations", "亲属关系导入模板", kAdmin, RelationImportFields()});
  m.AddRoutes(RegisterRoutes);
  m.AddVocabulary("districts", [](const AppContext&, Db& db) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto districts, Districts(db));
    return json::array(districts.begin(), districts.end());
  });
  m.AddVocabulary("stages", [](const AppContext&, Db&) -> absl::StatusOr<json::value> {
    return json::array(std::begin(kStages), std::end(kStages));
  });
}

}  // namespace qf::org
