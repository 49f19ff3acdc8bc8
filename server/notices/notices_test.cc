// Notices: masking never leaks (a property test over generated people), the types file's hard rules, list
// checks (highest item only, caps, totals, ID check digits), the calendar-aware window, and the store:
// objections inside and outside the window, corrections with their ledger hash, silent edits detected.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "runtime/store_fixture.h"
#include "fmt/format.h"
#include "common/crypto_util.h"
#include "common/timefmt.h"
#include "common/mask.h"
#include "notices/notices.h"
#include "org/org.h"

namespace qf::notices {
namespace {

namespace json = boost::json;

const NoticeTypes& Types() {
  static NoticeTypes t = *NoticeTypes::Load(std::string(QF_SOURCE_DIR) + "/data/notices/types.toml");
  return t;
}

std::string WithCheckDigit(std::string seventeen) {
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (seventeen[i] - '0') * kWeights[i];
  return seventeen + "10X98765432"[sum % 11];
}

Table MakeTable(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  Table t;
  t.header = std::move(header);
  for (size_t i = 0; i < rows.size(); ++i) {
    t.rows.push_back(rows[i]);
    t.row_numbers.push_back(static_cast<int>(i) + 2);
  }
  return t;
}

TEST(NoticeMask, NamesAndIdNumbers) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("王小明"), "王*明");
  EXPECT_EQ(MaskName("欧阳春华"), "欧**华");
  EXPECT_EQ(MaskIdNumber("34010220100101123X"), "340102********123X");
  EXPECT_EQ(MaskIdNumber("3401"), "（不公开）");
  EXPECT_TRUE(ValidIdNumber("11010519491231002X"));  // GB 11643 example
  EXPECT_FALSE(ValidIdNumber("110105194912310021"));
}

// Property: over generated candidates, nothing the public receives contains a full ID number, its hidden
// middle, a phone, an address or a full name of two or more characters.
TEST(NoticeMask, PublicEntriesNeverLeak) {
  const NoticeType* type = Types().Find("policy_bonus");
  ASSERT_NE(type, nullptr);
  std::mt19937 rng(20261127);
  const char* surnames[] = {"张", "王", "李", "赵", "欧阳", "司马", "陈"};
  const char* given[] = {"伟", "芳", "小明", "子涵", "一", "雨桐", "浩然", "梓萱"};
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> ids, phones, names, addresses;
  for (int i = 0; i < 2000; ++i) {
    std::string s17 = "34010" + std::to_string(1 + rng() % 9);
    s17 += std::to_string(2008 + rng() % 4);
    s17 += fmt::format("{:02d}{:02d}{:03d}", 1 + rng() % 12, 1 + rng() % 28, rng() % 1000);
    std::string id = WithCheckDigit(s17);
    std::string phone = fmt::format("1{}{:09d}", 3 + rng() % 7, rng() % 1000000000);
    std::string name = std::string(surnames[rng() % 7]) + given[rng() % 8];
    std::string address = fmt::format("合肥市蜀山区长江西路{}号{}栋", rng() % 900 + 1, rng() % 30 + 1);
    ids.push_back(id);
    phones.push_back(phone);
    names.push_back(name);
    addresses.push_back(address);
    rows.push_back({name, id, "测试中学", "烈士子女", std::to_string(1 + rng() % 20), phone, address});
  }
  Table t = MakeTable({"姓名", "身份证号", "学校", "加分项目", "分值", "联系电话", "家庭住址"}, rows);
  auto r = CheckList(*type, t, [](const std::string&) { return true; });
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].field << r.errors[0].message;
  json::array pub;
  for (const auto& e : r.entries)
    if (e.counted) pub.push_back(PublicEntry(*type, e));
  std::string served = json::serialize(pub);
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(served.find(ids[i]), std::string::npos) << ids[i];
    ASSERT_EQ(served.find(ids[i].substr(6, 8)), std::string::npos) << "birth date and sequence of " << ids[i];
    ASSERT_EQ(served.find(phones[i]), std::string::npos);
    ASSERT_EQ(served.find(phones[i].substr(3, 8)), std::string::npos);
    ASSERT_EQ(served.find(addresses[i]), std::string::npos);
  }
  for (const auto& e : r.entries) {
    json::object o = PublicEntry(*type, e);
    std::string full(e.data.at("name").as_string());
    EXPECT_NE(std::string(o.at("name").as_string()), full);
    EXPECT_FALSE(o.contains("phone"));
    EXPECT_FALSE(o.contains("address"));
    EXPECT_FALSE(o.contains("total"));
  }
}

