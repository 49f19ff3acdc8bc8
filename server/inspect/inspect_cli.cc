// What inspections add to the binary besides their handlers: the sweeps of rectification and campaign-results
// cards (every minute), and `draw verify`, which recomputes a released draw, a campaign's sample or an admission
// lottery from its public record (inspections see both kinds of witnessed draw; draws alone do not know campaigns).
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/modules.h"
#include "common/status.h"
#include "draws/draws.h"
#include "inspect/inspect.h"
#include "ledger/http_source.h"

namespace qf::inspect {
namespace json = boost::json;

void RegisterRoutes(Router& router, AppContext& app);

namespace {

InspectEnv Env(const AppContext& app) { return {app.calendar, app.vault, app.policies, app.data_dir}; }

struct VerifyFlags {
  int64_t id = 0;
  std::string db, url, file;
  bool campaign = false, lottery = false;
};

// The public record as text, from the file, the server (as any outsider reads it) or the database.
absl::StatusOr<std::string> RecordText(const VerifyFlags& f) {
  if (!f.file.empty()) {
    auto text = ReadWholeFile(f.file);
    if (!text.ok()) return absl::NotFoundError("读不到文件 " + f.file);
    return text;
  }
  if (!f.url.empty())
    return ledger::HttpGet(f.url, std::string(f.campaign   ? "/api/v1/public/campaigns/"
                                              : f.lottery ? "/api/v1/public/lotteries/"
                                                          : "/api/v1/public/draws/") +
                                      std::to_string(f.id));
  // An admission lottery's record is the admissions module's, above this one: read it as an outsider does.
  if (!f.db.empty() && f.lottery) return Invalid("draw.source", "招生摇号请用 --url 或 --file 指定公开记录");
  if (!f.db.empty()) {
    QF_ASSIGN_OR_RETURN(auto db, Db::Open(f.db, DbMode::kReader));
    QF_ASSIGN_OR_RETURN(auto rec, f.campaign ? PublicCampaign(*db, f.id) : draws::PublicRecord(*db, f.id));
    return json::serialize(rec);
  }
  return Invalid("draw.source", "请用 --db、--url 或 --file 指定公开记录的来源");
}

CliAction VerifyDraw(CLI::App& sub) {
  auto f = std::make_shared<VerifyFlags>();
  sub.add_option("id", f->id, "draw number")->required();
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL");
  sub.add_option("--url", f->url, "server base URL: reads GET /api/v1/public/draws/ID like any outsider");
  sub.add_option("--file", f->file, "the public record saved as JSON");
  sub.add_flag("--campaign", f->campaign, "ID is an inspection campaign: recompute its sample of schools");
  sub.add_flag("--lottery", f->lottery, "ID is an admission lottery (招生摇号): recompute its order and admissions");
  return [f](const CliContext&) {
    auto text = RecordText(*f);
    if (!text.ok()) return CliFail(text.status());
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) return CliFail(Invalid("draw.record", "公开记录不是 JSON 对象"));
    const auto& rec = v.as_object();
    draws::Verification result;
    if (f->campaign) {
      auto sc = VerifySample(rec);
      result.ok = sc.ok;
      result.passed = sc.passed;
      result.failed = sc.failed;
    } else {
      result = draws::Verify(rec);
    }
    std::cout << (f->campaign ? "抽样 " : f->lottery ? "摇号 " : "抽取 ") << f->id;
    for (const char* k : {"purpose", "title", "school"})
      if (auto* p = rec.if_contains(k); p && p->is_string()) std::cout << "（" << p->as_string().c_str() << "）";
    std::cout << "\n";
    for (auto& s : result.passed) std::cout << "  ✓ " << s << "\n";
    for (auto& s : result.failed) std::cout << "  ✗ " << s << "\n";
    if (auto* sample = rec.if_contains("sample"); f->campaign && sample && sample->is_array()) {
      std::cout << "抽中 " << sample->as_array().size() << " 所：";
      for (auto& s : sample->as_array()) std::cout << s.at("code").as_string().c_str() << " ";
      std::cout << "\n";
    }
    if (auto* calls = rec.if_contains("calls"); calls && calls->is_array()) {
      std::cout << (f->lottery ? "录取：" : "抽中：");
      for (auto& c : calls->as_array())
        if (c.at("status").as_string() == "selected") std::cout << c.at("code").as_string().c_str() << " ";
      std::cout << "\n";
    }
    std::cout << (result.ok ? "结论：与公布结果一致\n" : "结论：不一致\n");
    return result.ok ? 0 : 1;
  };
}

}  // namespace

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.AddJob("rectification and campaign-results cards", absl::Minutes(1), [](const AppContext& app) -> Command {
    return [env = Env(app)](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int k, SweepRectifications(tx, env));
      QF_ASSIGN_OR_RETURN(int c, SweepCampaignResults(tx, env));
      return json::value(k + c);
    };
  });
  m.AddVocabulary("inspection", [](const AppContext& app, Db&) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto term, app.policies->DeadlineFor("rectification", "", "", "", false));
    return json::object{{"rectification_term", term.term.ToString()}, {"rectification_clause", term.clause},
                        {"answer_types", json::array(std::begin(kAnswerTypes), std::end(kAnswerTypes))}};
  });
  m.DescribeGroup("draw", "random draws of experts, inspectors and exam supervisors");
  m.AddCommand("draw verify", "recompute a released draw from its published inputs", VerifyDraw);
}

}  // namespace qf::inspect
