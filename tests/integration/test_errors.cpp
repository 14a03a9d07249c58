// Each failure kind of SPEC §6, told apart by type, never leaking a secret.
#include "catch.hpp"
#include "centrifugo_server.hpp"
#include "loopback_server.hpp"

#include <instant/client.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

using instant::errc;
using instant_test::shared_server;

namespace {

const std::string kSecret = "s3cret-api-key-never-printed";

instant::Config cfg_at(const std::string& url, const std::string& key = kSecret) {
  instant::Config c;
  c.url = url;
  c.api_key = key;
  c.timeout = std::chrono::milliseconds(800);
  c.connect_timeout = std::chrono::milliseconds(800);
  return c;
}

// Answers every connection with `reply` after one read, then closes it; an
// empty reply: accepts (in the kernel's backlog) and never answers.
class FaultServer {
 public:
  explicit FaultServer(std::string reply)
      : reply_(std::move(reply)),
        server_(reply_.empty() ? instant_test::LoopbackServer::Serve()
                               : [this](int c, int) {
                                   char buf[65536];
                                   ::recv(c, buf, sizeof buf, 0);
                                   ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
                                 }) {}
  std::string url() const { return server_.url(); }

 private:
  std::string reply_;
  instant_test::LoopbackServer server_;
};

void no_secret(const instant::Status& st) {
  CHECK(st.message().find(kSecret) == std::string::npos);
  CHECK_FALSE(st.message().empty());
}

}  // namespace

TEST_CASE("wrong API key is unauthorized (401)", "[errors]") {
  instant::Client c(cfg_at(shared_server().url()));
  instant::Status st;
  c.publish("chan", "m", st);
  CHECK(st.kind() == errc::unauthorized);
  CHECK(st.http_status() == 401);
  no_secret(st);
}

TEST_CASE("missing API key fails before any network call", "[errors]") {
  instant::Client c(cfg_at(shared_server().url(), ""));
  instant::Status st;
  c.publish("chan", "m", st);
  CHECK(st.kind() == errc::config);
  CHECK(st.message().find("API key") != std::string::npos);
  CHECK(c.stats().requests == 0);
  CHECK(c.stats().connections_opened == 0);
}

TEST_CASE("bad input is refused before any I/O", "[errors]") {
  // Nothing listens here: any I/O would be a transport error instead.
  instant::Client c(cfg_at("http://127.0.0.1:" + std::to_string(instant_test::free_port())));
  instant::Status st;
  c.publish("", "m", st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK(st.message().find("'channel'") != std::string::npos);
  c.publish("chan", instant::Event{}, st);
  CHECK(st.kind() == errc::invalid_argument);
  c.publish("chan", instant::Event{.data = "{\"a\":"}, st);
  CHECK(st.kind() == errc::invalid_json);
  c.publish("chan", instant::Event{.data = "{\"a\":1} x"}, st);
  CHECK(st.kind() == errc::invalid_json);
  c.publish(std::string(256, 'a'), "m", st);
  CHECK(st.kind() == errc::invalid_channel);
  c.publish_raw({"chan", "", "", {}}, st);
  CHECK(st.kind() == errc::invalid_argument);  // empty data (Centrifugo's 107)
  (void)c.broadcast({{}, "{}", "", {}}, st);
  CHECK(st.kind() == errc::invalid_argument);
  (void)c.batch(instant::Batch(), st);
  CHECK(st.kind() == errc::invalid_argument);
  c.call("no such/method", "{}", st);
  CHECK(st.kind() == errc::invalid_argument);

  auto cfg = cfg_at(shared_server().url(), shared_server().config().api_key);
  cfg.max_payload = 1024;
  instant::Client small(cfg);
  small.publish("chan", instant::Event{.message = std::string(2000, 'x')}, st);
  CHECK(st.kind() == errc::too_large);
  CHECK(c.stats().requests == 0);
  CHECK(small.stats().requests == 0);
}

TEST_CASE("nothing listening is a transport error", "[errors]") {
  instant::Client c(cfg_at("http://127.0.0.1:" + std::to_string(instant_test::free_port())));
  instant::Status st;
  c.publish("chan", "m", st);
  CHECK(st.kind() == errc::transport);
  no_secret(st);
  CHECK_THROWS_AS(c.info(), instant::Error);
}

TEST_CASE("a server that accepts and never answers is a timeout", "[errors]") {
  FaultServer silent("");  // listens; never reads or answers
  auto cfg = cfg_at(silent.url());
  cfg.timeout = std::chrono::milliseconds(300);
  instant::Client c(cfg);
  instant::Status st;
  c.publish("chan", "m", st);
  CHECK(st.kind() == errc::timeout);
  no_secret(st);
}

TEST_CASE("garbage and unexpected statuses are told apart", "[errors]") {
  instant::Status st;
  {
    FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot json!");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", st);
    CHECK(st.kind() == errc::malformed_reply);
    CHECK(st.http_status() == 200);
  }
  {
    FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"result\":[1]}\n");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", st);
    CHECK(st.kind() == errc::malformed_reply);
  }
  {
    FaultServer s("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", st);
    CHECK(st.kind() == errc::http_status);
    CHECK(st.http_status() == 503);
    no_secret(st);
  }
  {
    FaultServer s("this is not http at all\r\n\r\n");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", st);
    CHECK(st.kind() == errc::transport);
  }
  {
    // Centrifugo's own error reply carries its code.
    FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 52\r\nConnection: close\r\n\r\n"
                  "{\"error\":{\"code\":100,\"message\":\"internal error\"}}\n\n\n");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", st);
    CHECK(st.kind() == errc::server_error);
    CHECK(st.server_code() == 100);
  }
}

