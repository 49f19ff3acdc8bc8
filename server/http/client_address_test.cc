// The client behind a reverse proxy: X-Forwarded-For is read only from a trusted proxy, right to left.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace qf {
namespace {

TEST(ClientAddress, TheHeaderIsBelievedOnlyFromATrustedProxy) {
  auto trusted = TrustedProxies::Parse({"10.0.0.0/8", "192.168.1.5", "fd00::/8"});
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  // No proxies configured, or a peer that is not one: the peer, whatever the header says.
  EXPECT_EQ(ClientAddress("203.0.113.7", "198.51.100.1", TrustedProxies()), "203.0.113.7");
  EXPECT_EQ(ClientAddress("203.0.113.7", "198.51.100.1", *trusted), "203.0.113.7");
  // Through the trusted proxy: the address it saw (the last entry), even if the client wrote its own before it.
  EXPECT_EQ(ClientAddress("10.1.2.3", "198.51.100.1", *trusted), "198.51.100.1");
  EXPECT_EQ(ClientAddress("10.1.2.3", "1.1.1.1, 198.51.100.1", *trusted), "198.51.100.1");
  // Through two trusted proxies: past both.
  EXPECT_EQ(ClientAddress("10.1.2.3", "198.51.100.1, 192.168.1.5", *trusted), "198.51.100.1");
  EXPECT_EQ(ClientAddress("192.168.1.5", "2001:db8::1,fd12::1", *trusted), "2001:db8::1");
  // An IPv4 peer as IPv6 sees it is the same peer.
  EXPECT_EQ(ClientAddress("::ffff:10.9.9.9", "198.51.100.1", *trusted), "198.51.100.1");
  // No header, only proxies in it, or garbage: the peer.
  EXPECT_EQ(ClientAddress("10.1.2.3", "", *trusted), "10.1.2.3");
  EXPECT_EQ(ClientAddress("10.1.2.3", "10.4.4.4", *trusted), "10.1.2.3");
  EXPECT_EQ(ClientAddress("10.1.2.3", "198.51.100.1, not-an-address", *trusted), "10.1.2.3");
  // The network's edge.
  EXPECT_TRUE(trusted->Contains("10.255.255.255"));
  EXPECT_FALSE(trusted->Contains("11.0.0.0"));
  EXPECT_FALSE(trusted->Contains("192.168.1.6"));
}

TEST(ClientAddress, BadEntriesAreRefusedByName) {
  for (const char* bad : {"10.0.0.0/33", "example.org", "10.0.0/8", "::1/129", "1.2.3.4/x"}) {
    auto t = TrustedProxies::Parse({bad});
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(std::string(t.status().message()).find(bad), std::string::npos) << t.status();
  }
  EXPECT_TRUE(TrustedProxies::Parse({"::1", "127.0.0.1/32", "0.0.0.0/0"}).ok());
}

}  // namespace
}  // namespace qf
