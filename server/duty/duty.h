// The responsibility system (党风廉政建设责任制): the year's plan of areas and tasks with their deadlines, the lead
// units' progress reports and the discipline office's decision on them, cards on late tasks by the one card rule,
// responsibility letters (责任书) issued to every unit and signed by its head, and integrity talks (廉政谈话) whose
// reminder and admonition records only the discipline office sees. The rules (a deadline's progress, who may take
// each action, who may read a talk) are pure and live here once; store functions run inside writer commands (Tx)
// or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "auth/roles.h"
#include "cases/cases.h"
#include "cases/record.h"
#include "common/calendar.h"
#include "common/table_file.h"
#include "storage/writer.h"

namespace qf::duty {

struct DutyEnv {
  const Calendar* calendar = nullptr;
  const cases::Policies* policies = nullptr;  // the one card rule (cases/deadlines.h) and its thresholds
  const vault::Vault* vault = nullptr;        // the retaliation watch's name tags (cases/watch.h)
  cases::CaseEnv Cases() const { return {calendar, policies, vault}; }
};

// ---- Plan and tasks (工作要点, 责任分解) ----

enum class Schedule { kOnce, kQuarterly };
std::string_view Code(Schedule s);

// The deadlines of a task in `year`: one for a task done once (its day), four for a quarterly one (each quarter's
// last day); a day that falls on a rest day runs to the next working day (民法典 第二百零三条). Pure.
struct Due {
  std::string period;  // "" or "Q1" … "Q4"
  absl::CivilDay day;
};
std::vector<Due> Deadlines(Schedule schedule, std::optional<absl::CivilDay> day, int year, const Calendar& cal);

// Where a deadline stands today, as the board shows it. A report sent by the due day keeps the deadline from being
// late while the office decides; accepted, it is done on time when it was sent by the due day.
enum class DeadlineState { kOpen, kReported, kMet };
enum class Progress { kPending, kReported, kDoneOnTime, kDoneLate, kOverdue };
std::string_view Code(Progress p);
std::string_view Label(Progress p);
absl::StatusOr<DeadlineState> ParseDeadlineState(std::string_view code);
Progress ProgressOf(DeadlineState state, absl::CivilDay due, std::optional<absl::CivilDay> reported_on,
                    absl::CivilDay today);

// What may be done to a task's deadline, by whom: the lead unit's staff (or the office) report while it is open;
// the discipline office accepts or sends back a report it has. One rule per action, checked by the command and
// listed in the views (`actions`).
enum class TaskAction { kReport, kAccept, kReturn };
struct TaskFacts {
  DeadlineState state = DeadlineState::kOpen;
  bool lead_staff = false;  // the caller is staff of the lead unit
  bool office = false;      // the caller is the discipline office (督办)
};
absl::Status MayTake(TaskAction action, const TaskFacts& facts);
std::vector<std::string> Actions(const TaskFacts& facts);

// A plan as the office writes it: areas and tasks (from the console's JSON or the office's XLSX).
struct TaskInput {
  std::string title;
  int64_t lead_unit_id = 0;
  std::vector<int64_t> cooperating;
  Schedule schedule = Schedule::kOnce;
  std::optional<absl::CivilDay> due_on;  // for kOnce
  std::string basis, evidence;
};
struct AreaInput {
  std::string title;
  std::vector<TaskInput> tasks;
};
struct PlanInput {
  int year = 0;
  std::string title;
  std::vector<AreaInput> areas;
};
// Reads the office's sheet: one row per task with the columns 领域 (area), 任务 (task), 牵头单位 (lead),
// 配合单位 (cooperating, separated by 、，, or ;), 完成时限 (a date, or 每季度 / 每季度末 for a quarterly task),
// 依据 (the clause or document, optional) and 完成标准 (the evidence that shows it done, optional). Units are
// found by code, name or a name the unit matcher knows; every bad row is named and nothing is kept.
// The plan import's kind in data/imports/columns.toml and the fields ReadPlanTable reads from its columns there.
inline constexpr std::string_view kPlanImport = "duty-plan";
std::vector<std::string_view> PlanImportFields();
absl::StatusOr<PlanInput> ReadPlanTable(Db& db, int year, const std::string& title, const ImportColumns& columns,
                                        const Table& table);
// Saves a year's plan (one per year) with every task's deadlines.
absl::StatusOr<boost::json::object> CreatePlan(Tx& tx, const DutyEnv& env, const PlanInput& plan);

// A progress report on one deadline: what was done, with links to Qingfeng's records that show it.
struct Link {
  std::string kind;  // case (by receipt), campaign, notice (by id)
  std::string ref;
};
struct ReportRequest {
  std::string period, text;
  std::vector<Link> links;
};
absl::StatusOr<ReportRequest> ParseReport(const boost::json::object& body);
absl::StatusOr<boost::json::object> Report(Tx& tx, int64_t task_id, const ReportRequest& r, const Principal& who);
// The office's decision on the latest report of a deadline: accepted (the deadline is met on the report's day) or
// sent back with a reason (open again).
absl::StatusOr<boost::json::object> Decide(Tx& tx, int64_t task_id, const std::string& period, bool accept,
                                           const std::string& reason, const Principal& who);
// Cards on open deadlines by the one card rule, each once per due day; returns how many.
absl::StatusOr<int> SweepTaskCards(Tx& tx, const DutyEnv& env);

// The board of a year: every task with its deadlines' progress, counts by area and by lead unit.
absl::StatusOr<boost::json::object> Board(Db& db, int year, const Principal& who, absl::Time now);
// One task: its deadlines, reports (with their links) and cards, and the caller's actions.
absl::StatusOr<boost::json::object> TaskView(Db& db, int64_t task_id, const Principal& who, absl::Time now);

// ---- Responsibility letters (责任书) ----

// The templates (data/duty/letters.toml): per kind of unit, the title, the clauses and the items with their points,
// the term to sign in and the document the letters rest on.
struct LetterItem {
  std::string text;
  int points = 0;
};
struct LetterTemplate {
  std::string kind;  // division, district_bureau, school
  std::string title;
  std::vector<std::string> clauses;
  std::vector<LetterItem> items;
};
struct LetterTemplates {
  std::string basis;
  Term sign_within;
  std::vector<LetterTemplate> templates;
  const LetterTemplate* For(std::string_view unit_kind) const;
  static absl::StatusOr<LetterTemplates> Load(const std::string& path);
  static absl::StatusOr<LetterTemplates> Parse(std::string_view toml_text, std::string_view source);
};
// A letter's content (the parties, the year, the clauses and the items) as canonical JSON, and its hash: what the
// ledger records at issue and at signature.
boost::json::object LetterContent(const LetterTemplate& t, const LetterTemplates& all, int year,
                                  const std::string& issuer, const std::string& unit);
std::string ContentHash(const boost::json::object& content);

// Who may sign: the head of the letter's unit (an account whose person is a leader of that unit), once.
enum class LetterAction { kSign };
struct LetterFacts {
  bool signed_ = false;
  bool head = false;
};
absl::Status MayTake(LetterAction action, const LetterFacts& facts);

// Issues the year's letters to every active division, district bureau and school that has none yet (the bureau is
// the issuing party for its divisions, district bureaus and city-run schools; a district bureau for its schools).
absl::StatusOr<boost::json::object> IssueLetters(Tx& tx, const DutyEnv& env, const LetterTemplates& templates,
                                                 int year);
// The head signs: records who, when and the content hash in the ledger. `content_sha256` is the hash the signer
// was shown; a letter whose content differs is refused.
absl::StatusOr<boost::json::object> Sign(Tx& tx, int64_t letter_id, const std::string& content_sha256,
                                         const Principal& who);
// Unsigned letters past or near their day draw cards by the one card rule; returns how many.
absl::StatusOr<int> SweepLetterCards(Tx& tx, const DutyEnv& env);
// The year's letters (the office and leaders: every unit, filterable by kind, district and signed; anyone else:
// their own unit's), with counts signed and unsigned.
struct LetterFilter {
  int year = 0;
  std::string kind, district, signed_;  // signed_: "", "yes", "no"
  int64_t limit = 100, offset = 0;
};
absl::StatusOr<boost::json::object> Letters(Db& db, const LetterFilter& f, const Principal& who, absl::Time now);
absl::StatusOr<boost::json::object> LetterView(Db& db, int64_t id, const Principal& who, absl::Time now);

// ---- Integrity talks (廉政谈话) ----

enum class TalkKind { kRoutine, kPreAppointment, kReminder, kAdmonition };
std::string_view Code(TalkKind k);
std::string_view Label(TalkKind k);
absl::StatusOr<TalkKind> ParseTalkKind(std::string_view code);
// Reminder (提醒) and admonition (诫勉) talks are confidential: only the discipline office reads them, and never
// the person talked with or a declared relative of theirs (the wall of restricted cases). Routine and
// pre-appointment talks are read by the office and the bureau's leaders. Anyone else: not found.
struct TalkReader {
  bool office = false, leader = false;
  bool walled = false;  // the reader is the person talked with or a relative
};
absl::Status MayRead(TalkKind kind, const TalkReader& reader);
bool Confidential(TalkKind kind);

struct TalkRequest {
  TalkKind kind = TalkKind::kRoutine;
  absl::CivilDay held_on;
  int64_t unit_id = 0, person_id = 0;
  std::string person_name, person_post, talker, points, commitments;
  std::optional<absl::CivilDay> follow_up_on;
  std::optional<int64_t> notice_id;  // the cadre notice (公示) a pre-appointment talk follows
};
absl::StatusOr<TalkRequest> ParseTalk(const boost::json::object& body);
// A reminder or admonition talk is watched for retaliation against reporters (cases/watch.h).
absl::StatusOr<boost::json::object> RecordTalk(Tx& tx, const DutyEnv& env, const TalkRequest& r, const Principal& who);
// The talks the caller may read in a year, newest first, and counts by kind and unit (every talk counted, the
// confidential ones without their records).
absl::StatusOr<boost::json::object> Talks(Db& db, int year, const Principal& who);
absl::StatusOr<boost::json::object> TalkView(Db& db, int64_t id, const Principal& who);

// ---- Rules tests (廉政知识测试) ----

enum class QuestionKind { kSingle, kMultiple, kJudge };
std::string_view Code(QuestionKind k);
struct Question {
  int64_t id = 0;
  QuestionKind kind = QuestionKind::kSingle;
  std::string stem;
  std::vector<std::string> options;  // A, B, … (judge questions: none)
  std::string answer;                // normalised: the option letters in order ("ACD"), or T / F
  std::string rule;                  // the rule or document the question tests
};
// An answer as typed ("a, c", "对", "×") in its normal form for the question, or nullopt when it cannot be one.
std::optional<std::string> NormaliseChoice(const Question& q, std::string_view typed);
// The bank as the office writes it: 题型 (单选 / 多选 / 判断), 题干, 选项A … 选项F, 答案, 依据. Pure; every bad cell
// named, nothing taken while any remains.
// The bank's kind in data/imports/columns.toml and the fields ReadQuestionTable reads from its columns there.
inline constexpr std::string_view kQuestionImport = "questions";
std::vector<std::string_view> QuestionImportFields();
absl::StatusOr<std::vector<Question>> ReadQuestionTable(const ImportColumns& columns, const Table& table);
// An attempt's paper: the first `n` of the bank's question ids (sorted) shuffled by the draw engine with the
// attempt's seed = Derive(the test's seed, "taker:<id>:<attempt>"); anyone with the test's seed recomputes it.
std::string AttemptSeedHex(const std::string& test_seed_hex, int64_t taker_id, int attempt);
std::vector<int64_t> DrawPaper(std::vector<int64_t> bank_ids, const std::string& attempt_seed_hex, int n);
// Flags for review, never verdicts: answers saved faster than a person reads (three or more within
// kFastAnswerSeconds of the one before), a paper at least half answered in under kFastPaperSecondsPerQuestion a
// question.
inline constexpr int kFastAnswerSeconds = 3;
inline constexpr int kFastPaperSecondsPerQuestion = 6;
std::vector<std::string> SpeedFlags(absl::Time started, const std::vector<absl::Time>& answered, absl::Time submitted,
                                    int questions);

// The office keeps the bank: import (a question whose stem exists is updated), edit, retire.
absl::StatusOr<boost::json::object> ImportQuestions(Tx& tx, const std::vector<Question>& questions);
struct QuestionInput {
  std::string kind, stem, answer, rule;
  std::vector<std::string> options;
  bool active = true;
};
absl::StatusOr<QuestionInput> ParseQuestion(const boost::json::object& body);
absl::StatusOr<boost::json::object> SaveQuestion(Tx& tx, int64_t id, const QuestionInput& q);
absl::StatusOr<boost::json::object> Questions(Db& db);

// A test: a window, a time limit, questions per paper, a pass mark and attempts allowed; the bank's active
// questions are frozen into it with their hash and a random seed at creation.
struct ExamRequest {
  std::string title;
  absl::Time opens_at, closes_at;
  int minutes = 30, questions = 10, pass_percent = 60, attempts = 1;
};
absl::StatusOr<ExamRequest> ParseExam(const boost::json::object& body);
absl::StatusOr<boost::json::object> CreateExam(Tx& tx, const ExamRequest& r, const Principal& who);
// Enrols every person of the given units who is not enrolled yet; answers each person's code once.
absl::StatusOr<boost::json::object> Enrol(Tx& tx, int64_t exam_id, const std::vector<int64_t>& unit_ids,
                                          const Principal& who);
// The taker's side, by code: start (or resume) an attempt, save one answer (refused after the time), submit (scored
// at once, flagged for review). Each answer is stamped with the server's time.
absl::StatusOr<boost::json::object> StartAttempt(Tx& tx, const std::string& code);
absl::StatusOr<boost::json::object> SaveAnswer(Tx& tx, const std::string& code, int position, const std::string& choice);
absl::StatusOr<boost::json::object> Submit(Tx& tx, const std::string& code);
// The organiser's view: enrolled, tested, passed, the score distribution, the questions most often missed, the
// flagged attempts and counts by unit; and the list of tests.
absl::StatusOr<boost::json::object> ExamView(Db& db, int64_t exam_id);
absl::StatusOr<boost::json::object> Exams(Db& db);
// Recomputes an attempt's paper from the test's seed and bank and compares it with the stored one.
absl::StatusOr<bool> PaperReproduces(Db& db, int64_t attempt_id);

// ---- Warning-education sessions (警示教育) ----

// The sign-in code shown at a session's venue: six digits from the session's secret and the current five-minute
// slot (the TOTP construction with a 300-second step); the code of the slot before is still taken, so a code read
// just before it changes works. A code cannot be passed on for long, and never before or after the session. Pure.
inline constexpr int kSessionCodeSeconds = 300;
std::string SessionCode(std::string_view secret, absl::Time at);
bool SessionCodeValid(std::string_view secret, std::string_view code, absl::Time now);

struct SessionRequest {
  std::string title, place;
  absl::Time held_at;
  int minutes = 120;  // sign-in is open from 30 minutes before the start to the end
  std::vector<int64_t> unit_ids;
};
absl::StatusOr<SessionRequest> ParseSession(const boost::json::object& body);
absl::StatusOr<boost::json::object> CreateSession(Tx& tx, const SessionRequest& r, const Principal& who);
// The year's sessions with attendance against the invited units' people (the office and leaders).
absl::StatusOr<boost::json::object> Sessions(Db& db, int year, const Principal& who);
// One session with attendance by unit; for the office while sign-in is open, the code to show at the venue and the
// seconds until it changes.
absl::StatusOr<boost::json::object> SessionView(Db& db, int64_t id, const Principal& who, absl::Time now);
// What the check-in page shows the public: the title, time, place and invited units (no code, no names).
absl::StatusOr<boost::json::object> PublicSession(Db& db, int64_t id, absl::Time now);
// An attendee signs in with the venue's code, their unit (one of those invited) and their name as the unit's
// roster has it; once per person. Refused outside the window or with a code that is not the current one.
struct CheckIn {
  std::string code, name;
  int64_t unit_id = 0;
};
absl::StatusOr<CheckIn> ParseCheckIn(const boost::json::object& body);
absl::StatusOr<boost::json::object> SignIn(Tx& tx, int64_t session_id, const CheckIn& c);

// ---- The public's rating (政风行风评议) ----

// The questionnaire (data/duty/survey.toml): the scale with its satisfied levels, the questions, and the sample below
// which a rate is flagged as too small to compare.
struct SurveyLevel {
  std::string code, label;
  bool satisfied = false;
};
struct SurveyQuestion {
  std::string id, text;
};
struct Questionnaire {
  std::string title, basis;
  int min_sample = 30;
  std::vector<SurveyLevel> scale;
  std::vector<SurveyQuestion> questions;
  const SurveyLevel* Level(std::string_view code) const;
  static absl::StatusOr<Questionnaire> Load(const std::string& path, std::string* text = nullptr);
  static absl::StatusOr<Questionnaire> Parse(std::string_view toml_text, std::string_view source);
};
// A rate over respondents: each respondent's share of satisfied answers, their mean, and the 95% margin of error of
// that mean (1.96 × the sample standard deviation / √n; none below two respondents). Pure.
struct Rate {
  int n = 0;
  double mean = 0, margin = 0;
};
Rate RateOf(const std::vector<double>& shares);

struct SurveyRequest {
  std::string title;
  absl::Time opens_at, closes_at;
  int per_school = 30;
  std::vector<int64_t> unit_ids;  // schools, or district bureaus standing for their district's schools
};
absl::StatusOr<SurveyRequest> ParseSurvey(const boost::json::object& body);
// Creates the survey with the questionnaire frozen and `per_school` invitation codes for each school; the codes are
// answered this once (only their hashes are kept) for the schools to hand out.
absl::StatusOr<boost::json::object> CreateSurvey(Tx& tx, const std::string& questionnaire_text, const SurveyRequest& r,
                                                 const Principal& who);
// The respondent's side, by code: the questionnaire (while the survey is open and the code unused), then the
// answers, once. Nothing identifies the respondent but the school the code was given to.
absl::StatusOr<boost::json::object> OpenSurvey(Db& db, const std::string& code, absl::Time now);
absl::StatusOr<boost::json::object> Answer(Tx& tx, const std::string& code, const std::vector<std::string>& answers,
                                           const std::string& comment);
// The office's and leaders' results: codes given and answered, the rate overall, by question, by district and by
// school, each with its sample size and margin of error, and the latest comments with their school; and the list
// of surveys.
absl::StatusOr<boost::json::object> SurveyResults(Db& db, int64_t id, const Principal& who);
absl::StatusOr<boost::json::object> Surveys(Db& db, const Principal& who);

// ---- Evaluation (考核) ----

// What an evaluation item counts from Qingfeng's records, in the unit's scope (data/duty/evaluation.toml).
enum class Measure {
  kSubstantiatedComplaints, kOverdueCases, kLateRectifications, kVetoes, kLateTasks, kUnsignedLetters, kTestPassRate
};
std::string_view Code(Measure m);
// How an item's points follow from its count: deducted per record, all or nothing, or in proportion to a share;
// kManual items are scored by the discipline office against the evidence the item names.
enum class ScoreRule { kManual, kDeduct, kZeroIfAny, kProportion };
struct EvalItem {
  std::string id, section, text, evidence;
  int letter = 0;  // the item of the unit's responsibility letter it checks (1-based; 0: none)
  int points = 0;
  int per_tenths = 0;  // a deduction's points per record, in tenths (0.2 points: 2)
  std::optional<Measure> measure;
  ScoreRule rule = ScoreRule::kManual;
};
struct EvalTable {
  std::string kind, title;  // kind: division, district_bureau, school
  std::vector<EvalItem> items;
};
struct Band {
  std::string code, label;
  int min = 0;
  bool no_item_at_zero = false;
};
// The scoring scheme: bands best first and one table of 100 points per kind of unit. An evaluation freezes the
// scheme's text when it is created, so editing the file changes next year's evaluation, never a made one.
struct EvalScheme {
  std::string title, basis;
  std::vector<Band> bands;
  std::vector<EvalTable> tables;
  const EvalTable* For(std::string_view unit_kind) const;
  const EvalItem* Item(std::string_view unit_kind, std::string_view id) const;
  static absl::StatusOr<EvalScheme> Load(const std::string& path, std::string* text = nullptr);
  static absl::StatusOr<EvalScheme> Parse(std::string_view toml_text, std::string_view source);
};
// A measure's value for one unit: the records counted (each shown beside the score), and for a share its base.
struct Measured {
  int count = 0, of = 0;  // of: the base of a share (people enrolled); unused otherwise
  std::vector<cases::RecordRef> refs;
};
// An item's score from its measure by its rule, with the computation in words ("逾期 2 件 × 4 分 = 扣 8 分"). Pure.
struct Scored {
  int score = 0;
  std::string computation;
};
Scored Score(const EvalItem& item, const Measured& m);
// The band a total earns: the first whose minimum it reaches and, where the band asks it, with no item at zero.
const Band& BandOf(const EvalScheme& scheme, int total, bool any_item_at_zero);

// The office opens a year's evaluation of every active unit of the given kinds (one per year): the scheme frozen,
// every computed item computed from the records as of today (or the year's last day, once past).
struct EvaluationRequest {
  int year = 0;
  std::vector<std::string> kinds;
};
absl::StatusOr<EvaluationRequest> ParseEvaluation(const boost::json::object& body);
absl::StatusOr<boost::json::object> CreateEvaluation(Tx& tx, const DutyEnv& env, const std::string& scheme_text,
                                                     const EvaluationRequest& r, const Principal& who);
// Computes the computed items again from the records as they are now (a draft only).
absl::StatusOr<boost::json::object> Recompute(Tx& tx, const DutyEnv& env, int64_t evaluation_id, const Principal& who);
// The office scores an item it scores by hand (0 … its points), with a note (required below full points) and
// links to the records that back it.
struct ItemScore {
  int score = 0;
  std::string note;
  std::vector<Link> links;
};
absl::StatusOr<ItemScore> ParseItemScore(const boost::json::object& body);
absl::StatusOr<boost::json::object> ScoreItem(Tx& tx, int64_t evaluation_id, int64_t unit_id, const std::string& item,
                                              const ItemScore& s, const Principal& who);
// Closes the evaluation: computed items computed a last time, every item scored, each unit's total and band fixed,
// the sheets' hash in the ledger. Refused while an item is unscored.
absl::StatusOr<boost::json::object> Finalise(Tx& tx, const DutyEnv& env, int64_t evaluation_id, const Principal& who);
// The year's evaluation (the office and leaders): each unit's total and band, counts by band.
absl::StatusOr<boost::json::object> EvaluationView(Db& db, int year, const Principal& who);
// One unit's sheet: each item with its points, score, the computation and records behind it or the office's note,
// and the letter item it checks. The office and leaders; the unit's own staff once the evaluation is final.
absl::StatusOr<boost::json::object> UnitSheet(Db& db, int64_t evaluation_id, int64_t unit_id, const Principal& who);
// The caller's own unit's sheet of the year's evaluation once it is fixed: {year, sheet}, the sheet null before
// then or when the unit was not evaluated.
absl::StatusOr<boost::json::object> OwnSheet(Db& db, int year, const Principal& who);

// ---- Accountability (问责) ----

enum class DecisionKind { kCriticism, kAdmonition, kOrganisational, kDisciplinary };
std::string_view Code(DecisionKind k);
std::string_view Label(DecisionKind k);
// A decision enforces a clause (an item of the unit's letter of the year, or a rule cited in words) and rests on
// facts: cases (by receipt), rectification orders, vetoes, the unit's evaluation and talks, each of which must exist.
struct DecisionRequest {
  int year = 0;
  DecisionKind kind = DecisionKind::kCriticism;
  int64_t unit_id = 0, person_id = 0;
  std::string person_name, person_post;
  int letter_item = 0;  // the clause: an item of the unit's letter, or
  std::string rule;     // a rule in words
  std::vector<Link> facts;
  absl::CivilDay decided_on;
  std::string decided_by, text;
};
absl::StatusOr<DecisionRequest> ParseDecision(const boost::json::object& body);
// A decision on a person is watched for retaliation against reporters (cases/watch.h).
absl::StatusOr<boost::json::object> RecordDecision(Tx& tx, const DutyEnv& env, const DecisionRequest& r,
                                                   const Principal& who);
// Decisions are read by the discipline office and the bureau's leaders, never by the person decided on or a
// declared relative (not found). The view is the chain: the clause, the facts it rests on, the decision.
absl::StatusOr<boost::json::object> Decisions(Db& db, int year, const Principal& who);
absl::StatusOr<boost::json::object> DecisionView(Db& db, int64_t id, const Principal& who);

// ---- Self-evaluation (政风行风自评) ----

// What a component of the self-evaluation index measures in a unit's scope over the year: the public's rating
// (the year's surveys of the scope's schools), and of the complaints concerning the scope received in the year the
// share rated satisfied, settled (息诉), not repeated, the share of the scope's duty deadlines met, and media items.
enum class IndexMeasure { kPublicRating, kComplaintSatisfaction, kSettled, kNotRepeated, kOnTime, kMediaItems };
std::string_view Code(IndexMeasure m);
struct IndexComponent {
  std::string id, label;
  IndexMeasure measure = IndexMeasure::kPublicRating;
  int weight = 0;
  int min_base = 1;  // a share on a smaller base is left out, its weight shared among the others
  int per_item = 0;  // media items: what each takes from the component's 100
};
// The index's formula (data/duty/self_index.toml): weighted components, each scored 0–100.
struct IndexScheme {
  std::string title, basis;
  std::vector<IndexComponent> components;
  static absl::StatusOr<IndexScheme> Load(const std::string& path);
  static absl::StatusOr<IndexScheme> Parse(std::string_view toml_text, std::string_view source);
};
// A component's inputs for one unit: a share's numerator and base (the public rating: the respondents' satisfied
// shares summed, the respondents, and the 95% margin), or for media items the count in `base`.
struct IndexInput {
  double part = 0;
  int64_t base = 0;
  double margin = 0;
};
// A component's score (0–100, one decimal) with the computation in words, or left out when its base is too small.
struct ComponentValue {
  bool counted = false;
  double value = 0;
  std::string computation;
};
ComponentValue ValueOf(const IndexComponent& c, const IndexInput& in);
// The index: the weighted mean of the counted components (one decimal), with the computation in words; none
// when no component is counted. Pure.
struct IndexValue {
  std::optional<double> index;
  std::string computation;
};
IndexValue Combine(const IndexScheme& scheme, const std::vector<ComponentValue>& values);
// The year's index of every active unit of `kind` (district_bureau: itself and its district's schools; school),
// as of today or the year's last day; lowest first, each component with its inputs and computation. The office
// and leaders.
absl::StatusOr<boost::json::object> SelfIndex(Db& db, const IndexScheme& scheme, int year, std::string_view kind,
                                              const Principal& who, absl::Time now);

// ---- Figures for the half-year summary ----
struct Figures {
  std::string plan_title;
  int areas = 0, tasks = 0, deadlines_due = 0, done_on_time = 0, done_late = 0, overdue = 0;
  int letters = 0, letters_signed = 0;
  int talks = 0;
  std::map<std::string, int> talks_by_kind;  // by TalkKind code
  int tested = 0, passed = 0;  // people with a submitted attempt in the period; of them, passed
  int sessions = 0, attendees = 0;  // warning-education sessions held in the period, people signed in
  int evaluated = 0;  // units of an evaluation fixed in the period
  std::vector<std::pair<std::string, int>> bands;  // band label and count, best first
  std::vector<std::pair<std::string, int>> decisions;  // accountability decisions in the period: kind label, count
};
// The year's plan and letters as of `to`; the talks held, the people tested, the evaluation fixed and the
// accountability decisions made in [from, to].
absl::StatusOr<Figures> FiguresBetween(Db& db, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::duty
