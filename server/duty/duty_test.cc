// The responsibility system: deadlines of a task on the calendar, a deadline's progress, who may take each action;
// the store: the plan read from the office's sheet (every bad row named, nothing kept), progress reports and the
// office's decisions on the board, cards on late tasks, letters issued with their hash and signed only by the
// unit's head over the hash shown, an altered letter detected, confidential talks read only by the discipline office
// and never by the person talked with or a relative, and the summary's figures agreeing with the records; the
// evaluation's computed items agreeing with the records behind them, the office's scores, bands, and accountability
// decisions resting on a clause and facts, read behind the talks' wall.
#include <gtest/gtest.h>

#include <set>

#include "common/import_columns_fixture.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "duty/duty.h"
#include "fmt/format.h"
#include "org/org.h"
#include "runtime/store_fixture.h"

namespace qf::duty {
namespace {

namespace json = boost::json;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

TEST(DutyRules, DayTextAsSpreadsheetsWriteIt) {
  EXPECT_EQ(ParseDayText("2026-07-01"), Day(2026, 7, 1));
  EXPECT_EQ(ParseDayText("2026/7/1 8:30"), Day(2026, 7, 1));
  EXPECT_EQ(ParseDayText("2026.12.31"), Day(2026, 12, 31));
  EXPECT_EQ(ParseDayText("2026年6月30日"), Day(2026, 6, 30));
  EXPECT_EQ(ParseDayText("46204"), Day(2026, 7, 1));  // Excel's serial day
  EXPECT_EQ(ParseDayText("2026-02-30"), std::nullopt);
  EXPECT_EQ(ParseDayText("6月底"), std::nullopt);
  EXPECT_EQ(ParseDayText("12345"), std::nullopt);  // a serial before 1954 is not a plan's date
}

class DutyCalendar : public StoreTest {};

TEST_F(DutyCalendar, QuarterEndsAndRestDaysRollForward) {
  const Calendar& cal = *App().calendar;
  auto q = Deadlines(Schedule::kQuarterly, std::nullopt, 2026, cal);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].period, "Q1");
  EXPECT_EQ(q[0].day, Day(2026, 3, 31));
  EXPECT_EQ(q[1].day, Day(2026, 6, 30));
  EXPECT_EQ(q[2].day, Day(2026, 9, 30));
  EXPECT_EQ(q[3].day, Day(2026, 12, 31));
  // National Day: 3 October runs to the 8th; the Dragon Boat Saturday to Monday the 22nd.
  EXPECT_EQ(Deadlines(Schedule::kOnce, Day(2026, 10, 3), 2026, cal).at(0).day, Day(2026, 10, 8));
  EXPECT_EQ(Deadlines(Schedule::kOnce, Day(2026, 6, 20), 2026, cal).at(0).day, Day(2026, 6, 22));
  EXPECT_TRUE(Deadlines(Schedule::kOnce, std::nullopt, 2026, cal).empty());
}

TEST(DutyRules, ProgressOfADeadline) {
  absl::CivilDay due = Day(2026, 6, 30);
  EXPECT_EQ(ProgressOf(DeadlineState::kOpen, due, std::nullopt, Day(2026, 6, 30)), Progress::kPending);
  EXPECT_EQ(ProgressOf(DeadlineState::kOpen, due, std::nullopt, Day(2026, 7, 1)), Progress::kOverdue);
  EXPECT_EQ(ProgressOf(DeadlineState::kReported, due, Day(2026, 6, 29), Day(2026, 7, 9)), Progress::kReported);
  EXPECT_EQ(ProgressOf(DeadlineState::kReported, due, Day(2026, 7, 2), Day(2026, 7, 9)), Progress::kOverdue);
  EXPECT_EQ(ProgressOf(DeadlineState::kMet, due, Day(2026, 6, 30), Day(2026, 9, 1)), Progress::kDoneOnTime);
  EXPECT_EQ(ProgressOf(DeadlineState::kMet, due, Day(2026, 7, 1), Day(2026, 9, 1)), Progress::kDoneLate);
}

TEST(DutyRules, WhoMayTakeEachAction) {
  TaskFacts lead{DeadlineState::kOpen, true, false}, office{DeadlineState::kOpen, false, true}, other{};
  EXPECT_TRUE(MayTake(TaskAction::kReport, lead).ok());
  EXPECT_TRUE(MayTake(TaskAction::kReport, office).ok());
  EXPECT_EQ(StableCode(MayTake(TaskAction::kReport, other)), "duty.scope");
  EXPECT_EQ(StableCode(MayTake(TaskAction::kAccept, lead)), "duty.scope");
  EXPECT_EQ(StableCode(MayTake(TaskAction::kAccept, office)), "duty.state");  // nothing reported yet
  office.state = DeadlineState::kReported;
  EXPECT_EQ(Actions(office), (std::vector<std::string>{"accept", "return"}));
  lead.state = DeadlineState::kReported;
  EXPECT_TRUE(Actions(lead).empty());
  EXPECT_EQ(StableCode(MayTake(LetterAction::kSign, {false, false})), "duty.sign_scope");
  EXPECT_EQ(StableCode(MayTake(LetterAction::kSign, {true, true})), "duty.signed");
  EXPECT_TRUE(MayTake(LetterAction::kSign, {false, true}).ok());
}

TEST(DutyRules, ConfidentialTalksOnlyForTheOffice) {
  for (TalkKind k : {TalkKind::kReminder, TalkKind::kAdmonition}) {
    EXPECT_TRUE(MayRead(k, {true, false, false}).ok());
    EXPECT_EQ(StableCode(MayRead(k, {false, true, false})), "duty.talk_not_found");  // a leader
    EXPECT_EQ(StableCode(MayRead(k, {true, false, true})), "duty.talk_not_found");   // the office, walled
    EXPECT_EQ(StableCode(MayRead(k, {false, false, false})), "duty.talk_not_found");
  }
  EXPECT_TRUE(MayRead(TalkKind::kPreAppointment, {false, true, false}).ok());
  EXPECT_FALSE(MayRead(TalkKind::kRoutine, {false, false, false}).ok());
}

TEST(DutyRules, TemplatesAreChecked) {
  auto ok = LetterTemplates::Load(std::string(QF_SOURCE_DIR) + "/data/duty/letters.toml");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->For("school")->items.size(), 6u);
  auto bad = LetterTemplates::Parse("basis = \"x\"\nsign_within = \"soon\"\n[[template]]\nkind = \"school\"\ntitle = \"t\"\n"
                                    "items = [{ text = \"\", points = 0 }]\n", "bad.toml");
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.insert(e.field);
  EXPECT_TRUE(fields.count("sign_within"));
  EXPECT_TRUE(fields.count("template[0].items[0]"));
  EXPECT_TRUE(fields.count("template"));  // division and district_bureau missing
}

