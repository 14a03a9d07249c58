// The Publisher through real failures: Centrifugo (Redis engine) killed with
// SIGKILL mid-stream and restarted, an outage longer than message_timeout,
// failover between two nodes on one Redis and back, a proxy that drops a
// reply after Centrifugo stored the batch, and an endpoint that is down while
// publish() keeps hitting the queue bound. Every event carries its own
// sequence number; history is the oracle for "stored exactly once".
#include "catch.hpp"
#include "centrifugo_server.hpp"
#include "detail/transport.hpp"
#include "loopback_server.hpp"
#include "redis_server.hpp"

#include <instant/client.hpp>
#include <instant/publisher.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INSTANT_TEST_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define INSTANT_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define INSTANT_TEST_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define INSTANT_TEST_TSAN 1
#endif
#if defined(INSTANT_TEST_ASAN)
// The ASan runtime's (gcc ships no sanitizer/allocator_interface.h).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

using instant::Delivery;
using instant::errc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// One slot per event (ids 1..n, the event's own sequence number): how often
// it was reported, and the last report's outcome, error kind and latency.
struct Ledger {
  explicit Ledger(std::size_t n) : times(n + 1), outcome(n + 1), kind(n + 1), latency(n + 1) {}

  std::mutex mu;
  std::vector<int> times;
  std::vector<Delivery> outcome;
  std::vector<errc> kind;
  std::vector<std::chrono::nanoseconds> latency;
  std::atomic<std::size_t> reported{0};

  instant::DeliveryCallback callback() {
    return [this](const instant::DeliveryReport& r) {
      const auto id = reinterpret_cast<std::uintptr_t>(r.opaque);
      {
        std::lock_guard<std::mutex> lk(mu);
        if (id == 0 || id >= times.size()) return;  // counted as missing below
        ++times[id];
        outcome[id] = r.outcome;
        kind[id] = r.error.kind();
        latency[id] = r.latency;
      }
      reported.fetch_add(1);
    };
  }
  // Ids [1, upto] each reported exactly once.
  bool each_once(std::size_t upto) {
    std::lock_guard<std::mutex> lk(mu);
    for (std::size_t i = 1; i <= upto; ++i) {
      if (times[i] != 1) return false;
    }
    return true;
  }
  std::size_t count(Delivery d, std::size_t upto) {
    std::lock_guard<std::mutex> lk(mu);
    std::size_t n = 0;
    for (std::size_t i = 1; i <= upto; ++i) n += times[i] == 1 && outcome[i] == d;
    return n;
  }
  bool wait_reported(std::size_t n, std::chrono::milliseconds bound) {
    const auto until = Clock::now() + bound;
    while (reported.load() < n) {
      if (Clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
};

std::string unique(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

std::string channel_of(const std::string& prefix, std::size_t id, std::size_t channels) {
  return prefix + "_" + std::to_string(id % channels);
}

// Publishes events first..last (ids) round-robin over `channels` channels at
// about `rate` per second, each {"n":id}; waits for room rather than being
// refused (the queue is sized for the outage anyway).
void stream(instant::Publisher& pub, const std::string& prefix, std::size_t channels, std::size_t first,
            std::size_t last, double rate, std::atomic<std::size_t>* sent = nullptr) {
  const auto t0 = Clock::now();
  for (std::size_t id = first; id <= last; ++id) {
    if ((id - first) % 50 == 0) {
      const auto due = t0 + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(static_cast<double>(id - first) / rate));
      std::this_thread::sleep_until(due);
    }
    instant::PublishRequest r;
    r.channel = channel_of(prefix, id, channels);
    r.data = "{\"n\":" + std::to_string(id) + "}";
    pub.publish_raw(r, {reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)), 30s});
    if (sent) sent->store(id);
  }
}

// What the channels' histories hold: stored[id] = how many times event id is
// there; `ordered` is false when a channel holds its ids out of order.
struct Stored {
  std::vector<int> stored;
  bool ordered = true;
  std::size_t total = 0;
};

Stored read_history(const std::string& url, const std::string& key, const std::string& prefix,
                    std::size_t channels, std::size_t n) {
  Stored s;
  s.stored.assign(n + 1, 0);
  instant::Client c({url, key});
  for (std::size_t ch = 0; ch < channels; ++ch) {
    auto h = c.history(prefix + "_" + std::to_string(ch));
    std::size_t prev = 0;
    for (const auto& p : h.publications) {
      const std::size_t id = std::stoul(p.data.substr(5));  // {"n":ID}
      if (id == 0 || id > n || id % channels != ch) {
        s.ordered = false;
        continue;
      }
      ++s.stored[id];
      ++s.total;
      if (id <= prev) s.ordered = false;
      prev = id;
    }
  }
  return s;
}

instant::PublisherConfig base_config(const std::string& url, const std::string& key, Ledger& ledger) {
  instant::PublisherConfig pc;
  pc.client.url = url;
  pc.client.api_key = key;
  pc.on_delivery = ledger.callback();
  pc.retry_backoff = 20ms;
  pc.retry_backoff_max = 250ms;
  return pc;
}

}  // namespace

