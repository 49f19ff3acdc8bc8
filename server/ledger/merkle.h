// RFC 6962 / RFC 9162 Merkle tree hashing, proof generation and proof verification. Pure functions over a
// NodeSource that yields the hash of any complete, aligned subtree; thread-safe (the hasher is per thread).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace qf::ledger {

using Hash = std::array<uint8_t, 32>;

// SHA-256(0x00 || data) and SHA-256(0x01 || left || right), through one reused OpenSSL EVP context per thread.
Hash LeafHash(std::string_view data);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();  // SHA-256 of the empty string
std::string ToBase64(const Hash& h);
std::string ToHex(const Hash& h);
bool FromBase64(std::string_view b64, Hash* out);
bool FromHex(std::string_view hex, Hash* out);

// The hash of the complete subtree of 2^level leaves starting at leaf index * 2^level.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  virtual absl::StatusOr<Hash> Node(int level, uint64_t index) = 0;
};

// MTH(D[begin:end]) for any range, composed from complete subtrees.
absl::StatusOr<Hash> RangeHash(NodeSource& src, uint64_t begin, uint64_t end);
absl::StatusOr<Hash> RootAt(NodeSource& src, uint64_t size);
// RFC 9162 §2.1.3.1 PATH(index, D[0:size]) and §2.1.4.1 PROOF(m, D[0:n]).
absl::StatusOr<std::vector<Hash>> InclusionProof(NodeSource& src, uint64_t index, uint64_t size);
absl::StatusOr<std::vector<Hash>> ConsistencyProof(NodeSource& src, uint64_t m, uint64_t n);

// RFC 9162 §2.1.3.2: OK if `proof` proves `leaf_hash` at `index` in the tree of `size` with `root`.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                             const std::vector<std::string>& proof, std::string_view root);
// RFC 9162 §2.1.4.2, with the policy of the transparency-dev vectors (size1 == 0 is an error).
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, std::string_view root1, std::string_view root2,
                               const std::vector<std::string>& proof);

// Convenience overloads on Hash values.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash, const std::vector<Hash>& proof,
                             const Hash& root);
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash& root1, const Hash& root2,
                               const std::vector<Hash>& proof);

// A NodeSource over leaf hashes held in memory (tests, small trees).
class MemorySource : public NodeSource {
 public:
  explicit MemorySource(std::vector<Hash> leaves) : leaves_(std::move(leaves)) {}
  absl::StatusOr<Hash> Node(int level, uint64_t index) override;

 private:
  std::vector<Hash> leaves_;
};

}  // namespace qf::ledger