class DutyStore : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    env_ = {App().calendar, App().policies, App().vault};
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      auto unit = [&](org::Unit u) { return *org::InsertUnit(tx, u); };
      bureau_ = unit({0, "JYJ", "市教育局", "bureau"});
      org::Unit d{0, "D-discipline", "纪委监察室", "division", bureau_};
      d.role = "discipline";
      discipline_ = unit(d);
      org::Unit b{0, "D-basic_ed", "基教处", "division", bureau_};
      b.role = "basic_ed";
      basic_ed_ = unit(b);
      org::Unit q{0, "QX-YH", "瑶海区教育体育局", "district_bureau", bureau_};
      q.district = "瑶海区";
      district_ = unit(q);
      org::Unit s{0, "YH001", "瑶海区实验中学", "school", district_};
      s.district = "瑶海区";
      s.stage = "初中";
      s.ownership = "public";
      school_ = unit(s);
      head_ = *org::InsertPerson(tx, {0, "P1", "李局长", district_, "", "局长", true});
      clerk_person_ = *org::InsertPerson(tx, {0, "P2", "王科员", district_, "", "科员", false});
      sup_person_ = *org::InsertPerson(tx, {0, "P3", "赵督办", discipline_, "", "科员", false});
      EXPECT_TRUE(org::InsertRelation(tx, {"P1", "P3", "配偶"}).ok());
      return json::value();
    });
    ASSERT_TRUE(r.ok()) << r.status();
    office_ = Who(1, discipline_, kSupervisor, sup_person_);
    lead_ = Who(2, basic_ed_, kHandler, 0);
    head_p_ = Who(3, district_, kHandler, head_);
    staff_ = Who(4, district_, kHandler, clerk_person_);
    leader_ = Who(5, bureau_, kLeader, 0);
    other_office_ = Who(6, discipline_, kSupervisor, 0);
  }
  Principal Who(int64_t account, int64_t unit, RoleSet roles, int64_t person) {
    Principal p;
    p.account_id = account, p.unit_id = unit, p.roles = roles, p.person_id = person;
    return p;
  }
  // Accounts exist for the foreign keys of reports and signatures.
  void Accounts() {
    ASSERT_TRUE(Do([&](Tx& tx) -> absl::Status {
                  for (const Principal* p : {&office_, &lead_, &head_p_, &staff_, &leader_, &other_office_}) {
                    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
                        "INSERT INTO accounts(id, username, display_name, unit_id, password_hash, roles) VALUES(?,?,?,?,?,?)"));
                    st.Bind(1, p->account_id).Bind(2, fmt::format("u{}", p->account_id)).Bind(3, "x").Bind(4, p->unit_id)
                        .Bind(5, "x").Bind(6, "handler");
                    QF_RETURN_IF_ERROR(st.Run());
                  }
                  return absl::OkStatus();
                }).ok());
  }
  Table Sheet(std::vector<std::vector<std::string>> rows) {
    Table t;
    t.header = {"领域", "任务", "牵头单位", "配合单位", "完成时限", "依据"};
    for (size_t i = 0; i < rows.size(); ++i) {
      t.rows.push_back(rows[i]);
      t.row_numbers.push_back(static_cast<int>(i) + 2);
    }
    return t;
  }
  absl::StatusOr<json::value> Import(const Table& t) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(PlanInput plan, ReadPlanTable(tx.db(), 2026, "2026年工作要点", App().imports->Of(kPlanImport), t));
      return CreatePlan(tx, env_, plan);
    });
  }
  int64_t Count(const std::string& sql) {
    auto st = Reader().Prepare(sql);
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(*st->Step());
    return st->Int(0);
  }
  absl::Status TalkRecord(const Principal& who, int64_t id) { return TalkView(Reader(), id, who).status(); }
  json::object BoardNow() {
    auto b = Board(Reader(), 2026, office_, clock_.Now());
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? *b : json::object{};
  }

  DutyEnv env_;
  int64_t bureau_ = 0, discipline_ = 0, basic_ed_ = 0, district_ = 0, school_ = 0;
  int64_t head_ = 0, clerk_person_ = 0, sup_person_ = 0;
  Principal office_, lead_, head_p_, staff_, leader_, other_office_;
};

TEST_F(DutyStore, ASheetWithABadRowKeepsNothing) {
  auto r = Import(Sheet({{"确保政令畅通", "制定工作要点", "基教处", "纪委监察室、瑶海区教育体育局", "2026/3/31", "市纪委全会"},
                         {"", "落实责任分解", "市教育局基教处", "", "每季度末", ""},
                         {"推进政风行风建设", "治理乱收费", "基础教育科", "", "2026年6月30日", ""},
                         {"推进政风行风建设", "公开收费", "基教处", "", "六月底", ""}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StableCode(r.status()), "duty.plan_rows");
  std::vector<std::string> fields;
  for (const auto& e : FieldErrors(r.status())) fields.push_back(e.field);
  ASSERT_EQ(fields.size(), 2u) << r.status();
  EXPECT_NE(fields[0].find("第4行"), std::string::npos);  // the unknown unit, by its cell
  EXPECT_NE(fields[1].find("第5行"), std::string::npos);  // the date nobody can read
  EXPECT_EQ(Count("SELECT COUNT(*) FROM duty_plans"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM duty_tasks"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind LIKE 'duty.%'"), 0);
}

TEST_F(DutyStore, ReportsDecisionsAndTheBoard) {
  Accounts();
  auto r = Import(Sheet({{"确保政令畅通", "制定工作要点", "基教处", "纪委监察室、瑶海区教育体育局", "2026/3/31", "市纪委全会"},
                         {"", "落实责任分解", "市教育局基教处", "", "每季度末", ""},
                         {"推进政风行风建设", "治理乱收费", "瑶海区教育体育局", "", "2026年6月30日", ""}}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->at("areas").as_int64(), 2);
  EXPECT_EQ(r->at("tasks").as_int64(), 3);
  EXPECT_EQ(r->at("deadlines").as_int64(), 1 + 4 + 1);
  // A second plan for the year is refused.
  EXPECT_EQ(StableCode(Import(Sheet({{"a", "b", "基教处", "", "2026-05-01", ""}})).status()), "duty.plan_exists");

  json::object board = BoardNow();
  const auto& tasks = board.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 3u);
  int64_t first = tasks[0].at("id").as_int64(), quarterly = tasks[1].at("id").as_int64(), fees = tasks[2].at("id").as_int64();
  EXPECT_EQ(tasks[0].at("cooperating_unit_ids").as_array().size(), 2u);
  // On 30 April: the first task and Q1 of the quarterly one are overdue.
  EXPECT_EQ(board.at("by_area").as_array()[0].at("overdue").as_int64(), 2);

  auto report = [&](int64_t task, const std::string& period, const Principal& who, json::array links = {}) {
    auto req = ParseReport({{"period", period}, {"text", "已完成"}, {"links", links}});
    EXPECT_TRUE(req.ok()) << req.status();
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Report(tx, task, *req, who); });
  };
  auto decide = [&](int64_t task, const std::string& period, bool accept, const std::string& reason, const Principal& who) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Decide(tx, task, period, accept, reason, who); });
  };
  // Not the lead unit: refused. A link to a case that does not exist: refused, nothing written.
  EXPECT_EQ(StableCode(report(first, "", staff_).status()), "duty.scope");
  EXPECT_EQ(StableCode(report(first, "", lead_, json::array{json::object{{"kind", "notice"}, {"ref", "999"}}}).status()), "duty.link");
  EXPECT_EQ(StableCode(ParseReport({{"text", "x"}, {"links", json::array{json::object{{"kind", "case"}, {"ref", "NOPE"}}}}}).status()),
            "duty.report");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM duty_reports"), 0);
  ASSERT_TRUE(report(first, "", lead_).ok());
  EXPECT_EQ(StableCode(report(first, "", lead_).status()), "duty.state");  // one report waits at a time
  // Sent back: a reason is required; then open again.
  EXPECT_EQ(StableCode(decide(first, "", false, "", office_).status()), "duty.reason");
  EXPECT_EQ(StableCode(decide(first, "", true, "", lead_).status()), "duty.scope");
  ASSERT_TRUE(decide(first, "", false, "缺少佐证", office_).ok());
  ASSERT_TRUE(report(first, "", lead_).ok());
  auto accepted = decide(first, "", true, "", office_);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->at("progress").as_string(), "done_late");  // reported on 30 April, due 31 March
  // Q2 of the quarterly task reported before its day and accepted later: on time.
  ASSERT_TRUE(report(quarterly, "Q2", lead_).ok());
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 7, 6, 9, 0, 0), Cst()));
  EXPECT_EQ(decide(quarterly, "Q2", true, "", office_)->at("progress").as_string(), "done_on_time");
  // The district bureau's task was never reported: overdue on 6 July.
  board = BoardNow();
  std::map<std::string, int64_t> unit_overdue;
  for (auto& u : board.at("by_unit").as_array()) unit_overdue[std::string(u.at("unit").as_string())] = u.at("overdue").as_int64();
  EXPECT_EQ(unit_overdue["瑶海区教育体育局"], 1);
  EXPECT_EQ(unit_overdue["基教处"], 1);  // Q1 of the quarterly task
  auto view = TaskView(Reader(), fees, staff_, clock_.Now());
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->at("deadlines").as_array()[0].at("progress").as_string(), "overdue");
  EXPECT_EQ(view->at("deadlines").as_array()[0].at("actions").as_array().size(), 1u);  // staff of the lead unit may report
  auto first_view = TaskView(Reader(), first, office_, clock_.Now());
  ASSERT_EQ(first_view->at("reports").as_array().size(), 2u);
  EXPECT_EQ(first_view->at("reports").as_array()[0].at("reason").as_string(), "缺少佐证");

  // Cards by the one card rule: red on each overdue deadline, once.
  auto swept = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return json::value(*SweepTaskCards(tx, env_)); });
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept->as_int64(), 2);  // the district's fees task and Q1
  auto again = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return json::value(*SweepTaskCards(tx, env_)); });
  EXPECT_EQ(again->as_int64(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'duty.task_card'"), 2);

  // The summary's figures as of 30 June agree with the board.
  auto f = FiguresBetween(Reader(), Day(2026, 1, 1), Day(2026, 6, 30));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->areas, 2);
  EXPECT_EQ(f->tasks, 3);
  EXPECT_EQ(f->deadlines_due, 4);  // 31 March, Q1, Q2 and 30 June
  EXPECT_EQ(f->done_late, 1);
  EXPECT_EQ(f->done_on_time, 1);  // Q2, reported by its day
  EXPECT_EQ(f->overdue, 2);       // Q1 and the district's fees task
}

