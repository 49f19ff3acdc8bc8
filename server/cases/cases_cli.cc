// What cases add to the binary besides their handlers: sealing reporter rows older versions kept plain (at
// start), the audit that holds the case tables to the ledger's events (a failure refuses writes), the sweeps of
// supervision cards and provisional deadlines (every minute), and the subcommands `calendar add` and `import`.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "app/modules.h"
#include "cases/audit.h"
#include "cases/cases.h"
#include "cases/import_profiles.h"
#include "cases/watch.h"
#include "cases/lifecycle.h"
#include "common/status.h"
#include "common/table_stream.h"
#include "common/timefmt.h"
#include "org/org.h"

namespace qf::cases {
namespace json = boost::json;

void RegisterRoutes(Router& router, AppContext& app);
void RegisterCalendarRoutes(Router& router, AppContext& app);

namespace {

CaseEnv Env(const AppContext& app) { return {app.calendar, app.policies, app.vault}; }

CliAction CalendarAdd(CLI::App& sub) {
  auto start = std::make_shared<std::string>(), term = std::make_shared<std::string>();
  sub.add_option("start", *start)->required();
  sub.add_option("term", *term)->required();
  return [start, term](const CliContext& ctx) {
    Calendar calendar;
    if (auto s = calendar.LoadDir(ctx.data_dir + "/calendar"); !s.ok()) return CliFail(s);
    auto day = ParseDay(*start);
    auto t = Term::Parse(*term);
    if (!day) return CliFail(Invalid("calendar.start", "起算日格式应为 YYYY-MM-DD"));
    if (!t.ok()) return CliFail(t.status());
    auto r = calendar.Add(*day, *t, true);
    for (auto& s : r.steps) std::cout << s << "\n";
    std::cout << "结果：" << FormatDay(r.due) << (r.provisional ? "（暂定）" : "") << "  日历版本 " << r.calendar_version << "\n";
    return 0;
  };
}

// An import's progress on standard error: a bar redrawn in place on a terminal, a line every tenth otherwise (logs).
class ProgressBar {
 public:
  explicit ProgressBar(std::string file) : file_(std::move(file)), tty_(isatty(STDERR_FILENO)) {}
  void Show(uint64_t done, uint64_t total, int rows) {
    int percent = total ? static_cast<int>(done * 100 / total) : 0;
    if (tty_) {
      int filled = percent * 30 / 100;
      std::cerr << "\r  [" << std::string(filled, '#') << std::string(30 - filled, ' ') << "] " << percent << "%  "
                << rows << " 行" << std::flush;
      if (done >= total) std::cerr << "\n";
    } else if (percent / 10 > shown_ / 10) {
      shown_ = percent;
      std::cerr << file_ << "：已读 " << percent << "%，" << rows << " 行\n";
    }
  }