TEST(NoticeTypes, TheHardRulesHoldWhateverTheFileSays) {
  auto bad_phone = NoticeTypes::Parse(R"(
[[type]]
code = "x"
name = "x"
duration = 3
fields = [ { key = "phone", label = "电话", kind = "phone", public = true, mask = "none" } ]
)", "test");
  EXPECT_FALSE(bad_phone.ok());
  auto bad_id = NoticeTypes::Parse(R"(
[[type]]
code = "x"
name = "x"
duration = 3
fields = [ { key = "id", label = "身份证号", kind = "id_number", public = true, mask = "none" } ]
)", "test");
  EXPECT_FALSE(bad_id.ok());
  auto ok = NoticeTypes::Parse(R"(
[[type]]
code = "x"
name = "x"
duration = 3
fields = [ { key = "id", label = "身份证号", kind = "id_number", public = true, mask = "id_6_4" } ]
)", "test");
  EXPECT_TRUE(ok.ok()) << ok.status();
}

TEST(NoticeList, OnlyTheHighestItemCountsAndTotalsMustNotAdd) {
  const NoticeType* type = Types().Find("policy_bonus");
  std::string a = WithCheckDigit("34010220110101123"), b = WithCheckDigit("34010220110202456");
  Table t = MakeTable({"姓名", "身份证号", "学校", "加分项目", "分值"},
                      {{"张三", a, "测试中学", "三好学生", "5"},
                       {"李四", b, "测试中学", "归侨子女", "10"},
                       {"张三", a, "测试中学", "烈士子女", "20"}});
  auto r = CheckList(*type, t, [](const std::string&) { return true; });
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_FALSE(r.entries[0].counted);
  EXPECT_TRUE(r.entries[2].counted);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "第2行");
  EXPECT_NE(r.warnings[0].message.find("第4行"), std::string::npos);

  Table added = MakeTable({"姓名", "身份证号", "学校", "加分项目", "分值", "合计"},
                          {{"张三", a, "测试中学", "三好学生", "5", "25"}, {"张三", a, "测试中学", "烈士子女", "20", "25"}});
  auto r2 = CheckList(*type, added, [](const std::string&) { return true; });
  ASSERT_EQ(r2.errors.size(), 2u);
  EXPECT_NE(r2.errors[0].message.find("应为 20 分"), std::string::npos) << r2.errors[0].message;

  Table bad = MakeTable({"姓名", "身份证号", "学校", "加分项目", "分值"},
                        {{"王五", "340102201101011230", "测试中学", "x", "5"},
                         {"赵六", b, "不存在的学校", "x", "25"},
                         {"", b, "测试中学", "x", "abc"}});
  auto r3 = CheckList(*type, bad, [](const std::string& s) { return s == "测试中学"; });
  std::string all;
  for (auto& e : r3.errors) all += e.field + "：" + e.message + "\n";
  EXPECT_NE(all.find("第2行 第2列（身份证号）：身份证号码应为18位且校验码正确"), std::string::npos) << all;
  EXPECT_NE(all.find("第3行 第3列（学校）：系统中没有这所学校"), std::string::npos) << all;
  EXPECT_NE(all.find("超过上限 20 分"), std::string::npos) << all;
  EXPECT_NE(all.find("第4行 第1列（姓名）：不能为空"), std::string::npos) << all;
  EXPECT_NE(all.find("分值应为数字"), std::string::npos) << all;

  Table missing = MakeTable({"姓名", "学校"}, {{"张三", "测试中学"}});
  auto r4 = CheckList(*type, missing, [](const std::string&) { return true; });
  ASSERT_FALSE(r4.errors.empty());
  EXPECT_NE(r4.errors[0].message.find("身份证号"), std::string::npos);
}