TEST_F(DutyStore, LettersAreSignedByTheHeadOverTheHashShown) {
  Accounts();
  auto templates = LetterTemplates::Load(std::string(QF_SOURCE_DIR) + "/data/duty/letters.toml");
  ASSERT_TRUE(templates.ok());
  auto issued = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return IssueLetters(tx, env_, *templates, 2026); });
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->at("issued").as_int64(), 4);  // two divisions, the district bureau, the school
  auto twice = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return IssueLetters(tx, env_, *templates, 2026); });
  EXPECT_EQ(twice->at("issued").as_int64(), 0);
  auto list = Letters(Reader(), {2026}, office_, clock_.Now());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->at("total").as_int64(), 4);
  int64_t district_letter = 0, school_letter = 0;
  for (auto& l : list->at("items").as_array()) {
    if (l.at("unit_id").as_int64() == district_) district_letter = l.at("id").as_int64();
    if (l.at("unit_id").as_int64() == school_) {
      school_letter = l.at("id").as_int64();
      EXPECT_EQ(l.at("issuer").as_string(), "瑶海区教育体育局");  // the district bureau issues its schools' letters
    }
  }
  // The district's staff see their own letter and their schools'; not the divisions'.
  EXPECT_EQ(Letters(Reader(), {2026}, staff_, clock_.Now())->at("total").as_int64(), 2);
  auto view = LetterView(Reader(), district_letter, head_p_, clock_.Now());
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->at("content_matches").as_bool());
  EXPECT_EQ(view->at("actions").as_array().size(), 1u);
  std::string hash(view->at("content_sha256").as_string());
  auto sign = [&](int64_t id, const std::string& h, const Principal& who) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Sign(tx, id, h, who); });
  };
  EXPECT_EQ(StableCode(sign(district_letter, hash, staff_).status()), "duty.sign_scope");  // not the head
  EXPECT_EQ(StableCode(sign(district_letter, hash, leader_).status()), "duty.sign_scope");
  EXPECT_EQ(StableCode(sign(district_letter, std::string(64, '0'), head_p_).status()), "duty.letter_changed");
  EXPECT_EQ(StableCode(sign(school_letter, hash, head_p_).status()), "duty.sign_scope");  // another unit's letter
  auto signed_ = sign(district_letter, hash, head_p_);
  ASSERT_TRUE(signed_.ok()) << signed_.status();
  EXPECT_EQ(signed_->at("signer_name").as_string(), "李局长");
  EXPECT_EQ(StableCode(sign(district_letter, hash, head_p_).status()), "duty.signed");
  {
    auto ev = Reader().Prepare("SELECT payload FROM events WHERE kind = 'duty.letter_signed'");
    ASSERT_TRUE(ev.ok() && *ev->Step());
    EXPECT_EQ(json::parse(ev->Text(0)).at("content_sha256").as_string(), hash);
  }
  list = Letters(Reader(), {2026, "", "", "no"}, office_, clock_.Now());
  EXPECT_EQ(list->at("signed").as_int64(), 1);
  EXPECT_EQ(list->at("items").as_array().size(), 3u);

  // A letter altered in the database after issue shows as such and cannot be signed.
  ASSERT_TRUE(Do([&](Tx& tx) -> absl::Status {
                QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE duty_letters SET content = replace(content, '20', '2') WHERE id = ?"));
                st.Bind(1, school_letter);
                return st.Run();
              }).ok());
  EXPECT_FALSE(LetterView(Reader(), school_letter, office_, clock_.Now())->at("content_matches").as_bool());

  // Unsigned letters past their day draw cards.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 0, 0), Cst()));
  auto swept = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return json::value(*SweepLetterCards(tx, env_)); });
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept->as_int64(), 3);
  EXPECT_EQ(LetterView(Reader(), school_letter, office_, clock_.Now())->at("cards").as_array().size(), 1u);
}

TEST_F(DutyStore, ConfidentialTalksBehindTheWall) {
  Accounts();
  auto record = [&](const std::string& kind, int64_t person, const std::string& name) {
    auto r = ParseTalk({{"kind", kind}, {"held_on", "2026-03-02"}, {"unit_id", district_}, {"person_id", person},
                        {"person_name", name}, {"talker", "局纪委书记"}, {"points", "要点"}, {"follow_up_on", "2026-06-02"}});
    EXPECT_TRUE(r.ok()) << r.status();
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return RecordTalk(tx, env_, *r, office_); });
  };
  auto bad = ParseTalk({{"kind", "chat"}, {"held_on", "2026-03-02"}, {"follow_up_on", "2026-01-01"}, {"notice_id", 3}});
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"kind", "unit_id", "person_name", "talker", "points", "follow_up_on"}));
  int64_t admonition = record("admonition", head_, "李局长")->at("id").as_int64();
  int64_t reminder = record("reminder", clerk_person_, "王科员")->at("id").as_int64();
  int64_t routine = record("routine", clerk_person_, "王科员")->at("id").as_int64();
  auto as_leader = TalkRecord(leader_, reminder);
  EXPECT_EQ(StableCode(as_leader), "duty.talk_not_found");
  EXPECT_TRUE(TalkRecord(office_, reminder).ok());
  // The office's reader married to the district head: never their spouse's admonition.
  EXPECT_EQ(StableCode(TalkRecord(office_, admonition)), "duty.talk_not_found");
  EXPECT_TRUE(TalkRecord(other_office_, admonition).ok());
  EXPECT_TRUE(TalkRecord(leader_, routine).ok());
  EXPECT_EQ(StableCode(TalkRecord(head_p_, routine)), "duty.talk_not_found");
  auto list = Talks(Reader(), 2026, leader_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->at("total").as_int64(), 3);           // counted
  EXPECT_EQ(list->at("items").as_array().size(), 1u);  // read: the routine talk only
  EXPECT_EQ(Talks(Reader(), 2026, office_)->at("items").as_array().size(), 2u);  // not the spouse's
  // Only the office records; the ledger has the record's hash, not its words.
  auto r = ParseTalk({{"kind", "routine"}, {"held_on", "2026-03-02"}, {"unit_id", district_}, {"person_name", "x"},
                      {"talker", "y"}, {"points", "不应进入账本的要点"}});
  EXPECT_EQ(StableCode(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return RecordTalk(tx, env_, *r, leader_); }).status()),
            "duty.talk_scope");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'duty.talk_recorded' AND payload LIKE '%要点%'"), 0);
  auto f = FiguresBetween(Reader(), Day(2026, 1, 1), Day(2026, 6, 30));
  EXPECT_EQ(f->talks, 3);
  EXPECT_EQ(f->talks_by_kind["reminder"], 1);
}

TEST(DutyExamRules, AnswersQuestionsAndFlags) {
  Question single{1, QuestionKind::kSingle, "s", {"甲", "乙", "丙"}, "B", "r"};
  Question multi{2, QuestionKind::kMultiple, "m", {"甲", "乙", "丙", "丁"}, "ACD", "r"};
  Question judge{3, QuestionKind::kJudge, "j", {}, "T", "r"};
  EXPECT_EQ(NormaliseChoice(single, " b "), "B");
  EXPECT_EQ(NormaliseChoice(single, "AB"), std::nullopt);
  EXPECT_EQ(NormaliseChoice(single, "D"), std::nullopt);  // no fourth option
  EXPECT_EQ(NormaliseChoice(multi, "d,a c"), "ACD");
  EXPECT_EQ(NormaliseChoice(judge, "对"), "T");
  EXPECT_EQ(NormaliseChoice(judge, "×"), "F");
  EXPECT_EQ(NormaliseChoice(judge, "A"), std::nullopt);
  // The sheet: every bad cell named, nothing taken.
  Table t;
  t.header = {"题型", "题干", "选项A", "选项B", "选项C", "答案", "依据"};
  t.rows = {{"单选", "题一", "甲", "乙", "", "B", "准则"}, {"填空", "题二", "甲", "乙", "", "A", "准则"},
            {"多选", "题一", "甲", "乙", "丙", "AD", ""}, {"判断", "题四", "", "", "", "对", "条例"}};
  t.row_numbers = {2, 3, 4, 5};
  auto bad = ReadQuestionTable(ShippedColumns(kQuestionImport), t);
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.push_back(e.field);
  EXPECT_EQ(fields.size(), 4u) << bad.status();  // 题型 of row 3; row 4: a repeated stem, no rule, answer D
  t.rows.erase(t.rows.begin() + 1, t.rows.begin() + 3);
  t.row_numbers = {2, 5};
  auto good = ReadQuestionTable(ShippedColumns(kQuestionImport), t);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->at(1).answer, "T");
  // The bank's template reads as a bank of one question.
  auto sheet = ImportTemplateXlsx("题库导入模板", ShippedColumns(kQuestionImport));
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  auto from_template = ReadQuestionTable(ShippedColumns(kQuestionImport), *ReadTable(*sheet));
  ASSERT_TRUE(from_template.ok()) << from_template.status();
  EXPECT_EQ(from_template->size(), 1u);
  // Papers are drawn from the seed: the same seed, the same paper; another taker, another order.
  std::vector<int64_t> bank;
  for (int i = 1; i <= 50; ++i) bank.push_back(i * 3);
  std::string seed(64, 'a');
  std::string s1 = AttemptSeedHex(seed, 7, 1), s2 = AttemptSeedHex(seed, 8, 1);
  EXPECT_EQ(DrawPaper(bank, s1, 10), DrawPaper(bank, s1, 10));
  EXPECT_NE(DrawPaper(bank, s1, 10), DrawPaper(bank, s2, 10));
  auto paper = DrawPaper(bank, s1, 10);
  EXPECT_EQ(std::set<int64_t>(paper.begin(), paper.end()).size(), 10u);
  // Speed: three answers each within 3 s of the one before, and a whole paper in a minute.
  absl::Time t0 = absl::FromUnixSeconds(1700000000);
  std::vector<absl::Time> quick{t0 + absl::Seconds(20), t0 + absl::Seconds(21), t0 + absl::Seconds(22), t0 + absl::Seconds(23),
                                t0 + absl::Seconds(24)};
  EXPECT_EQ(SpeedFlags(t0, quick, t0 + absl::Seconds(30), 10).size(), 2u);
  quick.resize(4);  // under half answered: a near-blank paper is not "fast"
  EXPECT_EQ(SpeedFlags(t0, quick, t0 + absl::Seconds(30), 10).size(), 1u);
  std::vector<absl::Time> calm;
  for (int i = 1; i <= 10; ++i) calm.push_back(t0 + absl::Seconds(30 * i));
  EXPECT_TRUE(SpeedFlags(t0, calm, t0 + absl::Seconds(320), 10).empty());
}

