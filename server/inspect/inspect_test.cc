// Inspections: the sample over many seeds (quotas per stratum, hotspots always in, weights felt, reproducible
// from the public record), groups (recusal, balance, two or more each), and the store: the checklist to the
// leader's confirmation, orders with cards once each and a new term when sent back, the veto export, and a
// bulletin that no later change can alter.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "runtime/runtime.h"
#include "auth/auth_store.h"
#include "common/crypto_util.h"
#include "common/timefmt.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "reports/bulletin.h"
#include "reports/documents.h"
#include "reports/bulletin.h"
#include "reports/documents.h"
#include "org/org.h"

namespace qf::inspect {
namespace {

namespace json = boost::json;

std::vector<SchoolFact> City(int per_stratum, std::mt19937& rng) {
  std::vector<SchoolFact> out;
  const char* districts[] = {"瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县"};
  const char* stages[] = {"小学", "初中", "高中"};
  int n = 0;
  for (auto d : districts)
    for (auto s : stages)
      for (int i = 0; i < per_stratum + static_cast<int>(rng() % 7); ++i) {
        SchoolFact f;
        f.id = ++n;
        f.code = fmt::format("S{:04d}", n);
        f.district = d;
        f.stage = s;
        f.enrolment = 1000;
        f.expected = 2;
        f.complaints = static_cast<int>(rng() % 5);
        f.hotspot = n % 37 == 0;
        if (f.hotspot) f.hotspot_reason = "每千名学生投诉显著高于全市";
        out.push_back(f);
      }
  return out;
}

TEST(Sampling, QuotasHotspotsAndWeightsHoldOverManySeeds) {
  std::mt19937 rng(11);
  auto schools = City(12, rng);
  SampleFrame frame = BuildFrame(schools, 0.05);
  std::map<std::string, int> quota;
  for (auto& s : frame.strata) quota[s.label] = s.quota;
  std::map<std::string, int> times;
  int seeds = 400;
  for (int k = 0; k < seeds; ++k) {
    auto picked = DrawSample(frame, draws::MakeSeed("secret", std::to_string(k)));
    std::map<std::string, int> per;
    std::set<std::string> codes;
    for (auto& p : picked) ++per[p.stratum], codes.insert(p.code), ++times[p.code];
    for (auto& [label, q] : quota) {
      int hot = static_cast<int>(std::count_if(frame.candidates.begin(), frame.candidates.end(),
                                               [&](auto& c) { return c.stratum == label && c.included; }));
      ASSERT_EQ(per[label], std::max(q, hot)) << label << " seed " << k;
    }
    for (auto& c : frame.candidates)
      if (c.included) ASSERT_TRUE(codes.count(c.code)) << "hotspot " << c.code << " left out";
    ASSERT_EQ(codes.size(), picked.size()) << "no school twice";
  }
  // At least 5% of each stratum, and the whole.
  int total = 0;
  for (auto& s : frame.strata) {
    EXPECT_GE(s.quota, 0.05 * s.population);
    total += s.quota;
  }
  EXPECT_GE(total, 0.05 * schools.size());
  // Weights are felt: schools weighted up are drawn more often than ordinary ones of their stratum.
  double heavy = 0, light = 0;
  int nh = 0, nl = 0;
  for (auto& c : frame.candidates) {
    if (c.included) continue;
    if (c.weight >= 1.5) heavy += times[c.code], ++nh;
    else if (c.weight == 1) light += times[c.code], ++nl;
  }
  ASSERT_GT(nh, 0);
  EXPECT_GT(heavy / nh, 1.25 * light / nl);
}

TEST(Sampling, StrataByStageGroupWithMinimums) {
  std::mt19937 rng(9);
  auto schools = City(12, rng);
  SampleFrame plain = BuildFrame(schools, 0.05);
  SampleFrame more = BuildFrame(schools, 0.05, {{"普通高中", 5}});
  ASSERT_EQ(plain.strata.size(), 10u) << "5 districts × 义务教育 and 普通高中";
  for (size_t i = 0; i < more.strata.size(); ++i) {
    bool high = more.strata[i].label.find("/普通高中") != std::string::npos;
    EXPECT_EQ(more.strata[i].quota, high ? std::max(plain.strata[i].quota, 5) : plain.strata[i].quota) << more.strata[i].label;
  }
  EXPECT_EQ(StageGroup("完全中学"), "普通高中");
  EXPECT_EQ(StageGroup("九年一贯制"), "义务教育");
  for (auto& c : plain.candidates)
    if (c.included) EXPECT_NE(c.reason.find("投诉集中"), std::string::npos);
}

TEST(Sampling, TheSampleRecomputesFromItsPublicRecordAndTamperingShows) {
  std::mt19937 rng(5);
  auto schools = City(10, rng);
  SampleFrame frame = BuildFrame(schools, 0.1);
  std::string secret = "campaign-secret";
  auto picked = DrawSample(frame, draws::MakeSeed(secret, "3412.07"));
  json::array cands, strata, sample;
  for (auto& c : frame.candidates)
    cands.push_back(json::object{{"code", c.code}, {"stratum", c.stratum}, {"weight", c.weight}, {"included", c.included}});
  for (auto& s : frame.strata) strata.push_back(json::object{{"label", s.label}, {"population", s.population}, {"quota", s.quota}});
  for (auto& p : picked) sample.push_back(json::object{{"code", p.code}});
  json::object rec{{"rate", 0.1}, {"secret", secret}, {"commitment", draws::Commitment(secret)}, {"public_value", "3412.07"},
                   {"candidates", cands}, {"strata", strata}, {"sample", sample}};
  SampleCheck ok = VerifySample(rec);
  EXPECT_TRUE(ok.ok) << (ok.failed.empty() ? "" : ok.failed[0]);
  json::object other = rec;
  other["public_value"] = "3412.08";
  EXPECT_FALSE(VerifySample(other).ok);
  json::object heavier = rec;
  heavier["candidates"].as_array()[0].as_object()["weight"] = 3.0;  // a weight changed after the commitment
  auto h = VerifySample(heavier);
  json::object quota = rec;
  quota["strata"].as_array()[0].as_object()["quota"] = 0;
  EXPECT_FALSE(VerifySample(quota).ok);
  (void)h;  // a changed weight may or may not change the draw; the frame's hash in the ledger is what fixes it
}

TEST(Groups, RecusalBalanceAndSize) {
  std::mt19937 rng(3);
  std::vector<GroupSchool> schools;
  for (int i = 0; i < 44; ++i)
    schools.push_back({100 + i, fmt::format("S{:03d}", i), 31.7 + (rng() % 3000) / 10000.0, 117.1 + (rng() % 3000) / 10000.0});
  std::vector<Inspector> inspectors;
  for (int i = 0; i < 16; ++i) {
    Inspector in{fmt::format("I{:03d}", i), 1000 + i, "", 1};
    if (i % 3 == 0) in.interest_unit_ids = {100 + static_cast<int64_t>(rng() % 44), 100 + static_cast<int64_t>(rng() % 44)};
    if (i == 5) in.unit_id = 110;  // works at a sampled school
    inspectors.push_back(in);
  }
  for (int k = 0; k < 50; ++k) {
    GroupPlan p = FormGroups(inspectors, schools, 4, 8, draws::MakeSeed("s", std::to_string(k)));
    ASSERT_TRUE(p.problems.empty()) << p.problems[0];
    std::vector<int> load(4, 0);
    for (size_t i = 0; i < schools.size(); ++i) {
      int g = p.school_group[i];
      ASSERT_GE(g, 0);
      ++load[g];
      for (size_t m : p.members[g]) ASSERT_FALSE(Conflicted(inspectors[m], schools[i].id)) << "seed " << k;
    }
    EXPECT_EQ(*std::max_element(load.begin(), load.end()), 11);
    EXPECT_EQ(*std::min_element(load.begin(), load.end()), 11);
    for (auto& g : p.members) EXPECT_EQ(g.size(), 2u);
    std::set<size_t> all;
    for (auto& g : p.members) all.insert(g.begin(), g.end());
    EXPECT_EQ(all.size(), 8u) << "nobody in two groups";
  }
  GroupPlan few = FormGroups(std::vector<Inspector>(inspectors.begin(), inspectors.begin() + 5), schools, 4, 8, draws::MakeSeed("s", "x"));
  ASSERT_FALSE(few.problems.empty());
  EXPECT_NE(few.problems[0].find("需要 8 人"), std::string::npos);
  EXPECT_FALSE(FormGroups(inspectors, schools, 4, 4, draws::MakeSeed("s", "x")).problems.empty()) << "one-person groups refused";
  EXPECT_FALSE(FormGroups(inspectors, schools, 4, 7, draws::MakeSeed("s", "x")).problems.empty()) << "a group of one refused";
}

// The seed's project inspection: 20 people in 6 groups — groups of 4, 4, 3, 3, 3, 3, nobody twice, every site
// visited by a group with no interest in it.
TEST(Groups, UnevenGroupsOfAnySize) {
  std::mt19937 rng(5);
  std::vector<GroupSchool> sites;
  for (int i = 0; i < 24; ++i)
    sites.push_back({200 + i, fmt::format("XM{:03d}", i), 31.5 + (rng() % 5000) / 10000.0, 117.0 + (rng() % 5000) / 10000.0});
  std::vector<Inspector> inspectors;
  for (int i = 0; i < 24; ++i) {
    Inspector in{fmt::format("I{:03d}", i), 2000 + i, "", 1};
    if (i % 4 == 0) in.interest_unit_ids = {200 + static_cast<int64_t>(rng() % 24)};
    inspectors.push_back(in);
  }
  for (int k = 0; k < 20; ++k) {
    GroupPlan p = FormGroups(inspectors, sites, 6, 20, draws::MakeSeed("p", std::to_string(k)));
    ASSERT_TRUE(p.problems.empty()) << p.problems[0];
    std::vector<size_t> sizes;
    std::set<size_t> all;
    for (auto& g : p.members) {
      sizes.push_back(g.size());
      all.insert(g.begin(), g.end());
    }
    EXPECT_EQ(sizes, (std::vector<size_t>{4, 4, 3, 3, 3, 3}));
    EXPECT_EQ(all.size(), 20u) << "nobody in two groups";
    std::vector<int> load(6, 0);
    for (size_t i = 0; i < sites.size(); ++i) {
      ++load[p.school_group[i]];
      for (size_t m : p.members[p.school_group[i]]) ASSERT_FALSE(Conflicted(inspectors[m], sites[i].id));
    }
    EXPECT_EQ(*std::max_element(load.begin(), load.end()), 4);
    EXPECT_EQ(*std::min_element(load.begin(), load.end()), 4);
  }
  // Staff who may visit none of the sites (every one their own district's) are passed over, never left in a group.
  std::vector<Inspector> with_locals = inspectors;
  for (int i = 0; i < 6; ++i) {
    Inspector local{fmt::format("L{:03d}", i), 3000 + i, "", 1};
    for (auto& s : sites) local.interest_unit_ids.push_back(s.id);
    with_locals.push_back(local);
  }
  for (int k = 0; k < 10; ++k) {
    GroupPlan p = FormGroups(with_locals, sites, 6, 20, draws::MakeSeed("l", std::to_string(k)));
    ASSERT_TRUE(p.problems.empty()) << p.problems[0];
    for (auto& g : p.members)
      for (size_t m : g) EXPECT_LT(m, inspectors.size()) << "a member who may visit nothing was drawn";
  }
  GroupPlan short_pool = FormGroups(std::vector<Inspector>(inspectors.begin(), inspectors.begin() + 18), sites, 6, 20,
                                    draws::MakeSeed("p", "x"));
  ASSERT_FALSE(short_pool.problems.empty());
  EXPECT_NE(short_pool.problems[0].find("需要 20 人"), std::string::npos);
}

class InspectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SodiumInit());
    path_ = (std::filesystem::temp_directory_path() / ("qf_inspect_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db")).string();
    std::filesystem::remove(path_);
    auto rt = Runtime::Open({path_, std::string(QF_SOURCE_DIR) + "/data", {}}, clock_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
    env_ = {rt_->app().calendar, rt_->app().vault, rt_->app().policies};
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      int64_t bureau = *org::InsertUnit(tx, {0, "JYJ", "市教育局", "bureau"});
      org::Unit dis{0, "JYJ-discipline", "纪委监察室", "division", bureau};
      dis.role = "discipline";
      discipline_ = *org::InsertUnit(tx, dis);
      for (int i = 0; i < 40; ++i) {
        org::Unit s{0, fmt::format("S{:03d}", i), fmt::format("第{}学校", i), "school", bureau};
        s.district = i % 2 ? "瑶海区" : "蜀山区";
        s.stage = "初中";
        s.ownership = "public";
        s.lat = 31.8 + i * 0.001;
        s.lon = 117.2 + i * 0.001;
        s.enrolment = 1000;
        schools_.push_back(*org::InsertUnit(tx, s));
      }
      std::vector<int64_t> people;
      for (int i = 0; i < 6; ++i) {
        people.push_back(*org::InsertPerson(tx, {0, fmt::format("P{}", i), fmt::format("检查员{}", i), discipline_, "", "科员", false}));
        QF_RETURN_IF_ERROR(draws::SaveMember(tx, draws::Pool::kInspector, draws::MemberInput{fmt::format("I{}", i), fmt::format("P{}", i)}).status());
      }
      auto account = [&](const char* user, RoleSet roles, int64_t person, int64_t unit) {
        auth::NewAccount na{user, user, person, unit, "x", roles, ""};
        Principal p;
        p.account_id = *auth::CreateAccount(tx, na);
        p.roles = roles;
        p.person_id = person;
        p.unit_id = unit;
        return p;
      };
      sup_ = account("sup", kSupervisor, 0, discipline_);
      leader_ = account("lead", kLeader, 0, bureau);
      for (int i = 0; i < 6; ++i) inspectors_.push_back(account(fmt::format("insp{}", i).c_str(), kInspector, people[i], discipline_));
      school_handler_ = account("school", kHandler, 0, schools_[0]);
      return json::value();
    });
    ASSERT_TRUE(r.ok()) << r.status();
  }
  void TearDown() override {
    rt_.reset();
    for (auto ext : {"", "-wal", "-shm", ".vault.key", ".ledger.key"}) std::filesystem::remove(path_ + ext);
  }
  absl::StatusOr<json::value> Run(std::function<absl::StatusOr<json::value>(Tx&)> f) {
    return rt_->writer().Run(Actor::System(), std::move(f));
  }
  template <typename F>
  absl::StatusOr<json::object> Do(F f) {
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(auto o, f(tx));
      return o;
    });
    if (!r.ok()) return r.status();
    return r->as_object();
  }
  // A request that parses (the tests that follow are about the store).
  template <typename T>
  static T Must(absl::StatusOr<T> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : T{};
  }
  // A sampled campaign of 2 groups of 2; returns its id.
  int64_t Sampled() {
    json::object body{{"title", "春季收费专项检查"}, {"period_from", "2026-03-01"}, {"period_to", "2026-04-30"},
                      {"rate", 0.1}, {"groups", 2}, {"group_size", 2},
                      {"checklist", json::array{json::object{{"key", "fees_public"}, {"label", "是否公示收费项目"}, {"basis", "教育收费公示制度"}, {"answer", "yesno"}},
                                                json::object{{"key", "extra_fees"}, {"label", "违规收费金额"}, {"basis", "义务教育法第五十六条"}, {"answer", "amount"}, {"term", "5wd"}}}}};
    auto c = Do([&](Tx& tx) { return CreateCampaign(tx, env_, Must(ParseCampaign(body, sup_)), sup_); });
    EXPECT_TRUE(c.ok()) << c.status();
    int64_t id = c->at("id").as_int64();
    EXPECT_TRUE(Do([&](Tx& tx) { return CommitSample(tx, env_, id, leader_.account_id, sup_); }).ok());
    auto d = Do([&](Tx& tx) { return DrawCampaign(tx, env_, id, "上证 3401.22", leader_); });
    EXPECT_TRUE(d.ok()) << d.status();
    return id;
  }
  std::string path_;
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), Cst())};
  std::unique_ptr<Runtime> rt_;
  InspectEnv env_;
  int64_t discipline_ = 0;
  std::vector<int64_t> schools_;
  Principal sup_, leader_, school_handler_;
  std::vector<Principal> inspectors_;
};

