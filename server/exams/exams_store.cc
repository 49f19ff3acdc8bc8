// Exams, their supervised sessions and score checks stored; the exam's view and report.
#include <map>
#include <set>

#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/draws.h"
#include "exams/exams.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::exams {
namespace json = boost::json;
namespace {

std::string Subject(int64_t id) { return "exam:" + std::to_string(id); }

bool SeesAll(const Principal& who) { return who.Has(kSupervisor) || who.Has(kLeader) || who.Has(kClerk); }

struct ExamRow {
  int64_t id = 0, unit_id = 0;
  int year = 0;
  std::string name, unit;
};

absl::StatusOr<ExamRow> LoadExam(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT e.id, e.year, e.name, e.unit_id, u.name FROM exams e JOIN org_units u ON u.id = e.unit_id WHERE e.id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("exams.not_found", "考试不存在");
  return ExamRow{st.Int(0), st.Int(3), static_cast<int>(st.Int(1)), st.Text(2), st.Text(4)};
}

// The organising unit's staff (within it) or the office act on an exam; others do not see it act.
absl::StatusOr<bool> Organiser(Db& db, const ExamRow& e, const Principal& who) {
  if (who.Has(kSupervisor)) return true;
  if (!who.Has(kHandler)) return false;
  return org::IsWithin(db, who.unit_id, e.unit_id);
}

absl::StatusOr<ExamRow> MayAct(Db& db, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(ExamRow e, LoadExam(db, id));
  QF_ASSIGN_OR_RETURN(bool ok, Organiser(db, e, who));
  if (!ok) return Forbidden("exams.organiser", "只有组织考试的单位或纪检监察可以登记");
  return e;
}

}  // namespace

absl::StatusOr<json::object> CreateExam(Tx& tx, const ExamRequest& r, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, r.unit_id));
  if (!unit || unit->kind == "school") return Invalid("exams.unit", "组织单位不正确", {{"unit_id", "应为教育局或其处室"}});
  if (!who.Has(kSupervisor)) {
    QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, who.unit_id, r.unit_id));
    if (!within) return Forbidden("exams.organiser", "只能登记本单位组织的考试");
  }
  QF_ASSIGN_OR_RETURN(auto dup, db.Prepare("SELECT id FROM exams WHERE year = ? AND name = ?"));
  dup.Bind(1, int64_t{r.year}).Bind(2, r.name);
  QF_ASSIGN_OR_RETURN(bool exists, dup.Step());
  if (exists) return Conflict("exams.exists", fmt::format("{}年已有“{}”（编号 {}）", r.year, r.name, dup.Int(0)));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO exams(year, name, unit_id, created_by, created_at) VALUES(?,?,?,?,?) RETURNING id"));
  st.Bind(1, int64_t{r.year}).Bind(2, r.name).Bind(3, r.unit_id);
  if (who.account_id) st.Bind(4, who.account_id); else st.BindNull(4);
  st.Bind(5, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  QF_RETURN_IF_ERROR(tx.Append("exam.created", Subject(ids.at(0)),
                               {{"year", r.year}, {"name", r.name}, {"unit_id", r.unit_id}}).status());
  return json::object{{"id", ids.at(0)}, {"year", r.year}, {"name", r.name}};
}

