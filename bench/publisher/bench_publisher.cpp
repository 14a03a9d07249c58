// bench/publisher: the asynchronous Publisher against a local Centrifugo
// (history on, 100 channels, ~100-byte payloads), beside wrk posting
// /api/batch bodies of the same size on the same number of connections, and
// beside sequential Client::publish_raw(). Prints figures; asserts nothing.
// Run through bench/publisher.sh, which starts the servers and passes
// CENTRIFUGO_URL, CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY, CENTRIFUGO_PID and
// INSTANT_SOURCE_DIR.
//
//   instant_bench_publisher [SECONDS_PER_ROUND [ROUNDS]]
//       throughput (alternating rounds), caller-side cost of publish(),
//       enqueue->report and publish->subscriber latency at 10k/s
//       (BENCH_SECTIONS="throughput caller latency" picks some, profile runs
//       Publisher rounds alone for perf; BENCH_BATCH and
//       BENCH_CONNECTIONS change the batch size and connection count)
//   instant_bench_publisher outage SECONDS RATE KILL_AT RESTART_AT DATA_FILE
//       events/s at a steady offered RATE while the script's BENCH_KILL_CMD
//       runs at KILL_AT s and BENCH_RESTART_CMD at RESTART_AT s
#include "../common.hpp"

#include <instant/instant.hpp>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using bench::Clock;
using namespace std::chrono_literals;

constexpr std::size_t kChannels = 100;
constexpr std::size_t kPayload = 100;  // bytes of each publication's data

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// {"n":N,"t":T,"pad":"xx..."}, padded to kPayload bytes. t: steady clock
// (CLOCK_MONOTONIC) nanoseconds at publish time, for the subscriber.
void make_data(std::string& out, std::uint64_t n, std::int64_t t) {
  char head[64];
  const int len = std::snprintf(head, sizeof head, "{\"n\":%" PRIu64 ",\"t\":%" PRId64 ",\"pad\":\"", n, t);
  out.assign(head, static_cast<std::size_t>(len));
  const std::size_t pad = kPayload > out.size() + 2 ? kPayload - out.size() - 2 : 0;
  out.append(pad, 'x');
  out += "\"}";
}

std::vector<std::string> channel_names() {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < kChannels; ++i) v.push_back("bench_" + std::to_string(i));
  return v;
}

struct Setup {
  instant::Config client;
  std::size_t batch = 1000;
  std::size_t conns = 2;
  std::string server_pid;
};

instant::PublisherConfig publisher_config(const Setup& s) {
  instant::PublisherConfig pc;
  pc.client = s.client;
  pc.batch_max_messages = s.batch;
  pc.inflight = s.conns;
  return pc;
}

// ---- throughput -------------------------------------------------------------

struct Figures {
  double rate = 0;        // publications per second
  double cpu_us = 0;      // client CPU per publication (this process, or wrk)
  double server_us = -1;  // Centrifugo CPU per publication
  std::uint64_t errors = 0;
};

