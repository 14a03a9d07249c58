// bench/publish: sequential publish() calls per second against a local
// Centrifugo, beside libcurl's own HTTP on one reused handle (through a
// multi handle and with curl_easy_perform), beside wrk driving the same
// endpoint and body over one keep-alive connection, and beside one curl
// process per publish.
// Prints figures only; asserts nothing. Run through bench/publish.sh, which
// starts the server: CENTRIFUGO_URL and CENTRIFUGO_API_KEY come from it.
#include "common.hpp"

#include <instant/instant.hpp>

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using bench::Clock;
using bench::median;
using bench::seconds_since;
using bench::sh;

// libcurl's own HTTP/1.1 on one kept-alive connection, one request at a
// time: the same easy handle reused, either through a multi handle (what
// the Publisher's engine does, src/transport_multi.cpp) or with
// curl_easy_perform. The candidate replacement for src/http1.cpp's framing.
class CurlPeer {
 public:
  CurlPeer(const std::string& url, const std::string& key, const std::string& body, bool multi)
      : body_(body), multi_(multi ? curl_multi_init() : nullptr) {
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, ("X-API-Key: " + key).c_str());
    headers_ = curl_slist_append(headers_, "Expect:");
    curl_easy_setopt(e_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(e_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(e_, CURLOPT_POST, 1L);
    curl_easy_setopt(e_, CURLOPT_POSTFIELDS, body_.data());
    curl_easy_setopt(e_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
    curl_easy_setopt(e_, CURLOPT_WRITEFUNCTION, +[](char* p, size_t sz, size_t n, void* u) {
      static_cast<std::string*>(u)->append(p, sz * n);
      return sz * n;
    });
    curl_easy_setopt(e_, CURLOPT_WRITEDATA, &reply_);
  }
  ~CurlPeer() {
    if (multi_) curl_multi_cleanup(multi_);
    curl_easy_cleanup(e_);
    curl_slist_free_all(headers_);
  }
  CurlPeer(const CurlPeer&) = delete;
  CurlPeer& operator=(const CurlPeer&) = delete;

  // One POST; true on HTTP 200 with a result.
  bool once() {
    reply_.clear();
    CURLcode rc = CURLE_OK;
    if (multi_) {
      curl_multi_add_handle(multi_, e_);
      int running = 1;
      while (running) {
        curl_multi_perform(multi_, &running);
        if (running) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
      }
      int left = 0;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg == CURLMSG_DONE) rc = m->data.result;
      }
      curl_multi_remove_handle(multi_, e_);
    } else {
      rc = curl_easy_perform(e_);
    }
    long status = 0, conns = 0;
    curl_easy_getinfo(e_, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e_, CURLINFO_NUM_CONNECTS, &conns);  // new connections for this transfer
    connections_ += conns;
    return rc == CURLE_OK && status == 200 && reply_.find("\"result\"") != std::string::npos;
  }
  long connections() const { return connections_; }

 private:
  std::string body_;
  CURL* e_ = curl_easy_init();
  CURLM* multi_;
  curl_slist* headers_ = nullptr;
  std::string reply_;
  long connections_ = 0;
};

struct Rate {
  double per_s = 0;
  double cpu_us = 0;  // client CPU per call
};