TEST_F(DutyStore, TestsDrawPapersRefuseLateAnswersAndFlag) {
  Accounts();
  // A bank of 10 single-choice questions whose answer is always A: every paper holds them all, in its own order.
  std::vector<Question> qs;
  for (int i = 1; i <= 10; ++i) qs.push_back({0, QuestionKind::kSingle, fmt::format("第{}题", i), {"甲", "乙", "丙"}, "A", "廉洁自律准则"});
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return ImportQuestions(tx, qs); }).ok());
  ExamRequest r{"廉政知识测试", clock_.Now(), clock_.Now() + absl::Hours(48), 20, 10, 60, 1};
  EXPECT_EQ(StableCode(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateExam(tx, r, lead_); }).status()), "duty.exam_scope");
  auto exam = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateExam(tx, r, office_); });
  ASSERT_TRUE(exam.ok()) << exam.status();
  int64_t exam_id = exam->at("id").as_int64();
  auto enrolled = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Enrol(tx, exam_id, {district_}, office_); });
  ASSERT_TRUE(enrolled.ok()) << enrolled.status();
  ASSERT_EQ(enrolled->at("codes").as_array().size(), 2u);  // the district's head and clerk
  std::string code_a(enrolled->at("codes").as_array()[0].at("code").as_string());
  std::string code_b(enrolled->at("codes").as_array()[1].at("code").as_string());
  auto again = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Enrol(tx, exam_id, {district_}, office_); });
  EXPECT_EQ(again->at("enrolled").as_int64(), 0);  // once each
  EXPECT_EQ(StableCode(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return StartAttempt(tx, "AAAA-BBBB-CCCC-DDDD-E"); }).status()),
            "duty.code_not_found");

  auto start = [&](const std::string& code) { return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return StartAttempt(tx, code); }); };
  auto answer = [&](const std::string& code, int pos, const std::string& c) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return SaveAnswer(tx, code, pos, c); });
  };
  auto submit = [&](const std::string& code) { return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Submit(tx, code); }); };
  auto paper = start(code_a);
  ASSERT_TRUE(paper.ok()) << paper.status();
  ASSERT_EQ(paper->at("questions").as_array().size(), 10u);
  EXPECT_FALSE(paper->at("questions").as_array()[0].as_object().contains("answer"));  // the paper hides the answers
  // Taker A answers calmly: eight right, two wrong (B).
  for (int i = 1; i <= 10; ++i) {
    clock_.Set(clock_.Now() + absl::Seconds(40));
    ASSERT_TRUE(answer(code_a, i, i <= 8 ? "a" : "B").ok());
  }
  EXPECT_EQ(StableCode(answer(code_a, 11, "A").status()), "duty.answer");
  EXPECT_EQ(StableCode(answer(code_a, 1, "Z").status()), "duty.answer");
  auto done = submit(code_a);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->at("score").as_int64(), 80);
  EXPECT_TRUE(done->at("passed").as_bool());
  EXPECT_EQ(done->at("review").as_array()[9].at("rule").as_string(), "廉洁自律准则");
  EXPECT_EQ(StableCode(start(code_a).status()), "duty.no_attempts");  // one attempt unless the organiser allows more

  // Taker B starts, answers four wrong in a rush, then runs out of time: the late answer is refused and nothing saved.
  ASSERT_TRUE(start(code_b).ok());
  for (int i = 1; i <= 4; ++i) {
    clock_.Set(clock_.Now() + absl::Seconds(1));
    ASSERT_TRUE(answer(code_b, i, "C").ok());
  }
  clock_.Set(clock_.Now() + absl::Minutes(21));
  EXPECT_EQ(StableCode(answer(code_b, 5, "A").status()), "duty.time_up");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM duty_answers WHERE position = 5 AND attempt_id = (SELECT MAX(id) FROM duty_attempts)"), 0);
  auto late = submit(code_b);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->at("score").as_int64(), 0);
  // Taker C (the office's staff, enrolled later) gives B's four wrong answers to the same questions, calmly: flagged.
  auto more = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Enrol(tx, exam_id, {discipline_}, office_); });
  ASSERT_EQ(more->at("codes").as_array().size(), 1u);
  std::string code_c(more->at("codes").as_array()[0].at("code").as_string());
  ASSERT_TRUE(start(code_c).ok());
  auto paper_of = [&](int64_t attempt) {
    auto st = Reader().Prepare(fmt::format("SELECT paper FROM duty_attempts WHERE id = {}", attempt));
    EXPECT_TRUE(st.ok() && *st->Step());
    std::vector<int64_t> ids;
    json::value paper = json::parse(st->Text(0));
    for (auto& v : paper.as_array()) ids.push_back(v.as_int64());
    return ids;
  };
  auto b_paper = paper_of(2), c_paper = paper_of(3);
  std::set<int64_t> b_wrong(b_paper.begin(), b_paper.begin() + 4);
  for (int i = 1; i <= 10; ++i) {
    clock_.Set(clock_.Now() + absl::Seconds(30));
    ASSERT_TRUE(answer(code_c, i, b_wrong.count(c_paper[i - 1]) ? "C" : "A").ok());
  }
  auto copied = submit(code_c);
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->at("score").as_int64(), 60);
  auto view = ExamView(Reader(), exam_id);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->at("tested").as_int64(), 3);
  EXPECT_EQ(view->at("passed").as_int64(), 2);
  ASSERT_EQ(view->at("flagged").as_array().size(), 2u);
  EXPECT_NE(json::serialize(view->at("flagged").as_array()[0].at("flags")).find("作答间隔"), std::string::npos);  // B
  EXPECT_NE(json::serialize(view->at("flagged").as_array()[1].at("flags")).find("道错题的答案与"), std::string::npos);  // C
  // The most missed: one of B's four, answered by all three and missed by B and C at least.
  EXPECT_EQ(view->at("most_missed").as_array()[0].at("answered").as_int64(), 3);
  EXPECT_GE(view->at("most_missed").as_array()[0].at("missed").as_int64(), 2);
  // Every paper is recomputed from the test's seed.
  for (int64_t attempt : {int64_t{1}, int64_t{2}}) {
    auto same = PaperReproduces(Reader(), attempt);
    ASSERT_TRUE(same.ok()) << same.status();
    EXPECT_TRUE(*same);
  }
  ASSERT_TRUE(Do([&](Tx& tx) -> absl::Status {
                QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE duty_attempts SET paper = '[1,2,3]' WHERE id = 1"));
                return st.Run();
              }).ok());
  EXPECT_FALSE(*PaperReproduces(Reader(), 1));
  auto f = FiguresBetween(Reader(), Day(2026, 1, 1), Day(2026, 6, 30));
  EXPECT_EQ(f->tested, 3);
  EXPECT_EQ(f->passed, 2);
}

}  // namespace
}  // namespace qf::duty

