// A hostile server at the Centrifugo URL (tests/support/hostile_server.hpp):
// every misbehaviour ends in its typed error within the request timeout, with
// memory bounded by the reply cap, and no request is sent twice unless the
// copy is harmless (a publish's copies carry one idempotency key, so
// Centrifugo drops them). The calls run in instant_hostile_client, a process
// of its own: a crash cannot take the test binary down, and its peak resident
// set (VmHWM) measures what the call cost.
// ctest: hostile (the integration ctest leaves [hostile] out).
#include "catch.hpp"
#include "hostile_server.hpp"

#include <instant/config.hpp>
#include <instant/error.hpp>

#include <rapidjson/document.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>
#include <sstream>

extern char** environ;

using instant::errc;
using instant_test::HostileServer;
using Mode = HostileServer::Mode;

namespace {

// The reply cap (Config::max_reply, its default); bodies above it are too_large.
const long kReplyCapKib = static_cast<long>(instant::Config{}.max_reply / 1024);
// What a call that keeps at most a few KiB may cost beyond the same call
// against a well-behaved server (see baseline_kib).
constexpr long kSmallExtraKib = 4 * 1024;
// What a reply at the cap may cost: its buffer, reallocated once near the
// cap, briefly holds the old and the new copy (2x), plus a quarter for the
// allocator's and (under ASan) the shadow memory's bookkeeping.
const long kCapExtraKib = 2 * kReplyCapKib + kReplyCapKib / 4;
// How far past its timeout a call may return before it counts as hung
// (process start and sanitizer slowness; not a speed measurement).
constexpr long kHangSlackMs = 4000;

struct Result {
  std::string op;
  errc kind = errc::ok;
  long ms = 0;
  std::string detail;  // offset, or info's result JSON
};

struct Run {
  std::string output;
  int wait_status = 0;
  std::vector<Result> results;
  long base_kib = -1;
  long peak_kib = -1;
  long cost_kib() const { return peak_kib - base_kib; }
};

// Runs instant_hostile_client URL TIMEOUT_MS OPS... and parses what it prints.
Run run_client(const std::string& url, long timeout_ms, const std::vector<std::string>& ops) {
  std::vector<std::string> args = {INSTANT_HOSTILE_CLIENT, url, std::to_string(timeout_ms)};
  args.insert(args.end(), ops.begin(), ops.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  // Under ASan, freed blocks stay resident in its quarantine: the client runs
  // without one, so that its peak memory is the library's, not ASan's.
  std::vector<std::string> env_strings;
  std::string asan = "ASAN_OPTIONS=quarantine_size_mb=0";
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "ASAN_OPTIONS=", 13) == 0) {
      asan = std::string(*e) + ":quarantine_size_mb=0";
    } else {
      env_strings.emplace_back(*e);
    }
  }
  env_strings.push_back(asan);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  REQUIRE(rc == 0);
  Run run;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) run.output.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  REQUIRE(::waitpid(pid, &run.wait_status, 0) == pid);
  INFO("client output:\n" << run.output);
  REQUIRE(WIFEXITED(run.wait_status));  // a signal here is a crash (F1: SIGSEGV)
  REQUIRE(WEXITSTATUS(run.wait_status) == 0);
  std::istringstream lines(run.output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "result") {
      Result r;
      int kind = 0;
      in >> r.op >> kind >> r.ms;
      r.kind = static_cast<errc>(kind);
      std::getline(in >> std::ws, r.detail);
      run.results.push_back(r);
    } else if (tag == "memory") {
      in >> run.base_kib >> run.peak_kib;
    }
  }
  REQUIRE(run.results.size() == ops.size());
  REQUIRE(run.base_kib > 0);
  REQUIRE(run.peak_kib >= run.base_kib);
  return run;
}

// The peak memory of one publish answered at once by a well-behaved server:
// what libcurl and OpenSSL cost on a first call, taken off every measurement.
long baseline_kib();

// Checks that a run cost at most `extra_kib` more than the baseline.
void check_memory(const Run& run, long extra_kib) {
  INFO("the call cost " << run.cost_kib() << " KiB, a well-behaved reply " << baseline_kib()
                        << " KiB; bound: " << extra_kib << " KiB more (reply cap " << kReplyCapKib
                        << " KiB)");
  CHECK(run.cost_kib() - baseline_kib() < extra_kib);
}

void check_result(const Result& r, errc kind, long timeout_ms) {
  INFO(r.op << " ended with " << instant::to_string(r.kind) << " after " << r.ms << " ms");
  CHECK(r.kind == kind);
  CHECK(r.ms <= timeout_ms + kHangSlackMs);
}

// The idempotency_key of a publish request body ("" when none).
std::string idempotency_key(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("idempotency_key")) return {};
  const auto& k = d["idempotency_key"];
  return k.IsString() ? std::string(k.GetString(), k.GetStringLength()) : std::string();
}

std::vector<HostileServer::Request> requests_for(const HostileServer& s, const std::string& method) {
  std::vector<HostileServer::Request> out;
  for (const auto& r : s.requests()) {
    if (r.line.find("/api/" + method + " ") != std::string::npos) out.push_back(r);
  }
  return out;
}

long baseline_kib() {
  static const long kib = [] {
    HostileServer s(Mode::reply);
    const Run run = run_client(s.url(), 3000, {"publish"});
    REQUIRE(run.results[0].kind == errc::ok);
    return run.cost_kib();
  }();
  return kib;
}

