#include "centrifugo_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace instant_test {

std::string centrifugo_bin() {
  const char* env = std::getenv("INSTANT_CENTRIFUGO_BIN");
  std::string path = env && *env ? env : INSTANT_CENTRIFUGO_DEFAULT;
  if (path.empty() || access(path.c_str(), X_OK) != 0) {
    throw std::runtime_error(
        "Centrifugo binary not found (INSTANT_CENTRIFUGO_BIN='" + path +
        "'): run scripts/bootstrap; integration tests need a real server");
  }
  return path;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int http_get_status(int port, const std::string& path) {
  const int fd = connect_loopback(port);
  if (fd < 0) return 0;
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) < 0) {
    ::close(fd);
    return 0;
  }
  std::array<char, 256> buf{};
  ssize_t n = ::recv(fd, buf.data(), buf.size() - 1, 0);
  ::close(fd);
  if (n < 12) return 0;
  return std::atoi(buf.data() + 9);
}

int run_command(const std::string& cmd, std::string* output) {
  std::string full = cmd + " 2>&1";
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf{};
  std::string out;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = ::pclose(p);
  if (output) *output = out;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static std::string default_channel_section() {
  return R"({
    "without_namespace": {"history_size": 1000, "history_ttl": "300s", "presence": true,
                          "allow_subscribe_for_client": true},
    "namespaces": [
      {"name": "chat", "history_size": 1000, "history_ttl": "300s", "presence": true,
       "allow_subscribe_for_client": true, "allow_user_limited_channels": true},
      {"name": "nohistory"}
    ]})";
}

Centrifugo::Centrifugo(ServerConfig cfg) : cfg_(std::move(cfg)) {
  centrifugo_bin();  // a missing binary fails here, before any temporary directory
  char tmpl[] = "/tmp/instant-centrifugo-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  config_path_ = dir_ + "/config.json";
  log_path_ = dir_ + "/centrifugo.log";

  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    if (spawn()) return;
  }
  throw std::runtime_error("Centrifugo did not start; log:\n" + read_log());
}

std::string Centrifugo::read_log() const {
  std::ifstream log(log_path_);
  std::stringstream ss;
  ss << log.rdbuf();
  return ss.str();
}

bool Centrifugo::spawn() {
  const std::string bin = centrifugo_bin();
  std::ostringstream c;
  c << "{\n"
    << R"("http_server": {"address": "127.0.0.1", "port": )" << port_ << "},\n"
    << R"("log": {"level": "info"},)" << "\n"
    << R"("http_api": {"key": ")" << cfg_.api_key << "\"},\n"
    << R"("health": {"enabled": true},)" << "\n"
    << R"("usage_stats": {"disabled": true},)" << "\n"
    << "\"client\": "
    << (cfg_.client_section.empty()
            ? R"({"token": {"hmac_secret_key": ")" + cfg_.hmac_key +
                  R"("}, "allowed_origins": ["http://localhost:*", "http://127.0.0.1:*"]})"
            : cfg_.client_section)
    << ",\n"
    << "\"channel\": "
    << (cfg_.channel_section.empty() ? default_channel_section() : cfg_.channel_section)
    << (cfg_.extra.empty() ? "" : ",\n" + cfg_.extra) << "\n}\n";
  std::ofstream(config_path_) << c.str();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::chdir(dir_.c_str());
    ::execl(bin.c_str(), bin.c_str(), "-c", config_path_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_get_status(port_, "/health") == 200) return true;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return false;  // exited: port taken or bad config; retry / report
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  return false;
}

std::string Centrifugo::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void Centrifugo::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int st = 0;
    for (int i = 0; i < 250; ++i) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
  }
}

void Centrifugo::kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
  }
}

void Centrifugo::restart() {
  if (pid_ > 0) throw std::runtime_error("Centrifugo::restart: the server is running");
  // The same port: clients reconnect to the address they know. Another
  // process may have taken it meanwhile; then the restart fails loudly.
  if (!spawn()) throw std::runtime_error("Centrifugo did not restart on port " + std::to_string(port_) + "; log:\n" + read_log());
}

Centrifugo::~Centrifugo() {
  stop();
  std::string cmd = "rm -rf '" + dir_ + "'";
  run_command(cmd, nullptr);
}

Centrifugo& shared_server() {
  static Centrifugo server;
  return server;
}

}  // namespace instant_test

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>

namespace instant_test {

Child::Child(const std::vector<std::string>& argv) {
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  in_ = in[1];
  out_ = out[0];
}

Child::~Child() {
  close_stdin();
  if (out_ >= 0) ::close(out_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st;
    ::waitpid(pid_, &st, 0);
  }
}

void Child::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

std::string Child::read_line(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto nl = buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
    char tmp[4096];
    ssize_t n = ::read(out_, tmp, sizeof tmp);
    if (n <= 0) return "";
    buf_.append(tmp, static_cast<size_t>(n));
  }
}

std::string Child::wait_for(const std::string& needle, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    std::string line = read_line(static_cast<int>(left.count()));
    if (line.empty()) return "";
    if (line.find(needle) != std::string::npos) return line;
  }
}

static std::string b64url(const unsigned char* p, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), p, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::string hs256_jwt(const std::string& claims_json, const std::string& key) {
  std::string header = R"({"alg":"HS256","typ":"JWT"})";
  std::string input = b64url(reinterpret_cast<const unsigned char*>(header.data()), header.size()) + "." +
                      b64url(reinterpret_cast<const unsigned char*>(claims_json.data()), claims_json.size());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  return input + "." + b64url(mac, mac_len);
}

std::vector<std::string> live_client_argv(const std::string& ws_url, const std::string& token,
                                          const std::vector<std::string>& subs) {
  std::vector<std::string> argv = {"node", std::string(INSTANT_SOURCE_DIR) + "/tests/js/live_client.mjs",
                                   ws_url, token};
  argv.insert(argv.end(), subs.begin(), subs.end());
  return argv;
}

}  // namespace instant_test
