// instant genconfig / channels / proxy: the channel registry file, the
// Centrifugo config that matches it, and Centrifugo's proxy requests answered
// from the command line (stdin request JSON -> stdout response JSON).
#include "args.hpp"
#include "commands.hpp"

#include <instant/limits.hpp>

#include <instant/bundle.hpp>
#include <instant/channels.hpp>
#include <instant/config_gen.hpp>
#include <instant/proxy.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sys/stat.h>

namespace cli {
namespace {

std::string env_or(const char* name, const char* dflt) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : dflt;
}

bool file_exists(const std::string& path) {
  struct stat sb {};
  return ::stat(path.c_str(), &sb) == 0;
}

std::string require_registry(const Args& a) {
  auto r = a.get("registry");
  if (!r) throw UsageError("missing --registry FILE");
  return *r;
}

instant::RegistryOptions registry_options(const Args& a) {
  instant::RegistryOptions o;
  o.prefix_private = a.has("prefix-private");
  o.rules.allow_non_ascii = a.has("allow-non-ascii");
  return o;
}

// Loads a registry file; a missing file is an empty registry when allowed.
void load_registry(instant::Registry& r, const std::string& path, bool missing_ok) {
  if (missing_ok && !file_exists(path)) return;
  r.load(path);
}

// The user described by --user/--group/--staff/--superuser/--anonymous.
std::optional<instant::User> flag_user(const Args& a) {
  if (a.has("anonymous")) {
    if (a.has("user")) throw UsageError("--anonymous and --user exclude each other");
    return instant::User::anonymous();
  }
  auto id = a.get("user");
  if (!id) return std::nullopt;
  if (id->empty()) throw UsageError("--user needs a non-empty name");
  instant::User u;
  u.id = *id;
  u.groups = a.all("group");
  u.staff = a.has("staff");
  u.superuser = a.has("superuser");
  return u;
}

instant::AuthorizeOptions authorize_options(const Args& a) {
  instant::AuthorizeOptions o;
  o.anonymous_public = a.has("anonymous-public");
  return o;
}

void print_channels_text(const std::vector<instant::Channel>& v) {
  for (const auto& c : v) {
    std::cout << c.name << "\t" << instant::to_string(c.level) << "\t"
              << (c.active ? "active" : "inactive") << "\t";
    for (std::size_t i = 0; i < c.groups.size(); ++i) std::cout << (i ? "," : "") << c.groups[i];
    std::cout << "\n";
  }
}

instant::Channel channel_from_flags(const Args& a, const std::string& name) {
  instant::Channel c;
  c.name = name;
  c.level = instant::parse_level(a.get("level").value_or("superuser"));
  c.groups = a.all("group");
  c.active = !a.has("inactive");
  return c;
}

// The users of a users file (see instant::parse_users_json).
std::vector<instant::User> load_users(const std::string& path);

}  // namespace

int cmd_bundle(int argc, char** argv) {
  Args a(argc, argv, {"registry", "user", "group", "csrf", "lifetime"},
         {"staff", "superuser", "anonymous", "anonymous-public", "server-side", "server-side-subs",
          "prefix-private", "allow-non-ascii"});
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  instant::Registry reg(registry_options(a));
  reg.load(require_registry(a));
  auto user = flag_user(a);
  if (!user) throw UsageError("missing --user NAME (or --anonymous)");
  const char* key = std::getenv("CENTRIFUGO_HMAC_KEY");
  if (!key || !*key) throw instant::Error(instant::errc::config, "CENTRIFUGO_HMAC_KEY is not set");
  instant::Signer signer = instant::Signer::hmac(key);
  instant::BundleOptions o;
  o.authorize = authorize_options(a);
  o.lifetime = a.get_int("lifetime", 86400, 1, instant::limits::max_lifetime_seconds);
  if (a.has("server-side") && a.has("server-side-subs")) {
    throw UsageError("--server-side and --server-side-subs exclude each other");
  }
  if (a.has("server-side")) o.server_side = instant::ServerSide::channels;
  if (a.has("server-side-subs")) o.server_side = instant::ServerSide::subs;
  instant::Bundle b = instant::make_bundle(signer, reg, *user, a.get("csrf").value_or(""), o);
  std::cout << b.to_json() << "\n";
  return 0;
}

