// qingfeng: one binary whose subcommands are registered by the modules (runtime/runtime.h RegisterModules, the
// demo's own); main sets up the process, parses the command line and runs the chosen subcommand.
#include <CLI/CLI.hpp>
#include <malloc.h>

#include <iostream>

#include "common/crypto_util.h"
#include "demo/demo.h"
#include "runtime/runtime.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  using namespace qf;
  // Keep freed memory in the process instead of returning it to the kernel after every large free
  // (heap trimming showed as madvise calls in the writer's profile).
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  if (!SodiumInit()) {
    std::cerr << "libsodium 初始化失败\n";
    return 1;
  }
  // Logs go to stderr; stdout carries only command output (and the "listening on" line).
  spdlog::set_default_logger(spdlog::stderr_color_mt("qingfeng"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App cli{"清风 Qingfeng — 教育系统投诉举报与廉政监督平台"};
  cli.require_subcommand(1);
  std::string data_flag;
  cli.add_option("--data", data_flag, "data directory (calendar, policies); default ./data or $QINGFENG_DATA");
  Modules modules;
  RegisterModules(modules);
  demo::RegisterCommands(modules);
  modules.BuildCli(cli);
  CLI11_PARSE(cli, argc, argv);

  std::string data_dir = data_flag;
  if (data_dir.empty()) data_dir = std::getenv("QINGFENG_DATA") ? std::getenv("QINGFENG_DATA") : "data";
  SystemClock clock;
  return modules.Run(MakeCliContext(data_dir, clock));
}
