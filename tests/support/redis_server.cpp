#include "redis_server.hpp"

#include "centrifugo_server.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace instant_test {
namespace {

// PING answered with +PONG.
bool pong(int port) {
  const int fd = connect_loopback(port);
  if (fd < 0) return false;
  bool ok = false;
  if (::send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6) {
    pollfd p{fd, POLLIN, 0};
    char buf[16] = {0};
    ok = ::poll(&p, 1, 500) == 1 && ::recv(fd, buf, sizeof buf - 1, 0) >= 5 && std::string(buf, 5) == "+PONG";
  }
  ::close(fd);
  return ok;
}

}  // namespace

Redis::Redis() {
  const char* env = std::getenv("INSTANT_REDIS_BIN");
  const std::string bin = env && *env ? env : "redis-server";
  char tmpl[] = "/tmp/instant-redis-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    const std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::chdir(dir_.c_str());
      ::execlp(bin.c_str(), bin.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", dir_.c_str(), "--logfile", "redis.log",
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pong(port_)) return;
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
          throw std::runtime_error("redis-server not found ('" + bin + "'): run scripts/bootstrap");
        }
        break;  // the port was taken: another one
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  throw std::runtime_error("redis-server did not start (see " + dir_ + "/redis.log)");
}

Redis::~Redis() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  run_command("rm -rf '" + dir_ + "'", nullptr);
}

std::string Redis::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

std::string Redis::engine_json() const {
  return R"("engine": {"type": "redis", "redis": {"address": [")" + url() + R"("]}})";
}

}  // namespace instant_test
