// Supervisor placement: the exact min-cost flow (draws::Assign, LEMON network simplex) against a greedy baseline
// (nearest pairs first) in the same run, on random cities: time, total travel and how many were placed.
//   BM_Assign/<supervisors>/<sites>/<0 min-cost flow | 1 greedy>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

#include "draws/assign.h"
#include "fmt/format.h"

namespace qf::draws {
namespace {

struct City {
  std::vector<Site> sites;
  std::vector<Supervisor> sups;
};

City MakeCity(int n_sups, int n_sites) {
  std::mt19937 rng(n_sups * 1000 + n_sites);
  auto coord = [&](double c) { return c + (static_cast<int>(rng() % 4000) - 2000) / 10000.0; };
  City c;
  int quota = std::max(1, n_sups * 9 / 10 / n_sites);
  for (int j = 0; j < n_sites; ++j)
    c.sites.push_back({fmt::format("S{}", j), fmt::format("考点{}", j), 1000 + j, {2000 + j, 3000 + j}, coord(31.82), coord(117.23), quota});
  for (int i = 0; i < n_sups; ++i) {
    Supervisor s{fmt::format("J{:05d}", i), "", 2000 + static_cast<int64_t>(rng() % (2 * n_sites)), {}, coord(31.82), coord(117.23)};
    if (i % 9 == 0) s.relative_exam_unit_ids = {3000 + static_cast<int64_t>(rng() % n_sites)};
    c.sups.push_back(s);
  }
  return c;
}

AssignmentResult Greedy(const std::vector<Site>& sites, const std::vector<Supervisor>& sups) {
  struct Pair { int64_t m; size_t i, j; };
  std::vector<Pair> pairs;
  for (size_t i = 0; i < sups.size(); ++i)
    for (size_t j = 0; j < sites.size(); ++j)
      if (RecusalReason(sups[i], sites[j]).empty())
        pairs.push_back({DistanceMetres(sups[i].lat, sups[i].lon, sites[j].lat, sites[j].lon), i, j});
  std::sort(pairs.begin(), pairs.end(), [](auto& a, auto& b) { return a.m < b.m; });
  std::vector<int> load(sites.size(), 0);
  std::vector<bool> used(sups.size(), false);
  AssignmentResult r;
  for (auto& p : pairs) {
    if (used[p.i] || load[p.j] >= sites[p.j].quota) continue;
    used[p.i] = true;
    ++load[p.j];
    r.placements.push_back({sups[p.i].code, sites[p.j].code, p.m, ""});
    r.total_metres += p.m;
  }
  return r;
}

void BM_Assign(benchmark::State& state) {
  City c = MakeCity(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  bool greedy = state.range(2) == 1;
  AssignmentResult r;
  for (auto _ : state) {
    r = greedy ? Greedy(c.sites, c.sups) : Assign(c.sites, c.sups);
    benchmark::DoNotOptimize(r);
  }
  int64_t need = 0;
  for (auto& s : c.sites) need += s.quota;
  state.counters["placed"] = static_cast<double>(r.placements.size());
  state.counters["needed"] = static_cast<double>(need);
  state.counters["km"] = r.total_metres / 1000.0;
}
BENCHMARK(BM_Assign)->ArgsProduct({{48}, {4}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Assign)->ArgsProduct({{600}, {40}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Assign)->ArgsProduct({{3000}, {120}, {0, 1}})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qf::draws
