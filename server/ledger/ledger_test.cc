// The ledger inside the writer, and one named test per way of tampering, each caught by the verifier with
// its own message.
#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <random>

#include <sodium.h>

#include "fmt/format.h"

#include "runtime/runtime.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "ledger/verify.h"

namespace qf::ledger {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SodiumInit());
    dir_ = fs::temp_directory_path() / ("qf_ledger_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    rt_ = Open(Path("log.db"));
  }
  void TearDown() override {
    rt_.reset();
    fs::remove_all(dir_);
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  std::unique_ptr<Runtime> Open(const std::string& db, const std::string& key = "") {
    RuntimeOptions o{db, std::string(QF_SOURCE_DIR) + "/data", {}};
    o.ledger_options.key_path = key.empty() ? Path("ledger.key") : key;
    auto rt = Runtime::Open(o, clock_);
    EXPECT_TRUE(rt.ok()) << rt.status();
    return rt.ok() ? std::move(*rt) : nullptr;
  }
  // Appends n events through the writer, each its own command.
  void Append(Runtime& rt, int n, const std::string& tag = "x") {
    for (int i = 0; i < n; ++i) {
      auto r = rt.writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<json::value> {
        QF_RETURN_IF_ERROR(tx.Append("test.event", "test:" + tag, {{"i", i}, {"tag", tag}}).status());
        return json::value();
      });
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }
  std::string Checkpoint(Runtime& rt) {
    auto n = rt.ledger()->CheckpointNow(rt.writer());
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : "";
  }
  // A consistent copy of the live database (what an administrator could take or restore).
  std::string Copy(const std::string& name) {
    auto db = *Db::Open(Path("log.db"), DbMode::kWriter);
    fs::remove(Path(name));
    EXPECT_TRUE(db->Exec("VACUUM INTO '" + Path(name) + "'").ok());
    return Path(name);
  }
  void Sql(const std::string& db, const std::string& sql) {
    auto d = *Db::Open(db, DbMode::kWriter);
    auto s = d->Exec(sql);
    ASSERT_TRUE(s.ok()) << s;
  }
  absl::StatusOr<VerifyReport> Verify(const std::string& db, VerifyOptions opts = {}) {
    if (opts.key.name.empty()) opts.key = rt_->ledger()->verifier();
    opts.check_held_entries = true;
    auto d = *Db::Open(db, DbMode::kReader);
    DbLogSource src(*d);
    return VerifyLog(src, opts);
  }
  void ExpectCaught(const absl::StatusOr<VerifyReport>& r, const std::string& fragment) {
    ASSERT_FALSE(r.ok()) << "tampering not detected; expected: " << fragment;
    EXPECT_NE(std::string(r.status().message()).find(fragment), std::string::npos) << r.status();
  }

  fs::path dir_;
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), Cst())};
  std::unique_ptr<Runtime> rt_;
};

