// A project's sites, the complaints linked to it and the evidence files of its monthly reports; the shared reads of
// store.h.
#include <cmath>
#include <cstdio>

#include "cases/cases.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/org.h"
#include "projects/projects.h"
#include "projects/store.h"
#include "storage/evidence_files.h"

namespace qf::projects {
namespace json = boost::json;

std::string Subject(int64_t id) { return "project:" + std::to_string(id); }

std::optional<absl::CivilMonth> ParseMonth(std::string_view s) {
  int y = 0, m = 0;
  char tail = 0;
  if (s.size() != 7 || std::sscanf(std::string(s).c_str(), "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12)
    return std::nullopt;
  return absl::CivilMonth(y, m);
}

std::string MonthText(absl::CivilMonth m) { return fmt::format("{:04d}-{:02d}", m.year(), m.month()); }

absl::StatusOr<ProjectRow> LoadProject(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, year, name, unit_id FROM projects WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("projects.not_found", "民生工程项目不存在");
  return ProjectRow{st.Int(0), st.Int(3), static_cast<int>(st.Int(1)), st.Text(2)};
}

absl::Status MayActFor(Db& db, const ProjectRow& p, int64_t district_unit_id, const Principal& who,
                       std::string_view refusal) {
  if (who.Has(kSupervisor) || (who.unit_id && who.unit_id == p.unit_id)) return absl::OkStatus();
  QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, district_unit_id, who.unit_id));
  if (!within) return Forbidden("projects.scope", refusal);
  return absl::OkStatus();
}

absl::Status HasTarget(Db& db, int64_t project_id, int64_t unit_id, std::string_view code, std::string_view field) {
  QF_ASSIGN_OR_RETURN(auto t, db.Prepare("SELECT 1 FROM project_targets WHERE project_id = ? AND unit_id = ?"));
  t.Bind(1, project_id).Bind(2, unit_id);
  QF_ASSIGN_OR_RETURN(bool has, t.Step());
  if (!has) return Invalid(code, "该单位没有本项目的目标任务", {{std::string(field), "没有目标任务"}});
  return absl::OkStatus();
}

namespace {

std::optional<double> Coordinate(JsonInput& in, const json::object& body, std::string_view name, double limit) {
  const json::value* v = body.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_number() || std::abs(v->to_number<double>()) > limit) {
    in.Fail(name, fmt::format("应为 -{0} 到 {0} 之间的数", limit));
    return std::nullopt;
  }
  return v->to_number<double>();
}

}  // namespace

absl::StatusOr<SiteRequest> ParseSite(const json::object& body) {
  JsonInput in(body);
  SiteRequest r;
  r.district_unit_id = in.Int("district_unit_id", true, 1, INT64_MAX).value_or(0);
  r.school_id = in.Int("school_id", false, 1, INT64_MAX).value_or(0);
  r.name = in.Str("name", false, 60).value_or("");
  r.address = in.Str("address", false, 120).value_or("");
  r.works = in.Str("works", false, 200).value_or("");
  r.lat = Coordinate(in, body, "lat", 90);
  r.lon = Coordinate(in, body, "lon", 180);
  if (!r.school_id) {
    if (r.name.empty()) in.Fail("name", "不是学校的项目点，请填写名称");
    if (r.address.empty()) in.Fail("address", "不是学校的项目点，请填写地址");
  }
  QF_RETURN_IF_ERROR(in.Finish("projects.site"));
  return r;
}

