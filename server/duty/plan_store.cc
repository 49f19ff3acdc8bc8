// The year's plan: reading the office's sheet, saving areas, tasks and deadlines, progress reports and the office's
// decisions, the card sweep, the board and a task's view.
#include <algorithm>
#include <map>

#include "cases/cards.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"
#include "org/names.h"
#include "org/org.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

// A unit as the sheet names it: its code or name, a name the unit matcher knows (schools and district bureaus, with
// their aliases), or a division named with the bureau before it (市教育局基教处). Candidates for the message otherwise.
absl::StatusOr<int64_t> FindUnit(Db& db, std::string_view text, std::vector<std::string>& candidates) {
  std::string t(Trim(text));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM org_units WHERE active = 1 AND (code = ? OR name = ?)"));
  st.Bind(1, t).Bind(2, t);
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  if (ids.size() == 1) return ids[0];
  QF_ASSIGN_OR_RETURN(auto divisions, db.Prepare(
      "SELECT d.id, d.name, b.name FROM org_units d JOIN org_units b ON b.id = d.parent_id "
      "WHERE d.active = 1 AND d.kind = 'division'"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, divisions.Step());
    if (!row) break;
    if (t == divisions.Text(2) + divisions.Text(1)) return divisions.Int(0);
  }
  QF_ASSIGN_OR_RETURN(auto names, org::NamesOf(db));
  org::Named found = names->Find(t);
  if (found.units.size() == 1) return found.units[0];
  for (int64_t id : names->Matching(t, 3))
    if (const auto* u = names->Unit(id)) candidates.push_back(u->name);
  return int64_t{0};
}

// The names in a 配合单位 cell, separated by 、，； , or ;.
std::vector<std::string> SplitUnits(std::string_view s) {
  std::string norm(s);
  for (const char* sep : {"、", "，", "；", ";"}) {
    size_t at;
    while ((at = norm.find(sep)) != std::string::npos) norm.replace(at, std::string_view(sep).size(), ",");
  }
  std::vector<std::string> out;
  for (auto part : Split(norm, ','))
    if (!Trim(part).empty()) out.emplace_back(Trim(part));
  return out;
}

struct DeadlineRow {
  int64_t task_id = 0;
  std::string period;
  absl::CivilDay due;
  DeadlineState state = DeadlineState::kOpen;
  std::optional<absl::CivilDay> reported_on;
};

// A deadline from its columns (due_on, status, reported_on or '') starting at `col`.
absl::StatusOr<DeadlineRow> ReadDeadline(const Stmt& st, int col, int64_t task_id, std::string period) {
  DeadlineRow d;
  d.task_id = task_id, d.period = std::move(period);
  QF_ASSIGN_OR_RETURN(d.due, StoredDay(st.Text(col)));
  QF_ASSIGN_OR_RETURN(d.state, ParseDeadlineState(st.Text(col + 1)));
  if (!st.Text(col + 2).empty()) d.reported_on = ParseDay(st.Text(col + 2));
  return d;
}

absl::StatusOr<DeadlineRow> MustDeadline(Db& db, int64_t task_id, const std::string& period) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT due_on, status, COALESCE(reported_on, '') FROM duty_deadlines WHERE task_id = ? AND period = ?"));
  st.Bind(1, task_id).Bind(2, period);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.deadline_not_found", period.empty() ? "任务不存在" : "该任务没有这一季度的期限");
  return ReadDeadline(st, 0, task_id, period);
}

struct TaskRow {
  int64_t id = 0, lead_unit_id = 0;
  std::string title;
};

absl::StatusOr<TaskRow> MustTask(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, lead_unit_id, title FROM duty_tasks WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.task_not_found", "任务不存在");
  return TaskRow{st.Int(0), st.Int(1), st.Text(2)};
}

TaskFacts FactsFor(const TaskRow& t, DeadlineState state, const Principal& who) {
  return {state, who.unit_id == t.lead_unit_id && (who.Has(kHandler) || who.Has(kClerk)), who.Has(kSupervisor)};
}

