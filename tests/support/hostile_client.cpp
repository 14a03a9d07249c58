// instant_hostile_client URL TIMEOUT_MS OP...: runs Client calls against URL
// in a process of its own, so a crash stays out of the test binary and the
// memory a call costs can be read alone. OPs: publish, publish:KEY (with
// idempotency key KEY), subscribe, info. Prints per OP
//   result OP KIND ELAPSED_MS OFFSET_OR_JSON      (KIND: the instant::errc number)
// and at the end
//   memory BASE_KIB PEAK_KIB
// where PEAK is the peak resident set (VmHWM, reset just before the first
// call) and BASE the resident set at that moment.
#include <instant/client.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) == 0) return std::atol(line.c_str() + prefix.size());
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: instant_hostile_client URL TIMEOUT_MS OP...\n");
    return 2;
  }
  instant::Config cfg;
  cfg.url = argv[1];
  cfg.api_key = "hostile-test-key";
  cfg.timeout = std::chrono::milliseconds(std::atol(argv[2]));
  cfg.connect_timeout = std::chrono::milliseconds(1000);
  instant::Client client(cfg);

  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
  const long base = status_kib("VmRSS");
  for (int i = 3; i < argc; ++i) {
    const std::string op = argv[i];
    instant::Status st;
    std::string detail;
    const auto t0 = std::chrono::steady_clock::now();
    if (op.compare(0, 7, "publish") == 0) {
      instant::Event ev;
      ev.message = "hello";
      if (op.size() > 8) ev.options.idempotency_key = op.substr(8);
      detail = std::to_string(client.publish("news", ev, st).offset);
    } else if (op == "subscribe") {
      instant::SubscribeRequest r;
      r.user = "alice";
      r.channel = "news";
      client.subscribe(r, st);
    } else if (op == "info") {
      detail = client.info(st).result_json;
    } else {
      std::fprintf(stderr, "unknown op %s\n", op.c_str());
      return 2;
    }
    const long ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - t0)
                                          .count());
    std::printf("result %s %d %ld %s\n", op.c_str(), static_cast<int>(st.kind()), ms, detail.c_str());
    std::fflush(stdout);
  }
  std::printf("memory %ld %ld\n", base, status_kib("VmHWM"));
  return 0;
}