namespace qf::duty {
namespace {

TEST(DutyEvaluationRules, ScoresFollowTheirRulesAndBandsTheirFloors) {
  std::string text;
  auto scheme = EvalScheme::Load(std::string(QF_SOURCE_DIR) + "/data/duty/evaluation.toml", &text);
  ASSERT_TRUE(scheme.ok()) << scheme.status();
  EXPECT_FALSE(text.empty());
  const EvalItem* fees = scheme->Item("district_bureau", "B2");  // 15 points, 0.2 a substantiated complaint
  ASSERT_TRUE(fees && fees->measure == Measure::kSubstantiatedComplaints);
  EXPECT_EQ(fees->per_tenths, 2);
  Measured m;
  EXPECT_EQ(Score(*fees, m).score, 15);
  m.count = 12;  // 2.4 points: 2
  EXPECT_EQ(Score(*fees, m).score, 13);
  m.count = 48;  // 9.6 points: 10
  Scored s = Score(*fees, m);
  EXPECT_EQ(s.score, 5);
  EXPECT_NE(s.computation.find("48 件 × 0.2 分 = 扣 9.6 分"), std::string::npos) << s.computation;
  m.count = 500;  // never below zero
  EXPECT_EQ(Score(*fees, m).score, 0);
  const EvalItem* veto = scheme->Item("district_bureau", "B3");
  EXPECT_EQ(Score(*veto, {0, 0, {}}).score, 10);
  EXPECT_EQ(Score(*veto, {1, 0, {}}).score, 0);
  const EvalItem* pass = scheme->Item("district_bureau", "B7");
  EXPECT_EQ(Score(*pass, {5, 7, {}}).score, 7);   // 10 × 5/7 = 7.1
  EXPECT_EQ(Score(*pass, {3, 4, {}}).score, 8);   // 7.5 rounds up
  EXPECT_EQ(Score(*pass, {0, 0, {}}).score, 0);   // nobody enrolled: nothing earned
  EXPECT_EQ(BandOf(*scheme, 95, false).code, "excellent");
  EXPECT_EQ(BandOf(*scheme, 95, true).code, "good");  // an item at zero keeps a unit from 优秀
  EXPECT_EQ(BandOf(*scheme, 79, false).code, "pass");
  EXPECT_EQ(BandOf(*scheme, 12, false).code, "fail");
  auto bad = EvalScheme::Parse(
      "title = \"t\"\nbasis = \"b\"\n[[band]]\ncode = \"x\"\nlabel = \"X\"\nmin = 0\n[[table]]\nkind = \"school\"\n"
      "items = [{ id = \"S1\", section = \"s\", text = \"t\", points = 50, measure = \"gossip\", rule = \"deduct\", per = 1 },"
      "{ id = \"S2\", section = \"s\", text = \"t\", points = 40, measure = \"vetoes\", rule = \"proportion\" }]\n",
      "bad.toml");
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"table[0].items[0].measure", "table[0].items[1].rule", "table[0].items"}));
}

class DutyEvaluation : public DutyStore {
 protected:
  // A case of the demo's shape, straight into the store: concerning `concerned`, handled by `handling`.
  int64_t Case(const std::string& receipt, int64_t concerned, int64_t handling, const char* outcome,
               const char* closed_at, std::optional<int64_t> merged_into = std::nullopt) {
    int64_t id = 0;
    EXPECT_TRUE(Do([&](Tx& tx) -> absl::Status {
                  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
                      "INSERT INTO cases(receipt, channel, category, kind, state, title, content, received_at, "
                      "created_at, anonymous, concerned_unit_id, handling_unit_id, outcome, closed_at, merged_into) "
                      "VALUES(?, 'web', 'fees', 'complaint', ?, ?, '内容', '2026-02-01T01:00:00Z', "
                      "'2026-02-01T01:00:00Z', 1, ?, ?, ?, ?, ?) RETURNING id"));
                  st.Bind(1, receipt).Bind(2, closed_at ? "closed" : "dispatched").Bind(3, "收费 " + receipt)
                      .Bind(4, concerned).Bind(5, handling);
                  if (outcome) st.Bind(6, outcome); else st.BindNull(6);
                  if (closed_at) st.Bind(7, closed_at); else st.BindNull(7);
                  if (merged_into) st.Bind(8, *merged_into); else st.BindNull(8);
                  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
                  id = ids.at(0);
                  return absl::OkStatus();
                }).ok());
    return id;
  }
  void Deadline(int64_t case_id, const char* kind, const char* due, const char* status) {
    EXPECT_TRUE(Do([&](Tx& tx) -> absl::Status {
                  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
                      "INSERT INTO case_deadlines(case_id, kind, start_day, term, due_on, policy_id, clause, "
                      "calendar_version, status) VALUES(?, ?, '2026-02-01', '15wd', ?, 'p', 'c', 'v', ?)"));
                  st.Bind(1, case_id).Bind(2, kind).Bind(3, due).Bind(4, status);
                  return st.Run();
                }).ok());
  }
  void Sql(const std::string& sql) {
    EXPECT_TRUE(Do([&](Tx& tx) -> absl::Status { return tx.db().Exec(sql); }).ok()) << sql;
  }
  json::object Sheet(int64_t evaluation, int64_t unit, const Principal& who) {
    auto s = UnitSheet(Reader(), evaluation, unit, who);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : json::object{};
  }
  static const json::object& ItemOf(const json::object& sheet, const std::string& id) {
    for (const auto& i : sheet.at("items").as_array())
      if (i.at("id").as_string() == id) return i.as_object();
    static const json::object none;
    ADD_FAILURE() << "no item " << id;
    return none;
  }
};