TEST_CASE("Publisher fault: Centrifugo on Redis killed mid-stream and restarted: every event stored once",
          "[publisher][fault][redis]") {
  instant_test::Redis redis;
  instant_test::ServerConfig sc;
  sc.extra = redis.engine_json();
  instant_test::Centrifugo node(sc);
  constexpr std::size_t kEvents = 50000, kChannels = 100;
  Ledger ledger(kEvents);
  instant::Publisher pub(base_config(node.url(), sc.api_key, ledger));
  const std::string prefix = unique("kill");

  std::atomic<std::size_t> sent{0};
  std::thread producer([&] { stream(pub, prefix, kChannels, 1, kEvents, 10000, &sent); });
  // Kill once a good part has been stored, while the stream is still going.
  REQUIRE(ledger.wait_reported(15000, 30s));
  node.kill();
  const std::size_t sent_at_kill = sent.load();
  const std::size_t reported_at_kill = ledger.reported.load();
  std::this_thread::sleep_for(2500ms);
  node.restart();
  producer.join();
  instant::Status st;
  pub.flush(60s, st);
  REQUIRE(st.ok());

  CHECK(sent_at_kill < kEvents);  // the outage hit the middle of the stream
  CHECK(reported_at_kill < kEvents);
  CHECK(ledger.each_once(kEvents));
  CHECK(ledger.count(Delivery::delivered, kEvents) == kEvents);  // no failure reported
  const auto s = pub.stats();
  CHECK(s.failed == 0);
  CHECK(s.possibly_delivered == 0);
  CHECK(s.retried > 0);                  // batches were sent again across the restart
  CHECK(s.endpoints.at(0).failures > 0);

  const Stored h = read_history(node.url(), sc.api_key, prefix, kChannels, kEvents);
  CHECK(h.ordered);
  CHECK(h.total == kEvents);
  std::size_t once = 0;
  for (std::size_t id = 1; id <= kEvents; ++id) once += h.stored[id] == 1;
  CHECK(once == kEvents);
}

