#include "demo/demo.h"

#include <algorithm>
#include <map>
#include <random>

#include "auth/auth.h"
#include "auth/auth_store.h"
#include "cases/cases.h"
#include "draws/draws.h"
#include "duty/duty.h"
#include "inspect/inspect.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/org.h"
#include "spdlog/spdlog.h"

namespace qf::demo {
namespace {

namespace json = boost::json;

struct District {
  const char* code;
  const char* name;
  const char* region;  // urban, county, zone
  int schools;
};

// 4 urban districts, 3 counties, 3 development zones; 596 district-run schools plus 18 city-run.
constexpr District kDistricts[] = {
    {"YH", "瑶海区", "urban", 62}, {"LY", "庐阳区", "urban", 58}, {"SS", "蜀山区", "urban", 66},
    {"BH", "包河区", "urban", 64}, {"CF", "长丰县", "county", 78}, {"FD", "肥东县", "county", 92},
    {"FX", "肥西县", "county", 88}, {"GX", "高新区", "zone", 28}, {"JK", "经开区", "zone", 32},
    {"XZ", "新站区", "zone", 28},
};

constexpr const char* kSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢";
constexpr const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
                                  "超", "秀英", "华", "慧", "建国", "志强", "海燕", "晓东", "春梅", "文博", "思远"};
// The retaliation watch's demo: the teacher's named report, and the letter that later accuses her.
constexpr const char* kWhistleTitle = "学校暑期组织有偿补课";
constexpr const char* kAccusationTitle = "反映教师陈静怡师德问题";
constexpr const char* kStreets[] = {"长江路", "淮河路", "合作化路", "金寨路", "望江路", "黄山路", "潜山路", "宿州路",
                                    "芜湖路", "徽州大道", "包河大道", "繁华大道", "临泉路", "铜陵路"};
constexpr const char* kSchoolWords[] = {"实验", "第一", "第二", "第三", "育才", "新华", "光明", "东方", "阳光", "红星",
                                        "杏林", "琥珀", "南门", "北城", "滨湖", "翡翠", "紫云", "锦绣", "和平", "春晖"};

// 一 … 十九, as school names are written.
std::string ChineseNumber(int n) {
  static const char* kDigits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n < 10) return kDigits[n];
  return std::string(n / 10 == 1 ? "" : kDigits[n / 10]) + "十" + kDigits[n % 10];
}

std::string Utf8At(const char* s, int index) {
  // kSurnames is all 3-byte CJK characters.
  return std::string(s + 3 * index, 3);
}

// How many surnames kSurnames holds (an index past it read beyond the literal: garbled names).
const int kSurnameCount = static_cast<int>(std::char_traits<char>::length(kSurnames) / 3);

struct Texts {
  const char* category;
  std::vector<std::pair<const char*, const char*>> items;  // title, content with {school}
};