TEST(NoticeWindow, CountsOnTheCalendar) {
  Calendar cal;
  ASSERT_TRUE(cal.LoadDir(std::string(QF_SOURCE_DIR) + "/data/calendar").ok());
  const NoticeType* bonus = Types().Find("policy_bonus");
  const NoticeType* cadre = Types().Find("cadre");
  // Monday 8 June 2026, 09:00: the publication day is not counted (民法典 第二百零一条); the three days are
  // the 9th, 10th and 11th, and the notice closes at the end of Thursday.
  auto w = WindowFor(*bonus, cal, absl::FromCivil(absl::CivilSecond(2026, 6, 8, 9, 0, 0), Cst()));
  EXPECT_EQ(FormatDay(w.last_day), "2026-06-11");
  EXPECT_EQ(FormatUtc(w.closes_at), "2026-06-11T16:00:00.000Z");
  // Wednesday 10 June: the third day is Saturday; the term ends on the next working day (第二百零三条).
  auto w2 = WindowFor(*bonus, cal, absl::FromCivil(absl::CivilSecond(2026, 6, 10, 9, 0, 0), Cst()));
  EXPECT_EQ(FormatDay(w2.last_day), "2026-06-15");
  // Five working days from Wednesday 30 September 2026 skip the National Day holiday.
  auto w3 = WindowFor(*cadre, cal, absl::FromCivil(absl::CivilSecond(2026, 9, 30, 9, 0, 0), Cst()));
  EXPECT_GT(w3.last_day, absl::CivilDay(2026, 10, 8));
  EXPECT_EQ(FormatDay(w3.last_day), "2026-10-13");  // 8, 9, 10 (调休), 12, 13 October
  EXPECT_EQ(cal.WorkingDaysBetween(absl::CivilDay(2026, 9, 30), w3.last_day), 5);
  EXPECT_EQ(cal.WorkingDaysBetween(w3.last_day, w3.final_day), 5);
}

class NoticeStoreTest : public StoreTest {
 protected:
  NoticeStoreTest() : StoreTest(absl::FromCivil(absl::CivilSecond(2026, 6, 10, 9, 0, 0), Cst())) {}
  void SetUp() override {
    StoreTest::SetUp();
    AppContext& app = rt_->app();
    env_ = {app.notice_types, app.calendar, cases::CaseEnv{app.calendar, app.policies, app.vault}};
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      bureau_ = *org::InsertUnit(tx, {0, "JYJ", "市教育局", "bureau"});
      org::Unit div{0, "JYJ-basic_ed", "基教处", "division", bureau_};
      div.role = "basic_ed";
      basic_ed_ = *org::InsertUnit(tx, div);
      org::Unit dis{0, "JYJ-discipline", "纪委监察室", "division", bureau_};
      dis.role = "discipline";
      (void)*org::InsertUnit(tx, dis);
      org::Unit s{0, "S1", "测试中学", "school", bureau_};
      s.stage = "初中";
      s.district = "蜀山区";
      s.ownership = "public";
      (void)*org::InsertUnit(tx, s);
      return json::value();
    });
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // The discipline office, which may act for any notice.
  Principal Sup() {
    Principal p;
    p.account_id = 1;
    p.roles = kSupervisor;
    return p;
  }
  int64_t Draft() {
    Table t = MakeTable({"姓名", "身份证号", "学校", "加分项目", "分值", "联系电话"},
                        {{"张三", WithCheckDigit("34010220110101123"), "测试中学", "烈士子女", "20", "13912345678"},
                         {"李四", WithCheckDigit("34010220110202456"), "测试中学", "归侨子女", "10", ""}});
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(auto o, CreateDraft(tx, env_, "policy_bonus", "2026年中考政策加分公示", basic_ed_, t));
      return o;
    });
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->as_object().at("id").as_int64() : 0;
  }
  json::object View(int64_t id) {
    auto db = rt_->app().readers->Get();
    auto v = PublicView(**db, env_, id, clock_.Now());
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : json::object{};
  }
  NoticeEnv env_;
  int64_t bureau_ = 0, basic_ed_ = 0;
};

