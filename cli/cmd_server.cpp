// Server API subcommands: publish, history, info.
#include "args.hpp"
#include "commands.hpp"

#include <instant/client.hpp>

#include <iostream>
#include <string>

namespace cli {
namespace {

// JSON string literal of s (s is valid UTF-8 here: it came from Centrifugo or was checked).
std::string q(const std::string& s) { return instant::Json::string(s).text(); }

std::string position_json(const instant::StreamPosition& p) {
  std::string out = "{";
  if (p.offset != 0 || !p.epoch.empty()) {
    out += "\"offset\":" + std::to_string(p.offset) + ",\"epoch\":" + q(p.epoch);
  }
  return out + "}";
}

}  // namespace

int cmd_publish(int argc, char** argv) {
  Args a(argc, argv, {"data", "event-class", "bucket", "site", "idempotency-key"},
         {"string-envelope", "skip-history"});
  std::string channel = a.positional_at(0, "CHANNEL");
  if (a.positional().size() > 2) throw UsageError("too many arguments");
  instant::Event ev;
  if (a.positional().size() > 1) ev.message = a.positional()[1];
  ev.data = a.get("data");
  ev.event_class = a.get("event-class").value_or("");
  ev.bucket = a.get("bucket").value_or("");
  ev.site = a.get("site");
  ev.options.skip_history = a.has("skip-history");
  ev.options.idempotency_key = a.get("idempotency-key").value_or("");
  instant::Config cfg = instant::Config::from_env();
  if (a.has("string-envelope")) cfg.encoding = instant::EnvelopeEncoding::string;
  instant::Client client(cfg);
  instant::PublishResult r = client.publish(channel, ev);
  std::cout << position_json(r) << "\n";
  return 0;
}

int cmd_history(int argc, char** argv) {
  Args a(argc, argv, {"limit"}, {"reverse"});
  std::string channel = a.positional_at(0, "CHANNEL");
  if (a.positional().size() > 1) throw UsageError("too many arguments");
  instant::HistoryOptions opts;
  long long limit = a.get_int("limit", -1);
  if (limit < -1 || limit > 1000000) throw UsageError("--limit must be -1..1000000");
  opts.limit = static_cast<int>(limit);
  opts.reverse = a.has("reverse");
  instant::Client client(instant::Config::from_env());
  instant::HistoryResult h = client.history(channel, opts);
  std::string out = "{\"publications\":[";
  for (std::size_t i = 0; i < h.publications.size(); ++i) {
    const auto& p = h.publications[i];
    if (i) out += ",";
    out += "{\"data\":" + (p.data.empty() ? std::string("null") : p.data);
    if (!p.info.empty()) out += ",\"info\":" + p.info;
    out += ",\"offset\":" + std::to_string(p.offset);
    if (!p.tags.empty()) {
      out += ",\"tags\":{";
      bool first = true;
      for (const auto& t : p.tags) {
        if (!first) out += ",";
        first = false;
        out += q(t.first) + ":" + q(t.second);
      }
      out += "}";
    }
    out += "}";
  }
  out += "],\"offset\":" + std::to_string(h.offset) + ",\"epoch\":" + q(h.epoch) + "}";
  std::cout << out << "\n";
  return 0;
}

int cmd_info(int argc, char** argv) {
  Args a(argc, argv, {}, {});
  if (!a.positional().empty()) throw UsageError("info takes no arguments");
  instant::Client client(instant::Config::from_env());
  std::cout << client.info().result_json << "\n";
  return 0;
}

}  // namespace cli
