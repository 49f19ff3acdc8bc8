#include "ledger/tiles.h"

#include <cstring>

#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"

namespace qf::ledger {
namespace {

std::string EncodeIndex(uint64_t n) {
  // Groups of three digits, all but the last prefixed with 'x'.
  std::vector<std::string> parts;
  do {
    parts.insert(parts.begin(), fmt::format("{:03d}", n % 1000));
    n /= 1000;
  } while (n > 0);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += "/";
    if (i + 1 < parts.size()) out += "x";
    out += parts[i];
  }
  return out;
}

std::optional<uint64_t> DecodeIndex(const std::vector<std::string_view>& parts) {
  uint64_t n = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    bool last = i + 1 == parts.size();
    if (!last) {
      if (!p.starts_with("x")) return std::nullopt;
      p.remove_prefix(1);
    }
    if (p.size() != 3) return std::nullopt;
    auto v = ParseInt<uint64_t>(p);
    if (!v) return std::nullopt;
    n = n * 1000 + *v;
  }
  return n;
}

// Splits "NNN.p/W" style tails: returns the index parts and the width.
std::optional<std::pair<std::vector<std::string_view>, int>> IndexAndWidth(std::vector<std::string_view> parts, int full) {
  int width = full;
  if (parts.size() >= 2 && parts[parts.size() - 2].ends_with(".p")) {
    auto w = ParseInt<int>(parts.back());
    if (!w || *w < 1 || *w >= full) return std::nullopt;
    width = *w;
    parts.pop_back();
    parts.back().remove_suffix(2);
  }
  if (parts.empty()) return std::nullopt;
  return std::make_pair(parts, width);
}

}  // namespace

std::string TilePath(const TileId& t) {
  std::string p = t.level < 0 ? "tile/entries/" : fmt::format("tile/{}/", t.level);
  p += EncodeIndex(t.index);
  if (t.width < kTileWidth) p += fmt::format(".p/{}", t.width);
  return p;
}

std::optional<TileId> ParseTilePath(std::string_view path) {
  auto parts = Split(path, '/');
  if (parts.size() < 3 || parts[0] != "tile") return std::nullopt;
  TileId t;
  if (parts[1] == "entries") {
    t.level = -1;
  } else {
    auto l = ParseInt<int>(parts[1]);
    if (!l || *l < 0 || *l > 63) return std::nullopt;
    t.level = *l;
  }
  auto iw = IndexAndWidth(std::vector<std::string_view>(parts.begin() + 2, parts.end()), kTileWidth);
  if (!iw) return std::nullopt;
  auto n = DecodeIndex(iw->first);
  if (!n) return std::nullopt;
  t.index = *n;
  t.width = iw->second;
  return t;
}

std::optional<std::pair<int, TileId>> ParseGoTilePath(std::string_view path) {
  auto parts = Split(path, '/');
  if (parts.size() < 4 || parts[0] != "tile") return std::nullopt;
  auto h = ParseInt<int>(parts[1]);
  if (!h || *h < 1 || *h > 30) return std::nullopt;
  TileId t;
  if (parts[2] == "data") {
    t.level = -1;
  } else {
    auto l = ParseInt<int>(parts[2]);
    if (!l || *l < 0) return std::nullopt;
    t.level = *l;
  }
  auto iw = IndexAndWidth(std::vector<std::string_view>(parts.begin() + 3, parts.end()), 1 << *h);
  if (!iw) return std::nullopt;
  auto n = DecodeIndex(iw->first);
  if (!n) return std::nullopt;
  t.index = *n;
  t.width = iw->second;
  return std::make_pair(*h, t);
}

int TileWidthAt(int level, uint64_t index, uint64_t size) {
  uint64_t entries = size >> (kTileHeight * level);  // nodes at tree level 8L
  if (entries <= index * kTileWidth) return 0;
  uint64_t w = entries - index * kTileWidth;
  return static_cast<int>(std::min<uint64_t>(w, kTileWidth));
}

std::vector<Hash> UpperLevels(const std::vector<Hash>& base) {
  std::vector<Hash> level = base, out;
  for (int r = 1; r <= kTileHeight; ++r) {
    std::vector<Hash> up;
    for (size_t j = 0; j + 1 < level.size(); j += 2) up.push_back(NodeHash(level[j], level[j + 1]));
    level.swap(up);
    if (r >= kUpperFrom) out.insert(out.end(), level.begin(), level.end());
  }
  return out;
}