// The wall clock set back an hour: checkpoints (and the receipts waiting for them) go on after one interval, not
// an hour later.
TEST_F(LedgerTest, CheckpointsGoOnWhenTheClockIsSetBack) {
  rt_->ledger()->StartCheckpointer(rt_->writer());
  auto covered = [&](uint64_t size) {
    for (int i = 0; i < 100 && rt_->ledger()->CheckpointSize() < size; ++i) {
      clock_.Advance(absl::Milliseconds(100));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return rt_->ledger()->CheckpointSize() >= size;
  };
  Append(*rt_, 2);
  ASSERT_TRUE(covered(2));
  clock_.Advance(-absl::Hours(1));
  Append(*rt_, 1);
  EXPECT_TRUE(covered(3)) << "no checkpoint within 10 s of the clock's time after it was set back";
  rt_->ledger()->StopCheckpointer();
}

TEST_F(LedgerTest, EveryEventIsALeafAndTheCopyVerifies) {
  Append(*rt_, 600);  // more than two full tiles
  std::string note = Checkpoint(*rt_);
  auto opened = OpenNote(note, {rt_->ledger()->verifier()});
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Checkpoint::Parse(opened->text)->size, 600u);
  auto r = Verify(Copy("copy.db"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size, 600u);
}

TEST_F(LedgerTest, RolledBackCommandLeavesNoLeaf) {
  Append(*rt_, 3);
  auto bad = rt_->writer().Run(Actor::System(), [](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(tx.Append("test.event", "test:fail", {{"i", 1}}).status());
    return absl::InvalidArgumentError("refused after appending");
  });
  EXPECT_FALSE(bad.ok());
  Append(*rt_, 2);
  Checkpoint(*rt_);
  auto r = Verify(Copy("copy.db"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size, 5u);
}

TEST_F(LedgerTest, FlippedByteInAnEvent) {
  Append(*rt_, 300);
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  Sql(db, "UPDATE events SET payload = replace(payload, '\"i\":7', '\"i\":8') WHERE seq=8");
  ExpectCaught(Verify(db), "事件 seq 8（test.event test:x）的内容与其承诺不符");
  // The same edit to the header (not the payload) breaks the leaf hash instead.
  std::string db2 = Copy("t2.db");
  Sql(db2, "UPDATE events SET kind='test.other' WHERE seq=9");
  ExpectCaught(Verify(db2), "第 8 条记录（事件 seq 9 test.other test:x）的哈希与瓦片 tile/0/000 不符");
}

TEST_F(LedgerTest, DeletedEvent) {
  Append(*rt_, 50);
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  Sql(db, "DELETE FROM events WHERE seq=20");
  ExpectCaught(Verify(db), "事件 seq 20 缺失");
}

TEST_F(LedgerTest, ReorderedEvents) {
  Append(*rt_, 10, "a");
  Append(*rt_, 10, "b");
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  // Swap two events wholesale (every column but the sequence number).
  Sql(db, "CREATE TEMP TABLE s AS SELECT * FROM events WHERE seq IN (3, 15);"
          "UPDATE events SET (time, actor, kind, subject, payload, salt, commitment) = "
          "(SELECT time, actor, kind, subject, payload, salt, commitment FROM s WHERE s.seq = 18 - events.seq) WHERE seq IN (3, 15);");
  ExpectCaught(Verify(db), "调换顺序");
}

TEST_F(LedgerTest, TruncatedTiles) {
  Append(*rt_, 300);
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  Sql(db, "UPDATE ledger_tiles SET hashes = substr(hashes, 1, 64) WHERE level=0 AND idx=0");
  ExpectCaught(Verify(db), "瓦片 tile/0/000 只有 64 字节，应至少有 8192 字节（瓦片被截断）");
  std::string tail = Copy("tail.db");
  Sql(tail, "UPDATE ledger_tiles SET hashes = substr(hashes, 1, 64) WHERE level=0 AND idx=1");
  ExpectCaught(Verify(tail), "瓦片只覆盖 258 条记录，少于已签名检查点的 300 条");
  std::string db2 = Copy("t2.db");
  Sql(db2, "DELETE FROM ledger_tiles WHERE level=0");
  ExpectCaught(Verify(db2), "瓦片只覆盖 0 条记录");
}

TEST_F(LedgerTest, AlteredInnerNodesStopWrites) {
  Append(*rt_, 300);
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  Sql(db, "UPDATE ledger_tiles SET upper = zeroblob(992) WHERE level=0 AND idx=0");
  auto rt = Open(db);
  EXPECT_NE(rt->ledger()->integrity_error().find("瓦片 tile/0/000 保存的内部节点与其叶子不符"), std::string::npos)
      << rt->ledger()->integrity_error();
}

TEST_F(LedgerTest, DatabaseRolledBackToAnOlderCopy) {
  Append(*rt_, 30);
  Checkpoint(*rt_);
  std::string old_copy = Copy("old.db");
  Append(*rt_, 30);
  Checkpoint(*rt_);
  VerifyOptions o;
  o.state_path = Path("state.json");
  ASSERT_TRUE(Verify(Copy("now.db"), o).ok());  // an outsider saw size 60
  ExpectCaught(Verify(old_copy, o), "回滚：此前已见过大小为 60 的检查点，现在最新检查点只有 30");
}

TEST_F(LedgerTest, CheckpointSignedByAnotherKey) {
  Append(*rt_, 5);
  Checkpoint(*rt_);
  VerifyOptions o;
  o.key = NoteSigner::Generate("qingfeng.local/ledger").Verifier();
  ExpectCaught(Verify(Copy("t.db"), o), "签名不能用公钥");
  // A checkpoint re-signed by another key inside the database is refused too.
  std::string db = Copy("t2.db");
  auto other = NoteSigner::Generate("qingfeng.local/ledger");
  auto opened = OpenNote(rt_->ledger()->LatestNote(), {rt_->ledger()->verifier()});
  std::string forged = *SignNote(opened->text, other);
  Sql(db, "UPDATE ledger_checkpoints SET note='" + forged + "'");
  ExpectCaught(Verify(db), "签名不能用公钥");
}

TEST_F(LedgerTest, Fork) {
  Append(*rt_, 20, "a");
  Checkpoint(*rt_);
  VerifyOptions o;
  o.state_path = Path("state.json");
  ASSERT_TRUE(Verify(Copy("a.db"), o).ok());
  // The key holder builds a different history of the same size and signs it.
  auto other = Open(Path("b.db"));
  Append(*other, 20, "b");
  Checkpoint(*other);
  auto b = *Db::Open(Path("b.db"), DbMode::kWriter);
  ASSERT_TRUE(b->Exec("VACUUM INTO '" + Path("b2.db") + "'").ok());
  ExpectCaught(Verify(Path("b2.db"), o), "分叉：同为大小 20 的两个检查点根哈希不同");
}

TEST_F(LedgerTest, ReceiptForALeafThatWasRemoved) {
  Append(*rt_, 12);
  Checkpoint(*rt_);
  auto db = *Db::Open(Path("log.db"), DbMode::kReader);
  auto receipt = rt_->ledger()->ReceiptFor(*db, 7);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  VerifyOptions o;
  o.receipts = {*receipt};
  ASSERT_TRUE(Verify(Copy("ok.db"), o).ok());
  // The operator removes leaf 7's event and rebuilds the log without it, re-signing with the real key.
  auto rebuilt = Open(Path("rebuilt.db"));
  Append(*rebuilt, 11);
  Append(*rebuilt, 1, "replacement");
  Checkpoint(*rebuilt);
  auto b = *Db::Open(Path("rebuilt.db"), DbMode::kWriter);
  ASSERT_TRUE(b->Exec("VACUUM INTO '" + Path("rebuilt2.db") + "'").ok());
  ExpectCaught(Verify(Path("rebuilt2.db"), o), "收据 1：收据签发时的树（大小 12）与现有记录不一致");
}

TEST_F(LedgerTest, TheServerRefusesWritesWhenTheStoreDisagrees) {
  Append(*rt_, 10);
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  Sql(db, "UPDATE events SET actor='account:1' WHERE seq=4");
  auto rt = Open(db);
  ASSERT_NE(rt, nullptr);
  EXPECT_NE(rt->ledger()->integrity_error().find("哈希与瓦片"), std::string::npos) << rt->ledger()->integrity_error();
  auto w = rt->writer().Run(Actor::System(), [](Tx&) -> absl::StatusOr<json::value> { return json::value(); });
  EXPECT_EQ(w.status().code(), absl::StatusCode::kUnavailable);
  // Events written around the ledger (straight into the table) are refused too.
  std::string db2 = Copy("t2.db");
  Sql(db2, "INSERT INTO events(time, actor, kind, subject, payload, salt, commitment) VALUES('t','a','k','s','{}',x'',zeroblob(32))");
  auto rt2 = Open(db2);
  EXPECT_NE(rt2->ledger()->integrity_error().find("事件表有 11 条事件"), std::string::npos) << rt2->ledger()->integrity_error();
}

TEST_F(LedgerTest, ErasureKeepsTheLogValid) {
  Append(*rt_, 6);
  auto r = rt_->writer().Run(Actor::System(), [](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int64_t ev, Ledger::Erase(tx, 3, "个人信息保护法第四十七条：处理目的已实现"));
    return json::value(ev);
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->as_int64(), 7);
  auto again = rt_->writer().Run(Actor::System(), [](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int64_t ev, Ledger::Erase(tx, 3, "again"));
    return json::value(ev);
  });
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  Checkpoint(*rt_);
  std::string db = Copy("t.db");
  ASSERT_TRUE(Verify(db).ok());
  auto d = *Db::Open(db, DbMode::kReader);
  auto st = *d->Prepare("SELECT payload, length(salt) FROM events WHERE seq=3");
  ASSERT_TRUE(*st.Step());
  EXPECT_EQ(st.Text(0), "{\"erased\":true}");
  EXPECT_EQ(st.Int(1), 0);
}

TEST_F(LedgerTest, WitnessCosignatureIsCheckedAndPublished) {
  // A witness key of type 0x04 (C2SP tlog-cosignature/v1).
  std::array<uint8_t, 32> seed{};
  seed[0] = 42;
  std::array<uint8_t, 32> pub;
  std::array<uint8_t, 64> sk;
  crypto_sign_seed_keypair(pub.data(), sk.data(), seed.data());
  std::string name = "witness.example/w1";
  std::string idsrc = name + "\n" + std::string(1, '\x04') + std::string(reinterpret_cast<char*>(pub.data()), 32);
  auto h = Sha256(idsrc);
  uint32_t id = (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | h[3];
  uint8_t kb[33] = {0x04};
  std::memcpy(kb + 1, pub.data(), 32);
  char b64[64];
  sodium_bin2base64(b64, sizeof b64, kb, 33, sodium_base64_VARIANT_ORIGINAL);
  std::string vkey = fmt::format("{}+{:08x}+{}", name, id, b64);
  rt_.reset();
  RuntimeOptions o{Path("log.db"), std::string(QF_SOURCE_DIR) + "/data", {}};
  o.ledger_options.key_path = Path("ledger.key");
  o.ledger_options.witness_keys = {vkey};
  rt_ = std::move(*Runtime::Open(o, clock_));
  Append(*rt_, 3);
  std::string note = Checkpoint(*rt_);
  auto body = OpenNote(note, {rt_->ledger()->verifier()})->text;
  auto cosign = [&](const std::string& text, uint64_t ts) {
    std::string msg = "cosignature/v1\ntime " + std::to_string(ts) + "\n" + text;
    uint8_t sig[4 + 8 + 64];
    for (int i = 0; i < 4; ++i) sig[i] = static_cast<uint8_t>(id >> (24 - 8 * i));
    for (int i = 0; i < 8; ++i) sig[4 + i] = static_cast<uint8_t>(ts >> (56 - 8 * i));
    crypto_sign_detached(sig + 12, nullptr, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), sk.data());
    char out[160];
    sodium_bin2base64(out, sizeof out, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    return "\xE2\x80\x94 " + name + " " + out;
  };
  // A cosignature over something else is refused; over the checkpoint it is accepted and published.
  EXPECT_EQ(rt_->ledger()->AddCosignature(rt_->writer(), 3, cosign("other\n", 1700000000)).code(),
            absl::StatusCode::kUnauthenticated);
  ASSERT_TRUE(rt_->ledger()->AddCosignature(rt_->writer(), 3, cosign(body, 1700000000)).ok());
  EXPECT_NE(rt_->ledger()->LatestNote().find("— witness.example/w1 "), std::string::npos);
  // An unconfigured witness is refused.
  std::string stranger = cosign(body, 1);
  stranger.replace(stranger.find("w1"), 2, "w2");
  EXPECT_EQ(rt_->ledger()->AddCosignature(rt_->writer(), 3, stranger).code(), absl::StatusCode::kPermissionDenied);
  // The published note, with the cosignature, still verifies with the bureau's key.
  ASSERT_TRUE(Verify(Copy("t.db")).ok());
}

// Property: random appends and checkpoints; every served proof verifies, every altered one fails.
TEST_F(LedgerTest, RandomAppendsAndCheckpoints) {
  std::mt19937 rng(11);
  std::vector<ledger::Checkpoint> seen;
  for (int round = 0; round < 12; ++round) {
    Append(*rt_, 1 + rng() % 90);
    auto opened = OpenNote(Checkpoint(*rt_), {rt_->ledger()->verifier()});
    ASSERT_TRUE(opened.ok());
    seen.push_back(*Checkpoint::Parse(opened->text));
  }
  auto db = *Db::Open(Path("log.db"), DbMode::kReader);
  for (size_t i = 0; i < seen.size(); ++i) {
    const auto& cp = seen[i];
    for (int k = 0; k < 5; ++k) {
      uint64_t index = rng() % cp.size;
      auto proof = *rt_->ledger()->Inclusion(*db, index, cp.size);
      DbLogSource src(*db);
      auto leaves = *src.Entries(index / 256, static_cast<int>(std::min<uint64_t>(256, cp.size - index / 256 * 256)));
      Hash leaf = LeafHash(leaves[index % 256]);
      EXPECT_TRUE(VerifyInclusion(index, cp.size, leaf, proof, cp.root).ok());
      if (!proof.empty()) {
        proof[rng() % proof.size()][rng() % 32] ^= 4;
        EXPECT_FALSE(VerifyInclusion(index, cp.size, leaf, proof, cp.root).ok());
      }
    }
    if (i > 0) {
      auto cproof = *rt_->ledger()->Consistency(*db, seen[i - 1].size, cp.size);
      EXPECT_TRUE(VerifyConsistency(seen[i - 1].size, cp.size, seen[i - 1].root, cp.root, cproof).ok());
      Hash wrong = seen[i - 1].root;
      wrong[5] ^= 1;
      EXPECT_FALSE(VerifyConsistency(seen[i - 1].size, cp.size, wrong, cp.root, cproof).ok());
    }
  }
  EXPECT_EQ(rt_->ledger()->Inclusion(*db, 0, seen.back().size + 1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qf::ledger
