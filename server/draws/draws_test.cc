// Draws and assignments: recusal reasons, the call-down with declines and backups, verification of a public
// record (and each kind of tampering caught), the stored flow with its sealing, and the assignment against brute
// force on small instances, with infeasibility explained.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>

#include "runtime/runtime.h"
#include "fmt/format.h"
#include "auth/auth_store.h"
#include "common/crypto_util.h"
#include "common/timefmt.h"
#include "draws/assign.h"
#include "draws/draw.h"
#include "draws/draws.h"
#include "org/org.h"

namespace qf::draws {
namespace {

namespace json = boost::json;

TEST(DrawEligibility, EveryRecusalRuleHasItsReason) {
  std::vector<Member> pool;
  auto add = [&](std::string code, int64_t person, int64_t unit, std::string spec = "语文") {
    Member m;
    m.code = std::move(code);
    m.person_id = person;
    m.unit_id = unit;
    m.specialty = std::move(spec);
    pool.push_back(m);
    return &pool.back();
  };
  add("E01", 1, 10);                         // applicant's unit
  add("E02", 2, 20)->former_unit_ids = {10};  // formerly there
  add("E03", 3, 30);                         // a party
  add("E04", 4, 30);                         // relative of a party
  add("E05", 5, 41);                         // below the supervising unit 40
  add("E06", 6, 50);                         // prior involvement
  add("E07", 7, 50)->last_selected = absl::FromUnixSeconds(1'700'000'000);  // chosen 10 days ago
  add("E08", 8, 50);                         // eligible
  add("E09", 9, 50, "数学");                  // another specialty: not a candidate at all
  add("E10", 10, 50)->active = false;        // inactive: not a candidate
  add("E00", 11, 50);                        // eligible; sorts first
  Recusal r;
  r.applicant_unit_id = 10;
  r.party_person_ids = {3};
  r.supervising_unit_id = 40;
  r.prior_person_ids = {6};
  r.cooldown_days = 30;
  OrgFacts org{[](int64_t u, int64_t anc) -> absl::StatusOr<bool> { return u == anc || (u == 41 && anc == 40); },
               [](int64_t p) -> absl::StatusOr<std::vector<int64_t>> {
                 return p == 3 ? std::vector<int64_t>{4} : std::vector<int64_t>{};
               }};
  auto eligible = Eligible(pool, {"语文", "", ""}, r, org, absl::FromUnixSeconds(1'700'000'000) + absl::Hours(240));
  ASSERT_TRUE(eligible.ok());
  auto& e = *eligible;
  EXPECT_EQ(e.candidates, (std::vector<std::string>{"E00", "E08"}));
  std::map<std::string, std::string> why;
  for (auto& x : e.excluded) why[x.code] = x.reason;
  EXPECT_EQ(why["E01"], "在申请人所在单位任职");
  EXPECT_EQ(why["E02"], "曾在申请人所在单位任职");
  EXPECT_EQ(why["E03"], "本人是当事人");
  EXPECT_EQ(why["E04"], "与当事人有近亲属关系");
  EXPECT_EQ(why["E05"], "监督单位工作人员");
  EXPECT_EQ(why["E06"], "曾参与本事项");
  EXPECT_EQ(why["E07"], "距上次抽中不足30天");
  EXPECT_EQ(why.size(), 7u);
}

// A recusal fact that cannot be read stops the draw with the error: nobody is counted unrelated.
TEST(DrawEligibility, RecusalFailsClosed) {
  Member m;
  m.code = "E01";
  m.person_id = 1;
  m.unit_id = 10;
  Recusal r;
  r.applicant_unit_id = 10;
  r.party_person_ids = {3};
  auto broken = absl::UnavailableError("database is locked");
  OrgFacts no_units{[&](int64_t, int64_t) -> absl::StatusOr<bool> { return broken; },
                    [](int64_t) -> absl::StatusOr<std::vector<int64_t>> { return std::vector<int64_t>{}; }};
  EXPECT_EQ(Eligible({m}, {}, r, no_units, absl::Now()).status(), broken);
  OrgFacts no_relatives{[](int64_t, int64_t) -> absl::StatusOr<bool> { return false; },
                        [&](int64_t) -> absl::StatusOr<std::vector<int64_t>> { return broken; }};
  EXPECT_EQ(Eligible({m}, {}, r, no_relatives, absl::Now()).status(), broken);
}

TEST(DrawCallDown, DeclinesPromoteBackupsAndCallTheNext) {
  std::vector<std::string> order = {"A", "B", "C", "D", "E", "F"};
  auto calls = CallDown(order, 2, 1, {{"A", "出差"}, {"C", "回避：与申请人同校"}});
  ASSERT_TRUE(calls.ok());
  std::vector<std::string> got;
  for (auto& c : *calls) got.push_back(c.code + ":" + c.status);
  EXPECT_EQ(got, (std::vector<std::string>{"A:declined", "B:selected", "C:declined", "D:selected", "E:backup"}));
  EXPECT_FALSE(CallDown(order, 2, 1, {{"F", "x"}}).ok()) << "only someone called can decline";
  // With no backups configured, a recusal is replaced by the next in the drawn order all the same.
  auto no_backups = CallDown(order, 2, 0, {{"A", "回避：近亲属参加考试"}, {"C", "谢绝：出差"}});
  ASSERT_TRUE(no_backups.ok());
  got.clear();
  for (auto& c : *no_backups) got.push_back(c.code + ":" + c.status);
  EXPECT_EQ(got, (std::vector<std::string>{"A:declined", "B:selected", "C:declined", "D:selected"}));
  // When the list runs out the quota is short, not filled by anyone outside it.
  auto short_list = CallDown({"A", "B"}, 2, 0, {{"A", "x"}});
  ASSERT_TRUE(short_list.ok());
  EXPECT_EQ(std::count_if(short_list->begin(), short_list->end(), [](auto& c) { return c.status == "selected"; }), 1);
}

json::object Record(const std::string& secret, const std::string& pv, std::vector<std::string> cands, int count,
                    int backups, std::vector<Exclusion> declines) {
  Seed seed = MakeSeed(secret, pv);
  auto order = Shuffle(cands, seed);
  auto calls = *CallDown(order, count, backups, declines);
  json::array c, d, o, cs;
  for (auto& x : calls) c.push_back(json::object{{"code", x.code}, {"status", x.status}});
  for (auto& x : declines) d.push_back(json::object{{"code", x.code}, {"reason", x.reason}});
  for (auto& x : order) o.push_back(json::string(x));
  for (auto& x : cands) cs.push_back(json::string(x));
  return json::object{{"state", "released"}, {"secret", secret}, {"commitment", Commitment(secret)},
                      {"public_value", pv}, {"seed", Hex(seed.data(), seed.size())}, {"candidates", cs},
                      {"order", o}, {"count", count}, {"backups", backups}, {"declines", d}, {"calls", c}};
}

TEST(DrawVerify, ARecordRecomputesAndEveryTamperingIsCaught) {
  std::vector<std::string> cands;
  for (int i = 1; i <= 30; ++i) cands.push_back(fmt::format("E{:03d}", i));
  auto rec = Record("s3cret", "上证收盘 3288.41", cands, 5, 2, {});
  auto order = rec.at("order").as_array();
  std::string first(order[0].as_string());
  rec = Record("s3cret", "上证收盘 3288.41", cands, 5, 2, {{first, "出差"}});
  Verification v = Verify(rec);
  EXPECT_TRUE(v.ok) << (v.failed.empty() ? "" : v.failed[0]);
  EXPECT_EQ(v.passed.size(), 6u);

  auto broken = [&](std::function<void(json::object&)> edit) {
    json::object r = rec;
    edit(r);
    return Verify(r).ok;
  };
  EXPECT_FALSE(broken([](json::object& r) { r["secret"] = "other"; }));           // secret not the committed one
  EXPECT_FALSE(broken([](json::object& r) { r["public_value"] = "3288.42"; }));   // another public value
  EXPECT_FALSE(broken([](json::object& r) { r["candidates"].as_array().erase(r["candidates"].as_array().begin()); }));
  EXPECT_FALSE(broken([](json::object& r) {                                        // order swapped
    auto& o = r["order"].as_array();
    std::swap(o[0], o[1]);
  }));
  EXPECT_FALSE(broken([](json::object& r) { r["declines"] = json::array(); }));   // a decline hidden
  EXPECT_FALSE(broken([](json::object& r) {                                        // someone else selected
    auto& c = r["calls"].as_array();
    c[1].as_object()["code"] = "E999";
  }));
  json::object unreleased = rec;
  unreleased["state"] = "drawn";
  EXPECT_FALSE(Verify(unreleased).ok);
}

// Brute force: every assignment of supervisors to sites (or none) respecting quotas and recusal.
int64_t BruteForce(const std::vector<Site>& sites, const std::vector<Supervisor>& sups) {
  int64_t best = INT64_MAX;
  std::vector<int> load(sites.size(), 0);
  std::function<void(size_t, int64_t)> go = [&](size_t i, int64_t cost) {
    if (cost >= best) return;
    if (i == sups.size()) {
      for (size_t j = 0; j < sites.size(); ++j)
        if (load[j] != sites[j].quota) return;
      best = cost;
      return;
    }
    go(i + 1, cost);  // not used
    for (size_t j = 0; j < sites.size(); ++j) {
      if (load[j] == sites[j].quota || !RecusalReason(sups[i], sites[j]).empty()) continue;
      ++load[j];
      go(i + 1, cost + DistanceMetres(sups[i].lat, sups[i].lon, sites[j].lat, sites[j].lon));
      --load[j];
    }
  };
  go(0, 0);
  return best;
}

TEST(Assignment, OptimalAgainstBruteForceOnSmallInstances) {
  std::mt19937 rng(7);
  auto coord = [&] { return 31.7 + (rng() % 3000) / 10000.0; };
  int feasible = 0, infeasible = 0;
  for (int round = 0; round < 300; ++round) {
    int nsites = 1 + rng() % 3, nsups = 2 + rng() % 6;
    std::vector<Site> sites;
    for (int j = 0; j < nsites; ++j)
      sites.push_back({fmt::format("S{}", j), fmt::format("考点{}", j), 100 + j, {200 + j}, coord(), coord(), 1 + static_cast<int>(rng() % 2)});
    std::vector<Supervisor> sups;
    for (int i = 0; i < nsups; ++i) {
      Supervisor s{fmt::format("J{}", i), "", 0, {}, coord(), coord()};
      int kind = rng() % 5;
      if (kind == 0) s.unit_id = 100 + rng() % nsites;          // works at a host school
      if (kind == 1) s.unit_id = 200 + rng() % nsites;          // their pupils sit there
      if (kind == 2) s.relative_exam_unit_ids = {200 + static_cast<int64_t>(rng() % nsites)};
      sups.push_back(s);
    }
    int64_t want = BruteForce(sites, sups);
    AssignmentResult got = Assign(sites, sups);
    if (want == INT64_MAX) {
      EXPECT_FALSE(got.feasible) << "round " << round;
      EXPECT_FALSE(got.problems.empty());
      ++infeasible;
      continue;
    }
    ASSERT_TRUE(got.feasible) << "round " << round << ": " << (got.problems.empty() ? "" : got.problems[0]);
    EXPECT_EQ(got.total_metres, want) << "round " << round;
    for (auto& p : got.placements) {
      const Site& s = *std::find_if(sites.begin(), sites.end(), [&](auto& x) { return x.code == p.site; });
      const Supervisor& j = *std::find_if(sups.begin(), sups.end(), [&](auto& x) { return x.code == p.supervisor; });
      EXPECT_EQ(RecusalReason(j, s), "") << "round " << round;
      EXPECT_FALSE(p.why.empty());
    }
    ++feasible;
  }
  EXPECT_GT(feasible, 100);
  EXPECT_GT(infeasible, 10);
}

TEST(Assignment, InfeasibilityNamesTheSitesThatCannotBeFilled) {
  // Two sites of two; three of the four supervisors teach at the school whose pupils sit at site A.
  std::vector<Site> sites = {{"A", "一中考点", 1, {9}, 31.80, 117.20, 2}, {"B", "二中考点", 2, {}, 31.85, 117.25, 2}};
  std::vector<Supervisor> sups = {{"J1", "", 9, {}, 31.8, 117.2}, {"J2", "", 9, {}, 31.8, 117.2},
                                  {"J3", "", 9, {}, 31.8, 117.2}, {"J4", "", 5, {}, 31.8, 117.2}};
  AssignmentResult r = Assign(sites, sups);
  EXPECT_FALSE(r.feasible);
  std::string all;
  for (auto& p : r.problems) all += p + "\n";
  EXPECT_NE(all.find("一中考点需要 2 人，无需回避的只有 1 人"), std::string::npos) << all;
  EXPECT_NE(all.find("最多只能安排 3 人，缺 1 人"), std::string::npos) << all;
}

class DrawStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SodiumInit());
    path_ = (std::filesystem::temp_directory_path() / ("qf_draws_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db")).string();
    std::filesystem::remove(path_);
    auto rt = Runtime::Open({path_, std::string(QF_SOURCE_DIR) + "/data", {}}, clock_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      int64_t bureau = *org::InsertUnit(tx, {0, "JYJ", "市教育局", "bureau"});
      org::Unit dis{0, "JYJ-discipline", "纪委监察室", "division", bureau};
      dis.role = "discipline";
      int64_t d = *org::InsertUnit(tx, dis);
      auto school = [&](const char* code, const char* name) {
        org::Unit s{0, code, name, "school", bureau};
        s.district = "蜀山区";
        s.stage = "初中";
        s.ownership = "public";
        return *org::InsertUnit(tx, s);
      };
      applicant_ = school("S1", "申请学校");
      int64_t other = school("S2", "其他学校");
      for (int i = 1; i <= 12; ++i) {
        QF_RETURN_IF_ERROR(org::InsertPerson(tx, {0, fmt::format("P{:02d}", i), fmt::format("专家{}", i),
                                                  i <= 2 ? applicant_ : other, "", "教师", false}).status());
        QF_RETURN_IF_ERROR(SaveMember(tx, Pool::kExpert, *ParseMember({{"code", fmt::format("E{:02d}", i)}, {"person_code", fmt::format("P{:02d}", i)},
                                                     {"specialty", "语文"}})).status());
      }
      auto account = [&](const char* user, RoleSet roles) {
        auth::NewAccount na{user, user, 0, d, "x", roles, ""};
        return *auth::CreateAccount(tx, na);
      };
      requester_.account_id = account("sup1", kSupervisor);
      requester_.roles = kSupervisor;
      witness_.account_id = account("lead1", kLeader);
      witness_.roles = kLeader;
      other_.account_id = account("sup2", kSupervisor);
      other_.roles = kSupervisor;
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
  std::string path_;
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 0, 0), Cst())};
  std::unique_ptr<Runtime> rt_;
  int64_t applicant_ = 0;
  Principal requester_, witness_, other_;
};

TEST_F(DrawStoreTest, SealedUntilReleasedThenAnyoneRecomputes) {
  DrawEnv env{rt_->app().vault};
  json::object req{{"purpose", "教师资格认定面试专家"}, {"pool", "expert"}, {"count", 3}, {"backups", 2},
                   {"witness_account_id", witness_.account_id}, {"applicant_unit_id", applicant_},
                   {"conditions", json::object{{"specialty", "语文"}}}};
  auto made = Do([&](Tx& tx) { return RequestDraw(tx, env, *ParseDrawRequest(req, requester_), requester_); });
  ASSERT_TRUE(made.ok()) << made.status();
  int64_t id = made->at("id").as_int64();
  EXPECT_EQ(made->at("candidates").to_number<int64_t>(), 10) << "two members work at the applicant's school";
  auto self_witness = req;
  self_witness["witness_account_id"] = requester_.account_id;
  EXPECT_FALSE(Do([&](Tx& tx) { auto parsed = ParseDrawRequest(self_witness, requester_);
    if (!parsed.ok()) return absl::StatusOr<json::object>(parsed.status());
    return RequestDraw(tx, env, *parsed, requester_); }).ok());
  EXPECT_EQ(Do([&](Tx& tx) { return PerformDraw(tx, env, id, "12345", requester_); }).status().code(),
            absl::StatusCode::kPermissionDenied) << "only the witness draws";
  auto drawn = Do([&](Tx& tx) { return PerformDraw(tx, env, id, "见证人读数 804213", witness_); });
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  auto db = rt_->app().readers->Get();
  auto hidden = StaffView(**db, id, other_);
  ASSERT_TRUE(hidden.ok());
  EXPECT_TRUE(hidden->at("sealed").as_bool());
  EXPECT_FALSE(hidden->contains("calls"));
  auto pub = PublicRecord(**db, id);
  ASSERT_TRUE(pub.ok());
  EXPECT_FALSE(pub->contains("order"));
  EXPECT_FALSE(pub->contains("secret"));
  // The secret is sealed in the database until release.
  {
    auto raw = *(*db)->Prepare("SELECT COUNT(*) FROM draws WHERE secret IS NULL AND length(sealed_secret) > 32");
    ASSERT_TRUE(*raw.Step());
    EXPECT_EQ(raw.Int(0), 1);
  }

  std::string first(drawn->at("calls").as_array()[0].as_object().at("code").as_string());
  auto dec = Do([&](Tx& tx) { return Decline(tx, id, first, "本人出差，无法参加", requester_); });
  ASSERT_TRUE(dec.ok()) << dec.status();
  EXPECT_FALSE(Do([&](Tx& tx) { return Decline(tx, id, first, "again", requester_); }).ok());
  ASSERT_TRUE(Do([&](Tx& tx) { return Release(tx, env, id, witness_); }).ok());
  auto rec = PublicRecord(**db, id);
  ASSERT_TRUE(rec.ok());
  Verification v = Verify(*rec);
  EXPECT_TRUE(v.ok) << (v.failed.empty() ? "" : v.failed[0]);
  int selected = 0;
  for (auto& c : rec->at("calls").as_array()) {
    if (c.as_object().at("status").as_string() == "selected") {
      ++selected;
      EXPECT_EQ(std::string(c.as_object().at("name").as_string()).find("专家"), std::string::npos) << "no full name";
      EXPECT_EQ(std::string(c.as_object().at("name").as_string()).find("专"), 0u) << "the surname stays";
      EXPECT_NE(std::string(c.as_object().at("name").as_string()).find("*"), std::string::npos) << "masked";
    }
  }
  EXPECT_EQ(selected, 3);
  EXPECT_FALSE(Do([&](Tx& tx) { return Decline(tx, id, first, "x", requester_); }).ok()) << "released is final";

  // Conclusions per expert per item; a recusal found afterwards voids the recused expert's and calls the next.
  std::vector<std::string> chosen;
  for (auto& c : rec->at("calls").as_array())
    if (c.as_object().at("status").as_string() == "selected") chosen.emplace_back(c.as_object().at("code").as_string());
  auto conclude = [&](const std::string& code, const char* item) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(RecordConclusion(tx, id, code, item, "通过", requester_));
      return json::value();
    });
  };
  for (const auto& code : chosen) ASSERT_TRUE(conclude(code, "申请人甲").ok());
  ASSERT_TRUE(conclude(chosen[0], "申请人乙").ok());
  EXPECT_EQ(StableCode(conclude(chosen[0], "申请人乙").status()), "draw.conclusion_exists");
  EXPECT_EQ(StableCode(conclude(first, "申请人甲").status()), "draw.code") << "the one who declined gives none";
  auto recused = Do([&](Tx& tx) { return RecuseAfterRelease(tx, id, chosen[0], "与申请人甲系近亲属", requester_); });
  ASSERT_TRUE(recused.ok()) << recused.status();
  EXPECT_EQ(recused->at("conclusions_void").as_int64(), 2);
  auto staff = StaffView(**db, id, requester_);
  ASSERT_TRUE(staff.ok());
  int void_count = 0, counted = 0;
  for (auto& c : staff->at("conclusions").as_array()) {
    if (c.at("void").as_bool()) {
      ++void_count;
      EXPECT_EQ(c.at("code").as_string(), chosen[0]);
      EXPECT_NE(std::string(c.at("void_reason").as_string()).find("近亲属"), std::string::npos);
    } else {
      ++counted;
    }
  }
  EXPECT_EQ(void_count, 2);
  EXPECT_EQ(counted, 2);
  // Still three selected (the next in the order was called), and the record still recomputes.
  rec = PublicRecord(**db, id);
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(Verify(*rec).ok);
  selected = 0;
  for (auto& c : rec->at("calls").as_array()) selected += c.as_object().at("status").as_string() == "selected";
  EXPECT_EQ(selected, 3);
  EXPECT_EQ(json::serialize(rec->at("conclusions")).find("通过"), std::string::npos) << "results stay with staff";
}

}  // namespace
}  // namespace qf::draws
