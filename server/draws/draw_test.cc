// The draw engine: commitments and seeds, reproducibility, no modulo bias, uniform shuffles (chi-square over all
// permutations of five across many seeds) and weighted sampling in proportion to the weights.
#include <gtest/gtest.h>

#include <map>

#include "draws/draw.h"

namespace qf::draws {
namespace {

TEST(Draw, CommitmentAndSeedAreSha256) {
  EXPECT_EQ(Commitment("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
  EXPECT_NE(MakeSeed("s", "p1"), MakeSeed("s", "p2"));
  EXPECT_NE(MakeSeed("ab", "c"), MakeSeed("a", "bc"));  // the separator keeps the parts apart
  EXPECT_EQ(MakeSeed("s", "p"), MakeSeed("s", "p"));
  EXPECT_NE(Derive(MakeSeed("s", "p"), "瑶海区"), Derive(MakeSeed("s", "p"), "庐阳区"));
}

TEST(Draw, SameInputsSameResult) {
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back("E" + std::to_string(1000 + i));
  auto a = Shuffle(ids, MakeSeed("secret", "0427"));
  EXPECT_EQ(a, Shuffle(ids, MakeSeed("secret", "0427")));
  EXPECT_NE(a, Shuffle(ids, MakeSeed("secret", "0428")));
  std::vector<std::string> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, ids);  // a permutation
}

double ChiSquare(const std::vector<int64_t>& observed, double expected) {
  double x = 0;
  for (int64_t o : observed) x += (static_cast<double>(o) - expected) * (static_cast<double>(o) - expected) / expected;
  return x;
}

TEST(Draw, UniformHasNoModuloBias) {
  Stream s(MakeSeed("u", "v"));
  std::vector<int64_t> counts(3);
  for (int i = 0; i < 30000; ++i) ++counts[s.Uniform(3)];
  EXPECT_LT(ChiSquare(counts, 10000), 13.82);  // df 2, p = 0.001
}

TEST(Draw, ShufflesAreUniformOverPermutations) {
  std::vector<std::string> ids{"a", "b", "c", "d", "e"};
  std::map<std::string, int64_t> seen;
  const int seeds = 24000;
  for (int i = 0; i < seeds; ++i) {
    auto p = Shuffle(ids, MakeSeed("chi", std::to_string(i)));
    std::string key;
    for (auto& x : p) key += x;
    ++seen[key];
  }
  ASSERT_EQ(seen.size(), 120u);
  std::vector<int64_t> counts;
  for (auto& [_, n] : seen) counts.push_back(n);
  EXPECT_LT(ChiSquare(counts, seeds / 120.0), 173.6);  // df 119, p = 0.001
}

TEST(Draw, WeightedSampleFollowsTheWeights) {
  std::vector<Weighted> c{{"light", 1}, {"heavy", 3}, {"none", 0}};
  int heavy = 0;
  const int seeds = 20000;
  for (int i = 0; i < seeds; ++i) {
    auto r = WeightedSample(c, 1, MakeSeed("w", std::to_string(i)));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_NE(r[0], "none");
    heavy += r[0] == "heavy";
  }
  EXPECT_NEAR(heavy / static_cast<double>(seeds), 0.75, 0.015);
  // k larger than the candidates with weight: all of them, never the weightless one.
  EXPECT_EQ(WeightedSample(c, 5, MakeSeed("w", "x")).size(), 2u);
}

}  // namespace
}  // namespace qf::draws
