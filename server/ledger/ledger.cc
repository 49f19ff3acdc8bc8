#include "ledger/ledger.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "ledger/verify.h"
#include "spdlog/spdlog.h"

namespace qf::ledger {

namespace json = boost::json;

namespace {

std::string LeafDataOf(const EventRecord& ev) {
  return LeafData({static_cast<uint64_t>(ev.seq), ev.time, ev.actor, ev.kind, ev.subject, ev.commitment});
}

absl::StatusOr<std::string> EventLeafData(Db& db, uint64_t index) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq, time, actor, kind, subject, commitment FROM events WHERE seq=?"));
  st.Bind(1, static_cast<int64_t>(index + 1));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return absl::NotFoundError(fmt::format("第 {} 条记录不存在", index));
  return LeafData({static_cast<uint64_t>(st.Int(0)), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)});
}

// C2SP tlog-cosignature/v1: "— name base64(keyid || u64be timestamp || ed25519 sig)" over
// "cosignature/v1\ntime <t>\n" + checkpoint body, with witness keys of type 0x04.
struct Witness {
  std::string name;
  uint32_t id;
  std::array<uint8_t, 32> pub;
};

absl::StatusOr<Witness> ParseWitness(std::string_view vkey) {
  auto parts = SplitN(Trim(vkey), '+', 3);
  if (parts.size() != 3) return Invalid("ledger.witness", "见证者公钥格式错误");
  std::string raw(parts[2].size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), parts[2].data(), parts[2].size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 || len != 33 || raw[0] != 0x04)
    return Invalid("ledger.witness", "见证者公钥应为 cosignature/v1（类型 0x04）Ed25519 公钥");
  Witness w;
  w.name = std::string(parts[0]);
  std::memcpy(w.pub.data(), raw.data() + 1, 32);
  std::string idsrc = w.name + "\n" + std::string(1, '\x04') + std::string(reinterpret_cast<char*>(w.pub.data()), 32);
  auto h = Sha256(idsrc);
  w.id = (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | h[3];
  if (fmt::format("{:08x}", w.id) != parts[1]) return Invalid("ledger.witness", "见证者公钥编号不符");
  return w;
}

}  // namespace

Ledger::~Ledger() { StopCheckpointer(); }

