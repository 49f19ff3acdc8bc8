// The reports' subcommands: the half-year summary and the quarterly bulletin written to a file, and the
// figures of a period on the terminal.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "app/modules.h"
#include "common/status.h"
#include "reports/dashboard.h"
#include "reports/documents.h"

namespace qf::reports {

void RegisterRoutes(Router& router, AppContext& app);

namespace {

struct ReportFlags {
  std::string db, period, out;
};

// Opens the database, makes the document and writes it to `out`.
int WriteDocument(const CliContext& ctx, const std::string& db_path, const std::string& out_path,
                  const std::function<absl::StatusOr<std::string>(Db&)>& make) {
  auto app = ctx.open(db_path);
  if (!app.ok()) return CliFail(app.status());
  auto db = (*app)->readers->Get();
  if (!db.ok()) return CliFail(db.status());
  auto bytes = make(**db);
  if (!bytes.ok()) return CliFail(bytes.status());
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return CliFail(absl::InternalError("cannot write " + out_path));
  std::cout << "wrote " << out_path << " (" << bytes->size() << " bytes)\n";
  return 0;
}

CliAction Summary(CLI::App& sub) {
  auto f = std::make_shared<ReportFlags>();
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--half", f->period, "2026H1 or 2026H2")->required();
  sub.add_option("--out", f->out, "FILE.docx")->required();
  return [f](const CliContext& ctx) {
    auto p = ParseHalf(f->period);
    if (!p.ok()) return CliFail(p.status());
    if (!f->out.ends_with(".docx")) return CliFail(Invalid("report.out", "--out 应为 .docx 文件"));
    return WriteDocument(ctx, f->db, f->out,
                         [&](Db& db) { return SummaryDocx(db, ctx.data_dir, *p, ctx.clock->Now()); });
  };
}

CliAction Bulletin(CLI::App& sub) {
  auto f = std::make_shared<ReportFlags>();
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--quarter", f->period, "2026Q1 … 2026Q4")->required();
  sub.add_option("--out", f->out, "FILE.docx or FILE.xlsx")->required();
  return [f](const CliContext& ctx) {
    auto p = ParseQuarter(f->period);
    if (!p.ok()) return CliFail(p.status());
    bool docx = f->out.ends_with(".docx");
    if (!docx && !f->out.ends_with(".xlsx")) return CliFail(Invalid("report.out", "--out 应为 .docx 或 .xlsx 文件"));
    return WriteDocument(ctx, f->db, f->out, [&](Db& db) {
      return docx ? BulletinDocx(db, ctx.data_dir, f->period, ctx.clock->Now())
                  : BulletinXlsx(db, ctx.data_dir, f->period, ctx.clock->Now());
    });
  };
}

CliAction Stats(CLI::App& sub) {
  auto f = std::make_shared<ReportFlags>();
  auto to = std::make_shared<std::string>();
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--from", f->period, "first day YYYY-MM-DD")->required();
  sub.add_option("--to", *to, "last day YYYY-MM-DD")->required();
  return [f, to](const CliContext& ctx) {
    auto app = ctx.open(f->db);
    if (!app.ok()) return CliFail(app.status());
    auto db = (*app)->readers->Get();
    if (!db.ok()) return CliFail(db.status());
    auto r = Dashboard(**db, f->period, *to, ctx.clock->Now());
    if (!r.ok()) return CliFail(r.status());
    std::cout << f->period << " 至 " << *to << " 共受理 " << r->at("total").as_int64() << " 件\n";
    for (auto [key, title] : {std::pair{"by_channel", "按来源"}, std::pair{"by_category", "按类别"}, std::pair{"by_state", "按状态"}}) {
      std::cout << title << "：\n";
      for (auto& it : r->at(key).as_array())
        std::cout << "  " << it.at("label").as_string().c_str() << "\t" << it.at("count").as_int64() << "\n";
    }
    std::cout << "按期办结 " << r->at("handling_on_time").as_int64() << "，超期办结 " << r->at("handling_late").as_int64()
              << "，当前超期未结 " << r->at("overdue_now").as_int64() << "\n";
    return 0;
  };
}

}  // namespace

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.DescribeGroup("report", "documents: the half-year summary and the quarterly bulletin");
  m.AddCommand("report summary", "the half-year summary (工作总结) as DOCX", Summary);
  m.AddCommand("report bulletin", "the quarterly bulletin (季度通报) as DOCX or XLSX", Bulletin);
  m.AddCommand("stats", "items by channel, category and state", Stats);
}

}  // namespace qf::reports