TEST_CASE("Publisher fault: an outage longer than message_timeout fails exactly what was not stored",
          "[publisher][fault][redis]") {
  instant_test::Redis redis;
  instant_test::ServerConfig sc;
  sc.extra = redis.engine_json();
  instant_test::Centrifugo node(sc);
  constexpr std::size_t kEvents = 30000, kChannels = 100;
  constexpr auto kMessageTimeout = 2000ms;
  Ledger ledger(kEvents);
  instant::PublisherConfig pc = base_config(node.url(), sc.api_key, ledger);
  pc.message_timeout = kMessageTimeout;
  instant::Publisher pub(pc);
  const std::string prefix = unique("outage");

  std::thread producer([&] { stream(pub, prefix, kChannels, 1, kEvents, 5000); });
  REQUIRE(ledger.wait_reported(5000, 30s));
  node.kill();
  std::this_thread::sleep_for(kMessageTimeout + 1500ms);  // events queued early in the outage expire
  node.restart();
  producer.join();
  instant::Status st;
  pub.flush(30s, st);
  REQUIRE(st.ok());
  REQUIRE(ledger.each_once(kEvents));

  const Stored h = read_history(node.url(), sc.api_key, prefix, kChannels, kEvents);
  CHECK(h.ordered);
  std::size_t delivered = 0, failed = 0, possibly = 0, twice = 0;
  std::size_t delivered_missing = 0, failed_stored = 0, failed_early = 0, possibly_stored = 0;
  {
    std::lock_guard<std::mutex> lk(ledger.mu);
    for (std::size_t id = 1; id <= kEvents; ++id) {
      twice += h.stored[id] > 1;
      switch (ledger.outcome[id]) {
        case Delivery::delivered:
          ++delivered;
          delivered_missing += h.stored[id] != 1;
          break;
        case Delivery::failed:
          ++failed;
          failed_stored += h.stored[id] != 0;
          // Given up at its deadline, never before: named by the lane's
          // last failure (connection refused), or a plain timeout when it
          // expired in the backlog after the lane was healthy again.
          failed_early += ledger.latency[id] < kMessageTimeout ||
                          (ledger.kind[id] != errc::transport && ledger.kind[id] != errc::timeout);
          break;
        case Delivery::possibly_delivered:
          ++possibly;
          possibly_stored += h.stored[id] != 0;
          break;
      }
    }
  }
  CHECK(twice == 0);
  CHECK(delivered_missing == 0);  // every "delivered" is in history, once
  CHECK(failed_stored == 0);      // every "failed" is not
  CHECK(failed_early == 0);
  CHECK(failed > 0);              // the outage was longer than message_timeout
  CHECK(delivered > 0);
  CHECK(delivered + failed + possibly == kEvents);
  // possibly_delivered: events of a batch on the wire when Centrifugo died
  // (it may have stored part of it) whose deadline passed before a retry got
  // through. They are the only ones allowed either way; at most one batch
  // per lane can be in that state.
  CHECK(possibly <= pc.inflight * pc.batch_max_messages);
  WARN("outage: " << delivered << " delivered, " << failed << " failed, " << possibly
                  << " possibly delivered (" << possibly_stored << " of them stored)");
  const auto s = pub.stats();
  CHECK(s.delivered == delivered);
  CHECK(s.failed == failed);
  CHECK(s.possibly_delivered == possibly);
}

TEST_CASE("Publisher fault: two nodes on one Redis: failover to B when A dies, back to A after stickiness",
          "[publisher][fault][redis]") {
  instant_test::Redis redis;
  instant_test::ServerConfig sc;
  sc.extra = redis.engine_json();
  instant_test::Centrifugo a(sc), b(sc);
  constexpr std::size_t kStream = 40000, kAfter = 2000, kChannels = 100;
  constexpr auto kStickiness = 1000ms;
  Ledger ledger(kStream + kAfter);
  instant::PublisherConfig pc = base_config(a.url(), sc.api_key, ledger);
  pc.endpoints = {a.url(), b.url()};
  pc.endpoint_stickiness = kStickiness;
  instant::Publisher pub(pc);
  const std::string prefix = unique("failover");

  std::thread producer([&] { stream(pub, prefix, kChannels, 1, kStream, 10000); });
  REQUIRE(ledger.wait_reported(10000, 30s));
  a.kill();
  REQUIRE(ledger.wait_reported(20000, 30s));  // B carries the stream meanwhile
  a.restart();
  const auto restarted = Clock::now();
  producer.join();
  instant::Status st;
  pub.flush(60s, st);
  REQUIRE(st.ok());
  CHECK(ledger.each_once(kStream));
  CHECK(ledger.count(Delivery::delivered, kStream) == kStream);
  const auto s1 = pub.stats();
  CHECK(s1.failed == 0);
  CHECK(s1.endpoints.at(0).failures > 0);  // A's death was seen
  CHECK(s1.endpoints.at(1).requests > 0);  // and B took over
  CHECK(s1.endpoints.at(1).failures == 0);

  // Every lane's last failover was before A came back, so once the
  // stickiness period has passed since then, all traffic goes to A again.
  std::this_thread::sleep_until(restarted + kStickiness + 200ms);
  stream(pub, prefix, kChannels, kStream + 1, kStream + kAfter, 20000);
  pub.flush(30s, st);
  REQUIRE(st.ok());
  CHECK(ledger.each_once(kStream + kAfter));
  CHECK(ledger.count(Delivery::delivered, kStream + kAfter) == kStream + kAfter);
  const auto s2 = pub.stats();
  CHECK(s2.endpoints.at(0).requests > s1.endpoints.at(0).requests);
  CHECK(s2.endpoints.at(1).requests == s1.endpoints.at(1).requests);
  CHECK(s2.endpoints.at(0).current);
  CHECK_FALSE(s2.endpoints.at(1).current);

  // History (read through B: one Redis behind both) holds each event once.
  const Stored h = read_history(b.url(), sc.api_key, prefix, kChannels, kStream + kAfter);
  CHECK(h.ordered);
  CHECK(h.total == kStream + kAfter);
  std::size_t once = 0;
  for (std::size_t id = 1; id <= kStream + kAfter; ++id) once += h.stored[id] == 1;
  CHECK(once == kStream + kAfter);
}

namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

// A TCP relay to Centrifugo that, on the first connection, lets the first
// request through, waits until Centrifugo has answered it (the reply's
// header arrived: the whole batch was processed), and then closes the
// client's connection without passing the reply on. Later connections are
// relayed as they are.
class DropFirstReply {
 public:
  explicit DropFirstReply(int upstream) : upstream_(upstream), server_([this](int c, int i) { relay(c, i); }) {}
  std::string url() const { return server_.url(); }
  int dropped() const { return dropped_; }
  std::size_t dropped_bytes() const { return dropped_bytes_; }

 private:
  void relay(int c, int index) {
    const int u = connect_to(upstream_);
    if (u < 0) return;
    pollfd fds[2] = {{c, POLLIN, 0}, {u, POLLIN, 0}};
    std::string held;  // upstream bytes withheld from the client
    char buf[65536];
    while (!server_.stopping() && ::poll(fds, 2, 200) >= 0) {
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0 || !send_all(u, buf, static_cast<std::size_t>(n))) break;
      }
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t n = ::recv(u, buf, sizeof buf, 0);
        if (n <= 0) break;
        if (index == 0) {
          held.append(buf, static_cast<std::size_t>(n));
          if (held.find("\r\n\r\n") != std::string::npos) {
            dropped_bytes_ = held.size();
            dropped_ = 1;
            break;  // Centrifugo answered; the client never sees it
          }
        } else if (!send_all(c, buf, static_cast<std::size_t>(n))) {
          break;
        }
      }
    }
    ::close(u);
  }

  int upstream_;
  std::atomic<int> dropped_{0};
  std::atomic<std::size_t> dropped_bytes_{0};
  instant_test::LoopbackServer server_;  // last: its thread uses the members above
};

}  // namespace