Figures publisher_round(const Setup& s, double seconds, std::chrono::milliseconds linger) {
  instant::PublisherConfig pc = publisher_config(s);
  pc.linger = linger;
  instant::Publisher pub(pc);
  const auto channels = channel_names();
  instant::PublishRequest req;
  std::uint64_t n = 0;
  for (; n < 2000; ++n) {  // warm-up: connections, buffers
    req.channel = channels[n % kChannels];
    make_data(req.data, n, 0);
    pub.publish_raw(req, {nullptr, 1000ms});
  }
  pub.flush(30s);
  const auto before = pub.stats();
  const double cpu0 = bench::cpu_seconds(), srv0 = bench::process_cpu_seconds(s.server_pid);
  const auto t0 = Clock::now();
  std::uint64_t sent = 0, refused = 0;
  instant::Status st;
  while (bench::seconds_since(t0) < seconds) {
    for (int i = 0; i < 256; ++i, ++n) {
      req.channel = channels[n % kChannels];
      make_data(req.data, n, 0);
      pub.publish_raw(req, {nullptr, 1000ms}, st);
      if (st.ok()) {
        ++sent;
      } else if (++refused == 1) {
        std::fprintf(stderr, "Publisher round: %s; stats %s\n", st.message().c_str(), pub.stats().to_json().c_str());
      }
    }
  }
  pub.flush(60s);
  const double elapsed = bench::seconds_since(t0);
  const double cpu = bench::cpu_seconds() - cpu0, srv = bench::process_cpu_seconds(s.server_pid) - srv0;
  const auto after = pub.stats();
  Figures f;
  const auto delivered = static_cast<double>(after.delivered - before.delivered);
  f.rate = delivered / elapsed;
  f.cpu_us = cpu * 1e6 / delivered;
  if (srv0 >= 0) f.server_us = srv * 1e6 / delivered;
  f.errors = (after.failed - before.failed) + (after.possibly_delivered - before.possibly_delivered) +
             (sent - (after.delivered - before.delivered)) + refused;
  return f;
}

// wrk posting /api/batch: each request a fresh body of `batch` publishes over
// the 100 channels, ~100-byte data, each with its own idempotency key (the
// Publisher sends one with every publication, and Centrifugo's cost depends
// on it). Replies are checked for errors.
std::string write_wrk_script(const Setup& s) {
  const std::string path = "/tmp/instant-bench-publisher-" + std::to_string(::getpid()) + ".lua";
  // The same data as make_data(n, 0) writes: {"n":N,"t":0,"pad":"x..."},
  // kPayload bytes for a six-digit N.
  std::ofstream lua(path);
  lua << "local B, CH = " << s.batch << ", " << kChannels << "\n"
      << "local pad = string.rep('x', " << (kPayload - 27) << ")\n"
      << R"LUA(
local threads, counter, errors, prefix = {}, 0, 0, 'wrk'
wrk.method = 'POST'
wrk.headers['Content-Type'] = 'application/json'
wrk.headers['X-API-Key'] = os.getenv('CENTRIFUGO_API_KEY')
function setup(thread)
  thread:set('tid', #threads)
  table.insert(threads, thread)
end
function init(args)
  prefix = (args[1] or 'wrk') .. '-' .. tid
end
function request()
  local parts = {}
  for i = 1, B do
    counter = counter + 1
    parts[i] = '{"publish":{"channel":"bench_' .. (counter % CH) .. '","data":{"n":' .. counter ..
      ',"t":0,"pad":"' .. pad .. '"},"idempotency_key":"' .. prefix .. '-' .. counter .. '"}}'
  end
  return wrk.format(nil, nil, nil, '{"commands":[' .. table.concat(parts, ',') .. ']}')
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"error"', 1, true) then errors = errors + 1 end
end
function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + t:get('errors') end
  io.write('batch_errors: ' .. e .. '\n')
end
)LUA";
  return path;
}

Figures wrk_round(const Setup& s, const std::string& lua, double seconds, int round) {
  const std::string cmd = "wrk -t" + std::to_string(s.conns) + " -c" + std::to_string(s.conns) + " -d" +
                          std::to_string(static_cast<int>(seconds)) + "s -s " + lua + " " +
                          bench::sh(s.client.url + "/api/batch") + " -- " +
                          bench::sh("wrk" + std::to_string(::getpid()) + "r" + std::to_string(round)) +
                          " 2>&1";
  const double cpu0 = bench::cpu_seconds(RUSAGE_CHILDREN), srv0 = bench::process_cpu_seconds(s.server_pid);
  const std::string out = bench::run(cmd);
  const double cpu = bench::cpu_seconds(RUSAGE_CHILDREN) - cpu0, srv = bench::process_cpu_seconds(s.server_pid) - srv0;
  Figures f;
  const double reqs = bench::figure_after(out, "Requests/sec:");
  f.rate = reqs * static_cast<double>(s.batch);
  const double pubs = f.rate * seconds;
  if (pubs > 0) {
    f.cpu_us = cpu * 1e6 / pubs;
    if (srv0 >= 0) f.server_us = srv * 1e6 / pubs;
  }
  f.errors = static_cast<std::uint64_t>(bench::figure_after(out, "batch_errors:"));
  if (out.find("Non-2xx") != std::string::npos || reqs == 0) {
    std::fprintf(stderr, "wrk: %s\n", out.c_str());
    f.errors += 1;
  }
  return f;
}