TEST_F(DutyEvaluation, ComputedItemsAgreeWithTheRecordsAndTheOfficeScoresTheRest) {
  Accounts();
  // The district's record so far this year (the clock stands at 30 April 2026).
  Case("SUB-1", school_, district_, "support", "2026-03-10T02:00:00Z");     // substantiated, at one of its schools
  Case("SUB-2", school_, district_, "explain", "2026-03-11T02:00:00Z");     // explained: not substantiated
  int64_t kept = Case("SUB-3", school_, district_, "support", "2026-03-12T02:00:00Z");
  Case("SUB-4", school_, district_, "support", "2026-03-12T03:00:00Z", kept);  // merged into SUB-3: once
  Case("SUB-5", school_, district_, "support", "2025-12-30T02:00:00Z");     // last year
  int64_t late = Case("LATE-1", school_, district_, nullptr, nullptr);
  Deadline(late, "handling", "2026-04-01", "open");                         // still open past its day
  int64_t late_met = Case("LATE-2", school_, district_, "explain", "2026-04-20T02:00:00Z");
  Deadline(late_met, "handling", "2026-04-10", "missed");                   // answered after its day
  int64_t step = Case("STEP-1", school_, district_, "explain", "2026-04-20T02:00:00Z");
  Deadline(step, "sign", "2026-02-03", "missed");                           // a step, not the unit's duty deadline
  Deadline(step, "handling", "2026-04-25", "met");
  int64_t other = Case("ELSE-1", school_, basic_ed_, nullptr, nullptr);
  Deadline(other, "handling", "2026-04-01", "open");                        // another unit's case
  Sql("INSERT INTO rectifications(id, school_id, item, finding, term, due_on, calendar_version, state, answered_at, issued_at) "
      "VALUES(1, " + std::to_string(school_) + ", 'fees', '收取资料费', '20wd', '2026-03-20', 'v', 'open', NULL, '2026-02-20T00:00:00Z'),"
      "(2, " + std::to_string(school_) + ", 'fees', '未公示收费', '20wd', '2026-03-20', 'v', 'accepted', '2026-03-19T02:00:00Z', '2026-02-20T00:00:00Z'),"
      "(3, " + std::to_string(school_) + ", 'fees', '补课收费', '20wd', '2026-03-20', 'v', 'answered', '2026-03-25T02:00:00Z', '2026-02-20T00:00:00Z')");
  Sql("INSERT INTO vetoes(id, target, unit_id, year, reason, created_at) VALUES(1, 'unit', " + std::to_string(school_) +
      ", 2026, '违规收费情节严重', '2026-04-01T00:00:00Z'), (2, 'unit', " + std::to_string(school_) +
      ", 2025, '上年度', '2025-04-01T00:00:00Z')");
  Sql("INSERT INTO duty_letters(id, year, unit_id, issuer_unit_id, template, content, content_sha256, issued_at, due_on) "
      "VALUES(1, 2026, " + std::to_string(school_) + ", " + std::to_string(district_) +
      ", 'school', '{\"items\":[]}', 'h', '2026-01-20T00:00:00Z', '2026-02-03'),"
      "(2, 2026, " + std::to_string(district_) + ", " + std::to_string(bureau_) +
      ", 'district_bureau', '{\"title\":\"2026年度县区教育主管部门党风廉政建设责任书\",\"items\":[{\"seq\":1,\"text\":\"逐级签订\"},"
      "{\"seq\":2,\"text\":\"无违规收费\"}]}', 'h', '2026-01-20T00:00:00Z', '2026-02-03')");
  Sql("UPDATE duty_letters SET signed_by = 3, signer_name = '李局长', signed_at = '2026-02-02T02:00:00Z' WHERE id = 2");

  std::string scheme;
  ASSERT_TRUE(EvalScheme::Load(std::string(QF_SOURCE_DIR) + "/data/duty/evaluation.toml", &scheme).ok());
  auto open = [&](const Principal& who) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      return CreateEvaluation(tx, env_, scheme, {2026, {"district_bureau"}}, who);
    });
  };
  EXPECT_EQ(StableCode(open(leader_).status()), "duty.evaluation_scope");
  auto opened = open(office_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  int64_t id = opened->at("id").as_int64();
  EXPECT_EQ(opened->at("units").as_int64(), 1);
  EXPECT_EQ(StableCode(open(office_).status()), "duty.evaluation_exists");

  json::object sheet = Sheet(id, district_, office_);
  auto refs = [&](const std::string& item) {
    std::vector<std::string> out;
    for (const auto& r : ItemOf(sheet, item).at("refs").as_array()) out.emplace_back(r.at("ref").as_string());
    return out;
  };
  EXPECT_EQ(refs("B2"), (std::vector<std::string>{"SUB-1", "SUB-3"}));
  EXPECT_EQ(ItemOf(sheet, "B2").at("score").as_int64(), 15);  // 2 × 0.2 = 0.4: rounds to no deduction
  EXPECT_EQ(refs("B3"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(ItemOf(sheet, "B3").at("score").as_int64(), 0);
  EXPECT_EQ(refs("B4"), (std::vector<std::string>{"LATE-1", "LATE-2"}));
  EXPECT_EQ(ItemOf(sheet, "B4").at("score").as_int64(), 16);
  EXPECT_EQ(refs("B5"), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(ItemOf(sheet, "B5").at("score").as_int64(), 12);
  EXPECT_EQ(refs("B1"), (std::vector<std::string>{"1"}));  // the school's letter; the bureau signed in time
  EXPECT_EQ(ItemOf(sheet, "B1").at("score").as_int64(), 14);
  EXPECT_EQ(ItemOf(sheet, "B7").at("score").as_int64(), 0);
  EXPECT_EQ(ItemOf(sheet, "B7").at("computation").as_string(), "无人参加测试：本项不得分");
  EXPECT_EQ(ItemOf(sheet, "B2").at("letter_item").at("text").as_string(), "无违规收费");
  EXPECT_TRUE(ItemOf(sheet, "B6").at("score").is_null());

  // The office scores its own item: within its points, a note below full points; computed items are not typed.
  auto score = [&](const std::string& item, json::object body, const Principal& who) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(ItemScore s, ParseItemScore(body));
      return ScoreItem(tx, id, district_, item, s, who);
    });
  };
  EXPECT_EQ(StableCode(score("B4", {{"score", 20}}, office_).status()), "duty.item_computed");
  EXPECT_EQ(StableCode(score("B6", {{"score", 11}}, office_).status()), "duty.score");
  EXPECT_EQ(StableCode(score("B6", {{"score", 8}}, office_).status()), "duty.score");  // no note
  EXPECT_EQ(StableCode(score("B6", {{"score", 8}, {"note", "x"}}, leader_).status()), "duty.evaluation_scope");
  json::array missing{json::object{{"kind", "rectification"}, {"ref", "99"}}};
  EXPECT_EQ(StableCode(score("B6", {{"score", 8}, {"note", "x"}, {"links", missing}}, office_).status()), "duty.link");
  auto finalise = [&] { return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Finalise(tx, env_, id, office_); }); };
  EXPECT_EQ(StableCode(finalise().status()), "duty.evaluation_unscored");
  ASSERT_TRUE(score("B6", {{"score", 8}, {"note", "政策公开晚于规定时间"}}, office_).ok());
  // The unit's own staff do not see a draft.
  EXPECT_EQ(StableCode(UnitSheet(Reader(), id, district_, staff_).status()), "duty.evaluation_not_found");
  auto own = [&](const Principal& who) {
    auto o = OwnSheet(Reader(), 2026, who);
    EXPECT_TRUE(o.ok()) << o.status();
    return o.ok() ? o->at("sheet") : json::value("error");
  };
  EXPECT_TRUE(own(staff_).is_null());
  auto fin = finalise();
  ASSERT_TRUE(fin.ok()) << fin.status();
  sheet = Sheet(id, district_, staff_);
  EXPECT_EQ(own(staff_).as_object(), sheet);  // the unit's own sheet, found by the year alone
  EXPECT_TRUE(own(lead_).is_null());          // a division, not evaluated this year
  EXPECT_EQ(sheet.at("total").as_int64(), 14 + 15 + 0 + 16 + 12 + 8 + 0);
  EXPECT_EQ(sheet.at("band").as_string(), "pass");
  EXPECT_EQ(StableCode(score("B6", {{"score", 10}}, office_).status()), "duty.evaluation_final");
  EXPECT_EQ(StableCode(UnitSheet(Reader(), id, basic_ed_, staff_).status()), "duty.evaluation_not_found");
  auto view = EvaluationView(Reader(), 2026, leader_);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->at("evaluation").at("units").as_array()[0].at("band_label").as_string(), "合格");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'duty.evaluation_finalised'"), 1);

  // Accountability: a clause and facts that exist, or nothing.
  auto bad = ParseDecision({{"year", 2026}, {"kind", "scold"}, {"unit_id", district_}, {"person_name", "李局长"},
                            {"decided_on", "2026-12-01"}, {"decided_by", "局党委"}, {"text", "t"}});
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"kind", "letter_item"}));
  auto decide = [&](json::object body) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(DecisionRequest r, ParseDecision(body));
      return RecordDecision(tx, env_, r, office_);
    });
  };
  json::object body{{"year", 2026}, {"kind", "criticism"}, {"unit_id", district_}, {"person_id", head_},
                    {"person_name", "李局长"}, {"letter_item", 5}, {"decided_on", "2026-12-01"},
                    {"decided_by", "市教育局党委"}, {"text", "予以通报批评"},
                    {"facts", json::array{json::object{{"kind", "evaluation"}, {"ref", std::to_string(id)}},
                                          json::object{{"kind", "rectification"}, {"ref", "1"}}}}};
  EXPECT_EQ(StableCode(decide(body).status()), "duty.decision");  // the letter has two items
  body["letter_item"] = 2;
  auto made = decide(body);
  ASSERT_TRUE(made.ok()) << made.status();
  int64_t decision = made->at("id").as_int64();
  auto chain = DecisionView(Reader(), decision, other_office_);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(chain->at("clause").at("text").as_string(), "无违规收费");
  EXPECT_EQ(chain->at("facts").as_array().size(), 2u);
  EXPECT_EQ(chain->at("facts").as_array()[1].at("label").as_string(), "瑶海区实验中学：收取资料费");
  EXPECT_TRUE(DecisionView(Reader(), decision, leader_).ok());
  // Not the person decided on, nor the office's reader married to him, nor anyone else.
  for (const Principal* p : {&head_p_, &office_, &staff_})
    EXPECT_EQ(StableCode(DecisionView(Reader(), decision, *p).status()), "duty.decision_not_found");
  EXPECT_EQ(Decisions(Reader(), 2026, office_)->at("items").as_array().size(), 0u);
  EXPECT_EQ(Decisions(Reader(), 2026, leader_)->at("items").as_array().size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'duty.accountability_decided' AND payload LIKE '%李局长%'"), 0);
}


