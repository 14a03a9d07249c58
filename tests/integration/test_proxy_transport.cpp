// The transport's proxy path (curl_easy_perform through an HTTP proxy),
// exercised through a tiny forwarding proxy to the real Centrifugo.
#include "catch.hpp"
#include "centrifugo_server.hpp"
#include "loopback_server.hpp"

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

// Accepts connections; for each, rewrites absolute-form request lines
// ("POST http://host:port/path HTTP/1.1") to origin form and relays bytes
// to `upstream_port`. Counts the requests it saw.
class ForwardProxy {
 public:
  explicit ForwardProxy(int upstream_port)
      : upstream_(upstream_port), server_([this](int c, int) { relay(c); }) {}
  std::string url() const { return server_.url(); }
  int requests() const { return requests_; }

 private:
  void relay(int c) {
    int u = instant_test::connect_loopback(upstream_);
    if (u < 0) return;
    std::string pending;
    pollfd fds[2] = {{c, POLLIN, 0}, {u, POLLIN, 0}};
    char buf[16384];
    while (!server_.stopping() && ::poll(fds, 2, 2000) > 0) {
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
  std::atomic<int> requests_{0};
  instant_test::LoopbackServer server_;  // last: stopped first
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
  auto h = c.history(ch, instant::HistoryOptions{.limit = 10});
  CHECK(h.publications.size() == 5);
}