// Calls fn() in blocks of 100 for `duration` seconds.
template <class Fn>
Rate rate_of(double duration, Fn&& fn) {
  std::uint64_t n = 0;
  const double cpu0 = bench::cpu_seconds();
  const auto t0 = Clock::now();
  while (seconds_since(t0) < duration) {
    for (int i = 0; i < 100; ++i) fn();
    n += 100;
  }
  return {static_cast<double>(n) / seconds_since(t0), (bench::cpu_seconds() - cpu0) * 1e6 / static_cast<double>(n)};
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

  // Rounds alternate the contenders so all see the same machine load; the
  // medians are reported.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char* key = std::getenv("CENTRIFUGO_API_KEY");
  CurlPeer curl_multi(url, key ? key : "", body, true), curl_easy(url, key ? key : "", body, false);
  std::vector<double> ours_r, multi_r, easy_r, wrk_r, ours_cpu, multi_cpu, easy_cpu, wrk_cpu;
  std::vector<double> ours_ratio, multi_ratio, easy_ratio;  // against wrk, within each round
  bool non2xx = false, curl_failed = false;
  std::string wrk_out;
  for (int round = 0; round < rounds; ++round) {
    const Rate o = rate_of(duration, [&] { client.publish(channel, message); });
    const Rate m = rate_of(duration, [&] { curl_failed = !curl_multi.once() || curl_failed; });
    const Rate e = rate_of(duration, [&] { curl_failed = !curl_easy.once() || curl_failed; });
    const double wcpu0 = bench::cpu_seconds(RUSAGE_CHILDREN);
    wrk_out = bench::run(wrk_cmd);
    if (bench::figure_after(wrk_out, "Requests/sec:") == 0) wrk_out = bench::run(wrk_cmd);  // once more
    const double w = bench::figure_after(wrk_out, "Requests/sec:");
    non2xx = non2xx || wrk_out.find("Non-2xx") != std::string::npos;
    ours_r.push_back(o.per_s);
    multi_r.push_back(m.per_s);
    easy_r.push_back(e.per_s);
    wrk_r.push_back(w);
    ours_cpu.push_back(o.cpu_us);
    multi_cpu.push_back(m.cpu_us);
    easy_cpu.push_back(e.cpu_us);
    wrk_cpu.push_back(w > 0 ? (bench::cpu_seconds(RUSAGE_CHILDREN) - wcpu0) * 1e6 / (w * duration) : 0);
    ours_ratio.push_back(w > 0 ? o.per_s / w : 0);
    multi_ratio.push_back(w > 0 ? m.per_s / w : 0);
    easy_ratio.push_back(w > 0 ? e.per_s / w : 0);
  }
  std::remove(lua_path);
  const double ours = median(ours_r), multi = median(multi_r), easy = median(easy_r);
  const double wrk = median(wrk_r);

  // One curl process per publish.
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
  for (int r = 0; r < rounds; ++r) {
    std::printf("  round %d: instant %.0f, curl multi %.0f, curl easy %.0f, wrk %.0f req/s\n", r + 1, ours_r[r],
                multi_r[r], easy_r[r], wrk_r[r]);
  }
  std::printf("  %-40s %10.0f req/s  %8.1f us/req  %6.2f us client CPU/req  (%llu connections opened for %llu requests)\n",
              "instant Client::publish() (src/http1.cpp)", ours, 1e6 / ours, median(ours_cpu),
              static_cast<unsigned long long>(s.connections_opened), static_cast<unsigned long long>(s.requests));
  std::printf("  %-40s %10.0f req/s  %8.1f us/req  %6.2f us client CPU/req  (%ld connections)%s\n",
              "libcurl HTTP, easy handle in a multi", multi, 1e6 / multi, median(multi_cpu), curl_multi.connections(),
              curl_failed ? "  (WARNING: failed requests)" : "");
  std::printf("  %-40s %10.0f req/s  %8.1f us/req  %6.2f us client CPU/req  (%ld connections)\n",
              "libcurl HTTP, curl_easy_perform", easy, 1e6 / easy, median(easy_cpu), curl_easy.connections());
  if (wrk > 0) {
    std::printf("  %-40s %10.0f req/s  %8.1f us/req  %6.2f us client CPU/req%s\n", "wrk -t1 -c1 (keep-alive)", wrk,
                1e6 / wrk, median(wrk_cpu), non2xx ? "  (WARNING: non-2xx replies)" : "");
  } else {
    std::printf("  wrk: not run or no figure (is wrk installed?)\n%s\n", wrk_out.c_str());
  }
  std::printf("  %-40s %10.0f req/s  %8.1f us/req\n", "curl process per publish", curl, 1e6 / curl);
  if (wrk > 0) {
    // Medians of the ratios within each round (the same machine load).
    const double r_ours = median(ours_ratio), r_multi = median(multi_ratio), r_easy = median(easy_ratio);
    std::printf("ratio instant/wrk = %.2f (target >= 0.80: %s); instant/curl-per-call = %.1fx\n", r_ours,
                r_ours >= 0.8 ? "met" : "NOT met", ours / curl);
    std::printf("ratio curl-multi/wrk = %.2f, curl-easy/wrk = %.2f: the hand framing stays only while libcurl's "
                "own path is below 0.80 (%s)\n",
                r_multi, r_easy, r_multi < 0.8 ? "it is" : "it is not");
  }
  return 0;
}
