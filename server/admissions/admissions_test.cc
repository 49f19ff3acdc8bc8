// The admission rules under the shipped file (data/admissions/rules.toml): the roster sheet's reading (every bad
// cell named), and each rule with a roster that breaks it and one that does not — 择校 abolished from 2015 and the
// three limits before, fees tied to a place, 借读 in a high school, a 借读生's 学籍 and grade, 人籍一致 on one roster
// and across the city's rosters, 大班额, the plan, and materials no school may ask for.
#include <gtest/gtest.h>

#include "admissions/admissions.h"
#include "common/import_columns_fixture.h"
#include "common/mask.h"

namespace qf::admissions {
namespace {

Rules Shipped() {
  auto r = Rules::Load(std::string(QF_SOURCE_DIR) + "/data");
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

// A valid 18-digit ID number (GB 11643 check character) for student n.
std::string Id(int n) {
  std::string s = "34010220100101" + std::to_string(100 + n % 900);
  return s + IdCheckCharacter(s);
}

Student Pupil(int row, std::string route = "zone", int grade = 7, std::string klass = "1班") {
  Student s;
  s.row = row;
  s.name = "学生" + std::to_string(row);
  s.id_number = Id(row);
  s.grade = grade;
  s.class_name = std::move(klass);
  s.route = std::move(route);
  return s;
}

Roster Of(int year, std::vector<Student> students, std::string stage = "初中") {
  Roster r;
  r.year = year;
  r.school_id = 7;
  r.school_name = "合肥市第四十五中学";
  r.stage = std::move(stage);
  r.students = std::move(students);
  return r;
}

std::vector<std::string> Codes(const std::vector<Finding>& f) {
  std::vector<std::string> out;
  for (const auto& x : f) out.push_back(x.rule + "/" + x.key);
  return out;
}

Table Sheet(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  Table t;
  t.header = std::move(header);
  for (size_t i = 0; i < rows.size(); ++i) t.row_numbers.push_back(static_cast<int>(i) + 2);
  t.rows = std::move(rows);
  return t;
}

TEST(AdmissionRules, TheShippedFileLoadsAndEveryRuleCitesItsDocument) {
  auto r = Shipped();
  for (const auto& rule : r.rules) EXPECT_FALSE(rule.clause.empty()) << rule.code;
  EXPECT_NE(r.For("choice_abolished", 2026), nullptr);
  EXPECT_EQ(r.For("choice_abolished", 2014), nullptr);
  ASSERT_NE(r.For("choice_limits", 2011), nullptr);
  EXPECT_DOUBLE_EQ(r.For("choice_limits", 2011)->share, 0.30);
  EXPECT_DOUBLE_EQ(r.For("choice_limits", 2013)->share, 0.20);
  EXPECT_FALSE(r.forbidden_materials.empty()) << "the placement policy's list";
  EXPECT_EQ(r.RouteOf("借读生")->code, "transient");
  EXPECT_EQ(r.RouteOf("统招")->code, "general");
  EXPECT_EQ(r.RouteOf("走后门"), nullptr);
}

TEST(AdmissionRules, AFileWithoutDocumentsOrWithUnknownRulesIsRefused) {
  std::string routes = "[[route]]\ncode=\"transient\"\nlabel=\"借读\"\n[[route]]\ncode=\"choice\"\nlabel=\"择校\"\n";
  EXPECT_FALSE(Rules::Parse(routes + "[[rule]]\ncode=\"large_class\"\nlabel=\"大班额\"\nthreshold=56\n", "t", {}, "").ok());
  EXPECT_FALSE(Rules::Parse(routes + "[[rule]]\ncode=\"made_up\"\nlabel=\"x\"\nclause=\"y\"\n", "t", {}, "").ok());
  const std::string lottery = "[lottery]\nobserver_roles=[\"家长代表\"]\nrequired_roles=[\"家长代表\"]\nclause=\"文件\"\n";
  EXPECT_TRUE(Rules::Parse(routes + lottery + "[[rule]]\ncode=\"large_class\"\nlabel=\"大班额\"\nthreshold=56\nclause=\"国发\"\n",
                           "t", {}, "").ok());
  // Without the document a lottery's watching rests on, or requiring a kind of observer it does not know: refused.
  EXPECT_FALSE(Rules::Parse(routes + "[[rule]]\ncode=\"large_class\"\nlabel=\"大班额\"\nthreshold=56\nclause=\"国发\"\n",
                            "t", {}, "").ok());
  EXPECT_FALSE(Rules::Parse(routes + "[lottery]\nobserver_roles=[\"家长代表\"]\nrequired_roles=[\"公证员\"]\nclause=\"文件\"\n" +
                                "[[rule]]\ncode=\"large_class\"\nlabel=\"大班额\"\nthreshold=56\nclause=\"国发\"\n",
                            "t", {}, "").ok());
}

TEST(AdmissionRoster, GradesAreReadAsSchoolsWriteThem) {
  EXPECT_EQ(ParseGrade("七年级"), 7);
  EXPECT_EQ(ParseGrade("初一"), 7);
  EXPECT_EQ(ParseGrade("高一"), 10);
  EXPECT_EQ(ParseGrade("1"), 1);
  EXPECT_EQ(ParseGrade("13"), std::nullopt);
  EXPECT_EQ(ParseGrade("大一"), std::nullopt);
}

TEST(AdmissionRoster, EveryBadCellIsNamedAndNothingIsRead) {
  auto rules = Shipped();
  Table t = Sheet({"姓名", "身份证号", "年级", "班级", "录取方式", "收费项目", "收费金额"},
                  {{"张三", Id(1), "七年级", "1班", "划片入学", "", ""},
                   {"李四", "340102201001011234", "七年级", "1班", "划片", "", ""},
                   {"", Id(3), "九年级上", "2班", "走后门", "择校费；资料费", "3000"},
                   {"王五", Id(1), "七年级", "1班", "统招", "", ""}});
  auto r = ReadRoster(ShippedColumns(kRosterImport), t, rules);
  ASSERT_FALSE(r.ok());
  std::string all;
  for (const auto& e : FieldErrors(r.status())) all += e.field + ":" + e.message + "\n";
  EXPECT_NE(all.find("第3行 第2列（身份证号）"), std::string::npos) << all;  // bad check character
  EXPECT_NE(all.find("第4行 第1列（姓名）"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第3列（年级）"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第5列（录取方式）"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第7列（收费金额）"), std::string::npos) << all;  // two items, one amount
  EXPECT_NE(all.find("第5行 第2列（身份证号）:同一学生"), std::string::npos) << all;
  EXPECT_EQ(FieldErrors(r.status()).size(), 6u) << all;

  Table missing = Sheet({"姓名", "年级"}, {{"张三", "1"}});
  auto m = ReadRoster(ShippedColumns(kRosterImport), missing, rules);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(FieldErrors(m.status()).size(), 3u);  // 身份证号, 班级, 录取方式
}

TEST(AdmissionRoster, AGoodSheetIsReadWithFeesAndRegistration) {
  Table t = Sheet({"姓名", "身份证号", "年级", "班级", "录取方式", "成绩", "收费项目", "收费金额", "收款账户", "学籍学校"},
                  {{"张三", Id(1) , "高一", "3班", "择校生", "455", "择校费；住宿费", "5000；800", "财政专户", ""},
                   {"李四", Id(2), "高一", "3班", "借读", "", "", "", "", "合肥一中"}});
  auto r = ReadRoster(ShippedColumns(kRosterImport), t, Shipped());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].route, "choice");
  EXPECT_EQ((*r)[0].grade, 10);
  ASSERT_EQ((*r)[0].fees.size(), 2u);
  EXPECT_EQ((*r)[0].fees[1].item, "住宿费");
  EXPECT_DOUBLE_EQ((*r)[0].fees[1].amount, 800);
  EXPECT_EQ((*r)[0].fees[1].account, "财政专户");
  EXPECT_EQ((*r)[1].registered_school, "合肥一中");
}

TEST(AdmissionChecks, ACleanRosterHasNoFindings) {
  auto rules = Shipped();
  std::vector<Student> s;
  for (int i = 0; i < 50; ++i) s.push_back(Pupil(i + 2, i % 2 ? "zone" : "lottery"));
  Roster r = Of(2026, s);
  r.plan = 50;
  r.materials = {"户口簿", "房产证", "居住证"};
  EXPECT_TRUE(CheckRoster(rules, r).empty());
}

TEST(AdmissionChecks, ChoiceAdmissionsAreAFindingFrom2015AndTheThreeLimitsBefore) {
  auto rules = Shipped();
  std::vector<Student> s = {Pupil(2, "choice", 10), Pupil(3, "general", 10), Pupil(4, "general", 10)};
  s[0].fees = {{"择校费", 8000, "学校基本户"}};
  s[0].score = 400;
  EXPECT_EQ(Codes(CheckRoster(rules, Of(2026, s, "高中"))),
            (std::vector<std::string>{"choice_abolished/roster", "forbidden_fee/roster"}));
  // 2013: allowed within the three limits — here the share (1 of a plan of 3 > 20%), the score (400 < 480 − 20),
  // the fee (8,000 > 6,000) and the account are all broken.
  Roster old = Of(2013, s, "高中");
  old.plan = 3;
  old.line = 480;
  EXPECT_EQ(Codes(CheckRoster(rules, old)),
            (std::vector<std::string>{"choice_limits/share", "choice_limits/score", "choice_limits/fee_cap",
                                      "choice_limits/account"}));
  // Within the limits: one of a plan of 10, 465 ≥ 460, 6,000 to the treasury.
  old.plan = 10;
  old.students[0].score = 465;
  old.students[0].fees = {{"择校费", 6000, "市财政专户"}};
  EXPECT_TRUE(CheckRoster(rules, old).empty());
  // No choice students at all in 2026: nothing.
  s[0].route = "general";
  s[0].fees.clear();
  EXPECT_TRUE(CheckRoster(rules, Of(2026, s, "高中")).empty());
}

TEST(AdmissionChecks, FeesTiedToAPlaceNameTheItemsAndAmounts) {
  auto rules = Shipped();
  std::vector<Student> s = {Pupil(2), Pupil(3), Pupil(4)};
  s[0].fees = {{"赞助费", 20000, "学校账户"}};
  s[1].fees = {{"捐资助学费", 10000, ""}, {"校服费", 300, ""}};
  s[2].fees = {{"校服费", 300, ""}, {"作业本费", 50, ""}};
  auto f = CheckRoster(rules, Of(2026, s));
  ASSERT_EQ(Codes(f), std::vector<std::string>{"forbidden_fee/roster"});
  EXPECT_EQ(f[0].rows, (std::vector<int>{2, 3}));
  EXPECT_DOUBLE_EQ(f[0].numbers.at("total").as_double(), 30000);
  EXPECT_NE(f[0].summary.find("赞助费 20000 元"), std::string::npos) << f[0].summary;
  s[0].fees.clear();
  s[1].fees.pop_back();
  s[1].fees[0].item = "住宿费";
  EXPECT_TRUE(CheckRoster(rules, Of(2026, s)).empty());
}

TEST(AdmissionChecks, TransientStudentsKeepTheirGradeAndTheirRegistrationAndNeverInAHighSchool) {
  auto rules = Shipped();
  Student ok = Pupil(2, "transient", 8);
  ok.registered_school = "合肥市第十中学";
  ok.registered_grade = 8;
  EXPECT_TRUE(CheckRoster(rules, Of(2026, {ok})).empty());

  Student here = Pupil(3, "transient", 8);  // 学籍 moved with the student
  Student other_grade = ok;
  other_grade.row = 4;
  other_grade.registered_grade = 7;
  EXPECT_EQ(Codes(CheckRoster(rules, Of(2026, {ok, here, other_grade}))),
            (std::vector<std::string>{"transient_registration/roster", "transient_grade/roster"}));

  Student high = ok;
  high.grade = 10;
  high.registered_grade = 10;
  EXPECT_EQ(Codes(CheckRoster(rules, Of(2026, {high}, "高中"))),
            std::vector<std::string>{"transient_high_school/roster"});
  EXPECT_TRUE(CheckRoster(rules, Of(2018, {high}, "高中")).empty()) << "the 2019 rule does not reach 2018";
}

TEST(AdmissionChecks, AStudentRegisteredElsewhereIsAFindingUnlessATransientStudent) {
  auto rules = Shipped();
  Student s = Pupil(2);
  s.registered_school = "合肥市第十中学";
  s.registered_school_id = 9;
  EXPECT_EQ(Codes(CheckRoster(rules, Of(2026, {s}))), std::vector<std::string>{"registration_elsewhere/roster"});
  s.registered_school_id = 7;  // this school, written another way
  EXPECT_TRUE(CheckRoster(rules, Of(2026, {s})).empty());
  s.registered_school = "合肥市第四十五中学";
  s.registered_school_id = 0;
  EXPECT_TRUE(CheckRoster(rules, Of(2026, {s})).empty());
}

TEST(AdmissionChecks, AClassOf56IsALargeClassAnd55IsNot) {
  auto rules = Shipped();
  std::vector<Student> s;
  for (int i = 0; i < 56; ++i) s.push_back(Pupil(i + 2, "zone", 7, "2班"));
  for (int i = 0; i < 55; ++i) s.push_back(Pupil(i + 100, "zone", 7, "3班"));
  auto f = CheckRoster(rules, Of(2026, s));
  ASSERT_EQ(Codes(f), std::vector<std::string>{"large_class/7/2班"});
  EXPECT_EQ(f[0].numbers.at("students").as_int64(), 56);
  EXPECT_EQ(f[0].rows.size(), 56u);
}

TEST(AdmissionChecks, MoreAdmittedThanPlannedIsAFindingTransientStudentsApart) {
  auto rules = Shipped();
  std::vector<Student> s = {Pupil(2), Pupil(3), Pupil(4, "transient")};
  s[2].registered_school = "合肥市第十中学";
  Roster r = Of(2026, s);
  r.plan = 2;
  EXPECT_TRUE(CheckRoster(rules, r).empty());
  r.plan = 1;
  auto f = CheckRoster(rules, r);
  ASSERT_EQ(Codes(f), std::vector<std::string>{"plan_exceeded/roster"});
  EXPECT_EQ(f[0].numbers.at("over").as_int64(), 1);
}

TEST(AdmissionChecks, MaterialsNoSchoolMayAskForAreNamed) {
  auto rules = Shipped();
  Roster r = Of(2026, {Pupil(2)});
  r.materials = {"户口簿", "幼儿园学前教育经历证明", "父母收入证明"};
  auto f = CheckRoster(rules, r);
  ASSERT_EQ(Codes(f), std::vector<std::string>{"forbidden_materials/roster"});
  EXPECT_EQ(f[0].numbers.at("materials").as_array().size(), 2u);
  r.materials = {"户口簿", "居住证", "预防接种证"};
  EXPECT_TRUE(CheckRoster(rules, r).empty());
}

TEST(AdmissionChecks, OneStudentOnTwoSchoolsRostersIsAFindingAtEach) {
  auto rules = Shipped();
  std::vector<Enrolment> e = {{"k1", 7, 2, "四十五中", "张*"}, {"k2", 7, 3, "四十五中", "李*"},
                              {"k1", 9, 5, "十中", "张*"},     {"k3", 9, 6, "十中", "王*"},
                              {"k2", 7, 9, "四十五中", "李*"}};  // k2 twice at one school: not across schools
  auto f = CheckEnrolments(rules, 2026, e);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].school_id, 7);
  EXPECT_EQ(f[0].key, "k1");
  EXPECT_EQ(f[0].rows, std::vector<int>{2});
  EXPECT_NE(f[0].summary.find("十中"), std::string::npos) << f[0].summary;
  EXPECT_EQ(f[1].school_id, 9);
  EXPECT_TRUE(CheckEnrolments(rules, 2026, {{"k1", 7, 2, "a", "x"}, {"k2", 9, 2, "b", "y"}}).empty());
}

TEST(AdmissionLottery, TheApplicantsListNamesEveryBadCell) {
  Table t = Sheet({"报名号", "姓名", "身份证号"},
                  {{"A001", "张三", Id(1)}, {"A001", "李四", Id(2)}, {"", "", "340102201001011234"}, {"A004", "王五", Id(1)}});
  auto r = ReadApplicants(ShippedColumns(kLotteryImport), t);
  ASSERT_FALSE(r.ok());
  std::string all;
  for (const auto& e : FieldErrors(r.status())) all += e.field + ":" + e.message + "\n";
  EXPECT_NE(all.find("第3行 第1列（报名号）:报名号重复"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第1列（报名号）"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第2列（姓名）"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第3列（身份证号）"), std::string::npos) << all;
  EXPECT_NE(all.find("第5行 第3列（身份证号）:同一学生报名两次"), std::string::npos) << all;
  EXPECT_EQ(FieldErrors(r.status()).size(), 5u) << all;
  auto good = ReadApplicants(ShippedColumns(kLotteryImport), Sheet({"报名编号", "学生姓名", "身份证号码"},
                                                                   {{"A001", "张三", Id(1)}, {"A002", "李四", Id(2)}}));
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ((*good)[1].code, "A002");
}

TEST(AdmissionLottery, TheDrawNeedsTheObserversThePolicyRequires) {
  const LotteryPolicy& p = Shipped().lottery;
  auto parse = [&](std::string body) { return ParseLotteryDraw(boost::json::parse(body).as_object(), p); };
  auto ok = parse(R"({"public_value":"上证 3321.07","observers":[{"role":"纪检监察","name":"王敏"},{"role":"家长代表","name":"李华"}]})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->observers.size(), 2u);
  auto no_parent = parse(R"({"public_value":"x","observers":[{"role":"纪检监察","name":"王敏"}]})");
  ASSERT_FALSE(no_parent.ok());
  EXPECT_EQ(FieldErrors(no_parent.status()).at(0).field, "observers");
  EXPECT_NE(FieldErrors(no_parent.status()).at(0).message.find("家长代表"), std::string::npos);
  auto bad_role = parse(R"({"public_value":"","observers":[{"role":"路人","name":"某某"}]})");
  ASSERT_FALSE(bad_role.ok());
  std::string fields;
  for (const auto& e : FieldErrors(bad_role.status())) fields += e.field + ";";
  EXPECT_NE(fields.find("public_value;"), std::string::npos) << fields;
  EXPECT_NE(fields.find("observers[0].role;"), std::string::npos) << fields;
  EXPECT_FALSE(parse(R"({"public_value":"x"})").ok());
}

TEST(AdmissionChecks, PupilsTheLotteryDidNotAdmitAreAFinding) {
  auto rules = Shipped();
  auto tagged = [](Student s, std::string tag) { s.tag = std::move(tag); return s; };
  LotteryOutcome lottery{42, 7, 2, {"a", "b", "c", "d", "e"}, {"a", "b", "d"}};  // d: a recorded give-up's successor
  // Admitted by the draw, by the waiting list, a zone pupil who never applied, and another grade: no finding.
  Roster clean = Of(2026, {tagged(Pupil(2, "lottery"), "a"), tagged(Pupil(3, "lottery"), "b"), tagged(Pupil(4, "lottery"), "d"),
                           tagged(Pupil(5, "zone"), "z"), tagged(Pupil(6, "lottery", 8), "y")});
  clean.lotteries = {lottery};
  for (const auto& f : CheckRoster(rules, clean)) EXPECT_NE(f.rule, "lottery_bypassed") << f.summary;
  // A waiting applicant enrolled through another route, and a "lottery" pupil who was never drawn: one finding.
  Roster bypassed = Of(2026, {tagged(Pupil(2, "lottery"), "a"), tagged(Pupil(3, "zone"), "c"), tagged(Pupil(4, "lottery"), "x"),
                              tagged(Pupil(5, "special"), "e")});  // special categories are placed by their own rules
  bypassed.lotteries = {lottery};
  std::vector<Finding> found;
  for (auto& f : CheckRoster(rules, bypassed))
    if (f.rule == "lottery_bypassed") found.push_back(f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, "lottery:42");
  EXPECT_EQ(found[0].rows, (std::vector<int>{3, 4}));
  EXPECT_EQ(found[0].numbers.at("admitted").as_int64(), 3);
  // Before 2020 no such rule.
  Roster old = bypassed;
  old.year = 2018;
  for (const auto& f : CheckRoster(rules, old)) EXPECT_NE(f.rule, "lottery_bypassed");
}

}  // namespace
}  // namespace qf::admissions
