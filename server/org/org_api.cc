// HTTP handlers for units, people and relations, and the public unit picker.
#include "app/app.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "org/org.h"

namespace qf::org {
namespace {

void ListUnits(AppContext& app, Request& req, Respond respond, bool public_picker) {
  auto db = Reader(app);
  if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
  std::string q = req.Query("q").value_or("");
  std::string kind = req.Query("kind").value_or("");
  std::string district = req.Query("district").value_or("");
  int64_t limit = ParseInt<int64_t>(req.Query("limit").value_or("50")).value_or(50);
  limit = std::clamp<int64_t>(limit, 1, 1000);
  std::string sql =
      "SELECT id,code,name,kind,COALESCE(parent_id,0),COALESCE(district,''),COALESCE(stage,''),"
      "COALESCE(region_type,''),COALESCE(ownership,''),enrolment,migrant_designated,COALESCE(role,'') FROM units "
      "WHERE active=1 AND (?1='' OR instr(name, ?1)>0 OR code=?1) AND (?2='' OR kind=?2) AND (?3='' OR district=?3)";
  if (public_picker) sql += " AND kind IN ('school','district_bureau','bureau')";
  sql += " ORDER BY kind, district, name LIMIT ?4";
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) return respond(Response::Problem(st.status(), req.path));
  st->Bind(1, q).Bind(2, kind).Bind(3, district).Bind(4, limit);
  boost::json::array items;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return respond(Response::Problem(row.status(), req.path));
    if (!*row) break;
    boost::json::object o{{"id", st->Int(0)}, {"name", st->Text(2)}, {"kind", st->Text(3)},
                          {"district", st->Text(5)}, {"stage", st->Text(6)}};
    if (!public_picker) {
      o["code"] = st->Text(1);
      o["parent_id"] = st->Int(4);
      o["region_type"] = st->Text(7);
      o["ownership"] = st->Text(8);
      o["enrolment"] = st->IsNull(9) ? boost::json::value(nullptr) : boost::json::value(st->Int(9));
      o["migrant_designated"] = st->Int(10) != 0;
      o["role"] = st->Text(11);
    }
    items.push_back(std::move(o));
  }
  respond(Response::Json(200, boost::json::object{{"items", items}}));
}

absl::StatusOr<Unit> UnitFromJson(const boost::json::object& o) {
  JsonInput in(o);
  Unit u;
  u.code = in.Str("code", true, 32).value_or("");
  u.name = in.Str("name", true, 100).value_or("");
  u.kind = in.Enum("kind", true, {"bureau", "division", "district_bureau", "school", "other"}).value_or("");
  u.parent_id = in.Int("parent_id", false, 1, INT64_MAX).value_or(0);
  u.district = in.Str("district", false, 50).value_or("");
  u.region_type = in.Str("region_type", false, 10).value_or("");
  u.stage = in.Str("stage", false, 20).value_or("");
  u.ownership = in.Str("ownership", false, 10).value_or("");
  u.address = in.Str("address", false, 200).value_or("");
  u.enrolment = in.Int("enrolment", false, 0, 100000);
  u.migrant_designated = in.Bool("migrant_designated", false).value_or(false);
  u.role = in.Str("role", false, 20).value_or("");
  QF_RETURN_IF_ERROR(in.Finish());
  return u;
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/public/units", kPublic,
              [&app](Request& req, Respond r) { ListUnits(app, req, std::move(r), true); }, 0,
              "Public picker: schools and bureaus by name"});
  router.Add({"GET", "/api/v1/units", kAnyStaff,
              [&app](Request& req, Respond r) { ListUnits(app, req, std::move(r), false); }, 0,
              "Units, filtered by q, kind and district"});
  router.Add({"GET", "/api/v1/units/{id}", kAnyStaff,
              [&app](Request& req, Respond respond) {
                auto id = ParseInt<int64_t>(req.params[0]);
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto u = id ? GetUnit(**db, *id) : absl::StatusOr<std::optional<Unit>>(std::nullopt);
                if (!u.ok()) return respond(Response::Problem(u.status(), req.path));
                if (!*u) return respond(Response::Problem(NotFound("unit.not_found", "单位不存在"), req.path));
                respond(Response::Json(200, UnitJson(**u)));
              },
              0, "One unit"});
  router.Add({"POST", "/api/v1/units", kAdmin,
              [&app](Request& req, Respond respond) {
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                auto u = UnitFromJson(*body);
                if (!u.ok()) return respond(Response::Problem(u.status(), req.path));
                SubmitWrite(app, req, [u = *u](Tx& tx) -> absl::StatusOr<boost::json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t id, InsertUnit(tx, u));
                  return boost::json::object{{"id", id}};
                }, std::move(respond), 201);
              },
              16 * 1024, "Create a unit"});
  router.Add({"POST", "/api/v1/people", kAdmin,
              [&app](Request& req, Respond respond) {
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                Person p;
                p.code = in.Str("code", true, 32).value_or("");
                p.name = in.Str("name", true, 50).value_or("");
                p.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
                p.position = in.Str("position", false, 50).value_or("");
                p.leader = in.Bool("leader", false).value_or(false);
                if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
                SubmitWrite(app, req, [p](Tx& tx) -> absl::StatusOr<boost::json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t id, InsertPerson(tx, p));
                  return boost::json::object{{"id", id}};
                }, std::move(respond), 201);
              },
              16 * 1024, "Create a person"});
  router.Add({"POST", "/api/v1/relations", kAdmin,
              [&app](Request& req, Respond respond) {
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                Relation r{in.Str("person_a", true, 32).value_or(""), in.Str("person_b", true, 32).value_or(""),
                           in.Str("kind", true, 20).value_or("")};
                if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
                SubmitWrite(app, req, [r](Tx& tx) -> absl::StatusOr<boost::json::value> {
                  QF_RETURN_IF_ERROR(InsertRelation(tx, r));
                  return boost::json::object{{"declared", true}};
                }, std::move(respond), 201);
              },
              4096, "Declare a relation between two people (for recusal)"});
  router.Add({"POST", "/api/v1/org/import", kAdmin,
              [&app](Request& req, Respond respond) {
                std::string type = req.Query("type").value_or("");
                bool accept_valid = req.Query("accept_valid").value_or("") == "true";
                if (type != "units" && type != "people" && type != "relations")
                  return respond(Response::Problem(
                      Invalid("import.type", "type 应为 units、people 或 relations", {{"type", "取值无效"}}), req.path));
                auto table = ReadTable(req.body);
                if (!table.ok()) return respond(Response::Problem(table.status(), req.path));
                SubmitWrite(app, req, [t = std::move(*table), type, accept_valid](Tx& tx) -> absl::StatusOr<boost::json::value> {
                  absl::StatusOr<ImportReport> rep = type == "units"    ? ImportUnits(tx, t, accept_valid)
                                                     : type == "people" ? ImportPeople(tx, t, accept_valid)
                                                                        : ImportRelations(tx, t, accept_valid);
                  if (!rep.ok()) return rep.status();
                  boost::json::array rejected;
                  for (auto& f : rep->rejected) rejected.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
                  return boost::json::object{{"applied", rep->applied}, {"rejected", rejected}};
                }, std::move(respond));
              },
              kMaxImportBytes, "Import units, people or relations from CSV or XLSX (all or nothing unless accept_valid)"});
}

}  // namespace qf::org