const std::vector<Texts>& Templates() {
  static const std::vector<Texts> kT = {
      {"fees", {{"学校收取资料费", "{school}本学期向每名学生收取资料费180元，未公示收费依据，也未出具票据，家长意见很大。"},
                {"强制收取校服费", "{school}要求新生统一购买校服，每套420元，不买不让报到，请核查是否属于违规收费。"},
                {"代收费未退余款", "{school}上学期代收的研学活动费用结余未退，学校说充作班费，请求查处。"},
                {"课后服务收费过高", "{school}课后服务每月收费450元，远超物价部门核定标准，且家长不自愿也被要求缴纳。"}}},
      {"tutoring", {{"在职教师有偿补课", "{school}数学老师周末在校外租房给本班学生有偿补课，每次收费200元，暗示不参加会影响成绩。"},
                    {"寒假集中补课", "{school}寒假期间组织初三学生到校集中补课，每人收费800元，违反减负规定。"},
                    {"利用节假日补课", "{school}五一假期安排学生到校上新课，名义是自愿实际强制，请教育局制止。"}}},
      {"ethics", {{"教师体罚学生", "{school}一名班主任因学生未完成作业当众罚站并辱骂，孩子回家后情绪低落不愿上学。"},
                  {"教师向学生推销教辅", "{school}语文老师要求学生购买指定的教辅资料，每套96元，并在课堂上统一收钱。"},
                  {"教师收受家长礼品", "{school}个别老师在教师节收受家长购物卡，希望学校加强师德教育并查处。"}}},
      {"discipline", {{"校长违规发放津贴", "反映{school}校长违规发放津贴补贴，并在食堂采购中存在利益输送问题。"},
                      {"挪用专项经费", "反映{school}负责人挪用义务教育保障经费用于接待支出，账目不清。"}}},
      {"admission", {{"违规招收借读生", "{school}今年违规招收同城借读生，每人收取赞助费两万元。"},
                     {"择校生超过比例", "{school}招收择校生明显超过计划数的比例，且收费不透明。"},
                     {"随迁子女入学受阻", "我在本市务工多年，材料齐全，孩子申请到{school}就读被以学位已满为由拒绝。"}}},
      {"exam", {{"考试组织不规范", "{school}期中考试公布学生排名并张贴在教室，给学生造成很大压力。"}}},
      {"safety", {{"校门口交通安全隐患", "{school}放学时校门口车辆拥堵，没有护导人员，存在安全隐患。"},
                  {"食堂卫生问题", "{school}食堂饭菜卫生状况差，孩子多次反映吃出异物。"}}},
      {"other", {{"作业负担过重", "{school}每天作业到晚上十一点还写不完，请求落实减负要求。"}}},
  };
  return kT;
}

// Channel counts of the seed's first half-year (上半年共受理 …).
constexpr std::pair<const char*, int> kChannelCounts[] = {
    {"zmztc", 239}, {"mayor_hotline", 9}, {"letter_call", 300}, {"province_platform", 5}, {"province_fee", 2}, {"media", 3},
};

}  // namespace