TEST(DutyIndexRules, ComponentsScoreTheirSharesAndTheIndexWeighsThoseCounted) {
  auto scheme = IndexScheme::Load(std::string(QF_SOURCE_DIR) + "/data/duty/self_index.toml");
  ASSERT_TRUE(scheme.ok()) << scheme.status();
  ASSERT_EQ(scheme->components.size(), 6u);
  int total = 0;
  for (const auto& c : scheme->components) total += c.weight;
  EXPECT_EQ(total, 100);
  const IndexComponent& settled = scheme->components[2];
  ASSERT_EQ(settled.measure, IndexMeasure::kSettled);
  ComponentValue few = ValueOf(settled, {2, 2, 0});  // two replies: below the component's smallest base
  EXPECT_FALSE(few.counted);
  EXPECT_EQ(few.computation, "答复 2 件，少于 3 件，不计入");
  ComponentValue v = ValueOf(settled, {2, 3, 0});
  EXPECT_TRUE(v.counted);
  EXPECT_DOUBLE_EQ(v.value, 66.7);
  EXPECT_EQ(v.computation, "息诉 2 件 ÷ 答复 3 件 = 66.7%");
  const IndexComponent& media = scheme->components[5];
  ASSERT_EQ(media.measure, IndexMeasure::kMediaItems);
  EXPECT_DOUBLE_EQ(ValueOf(media, {0, 2, 0}).value, 60);
  EXPECT_DOUBLE_EQ(ValueOf(media, {0, 9, 0}).value, 0);  // never below zero
  // Only the counted components weigh: (15 × 66.7 + 5 × 60) / 20.
  std::vector<ComponentValue> values(6);
  values[2] = v, values[5] = ValueOf(media, {0, 2, 0});
  IndexValue index = Combine(*scheme, values);
  ASSERT_TRUE(index.index.has_value());
  EXPECT_DOUBLE_EQ(*index.index, 65.0);
  EXPECT_EQ(index.computation, "（15 × 66.7 + 5 × 60.0）÷ 20 = 65.0");
  EXPECT_FALSE(Combine(*scheme, std::vector<ComponentValue>(6)).index.has_value());
  auto bad = IndexScheme::Parse("title = \"t\"\nbasis = \"b\"\n[[component]]\nid = \"x\"\nlabel = \"X\"\nmeasure = \"luck\"\n"
                                "weight = 0\n", "bad.toml");
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"component[0].measure", "component[0].weight"}));
}

TEST_F(DutyEvaluation, TheSelfEvaluationIndexAgreesWithTheRecords) {
  Accounts();
  // Items concerning the district's school this year (the clock stands at 30 April 2026), handled by the district.
  int64_t a1 = Case("IX-1", school_, district_, "support", "2026-03-10T02:00:00Z");
  Case("IX-2", school_, district_, "explain", "2026-03-11T02:00:00Z");
  Case("IX-3", school_, district_, "explain", "2026-03-12T02:00:00Z");
  Case("IX-4", school_, district_, "explain", "2026-03-13T02:00:00Z");
  Case("IX-5", school_, district_, nullptr, nullptr, a1);  // merged into IX-1: a repeat
  Case("IX-6", school_, district_, nullptr, nullptr);      // a matter already answered, back through the media
  Case("IX-7", basic_ed_, basic_ed_, "explain", "2026-03-13T02:00:00Z");  // another unit
  Case("IX-8", school_, district_, "explain", "2026-03-13T02:00:00Z");    // received last year
  Sql("UPDATE cases SET replied_at = '2026-03-01T02:00:00Z' WHERE receipt IN ('IX-1','IX-2','IX-3','IX-4','IX-7','IX-8')");
  Sql("UPDATE cases SET satisfaction = 5 WHERE receipt = 'IX-1'");
  Sql("UPDATE cases SET satisfaction = 4 WHERE receipt IN ('IX-2', 'IX-7')");
  Sql("UPDATE cases SET revisit_satisfaction = 2 WHERE receipt = 'IX-3'");  // rated at the revisit: not satisfied
  Sql("UPDATE cases SET satisfaction = 1, state = 'review_requested' WHERE receipt = 'IX-4'");  // contested
  Sql("UPDATE cases SET channel = 'media', prior_case_id = " + std::to_string(a1) + " WHERE receipt = 'IX-6'");
  Sql("UPDATE cases SET received_at = '2025-12-01T02:00:00Z' WHERE receipt = 'IX-8'");
  Deadline(a1, "handling", "2026-03-01", "met");
  Deadline(a1 + 1, "handling", "2026-04-01", "missed");
  // The year's survey at the school: 8 respondents satisfied with everything, 2 with nothing.
  std::string questionnaire;
  ASSERT_TRUE(Questionnaire::Load(std::string(QF_SOURCE_DIR) + "/data/duty/survey.toml", &questionnaire).ok());
  ASSERT_TRUE(Do([&](Tx& tx) -> absl::Status {
                QF_ASSIGN_OR_RETURN(auto s, tx.db().Prepare(
                    "INSERT INTO duty_surveys(id, title, opens_at, closes_at, questionnaire, created_by, created_at) "
                    "VALUES(1, '评议', '2026-03-01T00:00:00Z', '2026-03-20T00:00:00Z', ?, 1, '2026-02-28T00:00:00Z')"));
                s.Bind(1, questionnaire);
                QF_RETURN_IF_ERROR(s.Run());
                QF_ASSIGN_OR_RETURN(auto a, tx.db().Prepare(
                    "INSERT INTO duty_survey_answers(survey_id, school_id, answers, at) VALUES(1, ?, ?, '2026-03-02T00:00:00Z')"));
                for (int i = 0; i < 10; ++i) {
                  a.Reset();
                  const char* level = i < 8 ? "\"very\"" : "\"no\"";
                  a.Bind(1, school_).Bind(2, fmt::format("[{0},{0},{0},{0},{0},{0}]", level));
                  QF_RETURN_IF_ERROR(a.Run());
                }
                return absl::OkStatus();
              }).ok());

  auto scheme = IndexScheme::Load(std::string(QF_SOURCE_DIR) + "/data/duty/self_index.toml");
  ASSERT_TRUE(scheme.ok()) << scheme.status();
  auto index = [&](std::string_view kind, const Principal& who) { return SelfIndex(Reader(), *scheme, 2026, kind, who, clock_.Now()); };
  EXPECT_EQ(StableCode(index("district_bureau", staff_).status()), "duty.self_index_scope");
  EXPECT_EQ(StableCode(index("division", office_).status()), "duty.self_index");
  auto bureaus = index("district_bureau", leader_);
  ASSERT_TRUE(bureaus.ok()) << bureaus.status();
  ASSERT_EQ(bureaus->at("units").as_array().size(), 1u);
  const json::object& d = bureaus->at("units").as_array()[0].as_object();
  EXPECT_EQ(d.at("name").as_string(), "瑶海区教育体育局");
  std::map<std::string, std::string> computed;
  std::map<std::string, double> value;
  for (const auto& c : d.at("components").as_array()) {
    computed[std::string(c.at("id").as_string())] = c.at("computation").as_string();
    value[std::string(c.at("id").as_string())] = c.at("value").is_double() ? c.at("value").as_double() : -1;
  }
  // Six items received this year concerning the district's school: IX-5 and IX-6 repeats, IX-6 a media item; four
  // replied, IX-4 contested; four rated, IX-1 and IX-2 satisfied; two duty deadlines due, one missed.
  EXPECT_EQ(computed["public"], "评议 10 人，平均满意度 80.0%（95% 误差 ±26.1）");  // 1.96 × 0.422 / √10
  EXPECT_EQ(computed["satisfied"], "满意 2 件 ÷ 评价 4 件 = 50.0%");
  EXPECT_EQ(computed["settled"], "息诉 3 件 ÷ 答复 4 件 = 75.0%");
  EXPECT_EQ(computed["not_repeated"], "非重复 4 件 ÷ 收到 6 件 = 66.7%");
  EXPECT_EQ(computed["on_time"], "按期 1 件 ÷ 到期 2 件 = 50.0%");
  EXPECT_EQ(computed["media"], "舆情 1 条 × 20 分 = 扣 20 分，得 80 分");
  // (40 × 80 + 20 × 50 + 15 × 75 + 10 × 66.7 + 10 × 50 + 5 × 80) / 100
  EXPECT_DOUBLE_EQ(d.at("index").as_double(), 68.9);
  EXPECT_EQ(bureaus->at("formula").as_array().size(), 6u);
  // The school alone handles none of these deadlines: on time is left out and its weight shared.
  auto schools = index("school", office_);
  ASSERT_TRUE(schools.ok()) << schools.status();
  const json::object& s = schools->at("units").as_array()[0].as_object();
  EXPECT_EQ(s.at("name").as_string(), "瑶海区实验中学");
  EXPECT_FALSE(s.at("components").as_array()[4].at("counted").as_bool());
  EXPECT_DOUBLE_EQ(s.at("index").as_double(), 71.0);  // (3200 + 1000 + 1125 + 667 + 400) / 90
}

TEST(DutySessionRules, TheVenueCodeTurnsEveryFiveMinutes) {
  std::string secret = "a session's secret";
  absl::Time t = absl::FromUnixSeconds(1780000200);  // the start of a five-minute slot
  std::string code = SessionCode(secret, t);
  EXPECT_EQ(code.size(), 6u);
  EXPECT_EQ(SessionCode(secret, t + absl::Seconds(299)), code);
  EXPECT_NE(SessionCode(secret, t + absl::Seconds(300)), code);
  EXPECT_NE(SessionCode("another session", t), code);
  EXPECT_TRUE(SessionCodeValid(secret, code, t + absl::Seconds(400)));   // the slot before is still taken
  EXPECT_FALSE(SessionCodeValid(secret, code, t + absl::Seconds(600)));  // not two slots later
  EXPECT_FALSE(SessionCodeValid(secret, code, t - absl::Seconds(1)));    // nor before
}