absl::StatusOr<json::object> RecordSession(Tx& tx, const Policy& policy, int64_t exam_id, const SessionRecord& s,
                                           const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(ExamRow e, MayAct(db, exam_id, who));
  // Who watched: members of the exam-supervisor pool, by their codes.
  QF_ASSIGN_OR_RETURN(auto pool, draws::LoadPool(db, draws::Pool::kSupervisor, false));
  std::set<std::string> codes;
  for (const auto& m : pool) codes.insert(m.code);
  for (const auto& c : s.supervisors)
    if (!codes.contains(c))
      return Invalid("exams.supervisor", "监督人员不在监考监督人员库中：" + c, {{"supervisors", "不在人员库中：" + c}});
  const Stage* stage = policy.StageOf(s.stage);
  json::array sup(s.supervisors.begin(), s.supervisors.end());
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO exam_sessions(exam_id, stage, session, held_on, supervisors, found, problem, recorded_by, recorded_at) "
      "VALUES(?,?,?,?,?,?,?,?,?) RETURNING id"));
  st.Bind(1, exam_id).Bind(2, s.stage).Bind(3, s.session).Bind(4, FormatDay(s.held_on)).Bind(5, json::serialize(sup))
      .Bind(6, s.found).Bind(7, int64_t{s.problem});
  if (who.account_id) st.Bind(8, who.account_id); else st.BindNull(8);
  st.Bind(9, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  QF_RETURN_IF_ERROR(tx.Append("exam.session_recorded", Subject(exam_id),
                               {{"session_id", ids.at(0)}, {"stage", s.stage}, {"held_on", FormatDay(s.held_on)},
                                {"supervisors", sup}, {"problem", s.problem}}).status());
  return json::object{{"id", ids.at(0)}, {"exam_id", e.id}, {"stage", s.stage}, {"stage_label", stage ? stage->label : s.stage}};
}

absl::StatusOr<json::object> RequestScoreCheck(Tx& tx, const cases::CaseEnv& env, int64_t exam_id,
                                               const ScoreCheckRequest& r, const Principal& who) {
  QF_ASSIGN_OR_RETURN(ExamRow e, LoadExam(tx.db(), exam_id));
  cases::NewCase nc;
  nc.channel = "score_check";
  nc.category = "exam";
  nc.kind = "complaint";
  nc.title = fmt::format("{}{}成绩复核申请", e.name, r.subject);
  if (Utf8Length(nc.title) > 100) nc.title = "考试成绩复核申请";
  nc.content = fmt::format("考生（准考证号 {}）申请复核{}成绩，公布成绩 {} 分。{}", r.candidate_no, r.subject, r.score,
                           r.reason.empty() ? "" : "理由：" + r.reason);
  nc.anonymous = false;
  nc.reporter_name = r.name;
  nc.reporter_phone = r.phone;
  nc.registered_by = who.account_id;
  nc.route_to_unit_id = e.unit_id;
  QF_ASSIGN_OR_RETURN(cases::Registered reg, cases::Register(tx, env, nc));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO exam_score_checks(exam_id, case_id, candidate_masked, subject, score_before) VALUES(?,?,?,?,?) "
      "RETURNING id"));
  st.Bind(1, exam_id).Bind(2, reg.id).Bind(3, MaskCandidate(r.candidate_no)).Bind(4, r.subject).Bind(5, r.score);
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  QF_RETURN_IF_ERROR(tx.Append("exam.score_check_requested", Subject(exam_id),
                               {{"check_id", ids.at(0)}, {"case_id", reg.id}, {"subject", r.subject}}).status());
  return json::object{{"id", ids.at(0)}, {"case_id", reg.id}, {"receipt", reg.receipt}};
}