// One call against `s`: it ends in `kind` within its timeout and costs at
// most `extra_kib` more than the baseline.
Run expect_one(const HostileServer& s, const char* op, long timeout_ms, errc kind, long extra_kib) {
  Run run = run_client(s.url(), timeout_ms, {op});
  check_result(run.results[0], kind, timeout_ms);
  check_memory(run, extra_kib);
  return run;
}

}  // namespace

TEST_CASE("an endless chunked body ends in too_large within twice the reply cap", "[hostile]") {
  expect_one(HostileServer(Mode::chunked_endless), "publish", 10000, errc::too_large, kCapExtraKib);
}

TEST_CASE("a huge Content-Length is too_large at once; one under the cap, trickled, times out", "[hostile]") {
  // 2,000,000,000 bytes announced, then 1 byte every 50 ms.
  expect_one(HostileServer(Mode::big_length), "publish", 3000, errc::too_large, kSmallExtraKib);
  expect_one(HostileServer(Mode::big_length, {}, static_cast<std::size_t>(kReplyCapKib) * 1024 - 1),
             "publish", 1500, errc::timeout, kSmallExtraKib);
}

TEST_CASE("endless headers end in too_large with bounded memory", "[hostile]") {
  expect_one(HostileServer(Mode::endless_headers), "publish", 5000, errc::too_large, kSmallExtraKib);
}

TEST_CASE("read-then-close on a fresh connection is a transport error, the request sent once", "[hostile]") {
  HostileServer s(Mode::close_after_read);
  const Run run = run_client(s.url(), 3000, {"subscribe", "publish"});
  check_result(run.results[0], errc::transport, 3000);
  check_result(run.results[1], errc::transport, 3000);
  CHECK(requests_for(s, "subscribe").size() == 1);
  const auto publishes = requests_for(s, "publish");
  REQUIRE_FALSE(publishes.empty());
  if (publishes.size() > 1) {  // a copy is harmless only with one key
    const std::string key = idempotency_key(publishes[0].body);
    CHECK_FALSE(key.empty());
    for (const auto& r : publishes) CHECK(idempotency_key(r.body) == key);
  }
  CHECK(publishes.size() <= 2);
}

TEST_CASE("read-then-close on a kept-alive connection: copies of a publish carry one idempotency key",
          "[hostile]") {
  HostileServer s(Mode::ok_then_close);
  // The first publish is answered and keeps the connection; the server reads
  // the second and closes without a reply: the caller hears of a failure.
  const Run run = run_client(s.url(), 3000, {"publish", "publish", "publish:caller-key-7"});
  check_result(run.results[0], errc::ok, 3000);
  CHECK(run.results[0].detail == "1");
  check_result(run.results[1], errc::transport, 3000);
  check_result(run.results[2], errc::transport, 3000);
  const auto publishes = requests_for(s, "publish");
  REQUIRE(publishes.size() >= 3);
  std::vector<std::string> keys;
  for (const auto& r : publishes) keys.push_back(idempotency_key(r.body));
  // Copies of one call share one key; different calls have different keys.
  const std::set<std::string> distinct(keys.begin() + 1, keys.end());
  INFO("requests received: " << publishes.size());
  CHECK(distinct.count("") == 0);
  CHECK(distinct.count("caller-key-7") == 1);
  CHECK(distinct.size() == 2);
  CHECK(keys.back() == "caller-key-7");
  CHECK(publishes.size() <= 5);
}

TEST_CASE("read-then-close on a kept-alive connection: subscribe is sent once and reported", "[hostile]") {
  HostileServer s(Mode::ok_then_close);
  const Run run = run_client(s.url(), 3000, {"publish", "subscribe"});
  check_result(run.results[0], errc::ok, 3000);
  check_result(run.results[1], errc::transport, 3000);
  CHECK(requests_for(s, "subscribe").size() == 1);
}

TEST_CASE("HTTP 200 with invalid JSON is malformed_reply", "[hostile]") {
  HostileServer s(Mode::reply, R"({"result":{"offset":1,"epoch":)");
  const Run run = run_client(s.url(), 3000, {"publish", "info"});
  check_result(run.results[0], errc::malformed_reply, 3000);
  check_result(run.results[1], errc::malformed_reply, 3000);
  check_memory(run, kSmallExtraKib);
}

TEST_CASE("the F1 number in a reply: no crash, a non-integer offset is malformed, the rest kept as written",
          "[hostile]") {
  const std::string num = "1.00000000000000000001e-330";
  expect_one(HostileServer(Mode::reply, R"({"result":{"offset":)" + num + R"(,"epoch":"e"}})"), "publish",
             3000, errc::malformed_reply, kSmallExtraKib);
  const Run publish = expect_one(HostileServer(Mode::reply, R"({"result":{"offset":7,"epoch":"e","x":)" + num + "}}"),
                                 "publish", 3000, errc::ok, kSmallExtraKib);
  CHECK(publish.results[0].detail == "7");
  const Run info = expect_one(
      HostileServer(Mode::reply, R"({"result":{"nodes":[{"uid":"u","name":"n","load":)" + num + "}]}}"), "info",
      3000, errc::ok, kSmallExtraKib);
  CHECK(info.results[0].detail.find(num) != std::string::npos);
}

TEST_CASE("slowloris (a reply one byte per 200 ms) ends in timeout on time", "[hostile]") {
  expect_one(HostileServer(Mode::slowloris), "publish", 1000, errc::timeout, kSmallExtraKib);
}
