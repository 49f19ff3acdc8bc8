// The demo's responsibility system for 2026 (the seed's section 一): the plan of 6 areas and 20 tasks imported in
// January from the office's sheet, progress reported by the lead units and accepted or sent back by the discipline
// office through June (a few late, two never reported), responsibility letters issued at the end of January to every
// division, district bureau and school and signed by most heads (瑶海区's letter waits for its head in the console),
// 18 integrity talks of the four kinds, the May rules test, and the year-end evaluation in November with one
// accountability decision.
#include <map>
#include <random>

#include "app/modules.h"
#include "auth/auth_store.h"
#include "common/table_file.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "demo/demo.h"
#include "duty/duty.h"
#include "fmt/format.h"

namespace qf::demo {
namespace {

namespace json = boost::json;

// The office's sheet: area, task, lead, cooperating, deadline, basis.
const char* kPlan[][6] = {
    {"确保政令畅通", "传达学习省市纪委全会和廉政工作会议精神", "办公室", "纪委监察室", "2026-02-28", "市纪委全会部署"},
    {"确保政令畅通", "制定教育系统反腐倡廉建设工作要点并分解任务", "纪委监察室", "办公室", "2026-01-31", "党风廉政建设责任制规定 第五条"},
    {"确保政令畅通", "每季度报告责任制落实情况", "纪委监察室", "", "每季度末", "党风廉政建设责任制规定 第十条"},
    {"落实党风廉政建设责任制", "与各处室、县区教育主管部门和市属学校签订责任书", "纪委监察室", "人事处", "2026-02-10", "党风廉政建设责任制规定 第八条"},
    {"落实党风廉政建设责任制", "开展新提任干部廉政谈话", "人事处", "纪委监察室", "2026-01-31", "党政领导干部选拔任用工作条例"},
    {"落实党风廉政建设责任制", "市属学校分片交流责任制落实情况", "纪委监察室", "基教处、职成处", "2026-02-06", ""},
    {"治理教育乱收费", "开展春季开学收费专项检查", "计财处", "纪委监察室、基教处", "2026-04-10", "义务教育法 第五十六条"},
    {"治理教育乱收费", "公示学校收费项目和投诉电话", "计财处", "基教处", "2026-03-15", "教育收费公示制度"},
    {"治理教育乱收费", "清理规范教辅资料征订", "基教处", "计财处", "2026-05-31", ""},
    {"治理教育乱收费", "瑶海区学校收费问题整改", "瑶海区教育体育局", "计财处", "2026-05-20", "整改通知"},
    {"规范招生考试", "中考体育测试全程监督", "纪委监察室", "基教处", "2026-05-15", ""},
    {"规范招生考试", "随迁子女入学政策公开和审核", "基教处", "瑶海区教育体育局", "2026-06-30", "随迁子女就学实施办法"},
    {"规范招生考试", "政策加分公示和异议处理", "基教处", "纪委监察室", "2026-06-20", ""},
    {"推进政风行风建设", "投诉举报按期办结，每季度通报", "纪委监察室", "办公室", "每季度末", "信访工作条例 第三十二条"},
    {"推进政风行风建设", "开展政风行风自评和满意度调查", "办公室", "纪委监察室", "2026-11-30", ""},
    {"推进政风行风建设", "完善首问负责制和限时办结制", "办公室", "", "2026-04-30", ""},
    {"构建惩防体系", "组织党员干部廉政知识测试和警示教育", "纪委监察室", "人事处", "2026-05-31", "廉政准则"},
    {"构建惩防体系", "推进廉政文化进校园示范点建设", "基教处", "职成处", "2026-10-31", ""},
    {"构建惩防体系", "学校资产财务管理专项审计", "计财处", "", "2026-06-15", ""},
    {"构建惩防体系", "职业学校招生和资助资金检查", "职成处", "计财处", "2026-06-10", "学生资助资金管理办法"},
};

// The year-end evaluation of the divisions and district bureaus at the end of November: opened with the computed
// items measured from the year's records, the office's own items scored (a few with deductions), fixed; then one
// accountability decision on the weakest district bureau, resting on the records behind its heaviest deduction.
absl::Status PlanEvaluation(Runtime& rt, ManualClock& clock, Schedule& schedule, const Principal& sup) {
  std::string scheme;
  QF_RETURN_IF_ERROR(duty::EvalScheme::Load(rt.app().data_dir + "/duty/evaluation.toml", &scheme).status());
  auto evaluation = std::make_shared<int64_t>(0);
  schedule.emplace(At(11, 25, 9), [&rt, &clock, sup, scheme, evaluation] {
    return Do(rt, clock, At(11, 25, 9), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto o, duty::CreateEvaluation(tx, {}, scheme, {2026, {"division", "district_bureau"}}, sup));
      *evaluation = o.at("id").as_int64();
      return o;
    });
  });
  schedule.emplace(At(11, 26, 15), [&rt, &clock, sup, evaluation] {
    return Do(rt, clock, At(11, 26, 15), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "SELECT s.unit_id, s.item, u.code FROM duty_evaluation_scores s JOIN org_units u ON u.id = s.unit_id "
          "WHERE s.evaluation_id = ? AND s.score IS NULL ORDER BY s.unit_id, s.item"));
      st.Bind(1, *evaluation);
      std::vector<std::tuple<int64_t, std::string, std::string>> open;
      while (true) {
        QF_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        open.emplace_back(st.Int(0), st.Text(1), st.Text(2));
      }
      json::object last;
      for (size_t i = 0; i < open.size(); ++i) {
        const auto& [unit, item, code] = open[i];
        duty::ItemScore score{item == "D2" ? 20 : 10, "", {}};
        if (i % 4 == 1) {
          score.score -= item == "D2" ? 4 : 2;
          score.note = item == "D2" ? "廉政风险点排查不全，个别审批事项防控措施未落实到岗" : "随迁子女入学政策公开晚于规定时间";
        }
        QF_ASSIGN_OR_RETURN(last, duty::ScoreItem(tx, *evaluation, unit, item, score, sup));
      }
      return last;
    });
  });
  schedule.emplace(At(11, 27, 16), [&rt, &clock, sup, evaluation] {
    return Do(rt, clock, At(11, 27, 16), sup, [&](Tx& tx) { return duty::Finalise(tx, {}, *evaluation, sup); });
  });
  schedule.emplace(At(11, 30, 10), [&rt, &clock, sup, evaluation] {
    return Do(rt, clock, At(11, 30, 10), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "SELECT eu.unit_id, p.id, p.name, p.position FROM duty_evaluation_units eu JOIN org_people p "
          "ON p.unit_id = eu.unit_id AND p.leader = 1 WHERE eu.evaluation_id = ? AND eu.kind = 'district_bureau' "
          "ORDER BY eu.total, eu.unit_id, p.id LIMIT 1"));
      st.Bind(1, *evaluation);
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return absl::InternalError("demo: no district bureau to hold accountable");
      duty::DecisionRequest d;
      d.year = 2026, d.kind = duty::DecisionKind::kCriticism, d.unit_id = st.Int(0), d.person_id = st.Int(1);
      d.person_name = st.Text(2), d.person_post = st.Text(3);
      QF_ASSIGN_OR_RETURN(auto sheet, duty::UnitSheet(tx.db(), *evaluation, d.unit_id, sup));
      // The computed item that lost the most points, and the records behind it.
      int64_t worst = -1;
      for (const auto& iv : sheet.at("items").as_array()) {
        const auto& item = iv.as_object();
        int64_t lost = item.at("points").as_int64() - item.at("score").as_int64();
        if (!item.at("computed").as_bool() || lost <= worst || item.at("refs").as_array().empty()) continue;
        worst = lost;
        d.letter_item = item.contains("letter_item") ? static_cast<int>(item.at("letter_item").at("seq").as_int64()) : 0;
        d.facts = {{"evaluation", std::to_string(*evaluation)}};
        for (const auto& r : item.at("refs").as_array())
          if (std::string kind(r.at("kind").as_string()); d.facts.size() < 4 &&
              (kind == "case" || kind == "rectification" || kind == "veto"))
            d.facts.push_back({kind, std::string(r.at("ref").as_string())});
      }
      if (d.letter_item == 0) d.rule = "《关于实行党风廉政建设责任制的规定》第二十四条";
      d.decided_on = absl::CivilDay(2026, 11, 30);
      d.decided_by = "市教育局党委";
      d.text = fmt::format("{}年度党风廉政建设责任制考核中，{}责任书约定事项落实不到位，考核得分 {} 分，"
                           "对其主要负责人予以通报批评，限一个月内整改并书面报告。",
                           2026, std::string(sheet.at("unit").as_string()), sheet.at("total").as_int64());
      return duty::RecordDecision(tx, {rt.app().calendar, rt.app().policies, rt.app().vault}, d, sup);
    });
  });
  return absl::OkStatus();
}

}  // namespace