TEST_F(InspectStoreTest, ChecklistToOrdersWithCardsOnceAndANewTermWhenSentBack) {
  int64_t id = Sampled();
  auto db = rt_->app().readers->Get();
  auto rec = PublicCampaign(**db, id);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_TRUE(rec->at("server_check").at("ok").as_bool());
  EXPECT_EQ(rec->at("sample").as_array().size(), 4u) << "10% of 20 in each of two strata";
  // The first form, by a member of its group.
  int64_t form = 0;
  Principal member, leader;
  for (auto& p : inspectors_) {
    auto mine = MyForms(**db, p);
    ASSERT_TRUE(mine.ok());
    for (auto& f : mine->at("items").as_array())
      if (!form || f.at("id").as_int64() == form) {
        form = f.at("id").as_int64();
        (f.at("is_leader").as_bool() ? leader : member) = p;
      }
  }
  ASSERT_GT(form, 0);
  ASSERT_GT(member.account_id, 0);
  ASSERT_GT(leader.account_id, 0);
  Principal outsider = school_handler_;
  outsider.person_id = 999;
  EXPECT_EQ(FormView(**db, form, outsider).status().code(), absl::StatusCode::kNotFound);
  // Submitting with a failed item and no finding is refused; a draft is not.
  json::object answers{{"fees_public", false}, {"extra_fees", 2300.5}};
  auto bad = Do([&](Tx& tx) { return SaveForm(tx, form, Must(ParseFormSave({{"version", 1}, {"answers", answers}, {"submit", true}})), member); });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Do([&](Tx& tx) { return SaveForm(tx, form, Must(ParseFormSave({{"version", 1}, {"answers", answers}, {"submit", false}})), member); }).ok());
  auto stale = Do([&](Tx& tx) { return SaveForm(tx, form, Must(ParseFormSave({{"version", 1}, {"answers", answers}, {"submit", false}})), member); });
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << "a second tablet with an old copy";
  json::array findings{json::object{{"item", "fees_public"}, {"description", "未在校门口公示收费项目和标准"}},
                       json::object{{"item", "extra_fees"}, {"description", "收取资料费2300.5元"}}};
  ASSERT_TRUE(Do([&](Tx& tx) { return SaveForm(tx, form, Must(ParseFormSave({{"version", 2}, {"answers", answers}, {"findings", findings}, {"submit", true}})), member); }).ok());
  EXPECT_EQ(Do([&](Tx& tx) { return ConfirmForm(tx, env_, form, member); }).status().code(), absl::StatusCode::kPermissionDenied);
  auto conf = Do([&](Tx& tx) { return ConfirmForm(tx, env_, form, leader); });
  ASSERT_TRUE(conf.ok()) << conf.status();
  auto orders = conf->at("rectifications").as_array();
  ASSERT_EQ(orders.size(), 2u);
  int64_t order = orders[0].at("id").as_int64();
  std::string due(orders[0].at("due_on").as_string());
  EXPECT_EQ(rt_->app().calendar->WorkingDaysBetween(absl::CivilDay(2026, 3, 2), *ParseDay(due)), 10);
  EXPECT_EQ(rt_->app().calendar->WorkingDaysBetween(absl::CivilDay(2026, 3, 2), *ParseDay(std::string(orders[1].at("due_on").as_string()))), 5)
      << "the item's own term";

  auto sweep = [&] { return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int n, SweepRectifications(tx, env_));
    return json::value(n);
  })->as_int64(); };
  EXPECT_EQ(sweep(), 0);
  absl::CivilDay d = *ParseDay(due);
  clock_.Set(CstStart(d) + absl::Hours(9));  // the first's due day: yellow for it, red for the 5-day one
  EXPECT_EQ(sweep(), 2);
  EXPECT_EQ(sweep(), 0) << "once";
  clock_.Set(CstStart(d + 1) + absl::Hours(9));  // the day after: red for the first too
  EXPECT_EQ(sweep(), 1);
  EXPECT_EQ(sweep(), 0);
  // The school answers (its handler, scoped to its unit) and is sent back: a new term, open again.
  int64_t school = 0;
  {
    auto st = *(*db)->Prepare("SELECT school_id FROM rectifications WHERE id=?");
    st.Bind(1, order);
    ASSERT_TRUE(*st.Step());
    school = st.Int(0);
  }
  Principal other_school = school_handler_;
  other_school.unit_id = school == schools_[0] ? schools_[1] : schools_[0];
  Principal own = school_handler_;
  own.unit_id = school;
  std::string photo("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 33);
  auto ev = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(std::string h, AddRectificationEvidence(tx, order, "公示栏照片", photo, own));
    return json::value(h);
  });
  ASSERT_TRUE(ev.ok()) << ev.status();
  EXPECT_EQ(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
              QF_ASSIGN_OR_RETURN(std::string h, AddRectificationEvidence(tx, order, "照片", photo, other_school));
              return json::value(h);
            }).status().code(),
            absl::StatusCode::kNotFound)
      << "another school cannot attach evidence to this order";
  auto answer = Must(ParseRectificationAnswer({{"answer", "已在校门口公示栏公示全部收费项目"}, {"evidence", json::array{*ev}}}));
  EXPECT_EQ(Do([&](Tx& tx) { return AnswerRectification(tx, order, answer, other_school); }).status().code(), absl::StatusCode::kNotFound);
  // Evidence is cited only for the order it was uploaded for: the other order's answer cannot borrow it.
  int64_t other_order = orders[1].at("id").as_int64();
  EXPECT_EQ(Do([&](Tx& tx) { return AnswerRectification(tx, other_order, answer, own); }).status().code(),
            absl::StatusCode::kInvalidArgument);
  {
    auto db = rt_->app().readers->Get();
    EXPECT_TRUE(GetEvidence(**db, std::string(ev->as_string()), own).ok()) << "the school sees its own order's file";
    EXPECT_EQ(GetEvidence(**db, std::string(ev->as_string()), other_school).status().code(), absl::StatusCode::kNotFound)
        << "another school does not";
    EXPECT_TRUE(GetEvidence(**db, std::string(ev->as_string()), sup_).ok());
  }
  auto ans = Do([&](Tx& tx) { return AnswerRectification(tx, order, answer, own); });
  ASSERT_TRUE(ans.ok()) << ans.status();
  EXPECT_TRUE(ans->at("late").as_bool());
  auto back = Do([&](Tx& tx) { return CheckRectification(tx, env_, order, Must(ParseRectificationCheck({{"decision", "return"}, {"note", "照片不清晰"}})), sup_); });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->at("state").as_string(), "open");
  EXPECT_GT(std::string(back->at("due_on").as_string()), due);
  EXPECT_EQ(sweep(), 0) << "no red on the new term";
}

