// HTTP handlers and jobs of the responsibility system: the board and tasks (the plan imported from the office's
// sheet, progress reports, the office's decisions), responsibility letters (issue, list, one letter, signature)
// integrity talks (register, one talk, record), rules tests, the year-end evaluation and accountability decisions,
// and the sweep that cards late tasks and unsigned letters.
#include <algorithm>

#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "spdlog/spdlog.h"

namespace qf::duty {
namespace json = boost::json;

namespace {

DutyEnv Env(const AppContext& app) { return {app.calendar, app.policies, app.vault}; }

absl::StatusOr<int> YearOf(const Request& req, const AppContext& app) { return YearQuery(req, app, "duty.year"); }

absl::StatusOr<int64_t> TaskId(const Request& req) { return PathId(req, 0, "duty.task_not_found", "任务"); }
absl::StatusOr<int64_t> LetterId(const Request& req) { return PathId(req, 0, "duty.letter_not_found", "责任书"); }
absl::StatusOr<int64_t> TalkId(const Request& req) { return PathId(req, 0, "duty.talk_not_found", "谈话记录"); }

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  auto loaded = LetterTemplates::Load(app.data_dir + "/duty/letters.toml");
  if (!loaded.ok()) {
    spdlog::error("duty: {}", std::string(loaded.status().message()));
    return;
  }
  auto templates = std::make_shared<const LetterTemplates>(std::move(*loaded));
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  router.Add({"GET", "/api/v1/duty/board", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return Board(db, year, *req.principal, app.clock->Now());
              }),
              0, "The year's plan: every task with its deadlines' progress, counts by area and by lead unit"});
  router.Add({"POST", "/api/v1/duty/plans", kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                std::string title = std::string(Trim(req.Query("title").value_or("")));
                if (title.empty()) title = fmt::format("{}年教育系统党风廉政建设和反腐败工作要点", year);
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                return Command([env = Env(app), &cols = app.imports->Of(kPlanImport), year, title,
                                t = std::move(table)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(PlanInput plan, ReadPlanTable(tx.db(), year, title, cols, t));
                  return CreatePlan(tx, env, plan);
                });
              }, 201),
              kMaxImportBytes, "Import the year's plan from the office's sheet (CSV or XLSX): every row checked, nothing kept on an error"});
  router.Add({"GET", "/api/v1/duty/tasks/{id}", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, TaskId(req));
                return TaskView(db, id, *req.principal, app.clock->Now());
              }),
              0, "One task: deadlines with progress and cards, reports with their evidence links, the caller's actions"});
  router.Add({"POST", "/api/v1/duty/tasks/{id}/reports", kClerk | kHandler | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, TaskId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseReport(body));
                return Command([id, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Report(tx, id, r, who);
                });
              }, 201),
              16 * 1024, "The lead unit reports progress on a deadline, with links to cases, inspections and notices"});
  router.Add({"POST", "/api/v1/duty/tasks/{id}/decisions", kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, TaskId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string period = in.Enum("period", false, {"", "Q1", "Q2", "Q3", "Q4"}).value_or("");
                bool accept = in.Bool("accept", true).value_or(false);
                std::string reason = in.Str("reason", false, 500).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("duty.decision"));
                return Command([id, period, accept, reason, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Decide(tx, id, period, accept, reason, who);
                });
              }),
              2 * 1024, "The discipline office accepts a progress report or sends it back with a reason"});
  router.Add({"POST", "/api/v1/duty/letters/issue", kSupervisor,
              WriteRoute(app, [&app, templates](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                int year = static_cast<int>(in.Int("year", true, 2000, 2100).value_or(0));
                QF_RETURN_IF_ERROR(in.Finish("duty.year"));
                return Command([env = Env(app), templates, year](Tx& tx) -> absl::StatusOr<json::value> {
                  return IssueLetters(tx, env, *templates, year);
                });
              }, 201),
              1024, "Issue the year's responsibility letters to every division, district bureau and school without one"});
  router.Add({"GET", "/api/v1/duty/letters", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                LetterFilter f;
                QF_ASSIGN_OR_RETURN(f.year, YearOf(req, app));
                f.kind = req.Query("kind").value_or("");
                if (!f.kind.empty() && f.kind != "division" && f.kind != "district_bureau" && f.kind != "school")
                  return Invalid("duty.filter", "单位类型不正确", {{"kind", "应为 division、district_bureau 或 school"}});
                f.district = req.Query("district").value_or("");
                f.signed_ = req.Query("signed").value_or("");
                if (!f.signed_.empty() && f.signed_ != "yes" && f.signed_ != "no")
                  return Invalid("duty.filter", "签订状态不正确", {{"signed", "应为 yes 或 no"}});
                f.limit = std::clamp<int64_t>(ParseInt<int64_t>(req.Query("limit").value_or("100")).value_or(100), 1, 500);
                f.offset = std::max<int64_t>(ParseInt<int64_t>(req.Query("offset").value_or("0")).value_or(0), 0);
                return Letters(db, f, *req.principal, app.clock->Now());
              }),
              0, "The year's letters in the caller's scope, with counts signed, unsigned and overdue"});
  router.Add({"GET", "/api/v1/duty/letters/{id}", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, LetterId(req));
                return LetterView(db, id, *req.principal, app.clock->Now());
              }),
              0, "One letter: its content, the hash recorded at issue and whether the content still matches it, the signature"});
  router.Add({"POST", "/api/v1/duty/letters/{id}/sign", kReaders,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, LetterId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string hash = in.Str("content_sha256", true, 64).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("duty.sign"));
                return Command([id, hash, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Sign(tx, id, hash, who);
                });
              }),
              1024, "The unit's head signs the letter shown (its content hash); recorded in the ledger"});
  router.Add({"GET", "/api/v1/duty/talks", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return Talks(db, year, *req.principal);
              }),
              0, "The year's talks the caller may read, and counts by kind and unit"});
  router.Add({"GET", "/api/v1/duty/talks/{id}", kSupervisor | kLeader,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, TalkId(req));
                return TalkView(db, id, *req.principal);
              }),
              0, "One talk; reminder and admonition talks only for the discipline office"});
  router.Add({"POST", "/api/v1/duty/talks", kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseTalk(body));
                return Command([env = Env(app), r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RecordTalk(tx, env, r, who);
                });
              }, 201),
              16 * 1024, "Record an integrity talk (the discipline office)"});

  // Warning-education sessions: the office's register and the venue's code; the attendee's check-in page.
  router.Add({"GET", "/api/v1/duty/sessions", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return Sessions(db, year, *req.principal);
              }),
              0, "The year's warning-education sessions with attendance against the invited units' people"});
  router.Add({"POST", "/api/v1/duty/sessions", kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseSession(body));
                return Command([r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> { return CreateSession(tx, r, who); });
              }, 201),
              64 * 1024, "Plan a warning-education session for the invited units; sign-in opens 30 minutes before it"});
  router.Add({"GET", "/api/v1/duty/sessions/{id}", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.session_not_found", "警示教育活动"));
                return SessionView(db, id, *req.principal, app.clock->Now());
              }),
              0, "One session: attendance by unit and, for the office while sign-in is open, the code to show at the venue"});
  router.Add({"GET", "/api/v1/public/sessions/{id}", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.session_not_found", "警示教育活动"));
                return PublicSession(db, id, app.clock->Now());
              }),
              0, "The check-in page of a session: title, time, place, the invited units and whether sign-in is open"});
  router.Add({"POST", "/api/v1/public/sessions/{id}/checkin", kPublic,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.session_not_found", "警示教育活动"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto c, ParseCheckIn(body));
                return Command([id, c](Tx& tx) -> absl::StatusOr<json::value> { return SignIn(tx, id, c); });
              }),
              1024, "Sign in at the venue with the code on its screen, one's unit and name as the roster has it; once", RateClass::kLookup});

  // The public's rating: surveys for the office and leaders; the respondent's side by invitation code.
  std::string questionnaire;
  if (auto q = Questionnaire::Load(app.data_dir + "/duty/survey.toml", &questionnaire); !q.ok()) {
    spdlog::error("duty: {}", std::string(q.status().message()));
    return;
  }
  router.Add({"GET", "/api/v1/duty/surveys", kSupervisor | kLeader,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> { return Surveys(db, *req.principal); }),
              0, "The surveys of the public's rating, newest first, with codes given and answered"});
  router.Add({"POST", "/api/v1/duty/surveys", kSupervisor,
              WriteRoute(app, [questionnaire](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseSurvey(body));
                return Command([questionnaire, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return CreateSurvey(tx, questionnaire, r, who);
                });
              }, 201),
              64 * 1024, "Create a survey with invitation codes for each school (shown this once, for the schools to hand out)"});
  router.Add({"GET", "/api/v1/duty/surveys/{id}", kSupervisor | kLeader,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.survey_not_found", "评议问卷"));
                return SurveyResults(db, id, *req.principal);
              }),
              0, "A survey's results: the rate overall, by question, district and school, each with its sample size and margin of error"});
  router.Add({"POST", "/api/v1/public/surveys/open", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 40).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("duty.code"));
                return OpenSurvey(db, code, app.clock->Now());
              }),
              1024, "The questionnaire an invitation code opens, while the survey is open and the code unused", RateClass::kLookup});
  router.Add({"POST", "/api/v1/public/surveys/answer", kPublic,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 40).value_or("");
                std::string comment = in.Str("comment", false, 1000).value_or("");
                std::vector<std::string> answers;
                const json::value* v = in.Raw("answers");
                if (!v || !v->is_array() || v->as_array().size() > 50) in.Fail("answers", "应为各题所选满意程度的数组");
                else
                  for (const auto& a : v->as_array()) answers.push_back(a.is_string() ? std::string(a.as_string()) : "");
                QF_RETURN_IF_ERROR(in.Finish("duty.survey_answer"));
                return Command([code, answers, comment](Tx& tx) -> absl::StatusOr<json::value> {
                  return Answer(tx, code, answers, comment);
                });
              }),
              8 * 1024, "Answer the questionnaire, once per invitation code; nothing identifies the respondent but the school", RateClass::kSubmit});

  // The self-evaluation index: the public's rating with the complaint measures, per district bureau or school.
  auto index_scheme = IndexScheme::Load(app.data_dir + "/duty/self_index.toml");
  if (!index_scheme.ok()) {
    spdlog::error("duty: {}", std::string(index_scheme.status().message()));
    return;
  }
  router.Add({"GET", "/api/v1/duty/self-index", kSupervisor | kLeader,
              ReadRoute(app, [&app, scheme = *index_scheme](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return SelfIndex(db, scheme, year, req.Query("kind").value_or("district_bureau"), *req.principal,
                                 app.clock->Now());
              }),
              0, "The year's self-evaluation index per district bureau or school, lowest first, with its formula and every component's computation"});

  // The year-end evaluation and accountability decisions.
  std::string scheme_text;
  if (auto scheme = EvalScheme::Load(app.data_dir + "/duty/evaluation.toml", &scheme_text); !scheme.ok()) {
    spdlog::error("duty: {}", std::string(scheme.status().message()));
    return;
  }
  auto evaluation_id = [](const Request& req) { return PathId(req, 0, "duty.evaluation_not_found", "考核"); };
  router.Add({"GET", "/api/v1/duty/evaluations", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return EvaluationView(db, year, *req.principal);
              }),
              0, "The year's evaluation: each unit's total and band (or its score so far), counts by band"});
  router.Add({"POST", "/api/v1/duty/evaluations", kSupervisor,
              WriteRoute(app, [&app, scheme_text](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseEvaluation(body));
                return Command([env = Env(app), scheme_text, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return CreateEvaluation(tx, env, scheme_text, r, who);
                });
              }, 201),
              1024, "Open the year's evaluation of every unit of the given kinds; the computed items computed from the records"});
  router.Add({"GET", "/api/v1/duty/my-evaluation", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return OwnSheet(db, year, *req.principal);
              }),
              0, "The caller's own unit's sheet of the year's evaluation, once it is fixed (null before)"});
  router.Add({"GET", "/api/v1/duty/evaluations/{id}/units/{unit}", kReaders,
              ReadRoute(app, [evaluation_id](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, evaluation_id(req));
                QF_ASSIGN_OR_RETURN(int64_t unit, PathId(req, 1, "duty.evaluation_not_found", "考核"));
                return UnitSheet(db, id, unit, *req.principal);
              }),
              0, "One unit's sheet: every item with its score, the computation and records behind it or the office's note"});
  router.Add({"PUT", "/api/v1/duty/evaluations/{id}/units/{unit}/items/{item}", kSupervisor,
              WriteRoute(app, [evaluation_id](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, evaluation_id(req));
                QF_ASSIGN_OR_RETURN(int64_t unit, PathId(req, 1, "duty.unit_not_found", "单位"));
                std::string item = req.params.size() > 2 ? req.params[2] : "";
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto s, ParseItemScore(body));
                return Command([id, unit, item, s, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return ScoreItem(tx, id, unit, item, s, who);
                });
              }),
              8 * 1024, "The office scores an item it scores by hand, with a note and links to the records behind it"});
  router.Add({"POST", "/api/v1/duty/evaluations/{id}/recompute", kSupervisor,
              WriteRoute(app, [&app, evaluation_id](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, evaluation_id(req));
                return Command([env = Env(app), id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Recompute(tx, env, id, who);
                });
              }),
              1024, "Compute the computed items again from the records as they are now (a draft evaluation)"});
  router.Add({"POST", "/api/v1/duty/evaluations/{id}/finalise", kSupervisor,
              WriteRoute(app, [&app, evaluation_id](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, evaluation_id(req));
                return Command([env = Env(app), id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Finalise(tx, env, id, who);
                });
              }),
              1024, "Fix every unit's total and band (refused while an item is unscored); the sheets' hash in the ledger"});
  router.Add({"GET", "/api/v1/duty/decisions", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int year, YearOf(req, app));
                return Decisions(db, year, *req.principal);
              }),
              0, "The year's accountability decisions the caller may read, and counts by kind"});
  router.Add({"GET", "/api/v1/duty/decisions/{id}", kSupervisor | kLeader,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.decision_not_found", "问责决定"));
                return DecisionView(db, id, *req.principal);
              }),
              0, "One decision as a chain: the clause it enforces, the facts it rests on, the decision"});
  router.Add({"POST", "/api/v1/duty/decisions", kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseDecision(body));
                return Command([env = Env(app), r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RecordDecision(tx, env, r, who);
                });
              }, 201),
              16 * 1024, "Record an accountability decision with the clause it enforces and the facts it rests on"});

  // Rules tests: the bank and the tests for the office (leaders read the results); the taker's side by code.
  router.Add({"GET", "/api/v1/duty/questions", kSupervisor,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return Questions(db); }),
              0, "The question bank, each question with its answer and the rule it tests"});
  router.Add({"POST", "/api/v1/duty/questions/import", kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                QF_ASSIGN_OR_RETURN(auto questions, ReadQuestionTable(app.imports->Of(kQuestionImport), table));
                return Command([q = std::move(questions)](Tx& tx) -> absl::StatusOr<json::value> { return ImportQuestions(tx, q); });
              }, 201),
              kMaxImportBytes, "Import questions from the office's sheet (题型, 题干, 选项A…F, 答案, 依据): every bad cell named, nothing kept on an error"});
  router.Add({"PUT", "/api/v1/duty/questions/{id}", kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.question_not_found", "题目"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto q, ParseQuestion(body));
                return Command([id, q](Tx& tx) -> absl::StatusOr<json::value> { return SaveQuestion(tx, id, q); });
              }),
              8 * 1024, "Edit or retire a question (tests already created keep the bank they froze)"});
  router.Add({"GET", "/api/v1/duty/exams", kSupervisor | kLeader,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return Exams(db); }),
              0, "The tests, newest first, with how many were enrolled and tested"});
  router.Add({"POST", "/api/v1/duty/exams", kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto r, ParseExam(body));
                return Command([r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> { return CreateExam(tx, r, who); });
              }, 201),
              2 * 1024, "Create a test: window, time limit, questions per paper, pass mark, attempts; the bank frozen with a seed"});
  router.Add({"GET", "/api/v1/duty/exams/{id}", kSupervisor | kLeader,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.exam_not_found", "测试"));
                return ExamView(db, id);
              }),
              0, "A test's results: enrolled, tested, pass rate, the score bands, the questions most missed, flagged attempts, by unit"});
  router.Add({"POST", "/api/v1/duty/exams/{id}/enrol", kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.exam_not_found", "测试"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                std::vector<int64_t> units;
                JsonInput in(body);
                const json::value* v = in.Raw("unit_ids");
                if (!v || !v->is_array() || v->as_array().empty() || v->as_array().size() > 2000) in.Fail("unit_ids", "应为 1 至 2000 个单位编号");
                else
                  for (const auto& u : v->as_array())
                    if (u.is_int64() && u.as_int64() > 0) units.push_back(u.as_int64());
                    else in.Fail("unit_ids", "应为单位编号");
                QF_RETURN_IF_ERROR(in.Finish("duty.enrol"));
                return Command([id, units, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> { return Enrol(tx, id, units, who); });
              }, 201),
              64 * 1024, "Enrol every person of the given units: each gets a personal code, shown this once"});
  router.Add({"POST", "/api/v1/public/exams/start", kPublic,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 40).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("duty.code"));
                return Command([code](Tx& tx) -> absl::StatusOr<json::value> { return StartAttempt(tx, code); });
              }),
              1024, "Start (or resume) a test with one's code: the paper drawn for this attempt and the time left", RateClass::kLookup});
  router.Add({"POST", "/api/v1/public/exams/answer", kPublic,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 40).value_or("");
                int position = static_cast<int>(in.Int("position", true, 1, 100).value_or(0));
                std::string choice = in.Str("choice", true, 12).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("duty.answer"));
                return Command([code, position, choice](Tx& tx) -> absl::StatusOr<json::value> {
                  return SaveAnswer(tx, code, position, choice);
                });
              }),
              1024, "Save one answer, stamped with the server's time; refused once the time is up"});
  router.Add({"POST", "/api/v1/public/exams/submit", kPublic,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                std::string code = in.Str("code", true, 40).value_or("");
                QF_RETURN_IF_ERROR(in.Finish("duty.code"));
                return Command([code](Tx& tx) -> absl::StatusOr<json::value> { return Submit(tx, code); });
              }),
              1024, "Hand in: scored at once, with each question's right answer and rule", RateClass::kSubmit});
}

