#include "ledger/note.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "common/crypto_util.h"
#include "ledger/test_vectors.h"
#include "ledger/tiles.h"

namespace qf::ledger {
namespace {

namespace json = boost::json;

json::object LoadVectors(const std::string& name) {
  std::ifstream in(VectorDir() + "/" + name);
  EXPECT_TRUE(in.good()) << "vectors missing: " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str()).as_object();
}

TEST(SignedNoteVectors, VerifyAndReSignBitExactly) {
  ASSERT_TRUE(SodiumInit());
  auto v = LoadVectors("signed_note_vectors.json");
  int resigned = 0;
  for (auto& vec : v.at("vectors").as_array()) {
    auto& o = vec.as_object();
    std::string id(o.at("id").as_string());
    auto key = NoteVerifier::Parse(std::string(o.at("vkey").as_string()));
    ASSERT_TRUE(key.ok()) << id << ": " << key.status();
    EXPECT_EQ(key->Encode(), o.at("vkey").as_string()) << id;
    std::string note(o.at("signedNote").as_string());
    auto opened = OpenNote(note, {*key});
    ASSERT_TRUE(opened.ok()) << id << ": " << opened.status();
    // A flipped byte in the text fails.
    std::string bad = note;
    bad[0] ^= 1;
    EXPECT_FALSE(OpenNote(bad, {*key}).ok()) << id;
    if (auto* sk = o.if_contains("skey")) {
      auto signer = NoteSigner::Parse(std::string(sk->as_string()));
      ASSERT_TRUE(signer.ok()) << id << ": " << signer.status();
      EXPECT_EQ(signer->Encode(), sk->as_string());
      EXPECT_EQ(signer->Verifier().Encode(), o.at("vkey").as_string());
      // Ed25519 is deterministic: the same key signs the same text to the same note.
      EXPECT_EQ(*SignNote(opened->text, *signer), note) << id;
      ++resigned;
    }
  }
  EXPECT_EQ(resigned, 2);
}

TEST(SignedNote, OtherKeyIsRefused) {
  auto a = NoteSigner::Generate("qingfeng.local/ledger");
  auto b = NoteSigner::Generate("qingfeng.local/ledger");
  auto note = *SignNote("hello\n", a);
  EXPECT_TRUE(OpenNote(note, {a.Verifier()}).ok());
  auto r = OpenNote(note, {b.Verifier()});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(SignNote("no newline", a).ok());
}

TEST(CheckpointFormat, RoundTripAndGoVector) {
  auto v = LoadVectors("signed_note_vectors.json");
  std::string text(v.at("goSumdbTreeNoteText").as_object().at("text").as_string());
  auto cp = Checkpoint::Parse(text);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->size, 123456789012u);
  EXPECT_EQ(cp->root, LeafHash("hello world"));
  EXPECT_EQ(cp->Body(), text);
  EXPECT_FALSE(Checkpoint::Parse("origin\n01\nAAAA\n").ok());
  EXPECT_FALSE(Checkpoint::Parse("origin\n1\n").ok());
}

TEST(TilePaths, Vectors) {
  auto v = LoadVectors("tile_path_vectors.json");
  for (auto& e : v.at("goSumdbTilePaths").as_array()) {
    auto& o = e.as_object();
    auto parsed = ParseGoTilePath(std::string(o.at("path").as_string()));
    if (!o.at("valid").as_bool()) {
      EXPECT_FALSE(parsed.has_value()) << o.at("path").as_string();
      continue;
    }
    ASSERT_TRUE(parsed.has_value()) << o.at("path").as_string();
    EXPECT_EQ(parsed->first, o.at("H").to_number<int>());
    EXPECT_EQ(parsed->second.level, o.at("L").to_number<int>());
    EXPECT_EQ(parsed->second.index, o.at("N").to_number<uint64_t>());
    EXPECT_EQ(parsed->second.width, o.at("W").to_number<int>());
  }
  auto& c2sp = v.at("c2spTlogTiles").as_object();
  for (auto& e : c2sp.at("pathExamples").as_array()) {
    auto& o = e.as_object();
    TileId t{o.contains("entries") ? -1 : o.at("L").to_number<int>(), o.at("N").to_number<uint64_t>(),
             o.at("W").to_number<int>()};
    EXPECT_EQ(TilePath(t), o.at("path").as_string());
    auto p = ParseTilePath(std::string(o.at("path").as_string()));
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(*p, t);
  }
  // The spec's worked example: a tree of 70,000 leaves.
  auto& ex = c2sp.at("treeSize70000").as_object();
  for (int level = 0; level < 3; ++level) {
    auto& l = ex.at("level" + std::to_string(level)).as_object();
    uint64_t full = l.at("fullTiles").to_number<uint64_t>();
    int w = l.at("partialWidth").to_number<int>();
    if (full > 0) EXPECT_EQ(TileWidthAt(level, full - 1, 70000), 256);
    EXPECT_EQ(TileWidthAt(level, full, 70000), w);
    EXPECT_EQ(TilePath({level, full, w}), l.at("partialPath").as_string());
  }
  EXPECT_FALSE(ParseTilePath("tile/0/1234").has_value());
  EXPECT_FALSE(ParseTilePath("tile/0/x001/234.p/256").has_value());
  EXPECT_FALSE(ParseTilePath("tiles/0/000").has_value());
}

}  // namespace
}  // namespace qf::ledger