TEST_F(InspectStoreTest, VetoExportNamesTheBarredAndWhy) {
  ASSERT_TRUE(Do([&](Tx& tx) {
    return RecordSanction(tx, env_, Must(ParseSanction({{"target", "unit"}, {"unit_id", schools_[3]}, {"kind", "yellow_card"}, {"self_criticism", true},
                               {"reason", "违规收取资料费"}, {"decided_on", "2026-04-10"}, {"veto", true}})));
  }).ok());
  auto no_self_criticism = ParseSanction(
      {{"target", "unit"}, {"unit_id", schools_[4]}, {"kind", "yellow_card"}, {"reason", "x"}, {"decided_on", "2026-04-10"}});
  ASSERT_FALSE(no_self_criticism.ok());
  EXPECT_NE(no_self_criticism.status().ToString().find("self_criticism"), std::string::npos)
      << "a yellow card needs the written self-criticism";
  ASSERT_TRUE(Do([&](Tx& tx) {
    return RecordSanction(tx, env_, Must(ParseSanction({{"target", "unit"}, {"unit_id", schools_[5]}, {"kind", "criticism"}, {"reason", "未按时整改"}, {"decided_on", "2026-04-10"}})));
  }).ok());
  auto db = rt_->app().readers->Get();
  auto rows = VetoRows(**db, 2026);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1][1], "第3学校");
  EXPECT_NE((*rows)[1][5].find("黄牌警告：违规收取资料费"), std::string::npos);
  EXPECT_EQ(VetoRows(**db, 2027)->size(), 1u) << "only the year's";
}