TEST_CASE("Publisher fault: a reply lost after Centrifugo stored the batch: the resend stores nothing twice",
          "[publisher][fault]") {
  auto& srv = instant_test::shared_server();
  DropFirstReply proxy(srv.port());
  constexpr std::size_t kEvents = 200, kChannels = 10;
  Ledger ledger(kEvents);
  std::vector<std::string> keys(kEvents + 1);
  std::vector<std::uint64_t> offsets(kEvents + 1);
  std::vector<std::uint32_t> attempts(kEvents + 1);
  std::mutex mu;
  instant::PublisherConfig pc = base_config(proxy.url(), srv.config().api_key, ledger);
  pc.inflight = 1;   // one connection: the relay serves one at a time
  pc.linger = 50ms;  // the whole burst goes into the first batch
  // Besides the ledger: each event's key, reported offset and attempts.
  pc.on_delivery = [&, count = ledger.callback()](const instant::DeliveryReport& r) {
    const auto id = reinterpret_cast<std::uintptr_t>(r.opaque);
    {
      std::lock_guard<std::mutex> lk(mu);
      if (id >= 1 && id <= kEvents) {
        keys[id] = std::string(r.idempotency_key);
        offsets[id] = r.position.offset;
        attempts[id] = r.attempts;
      }
    }
    count(r);
  };
  instant::Publisher pub(pc);
  const std::string prefix = unique("dropreply");
  for (std::size_t id = 1; id <= kEvents; ++id) {
    pub.publish_raw({channel_of(prefix, id, kChannels), "{\"n\":" + std::to_string(id) + "}", "", {}},
                    {reinterpret_cast<void*>(static_cast<std::uintptr_t>(id))});
  }
  instant::Status st;
  pub.flush(30s, st);
  REQUIRE(st.ok());
  CHECK(proxy.dropped() == 1);
  CHECK(proxy.dropped_bytes() > 0);
  CHECK(ledger.each_once(kEvents));
  CHECK(ledger.count(Delivery::delivered, kEvents) == kEvents);
  const auto s = pub.stats();
  CHECK(s.retried > 0);

  const Stored h = read_history(srv.url(), srv.config().api_key, prefix, kChannels, kEvents);
  CHECK(h.ordered);
  CHECK(h.total == kEvents);
  // The resent events were stored by the first request: their reports carry
  // the offsets of that first store (Centrifugo's answer to a duplicate key),
  // which are the offsets history holds.
  instant::Client c({srv.url(), srv.config().api_key});
  std::size_t resent = 0, offset_match = 0;
  std::lock_guard<std::mutex> lk(mu);
  for (std::size_t ch = 0; ch < kChannels; ++ch) {
    for (const auto& p : c.history(prefix + "_" + std::to_string(ch)).publications) {
      const std::size_t id = std::stoul(p.data.substr(5));
      if (id < 1 || id > kEvents) continue;
      resent += attempts[id] == 2;
      offset_match += offsets[id] == p.offset;
      CHECK(keys[id].rfind("instant-", 0) == 0);
    }
  }
  CHECK(resent > 0);
  CHECK(resent == s.retried);
  CHECK(offset_match == kEvents);
}

namespace {

// Memory the process holds: resident bytes, or under AddressSanitizer (whose
// quarantine keeps freed blocks resident on purpose) the live heap bytes.
std::size_t memory_in_use() {
#if defined(INSTANT_TEST_ASAN)
  return __sanitizer_get_current_allocated_bytes();
#else
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
#endif
}

}  // namespace

