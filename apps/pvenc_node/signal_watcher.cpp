#include "apps/pvenc_node/signal_watcher.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <ctime>

namespace pvenc::app {
namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

signal_watcher::signal_watcher() {
  sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this, set] {
    timespec poll{0, 200'000'000};
    while (!stop_.load()) {
      if (sigtimedwait(&set, nullptr, &poll) <= 0) continue;
      // The job reacts to the first two; a third means the user has given up waiting.
      if (count_->fetch_add(1) + 1 >= 3) std::_Exit(130);
    }
  });
}

signal_watcher::~signal_watcher() {
  stop_.store(true);
  waiter_.join();
  sigset_t set = watched_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace pvenc::app