std::string TaskSubject(int64_t task_id) { return fmt::format("duty_task/{}", task_id); }

}  // namespace

std::vector<std::string_view> PlanImportFields() {
  return {"area", "task", "lead", "cooperating", "deadline", "basis", "evidence"};
}

absl::StatusOr<PlanInput> ReadPlanTable(Db& db, int year, const std::string& title, const ImportColumns& cols,
                                        const Table& t) {
  auto col = [&](std::string_view field) { return ColumnOf(t, cols, field); };
  int area = col("area"), task = col("task"), lead = col("lead"), coop = col("cooperating"), due = col("deadline"),
      basis = col("basis"), evidence = col("evidence");
  std::vector<FieldError> errors;
  for (auto missing : MissingColumns(t, cols))
    errors.push_back({std::string(missing), fmt::format("表头缺少“{}”列", missing), "column_missing", {std::string(missing)}});
  if (!errors.empty()) return Invalid("duty.plan_columns", "工作要点表缺少必需的列", std::move(errors));
  PlanInput plan{year, title, {}};
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    int n = t.row_numbers[r];
    auto cell = [&](int col) { return col < 0 ? std::string() : std::string(Trim(row[col])); };
    std::string area_title = cell(area), task_title = cell(task);
    if (area_title.empty() && task_title.empty() && cell(lead).empty()) continue;  // a blank row
    if (area_title.empty() && !plan.areas.empty()) area_title = plan.areas.back().title;  // a merged area cell
    if (area_title.empty()) errors.push_back(AtCell(n, area, t.header[area], "required", {}, "领域不能为空"));
    if (task_title.empty()) errors.push_back(AtCell(n, task, t.header[task], "required", {}, "任务不能为空"));
    TaskInput ti;
    ti.title = task_title, ti.basis = cell(basis), ti.evidence = cell(evidence);
    std::vector<std::string> candidates;
    QF_ASSIGN_OR_RETURN(ti.lead_unit_id, FindUnit(db, cell(lead), candidates));
    if (!ti.lead_unit_id)
      errors.push_back(AtCell(n, lead, t.header[lead], "unit_unknown", {cell(lead), Join(candidates, "、")},
                              candidates.empty() ? fmt::format("找不到单位“{}”", cell(lead))
                                                 : fmt::format("找不到单位“{}”，是否为：{}", cell(lead), Join(candidates, "、"))));
    if (coop >= 0) {
      for (auto name : SplitUnits(cell(coop))) {
        candidates.clear();
        QF_ASSIGN_OR_RETURN(int64_t id, FindUnit(db, name, candidates));
        if (!id) errors.push_back(AtCell(n, coop, t.header[coop], "unit_unknown", {std::string(name), ""}, fmt::format("找不到单位“{}”", name)));
        else if (id != ti.lead_unit_id && std::find(ti.cooperating.begin(), ti.cooperating.end(), id) == ti.cooperating.end())
          ti.cooperating.push_back(id);
      }
    }
    std::string when = cell(due);
    if (when.find("季度") != std::string::npos) {
      ti.schedule = Schedule::kQuarterly;
    } else if (auto d = ParseDayText(when)) {
      ti.due_on = d;
      if (d->year() != year)
        errors.push_back(AtCell(n, due, t.header[due], "not_in_year", {std::to_string(year)}, fmt::format("完成时限不在{}年内", year)));
    } else {
      errors.push_back(AtCell(n, due, t.header[due], "due_text", {}, "完成时限应为日期（如 2026-06-30）或“每季度末”"));
    }
    if (plan.areas.empty() || plan.areas.back().title != area_title) plan.areas.push_back({area_title, {}});
    plan.areas.back().tasks.push_back(std::move(ti));
  }
  if (plan.areas.empty()) errors.push_back({"rows", "表中没有任务", "no_rows"});
  if (!errors.empty()) return Invalid("duty.plan_rows", "工作要点表有误，未导入任何内容", std::move(errors));
  return plan;
}

