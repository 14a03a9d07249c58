// The asynchronous Publisher against a real Centrifugo and against servers
// that fail on purpose: exactly one report per publication, order kept per
// channel, nothing stored twice, bounded queue, reports on time.
#include "catch.hpp"
#include "centrifugo_server.hpp"
#include "loopback_server.hpp"
#include "publisher_reports.hpp"

#include <instant/client.hpp>
#include <instant/publisher.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using instant::Delivery;
using instant::errc;
using instant_test::config_for;
using instant_test::opaque;
using instant_test::Reports;
using instant_test::shared_server;
using instant_test::unique;

TEST_CASE("Publisher: 100k publications over 100 channels from 4 threads arrive once, in order",
          "[publisher]") {
  auto& srv = shared_server();
  Reports reports;
  instant::PublisherConfig pc = config_for(srv.url(), srv.config().api_key, reports);
  pc.queue_max_messages = 200000;
  instant::Publisher pub(pc);
  const std::string prefix = unique("pub100k");
  constexpr int kThreads = 4, kChannels = 100, kPerThread = 25000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Thread t owns channels t, t+4, ...: each channel's sequence comes
      // from one thread, so its order is well defined.
      for (int i = 0; i < kPerThread; ++i) {
        const int ch = t + kThreads * (i % (kChannels / kThreads));
        const int seq = i / (kChannels / kThreads);
        instant::PublishRequest r;
        r.channel = prefix + "_" + std::to_string(ch);
        r.data = "{\"seq\":" + std::to_string(seq) + "}";
        pub.publish_raw(r, {opaque(static_cast<std::uintptr_t>(t) * kPerThread + i + 1), std::chrono::seconds(10)});
      }
    });
  }
  for (auto& th : threads) th.join();
  pub.flush(std::chrono::seconds(60));
  CHECK(reports.each_once(kThreads * kPerThread));
  CHECK(reports.delivered == kThreads * kPerThread);
  // Per channel: every sequence number once, in order, offsets increasing.
  instant::Client c({srv.url(), srv.config().api_key});
  int checked = 0;
  for (int ch = 0; ch < kChannels; ++ch) {
    auto h = c.history(prefix + "_" + std::to_string(ch));
    REQUIRE(h.publications.size() == 1000);
    for (std::size_t i = 0; i < h.publications.size(); ++i) {
      CHECK(h.publications[i].data == "{\"seq\":" + std::to_string(i) + "}");
      if (i) CHECK(h.publications[i].offset == h.publications[i - 1].offset + 1);
    }
    ++checked;
  }
  CHECK(checked == kChannels);
  // Reports carry the stored position.
  {
    std::lock_guard<std::mutex> lk(reports.mu);
    for (const auto& [id, r] : reports.last) {
      CHECK(r.position.offset >= 1);
      CHECK(r.attempts == 1);
    }
  }
  auto s = pub.stats();
  CHECK(s.delivered == 100000);
  CHECK(s.queued == 0);
  CHECK(s.batches >= 100);  // batched, not one request per publication
  CHECK(s.connections_opened <= 2);
}

TEST_CASE("Publisher: permanent per-item errors are reported at once, the rest delivered",
          "[publisher]") {
  auto& srv = shared_server();
  Reports reports;
  instant::PublisherConfig pc = config_for(srv.url(), srv.config().api_key, reports);
  pc.inflight = 1;  // one lane: good and bad publications share batches
  instant::Publisher pub(pc);
  const std::string ch = unique("mixed");
  for (int i = 0; i < 100; ++i) {
    instant::PublishRequest r;
    r.channel = (i % 10 == 3) ? "unknownns:" + ch : ch;
    r.data = "{\"i\":" + std::to_string(i) + "}";
    pub.publish_raw(r, {opaque(static_cast<std::uintptr_t>(i) + 1)});
  }
  pub.flush(std::chrono::seconds(10));
  CHECK(reports.each_once(100));
  CHECK(reports.failed == 10);
  CHECK(reports.delivered == 90);
  std::lock_guard<std::mutex> lk(reports.mu);
  for (int i = 0; i < 100; ++i) {
    const auto& r = reports.last[static_cast<std::uintptr_t>(i) + 1];
    if (i % 10 == 3) {
      CHECK(r.error.kind() == errc::server_error);
      CHECK(r.error.server_code() == 102);
      CHECK(r.attempts == 1);  // not retried
    } else {
      CHECK(r.outcome == Delivery::delivered);
    }
  }
}