Hash TileNode(const TileData& t, int r, uint64_t j) {
  if (r == 0) return t.base[j];
  if (!t.inner.empty()) return t.inner[r][j];
  if (r >= kUpperFrom && !t.upper.empty()) {
    static constexpr int kOffset[] = {0, 0, 0, 0, 0, 16, 24, 28, 30};  // start of sub-level r in `upper`
    return t.upper[kOffset[r] + j];
  }
  return NodeHash(TileNode(t, r - 1, 2 * j), TileNode(t, r - 1, 2 * j + 1));
}

std::shared_ptr<const TileData> ParseTile(const std::string& raw, const std::string& upper) {
  auto t = std::make_shared<TileData>();
  t->width = static_cast<int>(raw.size() / 32);
  t->base.resize(t->width);
  for (int i = 0; i < t->width; ++i) std::memcpy(t->base[i].data(), raw.data() + 32 * i, 32);
  if (t->width == kTileWidth && upper.size() == 31 * 32) {
    t->upper.resize(31);
    for (int i = 0; i < 31; ++i) std::memcpy(t->upper[i].data(), upper.data() + 32 * i, 32);
  } else if (t->width < kTileWidth) {
    // A partial tile is the right edge of its level: proofs touch it at every level, so hash it once.
    t->inner.resize(kTileHeight + 1);
    t->inner[0] = t->base;
    for (int r = 1; r <= kTileHeight; ++r)
      for (size_t j = 0; j + 1 < t->inner[r - 1].size(); j += 2)
        t->inner[r].push_back(NodeHash(t->inner[r - 1][j], t->inner[r - 1][j + 1]));
  }
  return t;
}

absl::StatusOr<std::shared_ptr<const TileData>> TileCache::Get(int level, uint64_t index, int min_width,
                                                               const Loader& load) {
  auto key = std::make_pair(level, index);
  {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end() && it->second->second->width >= min_width) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  QF_ASSIGN_OR_RETURN(auto loaded, load(level, index));
  const std::string& raw = loaded.first;
  if (raw.size() % 32 != 0 || raw.empty() || raw.size() > 32 * kTileWidth)
    return absl::DataLossError(fmt::format("账本瓦片 {} 的长度 {} 不是32的倍数或超出范围", TilePath({level, index}), raw.size()));
  if (static_cast<int>(raw.size() / 32) < min_width)
    return absl::DataLossError(fmt::format("账本瓦片 {} 只有 {} 个哈希，需要至少 {} 个（瓦片被截断）",
                                           TilePath({level, index}), raw.size() / 32, min_width));
  auto t = ParseTile(raw, loaded.second);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.emplace_front(key, t);
  index_[key] = lru_.begin();
  while (lru_.size() > max_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return std::shared_ptr<const TileData>(t);
}

void TileCache::Clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
}

absl::StatusOr<std::string> DbNodeSource::RawTile(int level, uint64_t index) {
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT hashes FROM ledger_tiles WHERE level=? AND idx=?"));
  st.Bind(1, level).Bind(2, static_cast<int64_t>(index));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return absl::DataLossError(fmt::format("账本瓦片 {} 不存在", TilePath({level, index})));
  return st.Text(0);
}

absl::StatusOr<Hash> DbNodeSource::Node(int level, uint64_t index) {
  int tl = level / kTileHeight, r = level % kTileHeight;
  uint64_t first = index << r;  // first entry of the tile level covered by this node
  uint64_t tile = first / kTileWidth;
  int offset = static_cast<int>(first % kTileWidth);
  int need = offset + (1 << r);
  QF_ASSIGN_OR_RETURN(auto t, cache_.Get(tl, tile, need, [this](int l, uint64_t i)
                                             -> absl::StatusOr<std::pair<std::string, std::string>> {
    QF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT hashes, upper FROM ledger_tiles WHERE level=? AND idx=?"));
    st.Bind(1, l).Bind(2, static_cast<int64_t>(i));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return absl::DataLossError(fmt::format("账本瓦片 {} 不存在", TilePath({l, i})));
    return std::make_pair(st.Text(0), st.Text(1));
  }));
  return TileNode(*t, r, offset >> r);
}

