// Verifies a ledger from what an outsider can fetch — the signed checkpoint, the tiles and the entries —
// with nothing but the bureau's public key: every leaf hash recomputed from its entry, every tile checked
// against the level above, the root against the signed checkpoint, earlier checkpoints (a state file)
// against the current tree (rollback, fork, rewritten history), and receipts against both. The same code
// runs in the server at start (over its own database) and in `qingfeng ledger verify`. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "storage/db.h"

namespace qf::ledger {

// The fields of an event that its leaf commits to.
struct LeafFields {
  uint64_t seq = 0;
  std::string time, actor, kind, subject;
  std::string commitment;  // SHA-256(salt || payload)
};
// "QFE1" || u64be seq || (u16be len || bytes) for time, actor, kind, subject || 32-byte commitment.
std::string LeafData(const LeafFields& f);
absl::StatusOr<LeafFields> ParseLeafData(std::string_view data);

// Where the log comes from: a database file or a server over HTTP.
class LogSource {
 public:
  virtual ~LogSource() = default;
  virtual absl::StatusOr<std::string> LatestCheckpoint() = 0;
  // The tile's first `width` hashes (W*32 bytes); DataLoss when it is missing or shorter.
  virtual absl::StatusOr<std::string> Tile(int level, uint64_t index, int width) = 0;
  // The leaf data of leaves [index*256, index*256 + width).
  virtual absl::StatusOr<std::vector<std::string>> Entries(uint64_t index, int width) = 0;
  // Every stored checkpoint (a database keeps them all; a server need not serve them).
  virtual absl::StatusOr<std::vector<std::string>> AllCheckpoints() { return std::vector<std::string>{}; }
  // Entries beyond the latest checkpoint that the source holds (0 if unknown).
  virtual absl::StatusOr<uint64_t> HeldSize() { return uint64_t{0}; }
};

// Reads a Qingfeng database: tiles, checkpoints, and events (checking each payload against its commitment).
class DbLogSource : public LogSource {
 public:
  explicit DbLogSource(Db& db) : db_(db) {}
  absl::StatusOr<std::string> LatestCheckpoint() override;
  absl::StatusOr<std::string> Tile(int level, uint64_t index, int width) override;
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t index, int width) override;
  absl::StatusOr<std::vector<std::string>> AllCheckpoints() override;
  absl::StatusOr<uint64_t> HeldSize() override;

 private:
  Db& db_;
};

struct VerifyOptions {
  NoteVerifier key;
  std::vector<std::string> receipts;        // receipt texts (c2sp.org/tlog-proof@v1)
  std::optional<std::string> state_path;    // checkpoints seen before; updated on success
  bool check_held_entries = false;          // also verify entries beyond the latest checkpoint
  bool allow_empty = false;                 // a log with no checkpoint yet is not an error
};

struct VerifyReport {
  uint64_t size = 0;  // of the latest checkpoint
  Hash root{};
  uint64_t held_size = 0;  // entries verified in all
  std::vector<std::string> lines;  // what was checked, for the operator
};

// OK with a report, or FailedPrecondition / DataLoss / Unauthenticated whose message says exactly what
// disagrees (which event, which tile, which checkpoint).
absl::StatusOr<VerifyReport> VerifyLog(LogSource& src, const VerifyOptions& opts);

// A receipt for leaf `index` of the log: the leaf data, its inclusion proof and the signed checkpoint.
std::string FormatReceipt(uint64_t index, const std::string& leaf_data, const std::vector<Hash>& proof,
                          const std::string& checkpoint_note);
struct Receipt {
  uint64_t index = 0;
  std::string leaf_data;
  std::vector<Hash> proof;
  std::string checkpoint_note;
};
absl::StatusOr<Receipt> ParseReceipt(std::string_view text);

}  // namespace qf::ledger
