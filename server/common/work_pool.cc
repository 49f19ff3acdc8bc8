#include "common/work_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include "spdlog/spdlog.h"

namespace qf {

WorkPool::WorkPool(size_t threads, size_t max_waiting, int nice) : max_waiting_(max_waiting), nice_(nice) {
  idle_ = std::max<size_t>(threads, 1);
  for (size_t i = 0; i < idle_; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    // A task is taken when a thread is free for it or fewer than max_waiting wait already.
    if (stopping_ || queue_.size() >= max_waiting_ + idle_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

size_t WorkPool::waiting() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void WorkPool::Loop() {
  // Below the I/O threads in the scheduler's eyes (Linux: a thread's own nice value), so that exports and reports
  // filling every core still leave sign-in, submissions and /healthz their turn.
  if (nice_ != 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice_) != 0)
    spdlog::debug("work pool: nice not set");
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
      --idle_;
    }
    try {
      task();
    } catch (const std::exception& e) {
      // Tasks answer their own failures; reaching here is a bug, logged rather than taking the process down.
      spdlog::error("work pool task threw: {}", e.what());
    }
    std::lock_guard lock(mu_);
    ++idle_;
  }
}

}  // namespace qf