absl::StatusOr<json::object> AddSite(Tx& tx, int64_t project_id, const SiteRequest& req, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(ProjectRow p, LoadProject(db, project_id));
  QF_RETURN_IF_ERROR(HasTarget(db, project_id, req.district_unit_id, "projects.invalid", "district_unit_id"));
  QF_RETURN_IF_ERROR(MayActFor(db, p, req.district_unit_id, who, "只能登记本县区的项目点"));
  QF_ASSIGN_OR_RETURN(auto district, org::GetUnit(db, req.district_unit_id));
  if (!district) return Invalid("projects.site", "县区不存在", {{"district_unit_id", "不存在"}});
  int64_t unit_id = req.school_id;
  std::string name = req.name;
  if (unit_id) {
    QF_ASSIGN_OR_RETURN(auto school, org::GetUnit(db, unit_id));
    QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, unit_id, req.district_unit_id));
    if (!school || school->kind != "school" || !within)
      return Invalid("projects.site", "项目点学校应在该县区内", {{"school_id", "不是该县区的学校"}});
    name = school->name;
  } else {
    QF_ASSIGN_OR_RETURN(auto n, db.Prepare("SELECT COUNT(*) FROM project_sites WHERE project_id = ?"));
    n.Bind(1, project_id);
    QF_RETURN_IF_ERROR(n.Step().status());
    org::Unit u;
    u.code = fmt::format("XM{}-{:03d}", project_id, n.Int(0) + 1);
    u.name = req.name;
    u.kind = "other";
    u.parent_id = district->id;
    u.district = district->district;
    u.region_type = district->region_type;
    u.address = req.address;
    u.lat = req.lat ? req.lat : district->lat;
    u.lon = req.lon ? req.lon : district->lon;
    QF_ASSIGN_OR_RETURN(unit_id, org::InsertUnit(tx, u));
  }
  QF_ASSIGN_OR_RETURN(auto dup, db.Prepare("SELECT 1 FROM project_sites WHERE project_id = ? AND unit_id = ?"));
  dup.Bind(1, project_id).Bind(2, unit_id);
  QF_ASSIGN_OR_RETURN(bool exists, dup.Step());
  if (exists) return Invalid("projects.site", "该学校已是本项目的项目点", {{"school_id", "已登记"}});
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO project_sites(project_id, unit_id, district_unit_id, works, added_by, added_at) VALUES(?,?,?,?,?,?) "
      "RETURNING id"));
  ins.Bind(1, project_id).Bind(2, unit_id).Bind(3, req.district_unit_id).Bind(4, req.works);
  if (who.account_id) ins.Bind(5, who.account_id); else ins.BindNull(5);
  ins.Bind(6, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  QF_RETURN_IF_ERROR(tx.Append("project.site_added", Subject(project_id),
                               {{"site_id", ids.at(0)}, {"unit_id", unit_id}, {"name", name},
                                {"district_unit_id", req.district_unit_id}, {"works", req.works}})
                         .status());
  return json::object{{"id", ids.at(0)}, {"unit_id", unit_id}, {"name", name}};
}

absl::StatusOr<std::vector<Site>> SitesOf(Db& db, const std::vector<int64_t>& project_ids) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.project_id, s.unit_id, s.district_unit_id, p.name FROM project_sites s JOIN projects p ON p.id = s.project_id "
      "WHERE s.project_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) ORDER BY s.project_id, s.unit_id"));
  st.Bind(1, json::serialize(json::array(project_ids.begin(), project_ids.end())));
  std::vector<Site> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Int(1), st.Int(2), st.Text(3)});
  }
  return out;
}