absl::Status TileAppender::Load(Db& db, TileCache& cache) {
  partial_.clear();
  filled_.clear();
  dirty_partial_.clear();
  edge_.clear();
  size_ = 0;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT idx, length(hashes)/32 FROM ledger_tiles WHERE level=0 ORDER BY idx DESC LIMIT 1"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) size_ = static_cast<uint64_t>(st.Int(0)) * kTileWidth + static_cast<uint64_t>(st.Int(1));
  DbNodeSource src(db, cache);
  // The partial tile of each level, and the right edge as complete subtrees.
  for (int level = 0; (size_ >> (kTileHeight * level)) > 0; ++level) {
    uint64_t entries = size_ >> (kTileHeight * level);
    partial_.emplace_back();
    int w = static_cast<int>(entries % kTileWidth);
    if (w == 0) continue;
    QF_ASSIGN_OR_RETURN(std::string raw, src.RawTile(level, entries / kTileWidth));
    if (static_cast<int>(raw.size() / 32) < w)
      return absl::DataLossError(fmt::format("账本瓦片 {} 被截断", TilePath({level, entries / kTileWidth, w})));
    for (int i = 0; i < w; ++i) {
      Hash h;
      std::memcpy(h.data(), raw.data() + 32 * i, 32);
      partial_[level].push_back(h);
    }
  }
  uint64_t begin = 0;
  for (int b = 63; b >= 0; --b) {
    uint64_t width = uint64_t{1} << b;
    if (!(size_ & width)) continue;
    QF_ASSIGN_OR_RETURN(Hash h, src.Node(b, begin >> b));
    edge_.push_back({b, h});
    begin += width;
  }
  return absl::OkStatus();
}

void TileAppender::Push(int level, const Hash& h) {
  if (static_cast<int>(partial_.size()) <= level) partial_.resize(level + 1);
  auto& p = partial_[level];
  p.push_back(h);
  uint64_t index = ((size_ >> (kTileHeight * level)) - 1) / kTileWidth;  // size_ already counts the new leaf
  if (p.size() < kTileWidth) {
    dirty_partial_[level] = index;  // serialised at Flush: appends stay O(1)
    return;
  }
  // A full tile: written once with its upper sub-levels; its root is the next entry one tile level up.
  std::string bytes(kTileWidth * 32, '\0');
  for (size_t i = 0; i < p.size(); ++i) std::memcpy(bytes.data() + 32 * i, p[i].data(), 32);
  std::vector<Hash> upper = UpperLevels(p);
  std::string ub(upper.size() * 32, '\0');
  for (size_t i = 0; i < upper.size(); ++i) std::memcpy(ub.data() + 32 * i, upper[i].data(), 32);
  filled_[{level, index}] = {std::move(bytes), std::move(ub)};
  dirty_partial_.erase(level);
  Hash root = upper.back();
  p.clear();
  Push(level + 1, root);
}

void TileAppender::Append(const Hash& leaf) {
  ++size_;
  Push(0, leaf);
  edge_.push_back({0, leaf});
  while (edge_.size() >= 2 && edge_[edge_.size() - 1].first == edge_[edge_.size() - 2].first) {
    auto r = edge_.back();
    edge_.pop_back();
    edge_.back() = {r.first + 1, NodeHash(edge_.back().second, r.second)};
  }
}

Hash TileAppender::Root() const {
  if (edge_.empty()) return EmptyRoot();
  Hash r = edge_.back().second;
  for (int i = static_cast<int>(edge_.size()) - 2; i >= 0; --i) r = NodeHash(edge_[i].second, r);
  return r;
}

absl::Status TileAppender::Flush(Db& db) {
  auto write = [&db](int level, uint64_t index, const std::string& bytes, const std::string& upper) -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO ledger_tiles(level, idx, hashes, upper) VALUES(?,?,?,?) "
        "ON CONFLICT(level, idx) DO UPDATE SET hashes=excluded.hashes, upper=excluded.upper"));
    st.Bind(1, level).Bind(2, static_cast<int64_t>(index)).BindBlob(3, bytes);
    if (upper.empty()) st.BindNull(4); else st.BindBlob(4, upper);
    return st.Send();
  };
  for (auto& [key, tile] : filled_) QF_RETURN_IF_ERROR(write(key.first, key.second, tile.first, tile.second));
  for (auto& [level, index] : dirty_partial_) {
    const auto& p = partial_[level];
    if (p.empty()) continue;
    std::string bytes(p.size() * 32, '\0');
    for (size_t i = 0; i < p.size(); ++i) std::memcpy(bytes.data() + 32 * i, p[i].data(), 32);
    QF_RETURN_IF_ERROR(write(level, index, bytes, ""));
  }
  filled_.clear();
  dirty_partial_.clear();
  return absl::OkStatus();
}

}  // namespace qf::ledger
