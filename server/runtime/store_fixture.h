// Test-only: a real database for a store test — a fresh SQLite file per test (WAL, full sync), or, when QF_TEST_PG
// names a running cluster's socket directory (tests/with-pg.sh), a fresh PostgreSQL database per test — with the
// shipped data directory, the runtime on a manual clock, and helpers to run a writer command and to read. Every
// store test of every domain derives from it instead of keeping its own copy of the set-up.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "runtime/runtime.h"
#include "storage/migrations.h"
#include "common/clock.h"
#include "common/crypto_util.h"
#include "common/strings.h"
#include "common/timefmt.h"

namespace qf {

class StoreTest : public ::testing::Test {
 protected:
  explicit StoreTest(absl::Time start = absl::FromCivil(absl::CivilSecond(2026, 4, 30, 10, 0, 0), Cst()))
      : clock_(start) {}
  void SetUp() override {
    ASSERT_TRUE(SodiumInit());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("qf_") + info->test_suite_name() + "_" + std::to_string(::getpid()) + "_" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';  // parameterised tests are named Suite/Test/N
    path_ = (std::filesystem::temp_directory_path() / (name + ".db")).string();
    Remove();
    if (const char* pg = std::getenv("QF_TEST_PG"); pg && *pg) {
      pg_name_ = ToLower(name);
      for (char& c : pg_name_)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      pg_name_ = pg_name_.substr(0, 60);
      auto admin = Db::Open(std::string("postgresql://qingfeng@/postgres?host=") + pg, DbMode::kWriter);
      ASSERT_TRUE(admin.ok()) << admin.status();
      ASSERT_NO_FATAL_FAILURE(CopyTemplate(**admin, pg));
      path_ = "postgresql://qingfeng@/" + pg_name_ + "?host=" + pg;
      ::setenv("QINGFENG_KEY_DIR", std::filesystem::temp_directory_path().c_str(), 1);
    }
    auto rt = Runtime::Open({path_, std::string(QF_SOURCE_DIR) + "/data", {}}, clock_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
  }
  void TearDown() override {
    rt_.reset();
    Remove();
    if (!pg_name_.empty()) {
      auto admin = Db::Open(std::string("postgresql://qingfeng@/postgres?host=") + std::getenv("QF_TEST_PG"),
                            DbMode::kWriter);
      if (admin.ok()) (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    }
  }
  bool OnPostgres() const { return !pg_name_.empty(); }
  // On PostgreSQL each test's database is a copy of one opened before by the runtime (every migration run, the
  // start-up commands done at the same clock time), made once per cluster, schema version and start time under an
  // advisory lock, with its key files copied beside the test's: a fresh database runs every migration, about a
  // second each there and most of the store tests' time.
  void CopyTemplate(Db& admin, const std::string& host) {
    namespace fs = std::filesystem;
    const std::string tmpl = "qf_template_" + std::to_string(LatestSchemaVersion()) + "_" +
                             std::to_string(absl::ToUnixSeconds(clock_.Now()));
    const fs::path keys = fs::path(host) / "template-keys";  // the cluster's directory: removed with it
    auto one = [&](const std::string& sql) -> absl::StatusOr<bool> {
      QF_ASSIGN_OR_RETURN(auto st, admin.Prepare(sql));
      return st.Step();
    };
    ASSERT_TRUE(one("SELECT pg_advisory_lock(7263541)").ok());
    absl::Cleanup unlock = [&] { (void)one("SELECT pg_advisory_unlock(7263541)"); };
    auto found = one("SELECT 1 FROM pg_database WHERE datname = '" + tmpl + "'");
    ASSERT_TRUE(found.ok()) << found.status();
    if (!*found) {
      fs::create_directories(keys);
      ::setenv("QINGFENG_KEY_DIR", keys.c_str(), 1);
      ASSERT_TRUE(admin.Exec("CREATE DATABASE " + tmpl).ok());
      auto made = Runtime::Open({"postgresql://qingfeng@/" + tmpl + "?host=" + host, std::string(QF_SOURCE_DIR) + "/data", {}},
                                clock_);
      ASSERT_TRUE(made.ok()) << made.status();
    }
    ASSERT_TRUE(admin.Exec("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)").ok());
    // FILE_COPY copies the template's few files at once (and checkpoints); the default writes each page to the WAL:
    // the store tests on PostgreSQL took 50–53 s against 58–61 s that way (make test's pg-unit, two at a time).
    auto copied = admin.Exec("CREATE DATABASE " + pg_name_ + " TEMPLATE " + tmpl + " STRATEGY FILE_COPY");
    ASSERT_TRUE(copied.ok()) << copied;
    for (const char* ext : {".ledger.key", ".vault.key"})
      fs::copy_file(keys / (tmpl + ext), fs::temp_directory_path() / (pg_name_ + ext), fs::copy_options::overwrite_existing);
  }
  // Runs `f` as one writer command (its own savepoint and commit), as the system.
  absl::StatusOr<boost::json::value> Run(std::function<absl::StatusOr<boost::json::value>(Tx&)> f,
                                         const Actor& actor = Actor::System()) {
    return rt_->writer().Run(actor, std::move(f));
  }
  // Runs a command that only reports success or failure.
  absl::Status Do(std::function<absl::Status(Tx&)> f) {
    return Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
             QF_RETURN_IF_ERROR(f(tx));
             return boost::json::value();
           }).status();
  }
  // This thread's reading connection.
  Db& Reader() { return **rt_->app().readers->Get(); }
  AppContext& App() { return rt_->app(); }

  ManualClock clock_;
  std::string path_;
  std::unique_ptr<Runtime> rt_;

 private:
  void Remove() {
    std::string base = pg_name_.empty() ? path_ : (std::filesystem::temp_directory_path() / pg_name_).string();
    for (auto ext : {"", "-wal", "-shm", ".ledger.key", ".vault.key"}) std::filesystem::remove(base + ext);
  }
  std::string pg_name_;
};

}  // namespace qf
