// The password hash's pool (auth/signin.h): below the I/O threads and level with the reads, so that sign-ins take no
// more than their share of a busy server's cores.
#include "auth/signin.h"

#include <sys/resource.h>
#include <unistd.h>

#include <future>

#include "gtest/gtest.h"

namespace qf::auth {
namespace {

TEST(HashPool, RunsAtTheReadsNiceValue) {
  std::promise<int> nice;
  ASSERT_TRUE(HashPool().TrySubmit([&] { nice.set_value(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))); }));
  EXPECT_EQ(nice.get_future().get(), kReadsNice);
}

}  // namespace
}  // namespace qf::auth