TEST_CASE("a kept-alive connection the server closed is replaced transparently", "[transport]") {
  // This server answers one request per connection, then closes it without
  // saying "Connection: close": the second publish finds a dead connection.
  FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 38\r\n\r\n{\"result\":{\"offset\":7,\"epoch\":\"abc\"}}\n");
  instant::Client c(cfg_at(s.url()));
  for (int i = 0; i < 3; ++i) {
    auto r = c.publish("chan", "m");
    CHECK(r.offset == 7);
    CHECK(r.epoch == "abc");
  }
  CHECK(c.stats().requests == 3);
  CHECK(c.stats().connections_opened == 3);
}

namespace {

// A server that reads whole requests (headers + Content-Length body), logs
// their bodies, and answers a request only when `answer(connection, nth
// request on it)` says so; otherwise it closes the connection right after
// reading the request, without a reply (the F5 failure).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<bool(int, int)> answer)
      : answer_(std::move(answer)), server_([this](int c, int conn) { serve(c, conn); }) {}
  std::string url() const { return server_.url(); }
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lk(mu_);
    return bodies_;
  }

 private:
  void serve(int c, int conn) {
    std::string buf;
    for (int nth = 0;; ++nth) {
      std::size_t head_end;
      while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
        char tmp[65536];
        ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) return;
        buf.append(tmp, static_cast<std::size_t>(n));
      }
      std::size_t length = 0;
      const auto cl = buf.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) length = std::stoul(buf.substr(cl + 16));
      while (buf.size() < head_end + 4 + length) {
        char tmp[65536];
        ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) return;
        buf.append(tmp, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard<std::mutex> lk(mu_);
        bodies_.push_back(buf.substr(head_end + 4, length));
      }
      buf.erase(0, head_end + 4 + length);
      if (!answer_(conn, nth)) return;  // read, then close without a reply
      const std::string body = R"({"result":{"offset":1,"epoch":"e"}})";
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                                "\r\n\r\n" + body;
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
  }

  std::function<bool(int, int)> answer_;
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  instant_test::LoopbackServer server_;  // last: stopped first
};

std::string idempotency_key(const std::string& body) {
  const std::string tag = "\"idempotency_key\":\"";
  auto p = body.find(tag);
  if (p == std::string::npos) return {};
  p += tag.size();
  return body.substr(p, body.find('"', p) - p);
}