absl::StatusOr<json::object> CreatePlan(Tx& tx, const DutyEnv& env, const PlanInput& plan) {
  Db& db = tx.db();
  if (plan.year < 2000 || plan.year > 2100) return Invalid("duty.year", "年度不正确", {{"year", "应为 2000 至 2100"}});
  if (Trim(plan.title).empty()) return Invalid("duty.title", "标题不能为空", {{"title", "不能为空"}});
  QF_ASSIGN_OR_RETURN(auto exists, db.Prepare("SELECT 1 FROM duty_plans WHERE year = ?"));
  exists.Bind(1, int64_t{plan.year});
  QF_ASSIGN_OR_RETURN(bool taken, exists.Step());
  if (taken) return Conflict("duty.plan_exists", fmt::format("{}年的工作要点已经导入", plan.year));
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare("INSERT INTO duty_plans(year, title, created_at) VALUES(?,?,?) RETURNING id"));
  ins.Bind(1, int64_t{plan.year}).Bind(2, plan.title).Bind(3, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto plan_ids, ins.Ints());
  int64_t plan_id = plan_ids.at(0);
  int tasks = 0, deadlines = 0;
  for (size_t a = 0; a < plan.areas.size(); ++a) {
    const AreaInput& area = plan.areas[a];
    QF_ASSIGN_OR_RETURN(auto ia, db.Prepare("INSERT INTO duty_areas(plan_id, seq, title) VALUES(?,?,?) RETURNING id"));
    ia.Bind(1, plan_id).Bind(2, int64_t(a + 1)).Bind(3, area.title);
    QF_ASSIGN_OR_RETURN(auto area_ids, ia.Ints());
    for (size_t k = 0; k < area.tasks.size(); ++k) {
      const TaskInput& t = area.tasks[k];
      auto due = Deadlines(t.schedule, t.due_on, plan.year, *env.calendar);
      if (due.empty())
        return Invalid("duty.due_on", "任务缺少完成时限", {{fmt::format("areas[{}].tasks[{}].due_on", a, k), "不能为空"}});
      QF_ASSIGN_OR_RETURN(auto it, db.Prepare(
          "INSERT INTO duty_tasks(area_id, seq, title, lead_unit_id, cooperating, schedule, basis, evidence) "
          "VALUES(?,?,?,?,?,?,?,?) RETURNING id"));
      it.Bind(1, area_ids.at(0)).Bind(2, int64_t(k + 1)).Bind(3, t.title).Bind(4, t.lead_unit_id)
          .Bind(5, json::serialize(json::array(t.cooperating.begin(), t.cooperating.end())))
          .Bind(6, Code(t.schedule)).Bind(7, t.basis).Bind(8, t.evidence);
      QF_ASSIGN_OR_RETURN(auto task_ids, it.Ints());
      ++tasks;
      json::array dues;
      for (const Due& d : due) {
        QF_ASSIGN_OR_RETURN(auto id, db.Prepare("INSERT INTO duty_deadlines(task_id, period, due_on) VALUES(?,?,?)"));
        id.Bind(1, task_ids.at(0)).Bind(2, d.period).Bind(3, FormatDay(d.day));
        QF_RETURN_IF_ERROR(id.Run());
        dues.push_back(json::object{{"period", d.period}, {"due_on", FormatDay(d.day)}});
        ++deadlines;
      }
      QF_RETURN_IF_ERROR(tx.Append("duty.task_set", TaskSubject(task_ids.at(0)),
                                   {{"year", plan.year}, {"area", area.title}, {"title", t.title},
                                    {"lead_unit_id", t.lead_unit_id},
                                    {"cooperating", json::array(t.cooperating.begin(), t.cooperating.end())},
                                    {"schedule", Code(t.schedule)}, {"deadlines", dues}, {"basis", t.basis}})
                             .status());
    }
  }
  QF_RETURN_IF_ERROR(tx.Append("duty.plan_created", fmt::format("duty_plan/{}", plan_id),
                               {{"year", plan.year}, {"title", plan.title}, {"areas", static_cast<int64_t>(plan.areas.size())}, {"tasks", tasks}})
                         .status());
  return json::object{{"id", plan_id}, {"year", plan.year}, {"areas", static_cast<int64_t>(plan.areas.size())}, {"tasks", tasks},
                      {"deadlines", deadlines}};
}