absl::Status Build(Runtime& rt, ManualClock& clock, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  Writer& w = rt.writer();
  AppContext& app = rt.app();
  cases::CaseEnv env{app.calendar, app.policies, app.vault};
  clock.Set(absl::FromCivil(absl::CivilSecond(2025, 12, 20, 9, 0, 0), Cst()));

  // Organisations, people and accounts, in one command.
  struct Built {
    std::map<std::string, int64_t> units;
    std::vector<int64_t> schools;
    std::vector<int64_t> urban_schools;
    std::map<int64_t, int64_t> principal_of;  // school -> person
    std::map<int64_t, int64_t> head_of;       // district bureau -> its head (局长)
    std::map<std::string, auth::AccountRow> accounts;
    std::vector<std::pair<int64_t, int64_t>> inspectors;  // person, unit
    int64_t whistleblower = 0, whistleblower_school = 0;  // the retaliation watch's demo (a teacher who reported)
  } b;
  std::string hash;
  {
    auto h = auth::HashPassword(DemoAccounts::kPassword);
    if (!h.ok()) return h.status();
    hash = *h;
  }
  int person_seq = 0;
  auto name = [&] { return Utf8At(kSurnames, pick(kSurnameCount)) + kGiven[pick(26)]; };
  auto r = w.Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::value> {
    auto unit = [&](org::Unit u) -> absl::StatusOr<int64_t> {
      QF_ASSIGN_OR_RETURN(int64_t id, org::InsertUnit(tx, u));
      b.units[u.code] = id;
      return id;
    };
    auto person = [&](int64_t unit_id, const std::string& position, bool leader) -> absl::StatusOr<int64_t> {
      return org::InsertPerson(tx, {0, fmt::format("P{:05d}", ++person_seq), name(), unit_id, "", position, leader});
    };
    QF_ASSIGN_OR_RETURN(int64_t bureau, unit({0, "JYJ", "市教育局", "bureau"}));
    const std::pair<const char*, const char*> divisions[] = {
        {"discipline", "纪委监察室"}, {"office", "办公室"}, {"finance", "计财处"}, {"basic_ed", "基教处"},
        {"vocational", "职成处"}, {"personnel", "人事处"}};
    for (auto [role, dname] : divisions) {
      org::Unit u{0, std::string("JYJ-") + role, dname, "division", bureau};
      u.role = role;
      QF_ASSIGN_OR_RETURN(int64_t id, unit(u));
      for (int i = 0; i < 3; ++i) QF_RETURN_IF_ERROR(person(id, i == 0 ? "处长" : "科员", i == 0).status());
    }
    // The inspector register: twelve staff of the divisions (the discipline office leads, so none of its own).
    // Their names come from a generator of their own, so the rest of the demo stays as it was.
    std::mt19937 inspector_rng(seed + 3);
    for (int i = 0; i < 12; ++i) {
      const char* roles[] = {"finance", "basic_ed", "vocational", "personnel", "office"};
      int64_t unit_id = b.units[std::string("JYJ-") + roles[i % 5]];
      std::string iname = Utf8At(kSurnames, static_cast<int>(inspector_rng() % kSurnameCount)) + kGiven[inspector_rng() % 26];
      QF_ASSIGN_OR_RETURN(int64_t pid, org::InsertPerson(tx, {0, fmt::format("P{:05d}", ++person_seq), iname, unit_id, "", "检查员", false}));
      QF_RETURN_IF_ERROR(SaveMemberJson(tx, draws::Pool::kInspector, {{"code", fmt::format("I{:03d}", i + 1)},
                                                             {"person_code", fmt::format("P{:05d}", person_seq)},
                                                             {"specialty", i % 2 ? "财务审计" : "教育管理"}}).status());
      b.inspectors.push_back({pid, unit_id});
    }
    // City-run schools: 14 high schools and 4 vocational schools.
    for (int i = 0; i < 18; ++i) {
      bool voc = i >= 14;
      org::Unit u{0, fmt::format("SZ{:02d}", i + 1),
                  voc ? fmt::format("合肥市第{}职业技术学校", ChineseNumber(i - 13)) : fmt::format("合肥市第{}中学", ChineseNumber(i + 1)), "school", bureau};
      u.district = kDistricts[i % 4].name;
      u.region_type = "urban";
      u.stage = voc ? "职业学校" : (i % 3 == 0 ? "完全中学" : "高中");
      u.ownership = "public";
      u.address = fmt::format("{}{}{}号", kDistricts[i % 4].name, kStreets[pick(14)], 1 + pick(300));
      u.lat = 31.82 + (pick(2000) - 1000) / 10000.0;
      u.lon = 117.23 + (pick(2000) - 1000) / 10000.0;
      u.enrolment = 1500 + pick(2500);
      QF_ASSIGN_OR_RETURN(int64_t id, unit(u));
      b.schools.push_back(id);
      b.urban_schools.push_back(id);
      QF_ASSIGN_OR_RETURN(b.principal_of[id], person(id, "校长", true));
    }
    // District bureaus and their schools. Exactly 63 junior-high schools in the urban area (districts and
    // zones); 100 designated schools for migrant children, 83 urban and 17 in the counties.
    int urban_junior = 0, migrant_urban = 0, migrant_county = 0;
    for (const auto& d : kDistricts) {
      org::Unit db{0, std::string("QX-") + d.code, std::string(d.name) + "教育体育局", "district_bureau", bureau};
      db.district = d.name;
      db.region_type = d.region;
      QF_ASSIGN_OR_RETURN(int64_t dbid, unit(db));
      for (int i = 0; i < 3; ++i) {
        QF_ASSIGN_OR_RETURN(int64_t pid, person(dbid, i == 0 ? "局长" : "科员", i == 0));
        if (i == 0) b.head_of[dbid] = pid;
      }
      bool urban = std::string(d.region) != "county";
      int juniors_here = urban ? (std::string(d.region) == "urban" ? 12 : 5) : 9;
      for (int i = 0; i < d.schools; ++i) {
        std::string stage;
        if (i < juniors_here) stage = "初中";
        else if (i < juniors_here + d.schools / 2) stage = "小学";
        else if (i < juniors_here + d.schools / 2 + d.schools / 5) stage = "幼儿园";
        else if (i % 3 == 0) stage = "九年一贯制";
        else stage = "小学";
        if (urban && stage == "初中") {
          if (urban_junior >= 63) stage = "九年一贯制";
          else ++urban_junior;
        }
        std::string suffix = stage == "初中" ? "中学" : stage == "幼儿园" ? "幼儿园" : stage == "九年一贯制" ? "学校" : "小学";
        org::Unit u{0, fmt::format("{}{:03d}", d.code, i + 1),
                    fmt::format("{}{}{}{}", d.name, kSchoolWords[i % 20], i >= 20 ? fmt::format("{}", i / 20 + 1) : "", suffix),
                    "school", dbid};
        u.district = d.name;
        u.region_type = d.region;
        u.stage = stage;
        u.ownership = i % 11 == 10 ? "private" : "public";
        u.address = fmt::format("{}{}{}号", d.name, kStreets[pick(14)], 1 + pick(500));
        u.lat = 31.82 + (pick(4000) - 2000) / 10000.0;
        u.lon = 117.23 + (pick(4000) - 2000) / 10000.0;
        u.enrolment = stage == "幼儿园" ? 200 + pick(300) : 600 + pick(2200);
        bool eligible = u.ownership == "public" && (stage == "小学" || stage == "初中" || stage == "九年一贯制");
        if (eligible && urban && migrant_urban < 83 && i % 2 == 1) {
          u.migrant_designated = true;
          ++migrant_urban;
        } else if (eligible && !urban && migrant_county < 17 && i % 5 == 1) {
          u.migrant_designated = true;
          ++migrant_county;
        }
        QF_ASSIGN_OR_RETURN(int64_t id, unit(u));
        b.schools.push_back(id);
        if (urban) b.urban_schools.push_back(id);
        QF_ASSIGN_OR_RETURN(b.principal_of[id], person(id, "校长", true));
        QF_RETURN_IF_ERROR(person(id, "教师", false).status());
      }
    }
    if (urban_junior != 63 || migrant_urban != 83 || migrant_county != 17)
      return absl::InternalError(fmt::format("demo shape off: {} urban juniors, {}+{} migrant schools", urban_junior,
                                             migrant_urban, migrant_county));
    // A teacher of 包河区 who reports her own school by name (the retaliation watch's demo, below); not in the May
    // rules test's districts, whose enrolment the journeys count.
    b.whistleblower_school = b.units.count("BH001") ? b.units["BH001"] : b.schools.at(1);
    QF_ASSIGN_OR_RETURN(b.whistleblower, org::InsertPerson(tx, {0, fmt::format("P{:05d}", ++person_seq), "陈静怡",
                                                                b.whistleblower_school, "", "教师", false}));
    // Accounts for every role. A principal who is also a handler shows the wall: the demo's case against them
    // never reaches them.
    int64_t accused_school = b.units["YH001"];
    struct A { const char* user; const char* display; std::string unit; RoleSet roles; int64_t person; };
    std::vector<A> accounts = {
        {"clerk", "受理员 周敏", "JYJ-office", kClerk, 0},
        {"handler", "基教处 承办人 李强", "JYJ-basic_ed", kHandler, 0},
        {"handler_yh", "瑶海区教体局 承办人 陈静", "QX-YH", kHandler, 0},
        {"handler_fin", "计财处 承办人 王芳", "JYJ-finance", kHandler, 0},
        {"supervisor", "纪委监察室 督办员 赵军", "JYJ-discipline", kSupervisor, 0},
        {"leader", "局领导 孙建国", "JYJ", kLeader, 0},
        {"admin", "系统管理员", "JYJ-office", kAdmin, 0},
        {"inspector", "检查组成员 吴涛", "", kInspector, b.inspectors[0].first},
        {"principal_yh001", "瑶海区实验中学 校长（演示回避）", "YH001", kHandler, b.principal_of[accused_school]},
        {"head_yh", "瑶海区教体局 局长", "QX-YH", kHandler, b.head_of[b.units["QX-YH"]]},
    };
    // The other inspectors sign in as inspector02 … inspector12.
    for (size_t i = 1; i < b.inspectors.size(); ++i) {
      auth::NewAccount na{fmt::format("inspector{:02d}", i + 1), fmt::format("检查组成员 {:02d}", i + 1), b.inspectors[i].first,
                          b.inspectors[i].second, hash, kInspector, DemoAccounts::kTotpSecret};
      QF_ASSIGN_OR_RETURN(int64_t id, auth::CreateAccount(tx, na));
      b.accounts[na.username] = {id, na.username, na.display_name, na.person_id, na.unit_id, hash, kInspector, true};
    }
    for (auto& a : accounts) {
      int64_t unit_id = a.unit.empty() ? b.inspectors[0].second : b.units[a.unit];
      auth::NewAccount na{a.user, a.display, a.person, unit_id, hash, a.roles, DemoAccounts::kTotpSecret};
      QF_ASSIGN_OR_RETURN(int64_t id, auth::CreateAccount(tx, na));
      b.accounts[a.user] = {id, a.user, a.display, a.person, unit_id, hash, a.roles, true};
    }
    if (app.vault) QF_RETURN_IF_ERROR(auth::SealTotpSecrets(tx, *app.vault).status());
    return json::value();
  });
  if (!r.ok()) return r.status();

  auto principal = [&](const std::string& user) { return auth::PrincipalOf(b.accounts.at(user)); };
  Principal clerk = principal("clerk"), supervisor = principal("supervisor"), leader = principal("leader");

  // The half-year's items: exactly the seed's counts per channel, spread over January to June.
  struct Plan {
    absl::Time at;
    std::function<absl::StatusOr<json::value>(Tx&)> cmd;
    Actor actor;
  };
  std::vector<Plan> plan;
  const auto& templates = Templates();
  const int weights[] = {30, 24, 20, 5, 10, 3, 5, 3};  // fees, tutoring, ethics, discipline, admission, exam, safety, other
  auto pick_category = [&] {
    int x = pick(100);
    for (int i = 0; i < 8; ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return 7;
  };
  absl::Time h1_start = absl::FromCivil(absl::CivilSecond(2026, 1, 5, 0, 0, 0), Cst());
  int seq = 0;
  std::vector<std::pair<absl::Time, cases::NewCase>> intake;
  for (auto [channel, count] : kChannelCounts) {
    for (int i = 0; i < count; ++i) {
      const auto& t = templates[pick_category()];
      const auto& item = t.items[pick(static_cast<int>(t.items.size()))];
      int64_t school = pick(4) == 0 ? b.urban_schools[pick(static_cast<int>(b.urban_schools.size()))]
                                    : b.schools[pick(static_cast<int>(b.schools.size()))];
      cases::NewCase c;
      c.channel = channel;
      c.category = t.category;
      c.kind = std::string(t.category) == "discipline" ? "report" : "complaint";
      c.title = item.first;
      c.concerned_unit_id = school;
      c.anonymous = pick(3) == 0;
      if (!c.anonymous) {
        c.reporter_name = Utf8At(kSurnames, pick(kSurnameCount)) + "先生";
        c.reporter_phone = fmt::format("1{}{:09d}", 3 + pick(7), pick(1000000000));
      }
      if (std::string(t.category) == "discipline") c.concerned_person_ids.push_back(b.principal_of[school]);
      // Day within the half-year: 178 days from Jan 5, office hours.
      absl::Time at = h1_start + absl::Hours(24 * pick(172)) + absl::Hours(8 + pick(9)) + absl::Minutes(pick(60));
      if (std::string(channel) != "letter_call" && std::string(channel) != "media") c.external_ref = fmt::format("{}-2026-{:05d}", channel, ++seq);
      c.received_at = at;
      intake.push_back({at, std::move(c)});
    }
  }
  // The wall demo: a case naming the principal who also holds a handler account.
  {
    int64_t school = b.units["YH001"];
    cases::NewCase c;
    c.channel = "letter_call";
    c.category = "fees";
    c.title = "校长默许违规收费";
    c.content = "反映瑶海区实验中学校长默许各班收取资料费，并要求老师不得向家长解释。";
    c.concerned_unit_id = school;
    c.concerned_person_ids.push_back(b.principal_of[school]);
    c.anonymous = true;
    c.received_at = absl::FromCivil(absl::CivilSecond(2026, 11, 16, 10, 0, 0), Cst());  // after H1: the seed counts stay exact
    intake.push_back({*c.received_at, std::move(c)});
  }
  // The retaliation watch (刑法第二百五十四条): a teacher reports her school's paid tutoring by name in September
  // (substantiated), and in November a letter accuses her; registering it alerts the discipline office. After H1.
  {
    cases::NewCase c;
    c.channel = "letter_call";
    c.category = "tutoring";
    c.title = kWhistleTitle;
    c.content = "本人是该校教师。学校在暑假期间组织初三学生到校补课，每人收费1200元，由班主任收取现金，未开收据。";
    c.concerned_unit_id = b.whistleblower_school;
    c.anonymous = false;
    c.reporter_name = "陈静怡";
    c.reporter_phone = "13905510172";
    c.received_at = absl::FromCivil(absl::CivilSecond(2026, 9, 7, 9, 30, 0), Cst());
    intake.push_back({*c.received_at, c});
  }
  std::sort(intake.begin(), intake.end(), [](auto& a, auto& b2) { return a.first < b2.first; });

  // Register each and take it along its lifecycle. Case ids are known after registration, so the follow-up
  // actions are planned per case and run in time order.
  absl::Time end_of_h1 = absl::FromCivil(absl::CivilSecond(2026, 6, 30, 18, 0, 0), Cst());
  std::vector<std::pair<absl::Time, std::function<absl::Status()>>> steps;
  for (size_t i = 0; i < intake.size(); ++i) {
    auto at = intake[i].first;
    auto nc = intake[i].second;
    if (nc.content.empty()) {
      const auto& t = *std::find_if(templates.begin(), templates.end(), [&](auto& x) { return nc.category == x.category; });
      std::string text;
      for (auto& it : t.items)
        if (nc.title == it.first) text = it.second;
      auto unit = org::GetUnit(**app.readers->Get(), nc.concerned_unit_id);
      std::string school = unit.ok() && *unit ? (*unit)->name : "某学校";
      size_t pos = text.find("{school}");
      if (pos != std::string::npos) text.replace(pos, 8, school);
      nc.content = text;
    }
    nc.registered_by = nc.channel == "web" ? 0 : b.accounts["clerk"].id;
    clock.Set(at);
    auto reg = w.Run(nc.registered_by ? Actor::Account(nc.registered_by) : Actor::Public(),
                     [&env, nc](Tx& tx) -> absl::StatusOr<json::value> {
                       QF_ASSIGN_OR_RETURN(auto o, cases::Register(tx, env, nc));
                       return json::object{{"id", o.id}, {"restricted", o.restricted},
                                           {"handling_unit_id", o.handling_unit_id}};
                     });
    if (!reg.ok()) return reg.status();
    int64_t id = reg->as_object().at("id").as_int64();
    bool restricted = reg->as_object().at("restricted").as_bool();
    int64_t handling = reg->as_object().at("handling_unit_id").as_int64();
    // The handler account that works this case: the district bureau's or a division's.
    auto handling_unit = org::GetUnit(**app.readers->Get(), handling);
    Principal handler = principal("handler");
    handler.unit_id = handling;  // act as a handler of the handling unit
    handler.account_id = b.accounts["handler"].id;
    handler.person_id = 0;
    Principal closer = supervisor;
    auto act = [&, id](absl::Time t, const Principal& who, cases::Action a, json::object params) {
      steps.push_back({t, [&, id, who, a, params, t]() -> absl::Status {
        clock.Set(t);
        json::object body = params;
        body["action"] = std::string(cases::ActionName(a));
        auto request = cases::ParseTransition(body);
        if (!request.ok()) return request.status();
        auto res = w.Run(Actor::Account(who.account_id), [&env, id, r = *request, who](Tx& tx) -> absl::StatusOr<json::value> {
          QF_ASSIGN_OR_RETURN(auto o, cases::Transition(tx, env, id, r, who));
          return json::value(o.id);
        });
        if (!res.ok())
          return absl::Status(res.status().code(), fmt::format("case {} {} by {}: {}", id, cases::ActionName(a),
                                                                who.username, Str(res.status().message())));
        return absl::OkStatus();
      }});
    };
    using A = cases::Action;
    int fate = pick(100);
    if (nc.title == kWhistleTitle) fate = 10;  // substantiated (予以支持), answered in time
    absl::Time t = at + absl::Hours(20 + pick(40));
    if (nc.title == std::string("校长默许违规收费")) {
      act(t, clerk, A::kAccept, {});
      act(t + absl::Hours(1), supervisor, A::kDispatch, {});
      continue;  // left open and routed away from the accused
    }
    if (fate < 3) {
      act(t, restricted ? supervisor : clerk, A::kDecline, {{"reason", "所反映事项属于人民法院管辖范围，已告知向有管辖权的机关提出"}});
      continue;
    }
    if (restricted) handler = supervisor;
    act(t, restricted ? supervisor : clerk, A::kAccept, {});
    act(t + absl::Minutes(30), restricted ? supervisor : clerk, A::kDispatch, {});
    absl::Time s = t + absl::Hours(18 + pick(30));
    act(s, handler, A::kSign, {});
    // A few items signed in May and June were never answered: past their deadlines, they draw red cards.
    if (fate >= 86 && fate < 89 && at > absl::FromCivil(absl::CivilSecond(2026, 5, 1, 0, 0, 0), Cst())) continue;
    // Late items: a sixth of them take longer than the term.
    bool late = fate >= 80 && fate < 86;
    int days = late ? 25 + pick(30) : 4 + pick(12);
    absl::Time v = s + absl::Hours(24 * days / 2);
    act(v, handler, A::kVerify, {{"findings", "经实地核查，反映情况基本属实，已约谈相关责任人并责令整改。"}});
    act(v + absl::Hours(24), handler, A::kPropose, {{"outcome", fate % 3 == 0 ? "explain" : "support"},
                                                    {"proposal", "责令学校立即纠正，清退违规收取的费用，对相关人员进行批评教育。"}});
    absl::Time ap = v + absl::Hours(24 * (days - days / 2));
    act(ap, restricted ? supervisor : leader, A::kApproveProposal, {});
    act(ap + absl::Hours(2), handler, A::kReply, {{"reply", "经核查，您反映的问题基本属实。学校已清退相关费用并作出书面检查，教育主管部门将加强日常监管。感谢您的监督。"}});
    if (ap + absl::Hours(2) > end_of_h1 || fate >= 94) continue;  // still in progress at the end of June
    act(ap + absl::Hours(50), restricted ? supervisor : clerk, A::kRevisit, {{"satisfaction", 3 + pick(3)}});
    act(ap + absl::Hours(51), handler, A::kUpdateChecklist,
        {{"items", json::object{{"owner", true}, {"answered", true}, {"verified", true}, {"handled", true}, {"accountability", true}}}});
    act(ap + absl::Hours(53), closer, A::kClose, {});
  }
  // The letter accusing the teacher, registered in November once her report stands substantiated.
  {
    cases::NewCase letter;
    letter.channel = "letter_call";
    letter.category = "ethics";
    letter.title = kAccusationTitle;
    letter.content = "反映该校教师陈静怡上课经常迟到，对学生态度粗暴，请求严肃处理。";
    letter.concerned_unit_id = b.whistleblower_school;
    letter.concerned_person_ids.push_back(b.whistleblower);
    letter.anonymous = true;
    letter.registered_by = b.accounts["clerk"].id;
    absl::Time at = absl::FromCivil(absl::CivilSecond(2026, 11, 20, 15, 0, 0), Cst());
    letter.received_at = at;
    steps.push_back({at, [&, letter, at]() -> absl::Status {
                       clock.Set(at);
                       return w.Run(Actor::Account(letter.registered_by), [&env, letter](Tx& tx) -> absl::StatusOr<json::value> {
                                 QF_ASSIGN_OR_RETURN(auto o, cases::Register(tx, env, letter));
                                 return json::value(o.id);
                               }).status();
                     }});
  }
  // Everything runs in time order; the inspection plans its later steps as it goes.
  Schedule schedule;
  for (auto& st : steps) schedule.emplace(st.first, std::move(st.second));
  std::map<std::string, Principal> who;
  for (const auto& [user, row] : b.accounts) who[user] = principal(user);
  QF_RETURN_IF_ERROR(PlanInspection(rt, clock, who, schedule, seed));
  QF_RETURN_IF_ERROR(PlanDuty(rt, clock, who, schedule, seed, hash));
  QF_RETURN_IF_ERROR(PlanAdmissions(rt, clock, who, schedule, seed));
  QF_RETURN_IF_ERROR(PlanProjects(rt, clock, who, schedule, seed, hash));
  QF_RETURN_IF_ERROR(PlanFees(rt, clock, who, schedule, seed));
  QF_RETURN_IF_ERROR(PlanExams(rt, clock, who, schedule));
  QF_RETURN_IF_ERROR(PlanNoticesAndDraws(rt, clock, who, schedule, seed));
  while (!schedule.empty()) {
    auto it = schedule.begin();
    absl::Time t = it->first;
    auto fn = std::move(it->second);
    schedule.erase(it);
    absl::Status s = fn();
    if (!s.ok()) return absl::InternalError(fmt::format("demo step at {} failed: {}", FormatUtc(t), Str(s.message())));
  }
  // Supervision as of today: open items past their deadlines get red cards.
  clock.Set(absl::Now());
  auto sweep = w.Run(Actor::System(), [&env](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int n, cases::SweepSupervision(tx, env));
    return json::value(n);
  });
  if (!sweep.ok()) return sweep.status();
  auto cards = w.Run(Actor::System(), [&app](Tx& tx) -> absl::StatusOr<json::value> {
    inspect::InspectEnv ienv{app.calendar, app.vault, app.policies};
    QF_ASSIGN_OR_RETURN(int n, inspect::SweepRectifications(tx, ienv));
    QF_ASSIGN_OR_RETURN(int m, inspect::SweepCampaignResults(tx, ienv));
    duty::DutyEnv denv{app.calendar, app.policies, app.vault};
    QF_ASSIGN_OR_RETURN(int t, duty::SweepTaskCards(tx, denv));
    QF_ASSIGN_OR_RETURN(int l, duty::SweepLetterCards(tx, denv));
    n += m + t + l;
    return json::value(n);
  });
  if (!cards.ok()) return cards.status();
  QF_RETURN_IF_ERROR(BuildNoticesAndDraws(rt, clock, who, seed));
  QF_RETURN_IF_ERROR(BuildPlacement(rt, who, seed));
  spdlog::info("demo: {} schools, {} cases, {} lifecycle steps, {} cards; notices and draws", b.schools.size(),
               intake.size(), steps.size(), sweep->as_int64());
  return absl::OkStatus();
}

}  // namespace qf::demo
