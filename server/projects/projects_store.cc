// Projects and their targets, the districts' monthly reports, and the monthly board.
#include <algorithm>
#include <cmath>
#include <map>

#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/org.h"
#include "projects/projects.h"
#include "projects/store.h"

namespace qf::projects {
namespace json = boost::json;
namespace {

double Round1(double v) { return std::round(v * 10) / 10; }

// A non-negative amount in a request (quantity or 万元), named by its field when it is not one.
std::optional<double> Amount(JsonInput& in, const json::object& body, std::string_view name, bool required) {
  const json::value* v = body.if_contains(name);
  if (!v || v->is_null()) {
    if (required) in.Fail(name, "必填");
    return std::nullopt;
  }
  if (!v->is_number() || v->to_number<double>() < 0 || v->to_number<double>() > 1e9) {
    in.Fail(name, "应为不小于 0 的数");
    return std::nullopt;
  }
  return v->to_number<double>();
}

}  // namespace

absl::StatusOr<ProjectRequest> ParseProject(const json::object& body, const Policy& policy) {
  JsonInput in(body);
  ProjectRequest r;
  r.year = static_cast<int>(in.Int("year", true, 2000, 2100).value_or(0));
  r.name = in.Str("name", true, 60).value_or("");
  r.measure = in.Str("measure", true, 10).value_or("");
  r.person = in.Str("person", true, 40).value_or("");
  r.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  auto funds = in.Day("funds_due_on", false);
  auto works = in.Day("works_due_on", false);
  const json::value* targets = body.if_contains("targets");
  if (!targets || !targets->is_array() || targets->as_array().empty() || targets->as_array().size() > 200) {
    in.Fail("targets", "请填写各县区的目标任务");
  } else {
    for (size_t i = 0; i < targets->as_array().size(); ++i) {
      const json::value& t = targets->as_array()[i];
      std::string at = fmt::format("targets[{}]", i);
      if (!t.is_object()) {
        in.Fail(at, "应为 {unit_id, quantity, funds}");
        continue;
      }
      JsonInput row(t.as_object(), at);
      ProjectRequest::Row x;
      x.unit_id = row.Int("unit_id", true, 1, INT64_MAX).value_or(0);
      x.quantity = Amount(row, t.as_object(), "quantity", true).value_or(0);
      x.funds = Amount(row, t.as_object(), "funds", true).value_or(0);
      for (const auto& e : row.errors()) in.Fail(e.field, e.message);
      if (std::any_of(r.targets.begin(), r.targets.end(), [&](const auto& o) { return o.unit_id == x.unit_id; }))
        in.Fail(at + ".unit_id", "同一县区只能有一项目标");
      r.targets.push_back(x);
    }
  }
  QF_RETURN_IF_ERROR(in.Finish("projects.invalid"));
  r.funds_due_on = funds.value_or(absl::CivilDay(r.year, policy.funds_month, policy.funds_day));
  r.works_due_on = works.value_or(absl::CivilDay(r.year, policy.works_month, policy.works_day));
  if (r.funds_due_on.year() != r.year || r.works_due_on.year() != r.year)
    return Invalid("projects.invalid", "日期应在项目年度内", {{"works_due_on", "应在项目年度内"}});
  return r;
}

absl::StatusOr<json::object> CreateProject(Tx& tx, const ProjectRequest& req, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, req.unit_id));
  if (!unit || unit->kind != "division") return Invalid("projects.invalid", "责任单位应为局内处室", {{"unit_id", "不是处室"}});
  std::vector<FieldError> e;
  for (size_t i = 0; i < req.targets.size(); ++i) {
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, req.targets[i].unit_id));
    if (!u || (u->kind != "district_bureau" && u->kind != "bureau"))
      e.push_back({fmt::format("targets[{}].unit_id", i), "应为县区教育主管部门（或市局，市直部分）"});
  }
  if (!e.empty()) return Invalid("projects.invalid", "目标任务的单位有误", e);
  QF_ASSIGN_OR_RETURN(auto dup, db.Prepare("SELECT 1 FROM projects WHERE year = ? AND name = ?"));
  dup.Bind(1, int64_t{req.year}).Bind(2, req.name);
  QF_ASSIGN_OR_RETURN(bool exists, dup.Step());
  if (exists) return Invalid("projects.invalid", "本年度已有同名项目", {{"name", "已存在"}});
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO projects(year, name, measure, unit_id, person, funds_due_on, works_due_on, created_by, created_at) "
      "VALUES(?,?,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, int64_t{req.year}).Bind(2, req.name).Bind(3, req.measure).Bind(4, req.unit_id).Bind(5, req.person)
      .Bind(6, FormatDay(req.funds_due_on)).Bind(7, FormatDay(req.works_due_on));
  if (who.account_id) ins.Bind(8, who.account_id); else ins.BindNull(8);
  ins.Bind(9, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  int64_t id = ids.at(0);
  QF_ASSIGN_OR_RETURN(auto t, db.Prepare("INSERT INTO project_targets(project_id, unit_id, quantity, funds) VALUES(?,?,?,?)"));
  double quantity = 0, funds = 0;
  for (const auto& row : req.targets) {
    t.Reset();
    t.Bind(1, id).Bind(2, row.unit_id).Bind(3, row.quantity).Bind(4, row.funds);
    QF_RETURN_IF_ERROR(t.Run());
    quantity += row.quantity;
    funds += row.funds;
  }
  QF_RETURN_IF_ERROR(tx.Append("project.created", Subject(id),
                               {{"year", req.year}, {"name", req.name}, {"unit_id", req.unit_id},
                                {"districts", static_cast<int64_t>(req.targets.size())}, {"quantity", quantity},
                                {"funds", funds}})
                         .status());
  return json::object{{"id", id}, {"districts", static_cast<int64_t>(req.targets.size())}};
}

