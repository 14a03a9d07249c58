#include "report.hpp"

#include <instant/channel_name.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace cli {
namespace {

bool has_flag(const Command& c, const char* name) {
  return std::any_of(c.flags.begin(), c.flags.end(),
                     [&](const Flag& f) { return std::strcmp(f.name, name) == 0; });
}

std::string flag_column(const Flag& f) {
  std::string s = std::string("--") + f.name;
  if (f.value) s += std::string(" ") + f.value;
  return s;
}

void print_rows(std::ostream& os, const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  for (const auto& r : rows) {
    os << "  " << r.first << std::string(width - r.first.size() + 2, ' ') << r.second << "\n";
  }
}

// The channel a command was given, when its first positional argument is one.
std::string channel_arg(const Command& c, const Args& a) {
  if (std::strncmp(c.args, "CHANNEL", 7) != 0 || a.positional().empty()) return {};
  return a.positional()[0];
}

std::string hint(const Command& c, const Args& a, const instant::Error& e) {
  using instant::errc;
  const std::string url = url_setting();
  const bool from_url = url == "CENTRIFUGO_URL";
  switch (e.kind()) {
    case errc::http_status:
      if (e.http_status() == 404) {
        return from_url ? "is CENTRIFUGO_URL the server root, without /api?"
                        : "do CENTRIFUGO_HOST and CENTRIFUGO_PORT name Centrifugo's http_server "
                          "(or set CENTRIFUGO_URL to the server root, without /api)?";
      }
      return {};
    case errc::transport:
      return "is Centrifugo running at " +
             (from_url ? std::string("CENTRIFUGO_URL")
                       : std::string("CENTRIFUGO_HOST:CENTRIFUGO_PORT (default http://localhost:8000)")) +
             "?";
    case errc::timeout:
      return "INSTANT_TIMEOUT_MS and INSTANT_CONNECT_TIMEOUT_MS set the limits";
    case errc::unauthorized:
      return "CENTRIFUGO_API_KEY must equal http_api.key of Centrifugo's config";
    case errc::server_error:
      if (e.server_code() == 102) {
        const std::string ns = instant::channel_namespace(channel_arg(c, a));
        return (ns.empty() ? std::string("namespace") : "namespace '" + ns + "'") +
               " not configured on the server (channel.namespaces in its config; "
               "instant genconfig --registry FILE writes them)";
      }
      if (e.server_code() == 108) {
        return "history needs history_size and history_ttl, presence needs presence, in the "
               "channel's namespace";
      }
      return {};
    case errc::weak_key:
      if (has_flag(c, "allow-weak-key")) return "--allow-weak-key accepts it";
      return {};
    default:
      return {};
  }
}

}  // namespace

std::string usage_line(const Command& c) {
  std::string s = std::string("usage: instant ") + c.name;
  if (*c.args) s += std::string(" ") + c.args;
  if (!c.flags.empty()) s += " [options]";
  return s;
}

void print_help(std::ostream& os, const Command& c) {
  os << usage_line(c) << "\n\n" << c.summary << "\n";
  if (*c.details) os << "\n" << c.details << "\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& f : c.flags) {
    const bool required = std::strcmp(f.dflt, "required") == 0;
    rows.emplace_back(flag_column(f), std::string(f.help) + (required ? " (required)" : std::string(" (default: ") + f.dflt + ")"));
  }
  rows.emplace_back("-h, --help", "print this help and exit");
  os << "\noptions:\n";
  print_rows(os, rows);
  if (!c.env.empty()) {
    rows.clear();
    for (const auto& v : c.env) rows.emplace_back(v.name, std::string(v.help) + " (default: " + v.dflt + ")");
    os << "\nenvironment:\n";
    print_rows(os, rows);
  }
  os << "\nexit status: 0 ok, 1 failed (one line on stderr), 2 usage error\n";
}

std::string failure_line(const Command& c, const Args& a, const instant::Error& e) {
  std::string line = std::string(e.what()) + " [" + instant::to_string(e.kind()) + "]";
  const std::string h = hint(c, a, e);
  if (!h.empty()) line += "; " + h;
  return line;
}

std::string url_setting() {
  const char* u = std::getenv("CENTRIFUGO_URL");
  return (u && *u) ? "CENTRIFUGO_URL" : "CENTRIFUGO_HOST/CENTRIFUGO_PORT";
}

}  // namespace cli