absl::StatusOr<ReportRequest> ParseReport(const json::object& body) {
  JsonInput in(body);
  ReportRequest r;
  r.period = in.Enum("period", false, {"", "Q1", "Q2", "Q3", "Q4"}).value_or("");
  r.text = in.Str("text", true, 4000).value_or("");
  r.links = ParseLinks(in, "links", {"case", "campaign", "notice"}, 20);
  QF_RETURN_IF_ERROR(in.Finish("duty.report"));
  return r;
}

absl::StatusOr<json::object> Report(Tx& tx, int64_t task_id, const ReportRequest& r, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(TaskRow task, MustTask(db, task_id));
  QF_ASSIGN_OR_RETURN(DeadlineRow d, MustDeadline(db, task_id, r.period));
  QF_RETURN_IF_ERROR(MayTake(TaskAction::kReport, FactsFor(task, d.state, who)));
  for (size_t i = 0; i < r.links.size(); ++i)
    QF_RETURN_IF_ERROR(LinkLabel(db, r.links[i], fmt::format("links[{}]", i)).status());
  json::array links;
  for (const Link& l : r.links) links.push_back(json::object{{"kind", l.kind}, {"ref", l.ref}});
  std::string day = FormatDay(CstDay(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_reports(task_id, period, unit_id, account_id, at, text, links) VALUES(?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, task_id).Bind(2, r.period).Bind(3, who.unit_id).Bind(4, who.account_id).Bind(5, FormatUtc(tx.now()))
      .Bind(6, r.text).Bind(7, json::serialize(links));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_deadlines SET status = 'reported', reported_on = ? WHERE task_id = ? AND period = ?"));
  up.Bind(1, day).Bind(2, task_id).Bind(3, r.period);
  QF_RETURN_IF_ERROR(up.Run());
  QF_RETURN_IF_ERROR(tx.Append("duty.progress_reported", TaskSubject(task_id),
                               {{"report_id", ids.at(0)}, {"period", r.period}, {"unit_id", who.unit_id},
                                {"text_sha256", Sha256Hex(r.text)}, {"links", links}})
                         .status());
  return json::object{{"id", ids.at(0)}, {"task_id", task_id}, {"period", r.period}, {"state", "submitted"}};
}

absl::StatusOr<json::object> Decide(Tx& tx, int64_t task_id, const std::string& period, bool accept,
                                    const std::string& reason, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(TaskRow task, MustTask(db, task_id));
  QF_ASSIGN_OR_RETURN(DeadlineRow d, MustDeadline(db, task_id, period));
  QF_RETURN_IF_ERROR(MayTake(accept ? TaskAction::kAccept : TaskAction::kReturn, FactsFor(task, d.state, who)));
  if (!accept && Trim(reason).empty()) return Invalid("duty.reason", "退回须写明理由", {{"reason", "不能为空"}});
  QF_ASSIGN_OR_RETURN(auto last, db.Prepare(
      "SELECT id FROM duty_reports WHERE task_id = ? AND period = ? AND state = 'submitted' ORDER BY id DESC LIMIT 1"));
  last.Bind(1, task_id).Bind(2, period);
  QF_ASSIGN_OR_RETURN(auto ids, last.Ints());
  if (ids.empty()) return Conflict("duty.state", "没有待审核的进展报送");
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_reports SET state = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ?"));
  up.Bind(1, accept ? "accepted" : "returned").Bind(2, who.account_id).Bind(3, FormatUtc(tx.now())).Bind(4, reason)
      .Bind(5, ids[0]);
  QF_RETURN_IF_ERROR(up.Run());
  QF_ASSIGN_OR_RETURN(auto dl, db.Prepare(accept
      ? "UPDATE duty_deadlines SET status = 'met' WHERE task_id = ? AND period = ?"
      : "UPDATE duty_deadlines SET status = 'open', reported_on = NULL WHERE task_id = ? AND period = ?"));
  dl.Bind(1, task_id).Bind(2, period);
  QF_RETURN_IF_ERROR(dl.Run());
  Progress p = accept ? ProgressOf(DeadlineState::kMet, d.due, d.reported_on, CstDay(tx.now()))
                      : ProgressOf(DeadlineState::kOpen, d.due, std::nullopt, CstDay(tx.now()));
  QF_RETURN_IF_ERROR(tx.Append(accept ? "duty.progress_accepted" : "duty.progress_returned", TaskSubject(task_id),
                               {{"report_id", ids[0]}, {"period", period}, {"progress", Code(p)}, {"reason", reason}})
                         .status());
  return json::object{{"task_id", task_id}, {"period", period}, {"progress", Code(p)}, {"progress_label", Label(p)}};
}

absl::StatusOr<int> SweepTaskCards(Tx& tx, const DutyEnv& env) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT task_id, period, due_on FROM duty_deadlines WHERE status = 'open'"));
  std::vector<cases::OpenDue> open;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    open.push_back({{st.Int(0), st.Text(1)}, TaskSubject(st.Int(0)), st.Text(2)});
  }
  return cases::IssueCards(tx, *env.calendar, env.policies->supervision(), open,
                           {"duty_cards", "task_id, period", "duty.task_card", "责任分解任务", {}});
}

