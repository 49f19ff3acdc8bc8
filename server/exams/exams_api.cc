// HTTP handlers of exam supervision: exams, their supervised sessions, candidates' score-check requests (each a case)
// and their outcomes, and one exam with its report.
#include "absl/strings/numbers.h"
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "exams/exams.h"
#include "spdlog/spdlog.h"

namespace qf::exams {
namespace json = boost::json;

void RegisterRoutes(Router& router, AppContext& app) {
  auto loaded = Policy::Load(app.data_dir);
  if (!loaded.ok()) {
    spdlog::error("exams: {}", std::string(loaded.status().message()));
    return;
  }
  auto policy = std::make_shared<const Policy>(std::move(*loaded));
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  router.Add({"GET", "/api/v1/exams", kReaders,
              ReadRoute(app, [policy](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(json::object list, Exams(db, *req.principal));
                // ?view=first|ID: with one exam's view, so that the page shows the exam it opens on in one round trip.
                auto view = req.Query("view");
                if (!view) return list;
                int64_t id = 0;
                if (*view == "first") {
                  const auto& items = list.at("items").as_array();
                  if (items.empty()) return list;
                  id = items.front().at("id").as_int64();
                } else if (!absl::SimpleAtoi(*view, &id) || id < 1) {
                  return Invalid("exams.view", "要一并查看的考试应为 first 或考试编号", {{"view", "应为 first 或考试编号"}});
                }
                QF_ASSIGN_OR_RETURN(list["view"], ExamView(db, *policy, id, *req.principal));
                return list;
              }),
              0, "Exams the caller may see, with their sessions and score checks counted (and, asked, one exam's view)"});
  router.Add({"POST", "/api/v1/exams", kHandler | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(ExamRequest r, ParseExam(body));
                return Command([r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> { return CreateExam(tx, r, who); });
              }, 201),
              4 * 1024, "An exam of the year and the unit that organises it (and answers its score checks)"});
  router.Add({"GET", "/api/v1/exams/{id}", kReaders,
              ReadRoute(app, [policy](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "exams.not_found", "考试"));
                return ExamView(db, *policy, id, *req.principal);
              }),
              0, "One exam: its supervised sessions by stage, its score checks with their outcomes, and its report"});
  router.Add({"POST", "/api/v1/exams/{id}/sessions", kHandler | kSupervisor,
              WriteRoute(app, [policy](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "exams.not_found", "考试"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(SessionRecord s, ParseSession(body, *policy));
                return Command([policy, id, s, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RecordSession(tx, *policy, id, s, who);
                });
              }, 201),
              8 * 1024, "A supervised session of a stage (sitting, marking, transcription, score checking): who watched, what was found"});
  router.Add({"POST", "/api/v1/exams/{id}/score-checks", kClerk | kHandler | kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "exams.not_found", "考试"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(ScoreCheckRequest r, ParseScoreCheck(body));
                return Command([env = cases::CaseEnv{app.calendar, app.policies, app.vault}, id, r,
                                who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return RequestScoreCheck(tx, env, id, r, who);
                });
              }, 201),
              4 * 1024, "A candidate's score-check request (查分): registered as a case on the channel score_check, routed to the organiser"});
  router.Add({"POST", "/api/v1/exams/{id}/score-checks/{check}/result", kHandler | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "exams.not_found", "考试"));
                QF_ASSIGN_OR_RETURN(int64_t check, PathId(req, 1, "exams.check_not_found", "查分申请"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(ScoreCheckResult r, ParseResult(body));
                return Command([id, check, r, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return AnswerScoreCheck(tx, id, check, r, who);
                });
              }),
              4 * 1024, "The outcome of a score check: unchanged, or corrected with the score after (once)"});
}

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.AddVocabulary("exams", [](const AppContext& app, Db&) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(Policy p, Policy::Load(app.data_dir));
    json::array stages;
    for (const auto& s : p.stages) stages.push_back(json::object{{"code", s.code}, {"label", s.label}, {"clause", s.clause}});
    return json::object{{"stages", stages}};
  });
}

}  // namespace qf::exams
