// The single writer: every change to the database goes through here. Commands queue to one thread, which
// takes whatever is waiting (up to a batch), runs each inside its own SAVEPOINT in one transaction, commits
// once (WAL, synchronous=FULL), and only then answers each command. A failing command rolls back its
// savepoint alone. Every command appends its events through Tx::Append in the same transaction as its
// projection rows. Submit and Run are thread-safe.
#pragma once

#include <boost/json.hpp>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/db.h"

namespace qf {

// Who causes a change: "account:12", "public" (an anonymous or named citizen, never an address), "system".
struct Actor {
  std::string id;
  static Actor Public() { return {"public"}; }
  static Actor System() { return {"system"}; }
  static Actor Account(int64_t id);
  // The account behind "account:N", or 0 for the public and the system.
  int64_t AccountId() const;
};

// One appended event, as the ledger sees it.
struct EventRecord {
  int64_t seq;
  std::string time;
  std::string actor;
  std::string kind;
  std::string subject;
  std::string payload;
  std::string salt;        // 16 random bytes
  std::string commitment;  // SHA-256(salt || payload), 32 bytes
};

// Receives each event inside the writer's transaction (the ledger plugs in here). Called on the writer
// thread only; an error rolls back the command that appended the event.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual absl::Status OnEvent(Db& db, const EventRecord& event) = 0;
  // After each command: `kept` is false when its savepoint was rolled back (forget its events).
  virtual void OnCommandEnd(bool kept) {}
  // Just before the batch commits, inside its transaction; an error fails the whole batch.
  virtual absl::Status BeforeCommit(Db& db) { return absl::OkStatus(); }
  // Called after each successful commit, on the writer thread.
  virtual void OnCommit() {}
  // Called after a failed commit (the transaction was rolled back), on the writer thread.
  virtual void OnRollback(Db& db) {}
};

// The transaction a command runs in. Valid only during the command.
class Tx {
 public:
  Tx(Db& db, absl::Time now, const Actor& actor, EventSink* sink) : db_(db), now_(now), actor_(actor), sink_(sink) {}
  Db& db() { return db_; }
  absl::Time now() const { return now_; }
  const Actor& actor() const { return actor_; }
  // Appends an event; returns its sequence number.
  absl::StatusOr<int64_t> Append(std::string_view kind, std::string_view subject,
                                 const boost::json::object& payload);

 private:
  Db& db_;
  absl::Time now_;
  const Actor& actor_;
  EventSink* sink_;
};

using Command = std::function<absl::StatusOr<boost::json::value>(Tx&)>;
using CommandDone = std::function<void(absl::StatusOr<boost::json::value>)>;

struct WriterOptions {
  size_t max_batch = 512;
  bool group_commit = true;  // false: one transaction and one commit per command (the baseline)
  // Reads its database's HistoryPosition after each commit (one more round trip), for reads on standbys that
  // must see a commit (ReadConnections::ForRead).
  bool track_position = false;
};

struct WriterStats {
  uint64_t commands = 0;
  uint64_t commits = 0;
};

class Writer {
 public:
  Writer(std::unique_ptr<Db> db, const Clock& clock, WriterOptions options = {});
  ~Writer();

  void SetSink(EventSink* sink) { sink_ = sink; }  // before Start
  void Start();
  // Stops taking commands, runs and commits everything queued, and joins the thread.
  void Stop();

  // Queues a command; `done` runs on the writer thread after the commit (or the failure).
  // After Stop, `done` gets Unavailable at once.
  void Submit(Actor actor, Command cmd, CommandDone done);
  // Queues a command and waits for its result. Must not be called on the writer thread.
  absl::StatusOr<boost::json::value> Run(Actor actor, Command cmd);

  WriterStats stats() const;
  // Refuses every further command with Unavailable and `reason` (the ledger found the store inconsistent).
  void Refuse(std::string reason);
  std::string refusal() const;
  size_t queue_depth() const;
  // The database's HistoryPosition after the newest commit (track_position; 0 otherwise). Read in a command's
  // `done`, it covers that command's commit.
  uint64_t position() const { return position_.load(); }

 private:
  struct Item {
    Actor actor;
    Command cmd;
    CommandDone done;
  };
  void Loop();
  void RunBatch(std::vector<Item>& batch);
  absl::Status Savepoint(const char* sql);

  std::unique_ptr<Db> db_;
  const Clock& clock_;
  WriterOptions options_;
  EventSink* sink_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::string refusal_;     // guarded by mu_
  WriterStats stats_;       // guarded by mu_
  std::atomic<uint64_t> position_{0};
  std::thread thread_;
};

}  // namespace qf
