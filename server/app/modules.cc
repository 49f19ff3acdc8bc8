#include "app/modules.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/status.h"
#include "common/strings.h"
#include "spdlog/spdlog.h"

namespace qf {

int CliFail(const absl::Status& s) {
  std::cerr << "错误：" << Str(s.message()) << "\n";
  for (auto& f : FieldErrors(s)) std::cerr << "  " << f.field << "：" << f.message << "\n";
  return 1;
}

void Modules::AddCommand(std::string path, std::string description, CliSetup setup) {
  commands_.push_back({std::move(path), std::move(description), std::move(setup)});
}

void Modules::BuildCli(CLI::App& cli) {
  std::map<std::string, CLI::App*> groups;
  for (auto& c : commands_) {
    auto parts = Split(c.path, ' ');
    CLI::App* parent = &cli;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      std::string name(parts[i]);
      auto it = groups.find(name);
      if (it == groups.end()) {
        auto help = group_help_.find(name);
        CLI::App* g = parent->add_subcommand(name, help == group_help_.end() ? "" : help->second);
        g->require_subcommand(1);
        it = groups.emplace(name, g).first;
      }
      parent = it->second;
    }
    CLI::App* sub = parent->add_subcommand(std::string(parts.back()), c.description);
    actions_.emplace_back(sub, c.setup(*sub));
  }
}

int Modules::Run(const CliContext& ctx) const {
  for (const auto& [sub, action] : actions_)
    if (sub->parsed()) return action(ctx);
  return CliFail(Invalid("cli.command", "请指定子命令（--help 查看）"));
}

JobRunner::JobRunner(const Modules& modules, AppContext& app)
    : modules_(modules), app_(app), thread_([this] { Loop(); }) {}

JobRunner::~JobRunner() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void JobRunner::Loop() {
  std::vector<absl::Time> next(modules_.jobs().size(), absl::InfinitePast());
  std::unique_lock l(mu_);
  while (!stop_) {
    l.unlock();
    absl::Time now = absl::Now();
    absl::Time wake = now + absl::Minutes(1);
    for (size_t i = 0; i < modules_.jobs().size(); ++i) {
      const auto& job = modules_.jobs()[i];
      if (next[i] > now + job.every) next[i] = now;  // the wall clock was set back: run now, not an hour late
      if (next[i] <= now) {
        auto r = app_.writer->Run(Actor::System(), job.command(app_));
        if (!r.ok()) spdlog::warn("job {} failed: {}", job.name, r.status().message());
        next[i] = now + job.every;
      }
      wake = std::min(wake, next[i]);
    }
    l.lock();
    cv_.wait_for(l, absl::ToChronoSeconds(std::max(wake - absl::Now(), absl::Seconds(1))), [this] { return stop_; });
  }
}

}  // namespace qf
