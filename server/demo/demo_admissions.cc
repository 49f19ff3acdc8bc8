// The demo's admission checks for autumn 2026: the rosters of the city's high schools and of most urban junior-high
// schools uploaded from 21 to 29 September (a few schools late and listed as missing), with a realistic handful of
// violations — a 借读 student in a high school, one pupil on the rosters of two schools, a pupil attending one school
// with his 学籍 at another, a class of 58, two 择校 students with their fees, a notice asking for a forbidden
// certificate — the office's orders and its referral of the fees and one roster corrected in October, and in
// November one order rectified. In July one oversubscribed junior-high school's lottery (招生监督), whose roster then
// admits one applicant the lottery left waiting.
#include <random>

#include "admissions/admissions.h"
#include "common/mask.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "demo/demo.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "org/org.h"

namespace qf::demo {
namespace {

namespace json = boost::json;

constexpr const char* kPupilSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"};
constexpr const char* kPupilGiven[] = {"子涵", "欣怡", "浩然", "梓轩", "雨桐", "宇航", "诗琪", "俊杰", "思远", "一诺", "嘉怡", "明轩",
                                  "佳琪", "天佑", "若曦", "博文", "可馨", "皓轩", "紫涵", "睿",   "晨",   "悦"};

// The ID number of the `serial`th child (different children never share one), born in `year`, with a valid check
// character.
std::string IdNumber(std::mt19937& rng, int year, int serial) {
  static const char* kAreas[] = {"340102", "340103", "340104", "340111", "340121", "340122"};
  int day = serial / 1000;
  std::string s = fmt::format("{}{:04d}{:02d}{:02d}{:03d}", kAreas[rng() % 6], year, 1 + day % 12, 1 + day / 12 % 28,
                              serial % 1000);
  return s + IdCheckCharacter(s);
}

struct Row {
  std::string name, id, grade, klass, route, fee_item, fee_amount, account, registered, registered_grade;
};

Table Sheet(const std::vector<Row>& rows) {
  Table t;
  t.header = {"姓名", "身份证号", "年级", "班级", "录取方式", "收费项目", "收费金额", "收款账户", "学籍学校", "学籍年级"};
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    t.rows.push_back({r.name, r.id, r.grade, r.klass, r.route, r.fee_item, r.fee_amount, r.account, r.registered,
                      r.registered_grade});
    t.row_numbers.push_back(static_cast<int>(i) + 2);
  }
  return t;
}

}  // namespace

