// Admission checks (招生检查: 三限, 借读, 人籍一致, 大班额): each school's admission roster for a year, read from the
// spreadsheet it already keeps (every bad row named, nothing kept on an error), its students' names and ID numbers
// sealed to the office's key and shown masked, and the rules of data/admissions/rules.toml — each citing its document
// and the years it applies to — run over it and over every roster of the city. Each violation is a finding naming
// the rule, the rows and the numbers; the office turns it into a rectification order (inspect/'s flow) or a case.
// Reading and checking are pure; store functions run in writer commands (Tx) or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "cases/cases.h"
#include "common/calendar.h"
#include "common/table_file.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::admissions {

// ---- Rules (pure) ----

struct Route {
  std::string code, label;
  std::vector<std::string> aliases;
};

struct Rule {
  std::string code, label, clause, term;
  int from = 0, to = 9999;      // admission years it applies to
  double share = 0, points_below = 0, fee_cap = 0, threshold = 0;
  std::string treasury;         // the account choice fees must go to (三限 years)
  std::vector<std::string> items;
  std::vector<int> grades;
  bool refer = false;           // findings that suggest misconduct: the office may open a case
  bool AppliesTo(int year) const { return year >= from && year <= to; }
};

// How a lottery is watched (招生监督): the kinds of observer that may be recorded at a draw and those that must be,
// with the document that says so.
struct LotteryPolicy {
  std::vector<std::string> observer_roles, required_roles;
  std::string clause;
};

struct Rules {
  std::vector<Route> routes;
  LotteryPolicy lottery;
  std::vector<Rule> rules;
  std::vector<std::string> forbidden_materials;  // the placement policy's list (one list for every admission)
  std::string forbidden_clause;

  static absl::StatusOr<Rules> Load(const std::string& data_dir);
  static absl::StatusOr<Rules> Parse(std::string_view toml_text, std::string_view source,
                                     std::vector<std::string> forbidden, std::string forbidden_clause);
  // The rule `code` in force for `year` (several entries may share a code over different years), or nullptr.
  const Rule* For(std::string_view code, int year) const;
  // Any entry of `code` (for its label and clause when no year is at hand).
  const Rule* Any(std::string_view code) const;
  // A route by its code, label or alias; nullptr when unknown.
  const Route* RouteOf(std::string_view text) const;
};

// The values of a cell or parameter that holds several, as people separate them ("择校费；资料费", "A、B, C"),
// trimmed (empty ones kept, so that several columns stay aligned).
std::vector<std::string> Parts(std::string_view text);

// "一年级", "初一", "七年级", "高一", "10", "1" → 1…12; nullopt for anything else.
std::optional<int> ParseGrade(std::string_view text);
std::string GradeLabel(int grade);

struct Fee {
  std::string item;
  double amount = 0;  // yuan
  std::string account;
};

// One row of a roster as read (the name and ID number in clear only until sealed).
struct Student {
  int row = 0;  // the file's row number
  std::string name, id_number;
  int grade = 0;
  std::string class_name, route;  // route: a Route code
  std::optional<double> score;
  std::vector<Fee> fees;
  std::string registered_school;  // 学籍学校 as written (empty: this school)
  int64_t registered_school_id = 0;  // resolved against the units, 0 when not found
  std::optional<int> registered_grade;
  std::string tag;  // the ID number's keyed hash (set by the store before the checks that match pupils)
};

// Reads a roster sheet: 姓名, 身份证号, 年级, 班级, 录取方式 are required; 成绩, 收费项目/收费金额/收款账户 (several
// fees separated by ；), 学籍学校, 学籍年级 optional. Every bad cell is named (第N行 第M列（表头）); InvalidArgument when
// any row is bad, with all of them.
// The roster's kind in data/imports/columns.toml and the fields ReadRoster reads from its columns there.
inline constexpr std::string_view kRosterImport = "roster";
std::vector<std::string_view> RosterImportFields();
absl::StatusOr<std::vector<Student>> ReadRoster(const ImportColumns& columns, const Table& t, const Rules& rules);

// What a drawn lottery of the roster's school decided for one grade: the applicants and those admitted (by the draw,
// by the waiting list after a recorded give-up, or beyond the plan with a recorded reason), as ID-number tags.
struct LotteryOutcome {
  int64_t id = 0;
  int grade = 0, plan = 0;
  std::set<std::string> applicants, admitted;
};

// A school's roster with what the checks need to know of the school and its declared plan.
struct Roster {
  int year = 0;
  int64_t school_id = 0;
  std::string school_name, stage;  // stage as org keeps it (高中, 完全中学 …)
  std::optional<int> plan;         // planned intake (rows other than 借读)
  std::optional<double> line;      // the admission line (三限 years: the choice students' minimum)
  std::vector<std::string> materials;  // what the school's admission notice asked for
  std::vector<Student> students;
  std::vector<LotteryOutcome> lotteries;  // the school's drawn lotteries of the year
};

