// C2SP tlog-tiles: the tree stored as tiles of up to 256 hashes (tile height 8), so a log of ten million
// leaves is ~40,000 tile rows. Path encoding, a NodeSource that reads tiles (with a bounded, thread-safe
// cache of expanded tiles for fast proofs), and the writer-side appender that keeps the partial tiles and the
// right edge of the tree in memory (writer thread only).
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/merkle.h"
#include "storage/db.h"

namespace qf::ledger {

inline constexpr int kTileHeight = 8;
inline constexpr int kTileWidth = 256;

struct TileId {
  int level = 0;       // tile level L (nodes at tree level 8L); -1 for entry bundles
  uint64_t index = 0;  // N
  int width = kTileWidth;
  bool operator==(const TileId&) const = default;
};

// "tile/0/x001/x234/067.p/5", "tile/entries/273.p/112".
std::string TilePath(const TileId& t);
// Parses a C2SP tile path; nullopt when malformed.
std::optional<TileId> ParseTilePath(std::string_view path);
// Go sumdb form "tile/H/L/NNN[.p/W]" with "data" for level -1 (used only by the vector tests).
std::optional<std::pair<int, TileId>> ParseGoTilePath(std::string_view path);

// The tile (level, index) as it stands in a tree of `size` leaves: its width, or 0 if it does not exist yet.
int TileWidthAt(int level, uint64_t index, uint64_t size);

// A tile's hashes: its `width` entries, and for a full tile stored by the appender the 31 inner nodes of
// sub-levels 4..8 (16, 8, 4, 2, 1), which spare proofs from re-hashing the tile.
struct TileData {
  int width = 0;
  std::vector<Hash> base;
  std::vector<Hash> upper;  // empty when not stored
  std::vector<std::vector<Hash>> inner;  // partial tiles only: every complete inner node, by sub-level
};
inline constexpr int kUpperFrom = 4;
// The 31 nodes of sub-levels 4..8 of a full tile.
std::vector<Hash> UpperLevels(const std::vector<Hash>& base);
// The complete node of 2^r entries starting at entry j * 2^r (looked up or hashed, at most 15 hashes when the
// tile has its upper levels).
Hash TileNode(const TileData& t, int r, uint64_t j);
std::shared_ptr<const TileData> ParseTile(const std::string& raw, const std::string& upper);

// A bounded, thread-safe LRU of tiles read from storage.
class TileCache {
 public:
  explicit TileCache(size_t max_tiles = 4096) : max_(max_tiles) {}
  using Loader = std::function<absl::StatusOr<std::pair<std::string, std::string>>(int, uint64_t)>;
  // The tile, loading it through `load` (raw entries, upper levels) when absent or narrower than `min_width`.
  absl::StatusOr<std::shared_ptr<const TileData>> Get(int level, uint64_t index, int min_width, const Loader& load);
  void Clear();

 private:
  size_t max_;
  std::mutex mu_;
  std::list<std::pair<std::pair<int, uint64_t>, std::shared_ptr<const TileData>>> lru_;  // guarded by mu_
  std::map<std::pair<int, uint64_t>, decltype(lru_)::iterator> index_;                  // guarded by mu_
};

// A NodeSource over the tiles stored in `db` (reads the ledger_tiles table).
class DbNodeSource : public NodeSource {
 public:
  DbNodeSource(Db& db, TileCache& cache) : db_(db), cache_(cache) {}
  absl::StatusOr<Hash> Node(int level, uint64_t index) override;
  absl::StatusOr<std::string> RawTile(int level, uint64_t index);

 private:
  Db& db_;
  TileCache& cache_;
};

// Appends leaf hashes on the writer thread: keeps the partial tile of each level and the compact right
// edge of the tree, and writes the tiles that changed. Not thread-safe.
class TileAppender {
 public:
  // Loads the partial tiles and the right edge from the database.
  absl::Status Load(Db& db, TileCache& cache);
  void Append(const Hash& leaf);
  // Writes every tile touched since the last flush.
  absl::Status Flush(Db& db);
  uint64_t size() const { return size_; }
  Hash Root() const;

 private:
  void Push(int level, const Hash& h);
  uint64_t size_ = 0;
  std::vector<std::vector<Hash>> partial_;  // partial_[L]: entries of the last, incomplete tile at level L
  std::map<std::pair<int, uint64_t>, std::pair<std::string, std::string>> filled_;  // completed: bytes, upper
  std::map<int, uint64_t> dirty_partial_;                   // level -> index of its partial tile, if touched
  std::vector<std::pair<int, Hash>> edge_;  // complete subtrees of the right edge: (height, hash), left to right
};

}  // namespace qf::ledger
