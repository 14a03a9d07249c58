#include "hostile_server.hpp"

#include <poll.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

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
    : mode_(mode), body_(std::move(body)), length_(length),
      server_([this](int fd, int index) { serve(fd, index + 1); }) {}

std::vector<HostileServer::Request> HostileServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool HostileServer::pause(int ms) {
  for (int waited = 0; waited < ms && !server_.stopping(); waited += kTickMs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
  }
  return !server_.stopping();
}

bool HostileServer::send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    if (server_.stopping()) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, kTickMs) <= 0) continue;
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;  // the client went away
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Sends head, then `repeat` every `pause_ms` until the client goes away.
void HostileServer::endless(int fd, const std::string& head, const std::string& repeat, int pause_ms) {
  if (!send_all(fd, head)) return;
  while (send_all(fd, repeat) && pause(pause_ms)) {
  }
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
    if (server_.stopping()) return false;
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
      case Mode::chunked_endless:
        return endless(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                       "4000\r\n" + std::string(0x4000, 'x') + "\r\n", 0);
      case Mode::big_length:
        return endless(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length_) + "\r\n\r\n",
                       "x", 50);
      case Mode::endless_headers:
        return endless(fd, "HTTP/1.1 200 OK\r\n", "X-A: " + std::string(1000, 'a') + "\r\n", 0);
      case Mode::close_after_read:
        return;  // LoopbackServer closes the connection when serve returns
      case Mode::ok_then_close:
        if (index != 1 || served != 1) return;
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
