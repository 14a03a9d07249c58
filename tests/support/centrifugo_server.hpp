// Test harness: starts a real Centrifugo v6 on a free 127.0.0.1 port with a
// generated config, waits for /health, stops it (SIGTERM) on destruction.
// A missing binary throws: tests that need the server fail, never skip.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace instant_test {

struct ServerConfig {
  std::string api_key = "test-api-key-0123456789abcdef";
  std::string hmac_key = "test-hmac-key-0123456789abcdef-0123456789";
  // Extra JSON members merged into the generated config's top level object
  // text (without braces), e.g. R"("client":{...})". Overrides defaults.
  std::string extra;
  // Replace the whole "channel" section (JSON object text) when non-empty.
  std::string channel_section;
  // Replace the whole "client" section (JSON object text) when non-empty.
  std::string client_section;
};

class Centrifugo {
 public:
  explicit Centrifugo(ServerConfig cfg = {});
  ~Centrifugo();
  Centrifugo(const Centrifugo&) = delete;
  Centrifugo& operator=(const Centrifugo&) = delete;

  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT
  const ServerConfig& config() const { return cfg_; }
  const std::string& config_path() const { return config_path_; }
  const std::string& log_path() const { return log_path_; }
  void stop();
  // SIGKILL, as in a crash: no graceful shutdown, connections reset.
  void kill();
  // Starts the stopped or killed server again with the same configuration on
  // the same port; throws when it does not come up.
  void restart();

 private:
  bool spawn();  // starts the binary on port_, waits for /health
  std::string read_log() const;

  ServerConfig cfg_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_, config_path_, log_path_;
};

// One server shared by the tests of a binary, started on first use.
Centrifugo& shared_server();

// The Centrifugo binary (INSTANT_CENTRIFUGO_BIN); throws when it is missing.
std::string centrifugo_bin();

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// Runs a command, returns its exit status; stdout+stderr go to *output.
int run_command(const std::string& cmd, std::string* output);

// A blocking TCP connection to 127.0.0.1:port (the caller closes it), or -1.
int connect_loopback(int port);

// GET http://127.0.0.1:port/path; returns the HTTP status (0 when refused).
int http_get_status(int port, const std::string& path);

}  // namespace instant_test

namespace instant_test {

// A child process with stdin/stdout pipes (for real clients like
// tests/js/live_client.mjs). Killed on destruction.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Next stdout line, or "" at EOF / after timeout_ms without a full line.
  std::string read_line(int timeout_ms = 10000);
  // Reads lines until one contains `needle`; returns it ("" on timeout/EOF).
  std::string wait_for(const std::string& needle, int timeout_ms = 10000);
  void close_stdin();

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buf_;
};

// An HS256 JWT over `claims_json`, signed with `key` (test-side oracle,
// independent of instant's token module).
std::string hs256_jwt(const std::string& claims_json, const std::string& key);

// Path of tests/js/live_client.mjs and the node binary.
std::vector<std::string> live_client_argv(const std::string& ws_url, const std::string& token,
                                          const std::vector<std::string>& subs = {});

}  // namespace instant_test
