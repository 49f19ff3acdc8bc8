// The placement engine on generated cities: deferred acceptance is stable, fills no school past its seats, places
// every child when the city has the seats, and is what the verifier recomputes from the published record; the
// verifier catches an altered record (a seat moved, a lottery number changed, a capacity exceeded).
#include <gtest/gtest.h>

#include <random>

#include "placement/city.h"
#include "placement/match.h"
#include "placement/record.h"

namespace qf::placement {
namespace {

// Checks stability directly from the definition, with no code shared with Verify: for every child and every school
// it ranks above its seat, that school is full of children it ranks no lower than this child.
int JustifiedEnvy(const Instance& in, const Result& r) {
  int envy = 0;
  for (size_t i = 0; i < in.children.size(); ++i) {
    const Child& c = in.children[i];
    for (int s : PreferenceList(in, c)) {
      if (s == r.seats[i].school) break;
      int seats = in.schools[s].seats.count(c.grade) ? in.schools[s].seats.at(c.grade) : 0;
      int taken = 0;
      bool lower = false;
      for (size_t j = 0; j < in.children.size(); ++j) {
        if (r.seats[j].school != s || in.children[j].grade != c.grade) continue;
        ++taken;
        if (PriorityAt(c, in.schools[s]) < PriorityAt(in.children[j], in.schools[s])) lower = true;
      }
      if (taken < seats || lower) {
        ++envy;
        break;
      }
    }
  }
  return envy;
}

Recorded RecordOf(const GeneratedCity& city, const Result& r) {
  // Through the published JSON and back, as the verifier reads it.
  Recorded rec = placement::RecordOf(city.in, r, city.commitment, city.public_value, city.secret);
  auto back = ParseRecord(boost::json::parse(boost::json::serialize(RecordJson(rec))).as_object());
  EXPECT_TRUE(back.ok()) << back.status();
  return *back;
}

TEST(Placement, DeferredAcceptanceIsStableWithinCapacityAndPlacesEveryone) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    GeneratedCity city = GenerateCity({.schools = 24, .children = 900, .seat_ratio = 1.1, .seed = seed});
    Result r = DeferredAcceptance(city.in);
    EXPECT_EQ(JustifiedEnvy(city.in, r), 0) << "seed " << seed;
    std::map<std::pair<int, int>, int> taken;
    for (size_t i = 0; i < r.seats.size(); ++i)
      if (r.seats[i].school >= 0) ++taken[{r.seats[i].school, city.in.children[i].grade}];
    for (auto& [k, n] : taken) EXPECT_LE(n, city.in.schools[k.first].seats.at(k.second));
    for (const Shortfall& s : Shortfalls(city.in)) EXPECT_FALSE(s.district.empty()) << "the city has the seats";
    EXPECT_EQ(r.placed, static_cast<int>(city.in.children.size())) << "the city has the seats: 100% placed";
    // Most families who listed schools get one of them.
    int listed = 0, chosen = 0;
    for (size_t i = 0; i < r.seats.size(); ++i) {
      listed += !city.in.children[i].choices.empty();
      chosen += r.seats[i].chosen;
    }
    EXPECT_GT(chosen, listed / 2);
  }
}

TEST(Placement, ShortOfSeatsPlacesWhomItCanAndSaysWhereSeatsAreShort) {
  GeneratedCity city = GenerateCity({.schools = 12, .children = 600, .seat_ratio = 0.8, .seed = 7});
  auto shortfalls = Shortfalls(city.in);
  ASSERT_FALSE(shortfalls.empty());
  int city_short = 0, city_seats = 0;
  for (auto& s : shortfalls)
    if (s.district.empty()) city_short += s.children - s.seats, city_seats += s.seats;
  Result r = DeferredAcceptance(city.in);
  EXPECT_EQ(JustifiedEnvy(city.in, r), 0);
  int seats = 0;
  for (auto& s : city.in.schools)
    for (auto [g, n] : s.seats) seats += n;
  // Every seat of a grade with more children than seats is filled: the unplaced are exactly the shortfall.
  EXPECT_EQ(static_cast<int>(city.in.children.size()) - r.placed, city_short);
}

TEST(Placement, LotteryNumbersAreRecomputedFromTheRevealedSeed) {
  GeneratedCity city = GenerateCity({.schools = 6, .children = 50, .seat_ratio = 1.2, .seed = 11});
  draws::Seed seed = draws::MakeSeed(city.secret, city.public_value);
  for (const Child& c : city.in.children) {
    EXPECT_EQ(c.lottery, LotteryNumber(seed, c.ref));
    EXPECT_GE(LotteryShown(c.lottery), 0);
    EXPECT_LT(LotteryShown(c.lottery), 1);
  }
  // Another public value gives other numbers: the witness's value is part of the seed.
  draws::Seed other = draws::MakeSeed(city.secret, city.public_value + "x");
  EXPECT_NE(LotteryNumber(other, city.in.children[0].ref), city.in.children[0].lottery);
}