Figures sequential_round(const Setup& s, double seconds) {
  instant::Client client(s.client);
  const auto channels = channel_names();
  instant::PublishRequest req;
  std::uint64_t n = 0, errors = 0;
  instant::Status st;
  const double cpu0 = bench::cpu_seconds(), srv0 = bench::process_cpu_seconds(s.server_pid);
  const auto t0 = Clock::now();
  while (bench::seconds_since(t0) < seconds) {
    for (int i = 0; i < 64; ++i, ++n) {
      req.channel = channels[n % kChannels];
      make_data(req.data, n, 0);
      (void)client.publish_raw(req, st);
      errors += !st.ok();
    }
  }
  const double elapsed = bench::seconds_since(t0);
  Figures f;
  f.rate = static_cast<double>(n) / elapsed;
  f.cpu_us = (bench::cpu_seconds() - cpu0) * 1e6 / static_cast<double>(n);
  if (srv0 >= 0) f.server_us = (bench::process_cpu_seconds(s.server_pid) - srv0) * 1e6 / static_cast<double>(n);
  f.errors = errors;
  return f;
}

void throughput(const Setup& s, double seconds, int rounds) {
  const std::string lua = write_wrk_script(s);
  const char* names[] = {"Publisher (default linger)", "Publisher (linger 0)", "wrk /api/batch",
                         "Client::publish_raw sequential"};
  std::vector<Figures> f[4];
  for (int r = 0; r < rounds; ++r) {
    f[0].push_back(publisher_round(s, seconds, instant::PublisherConfig{}.linger));
    f[1].push_back(publisher_round(s, seconds, std::chrono::milliseconds(0)));
    f[2].push_back(wrk_round(s, lua, seconds, r));
    f[3].push_back(sequential_round(s, seconds / 2));
  }
  std::remove(lua.c_str());
  auto med = [](const std::vector<Figures>& v, double Figures::*m) {
    std::vector<double> x;
    for (const auto& e : v) x.push_back(e.*m);
    return bench::median(x);
  };
  // Ratios within each round (same machine load), then their median.
  auto ratio = [&](int a, int b) {
    std::vector<double> x;
    for (int r = 0; r < rounds; ++r) x.push_back(f[b][r].rate > 0 ? f[a][r].rate / f[b][r].rate : 0);
    return bench::median(x);
  };
  std::printf("\n== Throughput: %zu channels, %zu-byte data, history on; batches of %zu, %zu connections; "
              "%d alternating rounds of %.0f s ==\n",
              kChannels, kPayload, s.batch, s.conns, rounds, seconds);
  std::printf("  %-45s %12s %14s %14s %7s\n", "", "pub/s", "client us/pub", "server us/pub", "errors");
  for (int r = 0; r < rounds; ++r) {
    for (int c = 0; c < 4; ++c) {
      std::printf("  round %d: %-36s %12.0f %14.3f %14.3f %7" PRIu64 "\n", r + 1, names[c], f[c][r].rate,
                  f[c][r].cpu_us, f[c][r].server_us, f[c][r].errors);
    }
  }
  for (int c = 0; c < 4; ++c) {
    std::printf("  median %-38s %12.0f %14.3f %14.3f\n", names[c], med(f[c], &Figures::rate),
                med(f[c], &Figures::cpu_us), med(f[c], &Figures::server_us));
  }
  const double pw = ratio(0, 2), zw = ratio(1, 2), pq = ratio(0, 3);
  std::printf("  Publisher / wrk = %.2f (median of per-round ratios; target >= 0.90: %s); linger 0 / wrk = %.2f; "
              "Publisher / sequential publish = %.1fx\n",
              pw, pw >= 0.9 ? "met" : "NOT met", zw, pq);
  const double cpu = med(f[0], &Figures::cpu_us);
  std::printf("  Publisher client CPU per publication at full rate: %.3f us (target <= 1 us: %s); wrk's: %.3f us\n",
              cpu, cpu <= 1.0 ? "met" : "NOT met", med(f[2], &Figures::cpu_us));
}

