#include "ledger/verify.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"
#include "ledger/tiles.h"

namespace qf::ledger {
namespace {

namespace json = boost::json;

absl::Status Tampered(std::string msg) { return absl::DataLossError(msg); }

void PutU16(std::string& out, std::string_view s) {
  size_t n = std::min<size_t>(s.size(), 0xffff);
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(s.substr(0, n));
}

// Serves nodes from tiles fetched through a LogSource (cached for the run).
class SourceNodes : public NodeSource {
 public:
  SourceNodes(LogSource& src, uint64_t size) : src_(src), size_(size) {}
  absl::StatusOr<Hash> Node(int level, uint64_t index) override {
    int tl = level / kTileHeight, r = level % kTileHeight;
    uint64_t first = index << r;
    uint64_t tile = first / kTileWidth;
    int offset = static_cast<int>(first % kTileWidth);
    int width = TileWidthAt(tl, tile, size_);
    if (offset + (1 << r) > width) return absl::OutOfRangeError("node beyond the tree");
    QF_ASSIGN_OR_RETURN(auto t, cache_.Get(tl, tile, offset + (1 << r), [&](int l, uint64_t i)
                                               -> absl::StatusOr<std::pair<std::string, std::string>> {
      QF_ASSIGN_OR_RETURN(std::string raw, src_.Tile(l, i, width));
      return std::make_pair(std::move(raw), std::string());  // inner nodes are recomputed, never trusted
    }));
    return TileNode(*t, r, offset >> r);
  }

 private:
  LogSource& src_;
  uint64_t size_;
  TileCache cache_{4096};
};

std::string B64(std::string_view raw) { return qf::Base64(raw); }

absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& key, const char* what) {
  auto opened = OpenNote(note, {key});
  if (!opened.ok())
    return MakeError(absl::StatusCode::kUnauthenticated, "ledger.checkpoint_signature",
                     fmt::format("{}的签名不能用公钥 {} 验证：{}", what, key.Encode(), Str(opened.status().message())));
  auto cp = Checkpoint::Parse(opened->text);
  if (!cp.ok()) return cp.status();
  if (cp->origin != key.name)
    return MakeError(absl::StatusCode::kUnauthenticated, "ledger.origin",
                     fmt::format("{}的来源 {} 与公钥名称 {} 不符", what, cp->origin, key.name));
  return cp;
}

}  // namespace

std::string LeafData(const LeafFields& f) {
  std::string out = "QFE1";
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((f.seq >> (8 * i)) & 0xff));
  PutU16(out, f.time);
  PutU16(out, f.actor);
  PutU16(out, f.kind);
  PutU16(out, f.subject);
  out.append(f.commitment);
  return out;
}

absl::StatusOr<LeafFields> ParseLeafData(std::string_view d) {
  LeafFields f;
  if (d.size() < 12 + 8 + 32 || !d.starts_with("QFE1")) return Invalid("ledger.leaf", "叶子数据格式错误");
  size_t p = 4;
  for (int i = 0; i < 8; ++i) f.seq = (f.seq << 8) | static_cast<uint8_t>(d[p++]);
  for (std::string* s : {&f.time, &f.actor, &f.kind, &f.subject}) {
    if (p + 2 > d.size()) return Invalid("ledger.leaf", "叶子数据被截断");
    size_t n = (static_cast<uint8_t>(d[p]) << 8) | static_cast<uint8_t>(d[p + 1]);
    p += 2;
    if (p + n > d.size()) return Invalid("ledger.leaf", "叶子数据被截断");
    *s = std::string(d.substr(p, n));
    p += n;
  }
  if (d.size() - p != 32) return Invalid("ledger.leaf", "叶子数据的承诺长度错误");
  f.commitment = std::string(d.substr(p));
  return f;
}

absl::StatusOr<std::string> DbLogSource::LatestCheckpoint() {
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT size, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return absl::NotFoundError("数据库中还没有签名检查点");
  int64_t size = st.Int(0);
  std::string note = st.Text(1);
  QF_ASSIGN_OR_RETURN(auto cs, db_.Prepare("SELECT line FROM ledger_cosignatures WHERE size=? ORDER BY witness"));
  cs.Bind(1, size);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool r, cs.Step());
    if (!r) break;
    note += cs.Text(0);
  }
  return note;
}

absl::StatusOr<std::vector<std::string>> DbLogSource::AllCheckpoints() {
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT note FROM ledger_checkpoints ORDER BY size"));
  return st.Texts();
}