absl::Status Ledger::LoadKey() {
  namespace fs = std::filesystem;
  if (opts_.key_path.empty()) return Invalid("ledger.key_path", "未配置账本签名密钥路径");
  if (fs::exists(opts_.key_path)) {
    std::ifstream in(opts_.key_path);
    std::stringstream ss;
    ss << in.rdbuf();
    QF_ASSIGN_OR_RETURN(signer_, NoteSigner::Parse(ss.str()));
    if (signer_.name != opts_.origin)
      return Invalid("ledger.key_name", fmt::format("签名密钥名称 {} 与账本来源 {} 不符", signer_.name, opts_.origin));
    auto perms = fs::status(opts_.key_path).permissions();
    if ((perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none)
      spdlog::warn("ledger key {} is readable by group or others; it should be 0600", opts_.key_path);
  } else {
    signer_ = NoteSigner::Generate(opts_.origin);
    if (auto parent = fs::path(opts_.key_path).parent_path(); !parent.empty()) fs::create_directories(parent);
    int fd = ::open(opts_.key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return absl::InternalError("无法创建账本签名密钥文件 " + opts_.key_path);
    std::string text = signer_.Encode() + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return absl::InternalError("无法写入账本签名密钥文件 " + opts_.key_path);
    spdlog::info("created ledger signing key {} (public key {})", opts_.key_path, signer_.Verifier().Encode());
  }
  verifier_ = signer_.Verifier();
  for (const auto& w : opts_.witness_keys) {
    QF_ASSIGN_OR_RETURN(Witness wk, ParseWitness(w));
    witnesses_.push_back({wk.name, wk.id, wk.pub});
  }
  return absl::OkStatus();
}

absl::Status Ledger::Bootstrap(Db& db) {
  // A database from before the ledger: commit every existing event, once, in one transaction.
  QF_ASSIGN_OR_RETURN(auto flag, db.Prepare("SELECT value FROM ledger_meta WHERE key='bootstrap'"));
  QF_ASSIGN_OR_RETURN(bool pending, flag.Step());
  if (!pending) return absl::OkStatus();
  QF_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto run = [&]() -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq, time, actor, kind, subject, payload, salt FROM events ORDER BY seq"));
    uint64_t expect = 1;
    std::vector<std::pair<int64_t, std::string>> commitments;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      EventRecord ev{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6), ""};
      if (static_cast<uint64_t>(ev.seq) != expect++) return absl::DataLossError("事件序号不连续，无法建立账本");
      auto c = Sha256(ev.salt + ev.payload);
      ev.commitment.assign(reinterpret_cast<const char*>(c.data()), 32);
      appender_.Append(LeafHash(LeafDataOf(ev)));
      commitments.push_back({ev.seq, ev.commitment});
    }
    for (auto& [seq, c] : commitments) {
      QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE events SET commitment=? WHERE seq=?"));
      up.BindBlob(1, c).Bind(2, seq);
      QF_RETURN_IF_ERROR(up.Run());
    }
    QF_RETURN_IF_ERROR(appender_.Flush(db));
    return db.Exec("DELETE FROM ledger_meta WHERE key='bootstrap'");
  };
  absl::Status s = run();
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  return db.Exec("COMMIT");
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(Db& db, const Clock& clock, LedgerOptions opts) {
  std::unique_ptr<Ledger> l(new Ledger(clock, std::move(opts)));
  l->db_path_ = db.path();
  QF_RETURN_IF_ERROR(l->LoadKey());
  auto boot = l->Bootstrap(db);
  auto load = boot.ok() ? l->appender_.Load(db, l->cache_) : boot;
  if (!load.ok()) {
    l->integrity_error_ = Str(load.message());
  } else {
    // Full verification: events against tiles, tiles against each other, checkpoints against the tree.
    DbLogSource src(db);
    VerifyOptions vo;
    vo.key = l->verifier_;
    vo.check_held_entries = true;
    vo.allow_empty = true;
    auto rep = VerifyLog(src, vo);
    if (!rep.ok()) {
      l->integrity_error_ = Str(rep.status().message());
    } else {
      l->verification_lines_ = rep->lines;
      QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COALESCE(MAX(seq),0), COUNT(*) FROM events"));
      QF_RETURN_IF_ERROR(st.Step().status());
      uint64_t max_seq = static_cast<uint64_t>(st.Int(0)), count = static_cast<uint64_t>(st.Int(1));
      if (max_seq != l->appender_.size() || count != l->appender_.size())
        l->integrity_error_ = fmt::format("事件表有 {} 条事件（最大序号 {}），账本只有 {} 条记录：有事件未经账本写入或被删除",
                                          count, max_seq, l->appender_.size());
      // The stored inner nodes that proofs use must be those of the verified leaves.
      QF_ASSIGN_OR_RETURN(auto up, db.Prepare("SELECT level, idx, hashes, upper FROM ledger_tiles WHERE upper IS NOT NULL"));
      while (l->integrity_error_.empty()) {
        QF_ASSIGN_OR_RETURN(bool row, up.Step());
        if (!row) break;
        auto t = ParseTile(up.Text(2), "");
        auto want = UpperLevels(t->base);
        std::string bytes(want.size() * 32, '\0');
        for (size_t i = 0; i < want.size(); ++i) std::memcpy(bytes.data() + 32 * i, want[i].data(), 32);
        if (t->width != kTileWidth || bytes != up.Text(3))
          l->integrity_error_ = fmt::format("瓦片 {} 保存的内部节点与其叶子不符", TilePath({static_cast<int>(up.Int(0)),
                                                                                       static_cast<uint64_t>(up.Int(1))}));
      }
    }
  }
  l->next_seq_ = l->appender_.size() + 1;
  l->tree_size_ = l->appender_.size();
  DbLogSource src(db);
  if (auto note = src.LatestCheckpoint(); note.ok()) {
    l->latest_note_ = *note;
    if (auto opened = OpenNote(*note, {l->verifier_}); opened.ok())
      if (auto cp = Checkpoint::Parse(opened->text); cp.ok()) l->checkpoint_size_ = cp->size;
  }
  if (!l->integrity_error_.empty()) spdlog::error("ledger verification failed: {}", l->integrity_error_);
  return l;
}

absl::Status Ledger::OnEvent(Db& db, const EventRecord& ev) {
  uint64_t expect = next_seq_ + batch_leaves_.size() + cmd_leaves_.size();
  if (static_cast<uint64_t>(ev.seq) != expect)
    return absl::DataLossError(fmt::format("事件序号 {} 与账本期望的 {} 不符", ev.seq, expect));
  cmd_leaves_.push_back(LeafHash(LeafDataOf(ev)));
  return absl::OkStatus();
}

