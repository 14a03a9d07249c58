// A TCP listener on 127.0.0.1 (a free port) for tests that need a peer which
// is not Centrifugo: fault servers, hostile servers, forwarding proxies. One
// thread accepts connections one at a time and hands each to `serve`
// (connection fd, index from 0); the fd is closed when serve returns.
#ifndef INSTANT_TEST_LOOPBACK_SERVER_HPP
#define INSTANT_TEST_LOOPBACK_SERVER_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace instant_test {

class LoopbackServer {
 public:
  using Serve = std::function<void(int fd, int index)>;

  // serve may be empty: connections are then accepted by the kernel's
  // backlog and never read (a server that never answers).
  explicit LoopbackServer(Serve serve) : serve_(std::move(serve)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 16);
    if (serve_) {
      thread_ = std::thread([this] {
        for (int i = 0;; ++i) {
          int c = ::accept(fd_, nullptr, nullptr);
          if (c < 0 || stop_) {
            if (c >= 0) ::close(c);
            return;
          }
          serve_(c, i);
          ::close(c);
        }
      });
    }
  }
  ~LoopbackServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool stopping() const { return stop_; }

 private:
  Serve serve_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace instant_test

#endif  // INSTANT_TEST_LOOPBACK_SERVER_HPP
