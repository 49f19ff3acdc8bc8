// What each domain adds to the binary, registered the way routes are: its routes, the commands it runs once at
// start, the checks that must hold before writes are taken (a failure refuses writes), the jobs it runs while
// the server serves, and its command-line subcommands. The runtime and main compose these lists; they name no
// domain's work themselves.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "common/files.h"
#include "common/table_file.h"

// CLI11 is heavy to compile (its validators are objects in every translation unit that includes it): only the
// files that declare subcommands include it.
namespace CLI {
class App;
}  // namespace CLI

namespace qf {

// What a subcommand runs with: the data directory, the clock, and a way to open a database as the server does
// (migrations, ledger, vault, start-up checks) for commands that read or write one.
struct CliContext {
  std::string data_dir;
  const Clock* clock = nullptr;
  std::function<absl::StatusOr<std::shared_ptr<AppContext>>(const std::string& db_path)> open;
  // The start-up checks, for a verifier that holds a database to the verified events.
  std::function<absl::Status(Db& reader)> run_checks;
};
// A subcommand's action: its exit code.
using CliAction = std::function<int(const CliContext&)>;
// Declares a subcommand's options on `sub` (bound to state it keeps) and returns its action.
using CliSetup = std::function<CliAction(CLI::App& sub)>;

// Prints a Status as the command line shows errors (the message, then each field) and returns 1.
int CliFail(const absl::Status& s);

class Modules {
 public:
  using RoutesFn = std::function<void(Router&, AppContext&)>;
  using CommandFn = std::function<Command(const AppContext&)>;
  using CheckFn = std::function<absl::Status(Db& reader)>;
  // One entry of the staff vocabulary (GET /api/v1/vocabulary): reference data the console must not hard-code.
  using VocabularyFn = std::function<absl::StatusOr<boost::json::value>(const AppContext& app, Db& db)>;

  struct Job {
    std::string name;
    absl::Duration every;
    CommandFn command;
  };
  struct Check {
    std::string name;
    CheckFn check;
  };
  struct Startup {
    std::string name;
    CommandFn command;
  };

  // An import: its kind in data/imports/columns.toml, the fields its importer reads (the data must list exactly
  // these: checked at start), and its template, downloaded from the page that imports it
  // (GET /api/v1/import-templates/{kind}) by the roles that import it.
  struct ImportTemplate {
    std::string kind, title;
    RoleSet roles;
    std::vector<std::string_view> fields;
  };

  void AddRoutes(RoutesFn fn) { routes_.push_back(std::move(fn)); }
  void AddImportTemplate(ImportTemplate t) { templates_.push_back(std::move(t)); }
  void AddVocabulary(std::string key, VocabularyFn fn) { vocabulary_.emplace_back(std::move(key), std::move(fn)); }
  // Runs once at start, after migrations, while writes are taken (e.g. sealing rows older versions kept plain).
  void AddStartupCommand(std::string name, CommandFn fn) { startup_.push_back({std::move(name), std::move(fn)}); }
  void AddCheck(std::string name, CheckFn fn) { checks_.push_back({std::move(name), std::move(fn)}); }
  void AddJob(std::string name, absl::Duration every, CommandFn fn) {
    jobs_.push_back({std::move(name), every, std::move(fn)});
  }
  // A subcommand; `path` may name a group and its member ("ledger verify"): the group is made on first use.
  void AddCommand(std::string path, std::string description, CliSetup setup);
  // The help line of a group of subcommands ("ledger").
  void DescribeGroup(std::string name, std::string description) { group_help_[std::move(name)] = std::move(description); }

  const std::vector<RoutesFn>& routes() const { return routes_; }
  const std::vector<std::pair<std::string, VocabularyFn>>& vocabulary() const { return vocabulary_; }
  const std::vector<Startup>& startup() const { return startup_; }
  const std::vector<Check>& checks() const { return checks_; }
  const std::vector<Job>& jobs() const { return jobs_; }
  const std::vector<ImportTemplate>& import_templates() const { return templates_; }

  // Adds every subcommand to `cli`; after parsing, Run runs the chosen one's action.
  void BuildCli(CLI::App& cli);
  int Run(const CliContext& ctx) const;

 private:
  struct CommandDef {
    std::string path, description;
    CliSetup setup;
  };
  std::vector<RoutesFn> routes_;
  std::vector<std::pair<std::string, VocabularyFn>> vocabulary_;
  std::vector<Startup> startup_;
  std::vector<Check> checks_;
  std::vector<Job> jobs_;
  std::vector<ImportTemplate> templates_;
  std::vector<CommandDef> commands_;
  std::map<std::string, std::string> group_help_;
  std::vector<std::pair<CLI::App*, CliAction>> actions_;
};

// Runs the registered jobs on their own thread while it lives, each on the writer every `every` (the first run
// at once); a failed run is logged and retried at its next turn.
class JobRunner {
 public:
  JobRunner(const Modules& modules, AppContext& app);
  ~JobRunner();

 private:
  void Loop();
  const Modules& modules_;
  AppContext& app_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace qf
