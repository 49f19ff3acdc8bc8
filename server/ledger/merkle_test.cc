// The ledger's Merkle code against the transparency-log vectors in tests/vectors/tlog.
#include "ledger/merkle.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/crypto_util.h"
#include "ledger/test_vectors.h"

namespace qf::ledger {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;


json::value Load(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::string B64(const json::value& v) {
  if (v.is_null()) return "";
  std::string_view s(v.as_string());
  std::string out(s.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(), s.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    ADD_FAILURE() << "bad base64 " << s;
  out.resize(len);
  return out;
}

std::string Unhex(std::string_view s) {
  std::string out(s.size() / 2, '\0');
  size_t len = 0;
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(), s.size(), nullptr, &len, nullptr);
  out.resize(len);
  return out;
}

Hash H(std::string_view hex) {
  Hash h;
  EXPECT_TRUE(FromHex(hex, &h)) << hex;
  return h;
}

std::vector<std::string> Proof(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  for (auto& p : v.as_array()) out.push_back(B64(p));
  return out;
}

TEST(MerkleVectors, TransparencyDevInclusionProbes) {
  fs::path dir = VectorDir() + "/transparency-dev-merkle/testdata/inclusion";
  ASSERT_TRUE(fs::exists(dir)) << "vectors missing at " << dir;
  int n = 0;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    auto v = Load(e.path()).as_object();
    auto st = VerifyInclusion(v.at("leafIdx").to_number<uint64_t>(), v.at("treeSize").to_number<uint64_t>(),
                              B64(v.at("leafHash")), Proof(v.at("proof")), B64(v.at("root")));
    EXPECT_EQ(!st.ok(), v.at("wantErr").as_bool()) << e.path() << ": " << st;
    ++n;
  }
  EXPECT_GT(n, 50);
}

TEST(MerkleVectors, TransparencyDevConsistencyProbes) {
  fs::path dir = VectorDir() + "/transparency-dev-merkle/testdata/consistency";
  ASSERT_TRUE(fs::exists(dir));
  int n = 0;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    auto v = Load(e.path()).as_object();
    auto st = VerifyConsistency(v.at("size1").to_number<uint64_t>(), v.at("size2").to_number<uint64_t>(),
                                B64(v.at("root1")), B64(v.at("root2")), Proof(v.at("proof")));
    EXPECT_EQ(!st.ok(), v.at("wantErr").as_bool()) << e.path() << ": " << st;
    ++n;
  }
  EXPECT_GT(n, 50);
}