// ---- caller-side cost -------------------------------------------------------

struct Cost {
  double median_ns = 0, p99_ns = 0, p999_ns = 0;
};

// Times each of `calls` publish() calls spread over `threads` producers, in
// bursts of kBurst calls per producer; between bursts the queue is emptied
// (flushed, or purged when the endpoint is down), so the figures are those of
// a queue in steady use, not of one growing to hundreds of thousands. With
// `live`, the Publisher sends to Centrifugo meanwhile (its I/O thread and the
// server share the two cores with the producers); without, its endpoint is a
// closed port and the figures are publish() alone.
Cost caller_cost(const Setup& s, int threads, bool envelope, bool live, std::size_t calls) {
  constexpr std::size_t kBurst = 2500;
  instant::PublisherConfig pc = publisher_config(s);
  // Room for a burst beside what purge() leaves: a batch per lane that
  // waits for its retry (the endpoint-down case).
  pc.queue_max_messages = kBurst * static_cast<std::size_t>(threads) + pc.inflight * pc.batch_max_messages + 1000;
  pc.message_timeout = 120s;
  if (!live) pc.endpoints = {"http://127.0.0.1:9"};  // discard port: refused
  instant::Publisher pub(pc);
  const auto channels = channel_names();
  std::vector<std::vector<std::uint32_t>> ns(static_cast<std::size_t>(threads));
  const std::size_t per_thread = calls / static_cast<std::size_t>(threads);
  for (auto& v : ns) v.reserve(per_thread);
  std::atomic<bool> failed{false};
  for (std::size_t done = 0; done < per_thread; done += kBurst) {
    std::vector<std::thread> producers;
    for (int t = 0; t < threads; ++t) {
      producers.emplace_back([&, t] {
        auto& mine = ns[static_cast<std::size_t>(t)];
        instant::PublishRequest req;
        instant::Event ev;
        ev.data = std::string();
        instant::Status st;
        for (std::size_t i = done; i < std::min(per_thread, done + kBurst); ++i) {
          const std::string& ch =
              channels[(i * static_cast<std::size_t>(threads) + static_cast<std::size_t>(t)) % kChannels];
          if (envelope) {
            make_data(*ev.data, i, 0);
            const auto a = Clock::now();
            pub.publish(ch, ev, {}, st);
            mine.push_back(static_cast<std::uint32_t>((Clock::now() - a).count()));
          } else {
            req.channel = ch;
            make_data(req.data, i, 0);
            const auto a = Clock::now();
            pub.publish_raw(req, {}, st);
            mine.push_back(static_cast<std::uint32_t>((Clock::now() - a).count()));
          }
          if (!st.ok() && !failed.exchange(true)) std::fprintf(stderr, "publish: %s\n", st.message().c_str());
        }
      });
    }
    for (auto& p : producers) p.join();
    if (live) {
      pub.flush(60s);
    } else {
      pub.purge();
    }
  }
  std::vector<std::uint32_t> all;
  for (auto& v : ns) all.insert(all.end(), v.begin(), v.end());
  Cost c;
  c.median_ns = bench::quantile(all, 0.5);
  c.p99_ns = bench::quantile(all, 0.99);
  c.p999_ns = bench::quantile(all, 0.999);
  return c;
}