absl::Status PlanDuty(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who, Schedule& schedule,
                      uint32_t seed, const std::string& password_hash) {
  AppContext& app = rt.app();
  duty::DutyEnv env{app.calendar, app.policies, app.vault};
  auto templates = duty::LetterTemplates::Load(app.data_dir + "/duty/letters.toml");
  if (!templates.ok()) return templates.status();
  auto shared = std::make_shared<const duty::LetterTemplates>(std::move(*templates));
  const Principal sup = who.at("supervisor");
  // Who reports for a lead unit: its own staff's account where the demo has one, else the office on its behalf.
  std::map<int64_t, Principal> staff_of;
  for (const char* user : {"handler", "handler_fin", "handler_yh", "clerk"}) staff_of[who.at(user).unit_id] = who.at(user);
  auto rng = std::make_shared<std::mt19937>(seed + 17);

  schedule.emplace(At(1, 12, 9), [&rt, &clock, sup, env, &plan_columns = app.imports->Of(duty::kPlanImport)] {
    Table t;
    t.header = {"领域", "任务", "牵头单位", "配合单位", "完成时限", "依据"};
    for (size_t i = 0; i < std::size(kPlan); ++i) {
      t.rows.push_back(std::vector<std::string>(std::begin(kPlan[i]), std::end(kPlan[i])));
      t.row_numbers.push_back(static_cast<int>(i) + 2);
    }
    return Do(rt, clock, At(1, 12, 9), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto plan, duty::ReadPlanTable(tx.db(), 2026, "2026年教育系统党风廉政建设和反腐败工作要点",
                                                                plan_columns, t));
      return duty::CreatePlan(tx, env, plan);
    });
  });

  // The heads of divisions, district bureaus and schools get their console accounts (a school's head is its handler).
  schedule.emplace(At(1, 20, 9), [&rt, &clock, password_hash] {
    return Do(rt, clock, At(1, 20, 9), Principal{}, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "SELECT p.id, p.unit_id, u.code, u.name FROM org_people p JOIN org_units u ON u.id = p.unit_id "
          "WHERE p.leader = 1 AND u.kind IN ('division', 'district_bureau', 'school') "
          "AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id) ORDER BY p.id"));
      std::vector<auth::NewAccount> heads;
      while (true) {
        QF_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        std::string code = st.Text(2);
        for (char& c : code) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        heads.push_back({"head_" + code, st.Text(3) + " 负责人", st.Int(0), st.Int(1), password_hash, kHandler,
                         DemoAccounts::kTotpSecret});
      }
      for (const auto& h : heads) QF_RETURN_IF_ERROR(auth::CreateAccount(tx, h).status());
      if (rt.app().vault) QF_RETURN_IF_ERROR(auth::SealTotpSecrets(tx, *rt.app().vault).status());
      return json::object{{"accounts", static_cast<int64_t>(heads.size())}};
    });
  });

  schedule.emplace(At(1, 26, 9), [&rt, &clock, sup, env, shared] {
    return Do(rt, clock, At(1, 26, 9), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      return duty::IssueLetters(tx, env, *shared, 2026);
    });
  });
  // Signatures from the exchange meetings (29 January to 2 February) into the next week: most heads sign, a few
  // schools have not; 瑶海区教体局's head signs in the console (the journey).
  for (int day = 0; day < 6; ++day) {
    absl::CivilDay d = absl::CivilDay(2026, 1, 29) + day * 2;
    absl::Time t = absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 16, 0, 0), Cst());
    schedule.emplace(t, [&rt, &clock, t, day, rng] {
      return Do(rt, clock, t, Principal{}, [&](Tx& tx) -> absl::StatusOr<json::object> {
        QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
            "SELECT l.id, l.content_sha256, a.id, a.person_id, a.unit_id, u.code FROM duty_letters l "
            "JOIN org_units u ON u.id = l.unit_id JOIN org_people p ON p.unit_id = l.unit_id AND p.leader = 1 "
            "JOIN accounts a ON a.person_id = p.id WHERE l.year = 2026 AND l.signed_at IS NULL AND l.id % 6 = ? "
            "ORDER BY l.id"));
        st.Bind(1, int64_t{day});
        struct ToSign {
          int64_t letter;
          std::string hash;
          Principal head;
        };
        std::vector<ToSign> rows;
        while (true) {
          QF_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          if (st.Text(5) == "QX-YH" || (*rng)() % 12 == 0) continue;
          Principal p;
          p.account_id = st.Int(2), p.person_id = st.Int(3), p.unit_id = st.Int(4), p.roles = kHandler;
          rows.push_back({st.Int(0), st.Text(1), p});
        }
        for (const auto& r : rows) QF_RETURN_IF_ERROR(duty::Sign(tx, r.letter, r.hash, r.head).status());
        return json::object{{"signed", static_cast<int64_t>(rows.size())}};
      });
    });
  }

  // Eighteen talks: twelve pre-appointment talks with newly appointed cadres in January, routine talks with three
  // district bureau heads in spring, two reminders and one admonition after complaints.
  struct TalkPlan {
    absl::Time at;
    const char* kind;
    const char* unit_kind;
    int index;
    const char* points;
  };
  std::vector<TalkPlan> talks;
  for (int i = 0; i < 12; ++i)
    talks.push_back({At(1, 15, 9, i), "pre_appointment", "school", i * 7 + 3,
                     "坚持党的基本路线，廉洁从政、勤政务实；严格执行收费政策，规范学校财务管理。"});
  for (int i = 0; i < 3; ++i)
    talks.push_back({At(3 + i, 10, 10), "routine", "district_bureau", i,
                     "落实党风廉政建设主体责任，督促辖区学校规范收费，按期办结投诉举报。"});
  talks.push_back({At(4, 16, 15), "reminder", "school", 21, "群众反映学校违规收取资料费，要求立即自查自纠，清退费用。"});
  talks.push_back({At(5, 8, 15), "reminder", "school", 40, "有偿补课问题苗头，要求加强教师管理，签订不违规补课承诺。"});
  talks.push_back({At(5, 27, 15), "admonition", "school", 55, "经核查违规收费属实且整改不力，予以诫勉，限期整改到位。"});
  for (const TalkPlan& tp : talks) {
    schedule.emplace(tp.at, [&rt, &clock, sup, tp, env] {
      return Do(rt, clock, tp.at, sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
        QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
            "SELECT p.id, p.name, p.position, p.unit_id FROM org_people p JOIN org_units u ON u.id = p.unit_id "
            "WHERE p.leader = 1 AND u.kind = ? ORDER BY p.id LIMIT 1 OFFSET ?"));
        st.Bind(1, tp.unit_kind).Bind(2, int64_t{tp.index});
        QF_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) return absl::InternalError("demo: no person for a talk");
        absl::CivilDay held = CstDay(tp.at);
        json::object body{{"kind", tp.kind}, {"held_on", FormatDay(held)}, {"unit_id", st.Int(3)},
                          {"person_id", st.Int(0)}, {"person_name", st.Text(1)}, {"person_post", st.Text(2)},
                          {"talker", std::string(tp.kind) == "pre_appointment" ? "局党委书记、局纪委书记" : "局纪委书记"},
                          {"points", tp.points}, {"commitments", "按要求落实，限期报告整改和落实情况。"},
                          {"follow_up_on", FormatDay(held + 90)}};
        QF_ASSIGN_OR_RETURN(auto r, duty::ParseTalk(body));
        return duty::RecordTalk(tx, env, r, sup);
      });
    });
  }

  // Progress: each deadline due by the end of June is reported by its lead unit a few days before it (two late, two
  // never), one report is sent back once for want of evidence, and the office accepts within three working days.
  for (size_t i = 0; i < std::size(kPlan); ++i) {
    bool quarterly = std::string(kPlan[i][4]) == "每季度末";
    std::vector<std::pair<std::string, absl::CivilDay>> dues;
    if (quarterly) dues = {{"Q1", absl::CivilDay(2026, 3, 31)}, {"Q2", absl::CivilDay(2026, 6, 30)}};
    else dues = {{"", *ParseDay(kPlan[i][4])}};
    for (const auto& [period, due] : dues) {
      if (due > absl::CivilDay(2026, 6, 30)) continue;
      if (i == 9 || i == 18) continue;  // 瑶海区's rectification and the audit: never reported (overdue, carded)
      int before = (i == 7 || i == 12) ? -6 : static_cast<int>(1 + (*rng)() % 5);  // two reported late
      absl::CivilDay on = due - before;
      absl::Time t = absl::FromCivil(absl::CivilSecond(on.year(), on.month(), on.day(), 11, 0, 0), Cst());
      int task_seq = static_cast<int>(i);
      std::string p = period;
      bool sent_back = i == 8;
      schedule.emplace(t, [&rt, &clock, &schedule, staff_of, sup, t, task_seq, p, sent_back] {
        // The task and its lead unit, by its place in the plan.
        int64_t task = 0, lead = 0, campaign = 0;
        QF_RETURN_IF_ERROR(Do(rt, clock, t, Principal{}, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
              "SELECT t.id, t.lead_unit_id, (SELECT COALESCE(MIN(id), 0) FROM campaigns) FROM duty_tasks t "
              "JOIN duty_areas a ON a.id = t.area_id JOIN duty_plans pl ON pl.id = a.plan_id WHERE pl.year = 2026 "
              "ORDER BY a.seq, t.seq LIMIT 1 OFFSET ?"));
          st.Bind(1, int64_t{task_seq});
          QF_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) return absl::InternalError("demo: no task");
          task = st.Int(0), lead = st.Int(1), campaign = st.Int(2);
          return json::object();
        }));
        Principal reporter = staff_of.count(lead) ? staff_of.at(lead) : sup;
        json::array links;
        if (task_seq == 6 && campaign) links.push_back(json::object{{"kind", "campaign"}, {"ref", std::to_string(campaign)}});
        auto report = duty::ParseReport({{"period", p}, {"text", "已按要求完成，工作情况和佐证材料见附件及链接。"}, {"links", links}});
        if (!report.ok()) return report.status();
        auto send = [&rt, &clock, task, r = *report, reporter](absl::Time at) {
          return Do(rt, clock, at, reporter, [&](Tx& tx) { return duty::Report(tx, task, r, reporter); });
        };
        QF_RETURN_IF_ERROR(send(t));
        auto accept = [&rt, &clock, task, p, sup](absl::Time at) {
          return Do(rt, clock, at, sup, [&](Tx& tx) { return duty::Decide(tx, task, p, true, "", sup); });
        };
        absl::Time d1 = t + absl::Hours(26);
        if (!sent_back) {
          schedule.emplace(d1, [accept, d1] { return accept(d1); });
          return absl::OkStatus();
        }
        schedule.emplace(d1, [&rt, &clock, &schedule, task, p, sup, d1, send, accept] {
          QF_RETURN_IF_ERROR(Do(rt, clock, d1, sup, [&](Tx& tx) {
            return duty::Decide(tx, task, p, false, "佐证材料不全，请补充征订目录和家长自愿确认情况。", sup);
          }));
          absl::Time again = d1 + absl::Hours(20), done = d1 + absl::Hours(44);
          schedule.emplace(again, [send, again] { return send(again); });
          schedule.emplace(done, [accept, done] { return accept(done); });
          return absl::OkStatus();
        });
        return absl::OkStatus();
      });
    }
  }
  // The rules test of May (the seed: 300+ cadres of the bureau and its schools tested): the office imports its
  // 50-question bank, creates a 20-minute test of 10 questions, enrols the divisions, the district bureaus, the
  // city-run schools and the schools of 瑶海区 and 庐阳区; most take it on their phones over the fortnight, each answer
  // saved as they go. One rushes through and is flagged for review.
  QF_ASSIGN_OR_RETURN(std::string sheet, ReadWholeFile(app.data_dir + "/duty/demo-questions.csv"));
  QF_ASSIGN_OR_RETURN(Table bank_table, ReadTable(sheet));
  QF_ASSIGN_OR_RETURN(auto bank, duty::ReadQuestionTable(app.imports->Of(duty::kQuestionImport), bank_table));
  auto answers = std::make_shared<std::map<std::string, std::string>>();
  for (const auto& q : bank) (*answers)[q.stem] = q.answer;
  schedule.emplace(At(4, 28, 10), [&rt, &clock, sup, bank] {
    return Do(rt, clock, At(4, 28, 10), sup, [&](Tx& tx) { return duty::ImportQuestions(tx, bank); });
  });
  schedule.emplace(At(5, 5, 9), [&rt, &clock, &schedule, sup, rng, answers] {
    int64_t exam = 0;
    std::vector<std::string> codes;
    QF_RETURN_IF_ERROR(Do(rt, clock, At(5, 5, 9), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      duty::ExamRequest r{"2026年学习《廉政准则》知识测试", At(5, 6, 8), At(5, 20, 18), 20, 10, 60, 1};
      QF_ASSIGN_OR_RETURN(auto created, duty::CreateExam(tx, r, sup));
      exam = created.at("id").as_int64();
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "SELECT id FROM org_units WHERE kind IN ('division', 'district_bureau') OR code LIKE 'SZ%' "
          "OR (kind = 'school' AND district IN ('瑶海区', '庐阳区')) ORDER BY id"));
      QF_ASSIGN_OR_RETURN(auto units, st.Ints());
      QF_ASSIGN_OR_RETURN(auto enrolled, duty::Enrol(tx, exam, units, sup));
      for (const auto& c : enrolled.at("codes").as_array()) codes.emplace_back(c.at("code").as_string());
      return enrolled;
    }));
    // Sessions: start, one answer every 20–70 s, hand in. About one in twenty never takes it.
    for (size_t k = 0; k < codes.size(); ++k) {
      if ((*rng)() % 20 == 0) continue;
      absl::CivilDay day = absl::CivilDay(2026, 5, 6) + static_cast<int>((*rng)() % 14);
      absl::Time t = absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 8 + (*rng)() % 10, (*rng)() % 60, 0), Cst());
      double skill = 0.55 + ((*rng)() % 44) / 100.0;
      bool rush = k == 7;
      auto rng_here = rng;
      schedule.emplace(t, [&rt, &clock, &schedule, t, code = codes[k], skill, rush, answers, rng_here] {
        json::value paper;
        QF_RETURN_IF_ERROR(Do(rt, clock, t, Principal{}, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(auto p, duty::StartAttempt(tx, code));
          paper = p;
          return p;
        }));
        absl::Time at = t;
        for (const auto& qv : paper.at("questions").as_array()) {
          const json::object& q = qv.as_object();
          std::string right = answers->count(std::string(q.at("stem").as_string())) ? answers->at(std::string(q.at("stem").as_string())) : "A";
          std::string choice = right;
          bool wrong = ((*rng_here)() % 100) >= static_cast<unsigned>(skill * 100);
          if (wrong) {
            if (q.at("kind").as_string() == "judge") choice = right == "T" ? "F" : "T";
            else choice = right == "A" ? "B" : "A";
          }
          at += rush ? absl::Seconds(1) : absl::Seconds(20 + (*rng_here)() % 50);
          int64_t position = q.at("position").as_int64();
          schedule.emplace(at, [&rt, &clock, at, code, position, choice] {
            return Do(rt, clock, at, Principal{}, [&](Tx& tx) { return duty::SaveAnswer(tx, code, static_cast<int>(position), choice); });
          });
        }
        absl::Time done = at + absl::Seconds(rush ? 2 : 30);
        schedule.emplace(done, [&rt, &clock, done, code] {
          return Do(rt, clock, done, Principal{}, [&](Tx& tx) { return duty::Submit(tx, code); });
        });
        return absl::OkStatus();
      });
    }
    (void)exam;
    return absl::OkStatus();
  });
  // The warning-education session of June: the divisions and district bureaus invited; most of their people sign
  // in at the door with the code on the screen in the half hour before it starts.
  schedule.emplace(At(6, 5, 9), [&rt, &clock, &schedule, sup, rng] {
    absl::Time start = At(6, 12, 14, 30);
    std::vector<std::pair<int64_t, std::pair<int64_t, std::string>>> people;  // unit, (person, name)
    int64_t session = 0;
    std::string secret;
    QF_RETURN_IF_ERROR(Do(rt, clock, At(6, 5, 9), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT id FROM org_units WHERE kind IN ('division', 'district_bureau') ORDER BY id"));
      QF_ASSIGN_OR_RETURN(auto units, st.Ints());
      duty::SessionRequest r{"全市教育系统警示教育大会", "市教育局五楼报告厅", start, 120, units};
      QF_ASSIGN_OR_RETURN(auto made, duty::CreateSession(tx, r, sup));
      session = made.at("id").as_int64();
      QF_ASSIGN_OR_RETURN(auto sec, tx.db().Prepare("SELECT secret FROM duty_sessions WHERE id = ?"));
      sec.Bind(1, session);
      QF_ASSIGN_OR_RETURN(bool row, sec.Step());
      if (row) secret = sec.Text(0);
      QF_ASSIGN_OR_RETURN(auto ps, tx.db().Prepare(
          "SELECT p.unit_id, p.id, p.name FROM org_people p JOIN duty_session_units su ON su.unit_id = p.unit_id "
          "WHERE su.session_id = ? AND NOT EXISTS (SELECT 1 FROM org_people q WHERE q.unit_id = p.unit_id "
          "AND q.name = p.name AND q.id <> p.id) ORDER BY p.id"));
      ps.Bind(1, session);
      while (true) {
        QF_ASSIGN_OR_RETURN(bool more, ps.Step());
        if (!more) break;
        people.push_back({ps.Int(0), {ps.Int(1), ps.Text(2)}});
      }
      return made;
    }));
    for (const auto& [unit, person] : people) {
      if ((*rng)() % 10 == 0) continue;  // away that day
      absl::Time at = start - absl::Minutes(28) + absl::Seconds(static_cast<int64_t>((*rng)() % 2400));
      schedule.emplace(at, [&rt, &clock, at, session, secret, unit = unit, name = person.second] {
        return Do(rt, clock, at, Principal{}, [&](Tx& tx) {
          return duty::SignIn(tx, session, {duty::SessionCode(secret, at), name, unit});
        });
      });
    }
    return absl::OkStatus();
  });
  // The public's rating in June: 10 invitation codes for each school of 瑶海区 and 庐阳区, handed to parents; about
  // seven in ten answer on their phones, most satisfied, some schools less so.
  schedule.emplace(At(6, 1, 9), [&rt, &clock, &schedule, sup, rng] {
    std::string questionnaire;
    QF_RETURN_IF_ERROR(duty::Questionnaire::Load(rt.app().data_dir + "/duty/survey.toml", &questionnaire).status());
    std::vector<std::pair<std::string, std::string>> codes;  // school, code
    QF_RETURN_IF_ERROR(Do(rt, clock, At(6, 1, 9), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
          "SELECT id FROM org_units WHERE kind = 'district_bureau' AND district IN ('瑶海区', '庐阳区') ORDER BY id"));
      QF_ASSIGN_OR_RETURN(auto bureaus, st.Ints());
      duty::SurveyRequest r{"2026年上半年教育系统政风行风评议", At(6, 2, 8), At(6, 20, 18), 10, bureaus};
      QF_ASSIGN_OR_RETURN(auto made, duty::CreateSurvey(tx, questionnaire, r, sup));
      for (const auto& c : made.at("codes").as_array())
        codes.emplace_back(std::string(c.at("school").as_string()), std::string(c.at("code").as_string()));
      return json::object{{"id", made.at("id")}};
    }));
    static const char* kLevels[] = {"very", "fair", "basic", "no"};
    std::map<std::string, int> mood;  // per school: how often a parent is not satisfied (in 100)
    for (const auto& [school, code] : codes) {
      if (!mood.count(school)) mood[school] = static_cast<int>((*rng)() % 100) < 15 ? 35 : 6;
      if ((*rng)() % 10 >= 7) continue;
      absl::Time at = At(6, 2, 9) + absl::Minutes(static_cast<int64_t>((*rng)() % (17 * 24 * 60)));
      std::vector<std::string> answers;
      for (int i = 0; i < 6; ++i)
        answers.emplace_back(static_cast<int>((*rng)() % 100) < mood[school] ? "no" : kLevels[(*rng)() % 3]);
      // One parent in eight writes a line too.
      static const char* kSaid[] = {"希望学校收费项目在家长群里提前公示。", "老师很负责，孩子进步很大。",
                                    "课后服务的费用希望再说明清楚一些。", "希望减少推荐购买的教辅资料。",
                                    "反映的问题学校很快就回复了，满意。"};
      std::string comment = (*rng)() % 8 == 0 ? kSaid[(*rng)() % 5] : "";
      schedule.emplace(at, [&rt, &clock, at, code = code, answers, comment] {
        return Do(rt, clock, at, Principal{}, [&](Tx& tx) { return duty::Answer(tx, code, answers, comment); });
      });
    }
    return absl::OkStatus();
  });
  return PlanEvaluation(rt, clock, schedule, sup);
}

}  // namespace qf::demo
