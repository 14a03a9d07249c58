// bench/publish: sequential publish() calls per second against a local
// Centrifugo, beside wrk driving the same endpoint and body over one
// keep-alive connection, and beside one curl process per publish.
// Prints figures only; asserts nothing. Run through bench/publish.sh, which
// starts the server: CENTRIFUGO_URL and CENTRIFUGO_API_KEY come from it.
#include <instant/instant.hpp>

#include <algorithm>
#include <chrono>
#include <vector>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Single quotes for a POSIX shell.
std::string sh(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const double duration = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int curl_runs = argc > 2 ? std::atoi(argv[2]) : 200;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  instant::Config cfg = instant::Config::from_env();
  instant::Client client(cfg);
  const std::string channel = "bench";
  const std::string message = "hello bench";

  // The exact body publish() sends, for wrk and curl.
  instant::Status st;
  instant::Event ev;
  ev.message = message;
  std::string envelope = instant::make_envelope(channel, ev, cfg.site, cfg.encoding, st);
  const std::string body = "{\"channel\":\"" + channel + "\",\"data\":" + envelope + "}";
  const std::string url = cfg.url + "/api/publish";

  for (int i = 0; i < 500; ++i) client.publish(channel, message);  // warm-up

  // wrk: one thread, one keep-alive connection, same endpoint and body.
  const char* lua_path = "/tmp/instant-bench-publish.lua";
  {
    std::ofstream lua(lua_path);
    lua << "wrk.method = \"POST\"\n"
        << "wrk.body = [==[" << body << "]==]\n"
        << "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
        << "wrk.headers[\"X-API-Key\"] = os.getenv(\"CENTRIFUGO_API_KEY\")\n";
  }
  const std::string wrk_cmd = "wrk -t1 -c1 -d" + std::to_string(static_cast<int>(duration)) + "s -s " +
                              lua_path + " " + sh(url) + " 2>&1";

  // Rounds alternate instant and wrk so both see the same machine load;
  // the medians are reported.
  std::vector<double> ours_r, wrk_r;
  bool non2xx = false;
  std::string wrk_out;
  for (int round = 0; round < rounds; ++round) {
    std::uint64_t n = 0;
    auto t0 = Clock::now();
    while (seconds_since(t0) < duration) {
      for (int i = 0; i < 100; ++i) client.publish(channel, message);
      n += 100;
    }
    ours_r.push_back(static_cast<double>(n) / seconds_since(t0));
    wrk_out = run(wrk_cmd);
    auto pos = wrk_out.find("Requests/sec:");
    wrk_r.push_back(pos == std::string::npos ? 0.0 : std::atof(wrk_out.c_str() + pos + 13));
    non2xx = non2xx || wrk_out.find("Non-2xx") != std::string::npos;
  }
  std::remove(lua_path);
  const double ours = median(ours_r);
  const double wrk = median(wrk_r);

  // 3. one curl process per publish.
  const std::string curl_cmd = "curl -s -o /dev/null -H 'Content-Type: application/json' -H \"X-API-Key: "
                               "$CENTRIFUGO_API_KEY\" --data-binary " + sh(body) + " " + sh(url);
  auto t1 = Clock::now();
  for (int i = 0; i < curl_runs; ++i) {
    if (std::system(curl_cmd.c_str()) != 0) break;
  }
  const double curl = curl_runs / seconds_since(t1);

  auto s = client.stats();
  std::printf("publish, sequential, one connection: median of %d alternating rounds of %.0f s (body %zu bytes)\n",
              rounds, duration, body.size());
  for (int r = 0; r < rounds; ++r) std::printf("  round %d: instant %.0f req/s, wrk %.0f req/s\n", r + 1, ours_r[r], wrk_r[r]);
  std::printf("  %-28s %10.0f req/s  %8.1f us/req  (%llu connections opened for %llu requests)\n",
              "instant publish()", ours, 1e6 / ours, static_cast<unsigned long long>(s.connections_opened),
              static_cast<unsigned long long>(s.requests));
  if (wrk > 0) {
    std::printf("  %-28s %10.0f req/s  %8.1f us/req%s\n", "wrk -t1 -c1 (keep-alive)", wrk, 1e6 / wrk,
                non2xx ? "  (WARNING: non-2xx replies)" : "");
  } else {
    std::printf("  wrk: not run or no figure (is wrk installed?)\n%s\n", wrk_out.c_str());
  }
  std::printf("  %-28s %10.0f req/s  %8.1f us/req\n", "curl process per publish", curl, 1e6 / curl);
  if (wrk > 0) {
    std::printf("ratio instant/wrk = %.2f (target >= 0.80: %s); instant/curl-per-call = %.1fx\n", ours / wrk,
                ours / wrk >= 0.8 ? "met" : "NOT met", ours / curl);
  }
  return 0;
}