void Ledger::OnCommandEnd(bool kept) {
  if (kept) batch_leaves_.insert(batch_leaves_.end(), cmd_leaves_.begin(), cmd_leaves_.end());
  cmd_leaves_.clear();
}

absl::Status Ledger::BeforeCommit(Db& db) {
  for (const auto& h : batch_leaves_) appender_.Append(h);
  return appender_.Flush(db);
}

void Ledger::OnCommit() {
  next_seq_ += batch_leaves_.size();
  batch_leaves_.clear();
  std::lock_guard lock(mu_);
  tree_size_ = appender_.size();
}

void Ledger::OnRollback(Db& db) {
  batch_leaves_.clear();
  cmd_leaves_.clear();
  cache_.Clear();
  auto s = appender_.Load(db, cache_);
  if (!s.ok()) spdlog::error("ledger reload after rollback failed: {}", s.message());
}

void Ledger::Publish(uint64_t size, const std::string& note) {
  std::lock_guard lock(mu_);
  if (size > checkpoint_size_) {
    checkpoint_size_ = size;
    latest_note_ = note;
  }
  kick_ = true;
  cv_.notify_all();
}

Command Ledger::CheckpointCommand() {
  return [this](Tx& tx) -> absl::StatusOr<json::value> {
    // Runs on the writer thread: appender_ holds exactly the committed tree.
    uint64_t size = appender_.size();
    uint64_t last;
    std::string last_note;
    {
      std::lock_guard lock(mu_);
      last = checkpoint_size_;
      last_note = latest_note_;
    }
    if (size == 0 || size <= last) return json::value(nullptr);
    Hash root = appender_.Root();
    if (last > 0) {
      // Before signing, the new tree is proven consistent with the last signed one.
      QF_ASSIGN_OR_RETURN(auto opened, OpenNote(last_note, {verifier_}));
      QF_ASSIGN_OR_RETURN(Checkpoint prev, Checkpoint::Parse(opened.text));
      DbNodeSource src(tx.db(), cache_);
      QF_ASSIGN_OR_RETURN(auto proof, ConsistencyProof(src, prev.size, size));
      auto ok = VerifyConsistency(prev.size, size, prev.root, root, proof);
      if (!ok.ok()) return absl::DataLossError("新的树与上一个签名检查点不一致，拒绝签名：" + Str(ok.message()));
    }
    Checkpoint cp{opts_.origin, size, root, {}};
    QF_ASSIGN_OR_RETURN(std::string note, SignNote(cp.Body(), signer_));
    QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare("INSERT INTO ledger_checkpoints(size, root, note, created_at) VALUES(?,?,?,?)"));
    ins.Bind(1, static_cast<int64_t>(size)).BindBlob(2, std::string(reinterpret_cast<char*>(root.data()), 32)).Bind(3, note)
        .Bind(4, FormatUtc(tx.now()));
    QF_RETURN_IF_ERROR(ins.Run());
    return json::object{{"size", size}, {"note", note}};
  };
}

std::string Ledger::CheckpointCommitted(const json::value& committed) {
  if (committed.is_object())
    Publish(committed.as_object().at("size").to_number<uint64_t>(), std::string(committed.as_object().at("note").as_string()));
  return LatestNote();
}

absl::StatusOr<std::string> Ledger::CheckpointNow(Writer& writer) {
  QF_ASSIGN_OR_RETURN(json::value r, writer.Run(Actor::System(), CheckpointCommand()));
  return CheckpointCommitted(r);
}

void Ledger::StartCheckpointer(Writer& writer) {
  thread_ = std::thread([this, &writer] {
    pthread_setname_np(pthread_self(), "qf-checkpoint");
    Loop(&writer);
  });
}

void Ledger::StopCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Anyone still waiting for a receipt is told why it will not come.
  std::multimap<uint64_t, std::function<void(absl::StatusOr<std::string>)>> left;
  {
    std::lock_guard lock(mu_);
    left.swap(waiters_);
  }
  for (auto& [_, done] : left) done(absl::UnavailableError("服务正在停止，收据稍后可凭回执码查询"));
}