// A violation: the rule (code, year it applied), a key that stays the same while the violation does (a class, a
// student's tag, the roster), what was found in words, the numbers and the rows.
struct Finding {
  std::string rule, key, summary;
  boost::json::object numbers;
  std::vector<int> rows;
  int64_t school_id = 0;
};

// The rules that look at one roster (every rule but the city-wide double enrolment), for its year.
std::vector<Finding> CheckRoster(const Rules& rules, const Roster& roster);

// One student on one current roster, for the city-wide 人籍一致 check.
struct Enrolment {
  std::string key;  // the ID number's tag
  int64_t school_id = 0;
  int row = 0;
  std::string school_name, name_masked;
};
// Students on the rosters of two or more schools in `year`: a finding at each school, naming the other schools.
// Sorts `enrolments` by key (O(n log n)).
std::vector<Finding> CheckEnrolments(const Rules& rules, int year, std::vector<Enrolment> enrolments);

// ---- Store ----

// The keyed hash that matches a pupil across rosters and lotteries (Vault::Tag's purpose).
inline constexpr std::string_view kIdTagPurpose = "admission-id-number";

// Who reads every school's rosters, findings and lotteries (the office's supervisors and leaders); anyone else reads
// those of the schools in their unit's subtree.
bool SeesAllSchools(const Principal& who);
// "(?A = 1 OR col IN the caller's subtree)": SeesAllSchools bound at `all`, the caller's unit at `unit`.
std::string SchoolScopeSql(std::string_view col, int all, int unit);

struct AdmissionsEnv {
  const Calendar* calendar;
  const vault::Vault* vault;
  cases::CaseEnv cases;  // for findings referred to the discipline office
  const ImportColumns* roster_columns = nullptr;  // what UploadRoster reads (kRosterImport's columns)
  const ImportColumns* applicant_columns = nullptr;  // what RequestLottery reads (kLotteryImport's columns)
};

struct RosterUpload {
  int year = 0;
  int64_t school_id = 0;
  std::optional<int> plan;
  std::optional<double> line;
  std::vector<std::string> materials;
  std::string file_sha256;  // of the file as uploaded (set by the handler)
};
// A query's parameters as uploads and requests read them: `Get` a trimmed value (empty when absent); `YearAndSchool`
// the year (2000–2100) and the school, each problem named in `errors`.
struct UploadQuery {
  const std::map<std::string, std::string>& query;
  std::string Get(const char* key) const;
  void YearAndSchool(int* year, int64_t* school, std::vector<FieldError>* errors) const;
};
// Query parameters of an upload: year, school_id, plan, line, materials (separated by 、 , or ；).
absl::StatusOr<RosterUpload> ParseUpload(const std::map<std::string, std::string>& query);
// A school (or a unit above it, or the office) uploads its roster: read, checked, sealed, stored as the school's
// current roster for the year (the previous one kept, no longer current), and the rules run — the school's own and
// the city-wide 人籍一致 check for the pupils on this roster or the one it replaces (found through the tags' index,
// so an upload's cost does not grow with the city's rosters); findings no longer true are cleared, new ones
// recorded. All or nothing.
absl::StatusOr<boost::json::object> UploadRoster(Tx& tx, const AdmissionsEnv& env, const Rules& rules,
                                                 const RosterUpload& req, const Table& table, const Principal& who);
// Rosters of `year` in the caller's scope (the office and leaders: all; a district bureau: its schools; a school:
// its own), each with its students and open findings counted, and the schools in scope that have not uploaded.
absl::StatusOr<boost::json::object> Rosters(Db& db, int year, const Principal& who);
// One roster's rows (masked) and findings; NotFound outside the caller's scope.
absl::StatusOr<boost::json::object> RosterView(Db& db, const Rules& rules, int64_t id, const Principal& who);
struct FindingFilter {
  int year = 0;
  std::string rule, state, district;
  int64_t school_id = 0;
};
absl::StatusOr<boost::json::object> Findings(Db& db, const Rules& rules, const FindingFilter& f, const Principal& who);
// The office acts on a finding: an order to rectify by the rule's term (inspect/'s orders: answer with evidence,
// re-check, cards), or — for a rule that suggests misconduct — a case for the discipline office.
absl::StatusOr<boost::json::object> OrderRectification(Tx& tx, const AdmissionsEnv& env, const Rules& rules,
                                                       int64_t finding_id, const std::string& note,
                                                       const Principal& who);
absl::StatusOr<boost::json::object> ReferFinding(Tx& tx, const AdmissionsEnv& env, const Rules& rules,
                                                 int64_t finding_id, const std::string& note, const Principal& who);
// The year in numbers: rosters received and schools without one, students checked, findings by rule and by
// district, and how many were rectified (the order accepted) or cleared by a corrected roster.
absl::StatusOr<boost::json::object> YearReport(Db& db, const Rules& rules, int year);

