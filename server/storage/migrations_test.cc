// Migrations on a real SQLite file: a migration that writes more than the page cache holds goes out to the WAL as it
// runs rather than staying in memory until it commits, a failing one leaves nothing behind and costs no later commit
// (what SQLite 3.40 loses after a rollback to a savepoint, storage/sqlite_db.cc, does not follow a whole rollback),
// and the connection they ran on — the one the writer is handed — does not spill afterwards.
#include "storage/migrations.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace qf {
namespace {

// ~40,000 rows of ~310 bytes and an index on them: about three times SQLite's 8 MB page cache.
constexpr const char* kLarge =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) "
    "INSERT INTO big(x) SELECT printf('%08d', (i * 7919) % 40000) || hex(randomblob(150)) FROM n;";
constexpr const char* kTables = "CREATE TABLE big(x TEXT); CREATE INDEX big_x ON big(x); "
                                "CREATE TABLE t(x INTEGER PRIMARY KEY);";

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* pg = std::getenv("QF_TEST_PG"); pg && *pg) GTEST_SKIP() << "SQLite's page cache and WAL";
    dir_ = std::filesystem::temp_directory_path() /
           ("qf-migrations-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "m.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static int64_t Number(Db& db, const std::string& sql) {
    auto st = db.Prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status();
    if (!st.ok()) return -1;
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? st->Int(0) : -1;
  }
  uintmax_t WalBytes() const { return std::filesystem::file_size(path_ + "-wal"); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(MigrationsTest, ALargeMigrationIsWrittenOutAsItRuns) {
  auto db = Db::Open(path_, DbMode::kWriter);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(ApplyMigrations(**db, {kTables}).ok());
  uintmax_t before = WalBytes();
  std::string failing = std::string(kLarge) + " SELECT * FROM no_such_table;";
  absl::Status s = ApplyMigrations(**db, {kTables, failing.c_str()});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("迁移 2 失败"), std::string::npos) << s;
  EXPECT_EQ(Number(**db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"), 1);
  EXPECT_EQ(Number(**db, "SELECT count(*) FROM big"), 0);
  // Never committed, yet its pages went to the WAL as it ran: held in memory until the commit, none would have.
  EXPECT_GT(WalBytes() - before, 10u << 20) << "WAL " << before << " → " << WalBytes() << " bytes";
  // The connection does not spill once the migrations are done (the writer rolls commands back to savepoints), and
  // its sorts are in memory again.
  EXPECT_EQ(Number(**db, "PRAGMA cache_spill"), 0);
  EXPECT_EQ(Number(**db, "PRAGMA temp_store"), 2);
}

TEST_F(MigrationsTest, CommitsAfterALargeFailedMigrationSurviveARestart) {
  {
    auto db = Db::Open(path_, DbMode::kWriter);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(ApplyMigrations(**db, {kTables}).ok());
  }
  {
    auto reader = Db::Open(path_, DbMode::kReader);  // as the server's work pool's, open while the writer closes
    ASSERT_TRUE(reader.ok()) << reader.status();
    {
      auto db = Db::Open(path_, DbMode::kWriter);
      ASSERT_TRUE(db.ok()) << db.status();
      std::string failing = std::string(kLarge) + " SELECT * FROM no_such_table;";
      ASSERT_FALSE(ApplyMigrations(**db, {kTables, failing.c_str()}).ok());
      ASSERT_TRUE(ApplyMigrations(**db, {kTables, kLarge}).ok());
      for (int x = 1; x <= 50; ++x)
        ASSERT_TRUE((*db)->Exec("INSERT INTO t(x) VALUES (" + std::to_string(x) + ")").ok());
    }
    EXPECT_EQ(Number(**reader, "SELECT count(*) FROM t"), 50);
  }
  auto fresh = Db::Open(path_, DbMode::kReader);  // the WAL recovered from the file
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(Number(**fresh, "SELECT count(*) FROM t"), 50);
  EXPECT_EQ(Number(**fresh, "SELECT count(*) FROM big"), 40000);
  EXPECT_EQ(Number(**fresh, "SELECT MAX(version) FROM schema_migrations"), 2);
}

}  // namespace
}  // namespace qf