TEST(MerkleVectors, ReferenceTree) {
  auto v = Load(VectorDir() + "/rfc6962_reference_tree.json").as_object();
  std::vector<Hash> leaves;
  for (auto& in : v.at("leafInputsHex").as_array()) leaves.push_back(LeafHash(Unhex(in.as_string())));
  MemorySource src(leaves);
  auto& roots = v.at("rootHashesBySize").as_array();
  for (size_t size = 0; size < roots.size(); ++size) {
    MemorySource prefix(std::vector<Hash>(leaves.begin(), leaves.begin() + size));
    EXPECT_EQ(ToHex(*RootAt(prefix, size)), roots[size].as_string()) << size;
  }
  auto& levels = v.at("nodeHashes").as_array();
  for (size_t level = 0; level < levels.size(); ++level)
    for (size_t i = 0; i < levels[level].as_array().size(); ++i)
      EXPECT_EQ(ToHex(*src.Node(static_cast<int>(level), i)), levels[level].as_array()[i].as_string());
  for (auto& p : v.at("inclusionProofs").as_array()) {
    uint64_t idx = p.at("leafIndex").to_number<uint64_t>(), size = p.at("treeSize").to_number<uint64_t>();
    MemorySource prefix(std::vector<Hash>(leaves.begin(), leaves.begin() + size));
    auto proof = *InclusionProof(prefix, idx, size);
    ASSERT_EQ(proof.size(), p.at("proof").as_array().size());
    for (size_t i = 0; i < proof.size(); ++i) EXPECT_EQ(ToHex(proof[i]), p.at("proof").as_array()[i].as_string());
    EXPECT_TRUE(VerifyInclusion(idx, size, leaves[idx], proof, *RootAt(prefix, size)).ok());
  }
  for (auto& p : v.at("consistencyProofs").as_array()) {
    uint64_t m = p.at("size1").to_number<uint64_t>(), n = p.at("size2").to_number<uint64_t>();
    MemorySource prefix(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
    auto proof = *ConsistencyProof(prefix, m, n);
    ASSERT_EQ(proof.size(), p.at("proof").as_array().size());
    for (size_t i = 0; i < proof.size(); ++i) EXPECT_EQ(ToHex(proof[i]), p.at("proof").as_array()[i].as_string());
  }
}

TEST(MerkleVectors, Tree130RootsAndEveryGeneratedProof) {
  auto v = Load(VectorDir() + "/prefix_tree_130_generated.json").as_object();
  std::vector<Hash> leaves;
  for (int i = 0; i < 130; ++i) leaves.push_back(LeafHash(std::string(1, static_cast<char>(i))));
  auto& roots = v.at("rootHashesBySize").as_array();
  std::vector<Hash> root_at(131);
  for (size_t n = 0; n <= 130; ++n) {
    MemorySource prefix(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
    root_at[n] = *RootAt(prefix, n);
    EXPECT_EQ(ToHex(root_at[n]), roots[n].as_string()) << n;
  }
  // The accumulated digests cover all 8515 inclusion and 8515 consistency proofs for n <= 130.
  std::string inc, con;
  for (uint64_t n = 1; n <= 130; ++n) {
    MemorySource prefix(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = *InclusionProof(prefix, i, n);
      inc += std::to_string(i) + " " + std::to_string(n);
      for (auto& h : proof) inc += " " + ToHex(h);
      inc += "\n";
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], proof, root_at[n]).ok()) << i << "/" << n;
    }
    for (uint64_t m = 1; m <= n; ++m) {
      auto proof = *ConsistencyProof(prefix, m, n);
      con += std::to_string(m) + " " + std::to_string(n);
      for (auto& h : proof) con += " " + ToHex(h);
      con += "\n";
      ASSERT_TRUE(VerifyConsistency(m, n, root_at[m], root_at[n], proof).ok()) << m << "/" << n;
    }
  }
  auto& acc = v.at("accumulatedDigests").as_object();
  EXPECT_EQ(Sha256Hex(inc), acc.at("inclusion").as_string());
  EXPECT_EQ(Sha256Hex(con), acc.at("consistency").as_string());
}

// Property: random trees; every proof verifies and every altered proof fails.
TEST(MerkleProperty, AlteredProofsFail) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; ++round) {
    uint64_t n = 1 + rng() % 300;
    std::vector<Hash> leaves;
    for (uint64_t i = 0; i < n; ++i) leaves.push_back(LeafHash(std::to_string(rng())));
    MemorySource src(leaves);
    Hash root = *RootAt(src, n);
    uint64_t i = rng() % n;
    auto proof = *InclusionProof(src, i, n);
    ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], proof, root).ok());
    if (!proof.empty()) {
      auto bad = proof;
      bad[rng() % bad.size()][rng() % 32] ^= 1 << (rng() % 8);
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root).ok());
      auto shorter = proof;
      shorter.pop_back();
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], shorter, root).ok());
    }
    if (n > 1) EXPECT_FALSE(VerifyInclusion((i + 1) % n, n, leaves[i], proof, root).ok() && leaves[i] != leaves[(i + 1) % n]);
    uint64_t m = 1 + rng() % n;
    MemorySource prefix(std::vector<Hash>(leaves.begin(), leaves.begin() + m));
    Hash old_root = *RootAt(prefix, m);
    auto cp = *ConsistencyProof(src, m, n);
    ASSERT_TRUE(VerifyConsistency(m, n, old_root, root, cp).ok()) << m << "/" << n;
    if (!cp.empty()) {
      auto bad = cp;
      bad[rng() % bad.size()][rng() % 32] ^= 0x40;
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, bad).ok());
      Hash other = old_root;
      other[0] ^= 1;
      EXPECT_FALSE(VerifyConsistency(m, n, other, root, cp).ok());
    }
  }
}

}  // namespace
}  // namespace qf::ledger
