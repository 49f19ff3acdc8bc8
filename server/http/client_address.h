// Who the client is, for the per-client limits: the peer's address, or behind a reverse proxy the operator trusts
// (a configured list of addresses and networks), the address that proxy saw, from X-Forwarded-For. The header is
// never believed from anyone else: a client cannot choose its own bucket by writing it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace qf {

class TrustedProxies {
 public:
  // Each entry an IPv4 or IPv6 address or a network in CIDR form ("10.0.0.0/8", "::1"); InvalidArgument naming
  // the entry otherwise.
  static absl::StatusOr<TrustedProxies> Parse(const std::vector<std::string>& entries);
  bool empty() const { return nets_.empty(); }
  bool Contains(std::string_view address) const;

 private:
  struct Net {
    bool v6 = false;
    std::string bytes;  // the network's address bytes (4 or 16)
    int prefix = 0;
  };
  std::vector<Net> nets_;
};

// The client of a request from `peer` with X-Forwarded-For `forwarded` (all its values joined by commas; empty when
// absent): `peer` unless it is a trusted proxy; then the nearest address in the header that is not a trusted proxy
// (read right to left, as each proxy appends the address it saw), or `peer` when the header has none or a value
// that is not an address.
std::string ClientAddress(std::string_view peer, std::string_view forwarded, const TrustedProxies& trusted);

}  // namespace qf
