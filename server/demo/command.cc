// The `demo` subcommand: builds the demo database (a new file; removed again if the build fails).
#include <filesystem>
#include <iostream>

#include "auth/totp.h"
#include "common/status.h"
#include "demo/demo.h"

namespace qf::demo {

void RegisterCommands(Modules& m) {
  m.AddCommand("demo", "build the demo database", [](CLI::App& sub) -> CliAction {
    auto db = std::make_shared<std::string>();
    sub.add_option("--db", *db, "database path (must not exist)")->required();
    return [db](const CliContext& ctx) {
      if (std::filesystem::exists(*db)) return CliFail(Invalid("demo.exists", "演示数据库已存在：" + *db));
      ManualClock clock(absl::Now());
      auto rt = Runtime::Open({*db, ctx.data_dir, {}}, clock);
      if (!rt.ok()) return CliFail(rt.status());
      auto s = Build(**rt, clock);
      if (s.ok()) s = (*rt)->ledger()->CheckpointNow((*rt)->writer()).status();
      if (!s.ok()) {
        rt->reset();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(*db + suffix);
        return CliFail(s);
      }
      std::cout << "演示数据库已生成：" << *db << "\n演示账号（密码 " << DemoAccounts::kPassword << "，动态口令密钥 "
                << auth::Base32Encode(DemoAccounts::kTotpSecret)
                << "）：clerk handler handler_yh handler_fin supervisor leader admin inspector principal_yh001\n";
      return 0;
    };
  });
}

}  // namespace qf::demo
