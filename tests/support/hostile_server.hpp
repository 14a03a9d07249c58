// Test harness: a hostile HTTP/1.1 server on 127.0.0.1 (a LoopbackServer)
// playing one misbehaviour towards every connection, one connection at a
// time, and logging every complete request it reads. Its endless modes stop
// when the client goes away or the server is destroyed (no write outlives
// the test).
#pragma once

#include "loopback_server.hpp"

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace instant_test {

class HostileServer {
 public:
  enum class Mode {
    chunked_endless,  // 200, chunked, 16 KiB chunks for ever
    big_length,       // 200, Content-Length `length`, then 1 byte every 50 ms
    endless_headers,  // status line, then 1 KB header lines for ever
    close_after_read, // reads the request, closes without a byte
    ok_then_close,    // the first request of the first connection gets `body`
                      // (keep-alive); every later one is read, then closed
    reply,            // answers every request with `body` (200, keep-alive)
    slowloris,        // a valid 200 reply with `body`, 1 byte every 200 ms
  };

  // One complete request as read: its connection (1, 2, ...), request line, body.
  struct Request {
    int connection = 0;
    std::string line;
    std::string body;
  };

  explicit HostileServer(Mode mode, std::string body = R"({"result":{"offset":1,"epoch":"e"}})",
                         std::size_t length = 2000000000);
  ~HostileServer() = default;
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  std::string url() const { return server_.url(); }  // http://127.0.0.1:PORT
  std::vector<Request> requests() const;

 private:
  void serve(int fd, int index);
  bool read_request(int fd, int index);
  bool send_all(int fd, const std::string& data);
  void endless(int fd, const std::string& head, const std::string& repeat, int pause_ms);
  bool pause(int ms);  // false once stopping

  Mode mode_;
  std::string body_;
  std::size_t length_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  LoopbackServer server_;  // last: stopped first, while the members above live
};

}  // namespace instant_test