void Ledger::Loop(Writer* writer) {
  std::unique_ptr<Db> reader;  // this thread's own reading connection, for receipts
  absl::Time last = absl::InfinitePast();
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_ || kick_; });
    kick_ = false;
    if (stop_) break;
    bool grew = tree_size_ > checkpoint_size_;
    absl::Time now = clock_.Now();
    if (now < last) last = now;  // the wall clock was set back: count the interval from now, not an hour ahead
    if (grew && now - last >= opts_.interval) {
      lock.unlock();
      auto r = CheckpointNow(*writer);
      if (!r.ok() && r.status().code() != absl::StatusCode::kUnavailable)
        spdlog::error("checkpoint failed: {}", r.status().message());
      last = now;
      lock.lock();
    }
    // Serve the receipts that the latest checkpoint covers.
    std::vector<std::pair<uint64_t, std::function<void(absl::StatusOr<std::string>)>>> ready;
    for (auto it = waiters_.begin(); it != waiters_.end() && it->first < checkpoint_size_;) {
      ready.emplace_back(it->first, std::move(it->second));
      it = waiters_.erase(it);
    }
    if (ready.empty()) continue;
    lock.unlock();
    if (!reader) {
      auto opened = Db::Open(db_path_, DbMode::kReader);
      if (opened.ok()) reader = std::move(*opened);
    }
    for (auto& [index, done] : ready) {
      if (!reader) done(absl::UnavailableError("无法读取账本"));
      else done(ReceiptFor(*reader, index));
    }
    lock.lock();
  }
}

std::string Ledger::LatestNote() const {
  std::lock_guard lock(mu_);
  return latest_note_;
}

uint64_t Ledger::CheckpointSize() const {
  std::lock_guard lock(mu_);
  return checkpoint_size_;
}

absl::StatusOr<std::vector<Hash>> Ledger::Inclusion(Db& db, uint64_t index, uint64_t size) {
  if (size > CheckpointSize() || size == 0 || index >= size)
    return Invalid("ledger.proof_range", fmt::format("证明范围无效：需要 index < size ≤ {}（最新检查点大小）", CheckpointSize()),
                   {{"size", "超出范围"}});
  DbNodeSource src(db, cache_);
  return InclusionProof(src, index, size);
}

absl::StatusOr<std::vector<Hash>> Ledger::Consistency(Db& db, uint64_t from, uint64_t to) {
  if (from == 0 || from > to || to > CheckpointSize())
    return Invalid("ledger.proof_range", fmt::format("证明范围无效：需要 0 < from ≤ to ≤ {}", CheckpointSize()),
                   {{"to", "超出范围"}});
  DbNodeSource src(db, cache_);
  return ConsistencyProof(src, from, to);
}

absl::StatusOr<std::string> Ledger::TileBytes(Db& db, const TileId& t) {
  DbNodeSource src(db, cache_);
  QF_ASSIGN_OR_RETURN(std::string raw, src.RawTile(t.level, t.index));
  if (raw.size() < static_cast<size_t>(t.width) * 32) return absl::NotFoundError("瓦片尚未达到该宽度");
  return raw.substr(0, static_cast<size_t>(t.width) * 32);
}

absl::StatusOr<std::string> Ledger::EntryBundle(Db& db, const TileId& t) {
  DbLogSource src(db);
  QF_ASSIGN_OR_RETURN(auto entries, src.Entries(t.index, t.width));
  std::string out;
  for (auto& e : entries) {
    out.push_back(static_cast<char>(e.size() >> 8));
    out.push_back(static_cast<char>(e.size() & 0xff));
    out += e;
  }
  return out;
}

absl::StatusOr<std::string> Ledger::ReceiptFor(Db& db, uint64_t index) {
  std::string note = LatestNote();
  if (note.empty()) return absl::FailedPreconditionError("尚无签名检查点");
  QF_ASSIGN_OR_RETURN(auto opened, OpenNote(note, {verifier_}));
  QF_ASSIGN_OR_RETURN(Checkpoint cp, Checkpoint::Parse(opened.text));
  if (index >= cp.size) return absl::FailedPreconditionError("该记录尚未被签名检查点覆盖，请稍后再取");
  DbNodeSource src(db, cache_);
  QF_ASSIGN_OR_RETURN(auto proof, InclusionProof(src, index, cp.size));
  QF_ASSIGN_OR_RETURN(std::string leaf, EventLeafData(db, index));
  return FormatReceipt(index, leaf, proof, note);
}