TEST_CASE("Publisher: the envelope, broadcast, generated and given keys", "[publisher]") {
  auto& srv = shared_server();
  Reports reports;
  instant::Publisher pub(config_for(srv.url(), srv.config().api_key, reports));
  const std::string a = unique("env_a"), b = unique("env_b");
  pub.publish(a, instant::Event{.message = "hello", .event_class = "important"}, {opaque(1)});
  instant::BroadcastRequest br{{a, b}, R"({"x":1})", "", {}};
  pub.broadcast(br, {opaque(2)});
  instant::PublishRequest given{a, R"({"y":2})", "", {.idempotency_key = "caller-key-7"}};
  pub.publish_raw(given, {opaque(3)});
  pub.publish_raw(given, {opaque(4)});  // the same key: Centrifugo keeps one
  pub.flush(std::chrono::seconds(10));
  REQUIRE(reports.each_once(4));
  CHECK(reports.delivered == 4);
  instant::Client c({srv.url(), srv.config().api_key});
  auto h = c.history(a);
  REQUIRE(h.publications.size() == 3);
  CHECK(h.publications[0].data == R"({"channel":")" + a + R"(","site":"Site","message":"hello","event_class":"important"})");
  CHECK(h.publications[1].data == R"({"x":1})");
  CHECK(h.publications[2].data == R"({"y":2})");
  CHECK(c.history(b).publications.size() == 1);
  std::lock_guard<std::mutex> lk(reports.mu);
  CHECK(reports.keys[3] == "caller-key-7");
  CHECK(reports.keys[1].rfind("instant-", 0) == 0);
  CHECK(reports.keys[1] != reports.keys[2]);
  CHECK(reports.last[3].position.offset == reports.last[4].position.offset);  // the duplicate's original
}

TEST_CASE("Publisher: bad input is refused at once, never queued", "[publisher]") {
  auto& srv = shared_server();
  Reports reports;
  instant::Publisher pub(config_for(srv.url(), srv.config().api_key, reports));
  instant::Status st;
  pub.publish("", instant::Event{.message = "m"}, {}, st);
  CHECK(st.kind() == errc::invalid_argument);
  pub.publish("bad$name", instant::Event{.message = "m"}, {}, st);
  CHECK(st.kind() == errc::invalid_channel);
  pub.publish("news", instant::Event{.data = "{oops"}, {}, st);
  CHECK(st.kind() == errc::invalid_json);
  pub.publish("news", instant::Event{}, {}, st);
  CHECK(st.kind() == errc::invalid_argument);
  instant::PublishRequest big{"news", "\"" + std::string(2 << 20, 'x') + "\"", "", {}};
  pub.publish_raw(big, {}, st);
  CHECK(st.kind() == errc::too_large);
  pub.flush(std::chrono::seconds(5));
  CHECK(reports.each_once(0));
  CHECK(pub.stats().enqueued == 0);
}

