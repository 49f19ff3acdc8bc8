// The single writer: every change to the database goes through here. Commands queue to one thread, which
// takes whatever is waiting (up to a batch, or up to a long command that runs alone), runs each inside its own
// SAVEPOINT in one transaction, commits once (WAL, synchronous=FULL), and only then answers each command. A failing
// command rolls back its savepoint alone. Every command appends its events through Tx::Append in the same
// transaction as its projection rows. Submit and Run are thread-safe.
#pragma once

#include <boost/json.hpp>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <variant>
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
  // The same in SQL, for an actor column `column`: the account's id (so that a join on accounts is a key lookup),
  // or NULL.
  static std::string AccountIdSql(std::string_view column);
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

// Additive counters (the dashboard's rollups) that a batch sums in memory and writes once, just before it commits:
// one upsert per key and batch instead of one per command — on PostgreSQL this also spares each command a walk
// over the row versions the batch's earlier updates of the same row left behind. What a failed command added is
// dropped with it. The tables they go to lag inside the writer's transaction until the batch ends, so a command
// must not read them (none does: dashboards read committed rows). Writer thread only.
class Totals {
 public:
  using Amount = std::variant<int64_t, double>;
  // `upsert` (a string literal) takes the key's values and then the amounts as its parameters, in that order, and
  // adds the amounts to an existing row on conflict. Amounts of one key add up position by position.
  void Add(const char* upsert, std::vector<std::string> key, std::vector<Amount> amounts);
  // Keeps the command's amounts for the batch (`kept`) or drops them.
  void EndCommand(bool kept);
  // Writes the batch's non-zero sums (sent in the pipeline where there is one) and forgets them.
  absl::Status Write(Db& db);
  void Clear();

 private:
  using Key = std::pair<const char*, std::vector<std::string>>;
  using Sums = std::map<Key, std::vector<Amount>>;
  static void AddInto(std::vector<Amount>& into, const std::vector<Amount>& amounts);
  Sums command_, batch_;
};

// The transaction a command runs in. Valid only during the command.
class Tx {
 public:
  // What a batch's commands share; valid for the batch, kept by the writer.
  struct Batch {
    int64_t next_seq = 0;  // the next event's sequence number (0: read it from the table)
    Totals totals;
    std::map<std::string, std::shared_ptr<const void>, std::less<>> memos;
  };
  Tx(Db& db, absl::Time now, const Actor& actor, EventSink* sink, Batch& batch)
      : db_(db), now_(now), actor_(actor), sink_(sink), batch_(batch) {}
  Db& db() { return db_; }
  absl::Time now() const { return now_; }
  const Actor& actor() const { return actor_; }
  // Appends an event; returns its sequence number.
  absl::StatusOr<int64_t> Append(std::string_view kind, std::string_view subject,
                                 const boost::json::object& payload);
  // Adds to counters written when the batch commits (see Totals).
  void Add(const char* upsert, std::vector<std::string> key, std::vector<Totals::Amount> amounts) {
    batch_.totals.Add(upsert, std::move(key), std::move(amounts));
  }
  // A slot for data the batch's commands read again and again and that only commands change (the divisions'
  // roles, say): kept until the batch ends or a command fails. A command that changes what a slot holds empties
  // it with Forget. Each slot's owner decides its type.
  std::shared_ptr<const void>& Memo(std::string_view key) {
    auto it = batch_.memos.find(key);
    return it != batch_.memos.end() ? it->second : batch_.memos[std::string(key)];
  }
  void Forget(std::string_view key) {
    if (auto it = batch_.memos.find(key); it != batch_.memos.end()) batch_.memos.erase(it);
  }

 private:
  Db& db_;
  absl::Time now_;
  const Actor& actor_;
  EventSink* sink_;
  Batch& batch_;
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

// Inside a command: writes 64 KB of random bytes (new pages, which compression cannot shrink) and deletes them, so
// that it fails as a real write would while the storage has no room or cannot be written; the transaction keeps
// nothing of it. /healthz runs it after a storage failure, to tell when writes get through again.
absl::Status ProbeStorage(Tx& tx);

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
  // The same for a long command (a part of a long check): run in a batch of its own, so that the commands queued
  // before it commit, and are answered, without waiting for it.
  void SubmitAlone(Actor actor, Command cmd, CommandDone done);
  // Queues a command and waits for its result. Must not be called on the writer thread.
  absl::StatusOr<boost::json::value> Run(Actor actor, Command cmd);

  WriterStats stats() const;
  // Refuses every further command with Unavailable and `reason` (the ledger found the store inconsistent).
  void Refuse(std::string reason);
  std::string refusal() const;
  // The latest storage failure (db.h: the disk full, the filesystem read-only) since a probe of the storage last
  // got through (ProbeStorage, then StorageRecovered), with when it began; OkStatus when writes work. Commands keep
  // being tried meanwhile: each is refused with the failure while the storage refuses it, and nothing is
  // acknowledged that was not committed. Only a probe clears it: a small write may fit where a larger one fails.
  absl::Status storage_failure() const;
  absl::Time storage_failure_since() const;
  void StorageRecovered();
  size_t queue_depth() const;
  // The database's HistoryPosition after the newest commit (track_position; 0 otherwise). Read in a command's
  // `done`, it covers that command's commit.
  uint64_t position() const { return position_.load(); }

 private:
  struct Item {
    Actor actor;
    Command cmd;
    CommandDone done;
    bool alone = false;
  };
  void Queue(Item item);
  void Loop();
  void RunBatch(std::vector<Item>& batch);
  // Runs a savepoint statement, waiting for it or (`wait` false) sending it in the pipeline where there is one.
  absl::Status Savepoint(const char* sql, bool wait);
  // Fails every command of the batch with `why` after its transaction was lost or its commit failed.
  void FailBatch(std::vector<Item>& batch, const absl::Status& why);
  void NoteStorage(const absl::Status& s);

  std::unique_ptr<Db> db_;
  const Clock& clock_;
  WriterOptions options_;
  EventSink* sink_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::string refusal_;     // guarded by mu_
  absl::Status storage_failure_;                        // guarded by mu_
  absl::Time storage_failure_since_ = absl::InfinitePast();  // guarded by mu_
  WriterStats stats_;       // guarded by mu_
  std::atomic<uint64_t> position_{0};
  Tx::Batch batch_;  // writer thread only
  std::thread thread_;
};

}  // namespace qf