TEST_F(InspectStoreTest, APublishedBulletinNeverChanges) {
  auto d = Do([&](Tx& tx) { return reports::DraftBulletin(tx, rt_->app().data_dir, "2026Q1", tx.now()); });
  ASSERT_TRUE(d.ok()) << d.status();
  int64_t id = d->at("id").as_int64();
  ASSERT_TRUE(Do([&](Tx& tx) { return RecordRefund(tx, Must(ParseRefund({{"school_id", schools_[2]}, {"amount", 1800.0}, {"pupils", 12}, {"refunded_on", "2026-03-05"}}))); }).ok());
  ASSERT_TRUE(Do([&](Tx& tx) { return reports::DraftBulletin(tx, rt_->app().data_dir, "2026Q1", tx.now()); }).ok()) << "a draft can be redrawn";
  ASSERT_TRUE(Do([&](Tx& tx) { return reports::EditBulletin(tx, id, "一季度共退还违规收费1800元。", sup_); }).ok());
  ASSERT_TRUE(Do([&](Tx& tx) { return reports::ApproveBulletin(tx, id, "检查点", leader_); }).ok());
  ASSERT_TRUE(Do([&](Tx& tx) { return reports::PublishBulletin(tx, id, sup_); }).ok());
  auto db = rt_->app().readers->Get();
  auto before = reports::BulletinView(**db, id, true);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->at("snapshot").at("totals").at("refund_yuan").as_double(), 1800.0);
  // Later: another refund in the quarter, a redraft attempt, an edit, a direct write.
  ASSERT_TRUE(Do([&](Tx& tx) { return RecordRefund(tx, Must(ParseRefund({{"school_id", schools_[2]}, {"amount", 500.0}, {"pupils", 3}, {"refunded_on", "2026-03-06"}}))); }).ok());
  EXPECT_EQ(Do([&](Tx& tx) { return reports::DraftBulletin(tx, rt_->app().data_dir, "2026Q1", tx.now()); }).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Do([&](Tx& tx) { return reports::EditBulletin(tx, id, "改", sup_); }).status().code(), absl::StatusCode::kFailedPrecondition);
  auto raw = Db::Open(path_, DbMode::kWriter);
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE((*raw)->Exec("UPDATE bulletins SET narrative='改' WHERE id=1").ok()) << "the trigger refuses";
  auto after = reports::BulletinView(**db, id, true);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(json::serialize(after->at("snapshot")), json::serialize(before->at("snapshot")));
  EXPECT_EQ(after->at("hash"), before->at("hash"));
  EXPECT_TRUE(after->at("intact").as_bool());
  auto xlsx = reports::BulletinTablesXlsx(*after);
  ASSERT_TRUE(xlsx.ok());
  EXPECT_EQ(xlsx->substr(0, 2), "PK");
  // The quarter's documents are made from the approved snapshot: the later refund is not in them.
  auto quarter = reports::QuarterBulletin(**db, rt_->app().data_dir, "2026Q1", clock_.Now());
  ASSERT_TRUE(quarter.ok()) << quarter.status();
  EXPECT_TRUE(quarter->at("frozen").as_bool());
  EXPECT_EQ(quarter->at("snapshot").at("totals").at("refund_yuan").as_double(), 1800.0);
  EXPECT_EQ(quarter->at("hash"), before->at("hash"));
  auto live = reports::QuarterBulletin(**db, rt_->app().data_dir, "2026Q2", clock_.Now());
  ASSERT_TRUE(live.ok());
  EXPECT_FALSE(live->at("frozen").as_bool()) << "a quarter without an approved bulletin is live data, marked as such";
  auto doc = reports::BulletinDocx(**db, rt_->app().data_dir, "2026Q1", clock_.Now());
  ASSERT_TRUE(doc.ok()) << doc.status();
}