// The first request on the first connection is answered; every later request
// is read and then the connection is closed without a reply.
bool first_only(int conn, int nth) { return conn == 0 && nth == 0; }

}  // namespace

TEST_CASE("F5: a request lost on a kept-alive connection is resent only when harmless",
          "[transport][F5]") {
  SECTION("a publish is resent once, with the same idempotency key, then reported failed") {
    ScriptedServer s(first_only);
    instant::Client c(cfg_at(s.url()));
    CHECK(c.publish("chan", "first").offset == 1);
    instant::Status st;
    c.publish("chan", "second", st);
    CHECK(st.kind() == errc::transport);
    const auto b = s.bodies();
    REQUIRE(b.size() == 3);
    CHECK_FALSE(idempotency_key(b[0]).empty());
    CHECK(idempotency_key(b[1]) == idempotency_key(b[2]));
    CHECK(idempotency_key(b[0]) != idempotency_key(b[1]));
    CHECK(b[1] == b[2]);
  }
  SECTION("the caller's own idempotency key is the one sent and resent") {
    ScriptedServer s(first_only);
    instant::Client c(cfg_at(s.url()));
    (void)c.presence_stats("chan");  // warms up a kept-alive connection
    instant::PublishRequest r;
    r.channel = "chan";
    r.data = R"({"x":1})";
    r.options.idempotency_key = "caller-key-1";
    instant::Status st;
    c.publish_raw(r, st);
    CHECK(st.kind() == errc::transport);
    const auto b = s.bodies();
    REQUIRE(b.size() == 3);
    CHECK(idempotency_key(b[1]) == "caller-key-1");
    CHECK(idempotency_key(b[2]) == "caller-key-1");
  }
  SECTION("a subscribe (not harmless twice) is sent once and reported") {
    ScriptedServer s(first_only);
    instant::Client c(cfg_at(s.url()));
    (void)c.presence_stats("chan");  // warms up a kept-alive connection
    instant::SubscribeRequest r;
    r.user = "u";
    r.channel = "chan";
    instant::Status st;
    c.subscribe(r, st);
    CHECK(st.kind() == errc::transport);
    CHECK(st.message().find("not resent") != std::string::npos);
    CHECK(s.bodies().size() == 2);
  }
  SECTION("without generated keys a publish is not resent either") {
    ScriptedServer s(first_only);
    instant::Config cfg = cfg_at(s.url());
    cfg.idempotency_keys = false;
    instant::Client c(cfg);
    c.publish("chan", "first");
    instant::Status st;
    c.publish("chan", "second", st);
    CHECK(st.kind() == errc::transport);
    const auto b = s.bodies();
    REQUIRE(b.size() == 2);
    CHECK(idempotency_key(b[1]).empty());
  }
  SECTION("a read (info) is resent and succeeds on the fresh connection") {
    // conn 0 answers once, then reads and closes; conn 1 answers.
    ScriptedServer s([](int conn, int nth) { return conn != 0 || nth == 0; });
    instant::Client c(cfg_at(s.url()));
    instant::Status st;
    (void)c.presence_stats("chan", st);
    CHECK(st.ok());
    (void)c.presence_stats("chan", st);
    CHECK(st.ok());
    CHECK(s.bodies().size() == 3);
  }
  SECTION("on a fresh connection nothing is resent") {
    ScriptedServer s([](int, int) { return false; });
    instant::Client c(cfg_at(s.url()));
    instant::Status st;
    c.publish("chan", "m", st);
    CHECK(st.kind() == errc::transport);
    CHECK(s.bodies().size() == 1);
  }
}

TEST_CASE("Centrifugo's 400 for a malformed body is an HTTP status error", "[errors]") {
  instant::Client c(cfg_at(shared_server().url(), shared_server().config().api_key));
  instant::Status st;
  // A method Centrifugo does not know: HTTP 404 from its router.
  c.call("nosuchmethod", "{}", st);
  CHECK_FALSE(st.ok());
  CHECK(st.kind() == errc::http_status);
  CHECK(st.http_status() != 200);
}