 private:
  std::string file_;
  bool tty_;
  int shown_ = 0;
};

struct ImportFlags {
  std::string db, units, people, relations, cases, channel = "zmztc", rejects, backdate, profile;
  bool accept_valid = false;
};

CliAction Import(CLI::App& sub) {
  auto f = std::make_shared<ImportFlags>();
  sub.add_option("--db", f->db, "database: a SQLite file path or a postgresql:// URL")->required();
  sub.add_option("--units", f->units, "units file");
  sub.add_option("--people", f->people, "people file");
  sub.add_option("--relations", f->relations, "relations file");
  sub.add_option("--cases", f->cases, "hotline or platform export");
  sub.add_option("--channel", f->channel, "channel of the cases file (zmztc, mayor_hotline, …)");
  sub.add_option("--profile", f->profile, "the cases file's column mapping profile (default: the saved one its header fits)");
  sub.add_flag("--accept-valid", f->accept_valid, "apply the valid rows and write the rejected ones to --rejects");
  sub.add_option("--rejects", f->rejects, "where rejected rows and reasons go (with --accept-valid)");
  sub.add_option("--backdate-reason", f->backdate,
                 "why rows received more than 30 days ago are entered now (required for such rows)");
  return [f](const CliContext& ctx) {
    auto app = ctx.open(f->db);
    if (!app.ok()) return CliFail(app.status());
    std::vector<FieldError> all_rejected;
    int problems = 0;
    // Each file is read row by row (memory stays flat however many rows) and applied in one command: all or nothing,
    // or the valid rows with --accept-valid.
    auto run = [&](const std::string& file, const std::string& what) -> int {
      if (file.empty()) return 0;
      auto opened = TableStream::OpenFile(file);
      if (!opened.ok()) return CliFail(opened.status());
      TableStream& table = **opened;
      std::cout << file << "：" << table.encoding() << " 编码，第 " << table.head().header_row << " 行为表头\n";
      auto warn = [&table] {
        for (const auto& w : table.TakeWarnings()) std::cout << "  提示 " << w.field << "：" << w.message << "\n";
      };
      warn();
      auto bar = std::make_shared<ProgressBar>(file);
      ImportProgress progress = [&table, &warn, bar](int rows) {
        warn();  // as they come: a file with a formula on every row holds none of them
        bar->Show(table.done(), table.total(), rows);
      };
      CaseEnv env = Env(**app);
      auto r = (*app)->writer->Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::value> {
        int applied = 0;
        if (what == "cases") {
          QF_ASSIGN_OR_RETURN(auto used, MapColumns(tx.db(), kCaseImport, table.head(), std::nullopt, f->profile));
          if (used) std::cout << "  使用对照方案：" << *used << "\n";
          CaseImportOptions options{f->channel, f->accept_valid, 0, f->backdate, {}, false, progress};
          QF_ASSIGN_OR_RETURN(auto rep, ImportCases(tx, env, (*app)->imports->Of(kCaseImport), table.head(),
                                                    RowsOf(table), options));
          for (const auto& c : rep.unknown_columns) std::cout << "  提示 未识别的列（未导入）：" << c << "\n";
          applied = rep.applied;
          problems += rep.problems;
          all_rejected.insert(all_rejected.end(), rep.rejected.begin(), rep.rejected.end());
        } else {
          QF_ASSIGN_OR_RETURN(auto rep, org::ImportOrg(tx, what, (*app)->imports->Of(what), table.head(),
                                                       RowsOf(table), f->accept_valid));
          applied = rep.applied;
          problems += rep.problems;
          all_rejected.insert(all_rejected.end(), rep.rejected.begin(), rep.rejected.end());
        }
        return json::value(applied);
      });
      warn();
      if (!r.ok()) return CliFail(r.status());
      std::cout << file << "：导入 " << r->as_int64() << " 行\n";
      return 0;
    };
    for (auto [file, what] : {std::pair{&f->units, "units"}, std::pair{&f->people, "people"},
                              std::pair{&f->relations, "relations"}, std::pair{&f->cases, "cases"}})
      if (int rc = run(*file, what)) return rc;
    if (problems > 0) {
      std::cout << "拒绝 " << problems << " 处问题";
      if (!f->rejects.empty()) {
        std::ofstream out(f->rejects);
        out << "\xEF\xBB\xBF位置,原因\n";
        for (auto& e : all_rejected) out << '"' << e.field << "\",\"" << e.message << "\"\n";
        if (problems > static_cast<int>(all_rejected.size()))
          out << "\"……\",\"另有 " << problems - static_cast<int>(all_rejected.size()) << " 处问题未列出\"\n";
        std::cout << "，已写入 " << f->rejects;
      }
      std::cout << "\n";
    }
    return 0;
  };
}

}  // namespace

void Register(Modules& m) {
  m.AddImportTemplate({std::string(kCaseImport), "来件导入模板", kClerk | kSupervisor, CaseImportFields()});
  m.AddRoutes(RegisterCalendarRoutes);
  m.AddRoutes(RegisterRoutes);
  m.AddStartupCommand("seal legacy reporter rows", [](const AppContext& app) -> Command {
    return [env = Env(app)](Tx& tx) -> absl::StatusOr<json::value> {
      if (!env.vault) return json::value(0);
      QF_ASSIGN_OR_RETURN(int n, SealLegacyReporters(tx, env));
      return json::value(n);
    };
  });
  m.AddStartupCommand("tag reporter names for the retaliation watch", [](const AppContext& app) -> Command {
    return [vault = app.vault](Tx& tx) -> absl::StatusOr<json::value> {
      if (!vault) return json::value(0);
      QF_ASSIGN_OR_RETURN(int n, TagReporterNames(tx, *vault));
      return json::value(n);
    };
  });
  m.AddCheck("the case tables agree with the events", [](Db& reader) { return AuditProjections(reader); });
  m.AddJob("supervision cards", absl::Minutes(1), [](const AppContext& app) -> Command {
    return [env = Env(app)](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int n, SweepSupervision(tx, env));
      return json::value(n);
    };
  });
  m.AddJob("provisional deadlines", absl::Minutes(1), [](const AppContext& app) -> Command {
    return [env = Env(app)](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int n, RecomputeProvisional(tx, env));
      return json::value(n);
    };
  });
  m.DescribeGroup("calendar", "show how a deadline is computed");
  m.AddVocabulary("case_states", [](const AppContext&, Db&) -> absl::StatusOr<json::value> {
    json::array out;
    for (State st : AllStates())
      out.push_back(json::object{{"code", StateName(st)}, {"label", StateLabel(st)}, {"terminal", IsTerminal(st)}});
    return out;
  });
  m.AddVocabulary("case_limits", [](const AppContext& app, Db&) -> absl::StatusOr<json::value> {
    return json::object{{"export_max_rows", kMaxExportRows},
                        {"extension_max_days", app.policies->supervision().max_extension_days},
                        {"order_max_working_days", app.policies->supervision().order_max_working_days}};
  });
  m.AddCommand("calendar add", "START TERM, e.g. 2026-04-30 5wd or 2026-01-20 60d", CalendarAdd);
  m.AddCommand("import", "bulk import units, people, relations or cases (CSV or XLSX)", Import);
}

}  // namespace qf::cases