void Ledger::WhenCovered(uint64_t index, std::function<void(absl::StatusOr<std::string>)> done) {
  std::lock_guard lock(mu_);
  if (stop_) {
    done(absl::UnavailableError("服务正在停止"));
    return;
  }
  waiters_.emplace(index, std::move(done));
  kick_ = true;
  cv_.notify_all();
}

absl::StatusOr<Command> Ledger::CosignatureCommand(uint64_t size, const std::string& line) {
  std::string l(Trim(line));
  if (!l.starts_with("\xE2\x80\x94 ")) return Invalid("ledger.cosignature", "联署签名行应以 — 开头", {{"line", "格式错误"}});
  auto parts = Split(Trim(std::string_view(l).substr(4)), ' ');
  if (parts.size() != 2) return Invalid("ledger.cosignature", "联署签名行格式错误", {{"line", "应为 — 名称 签名"}});
  std::string raw(parts[1].size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), parts[1].data(), parts[1].size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 || len != 4 + 8 + 64)
    return Invalid("ledger.cosignature", "联署签名不是 cosignature/v1 格式", {{"line", "长度错误"}});
  const NoteVerifier* w = nullptr;
  uint32_t id = (uint32_t{uint8_t(raw[0])} << 24) | (uint32_t{uint8_t(raw[1])} << 16) | (uint32_t{uint8_t(raw[2])} << 8) | uint8_t(raw[3]);
  for (const auto& k : witnesses_)
    if (k.name == parts[0] && k.id == id) w = &k;
  if (!w) return Forbidden("ledger.unknown_witness", "该见证者未被配置为可信见证者");
  uint64_t ts = 0;
  for (int i = 4; i < 12; ++i) ts = (ts << 8) | uint8_t(raw[i]);
  return Command([this, size, l, raw, ts, w](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT note FROM ledger_checkpoints WHERE size=?"));
    st.Bind(1, static_cast<int64_t>(size));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("ledger.no_checkpoint", "没有这个大小的检查点");
    QF_ASSIGN_OR_RETURN(auto opened, OpenNote(st.Text(0), {verifier_}));
    std::string msg = "cosignature/v1\ntime " + std::to_string(ts) + "\n" + opened.text;
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(raw.data() + 12),
                                    reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), w->pub.data()) != 0)
      return MakeError(absl::StatusCode::kUnauthenticated, "ledger.bad_cosignature", "联署签名验证失败");
    QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare(
        "INSERT INTO ledger_cosignatures(size, witness, line) VALUES(?,?,?) ON CONFLICT(size, witness) DO UPDATE SET line=excluded.line"));
    ins.Bind(1, static_cast<int64_t>(size)).Bind(2, w->name).Bind(3, l + "\n");
    QF_RETURN_IF_ERROR(ins.Run());
    return json::value(true);
  });
}

void Ledger::CosignatureCommitted(uint64_t size, const std::string& line) {
  std::string l(Trim(line));
  std::lock_guard lock(mu_);
  if (size == checkpoint_size_) latest_note_ += l + "\n";
}

absl::Status Ledger::AddCosignature(Writer& writer, uint64_t size, const std::string& line) {
  QF_ASSIGN_OR_RETURN(Command cmd, CosignatureCommand(size, line));
  QF_RETURN_IF_ERROR(writer.Run(Actor::System(), std::move(cmd)).status());
  CosignatureCommitted(size, line);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Ledger::Erase(Tx& tx, int64_t seq, const std::string& reason) {
  if (Trim(reason).empty()) return Invalid("ledger.erase_reason", "请说明删除依据", {{"reason", "必填"}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT erased_at, kind, subject FROM events WHERE seq=?"));
  st.Bind(1, seq);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("ledger.no_event", fmt::format("事件 {} 不存在", seq));
  if (!st.IsNull(0)) return Conflict("ledger.already_erased", fmt::format("事件 {} 的内容已于 {} 删除", seq, st.Text(0)));
  std::string kind = st.Text(1), subject = st.Text(2);
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE events SET payload='{\"erased\":true}', salt=?3, erased_at=?1 WHERE seq=?2"));
  up.Bind(1, FormatUtc(tx.now())).Bind(2, seq).BindBlob(3, std::string_view());
  QF_RETURN_IF_ERROR(up.Run());
  return tx.Append("ledger.erased", subject, {{"seq", seq}, {"kind", kind}, {"reason", reason}});
}

}  // namespace qf::ledger