namespace {

struct BoardRow {
  int64_t task_id = 0, lead = 0;
  int area_seq = 0, task_seq = 0;
  std::string area, title, lead_name, schedule, basis, evidence, cooperating;
  std::vector<std::pair<DeadlineRow, int>> deadlines;  // with the cards issued on each
};

json::object DeadlineJson(const DeadlineRow& d, int cards, absl::CivilDay today) {
  Progress p = ProgressOf(d.state, d.due, d.reported_on, today);
  json::object o{{"period", d.period}, {"due_on", FormatDay(d.due)}, {"progress", Code(p)}, {"progress_label", Label(p)},
                 {"reported_on", d.reported_on ? json::value(FormatDay(*d.reported_on)) : json::value(nullptr)},
                 {"cards", cards}};
  return o;
}

}  // namespace

absl::StatusOr<json::object> Board(Db& db, int year, const Principal& who, absl::Time now) {
  absl::CivilDay today = CstDay(now);
  QF_ASSIGN_OR_RETURN(auto p, db.Prepare("SELECT id, title FROM duty_plans WHERE year = ?"));
  p.Bind(1, int64_t{year});
  QF_ASSIGN_OR_RETURN(bool have, p.Step());
  json::object out{{"year", year}};
  if (!have) {
    out["plan"] = nullptr;
    out["tasks"] = json::array();
    out["by_area"] = json::array();
    out["by_unit"] = json::array();
    return out;
  }
  out["plan"] = json::object{{"id", p.Int(0)}, {"title", p.Text(1)}};
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT t.id, a.seq, a.title, t.seq, t.title, t.lead_unit_id, COALESCE(u.name, ''), t.schedule, t.basis, "
      "t.evidence, t.cooperating, d.period, d.due_on, d.status, COALESCE(d.reported_on, ''), "
      "(SELECT COUNT(*) FROM duty_cards c WHERE c.task_id = d.task_id AND c.period = d.period) "
      "FROM duty_areas a JOIN duty_tasks t ON t.area_id = a.id JOIN duty_deadlines d ON d.task_id = t.id "
      "LEFT JOIN org_units u ON u.id = t.lead_unit_id WHERE a.plan_id = ? ORDER BY a.seq, t.seq, d.period"));
  st.Bind(1, p.Int(0));
  std::vector<BoardRow> rows;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (rows.empty() || rows.back().task_id != st.Int(0)) {
      BoardRow b;
      b.task_id = st.Int(0), b.area_seq = static_cast<int>(st.Int(1)), b.area = st.Text(2);
      b.task_seq = static_cast<int>(st.Int(3)), b.title = st.Text(4), b.lead = st.Int(5), b.lead_name = st.Text(6);
      b.schedule = st.Text(7), b.basis = st.Text(8), b.evidence = st.Text(9), b.cooperating = st.Text(10);
      rows.push_back(std::move(b));
    }
    QF_ASSIGN_OR_RETURN(DeadlineRow d, ReadDeadline(st, 12, st.Int(0), st.Text(11)));
    rows.back().deadlines.push_back({d, static_cast<int>(st.Int(15))});
  }
  struct Count {
    std::string name;
    int64_t id = 0;
    std::map<Progress, int> n;
  };
  std::vector<Count> areas;
  std::map<int64_t, Count> units;
  json::array tasks;
  for (const BoardRow& b : rows) {
    if (areas.empty() || areas.back().name != b.area) areas.push_back({b.area, b.area_seq, {}});
    Count& unit = units[b.lead];
    unit.name = b.lead_name, unit.id = b.lead;
    json::array dls;
    Progress worst = Progress::kDoneOnTime;
    bool any_open = false;
    for (const auto& [d, cards] : b.deadlines) {
      // A deadline counts once it is due or done: a quarter still ahead is not yet on the board's counts.
      Progress pr = ProgressOf(d.state, d.due, d.reported_on, today);
      bool counted = pr != Progress::kPending || d.due <= today;
      if (counted) {
        ++areas.back().n[pr];
        ++unit.n[pr];
      }
      if (pr == Progress::kOverdue) worst = Progress::kOverdue;
      if (pr == Progress::kPending || pr == Progress::kReported) any_open = true;
      dls.push_back(DeadlineJson(d, cards, today));
    }
    TaskRow tr{b.task_id, b.lead, b.title};
    json::array actions;
    for (const auto& [d, cards] : b.deadlines)
      if (!Actions(FactsFor(tr, d.state, who)).empty()) actions.push_back(json::value(d.period));
    json::value coop;
    boost::system::error_code ec;
    coop = json::parse(b.cooperating, ec);
    if (ec) coop = json::array();
    tasks.push_back(json::object{{"id", b.task_id}, {"area", b.area}, {"area_seq", b.area_seq}, {"seq", b.task_seq},
                                 {"title", b.title}, {"lead_unit_id", b.lead}, {"lead_unit", b.lead_name},
                                 {"cooperating_unit_ids", coop}, {"schedule", b.schedule}, {"basis", b.basis},
                                 {"evidence", b.evidence}, {"deadlines", std::move(dls)},
                                 {"overdue", worst == Progress::kOverdue}, {"open", any_open},
                                 {"actionable_periods", std::move(actions)}});
  }
  auto counts = [](const Count& c) {
    return json::object{{"done_on_time", c.n.count(Progress::kDoneOnTime) ? c.n.at(Progress::kDoneOnTime) : 0},
                        {"done_late", c.n.count(Progress::kDoneLate) ? c.n.at(Progress::kDoneLate) : 0},
                        {"reported", c.n.count(Progress::kReported) ? c.n.at(Progress::kReported) : 0},
                        {"overdue", c.n.count(Progress::kOverdue) ? c.n.at(Progress::kOverdue) : 0},
                        {"pending", c.n.count(Progress::kPending) ? c.n.at(Progress::kPending) : 0}};
  };
  json::array by_area, by_unit;
  for (const Count& c : areas) {
    json::object o = counts(c);
    o["area"] = c.name;
    o["seq"] = c.id;
    by_area.push_back(std::move(o));
  }
  std::vector<const Count*> sorted;
  for (const auto& [id, c] : units) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](const Count* a, const Count* b) { return a->name < b->name; });
  for (const Count* c : sorted) {
    json::object o = counts(*c);
    o["unit_id"] = c->id;
    o["unit"] = c->name;
    by_unit.push_back(std::move(o));
  }
  out["tasks"] = std::move(tasks);
  out["by_area"] = std::move(by_area);
  out["by_unit"] = std::move(by_unit);
  out["areas"] = static_cast<int64_t>(areas.size());
  out["task_count"] = static_cast<int64_t>(rows.size());
  return out;
}

