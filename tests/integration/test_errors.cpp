// Each failure kind of SPEC §6, told apart by type, never leaking a secret.
#include "catch.hpp"
#include "centrifugo_server.hpp"

#include <instant/client.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

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

// A loopback listener that accepts and then does `behaviour` with each connection.
class FaultServer {
 public:
  explicit FaultServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 16);
    if (!reply_.empty()) {
      thread_ = std::thread([this] {
        for (;;) {
          int c = ::accept(fd_, nullptr, nullptr);
          if (c < 0 || stop_) {
            if (c >= 0) ::close(c);
            return;
          }
          char buf[65536];
          ::recv(c, buf, sizeof buf, 0);
          ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
          ::close(c);
        }
      });
    }
  }
  ~FaultServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void no_secret(const instant::Status& st) {
  CHECK(st.message().find(kSecret) == std::string::npos);
  CHECK_FALSE(st.message().empty());
}

}  // namespace

TEST_CASE("wrong API key is unauthorized (401)", "[errors]") {
  instant::Client c(cfg_at(shared_server().url()));
  instant::Status st;
  c.publish("chan", "m", {}, st);
  CHECK(st.kind() == errc::unauthorized);
  CHECK(st.http_status() == 401);
  no_secret(st);
}

TEST_CASE("missing API key fails before any network call", "[errors]") {
  instant::Client c(cfg_at(shared_server().url(), ""));
  instant::Status st;
  c.publish("chan", "m", {}, st);
  CHECK(st.kind() == errc::config);
  CHECK(st.message().find("API key") != std::string::npos);
  CHECK(c.stats().requests == 0);
  CHECK(c.stats().connections_opened == 0);
}

TEST_CASE("bad input is refused before any I/O", "[errors]") {
  // Nothing listens here: any I/O would be a transport error instead.
  instant::Client c(cfg_at("http://127.0.0.1:" + std::to_string(instant_test::free_port())));
  instant::Status st;
  c.publish("", "m", {}, st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK(st.message().find("'channel'") != std::string::npos);
  c.publish("chan", instant::Event(), st);
  CHECK(st.kind() == errc::invalid_argument);
  c.publish("chan", instant::Event().data("{\"a\":"), st);
  CHECK(st.kind() == errc::invalid_json);
  c.publish("chan", instant::Event().data("{\"a\":1} x"), st);
  CHECK(st.kind() == errc::invalid_json);
  c.publish(std::string(256, 'a'), "m", {}, st);
  CHECK(st.kind() == errc::invalid_channel);
  c.publish_raw({"chan", "", "", {}}, st);
  CHECK(st.kind() == errc::invalid_argument);  // empty data (Centrifugo's 107)
  c.broadcast({{}, "{}", "", {}}, st);
  CHECK(st.kind() == errc::invalid_argument);
  c.batch(instant::Batch(), st);
  CHECK(st.kind() == errc::invalid_argument);
  c.call("no such/method", "{}", st);
  CHECK(st.kind() == errc::invalid_argument);

  auto cfg = cfg_at(shared_server().url(), shared_server().config().api_key);
  cfg.max_payload = 1024;
  instant::Client small(cfg);
  small.publish("chan", instant::Event().message(std::string(2000, 'x')), st);
  CHECK(st.kind() == errc::too_large);
  CHECK(c.stats().requests == 0);
  CHECK(small.stats().requests == 0);
}

TEST_CASE("nothing listening is a transport error", "[errors]") {
  instant::Client c(cfg_at("http://127.0.0.1:" + std::to_string(instant_test::free_port())));
  instant::Status st;
  c.publish("chan", "m", {}, st);
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
  c.publish("chan", "m", {}, st);
  CHECK(st.kind() == errc::timeout);
  no_secret(st);
}

TEST_CASE("garbage and unexpected statuses are told apart", "[errors]") {
  instant::Status st;
  {
    FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot json!");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", {}, st);
    CHECK(st.kind() == errc::malformed_reply);
    CHECK(st.http_status() == 200);
  }
  {
    FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"result\":[1]}\n");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", {}, st);
    CHECK(st.kind() == errc::malformed_reply);
  }
  {
    FaultServer s("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", {}, st);
    CHECK(st.kind() == errc::http_status);
    CHECK(st.http_status() == 503);
    no_secret(st);
  }
  {
    FaultServer s("this is not http at all\r\n\r\n");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", {}, st);
    CHECK(st.kind() == errc::transport);
  }
  {
    // Centrifugo's own error reply carries its code.
    FaultServer s("HTTP/1.1 200 OK\r\nContent-Length: 52\r\nConnection: close\r\n\r\n"
                  "{\"error\":{\"code\":100,\"message\":\"internal error\"}}\n\n\n");
    instant::Client c(cfg_at(s.url()));
    c.publish("chan", "m", {}, st);
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

TEST_CASE("Centrifugo's 400 for a malformed body is an HTTP status error", "[errors]") {
  instant::Client c(cfg_at(shared_server().url(), shared_server().config().api_key));
  instant::Status st;
  // A method Centrifugo does not know: HTTP 404 from its router.
  c.call("nosuchmethod", "{}", st);
  CHECK_FALSE(st.ok());
  CHECK(st.kind() == errc::http_status);
  CHECK(st.http_status() != 200);
}