// publish() when the queue is full: refused with queue_full.
Cost refused_cost(const Setup& s, std::size_t calls) {
  instant::PublisherConfig pc = publisher_config(s);
  pc.endpoints = {"http://127.0.0.1:9"};
  pc.queue_max_messages = 1000;
  pc.message_timeout = 120s;
  instant::Publisher pub(pc);
  instant::PublishRequest req;
  req.channel = "bench_0";
  make_data(req.data, 1, 0);
  instant::Status st;
  for (int i = 0; i < 1000; ++i) pub.publish_raw(req, {}, st);
  std::vector<std::uint32_t> ns;
  ns.reserve(calls);
  for (std::size_t i = 0; i < calls; ++i) {
    const auto a = Clock::now();
    pub.publish_raw(req, {}, st);
    ns.push_back(static_cast<std::uint32_t>((Clock::now() - a).count()));
    if (st.kind() != instant::errc::queue_full) std::fprintf(stderr, "refused_cost: not refused\n");
  }
  pub.purge();
  Cost c;
  c.median_ns = bench::quantile(ns, 0.5);
  c.p99_ns = bench::quantile(ns, 0.99);
  c.p999_ns = bench::quantile(ns, 0.999);
  return c;
}

double timer_overhead_ns() {
  std::vector<std::uint32_t> ns;
  for (int i = 0; i < 100000; ++i) {
    const auto a = Clock::now();
    ns.push_back(static_cast<std::uint32_t>((Clock::now() - a).count()));
  }
  return bench::quantile(ns, 0.5);
}

void caller_side(const Setup& s) {
  constexpr std::size_t kCalls = 400000;
  std::printf("\n== Caller-side cost of one publish() call (ns; %zu calls in all, in bursts of 2500 per producer; "
              "~%zu-byte data; each call timed with steady_clock, %.0f ns of which is the clock pair) ==\n",
              kCalls, kPayload, timer_overhead_ns());
  std::printf("  %-52s %10s %10s %10s\n", "", "median", "p99", "p99.9");
  bool met = true;
  for (const bool live : {true, false}) {
    for (const int threads : {1, 4}) {
      for (const bool envelope : {false, true}) {
        const Cost c = caller_cost(s, threads, envelope, live, kCalls);
        char label[128];
        std::snprintf(label, sizeof label, "%s, %d producer%s, %s", envelope ? "publish(Event)" : "publish_raw",
                      threads, threads > 1 ? "s" : "", live ? "server live" : "endpoint down (enqueue only)");
        std::printf("  %-52s %10.0f %10.0f %10.0f\n", label, c.median_ns, c.p99_ns, c.p999_ns);
        met = met && c.median_ns <= 300;
      }
    }
  }
  const Cost r = refused_cost(s, 1000000);
  std::printf("  %-52s %10.0f %10.0f %10.0f\n", "publish_raw refused (queue_full), 1 producer", r.median_ns, r.p99_ns,
              r.p999_ns);
  std::printf("  median <= 300 ns in every row above the refused one: %s\n", met ? "met" : "NOT met");
}

// ---- latency at a fixed rate ----------------------------------------------

// Publishes `rate` events per second for `seconds`, paced by sleep_until
// (one event every 1/rate s), and collects each report's latency.
struct Latency {
  std::vector<std::int64_t> report_ns;
  std::uint64_t failed = 0;
};

Latency paced(const Setup& s, double rate, double seconds, std::chrono::milliseconds linger) {
  const auto total = static_cast<std::size_t>(rate * seconds);
  Latency out;
  out.report_ns.assign(total, 0);
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> failed{0};
  instant::PublisherConfig pc = publisher_config(s);
  pc.linger = linger;
  pc.on_delivery = [&](const instant::DeliveryReport& r) {
    const std::size_t i = next.fetch_add(1);
    if (i < out.report_ns.size()) out.report_ns[i] = r.latency.count();
    if (r.outcome != instant::Delivery::delivered) failed.fetch_add(1);
  };
  instant::Publisher pub(pc);
  const auto channels = channel_names();
  instant::PublishRequest req;
  const auto t0 = Clock::now();
  const auto step = std::chrono::duration<double>(1.0 / rate);
  for (std::size_t n = 0; n < total; ++n) {
    std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(step * static_cast<double>(n)));
    req.channel = channels[n % kChannels];
    make_data(req.data, n, now_ns());
    pub.publish_raw(req, {nullptr, 1000ms});
  }
  pub.flush(30s);
  out.report_ns.resize(std::min(total, next.load()));
  out.failed = failed.load();
  return out;
}