TEST_CASE("Publisher fault: endpoint down: memory stays bounded under a flood of refused publishes",
          "[publisher][fault]") {
  const int port = instant_test::free_port();  // nothing listens there
#if defined(INSTANT_TEST_ASAN) || defined(INSTANT_TEST_TSAN)
  constexpr std::size_t kFlood = 100000;  // every byte the payload check reads is instrumented
#else
  constexpr std::size_t kFlood = 1000000;
#endif
  constexpr std::size_t kQueue = 10000;
  constexpr auto kMessageTimeout = 5000ms;
  Ledger ledger(10 * kQueue);
  instant::PublisherConfig pc = base_config("http://127.0.0.1:" + std::to_string(port), "k", ledger);
  pc.queue_max_messages = kQueue;
  pc.message_timeout = kMessageTimeout;
  instant::Publisher pub(pc);
  const std::string payload = "{\"n\":1,\"pad\":\"" + std::string(80, 'x') + "\"}";  // ~100 bytes
  const instant::PublishRequest req{"news", payload, "", {}};
  instant::Status st;
  std::size_t accepted = 0;
  auto next_id = [&] { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(accepted + 1)); };
  for (std::size_t i = 1; i <= kQueue; ++i) {
    pub.publish_raw(req, {next_id()}, st);
    REQUIRE(st.ok());
    ++accepted;
  }
  pub.publish_raw(req, {}, st);
  REQUIRE(st.kind() == errc::queue_full);

  // flush keeps its word: it returns at its own timeout, long before the
  // publications' message_timeout.
  const auto f0 = Clock::now();
  pub.flush(300ms, st);
  const auto waited = Clock::now() - f0;
  CHECK(st.kind() == errc::timeout);
  CHECK(waited >= 300ms);
  CHECK(waited < kMessageTimeout);
  CHECK(ledger.reported == 0);

  // A million refused calls (a tenth under a sanitizer). Should the first
  // reports (at message_timeout) free room meanwhile on a slow build, calls
  // are accepted again, still within the bound.
  const std::size_t before = memory_in_use();
  const auto flood0 = Clock::now();
  std::size_t refused = 0;
  while (refused < kFlood) {
    pub.publish_raw(req, {next_id()}, st);
    if (st.kind() == errc::queue_full) {
      ++refused;
      continue;
    }
    REQUIRE(st.ok());
    REQUIRE(++accepted < 10 * kQueue);
  }
  const std::size_t after = memory_in_use();
  const std::size_t growth = after > before ? after - before : 0;
  WARN(kFlood << " refused publishes in " << std::chrono::duration<double>(Clock::now() - flood0).count()
                                  << " s: memory " << before / 1024 << " KiB -> " << after / 1024 << " KiB; "
                                  << accepted << " accepted in all");
  // Keeping one ~100-byte payload per refused call would be kFlood * 100+
  // bytes; the bound allows 8 per call and 4 MiB of allocator slack.
  CHECK(growth < kFlood * 8 + (4u << 20));
  const auto s = pub.stats();
  CHECK(s.queue_full >= kFlood);
  CHECK(s.queued <= kQueue);
  CHECK(s.queued_bytes <= pc.queue_max_bytes);

  // Every accepted publication is reported failed, after its message_timeout.
  pub.flush(kMessageTimeout + 10s, st);
  REQUIRE(st.ok());
  CHECK(ledger.each_once(accepted));
  CHECK(ledger.count(Delivery::failed, accepted) == accepted);
  std::lock_guard<std::mutex> lk(ledger.mu);
  std::size_t early = 0;
  for (std::size_t id = 1; id <= accepted; ++id) {
    early += ledger.latency[id] < kMessageTimeout || ledger.kind[id] != errc::transport;
  }
  CHECK(early == 0);
}

TEST_CASE("Publisher transport: a reply that is already there is handed over without waiting",
          "[publisher][transport]") {
  // The server reads the request and answers 100 ms later; by the time the
  // engine runs again the whole reply waits in the socket. The engine must
  // hand that completion over at once rather than first sleeping for the
  // wait it was given (the Publisher's idle wait: its reports and flush
  // would stall that long).
  instant_test::LoopbackServer server([](int c, int) {
    char buf[4096];
    std::string req;
    while (req.find("\r\n\r\n") == std::string::npos || req.find("{}") == std::string::npos) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.append(buf, static_cast<std::size_t>(n));
    }
    std::this_thread::sleep_for(100ms);
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    send_all(c, reply.data(), reply.size());
    ::recv(c, buf, sizeof buf, 0);  // until the client closes
  });
  instant::Config cfg{server.url(), "k"};
  instant::Status st;
  auto t = instant::detail::make_multi_transport(instant::detail::transport_options(cfg), 1, st);
  REQUIRE(st.ok());
  REQUIRE(t->start(0, server.url() + "/api/batch", "{}"));
  std::vector<instant::detail::MultiTransport::Completion> done;
  t->run_once(0, done);  // connects and sends
  REQUIRE(done.empty());
  std::this_thread::sleep_for(500ms);  // the reply arrives meanwhile
  const auto t0 = Clock::now();
  t->run_once(20000, done);
  const auto took = Clock::now() - t0;
  REQUIRE(done.size() == 1);
  CHECK(done[0].status.ok());
  CHECK(done[0].http_status == 200);
  // Nothing else was running: a wait here is the whole 20 s.
  CHECK(took < 10s);
}
