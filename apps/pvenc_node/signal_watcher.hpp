// Turns SIGINT/SIGTERM into a counter that the job polls (no work in a signal handler).
// Construct it before any other thread starts: it blocks the signals for every thread created
// afterwards, and one thread of its own waits for them. A third signal exits at once (130).
#pragma once

#include <atomic>
#include <memory>
#include <thread>

namespace pvenc::app {

class signal_watcher {
 public:
  signal_watcher();
  ~signal_watcher();

  signal_watcher(const signal_watcher&) = delete;
  signal_watcher& operator=(const signal_watcher&) = delete;

  // Incremented once per SIGINT/SIGTERM.
  const std::shared_ptr<std::atomic<int>>& count() const { return count_; }

 private:
  std::shared_ptr<std::atomic<int>> count_ = std::make_shared<std::atomic<int>>(0);
  std::atomic<bool> stop_{false};
  std::thread waiter_;
};

}  // namespace pvenc::app
