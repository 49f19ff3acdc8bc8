// The single writer and the statement cache, on a real SQLite file (or, under tests/with-pg.sh, a fresh PostgreSQL
// database): group commit, a failing command rolled back to its own savepoint — also when the failing statement was
// sent without waiting (PostgreSQL's pipeline) —, a failed commit answered to every command of its batch, refusal,
// a transaction lost under a batch and a full disk (nothing acknowledged that was not committed).
#include "storage/writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <sqlite3.h>
#include <unistd.h>

#include "common/status.h"
#include "fmt/format.h"

namespace qf {
namespace {

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("qf-writer-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "w.db").string();
    if (const char* pg = std::getenv("QF_TEST_PG"); pg && *pg) {
      std::string name = Name();
      auto admin = Db::Open(std::string("postgresql://qingfeng@/postgres?host=") + pg, DbMode::kWriter);
      ASSERT_TRUE(admin.ok()) << admin.status();
      ASSERT_TRUE((*admin)->Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").ok());
      ASSERT_TRUE((*admin)->Exec("CREATE DATABASE " + name).ok());
      path_ = "postgresql://qingfeng@/" + name + "?host=" + pg;
    }
    auto db = Db::Open(path_, DbMode::kWriter);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t(x INTEGER PRIMARY KEY)").ok());
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    if (const char* pg = std::getenv("QF_TEST_PG"); pg && *pg) {
      auto admin = Db::Open(std::string("postgresql://qingfeng@/postgres?host=") + pg, DbMode::kWriter);
      if (admin.ok()) (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + Name() + " WITH (FORCE)");
    }
  }
  // One database per test process: ctest runs the tests two at a time, each in a process of its own, and a name
  // shared between them let one test's DROP DATABASE … WITH (FORCE) cut the other's connections.
  static std::string Name() { return "qf_writer_" + std::to_string(::getpid()); }

  // A command that inserts `x` once `gate` opens, after telling `started` that the writer has taken it.
  static Command Held(int x, std::shared_future<void> gate, std::promise<void>& started) {
    return [x, gate, &started](Tx& tx) -> absl::StatusOr<boost::json::value> {
      started.set_value();
      gate.wait();
      return Insert(x)(tx);
    };
  }

  std::unique_ptr<Writer> Make(EventSink* sink = nullptr) {
    auto db = Db::Open(path_, DbMode::kWriter);
    EXPECT_TRUE(db.ok());
    auto w = std::make_unique<Writer>(std::move(*db), clock_);
    if (sink) w->SetSink(sink);
    w->Start();
    return w;
  }
  // A command that sends its insert without waiting for it (Stmt::Send) and then, with `read_after`, reads.
  static Command SendInsert(int x, bool read_after = false) {
    return [x, read_after](Tx& tx) -> absl::StatusOr<boost::json::value> {
      auto st = tx.db().Prepare("INSERT INTO t(x) VALUES (?1)");
      if (!st.ok()) return st.status();
      QF_RETURN_IF_ERROR(st->Bind(1, x).Send());
      if (read_after) {
        QF_ASSIGN_OR_RETURN(auto count, tx.db().Prepare("SELECT count(*) FROM t"));
        QF_RETURN_IF_ERROR(count.Step().status());
      }
      return boost::json::value(x);
    };
  }
  static Command Insert(int x, bool fail_after = false) {
    return [x, fail_after](Tx& tx) -> absl::StatusOr<boost::json::value> {
      auto st = tx.db().Prepare("INSERT INTO t(x) VALUES (?1)");
      if (!st.ok()) return st.status();
      if (auto s = st->Bind(1, x).Run(); !s.ok()) return s;
      if (fail_after) return Conflict("test.refused", "refused after writing");
      return boost::json::value(x);
    };
  }
  // The rows committed, as a fresh reader sees them.
  std::vector<int64_t> Rows() {
    auto db = Db::Open(path_, DbMode::kReader);
    EXPECT_TRUE(db.ok());
    auto st = (*db)->Prepare("SELECT x FROM t ORDER BY x");
    EXPECT_TRUE(st.ok());
    return *st->Ints();
  }

  ManualClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(WriterTest, CommandsWaitingTogetherShareOneCommit) {
  auto w = Make();
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  // The first command holds the writer until the rest have queued behind it; they then run as one batch.
  std::promise<absl::StatusOr<boost::json::value>> first;
  std::promise<void> started;
  w->Submit(Actor::System(), Held(0, gate, started),
            [&first](absl::StatusOr<boost::json::value> r) { first.set_value(std::move(r)); });
  started.get_future().wait();
  std::vector<std::future<absl::StatusOr<boost::json::value>>> rest;
  std::vector<std::promise<absl::StatusOr<boost::json::value>>> promises(50);
  for (int i = 1; i <= 50; ++i) {
    rest.push_back(promises[i - 1].get_future());
    w->Submit(Actor::System(), Insert(i),
              [&promises, i](absl::StatusOr<boost::json::value> r) { promises[i - 1].set_value(std::move(r)); });
  }
  while (w->queue_depth() < 50) std::this_thread::yield();
  release.set_value();
  ASSERT_TRUE(first.get_future().get().ok());
  for (auto& f : rest) ASSERT_TRUE(f.get().ok());
  EXPECT_EQ(w->stats().commands, 51u);
  EXPECT_EQ(w->stats().commits, 2u);  // the first alone, then the fifty waiting
  EXPECT_EQ(Rows().size(), 51u);
  w->Stop();
}

TEST_F(WriterTest, ALongCommandRunsAloneAfterWhatWasQueuedBeforeItHasCommitted) {
  auto w = Make();
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  std::promise<void> first;
  w->Submit(Actor::System(), Held(0, gate, started),
            [&first](absl::StatusOr<boost::json::value>) { first.set_value(); });
  started.get_future().wait();
  // Queued while the writer is held: a short command, then a long one to run alone, then another short one.
  std::mutex mu;
  std::vector<std::string> seen;
  auto note = [&](std::string what) {
    std::lock_guard lock(mu);
    seen.push_back(std::move(what));
  };
  std::promise<void> last;
  w->Submit(Actor::System(), Insert(1),
            [&](absl::StatusOr<boost::json::value> r) { note(r.ok() ? "1 answered" : "1 failed"); });
  w->SubmitAlone(Actor::System(), [&](Tx& tx) -> absl::StatusOr<boost::json::value> {
    note("long runs");
    return Insert(2)(tx);
  }, [&](absl::StatusOr<boost::json::value> r) { note(r.ok() ? "long answered" : "long failed"); });
  w->Submit(Actor::System(), Insert(3), [&](absl::StatusOr<boost::json::value> r) {
    note(r.ok() ? "3 answered" : "3 failed");
    last.set_value();
  });
  while (w->queue_depth() < 3) std::this_thread::yield();
  release.set_value();
  first.get_future().wait();
  last.get_future().wait();
  EXPECT_EQ(seen, (std::vector<std::string>{"1 answered", "long runs", "long answered", "3 answered"}));
  EXPECT_EQ(w->stats().commits, 4u);  // the first, the short one, the long one alone, the short one after it
  EXPECT_EQ(Rows(), (std::vector<int64_t>{0, 1, 2, 3}));
  w->Stop();
}

// SQLite 3.40 (Debian 12's) loses commits made after a ROLLBACK TO of a transaction whose pages spilled to the WAL:
// the server saw them, but recovery of the WAL (the next start, after a reader was the last to close) stops at a
// broken checksum chain and they are gone. A command that fails after writing more than the page cache holds (a
// refused import of a long file) is rolled back to its savepoint, so the writer's connection must not spill.
TEST_F(WriterTest, CommitsAfterALargeFailedCommandSurviveARestart) {
  {
    auto reader = Db::Open(path_, DbMode::kReader);  // the work pool's, open while the writer closes
    ASSERT_TRUE(reader.ok());
    {
      auto w = Make();
      ASSERT_TRUE(w->Run(Actor::System(), Insert(1)).ok());
      auto big = w->Run(Actor::System(), [](Tx& tx) -> absl::StatusOr<boost::json::value> {
        // ~30 MB, more than the 8 MB page cache, and an index whose pages are changed again after they spilled.
        QF_RETURN_IF_ERROR(tx.db().Exec("CREATE TABLE big(x TEXT)"));
        QF_RETURN_IF_ERROR(tx.db().Exec("CREATE INDEX big_x ON big(x)"));
        auto st = tx.db().Prepare("INSERT INTO big(x) VALUES (?1)");
        if (!st.ok()) return st.status();
        for (int i = 0; i < 60000; ++i)
          QF_RETURN_IF_ERROR(
              st->Reset().Bind(1, fmt::format("{:08d}", (i * 7919) % 60000) + std::string(200, 'x')).Run());
        return Conflict("test.refused", "refused after writing");
      });
      ASSERT_FALSE(big.ok());
      for (int x = 2; x <= 50; ++x) ASSERT_TRUE(w->Run(Actor::System(), Insert(x)).ok());
      w->Stop();
    }
    auto st = (*reader)->Prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(st->Step().ok());
  }
  EXPECT_EQ(Rows().size(), 50u);  // a fresh connection, the WAL recovered from the file
}

TEST_F(WriterTest, AFailingCommandRollsBackItsOwnChangesOnly) {
  auto w = Make();
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<absl::StatusOr<boost::json::value>> p0, p1, p2, p3;
  auto keep = [](std::promise<absl::StatusOr<boost::json::value>>& p) {
    return [&p](absl::StatusOr<boost::json::value> r) { p.set_value(std::move(r)); };
  };
  std::promise<void> started;
  w->Submit(Actor::System(), Held(1, gate, started), keep(p0));
  started.get_future().wait();
  w->Submit(Actor::System(), Insert(2), keep(p1));
  w->Submit(Actor::System(), Insert(3, /*fail_after=*/true), keep(p2));
  w->Submit(Actor::System(), [](Tx&) -> absl::StatusOr<boost::json::value> { throw std::runtime_error("bug"); },
            keep(p3));
  while (w->queue_depth() < 3) std::this_thread::yield();
  release.set_value();
  EXPECT_TRUE(p0.get_future().get().ok());
  EXPECT_TRUE(p1.get_future().get().ok());
  auto refused = p2.get_future().get();
  EXPECT_EQ(StableCode(refused.status()), "test.refused");
  EXPECT_EQ(p3.get_future().get().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Rows(), (std::vector<int64_t>{1, 2}));  // 3 was written and rolled back to its savepoint
  w->Stop();
}

// A statement sent without waiting that fails (here: a key already taken) fails its own command, whether the
// command goes on to read (the read reports it) or ends (the writer's flush does), and only that command.
TEST_F(WriterTest, AFailingStatementSentWithoutWaitingFailsItsCommandOnly) {
  auto w = Make();
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::vector<std::promise<absl::StatusOr<boost::json::value>>> ps(5);
  auto keep = [&ps](int i) { return [&ps, i](absl::StatusOr<boost::json::value> r) { ps[i].set_value(std::move(r)); }; };
  std::promise<void> started;
  w->Submit(Actor::System(), Held(1, gate, started), keep(0));
  started.get_future().wait();
  w->Submit(Actor::System(), SendInsert(2), keep(1));
  w->Submit(Actor::System(), SendInsert(1), keep(2));        // 1 is taken: fails when the command ends
  w->Submit(Actor::System(), SendInsert(2, true), keep(3));  // 2 is taken: the read after it reports it
  w->Submit(Actor::System(), SendInsert(3, true), keep(4));
  while (w->queue_depth() < 4) std::this_thread::yield();
  release.set_value();
  EXPECT_TRUE(ps[0].get_future().get().ok());
  EXPECT_TRUE(ps[1].get_future().get().ok());
  EXPECT_EQ(StableCode(ps[2].get_future().get().status()), "db.constraint");
  EXPECT_EQ(StableCode(ps[3].get_future().get().status()), "db.constraint");
  EXPECT_TRUE(ps[4].get_future().get().ok());
  EXPECT_EQ(Rows(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(w->stats().commits, 2u);
  w->Stop();
}

// Counters added by the commands of a batch are written once when it commits, without what a failed command
// added, and a key whose amounts cancel out is not written at all.
TEST_F(WriterTest, CountersAreSummedPerBatchWithoutFailedCommands) {
  {
    auto db = Db::Open(path_, DbMode::kWriter);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE c(k TEXT PRIMARY KEY, n BIGINT NOT NULL, d DOUBLE PRECISION NOT NULL)").ok());
  }
  static constexpr const char* kUpsert =
      "INSERT INTO c(k, n, d) VALUES(?,?,?) ON CONFLICT(k) DO UPDATE SET n=c.n+excluded.n, d=c.d+excluded.d";
  auto add = [](std::string k, int64_t n, double d, bool fail = false) -> Command {
    return [=](Tx& tx) -> absl::StatusOr<boost::json::value> {
      tx.Add(kUpsert, {k}, {n, d});
      if (fail) return Conflict("test.refused", "refused after adding");
      return boost::json::value(n);
    };
  };
  auto w = Make();
  ASSERT_TRUE(w->Run(Actor::System(), add("a", 10, 1.0)).ok());
  std::promise<void> release, started;
  std::shared_future<void> gate = release.get_future().share();
  std::vector<std::promise<absl::StatusOr<boost::json::value>>> ps(5);
  auto keep = [&ps](int i) { return [&ps, i](absl::StatusOr<boost::json::value> r) { ps[i].set_value(std::move(r)); }; };
  w->Submit(Actor::System(), Held(1, gate, started), keep(0));
  started.get_future().wait();
  w->Submit(Actor::System(), add("a", 2, 0.25), keep(1));
  w->Submit(Actor::System(), add("a", 100, 100.0, /*fail=*/true), keep(2));
  w->Submit(Actor::System(), add("b", 1, 0.5), keep(3));
  w->Submit(Actor::System(), add("b", -1, -0.5), keep(4));
  while (w->queue_depth() < 4) std::this_thread::yield();
  release.set_value();
  for (int i : {0, 1, 3, 4}) EXPECT_TRUE(ps[i].get_future().get().ok());
  EXPECT_EQ(StableCode(ps[2].get_future().get().status()), "test.refused");
  w->Stop();
  auto db = Db::Open(path_, DbMode::kReader);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->Prepare("SELECT k, n, d FROM c ORDER BY k");
  ASSERT_TRUE(st.ok());
  std::vector<std::string> rows;
  while (*st->Step()) rows.push_back(fmt::format("{}={}/{}", st->Text(0), st->Int(1), st->Real(2)));
  EXPECT_EQ(rows, (std::vector<std::string>{"a=12/1.25"}));  // b's +1 and -1 cancelled: never written
}

// A sink whose pre-commit check fails, as the ledger's does when it cannot sign: nothing of the batch is kept
// and every command of it hears so.
class FailingCommit : public EventSink {
 public:
  absl::Status OnEvent(Db&, const EventRecord&) override { return absl::OkStatus(); }
  absl::Status BeforeCommit(Db&) override {
    return fail ? absl::InternalError("disk full") : absl::OkStatus();
  }
  void OnRollback(Db&) override { ++rollbacks; }
  bool fail = true;
  int rollbacks = 0;
};

TEST_F(WriterTest, AFailedCommitAnswersEveryCommandOfTheBatch) {
  FailingCommit sink;
  auto w = Make(&sink);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::vector<std::promise<absl::StatusOr<boost::json::value>>> ps(4);
  std::promise<void> started;
  w->Submit(Actor::System(), Held(10, gate, started),
            [&ps](absl::StatusOr<boost::json::value> r) { ps[0].set_value(std::move(r)); });
  started.get_future().wait();
  for (int i = 1; i < 4; ++i)
    w->Submit(Actor::System(), Insert(10 + i),
              [&ps, i](absl::StatusOr<boost::json::value> r) { ps[i].set_value(std::move(r)); });
  while (w->queue_depth() < 3) std::this_thread::yield();
  release.set_value();
  // The first command commits alone (and fails); the three behind it form the second batch (and fail).
  for (auto& p : ps) EXPECT_EQ(StableCode(p.get_future().get().status()), "db.commit_failed");
  EXPECT_TRUE(Rows().empty());
  EXPECT_EQ(sink.rollbacks, 2);
  sink.fail = false;
  EXPECT_TRUE(w->Run(Actor::System(), Insert(20)).ok());  // the writer goes on
  EXPECT_EQ(Rows(), (std::vector<int64_t>{20}));
  w->Stop();
}

// The storage rolled the transaction back under a batch (SQLite does so by itself on some I/O errors, a full disk
// among them): the commands that had succeeded in it are gone too, so none of the batch is acknowledged.
TEST_F(WriterTest, ALostTransactionAcknowledgesNothingOfItsBatch) {
  auto w = Make();
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  std::vector<std::promise<absl::StatusOr<boost::json::value>>> ps(4);
  w->Submit(Actor::System(), Held(1, gate, started),
            [&ps](absl::StatusOr<boost::json::value> r) { ps[0].set_value(std::move(r)); });
  started.get_future().wait();
  Command lose = [](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_RETURN_IF_ERROR(tx.db().Exec("ROLLBACK"));
    return StorageFull("test: the transaction was rolled back under the command");
  };
  w->Submit(Actor::System(), Insert(2), [&ps](absl::StatusOr<boost::json::value> r) { ps[1].set_value(std::move(r)); });
  w->Submit(Actor::System(), lose, [&ps](absl::StatusOr<boost::json::value> r) { ps[2].set_value(std::move(r)); });
  w->Submit(Actor::System(), Insert(3), [&ps](absl::StatusOr<boost::json::value> r) { ps[3].set_value(std::move(r)); });
  while (w->queue_depth() < 3) std::this_thread::yield();
  release.set_value();
  EXPECT_TRUE(ps[0].get_future().get().ok());  // its own batch, committed
  for (int i = 1; i < 4; ++i) EXPECT_EQ(StableCode(ps[i].get_future().get().status()), "storage.full") << i;
  EXPECT_EQ(Rows(), (std::vector<int64_t>{1}));
  EXPECT_EQ(StableCode(w->storage_failure()), "storage.full");
  EXPECT_TRUE(w->Run(Actor::System(), Insert(4)).ok());  // the next batch runs in a transaction of its own
  EXPECT_EQ(Rows(), (std::vector<int64_t>{1, 4}));
  w->Stop();
}

// A full disk as SQLite meets it (the file may not grow: max_page_count): the command that needs the space is
// refused as storage.full, whatever else of its batch SQLite keeps is acknowledged only if committed, the failure
// is kept for /healthz, and the storage probe fails while there is no room and gets through once there is.
TEST_F(WriterTest, AFullDiskRefusesWritesUntilThereIsRoomAgain) {
  if (const char* pg = std::getenv("QF_TEST_PG"); pg && *pg) GTEST_SKIP() << "SQLite's page limit";
  {
    auto db = Db::Open(path_, DbMode::kWriter);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE events(seq INTEGER PRIMARY KEY, time TEXT, actor TEXT, kind TEXT, "
                            "subject TEXT, payload TEXT, salt BLOB, commitment BLOB); "
                            "CREATE TABLE big(b BLOB); CREATE TABLE storage_probe(id INTEGER PRIMARY KEY, data BLOB)").ok());
  }
  auto w = Make();
  auto limit = [](int pages) -> Command {
    return [pages](Tx& tx) -> absl::StatusOr<boost::json::value> {
      QF_RETURN_IF_ERROR(tx.db().Exec(fmt::format("PRAGMA max_page_count = {}", pages)));
      return boost::json::value();
    };
  };
  Command grow = [](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("INSERT INTO big(b) VALUES (zeroblob(1000000))"));
    QF_RETURN_IF_ERROR(st.Run());
    QF_RETURN_IF_ERROR(tx.Append("test.grown", "big", {}).status());
    return boost::json::value();
  };
  ASSERT_TRUE(w->Run(Actor::System(), limit(20)).ok());
  std::vector<std::promise<absl::StatusOr<boost::json::value>>> ps(3);
  std::promise<void> release, started;
  std::shared_future<void> gate = release.get_future().share();
  w->Submit(Actor::System(), Held(1, gate, started), [&ps](absl::StatusOr<boost::json::value> r) { ps[0].set_value(std::move(r)); });
  started.get_future().wait();
  w->Submit(Actor::System(), Insert(2), [&ps](absl::StatusOr<boost::json::value> r) { ps[1].set_value(std::move(r)); });
  w->Submit(Actor::System(), grow, [&ps](absl::StatusOr<boost::json::value> r) { ps[2].set_value(std::move(r)); });
  while (w->queue_depth() < 2) std::this_thread::yield();
  release.set_value();
  EXPECT_TRUE(ps[0].get_future().get().ok());
  auto second = ps[1].get_future().get();
  auto third = ps[2].get_future().get();
  EXPECT_EQ(StableCode(third.status()), "storage.full");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kUnavailable);
  // Acknowledged means committed: the row of the command beside the refused one is there exactly when it was
  // acknowledged (SQLite may have rolled their whole transaction back).
  EXPECT_EQ(Rows(), second.ok() ? (std::vector<int64_t>{1, 2}) : (std::vector<int64_t>{1}));
  EXPECT_EQ(StableCode(w->storage_failure()), "storage.full");
  EXPECT_EQ(StableCode(w->Run(Actor::System(), grow).status()), "storage.full");
  Command probe = [](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_RETURN_IF_ERROR(ProbeStorage(tx));
    return boost::json::value();
  };
  EXPECT_EQ(StableCode(w->Run(Actor::System(), probe).status()), "storage.full") << "the probe needs new pages too";
  ASSERT_TRUE(w->Run(Actor::System(), limit(1000000)).ok());
  EXPECT_TRUE(w->Run(Actor::System(), probe).ok());
  EXPECT_TRUE(w->Run(Actor::System(), grow).ok());
  w->Stop();
}

// A storage that cannot be written (SQLite's read-only answer, as a read-only filesystem or file gives it; here the
// connection's query_only switch): refused as storage.unwritable, 503, the rest of the batch unaffected.
TEST_F(WriterTest, AReadOnlyStorageRefusesWritesAsUnwritable) {
  if (const char* pg = std::getenv("QF_TEST_PG"); pg && *pg) GTEST_SKIP() << "SQLite's query_only";
  auto w = Make();
  Command read_only_write = [](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_RETURN_IF_ERROR(tx.db().Exec("PRAGMA query_only = 1"));
    auto st = tx.db().Prepare("INSERT INTO t(x) VALUES (7)");
    if (!st.ok()) return st.status();
    absl::Status wrote = st->Run();
    QF_RETURN_IF_ERROR(tx.db().Exec("PRAGMA query_only = 0"));
    QF_RETURN_IF_ERROR(wrote);
    return boost::json::value();
  };
  auto r = w->Run(Actor::System(), read_only_write);
  EXPECT_EQ(StableCode(r.status()), "storage.unwritable");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StableCode(w->storage_failure()), "storage.unwritable");
  EXPECT_TRUE(w->Run(Actor::System(), Insert(8)).ok());
  EXPECT_EQ(Rows(), (std::vector<int64_t>{8}));
  w->Stop();
}

TEST_F(WriterTest, ARefusingWriterTakesNoMoreCommands) {
  auto w = Make();
  ASSERT_TRUE(w->Run(Actor::System(), Insert(1)).ok());
  w->Refuse("checkpoint mismatch");
  auto r = w->Run(Actor::System(), Insert(2));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StableCode(r.status()), "ledger.integrity");
  EXPECT_EQ(w->refusal(), "checkpoint mismatch");
  EXPECT_EQ(Rows(), (std::vector<int64_t>{1}));
  w->Stop();
}

