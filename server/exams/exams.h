// Exam supervision beyond placing supervisors at sites (draws/assign.h): an exam organised by a unit (中考, the PE
// test); each supervised session of a stage — the sitting, marking, score transcription, score checking (阅卷誊分,
// 查分查卷) — recorded with the supervisors who watched it (members of the exam-supervisor pool) and what they found;
// and each candidate's request to have a score checked (查分), registered as a case on the channel score_check (its
// deadline data/policies/deadlines.toml's, the candidate's name and phone sealed as any reporter's) and answered with
// its outcome: unchanged, or corrected from one score to another. The exam's report counts the sessions by stage,
// what was found, and the score checks answered and corrected. Parsing is pure; store functions run in writer
// commands (Tx) or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "auth/roles.h"
#include "cases/cases.h"
#include "storage/writer.h"

namespace qf::exams {

// ---- Policy and requests (pure) ----

struct Stage {
  std::string code, label, clause;
};
struct Policy {
  std::vector<Stage> stages;
  static absl::StatusOr<Policy> Load(const std::string& data_dir);
  static absl::StatusOr<Policy> Parse(std::string_view toml_text, std::string_view source);
  const Stage* StageOf(std::string_view code) const;
};

// {year, name, unit_id}: the unit that organises it (and answers its score checks).
struct ExamRequest {
  int year = 0;
  std::string name;
  int64_t unit_id = 0;
};
absl::StatusOr<ExamRequest> ParseExam(const boost::json::object& body);

// {stage, session, held_on, supervisors: [pool member codes], found, problem}.
struct SessionRecord {
  std::string stage, session, found;
  absl::CivilDay held_on;
  std::vector<std::string> supervisors;
  bool problem = false;
};
absl::StatusOr<SessionRecord> ParseSession(const boost::json::object& body, const Policy& policy);

// {candidate_no, name, phone, subject, score, reason}: the candidate's name and phone go to the case, sealed.
struct ScoreCheckRequest {
  std::string candidate_no, name, phone, subject, reason;
  double score = 0;
};
absl::StatusOr<ScoreCheckRequest> ParseScoreCheck(const boost::json::object& body);

// {outcome: unchanged | corrected, score_after (corrected: different from the score checked), note}.
struct ScoreCheckResult {
  std::string outcome, note;
  std::optional<double> score_after;
};
absl::StatusOr<ScoreCheckResult> ParseResult(const boost::json::object& body);

// "2026012345" → "2026****45": a candidate number as staff lists show it.
std::string MaskCandidate(std::string_view number);

// ---- Store ----

absl::StatusOr<boost::json::object> CreateExam(Tx& tx, const ExamRequest& r, const Principal& who);
absl::StatusOr<boost::json::object> RecordSession(Tx& tx, const Policy& policy, int64_t exam_id, const SessionRecord& s,
                                                  const Principal& who);
// Registers the request as a case (channel score_check, category exam, routed to the organising unit) and links it.
absl::StatusOr<boost::json::object> RequestScoreCheck(Tx& tx, const cases::CaseEnv& env, int64_t exam_id,
                                                      const ScoreCheckRequest& r, const Principal& who);
// The organising unit (or the office) records the outcome, once.
absl::StatusOr<boost::json::object> AnswerScoreCheck(Tx& tx, int64_t exam_id, int64_t check_id, const ScoreCheckResult& r,
                                                     const Principal& who);
// Exams the caller may see (the office, leaders and clerks: all; a unit's staff: the exams it organises).
absl::StatusOr<boost::json::object> Exams(Db& db, const Principal& who);
// One exam: its sessions by stage with the supervisors' names, its score checks (candidate numbers masked) with their
// cases' state, and the report — sessions and problems by stage, checks requested, answered, corrected, the points
// changed.
absl::StatusOr<boost::json::object> ExamView(Db& db, const Policy& policy, int64_t id, const Principal& who);

// Exam supervision in [from, to] (China Standard Time days), for the half-year summary: the sessions held by stage
// (labels in the policy's order) and those with problems; the score checks requested in the period, answered,
// corrected and the points corrected.
struct Figures {
  std::vector<std::pair<std::string, int>> sessions_by_stage;
  int sessions = 0, problems = 0, checks = 0, answered = 0, corrected = 0;
  double points = 0;
};
absl::StatusOr<Figures> FiguresBetween(Db& db, const Policy& policy, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::exams
