#include "hostile_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace instant_test {
namespace {

constexpr int kTickMs = 50;  // how often blocked I/O looks at the stop flag

std::string response(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The Content-Length of a request head (0 when absent).
std::size_t content_length(const std::string& head) {
  std::string lower(head);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return static_cast<std::size_t>(std::strtoull(lower.c_str() + at + 17, nullptr, 10));
}

}  // namespace

HostileServer::HostileServer(Mode mode, std::string body, std::size_t length)
    : mode_(mode), body_(std::move(body)), length_(length) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HostileServer::~HostileServer() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : threads_) t.join();
  for (int fd : fds_) ::close(fd);
  ::close(listen_fd_);
}

std::string HostileServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<HostileServer::Request> HostileServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool HostileServer::pause(int ms) {
  for (int waited = 0; waited < ms && !stop_; waited += kTickMs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
  }
  return !stop_;
}

void HostileServer::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kTickMs) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const int index = ++accepted_;
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd, index] { serve(fd, index); });
  }
}

bool HostileServer::send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    if (stop_) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, kTickMs) <= 0) continue;
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;  // the client went away
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one complete request (head and Content-Length body) and logs it;
// false when the client closed first or the server stops.
bool HostileServer::read_request(int fd, int index) {
  std::string buf;
  std::size_t head_end = std::string::npos, need = 0;
  for (;;) {
    if (head_end == std::string::npos) {
      head_end = buf.find("\r\n\r\n");
      if (head_end != std::string::npos) need = head_end + 4 + content_length(buf.substr(0, head_end));
    }
    if (head_end != std::string::npos && buf.size() >= need) break;
    if (stop_) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kTickMs) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  Request r;
  r.connection = index;
  r.line = buf.substr(0, buf.find("\r\n"));
  r.body = buf.substr(head_end + 4, need - head_end - 4);
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(std::move(r));
  return true;
}

void HostileServer::serve(int fd, int index) {
  for (int served = 1; read_request(fd, index); ++served) {
    switch (mode_) {
      case Mode::chunked_endless: {
        const std::string chunk = "4000\r\n" + std::string(0x4000, 'x') + "\r\n";
        if (!send_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) return;
        while (send_all(fd, chunk)) {
        }
        return;
      }
      case Mode::big_length:
        if (!send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length_) + "\r\n\r\n")) return;
        while (send_all(fd, "x") && pause(50)) {
        }
        return;
      case Mode::endless_headers: {
        const std::string line = "X-A: " + std::string(1000, 'a') + "\r\n";
        if (!send_all(fd, "HTTP/1.1 200 OK\r\n")) return;
        while (send_all(fd, line)) {
        }
        return;
      }
      case Mode::close_after_read:
        ::shutdown(fd, SHUT_RDWR);
        return;
      case Mode::ok_then_close:
        if (index != 1 || served != 1) {
          ::shutdown(fd, SHUT_RDWR);
          return;
        }
        if (!send_all(fd, response(body_))) return;
        break;
      case Mode::reply:
        if (!send_all(fd, response(body_))) return;
        break;
      case Mode::slowloris:
        for (char c : response(body_)) {
          if (!send_all(fd, std::string(1, c)) || !pause(200)) return;
        }
        break;
    }
  }
}

}  // namespace instant_test
