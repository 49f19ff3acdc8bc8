// Ledger benchmarks. Workloads:
//   BM_AppendBatch/64        leaves appended by the writer's appender and flushed per batch of 64, in a
//                            transaction on a SQLite file (the ledger's share of one group commit)
//   BM_InclusionProofWarm/N  an inclusion proof for a random leaf of a tree of N leaves, tiles cached
//   BM_InclusionProofCold/N  the same with the tile cache emptied before every proof (tiles read and expanded)
//   BM_VerifyInclusion/N     verification of such a proof against the root
//   BM_ConsistencyProof/N    a consistency proof from a random earlier size to N
// Trees of 10^6 and 10^7 leaves are built once into /tmp/qf-bench-ledger-N.db and reused.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <random>

#include "common/crypto_util.h"
#include "ledger/merkle.h"
#include "ledger/tiles.h"
#include "storage/db.h"
#include "storage/migrations.h"

namespace qf::ledger {
namespace {

Hash LeafOf(uint64_t i) { return LeafHash(std::string_view(reinterpret_cast<const char*>(&i), sizeof i)); }

// Builds (or reuses) a database holding a tree of n leaves.
Db& TreeDb(uint64_t n) {
  static std::map<uint64_t, std::unique_ptr<Db>> dbs;
  auto it = dbs.find(n);
  if (it != dbs.end()) return *it->second;
  std::string path = "/tmp/qf-bench-ledger-" + std::to_string(n) + ".db";
  bool fresh = !std::filesystem::exists(path);
  auto db = *Db::Open(path, DbMode::kWriter);
  if (!fresh) {
    // Proofs are served from reading connections, as in the server.
    db = *Db::Open(path, DbMode::kReader);
  }
  if (fresh) {
    (void)Migrate(*db);
    TileCache cache;
    TileAppender app;
    (void)app.Load(*db, cache);
    (void)db->Exec("BEGIN");
    for (uint64_t i = 0; i < n; ++i) {
      app.Append(LeafOf(i));
      if (i % 65536 == 65535) {
        (void)app.Flush(*db);
        (void)db->Exec("COMMIT");
        (void)db->Exec("BEGIN");
      }
    }
    (void)app.Flush(*db);
    (void)db->Exec("COMMIT");
    db = *Db::Open(path, DbMode::kReader);
  }
  return *dbs.emplace(n, std::move(db)).first->second;
}

void BM_AppendBatch(benchmark::State& state) {
  std::string path = "/tmp/qf-bench-append.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  auto db = *Db::Open(path, DbMode::kWriter);
  (void)Migrate(*db);
  TileCache cache;
  TileAppender app;
  (void)app.Load(*db, cache);
  uint64_t i = 0;
  for (auto _ : state) {
    (void)db->Exec("BEGIN");
    for (int k = 0; k < state.range(0); ++k) app.Append(LeafOf(i++));
    (void)app.Flush(*db);
    (void)db->Exec("COMMIT");
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_AppendBatch)->Arg(64)->Unit(benchmark::kMicrosecond);

void Inclusion(benchmark::State& state, bool cold) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Db& db = TreeDb(n);
  TileCache cache(1024);
  DbNodeSource src(db, cache);
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      cache.Clear();
      state.ResumeTiming();
    }
    auto p = InclusionProof(src, rng() % n, n);
    benchmark::DoNotOptimize(p);
  }
}
void BM_InclusionProofWarm(benchmark::State& s) { Inclusion(s, false); }
void BM_InclusionProofCold(benchmark::State& s) { Inclusion(s, true); }
BENCHMARK(BM_InclusionProofWarm)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InclusionProofCold)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMicrosecond);

void BM_VerifyInclusion(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Db& db = TreeDb(n);
  TileCache cache;
  DbNodeSource src(db, cache);
  Hash root = *RootAt(src, n);
  std::vector<std::pair<uint64_t, std::vector<Hash>>> proofs;
  std::mt19937_64 rng(2);
  for (int i = 0; i < 256; ++i) {
    uint64_t idx = rng() % n;
    proofs.push_back({idx, *InclusionProof(src, idx, n)});
  }
  size_t k = 0;
  for (auto _ : state) {
    auto& [idx, proof] = proofs[k++ % proofs.size()];
    benchmark::DoNotOptimize(VerifyInclusion(idx, n, LeafOf(idx), proof, root));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInclusion)->Arg(10000000)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Db& db = TreeDb(n);
  TileCache cache(1024);
  DbNodeSource src(db, cache);
  std::mt19937_64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(ConsistencyProof(src, 1 + rng() % (n - 1), n));
}
BENCHMARK(BM_ConsistencyProof)->Arg(10000000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace qf::ledger

int main(int argc, char** argv) {
  qf::SodiumInit();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