absl::StatusOr<json::object> AnswerScoreCheck(Tx& tx, int64_t exam_id, int64_t check_id, const ScoreCheckResult& r,
                                              const Principal& who) {
  Db& db = tx.db();
  QF_RETURN_IF_ERROR(MayAct(db, exam_id, who).status());
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT score_before, COALESCE(outcome, '') FROM exam_score_checks WHERE id = ? AND exam_id = ?"));
  st.Bind(1, check_id).Bind(2, exam_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("exams.check_not_found", "查分申请不存在");
  const double before = st.Double(0);
  if (!st.Text(1).empty()) return Conflict("exams.check_answered", "该查分申请已登记复核结果");
  if (r.outcome == "corrected" && r.score_after && *r.score_after == before)
    return Invalid("validation_failed", "复核后的成绩与原成绩相同，应登记为“成绩无误”", {{"score_after", "与原成绩相同"}});
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE exam_score_checks SET outcome = ?, score_after = ?, note = ?, answered_by = ?, answered_at = ? "
      "WHERE id = ? AND outcome IS NULL"));
  up.Bind(1, r.outcome);
  if (r.score_after) up.Bind(2, *r.score_after); else up.BindNull(2);
  up.Bind(3, r.note);
  if (who.account_id) up.Bind(4, who.account_id); else up.BindNull(4);
  up.Bind(5, FormatUtc(tx.now())).Bind(6, check_id);
  QF_RETURN_IF_ERROR(up.Run());
  json::object ev{{"check_id", check_id}, {"outcome", r.outcome}, {"score_before", before}};
  if (r.score_after) ev["score_after"] = *r.score_after;
  QF_RETURN_IF_ERROR(tx.Append("exam.score_check_answered", Subject(exam_id), ev).status());
  json::object out{{"id", check_id}, {"outcome", r.outcome}, {"score_before", before}};
  if (r.score_after) out["difference"] = *r.score_after - before;
  return out;
}

absl::StatusOr<Figures> FiguresBetween(Db& db, const Policy& policy, absl::CivilDay from, absl::CivilDay to) {
  Figures f;
  QF_ASSIGN_OR_RETURN(auto ss, db.Prepare(
      "SELECT stage, COUNT(*), COUNT(CASE WHEN problem = 1 THEN 1 END) FROM exam_sessions WHERE held_on >= ? AND held_on <= ? GROUP BY stage"));
  ss.Bind(1, FormatDay(from)).Bind(2, FormatDay(to));
  std::map<std::string, int> by_stage;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ss.Step());
    if (!row) break;
    by_stage[ss.Text(0)] = static_cast<int>(ss.Int(1));
    f.sessions += static_cast<int>(ss.Int(1));
    f.problems += static_cast<int>(ss.Int(2));
  }
  for (const auto& s : policy.stages)
    if (by_stage.contains(s.code)) f.sessions_by_stage.push_back({s.label, by_stage[s.code]});
  QF_ASSIGN_OR_RETURN(auto ks, db.Prepare(
      "SELECT COUNT(*), COUNT(k.outcome), COUNT(k.score_after), COALESCE(SUM(k.score_after - k.score_before), 0) "
      "FROM exam_score_checks k JOIN cases c ON c.id = k.case_id WHERE c.received_at >= ? AND c.received_at < ?"));
  ks.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  QF_RETURN_IF_ERROR(ks.Step().status());
  f.checks = static_cast<int>(ks.Int(0));
  f.answered = static_cast<int>(ks.Int(1));
  f.corrected = static_cast<int>(ks.Int(2));
  f.points = ks.Double(3);
  return f;
}