absl::StatusOr<uint64_t> DbLogSource::HeldSize() {
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT idx, length(hashes)/32 FROM ledger_tiles WHERE level=0 ORDER BY idx DESC LIMIT 1"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return uint64_t{0};
  return static_cast<uint64_t>(st.Int(0)) * kTileWidth + static_cast<uint64_t>(st.Int(1));
}

absl::StatusOr<std::string> DbLogSource::Tile(int level, uint64_t index, int width) {
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT hashes FROM ledger_tiles WHERE level=? AND idx=?"));
  st.Bind(1, level).Bind(2, static_cast<int64_t>(index));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  std::string path = TilePath({level, index, width});
  if (!row) return Tampered(fmt::format("瓦片 {} 不存在（瓦片被删除或截断）", path));
  std::string raw = st.Text(0);
  if (raw.size() < static_cast<size_t>(width) * 32 || raw.size() % 32 != 0)
    return Tampered(fmt::format("瓦片 {} 只有 {} 字节，应至少有 {} 字节（瓦片被截断）", path, raw.size(), width * 32));
  return raw.substr(0, static_cast<size_t>(width) * 32);
}

absl::StatusOr<std::vector<std::string>> DbLogSource::Entries(uint64_t index, int width) {
  uint64_t first = index * kTileWidth + 1, last = first + width - 1;  // event seq = leaf index + 1
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT seq, time, actor, kind, subject, payload, salt, commitment, erased_at FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq"));
  st.Bind(1, static_cast<int64_t>(first)).Bind(2, static_cast<int64_t>(last));
  std::vector<std::string> out;
  uint64_t expect = first;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    uint64_t seq = static_cast<uint64_t>(st.Int(0));
    if (seq != expect) return Tampered(fmt::format("事件 seq {} 缺失（被删除）", expect));
    LeafFields f{seq, st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(7)};
    if (f.commitment.size() != 32) return Tampered(fmt::format("事件 seq {} 缺少内容承诺", seq));
    if (st.IsNull(8)) {
      // Not erased: the payload must still match the commitment its leaf carries.
      auto c = Sha256(st.Text(6) + st.Text(5));
      if (std::memcmp(c.data(), f.commitment.data(), 32) != 0)
        return Tampered(fmt::format("事件 seq {}（{} {}）的内容与其承诺不符：内容被改动", seq, f.kind, f.subject));
    }
    out.push_back(LeafData(f));
    ++expect;
  }
  if (expect != last + 1) return Tampered(fmt::format("事件 seq {} 缺失（被删除）", expect));
  return out;
}

std::string FormatReceipt(uint64_t index, const std::string& leaf_data, const std::vector<Hash>& proof,
                          const std::string& checkpoint_note) {
  std::string s = "c2sp.org/tlog-proof@v1\nextra " + B64(leaf_data) + "\nindex " + std::to_string(index) + "\n";
  for (const auto& h : proof) s += ToBase64(h) + "\n";
  return s + "\n" + checkpoint_note;
}

absl::StatusOr<Receipt> ParseReceipt(std::string_view text) {
  auto bad = [](std::string why) { return Invalid("ledger.receipt", "收据格式错误：" + why); };
  auto split = text.find("\n\n");
  if (split == std::string_view::npos) return bad("缺少证明与检查点之间的空行");
  auto lines = Split(text.substr(0, split), '\n');
  if (lines.empty() || lines[0] != "c2sp.org/tlog-proof@v1") return bad("第一行应为 c2sp.org/tlog-proof@v1");
  Receipt r;
  size_t i = 1;
  if (i < lines.size() && lines[i].starts_with("extra ")) {
    auto d = qf::FromBase64(lines[i].substr(6));
    if (!d) return bad("extra 不是 Base64");
    r.leaf_data = *d;
    ++i;
  }
  if (i >= lines.size() || !lines[i].starts_with("index ")) return bad("缺少 index 行");
  auto idx = ParseInt<uint64_t>(lines[i].substr(6));
  if (!idx) return bad("index 无效");
  r.index = *idx;
  for (++i; i < lines.size(); ++i) {
    Hash h;
    if (!FromBase64(lines[i], &h)) return bad("证明哈希无效");
    r.proof.push_back(h);
  }
  r.checkpoint_note = std::string(text.substr(split + 2));
  return r;
}

