#include "draws/draw.h"

#include <algorithm>
#include <cmath>

#include "common/crypto_util.h"

namespace qf::draws {

std::string Commitment(std::string_view secret) { return Sha256Hex(secret); }

Seed MakeSeed(std::string_view secret, std::string_view public_value) {
  std::string in(secret);
  in.push_back('\0');
  in.append(public_value);
  return Sha256(in);
}

Seed Derive(const Seed& seed, std::string_view label) {
  std::string in(reinterpret_cast<const char*>(seed.data()), seed.size());
  in.append(label);
  return Sha256(in);
}

uint64_t Stream::Next() {
  if (used_ == 4) {
    std::string in(reinterpret_cast<const char*>(seed_.data()), seed_.size());
    for (int i = 7; i >= 0; --i) in.push_back(static_cast<char>((block_ >> (8 * i)) & 0xFF));
    buf_ = Sha256(in);
    ++block_;
    used_ = 0;
  }
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | buf_[used_ * 8 + i];
  ++used_;
  return v;
}

uint64_t Stream::Uniform(uint64_t n) {
  // Accept only words below the largest multiple of n, so every residue is equally likely.
  uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  while (true) {
    uint64_t v = Next();
    if (v <= limit) return v % n;
  }
}

double Stream::Unit() { return (static_cast<double>(Next() >> 11) + 0.5) / 9007199254740992.0; }

std::vector<std::string> Shuffle(std::vector<std::string> ids, const Seed& seed) {
  Stream s(seed);
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[s.Uniform(i)]);
  return ids;
}

std::vector<std::string> WeightedSample(const std::vector<Weighted>& candidates, size_t k, const Seed& seed) {
  Stream s(seed);
  std::vector<std::pair<double, size_t>> keys;
  for (size_t i = 0; i < candidates.size(); ++i) {
    double u = s.Unit();  // drawn for every candidate, in canonical order, weight or not
    if (candidates[i].weight > 0) keys.push_back({std::log(u) / candidates[i].weight, i});
  }
  std::sort(keys.begin(), keys.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  std::vector<std::string> out;
  for (size_t i = 0; i < keys.size() && out.size() < k; ++i) out.push_back(candidates[keys[i].second].id);
  return out;
}

}  // namespace qf::draws
