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
#include "publisher_reports.hpp"
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
using instant_test::opaque;
using instant_test::Reports;
using instant_test::unique;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

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
    pub.publish_raw(r, {opaque(id), 30s});
    if (sent) sent->store(id);
  }
}

// What the channels' histories hold: stored[id] = how many times event id is
// there; `ordered` is false when a channel holds its ids out of order.
struct Stored {
  std::vector<int> stored;
  bool ordered = true;
  std::size_t total = 0;
  // Events 1..n there exactly once.
  std::size_t once() const {
    std::size_t k = 0;
    for (std::size_t id = 1; id < stored.size(); ++id) k += stored[id] == 1;
    return k;
  }
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

// Short backoff: the lanes find a restarted server quickly.
instant::PublisherConfig fast_retries(const std::string& url, const std::string& key) {
  instant::PublisherConfig pc;
  pc.client.url = url;
  pc.client.api_key = key;
  pc.retry_backoff = 20ms;
  pc.retry_backoff_max = 250ms;
  return pc;
}

constexpr std::size_t kStreamChannels = 100;

// A Publisher (configured by `pc`, its reports collected) streaming events
// 1..n over kStreamChannels channels at about `rate` per second from a
// thread of its own; `sent` is the last id handed to it.
struct Streaming {
  Streaming(instant::PublisherConfig pc, const std::string& name, std::size_t n, double rate)
      : prefix(unique(name)), pub(collected(std::move(pc), reports)) {
    producer = std::thread([this, n, rate] { stream(pub, prefix, kStreamChannels, 1, n, rate, &sent); });
  }
  ~Streaming() {
    if (producer.joinable()) producer.join();
  }
  Streaming(const Streaming&) = delete;
  Streaming& operator=(const Streaming&) = delete;

  // The producer is done and every publication reported.
  void finish(std::chrono::milliseconds bound) {
    producer.join();
    instant::Status st;
    pub.flush(bound, st);
    REQUIRE(st.ok());
  }
  Stored history(const instant_test::Centrifugo& via, std::size_t n) const {
    return read_history(via.url(), via.config().api_key, prefix, kStreamChannels, n);
  }

  Reports reports;
  std::atomic<std::size_t> sent{0};
  const std::string prefix;
  instant::Publisher pub;
  std::thread producer;

 private:
  static instant::PublisherConfig collected(instant::PublisherConfig pc, Reports& r) {
    pc.on_delivery = r.callback();
    return pc;
  }
};

// A Centrifugo node on `redis` (the default channels, history on).
instant_test::ServerConfig on_redis(const instant_test::Redis& redis) {
  instant_test::ServerConfig sc;
  sc.extra = redis.engine_json();
  return sc;
}

// A Redis and one Centrifugo node on it.
struct RedisNode {
  instant_test::Redis redis;
  instant_test::Centrifugo node{on_redis(redis)};
};

}  // namespace

TEST_CASE("Publisher fault: Centrifugo on Redis killed mid-stream and restarted: every event stored once",
          "[publisher][fault][redis]") {
  RedisNode srv;
  instant_test::Centrifugo& node = srv.node;
  constexpr std::size_t kEvents = 50000;
  Streaming run(fast_retries(node.url(), node.config().api_key), "kill", kEvents, 10000);
  // Kill once a good part has been stored, while the stream is still going.
  REQUIRE(run.reports.wait_for(15000, 30s));
  node.kill();
  const std::size_t sent_at_kill = run.sent.load();
  const std::size_t reported_at_kill = run.reports.count();
  std::this_thread::sleep_for(2500ms);
  node.restart();
  run.finish(60s);

  CHECK(sent_at_kill < kEvents);  // the outage hit the middle of the stream
  CHECK(reported_at_kill < kEvents);
  CHECK(run.reports.each_once(kEvents));
  CHECK(run.reports.count(Delivery::delivered) == kEvents);  // no failure reported
  const auto s = run.pub.stats();
  CHECK(s.failed == 0);
  CHECK(s.possibly_delivered == 0);
  CHECK(s.retried > 0);                  // batches were sent again across the restart
  CHECK(s.endpoints.at(0).failures > 0);

  const Stored h = run.history(node, kEvents);
  CHECK(h.ordered);
  CHECK(h.total == kEvents);
  CHECK(h.once() == kEvents);
}