TEST(Placement, TheVerifierPassesThePublishedRecordAndCatchesAlterations) {
  GeneratedCity city = GenerateCity({.schools = 20, .children = 700, .seat_ratio = 1.05, .seed = 5});
  Result r = DeferredAcceptance(city.in);
  Recorded rec = RecordOf(city, r);
  Check ok = Verify(rec);
  EXPECT_TRUE(ok.ok) << (ok.failed.empty() ? "" : ok.failed[0]) << (ok.failed.size() > 1 ? ok.failed[1] : "");

  // A seat moved: two children of the same grade swap schools (the seats per school unchanged).
  {
    Recorded moved = rec;
    size_t a = 0, b = 1;
    while (r.seats[a].school < 0) ++a;
    for (b = a + 1; b < r.seats.size(); ++b)
      if (r.seats[b].school >= 0 && r.seats[b].school != r.seats[a].school &&
          city.in.children[b].grade == city.in.children[a].grade)
        break;
    ASSERT_LT(b, r.seats.size());
    std::swap(moved.school_of[a], moved.school_of[b]);
    Check c = Verify(moved);
    EXPECT_FALSE(c.ok);
    bool named = false;
    for (auto& f : c.failed) named = named || f.find("不同") != std::string::npos;
    EXPECT_TRUE(named) << "the recomputation differs";
  }
  // A lottery number changed (a child made luckier).
  {
    Recorded luckier = rec;
    luckier.in.children[3].lottery /= 2;
    Check c = Verify(luckier);
    EXPECT_FALSE(c.ok);
    bool named = false;
    for (auto& f : c.failed) named = named || f.find(city.in.children[3].ref) != std::string::npos;
    EXPECT_TRUE(named) << "the failure names the child";
  }
  // A capacity exceeded: one more child put into a full school.
  {
    Recorded over = rec;
    std::map<int, int> taken;
    for (size_t i = 0; i < r.seats.size(); ++i)
      if (r.seats[i].school >= 0 && city.in.children[i].grade == 1) ++taken[r.seats[i].school];
    int full = -1;
    for (auto& [s, n] : taken)
      if (n == city.in.schools[s].seats.at(1)) full = s;
    ASSERT_GE(full, 0);
    for (size_t i = 0; i < r.seats.size(); ++i)
      if (city.in.children[i].grade == 1 && r.seats[i].school != full) {
        over.school_of[i] = city.in.schools[full].code;
        break;
      }
    Check c = Verify(over);
    EXPECT_FALSE(c.ok);
    bool capacity = false;
    for (auto& f : c.failed) capacity = capacity || f.find("超出学位") != std::string::npos;
    EXPECT_TRUE(capacity);
  }
  // A wrong secret.
  {
    Recorded wrong = rec;
    wrong.secret += "0";
    EXPECT_FALSE(Verify(wrong).ok);
  }
  // A seat changed by a recorded decision (a seat added at the family's first choice) is reported as an exception,
  // not a failure; the same change without the decision is one.
  {
    Recorded decided = rec;
    for (size_t i = 0; i < r.seats.size(); ++i) {
      if (r.seats[i].rank < 2) continue;
      decided.decisions[city.in.children[i].ref] = {decided.school_of[i], "复议决定：兄弟姐妹同校，增加学位一个"};
      decided.school_of[i] = city.in.schools[PreferenceList(city.in, city.in.children[i])[0]].code;
      break;
    }
    Check c = Verify(decided);
    EXPECT_TRUE(c.ok) << (c.failed.empty() ? "" : c.failed[0]);
    bool shown = false;
    for (auto& p : c.passed) shown = shown || p.find("例外") != std::string::npos;
    EXPECT_TRUE(shown);
    decided.decisions.clear();
    EXPECT_FALSE(Verify(decided).ok);
  }
}

TEST(Placement, ExplanationNamesTheLastChildAdmittedAboveTheSeat) {
  GeneratedCity city = GenerateCity({.schools = 15, .children = 500, .seat_ratio = 1.05, .seed = 9});
  Result r = DeferredAcceptance(city.in);
  int explained = 0;
  for (size_t i = 0; i < r.seats.size() && explained < 20; ++i) {
    if (r.seats[i].rank < 2) continue;
    auto above = Explain(city.in, r, static_cast<int>(i));
    ASSERT_EQ(static_cast<int>(above.size()), r.seats[i].rank - 1);
    for (const Above& a : above) {
      EXPECT_TRUE(a.full);
      ASSERT_TRUE(a.last.has_value());
      EXPECT_LT(*a.last, a.yours) << "every school above the seat admitted only children of higher priority";
    }
    ++explained;
  }
  EXPECT_GT(explained, 0);
}

TEST(Placement, TheFlowIsShorterButWrongsChildrenThatDeferredAcceptanceDoesNot) {
  GeneratedCity city = GenerateCity({.schools = 20, .children = 800, .seat_ratio = 1.05, .seed = 13});
  Result r = DeferredAcceptance(city.in);
  Comparison c = CompareWithFlow(city.in, r);
  EXPECT_EQ(c.flow_placed, c.da_placed);
  EXPECT_LE(c.flow_metres, c.da_metres) << "the flow minimises total distance";
  EXPECT_GT(c.flow_envious, 0) << "and is not stable";
  EXPECT_GT(c.flow_moved, 0);
}

}  // namespace
}  // namespace qf::placement