TEST_F(WriterTest, AfterStopCommandsAreRefusedAsStopping) {
  auto w = Make();
  w->Stop();
  std::promise<absl::StatusOr<boost::json::value>> p;
  w->Submit(Actor::System(), Insert(1), [&p](absl::StatusOr<boost::json::value> r) { p.set_value(std::move(r)); });
  EXPECT_EQ(StableCode(p.get_future().get().status()), "server.stopping");
}

// A cached statement comes back reset and unbound, whatever its last user left behind.
TEST_F(WriterTest, CachedStatementsComeBackResetAndUnbound) {
  auto db = Db::Open(path_, DbMode::kWriter);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO t(x) VALUES (1), (2), (3)").ok());
  const char* sql = "SELECT count(*), CAST(?1 AS BIGINT) IS NULL FROM t WHERE x >= coalesce(CAST(?1 AS BIGINT), 0)";
  {
    auto st = (*db)->Prepare(sql);
    ASSERT_TRUE(st.ok());
    st->Bind(1, 2);
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->Int(0), 2);
  }  // abandoned mid-result
  auto again = (*db)->Prepare(sql);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(*again->Step());
  EXPECT_EQ(again->Int(0), 3);
  EXPECT_EQ(again->Int(1), 1);  // the old binding was cleared
}

