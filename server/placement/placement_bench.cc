// Placement at the seed's scale (43,000 children × 100 designated schools) and a province's (200,000 × 500):
// deferred acceptance, the verifier from the published record, and the min-cost-flow comparison, each timed on the
// same generated city, with the distance figures of both mechanisms as counters.
//   BM_Placement/<children>/<schools>/<0 deferred acceptance | 1 verify | 2 min-cost flow>
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "placement/city.h"
#include "placement/match.h"
#include "placement/record.h"

namespace qf::placement {
namespace {

const GeneratedCity& CityOf(int children, int schools) {
  static std::map<std::pair<int, int>, std::unique_ptr<GeneratedCity>> cache;
  auto& c = cache[{children, schools}];
  if (!c) c = std::make_unique<GeneratedCity>(GenerateCity({.schools = schools, .children = children, .seed = 2026}));
  return *c;
}

void BM_Placement(benchmark::State& state) {
  const GeneratedCity& city = CityOf(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  Result da = DeferredAcceptance(city.in);
  Recorded rec = RecordOf(city.in, da, city.commitment, city.public_value, city.secret);
  Comparison cmp;
  bool ok = true;
  for (auto _ : state) {
    switch (state.range(2)) {
      case 0: da = DeferredAcceptance(city.in); break;
      case 1: ok = Verify(rec).ok; break;
      default: cmp = CompareWithFlow(city.in, da); break;
    }
  }
  state.counters["placed"] = da.placed;
  state.counters["da_mean_km"] = da.placed ? da.total_metres / 1000.0 / da.placed : 0;
  if (state.range(2) == 1) state.counters["verified"] = ok;
  if (state.range(2) == 2) {
    state.counters["flow_mean_km"] = cmp.flow_mean_km;
    state.counters["flow_wronged"] = cmp.flow_envious;
    state.counters["flow_moved"] = cmp.flow_moved;
  }
}
BENCHMARK(BM_Placement)
    ->ArgsProduct({{43000}, {100}, {0, 1, 2}})
    ->ArgsProduct({{200000}, {500}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
}  // namespace qf::placement