// 谁抽查、谁公示: the results are owed within 20 working days of the period's end, carded like any deadline, and
// their publication is recorded with whether it was late.
TEST_F(InspectStoreTest, ResultsArePublishedWithinTwentyWorkingDaysOfTheEnd) {
  int64_t id = Sampled();  // period ends Thursday 30 April 2026
  auto db = rt_->app().readers->Get();
  auto view = CampaignView(**db, env_, id, sup_, clock_.Now());
  ASSERT_TRUE(view.ok()) << view.status();
  auto& dl = view->at("results_deadline").as_object();
  EXPECT_EQ(dl.at("due_on").as_string(), "2026-06-01");  // 20 working days over May Day (May 9 worked)
  EXPECT_EQ(dl.at("term").as_string(), "20wd");
  EXPECT_EQ(dl.at("colour").as_string(), "green");
  EXPECT_EQ(Do([&](Tx& tx) { return PublishResults(tx, id, sup_); }).status().code(), absl::StatusCode::kFailedPrecondition)
      << "nothing confirmed yet";
  auto sweep = [&] { return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int n, SweepCampaignResults(tx, env_));
    return json::value(n);
  })->as_int64(); };
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 2, 9, 0, 0), Cst()));
  EXPECT_EQ(sweep(), 1);
  EXPECT_EQ(sweep(), 0) << "once";
  view = CampaignView(**db, env_, id, sup_, clock_.Now());
  EXPECT_EQ(view->at("results_deadline").at("colour").as_string(), "red");
  // A confirmed checklist (filled by a member of its group, confirmed by its leader), then the late
  // publication: recorded as missed.
  int64_t form = 0;
  Principal member, leader;
  for (auto& p : inspectors_) {
    auto mine = MyForms(**db, p);
    ASSERT_TRUE(mine.ok());
    for (auto& f : mine->at("items").as_array())
      if (!form || f.at("id").as_int64() == form) {
        form = f.at("id").as_int64();
        (f.at("is_leader").as_bool() ? leader : member) = p;
      }
  }
  ASSERT_GT(form, 0);
  json::object answers{{"fees_public", true}, {"extra_fees", 0.0}};
  ASSERT_TRUE(Do([&](Tx& tx) { return SaveForm(tx, form, Must(ParseFormSave({{"version", 1}, {"answers", answers}, {"submit", true}})), member); }).ok());
  ASSERT_TRUE(Do([&](Tx& tx) { return ConfirmForm(tx, env_, form, leader); }).ok());
  auto published = Do([&](Tx& tx) { return PublishResults(tx, id, sup_); });
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(published->at("late").as_bool());
  view = CampaignView(**db, env_, id, sup_, clock_.Now());
  EXPECT_EQ(view->at("results_deadline").at("status").as_string(), "missed");
  EXPECT_EQ(Do([&](Tx& tx) { return PublishResults(tx, id, sup_); }).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sweep(), 0) << "published: no more cards";
}

