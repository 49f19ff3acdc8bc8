#include "ledger/merkle.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstring>
#include <map>
#include <memory>

#include "common/status.h"

namespace qf::ledger {
namespace {

struct Hasher {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Hasher() { EVP_MD_CTX_free(ctx); }
  Hash Digest(uint8_t prefix, std::string_view a, std::string_view b = {}) {
    Hash out;
    unsigned int len = 0;
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    EVP_DigestUpdate(ctx, &prefix, 1);
    EVP_DigestUpdate(ctx, a.data(), a.size());
    if (!b.empty()) EVP_DigestUpdate(ctx, b.data(), b.size());
    EVP_DigestFinal_ex(ctx, out.data(), &len);
    return out;
  }
};

Hasher& ThreadHasher() {
  thread_local Hasher h;
  return h;
}

std::string_view View(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

// Largest power of two strictly less than n (n > 1).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

absl::Status Bad(std::string_view msg) { return MakeError(absl::StatusCode::kInvalidArgument, "ledger.proof", msg); }

}  // namespace

Hash LeafHash(std::string_view data) { return ThreadHasher().Digest(0x00, data); }
Hash NodeHash(const Hash& l, const Hash& r) { return ThreadHasher().Digest(0x01, View(l), View(r)); }
Hash EmptyRoot() {
  Hash out;
  unsigned int len = 0;
  EVP_Digest("", 0, out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string ToBase64(const Hash& h) {
  char buf[64];
  sodium_bin2base64(buf, sizeof buf, h.data(), h.size(), sodium_base64_VARIANT_ORIGINAL);
  return buf;
}

std::string ToHex(const Hash& h) {
  char buf[65];
  sodium_bin2hex(buf, sizeof buf, h.data(), h.size());
  return buf;
}

bool FromBase64(std::string_view b64, Hash* out) {
  size_t len = 0;
  if (sodium_base642bin(out->data(), out->size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  return len == 32;
}

bool FromHex(std::string_view hex, Hash* out) {
  size_t len = 0;
  if (hex.size() != 64) return false;
  return sodium_hex2bin(out->data(), out->size(), hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == 32;
}

namespace {
// Range hashes already computed within one proof: suffixes of the tree recur at every level of a path.
using Memo = std::map<std::pair<uint64_t, uint64_t>, Hash>;

absl::StatusOr<Hash> RangeHashMemo(NodeSource& src, uint64_t begin, uint64_t end, Memo* memo) {
  uint64_t n = end - begin;
  if (n == 0) return EmptyRoot();
  if ((n & (n - 1)) == 0 && begin % n == 0) {
    int level = 0;
    while ((uint64_t{1} << level) < n) ++level;
    return src.Node(level, begin >> level);
  }
  if (auto it = memo->find({begin, end}); it != memo->end()) return it->second;
  uint64_t k = SplitPoint(n);
  QF_ASSIGN_OR_RETURN(Hash l, RangeHashMemo(src, begin, begin + k, memo));
  QF_ASSIGN_OR_RETURN(Hash r, RangeHashMemo(src, begin + k, end, memo));
  Hash h = NodeHash(l, r);
  memo->emplace(std::make_pair(begin, end), h);
  return h;
}
}  // namespace

absl::StatusOr<Hash> RangeHash(NodeSource& src, uint64_t begin, uint64_t end) {
  uint64_t n = end - begin;
  if (n == 0) return EmptyRoot();
  // A complete, aligned subtree is one stored node.
  if ((n & (n - 1)) == 0 && begin % n == 0) {
    int level = 0;
    while ((uint64_t{1} << level) < n) ++level;
    return src.Node(level, begin >> level);
  }
  uint64_t k = SplitPoint(n);
  QF_ASSIGN_OR_RETURN(Hash l, RangeHash(src, begin, begin + k));
  QF_ASSIGN_OR_RETURN(Hash r, RangeHash(src, begin + k, end));
  return NodeHash(l, r);
}

absl::StatusOr<Hash> RootAt(NodeSource& src, uint64_t size) { return RangeHash(src, 0, size); }

namespace {

absl::Status Path(NodeSource& src, uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>* out, Memo* memo) {
  uint64_t n = end - begin;
  if (n <= 1) return absl::OkStatus();
  uint64_t k = SplitPoint(n);
  if (m < k) {
    QF_RETURN_IF_ERROR(Path(src, m, begin, begin + k, out, memo));
    QF_ASSIGN_OR_RETURN(Hash h, RangeHashMemo(src, begin + k, end, memo));
    out->push_back(h);
  } else {
    QF_RETURN_IF_ERROR(Path(src, m - k, begin + k, end, out, memo));
    QF_ASSIGN_OR_RETURN(Hash h, RangeHashMemo(src, begin, begin + k, memo));
    out->push_back(h);
  }
  return absl::OkStatus();
}

absl::Status SubProof(NodeSource& src, uint64_t m, uint64_t begin, uint64_t end, bool b, std::vector<Hash>* out,
                      Memo* memo) {
  uint64_t n = end - begin;
  if (m == n) {
    if (!b) {
      QF_ASSIGN_OR_RETURN(Hash h, RangeHashMemo(src, begin, end, memo));
      out->push_back(h);
    }
    return absl::OkStatus();
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    QF_RETURN_IF_ERROR(SubProof(src, m, begin, begin + k, b, out, memo));
    QF_ASSIGN_OR_RETURN(Hash h, RangeHashMemo(src, begin + k, end, memo));
    out->push_back(h);
  } else {
    QF_RETURN_IF_ERROR(SubProof(src, m - k, begin + k, end, false, out, memo));
    QF_ASSIGN_OR_RETURN(Hash h, RangeHashMemo(src, begin, begin + k, memo));
    out->push_back(h);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Hash>> InclusionProof(NodeSource& src, uint64_t index, uint64_t size) {
  if (index >= size) return Bad("叶子序号超出树的大小");
  std::vector<Hash> out;
  Memo memo;
  QF_RETURN_IF_ERROR(Path(src, index, 0, size, &out, &memo));
  return out;
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(NodeSource& src, uint64_t m, uint64_t n) {
  if (m == 0 || m > n) return Bad("一致性证明的大小无效");
  std::vector<Hash> out;
  if (m == n) return out;
  Memo memo;
  QF_RETURN_IF_ERROR(SubProof(src, m, 0, n, true, &out, &memo));
  return out;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                             const std::vector<std::string>& proof, std::string_view root) {
  if (index >= size) return Bad("叶子序号不小于树的大小");
  if (leaf_hash.size() != 32) return Bad("叶子哈希长度不是32字节");
  for (const auto& p : proof)
    if (p.size() != 32) return Bad("证明中的哈希长度不是32字节");
  uint64_t fn = index, sn = size - 1;
  Hash r;
  std::memcpy(r.data(), leaf_hash.data(), 32);
  for (const auto& p : proof) {
    if (sn == 0) return Bad("证明过长");
    Hash ph;
    std::memcpy(ph.data(), p.data(), 32);
    if ((fn & 1) || fn == sn) {
      r = NodeHash(ph, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, ph);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Bad("证明过短");
  if (root.size() != 32 || std::memcmp(r.data(), root.data(), 32) != 0) return Bad("根哈希不符");
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, std::string_view root1, std::string_view root2,
                               const std::vector<std::string>& proof) {
  if (size1 == 0) return Bad("起始大小为0，不构成一致性证明");
  if (size1 > size2) return Bad("起始大小大于终止大小");
  if (size1 == size2) {
    if (!proof.empty()) return Bad("大小相同时证明应为空");
    if (root1 != root2) return Bad("大小相同但根哈希不同（分叉）");
    return absl::OkStatus();
  }
  if (proof.empty()) return Bad("证明为空");
  for (const auto& p : proof)
    if (p.size() != 32) return Bad("证明中的哈希长度不是32字节");
  if (root1.size() != 32 || root2.size() != 32) return Bad("根哈希长度不是32字节");
  std::vector<std::string> path = proof;
  // If size1 is a power of two, the first node is root1 itself.
  if ((size1 & (size1 - 1)) == 0) path.insert(path.begin(), std::string(root1));
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr, sr;
  std::memcpy(fr.data(), path[0].data(), 32);
  sr = fr;
  for (size_t i = 1; i < path.size(); ++i) {
    if (sn == 0) return Bad("证明过长");
    Hash c;
    std::memcpy(c.data(), path[i].data(), 32);
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Bad("证明过短");
  if (std::memcmp(fr.data(), root1.data(), 32) != 0) return Bad("旧根哈希不符");
  if (std::memcmp(sr.data(), root2.data(), 32) != 0) return Bad("新根哈希不符");
  return absl::OkStatus();
}

namespace {
std::vector<std::string> Strings(const std::vector<Hash>& v) {
  std::vector<std::string> out;
  for (auto& h : v) out.emplace_back(View(h));
  return out;
}
}  // namespace

absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash, const std::vector<Hash>& proof,
                             const Hash& root) {
  return VerifyInclusion(index, size, View(leaf_hash), Strings(proof), View(root));
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash& root1, const Hash& root2,
                               const std::vector<Hash>& proof) {
  return VerifyConsistency(size1, size2, View(root1), View(root2), Strings(proof));
}

absl::StatusOr<Hash> MemorySource::Node(int level, uint64_t index) {
  uint64_t width = uint64_t{1} << level;
  uint64_t begin = index * width;
  if (begin + width > leaves_.size()) return absl::OutOfRangeError("node beyond the tree");
  if (level == 0) return leaves_[begin];
  QF_ASSIGN_OR_RETURN(Hash l, Node(level - 1, index * 2));
  QF_ASSIGN_OR_RETURN(Hash r, Node(level - 1, index * 2 + 1));
  return NodeHash(l, r);
}

}  // namespace qf::ledger
