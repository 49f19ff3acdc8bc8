// Dashboard benchmarks: the rollups (reports::Dashboard) against GROUP BY over the case rows
// (cases::StatsFromCases), in the same run, at 10^6 and 10^7 cases with their handling deadlines. The data is
// bulk-loaded with the rollup triggers off and the rollups built by the migration's own backfill statements,
// then both are asked the same questions: a half-year and a whole year. Cases spread over 2025–2026; those of the
// last five weeks are still in hand.
//   BM_Dashboard/<cases>/<0 rollup | 1 group by>/<days: 181 or 365>
// Built once into /tmp/qf-bench-dash-N.db.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>

#include "cases/cases.h"
#include "cases/stats_oracle.h"
#include "common/timefmt.h"
#include "reports/dashboard.h"
#include "storage/db.h"
#include "storage/migrations.h"
#include "fmt/format.h"

namespace qf::reports {
namespace {

constexpr const char* kTriggers[] = {"case_rollup_insert", "case_rollup_update", "state_rollup_update", "case_rollup_delete",
                                     "deadline_rollup_insert", "deadline_rollup_update", "deadline_rollup_delete",
                                     "case_fts_insert", "case_minhash_insert"};

Db& DashDb(int64_t n) {
  static std::map<int64_t, std::unique_ptr<Db>> dbs;
  if (auto it = dbs.find(n); it != dbs.end()) return *it->second;
  std::string path = "/tmp/qf-bench-dash-" + std::to_string(n) + ".db";
  if (!std::filesystem::exists(path)) {
    auto db = *Db::Open(path + ".tmp", DbMode::kWriter);
    (void)Migrate(*db);
    (void)db->Exec("PRAGMA synchronous=OFF");
    // Keep the definitions, drop the triggers for the bulk load, then build the rollups as migration 8 does.
    std::map<std::string, std::string> saved;
    for (const char* t : kTriggers) {
      auto st = db->Prepare("SELECT sql FROM sqlite_master WHERE type='trigger' AND name=?");
      st->Bind(1, std::string_view(t));
      if (*st->Step()) saved[t] = st->Text(0);
      (void)db->Exec(std::string("DROP TRIGGER ") + t);
    }
    (void)db->Exec(fmt::format(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {0}) "
        "INSERT INTO cases(id, receipt, channel, category, kind, state, title, content, received_at, created_at, district, "
        "anonymous, replied_at, satisfaction) "
        "SELECT i, 'R' || i, "
        "  CASE abs(random()) % 10 WHEN 0 THEN 'mayor_hotline' WHEN 1 THEN 'media' WHEN 2 THEN 'web' WHEN 3 THEN 'zmztc' "
        "   WHEN 4 THEN 'zmztc' WHEN 5 THEN 'zmztc' ELSE 'letter_call' END, "
        "  CASE abs(random()) % 8 WHEN 0 THEN 'fees' WHEN 1 THEN 'tutoring' WHEN 2 THEN 'ethics' WHEN 3 THEN 'discipline' "
        "   WHEN 4 THEN 'admission' WHEN 5 THEN 'exam' WHEN 6 THEN 'safety' ELSE 'other' END, "
        "  'complaint', 'closed', 't', 'c', "
        "  strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (i * (730 * 86400 / {0})) || ' seconds'), "
        "  '2025-01-01T00:00:00.000Z', "
        "  CASE abs(random()) % 10 WHEN 0 THEN '瑶海区' WHEN 1 THEN '庐阳区' WHEN 2 THEN '蜀山区' WHEN 3 THEN '包河区' "
        "   WHEN 4 THEN '长丰县' WHEN 5 THEN '肥东县' WHEN 6 THEN '肥西县' WHEN 7 THEN '高新区' WHEN 8 THEN '经开区' ELSE '新站区' END, "
        "  abs(random()) % 3 = 0, NULL, CASE WHEN abs(random()) % 2 = 0 THEN 1 + abs(random()) % 5 END FROM seq", n));
    // Items of the last five weeks are still in hand (a realistic open load); the rest were answered.
    (void)db->Exec("UPDATE cases SET state='signed' WHERE received_at >= '2026-12-10'");
    (void)db->Exec("UPDATE cases SET replied_at = strftime('%Y-%m-%dT%H:%M:%fZ', received_at, '+' || (1 + id % 40) || ' days') WHERE state='closed'");
    (void)db->Exec("INSERT INTO case_deadlines(case_id, kind, start_day, term, due_on, policy_id, clause, calendar_version, status) "
                   "SELECT id, 'handling', substr(received_at,1,10), '15wd', date(received_at, '+21 days'), 'p', 'c', 'v', "
                   "CASE WHEN state='closed' AND id % 20 <> 0 THEN 'met' WHEN state='closed' THEN 'missed' ELSE 'open' END FROM cases");
    // Rollups as migration 8 builds them for existing rows (the same statements).
    (void)db->Exec(
        "INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied) "
        "  SELECT date(received_at, '+8 hours'), COUNT(*), SUM(anonymous = 0), SUM(replied_at IS NOT NULL), "
        "         TOTAL(julianday(replied_at) - julianday(received_at)), SUM(satisfaction IS NOT NULL), "
        "         SUM(COALESCE(satisfaction >= 4, 0)) "
        "  FROM cases GROUP BY 1; "
        "INSERT INTO rollup_day(day, handling_met, handling_missed) "
        "  SELECT date(c.received_at, '+8 hours'), SUM(d.status = 'met'), SUM(d.status = 'missed') "
        "  FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind = 'handling' GROUP BY 1 "
        "  ON CONFLICT DO UPDATE SET handling_met = excluded.handling_met, handling_missed = excluded.handling_missed; "
        "INSERT INTO rollup_dim(dim, day, code, n) SELECT 'channel', date(received_at, '+8 hours'), channel, COUNT(*) FROM cases GROUP BY 2, 3; "
        "INSERT INTO rollup_dim(dim, day, code, n) SELECT 'category', date(received_at, '+8 hours'), category, COUNT(*) FROM cases GROUP BY 2, 3; "
        "INSERT INTO rollup_dim(dim, day, code, n) SELECT 'district', date(received_at, '+8 hours'), COALESCE(district, ''), COUNT(*) FROM cases GROUP BY 2, 3; "
        "INSERT INTO rollup_dim(dim, day, code, n) SELECT 'state', date(received_at, '+8 hours'), state, COUNT(*) FROM cases GROUP BY 2, 3; ");
    for (auto& [_, sql] : saved) (void)db->Exec(sql);
    (void)db->Exec("ANALYZE");
    db.reset();
    std::filesystem::rename(path + ".tmp", path);
    std::filesystem::remove(path + ".tmp-wal");
    std::filesystem::remove(path + ".tmp-shm");
  }
  return *dbs.emplace(n, *Db::Open(path, DbMode::kReader)).first->second;
}

void BM_Dashboard(benchmark::State& state) {
  int64_t n = state.range(0);
  bool raw = state.range(1) == 1;
  std::string from = "2026-01-01", to = state.range(2) == 181 ? "2026-06-30" : "2026-12-31";
  Db& db = DashDb(n);
  absl::Time now = absl::FromCivil(absl::CivilSecond(2027, 1, 2, 9, 0, 0), Cst());
  for (auto _ : state) {
    auto r = raw ? cases::StatsFromCases(db, from, to, now) : Dashboard(db, from, to, now);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Dashboard)->ArgsProduct({{1000000, 10000000}, {0, 1}, {181, 365}})->Unit(benchmark::kMillisecond)
    ->MinTime(2)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace
}  // namespace qf::reports
