// Test harness: Debian's redis-server on a free 127.0.0.1 port, without
// persistence, for Centrifugo's Redis engine (state that must survive a
// Centrifugo restart, several nodes sharing one idempotency cache). Stopped
// on destruction. A missing redis-server throws: the test fails, never skips.
#pragma once

#include <string>
#include <sys/types.h>

namespace instant_test {

class Redis {
 public:
  Redis();
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  int port() const { return port_; }
  std::string url() const;  // redis://127.0.0.1:PORT
  // The Centrifugo config member that puts a node on this Redis, for
  // ServerConfig::extra.
  std::string engine_json() const;

 private:
  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
};

}  // namespace instant_test
