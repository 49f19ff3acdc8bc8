// CSV/XLSX import of units, people and relations. Every row is tried inside its own savepoint so that all
// problems are found in one pass; if any row fails and accept_valid is false, the command fails and its
// savepoint rollback leaves the database as it was.
#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"
#include "org/org.h"
#include "storage/import_rows.h"

namespace qf::org {
namespace {

std::string Cell(const std::vector<std::string>& row, int col) { return col >= 0 ? row[col] : ""; }

std::optional<double> OptDouble(const std::string& s, bool* bad) {
  if (s.empty()) return std::nullopt;
  try {
    size_t pos;
    double v = std::stod(s, &pos);
    if (pos != s.size()) *bad = true;
    return v;
  } catch (...) {  // std::stod throws on text that is not a number: report it as a bad cell
    *bad = true;
    return std::nullopt;
  }
}

}  // namespace

std::vector<std::string_view> UnitImportFields() {
  return {"code", "name", "kind", "parent_code", "district", "region_type", "stage", "ownership", "address", "lat",
          "lon", "enrolment", "migrant_designated", "role"};
}
std::vector<std::string_view> PersonImportFields() { return {"code", "name", "unit_code", "position", "leader"}; }
std::vector<std::string_view> RelationImportFields() { return {"person_a", "person_b", "kind"}; }

absl::StatusOr<ImportReport> ToReport(absl::StatusOr<RowReport> r) {
  if (!r.ok()) return r.status();
  return ImportReport{r->applied, r->rejected, r->problems};
}

absl::StatusOr<ImportReport> ImportUnits(Tx& tx, const ImportColumns& cols, const Table& t, const NextRow& next,
                                         bool accept_valid) {
  auto col = [&](std::string_view field) { return ColumnOf(t, cols, field); };
  int code = col("code"), name = col("name"), kind = col("kind"), parent = col("parent_code"), district = col("district"),
      region = col("region_type"), stage = col("stage"), owner = col("ownership"), address = col("address"),
      lat = col("lat"), lon = col("lon"), enrol = col("enrolment"), migrant = col("migrant_designated"),
      role = col("role");
  QF_RETURN_IF_ERROR(RequireColumns(t, cols));
  return ToReport(ImportRows(tx, next, accept_valid, [&](const std::vector<std::string>& row) -> absl::Status {
    Unit u;
    u.code = Cell(row, code); u.name = Cell(row, name); u.kind = Cell(row, kind);
    u.parent_code = Cell(row, parent); u.district = Cell(row, district); u.region_type = Cell(row, region);
    u.stage = Cell(row, stage); u.ownership = Cell(row, owner); u.address = Cell(row, address);
    u.role = Cell(row, role);
    std::vector<FieldError> e;
    bool bad_lat = false, bad_lon = false;
    u.lat = OptDouble(Cell(row, lat), &bad_lat);
    u.lon = OptDouble(Cell(row, lon), &bad_lon);
    if (bad_lat) e.push_back({"lat", "纬度不是数字", "number"});
    if (bad_lon) e.push_back({"lon", "经度不是数字", "number"});
    std::string en = Cell(row, enrol);
    if (!en.empty()) {
      u.enrolment = ParseInt<int64_t>(en);
      if (!u.enrolment) e.push_back({"enrolment", "在校生数不是整数", "integer"});
    }
    std::string m = Cell(row, migrant);
    u.migrant_designated = m == "1" || m == "是" || m == "true";
    auto more = ValidateUnit(u, "");  // every problem of the row at once
    e.insert(e.end(), more.begin(), more.end());
    if (!e.empty()) return Invalid("unit.invalid", "单位信息有误", e);
    return InsertUnit(tx, u).status();
  }));
}

absl::StatusOr<ImportReport> ImportPeople(Tx& tx, const ImportColumns& cols, const Table& t, const NextRow& next,
                                         bool accept_valid) {
  auto col = [&](std::string_view field) { return ColumnOf(t, cols, field); };
  int code = col("code"), name = col("name"), unit = col("unit_code"), pos = col("position"), leader = col("leader");
  QF_RETURN_IF_ERROR(RequireColumns(t, cols));
  return ToReport(ImportRows(tx, next, accept_valid, [&](const std::vector<std::string>& row) -> absl::Status {
    Person p;
    p.code = Cell(row, code); p.name = Cell(row, name); p.unit_code = Cell(row, unit);
    p.position = Cell(row, pos);
    std::string l = Cell(row, leader);
    p.leader = l == "1" || l == "是" || l == "true";
    return InsertPerson(tx, p).status();
  }));
}

absl::StatusOr<ImportReport> ImportRelations(Tx& tx, const ImportColumns& cols, const Table& t, const NextRow& next,
                                         bool accept_valid) {
  int a = ColumnOf(t, cols, "person_a"), b = ColumnOf(t, cols, "person_b"), kind = ColumnOf(t, cols, "kind");
  QF_RETURN_IF_ERROR(RequireColumns(t, cols));
  return ToReport(ImportRows(tx, next, accept_valid, [&](const std::vector<std::string>& row) -> absl::Status {
    return InsertRelation(tx, {Cell(row, a), Cell(row, b), Cell(row, kind)});
  }));
}

absl::StatusOr<ImportReport> ImportOrg(Tx& tx, std::string_view kind, const ImportColumns& columns, const Table& t,
                                       const NextRow& next, bool accept_valid) {
  return kind == "units"    ? ImportUnits(tx, columns, t, next, accept_valid)
         : kind == "people" ? ImportPeople(tx, columns, t, next, accept_valid)
                            : ImportRelations(tx, columns, t, next, accept_valid);
}

}  // namespace qf::org