TEST_F(NoticeStoreTest, ObjectionsInTheWindowBecomeCasesForTheIssuer) {
  int64_t id = Draft();
  auto db = rt_->app().readers->Get();
  EXPECT_FALSE(PublicView(**db, env_, id, clock_.Now()).ok()) << "a draft is not public";
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Publish(tx, env_, id, tx.now(), Sup()));
    return o;
  }).ok());
  json::object v = View(id);
  EXPECT_EQ(v.at("status").as_string(), "open");
  EXPECT_TRUE(v.at("intact").as_bool());
  EXPECT_EQ(v.at("entries").as_array().size(), 2u);
  EXPECT_EQ(json::serialize(v).find("13912345678"), std::string::npos);

  json::object body{{"entry_seq", 1}, {"name", "王先生"}, {"phone", "13800001111"}, {"content", "该考生不符合烈士子女加分条件"}};
  auto obj = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Object(tx, env_, id, *ParseObjection(body)));
    return o;
  });
  ASSERT_TRUE(obj.ok()) << obj.status();
  EXPECT_EQ(obj->as_object().at("due_on").as_string(), v.at("final_day").as_string());
  auto st = *(*db)->Prepare(
      "SELECT c.handling_unit_id, d.due_on FROM notice_objections o JOIN cases c ON c.id=o.case_id "
      "JOIN case_deadlines d ON d.case_id=c.id AND d.kind='notice_final'");
  ASSERT_TRUE(*st.Step());
  EXPECT_EQ(st.Int(0), basic_ed_);
  EXPECT_EQ(st.Text(1), std::string(v.at("final_day").as_string()));

  // Not final while the window runs, nor while the objection is unanswered.
  auto fin = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Finalize(tx, env_, id, Sup()));
    return o;
  });
  EXPECT_EQ(fin.status().code(), absl::StatusCode::kFailedPrecondition);

  // After the window closes, objections are refused and nothing is written. Published on Wednesday 10 June, the
  // three days are the 11th, 12th and 13th (a Saturday), so the term runs to the end of Monday the 15th.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 15, 23, 59, 0), Cst()));
  EXPECT_EQ(View(id).at("status").as_string(), "open");
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 16, 0, 0, 1), Cst()));
  auto late = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Object(tx, env_, id, *ParseObjection(body)));
    return o;
  });
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  auto n = *(*db)->Prepare("SELECT COUNT(*) FROM cases");
  ASSERT_TRUE(*n.Step());
  EXPECT_EQ(n.Int(0), 1);
  fin = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Finalize(tx, env_, id, Sup()));
    return o;
  });
  EXPECT_NE(std::string(fin.status().message()).find("尚未答复"), std::string::npos) << fin.status();
}

TEST_F(NoticeStoreTest, CorrectionsAreVisibleAndRecordedAndSilentEditsShow) {
  int64_t id = Draft();
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Publish(tx, env_, id, tx.now(), Sup()));
    return o;
  }).ok());
  std::string before(View(id).at("list_hash").as_string());
  auto c = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Correct(tx, env_, id, 1, *ParseCorrection({{"action", "correct"}, {"note", "加分项目核实为三好学生"},
                                                         {"fields", json::object{{"item", "三好学生"}, {"points", 5}}}}), Sup()));
    return o;
  });
  ASSERT_TRUE(c.ok()) << c.status();
  json::object v = View(id);
  EXPECT_NE(std::string(v.at("list_hash").as_string()), before);
  EXPECT_TRUE(v.at("intact").as_bool());
  auto& e = v.at("entries").as_array()[0].as_object();
  EXPECT_EQ(e.at("item").as_string(), "三好学生");
  EXPECT_EQ(e.at("note").as_string(), "经核查已更正：加分项目核实为三好学生");
  // A correction over the cap is refused like an import.
  auto over = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto o, Correct(tx, env_, id, 2, *ParseCorrection({{"action", "correct"}, {"note", "x"}, {"fields", json::object{{"points", 30}}}}), Sup()));
    return o;
  });
  EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  // Someone edits a row behind the application's back: the served list no longer matches the ledger.
  {
    auto raw = Db::Open(path_, DbMode::kWriter);
    ASSERT_TRUE(raw.ok());
    auto read = (*raw)->Prepare("SELECT data FROM notice_entries WHERE seq=2");
    ASSERT_TRUE(read.ok() && *read->Step());
    json::object data = json::parse(read->Text(0)).as_object();
    data["points"] = 15.0;
    auto write = (*raw)->Prepare("UPDATE notice_entries SET data=? WHERE seq=2");
    ASSERT_TRUE(write.ok());
    ASSERT_TRUE(write->Bind(1, json::serialize(data)).Run().ok());
  }
  EXPECT_FALSE(View(id).at("intact").as_bool());
}

}  // namespace
}  // namespace qf::notices