absl::StatusOr<VerifyReport> VerifyLog(LogSource& src, const VerifyOptions& opts) {
  VerifyReport rep;
  auto latest = src.LatestCheckpoint();
  if (!latest.ok()) {
    if (opts.allow_empty && latest.status().code() == absl::StatusCode::kNotFound) {
      QF_ASSIGN_OR_RETURN(rep.held_size, src.HeldSize());
    } else {
      return latest.status();
    }
  }
  Checkpoint cp;
  if (latest.ok()) {
    QF_ASSIGN_OR_RETURN(cp, OpenCheckpoint(*latest, opts.key, "最新检查点"));
    rep.size = cp.size;
    rep.root = cp.root;
    rep.lines.push_back(fmt::format("检查点签名有效：{} 大小 {} 根 {}", cp.origin, cp.size, ToBase64(cp.root)));
  }
  uint64_t size = cp.size;
  if (opts.check_held_entries) {
    QF_ASSIGN_OR_RETURN(uint64_t held, src.HeldSize());
    if (held < size) return Tampered(fmt::format("瓦片只覆盖 {} 条记录，少于已签名检查点的 {} 条（记录被截断或数据库被回滚）", held, size));
    size = held;
  }
  rep.held_size = size;

  // Every leaf from its entry, every tile against the level above.
  std::vector<Hash> expected;  // entries of the current level, from the level below
  for (int level = 0; (size >> (kTileHeight * level)) > 0; ++level) {
    uint64_t entries = size >> (kTileHeight * level);
    std::vector<Hash> next;
    for (uint64_t t = 0; t * kTileWidth < entries; ++t) {
      int w = TileWidthAt(level, t, size);
      QF_ASSIGN_OR_RETURN(std::string raw, src.Tile(level, t, w));
      if (raw.size() != static_cast<size_t>(w) * 32)
        return Tampered(fmt::format("瓦片 {} 长度为 {} 字节，应为 {}", TilePath({level, t, w}), raw.size(), w * 32));
      if (level == 0) {
        QF_ASSIGN_OR_RETURN(auto leaves, src.Entries(t, w));
        if (static_cast<int>(leaves.size()) != w)
          return Tampered(fmt::format("记录包 {} 只有 {} 条，应为 {}", TilePath({-1, t, w}), leaves.size(), w));
        for (int i = 0; i < w; ++i) {
          Hash lh = LeafHash(leaves[i]);
          if (std::memcmp(lh.data(), raw.data() + 32 * i, 32) != 0) {
            auto f = ParseLeafData(leaves[i]);
            return Tampered(fmt::format("第 {} 条记录（事件 seq {} {} {}）的哈希与瓦片 {} 不符：记录被改动、删除或调换顺序",
                                        t * kTileWidth + i, f.ok() ? f->seq : 0, f.ok() ? f->kind : "?",
                                        f.ok() ? f->subject : "?", TilePath({0, t, w})));
          }
        }
      } else {
        for (int i = 0; i < w; ++i)
          if (std::memcmp(expected[t * kTileWidth + i].data(), raw.data() + 32 * i, 32) != 0)
            return Tampered(fmt::format("瓦片 {} 第 {} 项与下层瓦片算出的哈希不符", TilePath({level, t, w}), i));
      }
      if (w == kTileWidth) next.push_back(TileNode(*ParseTile(raw, ""), kTileHeight, 0));
    }
    expected.swap(next);
  }
  rep.lines.push_back(fmt::format("逐条重算 {} 条记录的叶子哈希与全部瓦片：一致", size));

  SourceNodes nodes(src, size);
  if (latest.ok()) {
    QF_ASSIGN_OR_RETURN(Hash root, RootAt(nodes, cp.size));
    if (root != cp.root)
      return Tampered(fmt::format("由瓦片算出的大小 {} 的根哈希 {} 与签名检查点的 {} 不符", cp.size, ToBase64(root),
                                  ToBase64(cp.root)));
    rep.lines.push_back("由瓦片重算的根哈希与签名检查点一致");
  }

  // Every checkpoint the source keeps must be a prefix of this tree.
  QF_ASSIGN_OR_RETURN(auto all, src.AllCheckpoints());
  for (const auto& note : all) {
    QF_ASSIGN_OR_RETURN(Checkpoint old, OpenCheckpoint(note, opts.key, "历史检查点"));
    if (old.size > size) return Tampered(fmt::format("保存的检查点大小 {} 超过现有记录数 {}（记录被截断）", old.size, size));
    if (old.size == 0) continue;
    QF_ASSIGN_OR_RETURN(Hash r, RootAt(nodes, old.size));
    if (r != old.root) return Tampered(fmt::format("大小 {} 的历史检查点与现有记录不一致（历史被改写）", old.size));
  }
  if (!all.empty()) rep.lines.push_back(fmt::format("{} 个历史检查点均与现有记录一致", all.size()));

  // Checkpoints seen on earlier runs (rollback, fork, rewritten history).
  json::array seen;
  if (opts.state_path && std::filesystem::exists(*opts.state_path)) {
    std::ifstream in(*opts.state_path);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object() || !v.as_object().contains("checkpoints"))
      return Invalid("ledger.state", "状态文件无法解析：" + *opts.state_path);
    seen = v.as_object().at("checkpoints").as_array();
    for (auto& s : seen) {
      uint64_t ssize = s.at("size").to_number<uint64_t>();
      Hash sroot;
      if (!FromBase64(std::string(s.at("root").as_string()), &sroot)) return Invalid("ledger.state", "状态文件中的根哈希无效");
      if (ssize > cp.size)
        return absl::FailedPreconditionError(fmt::format(
            "回滚：此前已见过大小为 {} 的检查点，现在最新检查点只有 {}（数据库被还原到旧副本，或记录被删除）", ssize, cp.size));
      if (ssize == cp.size && sroot != cp.root)
        return absl::FailedPreconditionError(fmt::format(
            "分叉：同为大小 {} 的两个检查点根哈希不同（此前 {}，现在 {}）", ssize, ToBase64(sroot), ToBase64(cp.root)));
      if (ssize > 0 && ssize < cp.size) {
        QF_ASSIGN_OR_RETURN(auto proof, ConsistencyProof(nodes, ssize, cp.size));
        if (!VerifyConsistency(ssize, cp.size, sroot, cp.root, proof).ok())
          return absl::FailedPreconditionError(fmt::format(
              "分叉：此前所见大小 {} 的检查点与现在的检查点不一致（历史被改写）", ssize));
      }
    }
    rep.lines.push_back(fmt::format("与此前见过的 {} 个检查点一致（无回滚、无分叉）", seen.size()));
  }

  for (size_t i = 0; i < opts.receipts.size(); ++i) {
    QF_ASSIGN_OR_RETURN(Receipt r, ParseReceipt(opts.receipts[i]));
    QF_ASSIGN_OR_RETURN(Checkpoint rc, OpenCheckpoint(r.checkpoint_note, opts.key, "收据中的检查点"));
    Hash lh = LeafHash(r.leaf_data);
    auto inc = VerifyInclusion(r.index, rc.size, lh, r.proof, rc.root);
    if (!inc.ok()) return Tampered(fmt::format("收据 {}：包含证明不成立：{}", i + 1, Str(inc.message())));
    if (rc.size > size)
      return absl::FailedPreconditionError(fmt::format("收据 {}：收据的检查点大小 {} 超过现有记录数 {}（日志被回滚）", i + 1, rc.size, size));
    QF_ASSIGN_OR_RETURN(Hash then, RootAt(nodes, rc.size));
    if (then != rc.root)
      return Tampered(fmt::format("收据 {}：收据签发时的树（大小 {}）与现有记录不一致：该记录已被删除或改写", i + 1, rc.size));
    QF_ASSIGN_OR_RETURN(Hash now_leaf, nodes.Node(0, r.index));
    if (now_leaf != lh) return Tampered(fmt::format("收据 {}：第 {} 条记录已不在日志中", i + 1, r.index));
    rep.lines.push_back(fmt::format("收据 {}：第 {} 条记录在签名检查点中，且仍在当前日志中", i + 1, r.index));
  }

  if (opts.state_path && latest.ok()) {
    bool have = false;
    for (auto& s : seen) have |= s.at("size").to_number<uint64_t>() == cp.size;
    if (!have) seen.push_back(json::object{{"size", cp.size}, {"root", ToBase64(cp.root)}});
    std::ofstream out(*opts.state_path + ".tmp");
    out << json::serialize(json::object{{"origin", cp.origin}, {"checkpoints", seen}});
    out.close();
    std::filesystem::rename(*opts.state_path + ".tmp", *opts.state_path);
  }
  return rep;
}

}  // namespace qf::ledger