absl::Status PlanAdmissions(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                            Schedule& schedule, uint32_t seed) {
  AppContext& app = rt.app();
  QF_ASSIGN_OR_RETURN(admissions::Rules loaded, admissions::Rules::Load(app.data_dir));
  auto rules = std::make_shared<const admissions::Rules>(std::move(loaded));
  admissions::AdmissionsEnv env{app.calendar, app.vault, cases::CaseEnv{app.calendar, app.policies, app.vault},
                                &app.imports->Of(admissions::kRosterImport), &app.imports->Of(admissions::kLotteryImport)};
  const Principal sup = who.at("supervisor");
  const Principal yh = who.at("principal_yh001");
  const Principal district_yh = who.at("handler_yh");
  QF_ASSIGN_OR_RETURN(Db * db, app.readers->Get());
  QF_ASSIGN_OR_RETURN(auto units, org::ListUnits(*db, {.kind = "school", .limit = 5000}));
  std::vector<org::Unit> high, junior;
  for (auto& u : units) {
    if (u.stage == "高中" || u.stage == "完全中学") high.push_back(u);
    else if (u.stage == "初中" && u.region_type == "urban") junior.push_back(u);
  }
  if (high.size() < 3 || junior.size() < 12) return absl::InternalError("演示城市缺少高中或城区初中");
  junior.resize(junior.size() - 6);  // six junior-high schools have not sent theirs by the end of September

  std::mt19937 rng(seed ^ 0xad1155u);
  int serial = 0;
  auto pupil = [&](int born, const std::string& grade, const std::string& klass, const std::string& route) {
    return Row{std::string(kPupilSurnames[rng() % std::size(kPupilSurnames)]) + kPupilGiven[rng() % std::size(kPupilGiven)],
               IdNumber(rng, born, ++serial), grade, klass, route, "", "", "", "", ""};
  };
  struct Upload {
    org::Unit school;
    std::vector<Row> rows;
    int plan = 0;
    std::vector<std::string> materials{"户口簿", "房产证或租赁合同"};
  };
  std::vector<Upload> uploads;
  for (size_t i = 0; i < high.size() + junior.size(); ++i) {
    bool is_high = i < high.size();
    Upload u{is_high ? high[i] : junior[i - high.size()]};
    int classes = 3 + static_cast<int>(rng() % 2);
    for (int c = 1; c <= classes; ++c) {
      int size = 44 + static_cast<int>(rng() % 8);
      for (int k = 0; k < size; ++k)
        u.rows.push_back(pupil(is_high ? 2010 : 2013, is_high ? "高一" : "七年级", fmt::format("{}班", c),
                               is_high ? (k % 5 == 0 ? "指标到校" : "统招") : (k % 7 == 0 ? "随迁子女" : "划片入学")));
    }
    u.plan = static_cast<int>(u.rows.size()) + static_cast<int>(rng() % 10);
    uploads.push_back(std::move(u));
  }
  // The violations. A 借读 student in the first high school (his 学籍 kept at home, as the rule for 借读 asks, but a
  // high school may take none).
  Row transient = pupil(2010, "高一", "2班", "借读");
  transient.registered = junior[0].name;
  transient.registered_grade = "高一";
  uploads[0].rows.push_back(transient);
  // Two 择校 students with their fees at the second high school.
  for (int k = 0; k < 2; ++k) {
    Row r = pupil(2010, "高一", "1班", "择校生");
    r.fee_item = "择校费";
    r.fee_amount = k ? "8000" : "10000";
    r.account = "学校基本户";
    uploads[1].rows.push_back(r);
  }
  // A pupil on the rosters of two junior-high schools, and one attending with his 学籍 at another.
  size_t j0 = high.size();
  uploads[j0 + 2].rows.push_back(uploads[j0 + 1].rows[5]);
  uploads[j0 + 3].rows[7].registered = junior[8].name;
  // A class of 58.
  {
    Upload& u = uploads[j0 + 4];
    int in_one = 0;
    for (auto& r : u.rows) in_one += r.klass == "1班";
    for (int k = in_one; k < 58; ++k) u.rows.push_back(pupil(2013, "七年级", "1班", "划片入学"));
    u.plan = static_cast<int>(u.rows.size());
  }
  // A notice asking for a forbidden certificate.
  uploads[j0 + 5].materials.push_back("学前教育经历证明");

  // A 瑶海区 junior-high school oversubscribed in July: 150 applicants for 60 places by lottery, requested by the
  // district bureau, drawn by the office's witness with a parent, a deputy and a notary present; an admitted family
  // moves away and the next one waiting is admitted. Its September roster lists the 60 admitted — and one applicant
  // left waiting, whom the roster check names.
  size_t lottery_at = uploads.size();
  for (size_t i = j0 + 6; i < uploads.size(); ++i)
    if (uploads[i].school.district == "瑶海区" && uploads[i].school.code != "YH001") {
      lottery_at = i;
      break;
    }
  if (lottery_at == uploads.size()) return absl::InternalError("演示城市瑶海区缺少可摇号的初中");
  constexpr int kLotteryPlan = 60;
  auto applicants = std::make_shared<std::map<std::string, Row>>();
  std::vector<std::vector<std::string>> applicant_rows;
  for (int k = 1; k <= 150; ++k) {
    Row r = pupil(2013, "七年级", "", "电脑派位");
    std::string code = fmt::format("YH2026{:04d}", k);
    applicant_rows.push_back({code, r.name, r.id});
    (*applicants)[code] = r;
  }
  auto lottery_id = std::make_shared<int64_t>(0);
  {
    Table list;
    list.header = {"报名号", "姓名", "身份证号"};
    list.rows = applicant_rows;
    for (size_t i = 0; i < list.rows.size(); ++i) list.row_numbers.push_back(static_cast<int>(i) + 2);
    admissions::LotteryRequest req{2026, 7, kLotteryPlan, uploads[lottery_at].school.id, sup.account_id,
                                   "瑶海区教体局招生考试中心"};
    schedule.emplace(At(7, 10, 9), [&rt, &clock, env, req, list, district_yh, lottery_id]() -> absl::Status {
      return Do(rt, clock, At(7, 10, 9), district_yh, [&](Tx& tx) -> absl::StatusOr<json::object> {
        QF_ASSIGN_OR_RETURN(auto o, admissions::RequestLottery(tx, env, req, list, district_yh));
        *lottery_id = o.at("id").as_int64();
        return o;
      });
    });
    admissions::LotteryDraw draw{"上证综指 2026-07-14 收盘 3472.19",
                                 {{"纪检监察", "王敏"}, {"人大代表", "钱立新"}, {"家长代表", "孙丽"}, {"公证员", "赵磊"}}};
    schedule.emplace(At(7, 15, 9, 30), [&rt, &clock, env, draw, sup, lottery_id]() -> absl::Status {
      return Do(rt, clock, At(7, 15, 9, 30), sup, [&](Tx& tx) { return admissions::DrawLottery(tx, env, *lottery_id, draw, sup); });
    });
    schedule.emplace(At(7, 28, 10), [&rt, &clock, district_yh, lottery_id]() -> absl::Status {
      QF_ASSIGN_OR_RETURN(Db * db, rt.app().readers->Get());
      QF_ASSIGN_OR_RETURN(json::object view, admissions::LotteryView(*db, *lottery_id, district_yh));
      std::string first = std::string(view.at("rows").as_array().at(3).as_object().at("code").as_string());
      return Do(rt, clock, At(7, 28, 10), district_yh, [&](Tx& tx) {
        return admissions::RecordGiveUp(tx, *lottery_id, first, "随父母工作调动迁往南京，家长书面放弃学位", district_yh);
      });
    });
  }

  for (size_t i = 0; i < uploads.size(); ++i) {
    absl::Time at = At(9, 21 + static_cast<int>(i % 9), 9) + absl::Minutes(static_cast<int>(i) * 7);
    const Upload& u = uploads[i];
    Principal by = u.school.code == "YH001" ? yh : sup;  // 瑶海区实验中学 sends its own; the office the others
    admissions::RosterUpload req{2026, u.school.id, u.plan, std::nullopt, u.materials, fmt::format("demo-roster-{}", i)};
    if (i == lottery_at) {
      // The lottery school's roster is written once the draw is known: those it admitted, and one left waiting.
      std::vector<Row> base = u.rows;
      schedule.emplace(at, [&rt, &clock, at, by, env, rules, req, base, applicants, lottery_id, sup]() mutable -> absl::Status {
        QF_ASSIGN_OR_RETURN(Db * db, rt.app().readers->Get());
        QF_ASSIGN_OR_RETURN(json::object view, admissions::LotteryView(*db, *lottery_id, sup));
        std::vector<Row> rows = base;
        bool one_waiting = false;
        int k = 0;
        for (const auto& v : view.at("rows").as_array()) {
          const json::object& a = v.as_object();
          std::string status(a.at("status").as_string());
          if (status == "backup" && one_waiting) continue;
          if (status != "selected" && status != "backup") continue;
          one_waiting = one_waiting || status == "backup";
          Row r = applicants->at(std::string(a.at("code").as_string()));
          r.klass = fmt::format("{}班", 5 + k++ % 2);
          rows.push_back(r);
        }
        req.plan = static_cast<int>(rows.size()) + 2;
        Table sheet = Sheet(rows);
        return Do(rt, clock, at, by, [&](Tx& tx) { return admissions::UploadRoster(tx, env, *rules, req, sheet, by); });
      });
      continue;
    }
    Table sheet = Sheet(u.rows);
    schedule.emplace(at, [&rt, &clock, at, by, env, rules, req, sheet]() {
      return Do(rt, clock, at, by, [&](Tx& tx) { return admissions::UploadRoster(tx, env, *rules, req, sheet, by); });
    });
  }

  // 20 October: the school that listed another school's pupil sends its roster again without him.
  {
    const Upload& u = uploads[j0 + 2];
    std::vector<Row> rows(u.rows.begin(), u.rows.end() - 1);
    admissions::RosterUpload req{2026, u.school.id, std::nullopt, std::nullopt, {}, "demo-roster-corrected"};
    Table sheet = Sheet(rows);
    Principal by = u.school.code == "YH001" ? yh : sup;
    schedule.emplace(At(10, 20, 9), [&rt, &clock, by, env, rules, req, sheet]() {
      return Do(rt, clock, At(10, 20, 9), by, [&](Tx& tx) { return admissions::UploadRoster(tx, env, *rules, req, sheet, by); });
    });
  }
  // 12 October: the office orders the high school's 借读, the 学籍 elsewhere, the large class and the materials
  // rectified, and refers the fees as a case; the double enrolment waits for the schools' answer.
  auto ordered = std::make_shared<std::map<std::string, int64_t>>();
  schedule.emplace(At(10, 12, 10), [&rt, &clock, env, rules, sup, ordered]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(Db * db, rt.app().readers->Get());
    admissions::FindingFilter f{.year = 2026};
    QF_ASSIGN_OR_RETURN(json::object list, admissions::Findings(*db, *rules, f, sup));
    for (auto& v : list.at("items").as_array()) {
      const json::object& o = v.as_object();
      std::string rule(o.at("rule").as_string());
      int64_t id = o.at("id").as_int64();
      if (rule == "forbidden_fee") {
        QF_RETURN_IF_ERROR(Do(rt, clock, At(10, 12, 10), sup, [&](Tx& tx) {
          return admissions::ReferFinding(tx, env, *rules, id, "以费择校，转纪委监察室核查", sup);
        }));
      } else if (rule != "choice_abolished" && rule != "double_enrolment") {
        QF_RETURN_IF_ERROR(Do(rt, clock, At(10, 12, 11), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(auto o, admissions::OrderRectification(tx, env, *rules, id, "", sup));
          (*ordered)[rule] = o.at("rectification_id").as_int64();
          return o;
        }));
      }
    }
    return absl::OkStatus();
  });
  // November: the high school has the 借读 student return to his school, with evidence, and the office accepts.
  int64_t first_high = high[0].id;
  schedule.emplace(At(11, 5, 10), [&rt, &clock, sup, ordered, first_high]() -> absl::Status {
    auto it = ordered->find("transient_high_school");
    if (it == ordered->end()) return absl::InternalError("演示：借读问题未下发整改");
    int64_t id = it->second;
    Principal school = sup;
    school.roles = kHandler;
    school.unit_id = first_high;
    std::string hash;
    QF_RETURN_IF_ERROR(Do(rt, clock, At(11, 5, 10), school, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(hash, inspect::AddRectificationEvidence(tx, id, "回原校就读证明.png", EvidencePhoto(), school));
      return json::object{};
    }));
    QF_RETURN_IF_ERROR(Do(rt, clock, At(11, 5, 10, 5), school, [&](Tx& tx) {
      return inspect::AnswerRectification(tx, id, {"借读学生已回户籍所在地学校就读，本校不再招收借读生。", {hash}}, school);
    }));
    inspect::InspectEnv ienv{rt.app().calendar, rt.app().vault, rt.app().policies};
    return Do(rt, clock, At(11, 6, 15), sup, [&](Tx& tx) {
      return inspect::CheckRectification(tx, ienv, id, {true, "复查：已纠正"}, sup);
    });
  });
  return absl::OkStatus();
}

}  // namespace qf::demo
