// The tamper-evident ledger: every event becomes a leaf of an RFC 6962 log, appended in the writer's own
// transaction (tiles flushed just before each commit), with C2SP signed checkpoints at most once a second,
// inclusion and consistency proofs, receipts for submissions, legal erasure of payloads, and a full
// verification at start that stops writes when the store disagrees with itself.
//
// Thread safety: the EventSink methods run on the writer thread only. Proofs, tiles, the latest checkpoint
// and receipt waiting are thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <condition_variable>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tiles.h"
#include "storage/writer.h"

namespace qf::ledger {

struct LedgerOptions {
  std::string origin = "qingfeng.local/ledger";  // the checkpoint origin and key name
  std::string key_path;                          // Ed25519 signer key, created 0600 on first start
  absl::Duration interval = absl::Seconds(1);    // at most one checkpoint per interval
  std::vector<std::string> witness_keys;         // vkeys whose cosignatures are accepted
};

class Ledger : public EventSink {
 public:
  // Loads (or creates) the signing key, brings the tree up to date with the events (once, for a database
  // that predates the ledger), and verifies everything. A failed verification does not fail Open: it is
  // reported by integrity_error() and the caller refuses writes.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(Db& writer_db, const Clock& clock, LedgerOptions opts);
  ~Ledger() override;

  // EventSink (writer thread).
  absl::Status OnEvent(Db& db, const EventRecord& event) override;
  void OnCommandEnd(bool kept) override;
  absl::Status BeforeCommit(Db& db) override;
  void OnCommit() override;
  void OnRollback(Db& db) override;

  // Starts the thread that signs a checkpoint when there are new leaves (at most once per interval).
  void StartCheckpointer(Writer& writer);
  void StopCheckpointer();
  // Signs a checkpoint now through the writer if the tree grew; returns the latest note. Blocks until the
  // writer has run it (the command-line tools and tests); a request handler submits CheckpointCommand instead.
  absl::StatusOr<std::string> CheckpointNow(Writer& writer);
  // The writer command that signs a checkpoint if the tree grew; once it commits, pass its value to
  // CheckpointCommitted, which publishes the note and returns the latest.
  Command CheckpointCommand();
  std::string CheckpointCommitted(const boost::json::value& committed);

  // The latest signed checkpoint note with its cosignatures ("" before the first).
  std::string LatestNote() const;
  uint64_t CheckpointSize() const;
  const NoteVerifier& verifier() const { return verifier_; }
  const std::string& integrity_error() const { return integrity_error_; }
  std::vector<std::string> verification_lines() const { return verification_lines_; }

  // Proofs from the tiles, on the caller's reading connection.
  absl::StatusOr<std::vector<Hash>> Inclusion(Db& db, uint64_t index, uint64_t size);
  absl::StatusOr<std::vector<Hash>> Consistency(Db& db, uint64_t from, uint64_t to);
  absl::StatusOr<std::string> TileBytes(Db& db, const TileId& t);
  absl::StatusOr<std::string> EntryBundle(Db& db, const TileId& t);
  // The receipt (c2sp.org/tlog-proof@v1) for leaf `index` against the latest checkpoint; FailedPrecondition
  // if no checkpoint covers it yet.
  absl::StatusOr<std::string> ReceiptFor(Db& db, uint64_t index);
  // Calls `done` with the receipt once a checkpoint covers `index` (at once if one does), on some thread.
  void WhenCovered(uint64_t index, std::function<void(absl::StatusOr<std::string>)> done);

  // Adds a witness cosignature line to the checkpoint of `size` if it verifies with a configured witness key
  // (blocking, like CheckpointNow).
  absl::Status AddCosignature(Writer& writer, uint64_t size, const std::string& line);
  // The same in two steps: the line is parsed and its witness found here, the command checks the signature
  // against the stored checkpoint and keeps it; after the commit, CosignatureCommitted adds it to the latest note.
  absl::StatusOr<Command> CosignatureCommand(uint64_t size, const std::string& line);
  void CosignatureCommitted(uint64_t size, const std::string& line);

  // Legal erasure: replaces the payload of event `seq` with a tombstone, destroys its salt, and records the
  // erasure as an event. The leaf stays valid (its commitment is kept).
  static absl::StatusOr<int64_t> Erase(Tx& tx, int64_t seq, const std::string& reason);

 private:
  Ledger(const Clock& clock, LedgerOptions opts) : clock_(clock), opts_(std::move(opts)) {}
  absl::Status LoadKey();
  absl::Status Bootstrap(Db& db);
  void Publish(uint64_t size, const std::string& note);
  void Loop(Writer* writer);

  const Clock& clock_;
  LedgerOptions opts_;
  std::string db_path_;
  NoteSigner signer_;
  NoteVerifier verifier_;
  std::vector<NoteVerifier> witnesses_;
  std::string integrity_error_;
  std::vector<std::string> verification_lines_;

  // Writer thread only.
  TileAppender appender_;
  std::vector<Hash> batch_leaves_;  // leaves of commands kept in this batch
  std::vector<Hash> cmd_leaves_;    // leaves of the command running now
  uint64_t next_seq_ = 1;

  TileCache cache_{2048};  // ~9 KiB a tile
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t tree_size_ = 0;            // guarded by mu_: committed leaves
  uint64_t checkpoint_size_ = 0;      // guarded by mu_
  std::string latest_note_;           // guarded by mu_
  std::multimap<uint64_t, std::function<void(absl::StatusOr<std::string>)>> waiters_;  // guarded by mu_
  bool stop_ = false;                 // guarded by mu_
  bool kick_ = false;                 // guarded by mu_
  std::thread thread_;
};

}  // namespace qf::ledger