// The npm centrifuge subscriber (bench/publisher/subscriber.mjs) on the 100
// channels; returns its summary line ("" when it did not run).
class Subscriber {
 public:
  Subscriber(const Setup& s, std::size_t expect) {
    const std::string src = env("INSTANT_SOURCE_DIR");
    const std::string key = env("CENTRIFUGO_HMAC_KEY");
    if (src.empty() || key.empty()) return;
    instant::ConnectionClaims claims;
    claims.sub = "bench";
    claims.channels = channel_names();
    const auto signer = instant::Signer::hmac(key);
    const std::string token = signer.connection_token(claims);
    std::string ws = s.client.url;
    ws.replace(0, 4, "ws");  // http://... -> ws://...
    const std::string cmd = "node " + bench::sh(src + "/bench/publisher/subscriber.mjs") + " " +
                            bench::sh(ws + "/connection/websocket") + " " + bench::sh(token) + " " +
                            std::to_string(kChannels) + " " + std::to_string(expect);
    pipe_ = popen(cmd.c_str(), "r");
  }
  ~Subscriber() {
    if (pipe_) pclose(pipe_);
  }
  bool wait_ready() { return pipe_ && line().find("ready") != std::string::npos; }
  std::string line() {
    char buf[4096];
    if (!pipe_ || !std::fgets(buf, sizeof buf, pipe_)) return "";
    return buf;
  }

 private:
  FILE* pipe_ = nullptr;
};

void latency(const Setup& s) {
  constexpr double kRate = 10000, kSeconds = 3;
  constexpr int kRepeats = 3;
  const auto default_linger = instant::PublisherConfig{}.linger;
  const std::chrono::milliseconds lingers[] = {default_linger, std::chrono::milliseconds(5),
                                               std::chrono::milliseconds(0)};
  std::printf("\n== Latency at %.0f publications/s, %d alternating runs of %.0f s per linger (batches up to %zu, "
              "%zu connections); us ==\n",
              kRate, kRepeats, kSeconds, s.batch, s.conns);
  std::printf("  %-22s %28s   %s\n", "", "enqueue -> report p50 / p99", "publish() -> npm centrifuge subscriber p50 / p99");
  std::vector<double> p50[3], p99[3], sub50[3], sub99[3];
  for (int rep = 0; rep < kRepeats; ++rep) {
    for (int k = 0; k < 3; ++k) {
      Subscriber sub(s, static_cast<std::size_t>(kRate * kSeconds));
      const bool with_sub = sub.wait_ready();
      Latency l = paced(s, kRate, kSeconds, lingers[k]);
      p50[k].push_back(bench::quantile(l.report_ns, 0.5) / 1e3);
      p99[k].push_back(bench::quantile(l.report_ns, 0.99) / 1e3);
      // {"count":N,"p50_us":..,"p99_us":..,"max_us":..}
      const std::string summary = with_sub ? sub.line() : "";
      const double s50 = bench::figure_after(summary, "\"p50_us\":"), s99 = bench::figure_after(summary, "\"p99_us\":");
      if (with_sub && !summary.empty()) {
        sub50[k].push_back(s50);
        sub99[k].push_back(s99);
      }
      char label[64];
      std::snprintf(label, sizeof label, "run %d, linger %lld ms", rep + 1, static_cast<long long>(lingers[k].count()));
      std::printf("  %-22s %13.0f / %-13.0f   %s%s\n", label, p50[k].back(), p99[k].back(),
                  with_sub ? (std::to_string(static_cast<long>(s50)) + " / " + std::to_string(static_cast<long>(s99))).c_str()
                           : "not measured (needs INSTANT_SOURCE_DIR, CENTRIFUGO_HMAC_KEY and node)",
                  l.failed ? " (some not delivered)" : "");
    }
  }
  for (int k = 0; k < 3; ++k) {
    char label[64];
    std::snprintf(label, sizeof label, "median, linger %lld ms", static_cast<long long>(lingers[k].count()));
    std::printf("  %-22s %13.0f / %-13.0f   %.0f / %.0f\n", label, bench::median(p50[k]), bench::median(p99[k]),
                bench::median(sub50[k]), bench::median(sub99[k]));
  }
  const double p = bench::median(p99[0]);
  std::printf("  default linger (%lld ms): enqueue -> report p99 %.0f us; target <= 5000 us: %s\n",
              static_cast<long long>(default_linger.count()), p, p <= 5000 ? "met" : "NOT met");
}