int cmd_genconfig(int argc, char** argv) {
  Args a(argc, argv,
         {"output", "origin", "registry", "port", "address", "host", "site", "connect-proxy",
          "refresh-proxy", "subscribe-proxy", "sub-refresh-proxy", "proxy-header",
          "history-size", "history-ttl"},
         {"force", "no-presence", "no-admin", "no-usage-stats", "prefix-private", "allow-non-ascii"});
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  instant::ServerConfigOptions o;
  o.host = a.get("host").value_or(env_or("CENTRIFUGO_HOST", "http://localhost"));
  o.port = static_cast<int>(a.get_int("port", 8000));
  o.address = a.get("address").value_or("");
  o.site_name = a.get("site").value_or(env_or("SITE_NAME", "Site"));
  o.allowed_origins = a.all("origin");
  if (auto r = a.get("registry")) {
    instant::Registry reg(registry_options(a));
    reg.load(*r);
    o.channels = reg.list();
  }
  o.presence = !a.has("no-presence");
  o.admin = !a.has("no-admin");
  o.usage_stats = !a.has("no-usage-stats");
  o.history_size = static_cast<int>(a.get_int("history-size", 100));
  o.history_ttl = a.get_int("history-ttl", 300);
  o.connect_proxy = a.get("connect-proxy").value_or("");
  o.refresh_proxy = a.get("refresh-proxy").value_or("");
  o.subscribe_proxy = a.get("subscribe-proxy").value_or("");
  o.sub_refresh_proxy = a.get("sub-refresh-proxy").value_or("");
  if (a.has("proxy-header")) o.proxy_http_headers = a.all("proxy-header");
  instant::GeneratedConfig g = instant::generate_server_config(o);
  std::string out = a.get("output").value_or("config.json");
  instant::save_server_config(g, out, a.has("force"));
  std::cerr << "instant: wrote " << out << " (mode 0600; it holds the secrets below)\n";
  std::cout << g.settings_text();
  return 0;
}

int cmd_channels(int argc, char** argv) {
  if (argc < 1) throw UsageError("missing subcommand (list, add, update, remove, explain)");
  std::string sub = argv[0];
  Args a(argc - 1, argv + 1,
         {"registry", "level", "group", "user"},
         {"json", "inactive", "prefix-private", "allow-non-ascii", "staff", "superuser",
          "anonymous", "anonymous-public"});
  std::string path = require_registry(a);
  instant::Registry reg(registry_options(a));
  if (sub == "list") {
    if (!a.positional().empty()) throw UsageError("list takes no arguments");
    load_registry(reg, path, false);
    if (a.has("json")) {
      std::cout << reg.to_json();
    } else {
      print_channels_text(reg.list());
    }
    return 0;
  }
  if (sub == "add" || sub == "update") {
    if (a.positional().size() != 1) throw UsageError(sub + " takes one channel NAME");
    load_registry(reg, path, sub == "add");
    instant::Channel c = channel_from_flags(a, a.positional()[0]);
    std::string name = c.name;
    if (sub == "add") {
      name = reg.add(std::move(c));
    } else {
      reg.update(std::move(c));
    }
    reg.save(path);
    std::cout << name << "\n";
    return 0;
  }
  if (sub == "remove") {
    if (a.positional().size() != 1) throw UsageError("remove takes one channel NAME");
    load_registry(reg, path, false);
    reg.remove(a.positional()[0]);
    reg.save(path);
    return 0;
  }
  if (sub == "explain") {
    load_registry(reg, path, false);
    auto user = flag_user(a);
    if (!user) throw UsageError("explain needs --user NAME or --anonymous");
    for (const auto& d : reg.explain(*user, authorize_options(a))) {
      std::cout << (d.allowed ? "allow" : "deny") << "\t" << d.channel << "\t" << d.reason << "\n";
    }
    return 0;
  }
  throw UsageError("unknown channels subcommand '" + sub + "'");
}

