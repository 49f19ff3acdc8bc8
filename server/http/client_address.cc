#include "http/client_address.h"

#include <arpa/inet.h>

#include <optional>

#include <charconv>

#include "common/status.h"
#include "common/strings.h"

namespace qf {
namespace {

// The address's bytes (4 for IPv4, 16 for IPv6), or nullopt when it is not one.
std::optional<std::string> AddressBytes(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    // An IPv4 address as IPv6 sees it (::ffff:a.b.c.d) is that IPv4 address.
    if (std::equal(kMapped, kMapped + 12, buf)) return std::string(reinterpret_cast<char*>(buf) + 12, 4);
    return std::string(reinterpret_cast<char*>(buf), 16);
  }
  return std::nullopt;
}

bool PrefixMatches(const std::string& net, const std::string& addr, int prefix) {
  int full = prefix / 8, rest = prefix % 8;
  if (net.compare(0, full, addr, 0, full) != 0) return false;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (static_cast<unsigned char>(net[full]) & mask) == (static_cast<unsigned char>(addr[full]) & mask);
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& entry : entries) {
    std::string_view text = Trim(entry);
    std::string_view address = text, length;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
      address = text.substr(0, slash);
      length = text.substr(slash + 1);
    }
    auto bytes = AddressBytes(address);
    int bits = bytes ? static_cast<int>(bytes->size()) * 8 : 0;
    int prefix = bits;
    if (bytes && !length.empty()) {
      auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), prefix);
      if (ec != std::errc() || end != length.data() + length.size() || prefix < 0 || prefix > bits) bytes.reset();
    }
    if (!bytes)
      return Invalid("config.trusted_proxies", "可信代理地址格式错误：" + entry + "（应为 IP 地址或 CIDR 网段，如 10.0.0.0/8）",
                     {{"trusted_proxies", entry}});
    out.nets_.push_back({bytes->size() == 16, *bytes, prefix});
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto bytes = AddressBytes(address);
  if (!bytes) return false;
  for (const Net& n : nets_)
    if (n.bytes.size() == bytes->size() && PrefixMatches(n.bytes, *bytes, n.prefix)) return true;
  return false;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded, const TrustedProxies& trusted) {
  if (forwarded.empty() || !trusted.Contains(peer)) return std::string(peer);
  // Right to left: each proxy appends the address it saw.
  while (true) {
    size_t comma = forwarded.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    if (!AddressBytes(hop)) return std::string(peer);  // a value that is not an address: believe nothing in it
    if (!trusted.Contains(hop)) return std::string(hop);
    if (comma == std::string_view::npos) return std::string(peer);
    forwarded = forwarded.substr(0, comma);
  }
}

}  // namespace qf
