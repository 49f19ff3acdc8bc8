// The demo's exam supervision: the city's 2026 中考 organised by 基教处 — the marking of each subject, the score
// transcription (where the supervisors found a mark left out and had it entered on the spot) and the score checks
// watched by members of the exam-supervisor pool; six candidates' score-check requests in early July (after the
// half-year the seed's summary counts), five unchanged and one corrected by four points.
#include "cases/commands.h"
#include "common/status.h"
#include "demo/demo.h"
#include "exams/exams.h"
#include "fmt/format.h"

namespace qf::demo {
namespace json = boost::json;

absl::Status PlanExams(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who, Schedule& schedule) {
  AppContext& app = rt.app();
  QF_ASSIGN_OR_RETURN(exams::Policy loaded, exams::Policy::Load(app.data_dir));
  auto policy = std::make_shared<const exams::Policy>(std::move(loaded));
  const Principal office = who.at("handler");  // 基教处 organises the exam
  const Principal clerk = who.at("clerk");
  auto exam = std::make_shared<int64_t>(0);
  schedule.emplace(At(5, 20, 10), [&rt, &clock, office, exam]() {
    return Do(rt, clock, At(5, 20, 10), office, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto o, exams::CreateExam(tx, {2026, "2026年合肥市中考", office.unit_id}, office));
      *exam = o.at("id").as_int64();
      return o;
    });
  });
  struct S {
    int month, day;
    const char* stage;
    const char* session;
    std::vector<std::string> supervisors;
    const char* found;
    bool problem;
  };
  const std::vector<S> sessions = {
      {6, 22, "marking", "语文、数学阅卷", {"J003", "J011"}, "阅卷场所封闭管理，阅卷员手机统一保管；双评差异超过阈值的 41 份试卷均已三评", false},
      {6, 23, "marking", "英语、物理、化学阅卷", {"J018", "J027"}, "阅卷过程规范，抽查 200 份试卷评分与细则一致", false},
      {6, 28, "transcription", "成绩誊录与登分", {"J003", "J034"}, "抽查登分记录时发现一份物理试卷第 18 题分数漏登，已当场复核更正并记录", true},
      {7, 8, "score_check", "查分查卷（第一批）", {"J011", "J040"}, "6 名考生的复核均在监督下开卷核对，过程全程录像", false},
  };
  for (const S& s : sessions) {
    exams::SessionRecord r{s.stage, s.session, s.found, absl::CivilDay(2026, s.month, s.day), s.supervisors, s.problem};
    absl::Time at = At(s.month, s.day, 17);
    schedule.emplace(at, [&rt, &clock, at, office, exam, policy, r]() {
      return Do(rt, clock, at, office, [&](Tx& tx) { return exams::RecordSession(tx, *policy, *exam, r, office); });
    });
  }
  struct C {
    const char* no;
    const char* name;
    const char* subject;
    double score;
    std::optional<double> after;
  };
  const std::vector<C> checks = {{"2026340118", "陈雨桐", "数学", 92, std::nullopt}, {"2026340452", "王浩然", "物理", 58, 62},
                                 {"2026341107", "刘思远", "语文", 101, std::nullopt}, {"2026342230", "赵一诺", "英语", 109, std::nullopt},
                                 {"2026343015", "孙嘉怡", "化学", 44, std::nullopt}, {"2026343388", "周宇航", "数学", 87, std::nullopt}};
  auto ids = std::make_shared<std::vector<int64_t>>(), case_ids = std::make_shared<std::vector<int64_t>>();
  const Principal leader = who.at("leader");
  // Each request is worked as a case: accepted and sent to 基教处, checked, the answer approved and given.
  auto act = [&rt, &clock](absl::Time at, const Principal& by, std::shared_ptr<std::vector<int64_t>> case_ids, size_t i,
                           cases::Action a, json::object params) -> absl::Status {
    params["action"] = std::string(cases::ActionName(a));
    QF_ASSIGN_OR_RETURN(cases::TransitionRequest r, cases::ParseTransition(params));
    cases::CaseEnv env{rt.app().calendar, rt.app().policies, rt.app().vault};
    return Do(rt, clock, at, by, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_RETURN_IF_ERROR(cases::Transition(tx, env, case_ids->at(i), r, by).status());
      return json::object{};
    });
  };
  for (size_t i = 0; i < checks.size(); ++i) {
    const C& c = checks[i];
    exams::ScoreCheckRequest r{c.no, c.name, fmt::format("139055{:05d}", 20000 + static_cast<int>(i)), c.subject, "对公布的成绩有疑问",
                               c.score};
    absl::Time at = At(7, 6, 9) + absl::Minutes(static_cast<int>(i) * 25);
    schedule.emplace(at, [&rt, &clock, at, clerk, exam, ids, case_ids, r]() {
      cases::CaseEnv env{rt.app().calendar, rt.app().policies, rt.app().vault};
      return Do(rt, clock, at, clerk, [&](Tx& tx) -> absl::StatusOr<json::object> {
        QF_ASSIGN_OR_RETURN(auto o, exams::RequestScoreCheck(tx, env, *exam, r, clerk));
        ids->push_back(o.at("id").as_int64());
        case_ids->push_back(o.at("case_id").as_int64());
        return o;
      });
    });
    using A = cases::Action;
    absl::Time t = At(7, 6, 14) + absl::Minutes(static_cast<int>(i) * 5);
    schedule.emplace(t, [=]() { return act(t, clerk, case_ids, i, A::kAccept, {}); });
    schedule.emplace(t + absl::Minutes(2), [=]() { return act(t + absl::Minutes(2), clerk, case_ids, i, A::kDispatch, {}); });
    schedule.emplace(t + absl::Hours(1), [=]() { return act(t + absl::Hours(1), office, case_ids, i, A::kSign, {}); });
    absl::Time v = At(7, 9, 11) + absl::Minutes(static_cast<int>(i) * 5);
    const std::string findings = c.after ? "在纪检监察人员监督下开卷复核，物理第 18 题得分漏登 4 分，成绩由 58 分更正为 62 分。"
                                         : "在纪检监察人员监督下开卷复核，各题得分登录无误，合分正确。";
    schedule.emplace(v, [=]() { return act(v, office, case_ids, i, A::kVerify, {{"findings", findings}}); });
    schedule.emplace(v + absl::Minutes(10), [=]() {
      return act(v + absl::Minutes(10), office, case_ids, i, A::kPropose,
                 {{"outcome", c.after ? "support" : "explain"}, {"proposal", findings}});
    });
    schedule.emplace(v + absl::Hours(3), [=]() { return act(v + absl::Hours(3), leader, case_ids, i, A::kApproveProposal, {}); });
    schedule.emplace(v + absl::Hours(4), [=]() {
      return act(v + absl::Hours(4), office, case_ids, i, A::kReply, {{"reply", findings + "如有疑问请联系市教育局基教处。"}});
    });
    exams::ScoreCheckResult result{c.after ? "corrected" : "unchanged", c.after ? "物理第 18 题漏登 4 分，已更正" : "复核无误", c.after};
    absl::Time done = At(7, 9, 10) + absl::Minutes(static_cast<int>(i) * 10);
    schedule.emplace(done, [&rt, &clock, done, office, exam, ids, i, result]() {
      return Do(rt, clock, done, office, [&](Tx& tx) { return exams::AnswerScoreCheck(tx, *exam, ids->at(i), result, office); });
    });
  }
  return absl::OkStatus();
}

}  // namespace qf::demo
