// The `demo` subcommand: builds the demo database (a new SQLite file, removed again if the build fails, or an empty
// PostgreSQL database).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "auth/totp.h"
#include "common/status.h"
#include "demo/demo.h"
#include "storage/migrations.h"

namespace qf::demo {

void RegisterCommands(Modules& m) {
  m.AddCommand("demo", "build the demo database", [](CLI::App& sub) -> CliAction {
    auto db = std::make_shared<std::string>();
    sub.add_option("--db", *db, "database: a SQLite file path (must not exist) or a postgresql:// URL (must be empty)")
        ->required();
    return [db](const CliContext& ctx) {
      if (Db::IsUrl(*db)) {
        auto opened = Db::Open(*db, DbMode::kReader);
        auto used = opened.ok() ? HasSchema(**opened) : absl::StatusOr<bool>(opened.status());
        if (!used.ok()) return CliFail(used.status());
        if (*used) return CliFail(Invalid("demo.exists", "演示数据库不是空库：" + *db));
      } else if (std::filesystem::exists(*db)) {
        return CliFail(Invalid("demo.exists", "演示数据库已存在：" + *db));
      }
      ManualClock clock(absl::Now());
      RuntimeOptions options{*db, ctx.data_dir, {}};
      options.durable = false;  // a generated fixture: rebuilt if the build is interrupted
      auto rt = Runtime::Open(options, clock);
      if (!rt.ok()) return CliFail(rt.status());
      auto s = Build(**rt, clock);
      if (s.ok()) s = (*rt)->ledger()->CheckpointNow((*rt)->writer()).status();
      rt->reset();
      if (s.ok()) {
        auto built = Db::Open(*db, DbMode::kWriter);
        s = built.ok() ? GatherPlannerStatistics(**built) : built.status();
      }
      if (!s.ok()) {
        if (!Db::IsUrl(*db))
          for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(*db + suffix);
        return CliFail(s);
      }
      std::cout << "演示数据库已生成：" << *db << "\n演示账号（密码 " << DemoAccounts::kPassword << "，动态口令密钥 "
                << auth::Base32Encode(DemoAccounts::kTotpSecret)
                << "）：clerk handler handler_yh handler_fin supervisor leader admin inspector principal_yh001 head_yh\n";
      return 0;
    };
  });
}

}  // namespace qf::demo
