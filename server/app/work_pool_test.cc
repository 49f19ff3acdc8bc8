// The work pool and the read budget: a full pool refuses at once (503 server.busy with Retry-After), and a
// statement past its budget is interrupted (db.timeout) and leaves its connection usable.
#include "common/work_pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "app/app.h"
#include "boost/json.hpp"
#include "common/status.h"

namespace qf {
namespace {

TEST(WorkPool, AFullPoolRefusesInsteadOfQueueing) {
  WorkPool pool(1, 1);
  std::promise<void> release, started;
  std::shared_future<void> gate = release.get_future().share();
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  std::atomic<int> ran = 0;
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));   // waits for the thread
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // one waiting already: refused
  EXPECT_EQ(pool.waiting(), 1u);
  release.set_value();
  while (pool.waiting() > 0) std::this_thread::yield();
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
}

TEST(WorkPool, OffThreadAnswersBusyWhenThePoolIsFull) {
  WorkPool pool(1, 0);
  AppContext app;
  app.work = &pool;
  std::promise<void> release, started;
  std::shared_future<void> gate = release.get_future().share();
  Request req;
  req.method = "GET";
  req.path = "/api/v1/cases";
  std::promise<Response> first;
  OffThread(app, req, [&](Response r) { first.set_value(std::move(r)); },
            [&](const Request&, const Respond& respond) {
              started.set_value();
              gate.wait();
              respond(Response::Json(200, boost::json::object{}));
            });
  started.get_future().wait();
  std::optional<Response> second;
  OffThread(app, req, [&](Response r) { second = std::move(r); },
            [](const Request&, const Respond&) { ADD_FAILURE() << "ran on a full pool"; });
  ASSERT_TRUE(second.has_value());  // answered at once, on this thread
  EXPECT_EQ(second->status, 503);
  EXPECT_EQ(boost::json::parse(second->body).at("code").as_string(), "server.busy");
  bool retry_after = false;
  for (auto& [k, v] : second->headers) retry_after |= (k == "Retry-After");
  EXPECT_TRUE(retry_after);
  release.set_value();
  EXPECT_EQ(first.get_future().get().status, 200);
}

TEST(WorkPool, DownloadsRunOnTheirOwnPoolBelowTheReads) {
  WorkPool reads(1, 4), files(1, 0, 15);
  AppContext app;
  app.work = &reads;
  app.files = &files;
  std::promise<void> release, started;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<int> nice;
  ASSERT_TRUE(files.TrySubmit([&] {
    nice.set_value(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())));
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  EXPECT_EQ(nice.get_future().get(), 15);
  Request req;
  req.method = "GET";
  req.path = "/api/v1/cases/export";
  // The files pool is full: a download is refused at once, whatever the reads' pool has free…
  std::optional<Response> download;
  FileRoute(app, [](const Request&, Db&) -> absl::StatusOr<Response> {
    ADD_FAILURE() << "ran on a full pool";
    return Response::Json(200, boost::json::object{});
  })(req, [&](Response r) { download = std::move(r); });
  ASSERT_TRUE(download.has_value());
  EXPECT_EQ(download->status, 503);
  // …and a read still runs.
  std::promise<int> read;
  OffThread(app, req, [&](Response r) { read.set_value(r.status); },
            [](const Request&, const Respond& respond) { respond(Response::Json(200, boost::json::object{})); });
  EXPECT_EQ(read.get_future().get(), 200);
  release.set_value();
}

TEST(ReadBudget, AStatementPastItsBudgetIsInterruptedAndTheConnectionGoesOn) {
  auto dir = std::filesystem::temp_directory_path() / "qf-read-budget";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = Db::Open((dir / "b.db").string(), DbMode::kWriter);
  ASSERT_TRUE(db.ok());
  // A statement that would never end.
  const char* forever = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";
  (*db)->SetDeadline(absl::Now() + absl::Milliseconds(50));
  absl::Time start = absl::Now();
  auto st = (*db)->Prepare(forever);
  ASSERT_TRUE(st.ok());
  auto r = st->Step();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StableCode(r.status()), "db.timeout");
  (*db)->SetDeadline(absl::InfiniteFuture());
  auto ok = (*db)->Prepare("SELECT 41 + 1");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(*ok->Step());
  EXPECT_EQ(ok->Int(0), 42);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qf
