// A bounded pool of threads for the work a request must not do on an I/O thread: reads, lists, exports, documents,
// statistics, password hashing and the parsing of large imports. The I/O threads only parse, route and write
// responses. A full pool refuses more work at once (the caller answers 503 with Retry-After), so no queue grows
// without bound. Its threads run at a nice value of their own, below the I/O threads. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace qf {

// The nice value of the pools that answer people waiting: reads, lists and the password hash.
inline constexpr int kReadsNice = 5;

class WorkPool {
 public:
  // `threads` run the work at nice `nice` (Linux: per thread; 0 is the I/O threads'); at most `max_waiting` tasks
  // wait for a thread.
  WorkPool(size_t threads, size_t max_waiting, int nice = kReadsNice);
  ~WorkPool();  // finishes the tasks already taken and waiting, then joins
  WorkPool(const WorkPool&) = delete;

  // Queues `task`; false (and `task` dropped) when `max_waiting` tasks already wait or the pool is stopping.
  bool TrySubmit(std::function<void()> task);
  size_t waiting() const;

 private:
  void Loop();
  const size_t max_waiting_;
  const int nice_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  size_t idle_ = 0;                          // threads not running a task; guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace qf