absl::StatusOr<json::object> Exams(Db& db, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT e.id, e.year, e.name, e.unit_id, u.name, "
      "(SELECT COUNT(*) FROM exam_sessions s WHERE s.exam_id = e.id), "
      "(SELECT COUNT(*) FROM exam_score_checks k WHERE k.exam_id = e.id) "
      "FROM exams e JOIN org_units u ON u.id = e.unit_id WHERE ?1 = 1 OR " + org::InAncestrySql("e.unit_id", "?2") +
      " ORDER BY e.year DESC, e.id DESC"));
  st.Bind(1, int64_t{SeesAll(who)}).Bind(2, who.unit_id);
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"year", st.Int(1)}, {"name", st.Text(2)}, {"unit_id", st.Int(3)},
                                 {"unit", st.Text(4)}, {"sessions", st.Int(5)}, {"score_checks", st.Int(6)}});
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> ExamView(Db& db, const Policy& policy, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(ExamRow e, LoadExam(db, id));
  QF_ASSIGN_OR_RETURN(bool organiser, Organiser(db, e, who));
  if (!organiser && !SeesAll(who)) return NotFound("exams.not_found", "考试不存在");
  QF_ASSIGN_OR_RETURN(auto pool, draws::LoadPool(db, draws::Pool::kSupervisor, false));
  std::map<std::string, std::string> names;
  for (const auto& m : pool) names[m.code] = m.name;
  QF_ASSIGN_OR_RETURN(auto ss, db.Prepare(
      "SELECT id, stage, session, held_on, supervisors, found, problem FROM exam_sessions WHERE exam_id = ? "
      "ORDER BY held_on, id"));
  ss.Bind(1, id);
  json::array sessions;
  std::map<std::string, std::pair<int64_t, int64_t>> by_stage;  // sessions, with problems
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ss.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(json::array codes, StoredArray(ss.Text(4), "exam_sessions.supervisors"));
    json::array people;
    for (const auto& c : codes) {
      std::string code(c.as_string());
      auto n = names.find(code);
      people.push_back(json::object{{"code", code}, {"name", n == names.end() ? "" : n->second}});
    }
    const Stage* stage = policy.StageOf(ss.Text(1));
    auto& count = by_stage[ss.Text(1)];
    ++count.first;
    if (ss.Int(6)) ++count.second;
    sessions.push_back(json::object{{"id", ss.Int(0)}, {"stage", ss.Text(1)}, {"stage_label", stage ? stage->label : ss.Text(1)},
                                    {"session", ss.Text(2)}, {"held_on", ss.Text(3)}, {"supervisors", people},
                                    {"found", ss.Text(5)}, {"problem", ss.Int(6) != 0}});
  }
  QF_ASSIGN_OR_RETURN(auto ks, db.Prepare(
      "SELECT k.id, k.case_id, c.receipt, c.state, k.candidate_masked, k.subject, k.score_before, COALESCE(k.outcome, ''), "
      "k.score_after, k.note, COALESCE(k.answered_at, '') FROM exam_score_checks k JOIN cases c ON c.id = k.case_id "
      "WHERE k.exam_id = ? ORDER BY k.id"));
  ks.Bind(1, id);
  json::array checks;
  int64_t requested = 0, answered = 0, corrected = 0;
  double points = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ks.Step());
    if (!row) break;
    ++requested;
    json::object o{{"id", ks.Int(0)}, {"case_id", ks.Int(1)}, {"receipt", DisplayReceiptCode(ks.Text(2))},
                   {"case_state", ks.Text(3)}, {"candidate", ks.Text(4)}, {"subject", ks.Text(5)},
                   {"score_before", ks.Double(6)}, {"outcome", ks.Text(7)}, {"note", ks.Text(9)},
                   {"answered_at", ks.Text(10)}};
    if (!ks.Text(7).empty()) ++answered;
    if (auto after = ks.OptText(8)) {
      double a = std::stod(*after);
      o["score_after"] = a;
      o["difference"] = a - ks.Double(6);
      ++corrected;
      points += a - ks.Double(6);
    }
    checks.push_back(std::move(o));
  }
  json::array stages;
  for (const auto& s : policy.stages) {
    auto it = by_stage.find(s.code);
    stages.push_back(json::object{{"stage", s.code}, {"label", s.label}, {"clause", s.clause},
                                  {"sessions", it == by_stage.end() ? 0 : it->second.first},
                                  {"problems", it == by_stage.end() ? 0 : it->second.second}});
  }
  json::array actions;
  if (organiser) actions = {"session", "score_check", "answer"};
  else if (who.Has(kClerk)) actions = {"score_check"};
  return json::object{{"id", e.id}, {"year", e.year}, {"name", e.name}, {"unit_id", e.unit_id}, {"unit", e.unit},
                      {"sessions", sessions}, {"score_checks", checks}, {"actions", actions},
                      {"report", json::object{{"stages", stages}, {"score_checks", requested}, {"answered", answered},
                                              {"corrected", corrected}, {"unchanged", answered - corrected},
                                              {"points", points}}}};
}

}  // namespace qf::exams