// Stored values that do not read back (a damaged row) give a clear error naming the table — never a crash.
TEST_F(InspectStoreTest, DamagedStoredValuesAreClearErrors) {
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(tx.db().Exec(
        "INSERT INTO rectifications(school_id,item,finding,term,due_on,calendar_version,state,issued_at) "
        "VALUES(" + std::to_string(schools_[0]) + ",'x','y','10wd','2026-13-45','2026:x','open','2026-03-01T00:00:00Z')"));
    return json::value();
  }).ok());
  auto db = rt_->app().readers->Get();
  Principal sup;
  sup.roles = kSupervisor;
  auto list = Rectifications(**db, env_, sup, clock_.Now());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(StableCode(list.status()), "db.corrupt_date");
  auto sweep = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int n, SweepRectifications(tx, env_));
    return json::value(n);
  });
  EXPECT_EQ(sweep.status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(tx.db().Exec("UPDATE rectifications SET due_on='2026-03-20', evidence='[\"unterminated'"));
    return json::value();
  }).ok());
  list = Rectifications(**db, env_, sup, clock_.Now());
  EXPECT_EQ(StableCode(list.status()), "db.corrupt_json");
  EXPECT_NE(std::string(list.status().message()).find("rectifications.evidence"), std::string::npos);
}

}  // namespace
}  // namespace qf::inspect