TEST_CASE("Publisher fault: an outage longer than message_timeout fails exactly what was not stored",
          "[publisher][fault][redis]") {
  RedisNode srv;
  instant_test::Centrifugo& node = srv.node;
  constexpr auto kMessageTimeout = 2000ms;
  constexpr std::size_t kEvents = 30000;
  instant::PublisherConfig pc = fast_retries(node.url(), node.config().api_key);
  pc.message_timeout = kMessageTimeout;
  Streaming run(pc, "outage", kEvents, 5000);
  REQUIRE(run.reports.wait_for(5000, 30s));
  node.kill();
  std::this_thread::sleep_for(kMessageTimeout + 1500ms);  // events queued early in the outage expire
  node.restart();
  run.finish(30s);
  Reports& reports = run.reports;
  REQUIRE(reports.each_once(kEvents));

  const Stored h = run.history(node, kEvents);
  CHECK(h.ordered);
  std::size_t delivered = 0, failed = 0, possibly = 0, twice = 0;
  std::size_t delivered_missing = 0, failed_stored = 0, failed_early = 0, possibly_stored = 0;
  {
    std::lock_guard<std::mutex> lk(reports.mu);
    for (std::size_t id = 1; id <= kEvents; ++id) {
      twice += h.stored[id] > 1;
      const instant::DeliveryReport& r = reports.last[id];
      switch (r.outcome) {
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
          failed_early += r.latency < kMessageTimeout ||
                          (r.error.kind() != errc::transport && r.error.kind() != errc::timeout);
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
  const auto s = run.pub.stats();
  CHECK(s.delivered == delivered);
  CHECK(s.failed == failed);
  CHECK(s.possibly_delivered == possibly);
}

TEST_CASE("Publisher fault: two nodes on one Redis: failover to B when A dies, back to A after stickiness",
          "[publisher][fault][redis]") {
  instant_test::Redis redis;
  instant_test::Centrifugo a(on_redis(redis)), b(on_redis(redis));
  constexpr std::size_t kStream = 40000, kAfter = 2000;
  constexpr auto kStickiness = 1000ms;
  instant::PublisherConfig pc = fast_retries(a.url(), a.config().api_key);
  pc.endpoints = {a.url(), b.url()};
  pc.endpoint_stickiness = kStickiness;
  Streaming run(pc, "failover", kStream, 10000);
  REQUIRE(run.reports.wait_for(10000, 30s));
  a.kill();
  REQUIRE(run.reports.wait_for(20000, 30s));  // B carries the stream meanwhile
  a.restart();
  const auto restarted = Clock::now();
  run.finish(60s);
  CHECK(run.reports.each_once(kStream));
  CHECK(run.reports.count(Delivery::delivered) == kStream);
  const auto s1 = run.pub.stats();
  CHECK(s1.failed == 0);
  CHECK(s1.endpoints.at(0).failures > 0);  // A's death was seen
  CHECK(s1.endpoints.at(1).requests > 0);  // and B took over
  CHECK(s1.endpoints.at(1).failures == 0);

  // Every lane's last failover was before A came back, so once the
  // stickiness period has passed since then, all traffic goes to A again.
  std::this_thread::sleep_until(restarted + kStickiness + 200ms);
  stream(run.pub, run.prefix, kStreamChannels, kStream + 1, kStream + kAfter, 20000);
  instant::Status st;
  run.pub.flush(30s, st);
  REQUIRE(st.ok());
  CHECK(run.reports.each_once(kStream + kAfter));
  CHECK(run.reports.count(Delivery::delivered) == kStream + kAfter);
  const auto s2 = run.pub.stats();
  CHECK(s2.endpoints.at(0).requests > s1.endpoints.at(0).requests);
  CHECK(s2.endpoints.at(1).requests == s1.endpoints.at(1).requests);
  CHECK(s2.endpoints.at(0).current);
  CHECK_FALSE(s2.endpoints.at(1).current);

  // History (read through B: one Redis behind both) holds each event once.
  const Stored h = run.history(b, kStream + kAfter);
  CHECK(h.ordered);
  CHECK(h.total == kStream + kAfter);
  CHECK(h.once() == kStream + kAfter);
}

namespace {

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
    const int u = instant_test::connect_loopback(upstream_);
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
  Reports reports;
  instant::PublisherConfig pc = fast_retries(proxy.url(), srv.config().api_key);
  pc.on_delivery = reports.callback();
  pc.inflight = 1;   // one connection: the relay serves one at a time
  pc.linger = 50ms;  // the whole burst goes into the first batch
  instant::Publisher pub(pc);
  const std::string prefix = unique("dropreply");
  for (std::size_t id = 1; id <= kEvents; ++id) {
    pub.publish_raw({channel_of(prefix, id, kChannels), "{\"n\":" + std::to_string(id) + "}", "", {}}, {opaque(id)});
  }
  instant::Status st;
  pub.flush(30s, st);
  REQUIRE(st.ok());
  CHECK(proxy.dropped() == 1);
  CHECK(proxy.dropped_bytes() > 0);
  CHECK(reports.each_once(kEvents));
  CHECK(reports.count(Delivery::delivered) == kEvents);
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
  std::lock_guard<std::mutex> lk(reports.mu);
  for (std::size_t ch = 0; ch < kChannels; ++ch) {
    for (const auto& p : c.history(prefix + "_" + std::to_string(ch)).publications) {
      const std::size_t id = std::stoul(p.data.substr(5));
      if (id < 1 || id > kEvents) continue;
      resent += reports.last[id].attempts == 2;
      offset_match += reports.last[id].position.offset == p.offset;
      CHECK(reports.keys[id].rfind("instant-", 0) == 0);
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
  Reports reports;
  instant::PublisherConfig pc = fast_retries("http://127.0.0.1:" + std::to_string(port), "k");
  pc.on_delivery = reports.callback();
  pc.queue_max_messages = kQueue;
  pc.message_timeout = kMessageTimeout;
  instant::Publisher pub(pc);
  const std::string payload = "{\"n\":1,\"pad\":\"" + std::string(80, 'x') + "\"}";  // ~100 bytes
  const instant::PublishRequest req{"news", payload, "", {}};
  instant::Status st;
  std::size_t accepted = 0;
  auto next_id = [&] { return opaque(accepted + 1); };
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
  CHECK(reports.count() == 0);

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
  CHECK(reports.each_once(accepted));
  CHECK(reports.count(Delivery::failed) == accepted);
  std::lock_guard<std::mutex> lk(reports.mu);
  std::size_t early = 0;
  for (const auto& [id, r] : reports.last) early += r.latency < kMessageTimeout || r.error.kind() != errc::transport;
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