TEST_CASE("Publisher: an endpoint that is down fills the queue, then reports on time",
          "[publisher][fault]") {
  const int port = instant_test::free_port();  // nothing listens there
  Reports reports;
  instant::PublisherConfig pc = config_for("http://127.0.0.1:" + std::to_string(port), "k", reports);
  pc.queue_max_messages = 1000;
  pc.message_timeout = std::chrono::milliseconds(1500);
  pc.retry_backoff = std::chrono::milliseconds(20);
  pc.retry_backoff_max = std::chrono::milliseconds(100);
  instant::Publisher pub(pc);
  instant::Status st;
  int accepted = 0, refused = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5000; ++i) {
    pub.publish_raw({"news", "{\"i\":1}", "", {}}, {opaque(static_cast<std::uintptr_t>(i) + 1)}, st);
    if (st.ok()) ++accepted;
    else if (st.kind() == errc::queue_full) ++refused;
  }
  const auto enqueue_time = std::chrono::steady_clock::now() - t0;
  CHECK(accepted == 1000);
  CHECK(refused == 4000);
  CHECK(pub.stats().queue_full == 4000);
  // Asked to wait, publish waits up to its bound and then refuses.
  pub.publish_raw({"news", "{}", "", {}}, {nullptr, std::chrono::milliseconds(100)}, st);
  CHECK(st.kind() == errc::queue_full);
  // flush returns when it promised, with a timeout, before message_timeout.
  pub.flush(std::chrono::milliseconds(200), st);
  CHECK(st.kind() == errc::timeout);
  // Every accepted publication is reported failed (never sent: connection
  // refused), within message_timeout plus a margin.
  pub.flush(std::chrono::seconds(10));
  CHECK(reports.each_once(1000));
  CHECK(reports.failed == 1000);
  CHECK(reports.possibly == 0);
  std::lock_guard<std::mutex> lk(reports.mu);
  for (const auto& [id, r] : reports.last) {
    CHECK(r.error.kind() == errc::transport);  // the last failure, named
    CHECK(r.latency >= std::chrono::milliseconds(1500));
  }
  (void)enqueue_time;
}

TEST_CASE("Publisher: a batch read and then dropped is resent with the same keys", "[publisher][fault]") {
  // The first connection reads the first request and closes without a reply;
  // later requests get a proper batch reply.
  std::mutex mu;
  std::vector<std::string> bodies;
  instant_test::LoopbackServer server([&](int c, int conn) {
    std::string buf;
    for (;;) {
      std::size_t head;
      while ((head = buf.find("\r\n\r\n")) == std::string::npos) {
        char tmp[65536];
        ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) return;
        buf.append(tmp, static_cast<std::size_t>(n));
      }
      std::size_t len = 0;
      const auto cl = buf.find("Content-Length: ");
      if (cl != std::string::npos && cl < head) len = std::stoul(buf.substr(cl + 16));
      while (buf.size() < head + 4 + len) {
        char tmp[65536];
        ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) return;
        buf.append(tmp, static_cast<std::size_t>(n));
      }
      const std::string body = buf.substr(head + 4, len);
      buf.erase(0, head + 4 + len);
      std::size_t commands = 0;
      for (std::size_t p = 0; (p = body.find("{\"publish\":", p)) != std::string::npos; ++p) ++commands;
      {
        std::lock_guard<std::mutex> lk(mu);
        bodies.push_back(body);
      }
      if (conn == 0) return;  // read, then close without answering
      std::string replies = "{\"replies\":[";
      for (std::size_t i = 0; i < commands; ++i) replies += std::string(i ? "," : "") + "{\"publish\":{}}";
      replies += "]}";
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(replies.size()) +
                                "\r\n\r\n" + replies;
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
  });
  Reports reports;
  instant::PublisherConfig pc = config_for(server.url(), "k", reports);
  pc.inflight = 1;
  // All ten in one batch, whatever the machine's load: it leaves when full.
  pc.batch_max_messages = 10;
  pc.linger = std::chrono::seconds(5);
  pc.retry_backoff = std::chrono::milliseconds(10);
  instant::Publisher pub(pc);
  for (int i = 0; i < 10; ++i) pub.publish_raw({"news", "{\"i\":" + std::to_string(i) + "}", "", {}}, {opaque(static_cast<std::uintptr_t>(i) + 1)});
  // No flush before the first request is on the wire: a flush could catch
  // the I/O thread between taking part of the ten and sending.
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard<std::mutex> lk(mu);
      if (!bodies.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pub.flush(std::chrono::seconds(10));
  CHECK(reports.each_once(10));
  CHECK(reports.delivered == 10);
  std::lock_guard<std::mutex> lk(mu);
  REQUIRE(bodies.size() >= 2);
  CHECK(bodies[0] == bodies[1]);  // the resend is the same request: same keys
  CHECK(bodies[0].find("\"idempotency_key\":\"instant-") != std::string::npos);
  std::lock_guard<std::mutex> lk2(reports.mu);
  for (const auto& [id, r] : reports.last) CHECK(r.attempts == 2);
}