// The checks of rosters uploaded in [from, to] (China Standard Time days), for the half-year summary: schools whose
// current roster came in the period and their pupils, the findings made in the period by rule (labels in the rules'
// order), and how they stand: ordered (rectified: the order accepted), referred, cleared.
struct Figures {
  int year = 0, rosters = 0, findings = 0, ordered = 0, rectified = 0, referred = 0, cleared = 0;
  int64_t pupils = 0;
  std::vector<std::pair<std::string, int>> by_rule;
};
absl::StatusOr<Figures> FiguresBetween(Db& db, const Rules& rules, absl::CivilDay from, absl::CivilDay to);

// ---- Lotteries (招生监督) ----
// An oversubscribed school admits its intake grade by lottery on the draw engine (draws/draw.h, docs/draws.md). The
// district bureau (or the office) requests it with the applicants' list — application codes, names and ID numbers
// sealed and matched to the rosters as rosters' are — which freezes the candidates and publishes the commitment; the
// named witness (the discipline office or a leader) enters the public value on the spot with the observers recorded
// (the roles the rules require), and the result is published at once as a record anyone recomputes: the first `plan`
// of the order admitted, the rest waiting in order. An admitted applicant who gives up the place is recorded with the
// reason and the next one waiting is admitted (the draw's call-down); an admission beyond the plan only with its
// reason. The roster check (rule lottery_bypassed) then names the grade's pupils the lottery did not admit.

// The applicants list's kind in data/imports/columns.toml and the fields ReadApplicants reads from its columns there.
inline constexpr std::string_view kLotteryImport = "lottery-applicants";
std::vector<std::string_view> LotteryImportFields();
struct Applicant {
  int row = 0;
  std::string code, name, id_number;
};
// 报名号, 姓名, 身份证号, all required; every bad cell named; a code or an ID number twice is refused.
absl::StatusOr<std::vector<Applicant>> ReadApplicants(const ImportColumns& columns, const Table& t);

struct LotteryRequest {
  int year = 0, grade = 0, plan = 0;
  int64_t school_id = 0, witness_account_id = 0;
  std::string venue;
};
// Query parameters of a request: year, school_id, grade, plan, witness_account_id, venue.
absl::StatusOr<LotteryRequest> ParseLotteryRequest(const std::map<std::string, std::string>& query);
struct Observer {
  std::string role, name;
};
// The draw's body: {public_value, observers: [{role, name}]}; the roles the policy knows, the required ones present.
struct LotteryDraw {
  std::string public_value;
  std::vector<Observer> observers;
};
absl::StatusOr<LotteryDraw> ParseLotteryDraw(const boost::json::object& body, const LotteryPolicy& policy);

absl::StatusOr<boost::json::object> RequestLottery(Tx& tx, const AdmissionsEnv& env, const LotteryRequest& req,
                                                   const Table& table, const Principal& who);
absl::StatusOr<boost::json::object> DrawLottery(Tx& tx, const AdmissionsEnv& env, int64_t id, const LotteryDraw& draw,
                                                const Principal& who);
// An admitted (or waiting) applicant gives up the place: the reason recorded, the next one waiting admitted.
absl::StatusOr<boost::json::object> RecordGiveUp(Tx& tx, int64_t id, const std::string& code, const std::string& reason,
                                                 const Principal& who);
// A waiting applicant admitted beyond the plan, with the reason (a decision the public record shows).
absl::StatusOr<boost::json::object> RecordExtraAdmission(Tx& tx, int64_t id, const std::string& code,
                                                         const std::string& reason, const Principal& who);
// The year's lotteries in the caller's scope, and one with its applicants (names and ID numbers masked).
absl::StatusOr<boost::json::object> Lotteries(Db& db, int year, const Principal& who);
absl::StatusOr<boost::json::object> LotteryView(Db& db, int64_t id, const Principal& who);
// The public record: the school, the grade, the plan and the commitment from the request on; once drawn, the
// observers, applicants, admitted and remaining places, and everything draws::Verify needs (codes only, no names).
absl::StatusOr<boost::json::object> PublicLottery(Db& db, int64_t id);
absl::StatusOr<boost::json::object> PublicLotteries(Db& db, int year);
// The lotteries drawn in [from, to] (China Standard Time days), for the half-year summary: how many, of how many
// schools, applicants, admitted (with the give-ups filled from the waiting list and admissions beyond the plan).
struct LotteryFigures {
  int lotteries = 0, schools = 0;
  int64_t applicants = 0, admitted = 0, gave_up = 0, extra = 0;
};
absl::StatusOr<LotteryFigures> LotteryFiguresBetween(Db& db, absl::CivilDay from, absl::CivilDay to);
// The school's drawn lotteries of `year`, for the roster check.
absl::StatusOr<std::vector<LotteryOutcome>> LotteryOutcomes(Db& db, int year, int64_t school_id);

}  // namespace qf::admissions
