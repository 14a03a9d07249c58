// Server API subcommands: publish, history, info.
#include "args.hpp"
#include "commands.hpp"

#include <instant/limits.hpp>

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

int run_publish(const Args& a) {
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

int run_history(const Args& a) {
  std::string channel = a.positional_at(0, "CHANNEL");
  if (a.positional().size() > 1) throw UsageError("too many arguments");
  instant::HistoryOptions opts;
  opts.limit = static_cast<int>(a.get_int("limit", -1, -1, 1000000));
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

int run_info(const Args& a) {
  if (!a.positional().empty()) throw UsageError("info takes no arguments");
  instant::Client client(instant::Config::from_env());
  std::cout << client.info().result_json << "\n";
  return 0;
}

}  // namespace

const std::vector<EnvVar>& server_env() {
  static const std::vector<EnvVar> env = {
      {"CENTRIFUGO_URL", "Centrifugo's base URL, without /api (https:// or a path prefix); wins over HOST and PORT", "none"},
      {"CENTRIFUGO_HOST", "scheme and host of Centrifugo", "http://localhost"},
      {"CENTRIFUGO_PORT", "port of Centrifugo's http_server", "8000"},
      {"CENTRIFUGO_API_KEY", "Centrifugo's http_api.key", "none: required"},
      {"SITE_NAME", "the envelope's \"site\"", "Site"},
      {"INSTANT_TIMEOUT_MS", "limit of one request, connecting included", "5000"},
      {"INSTANT_CONNECT_TIMEOUT_MS", "limit of connecting", "1000"},
      {"INSTANT_CA_FILE", "PEM bundle trusted instead of the system store", "the system store"},
      {"INSTANT_TLS_VERIFY", "0 turns certificate and host name checks off", "1"},
      {"INSTANT_PROXY", "HTTP proxy URL (http_proxy and friends are not read)", "none"},
      {"INSTANT_API_MODE", "v5 (POST /api/METHOD, X-API-Key) or legacy (Centrifugo v4)", "v5"},
      {"INSTANT_ENVELOPE", "object, or string for django-instant's JSON-string envelope", "object"},
  };
  return env;
}

const Command publish_command = {
    "publish",
    "CHANNEL [MESSAGE]",
    "publish django-instant's event envelope into a channel",
    "Sends {\"channel\",\"site\",\"message\",\"data\",\"event_class\",\"bucket\"} (keys that are\n"
    "not set are left out; MESSAGE or --data is required) and prints the stream\n"
    "position {\"offset\":N,\"epoch\":\"..\"} ({} when the channel keeps no history).",
    {
        {"data", "JSON", "the envelope's \"data\", JSON text", "none"},
        {"event-class", "NAME", "the envelope's \"event_class\"", "none"},
        {"bucket", "NAME", "the envelope's \"bucket\"", "none"},
        {"site", "NAME", "the envelope's \"site\"", "SITE_NAME, else Site"},
        {"string-envelope", nullptr, "send the envelope as a JSON string, as django-instant does",
         "INSTANT_ENVELOPE, else off"},
        {"skip-history", nullptr, "do not keep the publication in the channel's history", "off"},
        {"idempotency-key", "KEY", "Centrifugo drops a repeat with this key for 5 minutes",
         "one generated per call"},
    },
    server_env(),
    run_publish,
};

const Command history_command = {
    "history",
    "CHANNEL",
    "print the publications a channel keeps",
    "Prints {\"publications\":[{\"data\",\"info\",\"offset\",\"tags\"}],\"offset\":N,\"epoch\":\"..\"};\n"
    "the channel's namespace needs history_size and history_ttl.",
    {
        {"limit", "N", "at most N publications; 0 prints only the stream position, -1 all", "-1"},
        {"reverse", nullptr, "newest first", "off"},
    },
    server_env(),
    run_history,
};

const Command info_command = {
    "info",
    "",
    "print Centrifugo's node information",
    "Prints the result of the info server API call: {\"nodes\":[...]}.",
    {},
    server_env(),
    run_info,
};

}  // namespace cli