absl::StatusOr<json::object> LinkCase(Tx& tx, int64_t project_id, int64_t case_id, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(ProjectRow p, LoadProject(db, project_id));
  QF_ASSIGN_OR_RETURN(bool visible, cases::MaySee(db, case_id, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  QF_ASSIGN_OR_RETURN(auto old, db.Prepare("SELECT project_id FROM project_cases WHERE case_id = ?"));
  old.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(auto before, old.Ints());
  if (!before.empty() && before.front() == project_id) return json::object{{"project_id", project_id}, {"case_id", case_id}, {"moved_from", nullptr}};
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO project_cases(case_id, project_id, linked_by, linked_at) VALUES(?1,?2,?3,?4) "
      "ON CONFLICT(case_id) DO UPDATE SET project_id = ?2, linked_by = ?3, linked_at = ?4"));
  st.Bind(1, case_id).Bind(2, project_id);
  if (who.account_id) st.Bind(3, who.account_id); else st.BindNull(3);
  st.Bind(4, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  json::value moved = before.empty() ? json::value(nullptr) : json::value(before.front());
  QF_RETURN_IF_ERROR(tx.Append("project.case_linked", Subject(project_id),
                               {{"case_id", case_id}, {"moved_from", moved}}).status());
  return json::object{{"project_id", project_id}, {"case_id", case_id}, {"moved_from", moved}};
}

absl::Status UnlinkCase(Tx& tx, int64_t project_id, int64_t case_id, const Principal& who) {
  Db& db = tx.db();
  QF_RETURN_IF_ERROR(LoadProject(db, project_id).status());
  QF_ASSIGN_OR_RETURN(bool visible, cases::MaySee(db, case_id, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM project_cases WHERE case_id = ? AND project_id = ? RETURNING case_id"));
  st.Bind(1, case_id).Bind(2, project_id);
  QF_ASSIGN_OR_RETURN(auto gone, st.Ints());
  if (gone.empty()) return NotFound("projects.case_not_linked", "该投诉未关联本项目");
  return tx.Append("project.case_unlinked", Subject(project_id), {{"case_id", case_id}}).status();
}

absl::StatusOr<std::vector<int64_t>> LinkedCases(Db& db, int64_t project_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT case_id FROM project_cases WHERE project_id = ? ORDER BY case_id DESC"));
  st.Bind(1, project_id);
  return st.Ints();
}

absl::StatusOr<json::object> ProjectOfCase(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT p.id, p.year, p.name FROM project_cases c JOIN projects p ON p.id = c.project_id WHERE c.case_id = ?"));
  st.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return json::object{{"project", nullptr}};
  return json::object{{"project", json::object{{"id", st.Int(0)}, {"year", st.Int(1)}, {"name", st.Text(2)}}}};
}

absl::StatusOr<std::string> AddReportEvidence(Tx& tx, int64_t project_id, int64_t unit_id, const std::string& month,
                                              const std::string& name, const std::string& data, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(ProjectRow p, LoadProject(db, project_id));
  QF_RETURN_IF_ERROR(MayActFor(db, p, unit_id, who, "只能为本单位（或所辖县区）的月报上传佐证"));
  QF_ASSIGN_OR_RETURN(auto r, db.Prepare("SELECT 1 FROM project_reports WHERE project_id = ? AND unit_id = ? AND month = ?"));
  r.Bind(1, project_id).Bind(2, unit_id).Bind(3, month);
  QF_ASSIGN_OR_RETURN(bool reported, r.Step());
  if (!reported) return Invalid("projects.evidence", "该月尚未报送进度，请先报送再上传佐证", {{"month", "未报送"}});
  QF_ASSIGN_OR_RETURN(KeptFile kept, KeepEvidenceFile(tx, data));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO project_report_files(project_id, unit_id, month, hash, name, added_by, added_at) VALUES(?,?,?,?,?,?,?) "
      "ON CONFLICT DO NOTHING"));
  st.Bind(1, project_id).Bind(2, unit_id).Bind(3, month).Bind(4, kept.sha256).Bind(5, name);
  if (who.account_id) st.Bind(6, who.account_id); else st.BindNull(6);
  st.Bind(7, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("project.evidence_added", Subject(project_id),
                               {{"unit_id", unit_id}, {"month", month}, {"sha256", kept.sha256}, {"name", name},
                                {"size", data.size()}, {"mime", kept.mime}})
                         .status());
  return kept.sha256;
}

absl::StatusOr<EvidenceFile> ReportEvidence(Db& db, int64_t project_id, const std::string& hash, const Principal& who) {
  QF_ASSIGN_OR_RETURN(ProjectRow p, LoadProject(db, project_id));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT f.unit_id, f.name, b.mime, b.data FROM project_report_files f JOIN blobs b ON b.hash = f.hash "
      "WHERE f.project_id = ? AND f.hash = ?"));
  st.Bind(1, project_id).Bind(2, hash);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    bool may = (who.roles & (kSupervisor | kLeader | kClerk)) != 0 ||
               MayActFor(db, p, st.Int(0), who, "").ok();
    if (may) return EvidenceFile{st.Text(2), st.Text(3), st.Text(1)};
  }
  return NotFound("projects.evidence_not_found", "佐证材料不存在");
}

}  // namespace qf::projects
