// Test harness: a hostile HTTP/1.1 server on 127.0.0.1 (an ephemeral port)
// playing one misbehaviour towards every connection, and logging every
// complete request it reads. Each connection has its own thread; the
// destructor stops and joins them all (no write outlives the test).
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
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
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT
  std::vector<Request> requests() const;
  int connections() const { return accepted_.load(); }

 private:
  void accept_loop();
  void serve(int fd, int index);
  bool read_request(int fd, int index);
  bool send_all(int fd, const std::string& data);
  bool pause(int ms);  // false once stopping

  Mode mode_;
  std::string body_;
  std::size_t length_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace instant_test