absl::StatusOr<ReportRequest> ParseReport(const json::object& body) {
  JsonInput in(body);
  ReportRequest r;
  r.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  auto month = ParseMonth(in.Str("month", true, 7).value_or(""));
  if (!month && in.ok()) in.Fail("month", "月份应为 YYYY-MM");
  r.figures.quantity_done = Amount(in, body, "quantity_done", true).value_or(0);
  r.figures.funds_in_place = Amount(in, body, "funds_in_place", true).value_or(0);
  r.figures.funds_spent = Amount(in, body, "funds_spent", true).value_or(0);
  r.note = in.Str("note", false, 500).value_or("");
  if (r.figures.funds_spent > r.figures.funds_in_place) in.Fail("funds_spent", "已支出资金不能超过到位资金");
  QF_RETURN_IF_ERROR(in.Finish("projects.report"));
  r.month = *month;
  return r;
}

absl::StatusOr<json::object> ReportProgress(Tx& tx, int64_t project_id, const ReportRequest& req, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(ProjectRow p, LoadProject(db, project_id));
  QF_RETURN_IF_ERROR(HasTarget(db, project_id, req.unit_id, "projects.report", "unit_id"));
  QF_RETURN_IF_ERROR(MayActFor(db, p, req.unit_id, who, "只能报送本单位（或所辖县区）的进度"));
  absl::CivilMonth now(CstDay(tx.now()));
  if (req.month.year() != p.year || req.month > now)
    return Invalid("projects.report", "月份应在项目年度内且不晚于本月", {{"month", "不在可报送的月份内"}});
  // Cumulative figures never go backwards: each within the months before and after.
  QF_ASSIGN_OR_RETURN(auto nb, db.Prepare(
      "SELECT month, quantity_done, funds_in_place, funds_spent FROM project_reports WHERE project_id = ? AND unit_id = ? "
      "AND month <> ? ORDER BY month"));
  nb.Bind(1, project_id).Bind(2, req.unit_id).Bind(3, MonthText(req.month));
  std::vector<FieldError> e;
  const std::string month = MonthText(req.month);
  const std::pair<const char*, double> figures[] = {{"quantity_done", req.figures.quantity_done},
                                                    {"funds_in_place", req.figures.funds_in_place},
                                                    {"funds_spent", req.figures.funds_spent}};
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, nb.Step());
    if (!row) break;
    bool before = nb.Text(0) < month;
    for (int i = 0; i < 3; ++i) {
      double other = nb.Double(i + 1);
      if (before ? figures[i].second + 1e-9 < other : figures[i].second > other + 1e-9)
        e.push_back({figures[i].first, fmt::format("累计数{}{}月已报的 {}", before ? "不能少于" : "不能多于",
                                                   nb.Text(0), other)});
    }
  }
  if (!e.empty()) return Invalid("projects.report", "累计进度不能倒退", e);
  QF_ASSIGN_OR_RETURN(auto old, db.Prepare("SELECT id FROM project_reports WHERE project_id = ? AND unit_id = ? AND month = ?"));
  old.Bind(1, project_id).Bind(2, req.unit_id).Bind(3, month);
  QF_ASSIGN_OR_RETURN(auto previous, old.Ints());
  if (!previous.empty()) {
    QF_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM project_reports WHERE id = ?"));
    del.Bind(1, previous.front());
    QF_RETURN_IF_ERROR(del.Run());
  }
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO project_reports(project_id, unit_id, month, quantity_done, funds_in_place, funds_spent, note, "
      "reported_by, reported_at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, project_id).Bind(2, req.unit_id).Bind(3, month).Bind(4, req.figures.quantity_done)
      .Bind(5, req.figures.funds_in_place).Bind(6, req.figures.funds_spent).Bind(7, req.note);
  if (who.account_id) ins.Bind(8, who.account_id); else ins.BindNull(8);
  ins.Bind(9, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  QF_RETURN_IF_ERROR(tx.Append("project.reported", Subject(project_id),
                               {{"unit_id", req.unit_id}, {"month", month}, {"quantity_done", req.figures.quantity_done},
                                {"funds_in_place", req.figures.funds_in_place}, {"funds_spent", req.figures.funds_spent},
                                {"correction", !previous.empty()}})
                         .status());
  return json::object{{"id", ids.at(0)}, {"month", month}, {"correction", !previous.empty()}};
}

absl::StatusOr<json::object> ProjectList(Db& db, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT p.id, p.name, p.measure, u.name, p.person, p.funds_due_on, p.works_due_on, "
      "(SELECT COUNT(*) FROM project_targets t WHERE t.project_id = p.id), "
      "(SELECT COALESCE(SUM(quantity), 0) FROM project_targets t WHERE t.project_id = p.id), "
      "(SELECT COALESCE(SUM(funds), 0) FROM project_targets t WHERE t.project_id = p.id) "
      "FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE p.year = ? ORDER BY p.id"));
  st.Bind(1, int64_t{year});
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"name", st.Text(1)}, {"measure", st.Text(2)}, {"unit", st.Text(3)},
                                 {"person", st.Text(4)}, {"funds_due_on", st.Text(5)}, {"works_due_on", st.Text(6)},
                                 {"districts", st.Int(7)}, {"quantity", st.Double(8)}, {"funds", st.Double(9)}});
  }
  return json::object{{"year", year}, {"items", items}};
}

