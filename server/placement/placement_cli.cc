// What placement adds to the binary: its routes; `placement verify`, which checks a published placement record (from
// a file, a server's public address or the database) from the record alone (lottery numbers from the revealed seed, seats against capacity, stability, the seats recomputed), and
// `placement city`, which generates a city's applications, runs deferred acceptance and writes the record (for
// trials, the benchmark and the demo).
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "app/modules.h"
#include "common/status.h"
#include "fmt/format.h"
#include "placement/city.h"
#include "ledger/http_source.h"
#include "placement/placement.h"
#include "placement/record.h"

namespace qf::placement {
namespace json = boost::json;

namespace {

struct VerifyFlags {
  int64_t id = 0;
  std::string db, url, file;
};

// The published record as text: from the file, from the server as any outsider reads it, or from the database.
absl::StatusOr<std::string> RecordText(const VerifyFlags& f) {
  if (!f.file.empty()) return ReadWholeFile(f.file);
  if (f.id <= 0) return Invalid("placement.run", "请给出录取批次号", {{"run", "必填"}});
  if (!f.url.empty()) return ledger::HttpGet(f.url, "/api/v1/public/placement/runs/" + std::to_string(f.id));
  if (!f.db.empty()) {
    QF_ASSIGN_OR_RETURN(auto db, Db::Open(f.db, DbMode::kReader));
    QF_ASSIGN_OR_RETURN(auto rec, PublicRecord(*db, f.id));
    return json::serialize(rec);
  }
  return Invalid("placement.source", "请用 --db、--url 或 --file 指定公开记录的来源");
}

CliAction VerifyRun(CLI::App& sub) {
  auto f = std::make_shared<VerifyFlags>();
  sub.add_option("run", f->id, "placement run number (not needed with --file)");
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL");
  sub.add_option("--url", f->url, "server base URL: reads GET /api/v1/public/placement/runs/RUN like any outsider");
  sub.add_option("--file", f->file, "the published record saved as JSON");
  return [f](const CliContext&) {
    auto text = RecordText(*f);
    if (!text.ok()) return CliFail(text.status());
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) return CliFail(Invalid("placement.record", "公开记录不是 JSON 对象"));
    auto rec = ParseRecord(v.as_object());
    if (!rec.ok()) return CliFail(rec.status());
    Check c = Verify(*rec);
    for (auto& s : c.passed) std::cout << "  ✓ " << s << "\n";
    for (auto& s : c.failed) std::cout << "  ✗ " << s << "\n";
    std::cout << (c.ok ? "结论：与公布结果一致\n" : "结论：不一致\n");
    return c.ok ? 0 : 1;
  };
}

CliAction GenerateRun(CLI::App& sub) {
  auto o = std::make_shared<CityOptions>();
  auto out = std::make_shared<std::string>();
  sub.add_option("--schools", o->schools, "designated schools")->capture_default_str();
  sub.add_option("--children", o->children, "children applying")->capture_default_str();
  sub.add_option("--seat-ratio", o->seat_ratio, "seats per child in each grade")->capture_default_str();
  sub.add_option("--seed", o->seed, "the generator's seed")->capture_default_str();
  sub.add_option("--out", *out, "write the record here (JSON)")->required();
  return [o, out](const CliContext&) {
    GeneratedCity city = GenerateCity(*o);
    auto t0 = std::chrono::steady_clock::now();
    Result r = DeferredAcceptance(city.in);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    Recorded rec = RecordOf(city.in, r, city.commitment, city.public_value, city.secret);
    std::ofstream f(*out, std::ios::binary);
    f << json::serialize(RecordJson(rec));
    if (!f) return CliFail(Invalid("placement.out", "无法写入 " + *out));
    int chosen = 0;
    for (const Seat& s : r.seats) chosen += s.chosen;
    std::cout << fmt::format("{} 所学校，{} 名儿童：安排 {} 名（其中 {} 名在自己填报的志愿学校），平均 {:.2f} 公里；"
                             "延迟接受 {:.0f} 毫秒\n",
                             city.in.schools.size(), city.in.children.size(), r.placed, chosen,
                             r.placed ? r.total_metres / 1000.0 / r.placed : 0.0, ms);
    for (const Shortfall& s : Shortfalls(city.in))
      std::cout << fmt::format("  学位不足：{} {} 年级 儿童 {} 名，学位 {} 个\n", s.district.empty() ? "全市" : s.district,
                               s.grade, s.children, s.seats);
    return 0;
  };
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app);

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.DescribeGroup("placement", "school places for migrant workers' children (随迁子女)");
  m.AddStartupCommand("re-assess placement applications under the current policy", [](const AppContext& app) -> Command {
    return [path = app.data_dir + "/placement/policy.toml", vault = app.vault, calendar = app.calendar,
            policies = app.policies](Tx& tx) -> absl::StatusOr<boost::json::value> {
      auto policy = Policy::Load(path);
      if (!policy.ok()) return boost::json::value(0);  // no policy, no placement (the routes say so at start)
      PlacementEnv env{std::make_shared<const Policy>(std::move(*policy)), vault, cases::CaseEnv{calendar, policies, vault}};
      QF_ASSIGN_OR_RETURN(int64_t changed, ReassessUnderPolicy(tx, env));
      return boost::json::value(changed);
    };
  });
  m.AddCommand("placement verify", "check a published placement record from the record alone", VerifyRun);
  m.AddCommand("placement city", "generate a city's applications, place them and write the record", GenerateRun);
}

}  // namespace qf::placement