TEST_CASE("Publisher: close reports what it could not deliver; a closed publisher refuses",
          "[publisher][fault]") {
  // A server that accepts and never answers: requests stay on the wire.
  instant_test::LoopbackServer silent(nullptr);
  Reports reports;
  instant::PublisherConfig pc = config_for(silent.url(), "k", reports);
  pc.linger = std::chrono::milliseconds(0);
  instant::Publisher pub(pc);
  for (int i = 0; i < 50; ++i) pub.publish_raw({"news", "{}", "", {}}, {opaque(static_cast<std::uintptr_t>(i) + 1)});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  instant::Status st;
  pub.close(std::chrono::milliseconds(300), st);
  CHECK(st.kind() == errc::timeout);
  CHECK(reports.each_once(50));
  CHECK(reports.delivered == 0);
  CHECK(reports.possibly + reports.failed == 50);
  CHECK(reports.possibly >= 1);  // the ones on the wire may have been stored
  pub.publish_raw({"news", "{}", "", {}}, {}, st);
  CHECK(st.kind() == errc::closed);
  pub.flush(std::chrono::milliseconds(10), st);
  CHECK(st.kind() == errc::closed);
  pub.close(std::chrono::milliseconds(10));  // idempotent
}

TEST_CASE("Publisher: purge drops what is queued, each reported purged", "[publisher]") {
  instant_test::LoopbackServer silent(nullptr);
  Reports reports;
  instant::PublisherConfig pc = config_for(silent.url(), "k", reports);
  pc.inflight = 1;
  pc.batch_max_messages = 10;
  pc.linger = std::chrono::milliseconds(0);
  instant::Publisher pub(pc);
  for (int i = 0; i < 100; ++i) pub.publish_raw({"news", "{}", "", {}}, {opaque(static_cast<std::uintptr_t>(i) + 1)});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // One batch (1 to 10 publications, however many the I/O thread found) is
  // on the wire and unanswered; purge drops exactly the rest.
  const std::size_t on_wire = pub.stats().in_flight;
  const std::size_t purged = pub.purge();
  CHECK(on_wire >= 1);
  CHECK(on_wire <= 10);
  CHECK(purged == 100 - on_wire);
  CHECK(pub.stats().purged == purged);
  instant::Status st;
  pub.close(std::chrono::milliseconds(100), st);
  CHECK(st.kind() == errc::timeout);  // the batch on the wire never got its reply
  CHECK(reports.each_once(100));
  std::lock_guard<std::mutex> lk(reports.mu);
  int n_purged = 0;
  for (const auto& [id, r] : reports.last) n_purged += r.error.kind() == errc::purged;
  CHECK(n_purged == static_cast<int>(purged));
}

TEST_CASE("Publisher: configuration is checked", "[publisher]") {
  instant::PublisherConfig pc;
  instant::Status st;
  instant::Publisher a(pc, st);
  CHECK(st.kind() == errc::config);  // no API key
  pc.client.api_key = "k";
  pc.inflight = 0;
  instant::Publisher b(pc, st);
  CHECK(st.kind() == errc::invalid_argument);
  pc.inflight = 2;
  pc.client.api_mode = instant::ApiMode::legacy;
  CHECK_THROWS_AS(instant::Publisher(pc), instant::Error);
  pc.client.api_mode = instant::ApiMode::v5;
  pc.endpoints = {"ftp://nope"};
  instant::Publisher c(pc, st);
  CHECK(st.kind() == errc::config);
  // A failed construction leaves a publisher that reports instead of crashing.
  a.publish_raw({"news", "{}", "", {}}, {}, st);
  CHECK(st.kind() == errc::invalid_argument);
}
