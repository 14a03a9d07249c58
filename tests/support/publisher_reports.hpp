// Test helpers for the Publisher (tests/integration/test_publisher*.cpp): a
// collector of delivery reports that counts how often each publication was
// reported (the publication's id is its opaque pointer), a configuration
// wired to it, and unique channel prefixes.
#pragma once

#include <instant/publisher.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace instant_test {

// Collects delivery reports; counts each opaque exactly once.
struct Reports {
  std::mutex mu;
  std::map<std::uintptr_t, int> seen;  // opaque -> times reported
  std::map<std::uintptr_t, instant::DeliveryReport> last;  // views cleared
  std::map<std::uintptr_t, std::string> keys;
  std::atomic<int> delivered{0}, failed{0}, possibly{0};

  instant::DeliveryCallback callback() {
    return [this](const instant::DeliveryReport& r) {
      const auto id = reinterpret_cast<std::uintptr_t>(r.opaque);
      std::lock_guard<std::mutex> lk(mu);
      ++seen[id];
      instant::DeliveryReport copy = r;
      copy.channel = {};
      copy.idempotency_key = {};
      last[id] = copy;
      keys[id] = std::string(r.idempotency_key);
      if (r.outcome == instant::Delivery::delivered) ++delivered;
      if (r.outcome == instant::Delivery::failed) ++failed;
      if (r.outcome == instant::Delivery::possibly_delivered) ++possibly;
    };
  }
  // Exactly n publications reported, each once.
  bool each_once(std::size_t n) {
    std::lock_guard<std::mutex> lk(mu);
    if (seen.size() != n) return false;
    for (const auto& [id, times] : seen) {
      if (times != 1) return false;
    }
    return true;
  }
  // Reports so far.
  std::size_t count() const { return static_cast<std::size_t>(delivered + failed + possibly); }
  std::size_t count(instant::Delivery d) const {
    const int n = d == instant::Delivery::delivered ? delivered.load()
                  : d == instant::Delivery::failed  ? failed.load()
                                                    : possibly.load();
    return static_cast<std::size_t>(n);
  }
  // Waits until n reports arrived; false when `bound` passed first.
  bool wait_for(std::size_t n, std::chrono::milliseconds bound) const {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (count() < n) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }
};

inline instant::PublisherConfig config_for(const std::string& url, const std::string& key, Reports& reports) {
  instant::PublisherConfig pc;
  pc.client.url = url;
  pc.client.api_key = key;
  pc.on_delivery = reports.callback();
  return pc;
}

inline void* opaque(std::uintptr_t i) { return reinterpret_cast<void*>(i); }

// prefix_PID_N, N counting up in this process.
inline std::string unique(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

}  // namespace instant_test