absl::StatusOr<json::object> ProjectView(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT p.id, p.year, p.name, p.measure, u.name, p.person, p.funds_due_on, p.works_due_on "
      "FROM projects p JOIN org_units u ON u.id = p.unit_id WHERE p.id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("projects.not_found", "民生工程项目不存在");
  json::object out{{"id", st.Int(0)}, {"year", st.Int(1)}, {"name", st.Text(2)}, {"measure", st.Text(3)},
                   {"unit", st.Text(4)}, {"person", st.Text(5)}, {"funds_due_on", st.Text(6)}, {"works_due_on", st.Text(7)}};
  QF_ASSIGN_OR_RETURN(auto t, db.Prepare(
      "SELECT t.unit_id, u.name, t.quantity, t.funds FROM project_targets t JOIN org_units u ON u.id = t.unit_id "
      "WHERE t.project_id = ? ORDER BY u.name"));
  t.Bind(1, id);
  std::map<std::pair<int64_t, std::string>, json::array> files;  // by district and month
  {
    QF_ASSIGN_OR_RETURN(auto f, db.Prepare(
        "SELECT f.unit_id, f.month, f.hash, f.name, b.mime, b.size, f.added_at FROM project_report_files f "
        "JOIN blobs b ON b.hash = f.hash WHERE f.project_id = ? ORDER BY f.added_at"));
    f.Bind(1, id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, f.Step());
      if (!row) break;
      files[{f.Int(0), f.Text(1)}].push_back(json::object{{"sha256", f.Text(2)}, {"name", f.Text(3)}, {"mime", f.Text(4)},
                                                          {"size", f.Int(5)}, {"added_at", f.Text(6)}});
    }
  }
  QF_ASSIGN_OR_RETURN(auto r, db.Prepare(
      "SELECT month, quantity_done, funds_in_place, funds_spent, note, reported_at FROM project_reports "
      "WHERE project_id = ? AND unit_id = ? ORDER BY month"));
  json::array targets;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, t.Step());
    if (!row) break;
    r.Reset();
    r.Bind(1, id).Bind(2, t.Int(0));
    json::array reports;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool rr, r.Step());
      if (!rr) break;
      auto kept = files.find({t.Int(0), r.Text(0)});
      reports.push_back(json::object{{"month", r.Text(0)}, {"quantity_done", r.Double(1)}, {"funds_in_place", r.Double(2)},
                                     {"funds_spent", r.Double(3)}, {"note", r.Text(4)}, {"reported_at", r.Text(5)},
                                     {"files", kept == files.end() ? json::array() : kept->second}});
    }
    targets.push_back(json::object{{"unit_id", t.Int(0)}, {"unit", t.Text(1)}, {"quantity", t.Double(2)},
                                   {"funds", t.Double(3)}, {"reports", reports}});
  }
  out["targets"] = std::move(targets);
  QF_ASSIGN_OR_RETURN(auto sites, db.Prepare(
      "SELECT s.id, s.unit_id, u.code, u.name, u.kind, COALESCE(u.address, ''), s.district_unit_id, d.name, s.works, "
      "s.added_at FROM project_sites s JOIN org_units u ON u.id = s.unit_id JOIN org_units d ON d.id = s.district_unit_id "
      "WHERE s.project_id = ? ORDER BY d.name, u.code"));
  sites.Bind(1, id);
  json::array site_list;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, sites.Step());
    if (!row) break;
    site_list.push_back(json::object{{"id", sites.Int(0)}, {"unit_id", sites.Int(1)}, {"code", sites.Text(2)},
                                     {"name", sites.Text(3)}, {"school", sites.Text(4) == "school"},
                                     {"address", sites.Text(5)}, {"district_unit_id", sites.Int(6)},
                                     {"district", sites.Text(7)}, {"works", sites.Text(8)}, {"added_at", sites.Text(9)}});
  }
  out["sites"] = std::move(site_list);
  return out;
}

