// The transport's proxy path (curl_easy_perform through an HTTP proxy),
// exercised through a tiny forwarding proxy to the real Centrifugo.
#include "catch.hpp"
#include "centrifugo_server.hpp"

#include <instant/client.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

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

// Accepts connections; for each, rewrites absolute-form request lines
// ("POST http://host:port/path HTTP/1.1") to origin form and relays bytes
// to `upstream_port`. Counts the requests it saw.
class ForwardProxy {
 public:
  explicit ForwardProxy(int upstream_port) : upstream_(upstream_port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~ForwardProxy() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void serve() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0 || stop_) {
        if (c >= 0) ::close(c);
        return;
      }
      relay(c);
      ::close(c);
    }
  }

  void relay(int c) {
    int u = connect_to(upstream_);
    if (u < 0) return;
    std::string pending;
    pollfd fds[2] = {{c, POLLIN, 0}, {u, POLLIN, 0}};
    char buf[16384];
    while (!stop_ && ::poll(fds, 2, 2000) > 0) {
      if (fds[0].revents & (POLLIN | POLLHUP)) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        pending.append(buf, static_cast<size_t>(n));
        // Rewrite every complete request line we see at a request start.
        for (;;) {
          auto p = pending.find(" http://");
          auto eol = pending.find("\r\n");
          if (p == std::string::npos || eol == std::string::npos || p > eol) break;
          auto path = pending.find('/', p + 8);
          pending.erase(p + 1, path - p - 1);
          ++requests_;
          break;
        }
        ::send(u, pending.data(), pending.size(), MSG_NOSIGNAL);
        pending.clear();
      }
      if (fds[1].revents & (POLLIN | POLLHUP)) {
        ssize_t n = ::recv(u, buf, sizeof buf, 0);
        if (n <= 0) break;
        ::send(c, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      }
    }
    ::close(u);
  }

  int upstream_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("publish through an HTTP proxy uses the proxy and reuses its connection", "[transport][proxy]") {
  auto& server = instant_test::shared_server();
  ForwardProxy proxy(server.port());
  instant::Config cfg;
  cfg.url = server.url();
  cfg.api_key = server.config().api_key;
  cfg.proxy = proxy.url();
  instant::Client c(cfg);
  const std::string ch = "proxied" + std::to_string(::getpid());
  for (int i = 0; i < 5; ++i) CHECK(c.publish(ch, "via proxy").offset == static_cast<uint64_t>(i + 1));
  CHECK(proxy.requests() == 5);
  CHECK(c.stats().connections_opened == 1);
  auto h = c.history(ch, instant::HistoryOptions(10));
  CHECK(h.publications.size() == 5);
}