// SQLite as the server configures it for many threads: no process-wide count of memory (its mutex serialised
// every allocation of every connection), and reading connections read through the page cache, not a memory map
// (SQLite unmaps a connection's whole map whenever another connection has written: with a write per case read,
// every read faulted its pages in again).
TEST_F(WriterTest, SqliteCountsNoMemoryAndReadersMapNothing) {
  if (std::getenv("QF_TEST_PG") && *std::getenv("QF_TEST_PG")) GTEST_SKIP() << "SQLite's configuration";
  auto writer = Db::Open(path_, DbMode::kWriter);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Exec("INSERT INTO t(x) VALUES (1), (2), (3)").ok());
  auto reader = Db::Open(path_, DbMode::kReader);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto count = (*reader)->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->Int(0), 3);
  sqlite3_int64 used = -1, highest = -1;
  ASSERT_EQ(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highest, 0), SQLITE_OK);
  EXPECT_EQ(used, 0) << "SQLite counts its memory (SQLITE_CONFIG_MEMSTATUS)";
  auto map = (*reader)->Prepare("PRAGMA mmap_size");
  ASSERT_TRUE(map.ok());
  ASSERT_TRUE(*map->Step());
  EXPECT_EQ(map->Int(0), 0);
}

// PostgreSQL's readers plan every statement for its values: a list's plan depends on them (how many keys a JSON
// array holds), and a plan kept for any values walked every case.
TEST_F(WriterTest, PostgresReadersPlanEachStatementForItsValues) {
  if (!std::getenv("QF_TEST_PG") || !*std::getenv("QF_TEST_PG")) GTEST_SKIP() << "PostgreSQL's configuration";
  auto reader = Db::Open(path_, DbMode::kReader);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto mode = (*reader)->Prepare("SELECT current_setting('plan_cache_mode')");
  ASSERT_TRUE(mode.ok()) << mode.status();
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->Text(0), "force_custom_plan");
}

}  // namespace
}  // namespace qf
