// The draw engine shared by inspection sampling and the random draws of experts, inspectors and exam supervisors:
// a commitment to a secret published before the candidate list is frozen, a seed that mixes the secret with a
// public value given at draw time, and a documented deterministic procedure over the candidates in canonical
// order, so that anyone with the published inputs recomputes the same result (docs/draws.md). Pure; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qf::draws {

using Seed = std::array<uint8_t, 32>;

// Hex SHA-256 of the secret: published when the draw is requested.
std::string Commitment(std::string_view secret);
// SHA-256(secret ‖ 0x00 ‖ public value): the secret alone cannot be steered after the commitment, and the public
// value (entered by the witness at draw time) cannot be known when the secret was chosen.
Seed MakeSeed(std::string_view secret, std::string_view public_value);

// A stream of 64-bit words: word k is bytes 8(k mod 4)… of SHA-256(seed ‖ big-endian 64-bit block number k / 4).
class Stream {
 public:
  explicit Stream(const Seed& seed) : seed_(seed) {}
  uint64_t Next();
  // Uniform in [0, n) by rejection sampling (no modulo bias); n > 0.
  uint64_t Uniform(uint64_t n);
  // Uniform in (0, 1): 53 random bits.
  double Unit();

 private:
  Seed seed_;
  uint64_t block_ = 0;
  std::array<uint8_t, 32> buf_{};
  int used_ = 4;
};

// Fisher–Yates from the last position over `ids`, which must be in canonical (sorted) order.
std::vector<std::string> Shuffle(std::vector<std::string> ids, const Seed& seed);

// k of the candidates without replacement, each with probability proportional to its weight
// (Efraimidis–Spirakis: key u^(1/w), the k largest keys), in order of their keys. Candidates in canonical order.
struct Weighted {
  std::string id;
  double weight = 1;
};
std::vector<std::string> WeightedSample(const std::vector<Weighted>& candidates, size_t k, const Seed& seed);

// A seed for a part of a draw (a stratum, a group): SHA-256(seed ‖ label), so parts do not share randomness.
Seed Derive(const Seed& seed, std::string_view label);

}  // namespace qf::draws