int cmd_proxy(int argc, char** argv) {
  if (argc < 1) throw UsageError("missing kind (connect, refresh, subscribe, sub_refresh)");
  std::string kind = argv[0];
  Args a(argc - 1, argv + 1,
         {"registry", "users", "user", "group", "connection-lifetime", "subscription-lifetime",
          "max-bytes"},
         {"staff", "superuser", "anonymous", "anonymous-public", "server-side", "explain",
          "prefix-private", "allow-non-ascii"});
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  instant::Registry reg(registry_options(a));
  reg.load(require_registry(a));

  // Who the host says the client is: --anonymous, or --user NAME (attributes
  // from --users FILE when given, else from the flags), else the request's
  // `user` looked up in --users FILE.
  std::map<std::string, instant::User> users;
  const bool have_users_file = a.get("users").has_value();
  if (have_users_file) {
    for (auto& u : load_users(*a.get("users"))) users[u.id] = std::move(u);
  }
  std::optional<instant::User> fixed = flag_user(a);
  if (fixed && fixed->authenticated && have_users_file) {
    auto it = users.find(fixed->id);
    fixed = it == users.end() ? std::nullopt : std::optional<instant::User>(it->second);
  }
  const bool have_fixed = a.has("user") || a.has("anonymous");
  instant::UserResolver resolve = [&](const instant::ProxyRequest& r) -> std::optional<instant::User> {
    if (have_fixed) return fixed;
    auto it = users.find(r.user);
    if (it != users.end()) return it->second;
    return std::nullopt;
  };

  instant::ProxyOptions o;
  o.authorize = authorize_options(a);
  o.server_side_subscriptions = a.has("server-side");
  o.connection_lifetime = a.get_int("connection-lifetime", 0, 0, instant::limits::max_lifetime_seconds);
  o.subscription_lifetime = a.get_int("subscription-lifetime", 0, 0, instant::limits::max_lifetime_seconds);
  long long max_bytes = a.get_int("max-bytes", 65536);
  if (max_bytes < 1) throw UsageError("--max-bytes must be positive");
  o.max_request_bytes = static_cast<std::size_t>(max_bytes);
  if (a.has("explain")) {
    o.on_decision = [](const instant::Decision& d) {
      std::cerr << "instant: " << (d.allowed ? "allow " : "deny ") << d.channel << ": " << d.reason
                << "\n";
    };
  }
  // Read at most max_request_bytes + 1 so a huge body is refused, not buffered.
  std::string body;
  body.resize(o.max_request_bytes + 1);
  std::cin.read(&body[0], static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(std::cin.gcount()));

  std::string reply;
  if (kind == "connect") {
    reply = instant::proxy_connect(body, reg, resolve, o);
  } else if (kind == "refresh") {
    reply = instant::proxy_refresh(body, reg, resolve, o);
  } else if (kind == "subscribe") {
    reply = instant::proxy_subscribe(body, reg, resolve, o);
  } else if (kind == "sub_refresh" || kind == "sub-refresh") {
    reply = instant::proxy_sub_refresh(body, reg, resolve, o);
  } else {
    throw UsageError("unknown proxy kind '" + kind + "'");
  }
  std::cout << reply << "\n";
  return 0;
}

namespace {

std::vector<instant::User> load_users(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw instant::Error(instant::errc::io, "cannot read users file '" + path + "'");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  instant::Status st;
  auto users = instant::parse_users_json(text, st);
  if (!st) throw instant::Error(st.kind(), "users file '" + path + "': " + st.message());
  return users;
}

}  // namespace
}  // namespace cli