absl::StatusOr<json::object> Board(Db& db, const Policy& policy, int year, absl::CivilMonth month) {
  if (month.year() != year) return Invalid("projects.month", "月份应在所选年度内", {{"month", "不在年度内"}});
  const std::string upto = MonthText(month);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT p.id, p.name, p.measure, t.unit_id, u.name, t.quantity, t.funds, r.month, r.quantity_done, "
      "r.funds_in_place, r.funds_spent FROM projects p JOIN project_targets t ON t.project_id = p.id "
      "JOIN org_units u ON u.id = t.unit_id LEFT JOIN project_reports r ON r.project_id = p.id AND r.unit_id = t.unit_id "
      "AND r.month = (SELECT MAX(x.month) FROM project_reports x WHERE x.project_id = p.id AND x.unit_id = t.unit_id "
      "AND x.month <= ?2) WHERE p.year = ?1 ORDER BY p.id, u.name"));
  st.Bind(1, int64_t{year}).Bind(2, upto);
  struct Row {
    int64_t unit_id;
    std::string unit, reported_month;
    Target target;
    std::optional<Reported> reported;
    Standing s;
    json::object json;
  };
  std::vector<std::pair<json::object, std::vector<Row>>> projects;
  std::map<int64_t, std::pair<std::string, std::vector<std::pair<std::string, Standing>>>> by_unit;
  int64_t current = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (st.Int(0) != current) {
      current = st.Int(0);
      projects.push_back({json::object{{"id", current}, {"name", st.Text(1)}, {"measure", st.Text(2)}}, {}});
    }
    Row r{st.Int(3), st.Text(4), "", {st.Double(5), st.Double(6)}, std::nullopt, {}, {}};
    if (auto reported_month = st.OptText(7)) {
      r.reported_month = *reported_month;
      r.reported = Reported{st.Double(8), st.Double(9), st.Double(10)};
    }
    r.s = StandingOf(policy, r.target, r.reported, month);
    by_unit[r.unit_id].first = r.unit;
    by_unit[r.unit_id].second.push_back({std::string(projects.back().first.at("name").as_string()), r.s});
    projects.back().second.push_back(std::move(r));
  }
  json::array plist, laggards;
  for (auto& [p, rows] : projects) {
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.s.index > b.s.index; });
    json::array out;
    int64_t rank = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      if (i == 0 || Round1(r.s.index) != Round1(rows[i - 1].s.index)) rank = static_cast<int64_t>(i + 1);  // ties share
      json::object o{{"unit_id", r.unit_id}, {"unit", r.unit}, {"rank", rank},
                     {"target_quantity", r.target.quantity}, {"target_funds", r.target.funds},
                     {"reported_month", r.reported_month}, {"quantity_pct", Round1(r.s.quantity_pct)},
                     {"funds_pct", Round1(r.s.funds_pct)}, {"spent_pct", Round1(r.s.spent_pct)},
                     {"index", Round1(r.s.index)}, {"laggard", r.s.laggard}};
      if (r.reported) {
        o["quantity_done"] = r.reported->quantity_done;
        o["funds_in_place"] = r.reported->funds_in_place;
        o["funds_spent"] = r.reported->funds_spent;
      }
      if (r.s.laggard)
        laggards.push_back(json::object{{"unit", r.unit}, {"project", p.at("name")}, {"index", Round1(r.s.index)},
                                        {"behind", Round1(r.s.schedule_pct - r.s.index)},
                                        {"reported", r.reported.has_value()}});
      out.push_back(std::move(o));
    }
    p["rows"] = std::move(out);
    plist.push_back(std::move(p));
  }
  struct District {
    int64_t unit_id;
    std::string unit;
    double index = 0;
    json::array behind;
  };
  std::vector<District> districts;
  for (auto& [id, v] : by_unit) {
    District d{id, v.first};
    for (auto& [name, s] : v.second) {
      d.index += s.index / static_cast<double>(v.second.size());
      if (s.laggard) d.behind.push_back(json::string(name));
    }
    districts.push_back(std::move(d));
  }
  std::stable_sort(districts.begin(), districts.end(), [](const District& a, const District& b) { return a.index > b.index; });
  json::array dlist;
  int64_t rank = 0;
  for (size_t i = 0; i < districts.size(); ++i) {
    if (i == 0 || Round1(districts[i].index) != Round1(districts[i - 1].index)) rank = static_cast<int64_t>(i + 1);
    dlist.push_back(json::object{{"unit_id", districts[i].unit_id}, {"unit", districts[i].unit},
                                 {"index", Round1(districts[i].index)}, {"rank", rank}, {"behind", districts[i].behind}});
  }
  return json::object{{"year", year}, {"month", upto}, {"schedule_pct", Round1(ScheduleShare(month) * 100)},
                      {"laggard_points", policy.laggard_points}, {"clause", policy.clause}, {"projects", plist},
                      {"districts", dlist}, {"laggards", laggards}};
}

absl::StatusOr<Figures> FiguresAt(Db& db, const Policy& policy, int year, absl::CivilMonth month) {
  QF_ASSIGN_OR_RETURN(json::object b, Board(db, policy, year, month));
  Figures f;
  f.projects = static_cast<int>(b.at("projects").as_array().size());
  f.districts = static_cast<int>(b.at("districts").as_array().size());
  f.schedule_pct = b.at("schedule_pct").to_number<double>();
  for (const auto& d : b.at("districts").as_array())
    if (d.at("behind").as_array().empty()) ++f.on_pace;
  for (const auto& l : b.at("laggards").as_array())
    f.laggards.push_back(fmt::format("{}的{}", l.at("unit").as_string().c_str(), l.at("project").as_string().c_str()));
  return f;
}

}  // namespace qf::projects