TEST_F(DutyStore, SessionsSignInAtTheVenueOnly) {
  Accounts();
  absl::Time start = absl::FromCivil(absl::CivilSecond(2026, 5, 8, 14, 30, 0), Cst());
  auto req = ParseSession({{"title", "警示教育大会"}, {"place", "市教育局三楼会议室"},
                           {"held_at", FormatUtc(start)}, {"unit_ids", json::array{district_, school_, district_}}});
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->unit_ids.size(), 2u);
  EXPECT_EQ(StableCode(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateSession(tx, *req, leader_); }).status()),
            "duty.session_scope");
  auto made = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateSession(tx, *req, office_); });
  ASSERT_TRUE(made.ok()) << made.status();
  int64_t id = made->at("id").as_int64();
  auto sign = [&](std::string code, int64_t unit, std::string name) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return SignIn(tx, id, {code, name, unit}); });
  };
  std::string secret;
  {
    auto st = Reader().Prepare("SELECT secret FROM duty_sessions WHERE id = " + std::to_string(id));
    ASSERT_TRUE(st.ok() && *st->Step());
    secret = st->Text(0);
  }
  EXPECT_EQ(StableCode(sign(SessionCode(secret, clock_.Now()), district_, "王科员").status()), "duty.session_not_open");
  clock_.Set(start + absl::Minutes(5));
  auto view = SessionView(Reader(), id, office_, clock_.Now());
  ASSERT_TRUE(view.ok());
  std::string code(view->at("code").as_string());
  EXPECT_FALSE(SessionView(Reader(), id, leader_, clock_.Now())->contains("code"));  // only the office shows it
  EXPECT_EQ(StableCode(sign("000000" == code ? "111111" : "000000", district_, "王科员").status()), "duty.checkin");
  EXPECT_EQ(StableCode(sign(code, basic_ed_, "王科员").status()), "duty.checkin");   // a unit not invited
  EXPECT_EQ(StableCode(sign(code, district_, "张三").status()), "duty.checkin");     // not on the roster
  ASSERT_TRUE(sign(code, district_, "王科员").ok());
  EXPECT_EQ(StableCode(sign(code, district_, "王科员").status()), "duty.signed_in");
  clock_.Set(start + absl::Minutes(15));  // two slots on: the code read at the door no longer works
  auto stale = sign(code, district_, "李局长");
  EXPECT_EQ(StableCode(stale.status()), "duty.checkin") << stale.status();
  ASSERT_TRUE(sign(SessionView(Reader(), id, office_, clock_.Now())->at("code").as_string().c_str(), district_, "李局长").ok());
  view = SessionView(Reader(), id, leader_, clock_.Now());
  const auto& by_unit = view->at("by_unit").as_array();
  ASSERT_EQ(by_unit.size(), 2u);
  int64_t attended = 0;
  for (const auto& u : by_unit) attended += u.at("attended").as_int64();
  EXPECT_EQ(attended, 2);
  clock_.Set(start + absl::Minutes(121));
  EXPECT_EQ(StableCode(sign(SessionCode(secret, clock_.Now()), district_, "王科员").status()), "duty.session_closed");
  auto f = FiguresBetween(Reader(), Day(2026, 1, 1), Day(2026, 6, 30));
  EXPECT_EQ(f->sessions, 1);
  EXPECT_EQ(f->attendees, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'duty.session_attended'"), 2);
}


TEST(DutySurveyRules, RatesCarryTheirMarginOfError) {
  auto q = Questionnaire::Load(std::string(QF_SOURCE_DIR) + "/data/duty/survey.toml");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->questions.size(), 6u);
  EXPECT_TRUE(q->Level("basic")->satisfied);
  EXPECT_FALSE(q->Level("no")->satisfied);
  Rate none = RateOf({});
  EXPECT_EQ(none.n, 0);
  Rate one = RateOf({1.0});
  EXPECT_EQ(one.margin, 0);
  // 100 respondents, 80 fully satisfied and 20 not: mean 0.8, sd 0.402, margin 1.96 × 0.402 / 10 = 0.0788.
  std::vector<double> shares(80, 1.0);
  shares.resize(100, 0.0);
  Rate r = RateOf(shares);
  EXPECT_EQ(r.n, 100);
  EXPECT_NEAR(r.mean, 0.8, 1e-9);
  EXPECT_NEAR(r.margin, 0.0788, 0.0005);
  auto bad = Questionnaire::Parse("title = \"t\"\n[[scale]]\ncode = \"a\"\nlabel = \"A\"\nsatisfied = true\n", "bad.toml");
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(bad.status())) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"scale", "question"}));
}

TEST_F(DutyStore, SurveysAnswerOncePerCodeAndReportBySchool) {
  Accounts();
  std::string text;
  ASSERT_TRUE(Questionnaire::Load(std::string(QF_SOURCE_DIR) + "/data/duty/survey.toml", &text).ok());
  auto req = ParseSurvey({{"title", "政风行风评议"}, {"opens_at", "2026-04-30T00:00:00Z"}, {"closes_at", "2026-05-20T10:00:00Z"},
                          {"per_school", 3}, {"unit_ids", json::array{district_}}});
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(StableCode(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateSurvey(tx, text, *req, leader_); }).status()),
            "duty.survey_scope");
  auto bad_unit = *req;
  bad_unit.unit_ids = {basic_ed_};
  EXPECT_EQ(StableCode(Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateSurvey(tx, text, bad_unit, office_); }).status()),
            "duty.survey");
  auto made = Run([&](Tx& tx) -> absl::StatusOr<json::value> { return CreateSurvey(tx, text, *req, office_); });
  ASSERT_TRUE(made.ok()) << made.status();
  const auto& codes = made->at("codes").as_array();
  ASSERT_EQ(codes.size(), 3u);  // the district's one school, three codes
  EXPECT_EQ(codes[0].at("school").as_string(), "瑶海区实验中学");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM duty_survey_codes WHERE code_hash LIKE '%-%'"), 0);  // hashes, not codes
  auto answer = [&](const json::value& code, std::vector<std::string> a) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return Answer(tx, std::string(code.as_string()), a, ""); });
  };
  auto open = OpenSurvey(Reader(), std::string(codes[0].at("code").as_string()), clock_.Now());
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(open->at("questions").as_array().size(), 6u);
  EXPECT_EQ(StableCode(OpenSurvey(Reader(), "NOT-A-CODE", clock_.Now()).status()), "duty.survey_code_not_found");
  auto partial = answer(codes[0].at("code"), {"very", "nope"});
  ASSERT_FALSE(partial.ok());
  std::set<std::string> fields;
  for (const auto& e : FieldErrors(partial.status())) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"answers", "answers[1]"}));
  ASSERT_TRUE(answer(codes[0].at("code"), {"very", "very", "fair", "basic", "very", "fair"}).ok());
  EXPECT_EQ(StableCode(answer(codes[0].at("code"), {"no", "no", "no", "no", "no", "no"}).status()), "duty.survey_answered");
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
                return Answer(tx, std::string(codes[1].at("code").as_string()), {"no", "no", "no", "very", "very", "very"},
                              "希望收费公示更清楚");
              }).ok());
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 21, 9, 0, 0), Cst()));
  EXPECT_EQ(StableCode(answer(codes[2].at("code"), {"very", "very", "very", "very", "very", "very"}).status()), "duty.survey_closed");
  auto results = SurveyResults(Reader(), made->at("id").as_int64(), leader_);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(results->at("codes").as_int64(), 3);
  EXPECT_EQ(results->at("answered").as_int64(), 2);
  EXPECT_EQ(results->at("overall").at("n").as_int64(), 2);
  EXPECT_DOUBLE_EQ(results->at("overall").at("rate").as_double(), 75.0);  // (6/6 + 3/6) / 2
  EXPECT_TRUE(results->at("overall").at("small").as_bool());
  EXPECT_DOUBLE_EQ(results->at("by_question").as_array()[0].at("rate").as_double(), 50.0);
  EXPECT_EQ(results->at("by_school").as_array()[0].at("codes").as_int64(), 3);
  EXPECT_EQ(results->at("by_district").as_array()[0].at("district").as_string(), "瑶海区");
  ASSERT_EQ(results->at("comments").as_array().size(), 1u);  // the one parent who wrote something, with the school
  EXPECT_EQ(results->at("comments").as_array()[0].at("school").as_string(), "瑶海区实验中学");
  EXPECT_EQ(StableCode(SurveyResults(Reader(), made->at("id").as_int64(), staff_).status()), "duty.survey_not_found");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'duty.survey_answered'"), 2);
}

}  // namespace
}  // namespace qf::duty