// ---- behaviour through an outage ------------------------------------------

int outage(const Setup& s, double seconds, double rate, double kill_at, double restart_at, const std::string& data) {
  constexpr double kBucket = 0.25;
  // Room for the producer's seconds and a minute of draining the backlog.
  const auto buckets = static_cast<std::size_t>((seconds + 60) / kBucket);
  std::vector<std::atomic<std::uint64_t>> delivered(buckets), failed(buckets), offered(buckets);
  const auto t0 = Clock::now();
  auto bucket = [&] {
    return std::min(buckets - 1, static_cast<std::size_t>(bench::seconds_since(t0) / kBucket));
  };
  instant::PublisherConfig pc = publisher_config(s);
  pc.on_delivery = [&](const instant::DeliveryReport& r) {
    (r.outcome == instant::Delivery::delivered ? delivered : failed)[bucket()].fetch_add(1, std::memory_order_relaxed);
  };
  instant::Publisher pub(pc);
  const auto channels = channel_names();
  instant::PublishRequest req;
  std::uint64_t refused = 0;
  bool killed = false, restarted = false;
  instant::Status st;
  const auto step = std::chrono::duration<double>(1.0 / rate);
  const auto total = static_cast<std::uint64_t>(rate * seconds);
  std::thread control([&] {
    std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kill_at)));
    std::system(env("BENCH_KILL_CMD").c_str());
    killed = true;
    std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(restart_at)));
    std::system(env("BENCH_RESTART_CMD").c_str());
    restarted = true;
  });
  for (std::uint64_t n = 0; n < total; ++n) {
    if (n % 10 == 0) {
      std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(step * static_cast<double>(n)));
    }
    req.channel = channels[n % kChannels];
    make_data(req.data, n, 0);
    pub.publish_raw(req, {}, st);
    if (st.ok()) offered[bucket()].fetch_add(1, std::memory_order_relaxed);
    else ++refused;
  }
  control.join();
  pub.flush(60s);
  const auto stats = pub.stats();
  std::ofstream out(data);
  std::printf("\n== Through a Centrifugo restart (Redis engine): %.0f publications/s offered; SIGKILL at %.1f s, "
              "restarted at %.1f s ==\n",
              rate, kill_at, restart_at);
  std::printf("  %8s %12s %12s %10s\n", "t (s)", "offered/s", "delivered/s", "failed/s");
  out << "# t offered_per_s delivered_per_s failed_per_s\n";
  std::size_t last = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    if (offered[b] || delivered[b] || failed[b]) last = b;
  }
  double sums[4] = {0, 0, 0, 0};
  double spans[4] = {0, 0, 0, 0};
  for (std::size_t b = 0; b <= last; ++b) {
    const double t = static_cast<double>(b) * kBucket;
    const double o = static_cast<double>(offered[b]) / kBucket, d = static_cast<double>(delivered[b]) / kBucket,
                 f = static_cast<double>(failed[b]) / kBucket;
    std::printf("  %8.2f %12.0f %12.0f %10.0f\n", t, o, d, f);
    out << t << ' ' << o << ' ' << d << ' ' << f << '\n';
    const int phase = t < kill_at ? 0 : t < restart_at ? 1 : t < seconds ? 2 : 3;
    if (t >= 0.5 || phase > 0) {  // the first half second is warm-up
      sums[phase] += d * kBucket;
      spans[phase] += kBucket;
    }
  }
  auto rate_of = [&](int p) { return spans[p] > 0 ? sums[p] / spans[p] : 0.0; };
  double back = -1;  // the first delivery after the restart
  for (std::size_t b = static_cast<std::size_t>(restart_at / kBucket); b <= last && back < 0; ++b) {
    if (delivered[b]) back = static_cast<double>(b) * kBucket;
  }
  // Caught up: from the restart on, the first bucket whose end leaves no
  // more queued than one bucket's offer (the backlog is gone).
  double caught_up = -1;
  std::uint64_t in = 0, out_n = 0;
  for (std::size_t b = 0; b <= last; ++b) {
    in += offered[b];
    out_n += delivered[b] + failed[b];
    const double t = static_cast<double>(b) * kBucket;
    if (caught_up < 0 && t >= restart_at && in - out_n <= static_cast<std::uint64_t>(rate * kBucket)) {
      caught_up = t + kBucket;
    }
  }
  std::printf("  delivered/s: before %.0f | during the outage %.0f | after the restart, while offered %.0f | "
              "draining after the producer stopped %.0f\n",
              rate_of(0), rate_of(1), rate_of(2), rate_of(3));
  std::printf("  first delivery after the restart: in the bucket at %.2f s (%.2f s after it); backlog gone by "
              "%.2f s\n",
              back, back - restart_at, caught_up);
  std::printf("  %" PRIu64 " delivered, %" PRIu64 " failed, %" PRIu64 " possibly delivered, %" PRIu64
              " retried, %" PRIu64 " refused (queue_full); server killed: %s, restarted: %s\n",
              stats.delivered, stats.failed, stats.possibly_delivered, stats.retried, refused, killed ? "yes" : "no",
              restarted ? "yes" : "no");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Setup s;
  s.client = instant::Config::from_env();
  s.server_pid = env("CENTRIFUGO_PID");
  if (const auto b = env("BENCH_BATCH"); !b.empty()) s.batch = std::stoul(b);
  if (const auto c = env("BENCH_CONNECTIONS"); !c.empty()) s.conns = std::stoul(c);
  if (argc > 1 && std::string(argv[1]) == "outage") {
    if (argc < 7) {
      std::fprintf(stderr, "usage: %s outage SECONDS RATE KILL_AT RESTART_AT DATA_FILE\n", argv[0]);
      return 2;
    }
    return outage(s, std::atof(argv[2]), std::atof(argv[3]), std::atof(argv[4]), std::atof(argv[5]), argv[6]);
  }
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  // BENCH_SECTIONS: a subset of "throughput caller latency" (or "profile").
  const std::string sections = env("BENCH_SECTIONS").empty() ? "throughput caller latency" : env("BENCH_SECTIONS");
  if (sections.find("throughput") != std::string::npos) throughput(s, seconds, rounds);
  if (sections.find("profile") != std::string::npos) {  // Publisher rounds alone, to run under perf
    for (int r = 0; r < rounds; ++r) {
      const Figures f = publisher_round(s, seconds, instant::PublisherConfig{}.linger);
      std::printf("Publisher alone: %.0f pub/s, client %.3f us/pub, server %.3f us/pub, %" PRIu64 " errors\n", f.rate,
                  f.cpu_us, f.server_us, f.errors);
    }
  }
  if (sections.find("caller") != std::string::npos) caller_side(s);
  if (sections.find("latency") != std::string::npos) latency(s);
  return 0;
}