absl::StatusOr<json::object> TaskView(Db& db, int64_t task_id, const Principal& who, absl::Time now) {
  absl::CivilDay today = CstDay(now);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT t.id, a.title, t.title, t.lead_unit_id, COALESCE(u.name, ''), t.cooperating, t.schedule, t.basis, "
      "t.evidence, p.year FROM duty_tasks t JOIN duty_areas a ON a.id = t.area_id JOIN duty_plans p ON p.id = a.plan_id "
      "LEFT JOIN org_units u ON u.id = t.lead_unit_id WHERE t.id = ?"));
  st.Bind(1, task_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.task_not_found", "任务不存在");
  TaskRow tr{st.Int(0), st.Int(3), st.Text(2)};
  json::array coop_names;
  boost::system::error_code ec;
  json::value coop = json::parse(st.Text(5), ec);
  if (!ec && coop.is_array())
    for (auto& id : coop.as_array())
      if (id.is_int64()) coop_names.push_back(json::object{{"id", id}, {"name", org::UnitName(db, id.as_int64())}});
  json::object out{{"id", tr.id}, {"area", st.Text(1)}, {"title", tr.title}, {"lead_unit_id", tr.lead_unit_id},
                   {"lead_unit", st.Text(4)}, {"cooperating", std::move(coop_names)}, {"schedule", st.Text(6)},
                   {"basis", st.Text(7)}, {"evidence", st.Text(8)}, {"year", st.Int(9)}};
  QF_ASSIGN_OR_RETURN(auto ds, db.Prepare(
      "SELECT period, due_on, status, COALESCE(reported_on, ''), "
      "(SELECT COUNT(*) FROM duty_cards c WHERE c.task_id = d.task_id AND c.period = d.period) "
      "FROM duty_deadlines d WHERE task_id = ? ORDER BY period"));
  ds.Bind(1, task_id);
  json::array deadlines;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool more, ds.Step());
    if (!more) break;
    QF_ASSIGN_OR_RETURN(DeadlineRow d, ReadDeadline(ds, 1, task_id, ds.Text(0)));
    json::object o = DeadlineJson(d, static_cast<int>(ds.Int(4)), today);
    auto acts = Actions(FactsFor(tr, d.state, who));
    o["actions"] = json::array(acts.begin(), acts.end());
    deadlines.push_back(std::move(o));
  }
  out["deadlines"] = std::move(deadlines);
  QF_ASSIGN_OR_RETURN(auto rs, db.Prepare(
      "SELECT r.id, r.period, r.unit_id, r.account_id, r.at, r.text, r.links, r.state, COALESCE(r.decided_at, ''), "
      "COALESCE(r.reason, '') FROM duty_reports r WHERE r.task_id = ? ORDER BY r.id"));
  rs.Bind(1, task_id);
  json::array reports;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool more, rs.Step());
    if (!more) break;
    json::value links = json::parse(rs.Text(6), ec);
    if (ec) links = json::array();
    reports.push_back(json::object{{"id", rs.Int(0)}, {"period", rs.Text(1)}, {"unit", org::UnitName(db, rs.Int(2))},
                                   {"at", rs.Text(4)}, {"text", rs.Text(5)}, {"links", links}, {"state", rs.Text(7)},
                                   {"decided_at", rs.Text(8).empty() ? json::value(nullptr) : json::value(rs.Text(8))},
                                   {"reason", rs.Text(9)}});
  }
  out["reports"] = std::move(reports);
  return out;
}

}  // namespace qf::duty