void Register(Modules& m) {
  m.AddImportTemplate({std::string(kPlanImport), "工作要点导入模板", kSupervisor, PlanImportFields()});
  m.AddImportTemplate({std::string(kQuestionImport), "题库导入模板", kSupervisor, QuestionImportFields()});
  m.AddRoutes(RegisterRoutes);
  m.AddJob("responsibility task and letter cards", absl::Minutes(1), [](const AppContext& app) -> Command {
    return [env = Env(app)](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int t, SweepTaskCards(tx, env));
      QF_ASSIGN_OR_RETURN(int l, SweepLetterCards(tx, env));
      return json::value(t + l);
    };
  });
  m.AddVocabulary("duty", [](const AppContext&, Db&) -> absl::StatusOr<json::value> {
    json::array kinds;
    for (TalkKind k : {TalkKind::kRoutine, TalkKind::kPreAppointment, TalkKind::kReminder, TalkKind::kAdmonition})
      kinds.push_back(json::object{{"code", Code(k)}, {"label", Label(k)}, {"confidential", Confidential(k)}});
    json::array progress;
    for (Progress p : {Progress::kPending, Progress::kReported, Progress::kDoneOnTime, Progress::kDoneLate,
                       Progress::kOverdue})
      progress.push_back(json::object{{"code", Code(p)}, {"label", Label(p)}});
    json::array decisions;
    for (DecisionKind k : {DecisionKind::kCriticism, DecisionKind::kAdmonition, DecisionKind::kOrganisational,
                           DecisionKind::kDisciplinary})
      decisions.push_back(json::object{{"code", Code(k)}, {"label", Label(k)}});
    return json::object{{"talk_kinds", std::move(kinds)}, {"progress", std::move(progress)},
                        {"decision_kinds", std::move(decisions)}};
  });
}

}  // namespace qf::duty
