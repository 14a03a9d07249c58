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

int run_bundle(const Args& a) {
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  instant::Registry reg(registry_options(a));
  reg.load(require_registry(a));
  auto user = flag_user(a);
  if (!user) throw UsageError("missing --user NAME (or --anonymous)");
  instant::SignerOptions so;
  so.allow_weak_key = a.has("allow-weak-key");
  instant::Status st;
  instant::Signer signer = instant::Signer::from_env(so, st);
  if (st.kind() == instant::errc::weak_key) {
    throw instant::Error(st.kind(), "CENTRIFUGO_HMAC_KEY: " + st.message());
  }
  instant::throw_if_error(st);
  instant::BundleOptions o;
  o.authorize = authorize_options(a);
  o.lifetime = a.get_int("lifetime", 86400, 1, instant::limits::max_lifetime_seconds);
  if (a.has("server-side") && a.has("server-side-subs")) {
    throw UsageError("--server-side and --server-side-subs exclude each other");
  }
  if (a.has("server-side")) o.server_side = instant::ServerSide::channels;
  if (a.has("server-side-subs")) o.server_side = instant::ServerSide::subs;
  instant::Status bst;
  instant::Bundle b = instant::make_bundle(signer, reg, *user, a.get("csrf").value_or(""), o, bst);
  if (bst.kind() == instant::errc::forbidden) {
    throw instant::Error(bst.kind(), bst.message() + "; --anonymous-public gives anonymous users the public channels");
  }
  instant::throw_if_error(bst);
  std::cout << b.to_json() << "\n";
  return 0;
}

// A value from a flag, else from an environment variable, else a default,
// with the name of the setting it came from (for error messages).
struct Setting {
  std::string value;
  std::string from;
};

Setting flag_env_or(const Args& a, const char* flag, const char* env, const char* dflt) {
  if (auto v = a.get(flag)) return {*v, std::string("--") + flag};
  const char* e = std::getenv(env);
  if (e && *e) return {e, env};
  return {dflt, std::string("--") + flag + " (default " + dflt + ")"};
}

// Shell-quotes a path for the printed command line when it needs it.
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:,@") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int run_genconfig(const Args& a) {
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  const std::string out = a.get("output").value_or("config.json");
  const bool force = a.has("force");
  if (!force && file_exists(out)) {
    throw instant::Error(instant::errc::already_exists,
                         out + " exists already; --force overwrites it (with new secrets)");
  }
  instant::ServerConfigOptions o;
  const Setting host = flag_env_or(a, "host", "CENTRIFUGO_HOST", "http://localhost");
  const Setting site = flag_env_or(a, "site", "SITE_NAME", "Site");
  o.host = host.value;
  o.port = static_cast<int>(a.get_int("port", 8000, 1, 65535));
  o.address = a.get("address").value_or(o.address);
  o.site_name = site.value;
  o.allowed_origins = a.all("origin");
  if (auto r = a.get("registry")) {
    instant::Registry reg(registry_options(a));
    reg.load(*r);
    o.channels = reg.list();
  }
  o.presence = !a.has("no-presence");
  o.admin = !a.has("no-admin");
  o.usage_stats = !a.has("no-usage-stats");
  o.history_size = static_cast<int>(a.get_int("history-size", 100, 0, 2147483647));
  o.history_ttl = a.get_int("history-ttl", 300, 0, 2147483647);
  o.connect_proxy = a.get("connect-proxy").value_or("");
  o.refresh_proxy = a.get("refresh-proxy").value_or("");
  o.subscribe_proxy = a.get("subscribe-proxy").value_or("");
  o.sub_refresh_proxy = a.get("sub-refresh-proxy").value_or("");
  if (a.has("proxy-header")) o.proxy_http_headers = a.all("proxy-header");
  instant::Status st;
  instant::GeneratedConfig g = instant::generate_server_config(o, st);
  if (!st.ok()) {
    // Name the setting the offending value came from.
    const std::pair<const char*, std::string> sources[] = {
        {"host ", host.from},
        {"site name ", site.from},
        {"allowed origin ", "--origin"},
        {"history size ", "--history-size"},
        {"history needs ", "--history-ttl"},
        {"proxy endpoints ", "--connect-proxy/--refresh-proxy/--subscribe-proxy/--sub-refresh-proxy"},
        {"a refresh proxy ", "--refresh-proxy"},
        {"a sub_refresh proxy ", "--sub-refresh-proxy"},
        {"proxy HTTP header ", "--proxy-header"},
        {"address ", "--address"},
    };
    for (const auto& s : sources) {
      if (st.message().rfind(s.first, 0) == 0) {
        throw instant::Error(st.kind(), s.second + ": " + st.message());
      }
    }
    instant::throw_if_error(st);
  }
  instant::save_server_config(g, out, force);
  std::cerr << "instant: wrote " << out << " (mode 0600; it holds the secrets printed below)\n";
  if (o.allowed_origins.empty()) {
    std::cerr << "instant: warning: no --origin: client.allowed_origins is empty, so Centrifugo "
                 "refuses every browser connection (403); pass --origin https://your.site\n";
  }
  std::cerr << "instant: start Centrifugo with: centrifugo -c " << shell_word(out) << "  (listening on "
            << (o.address.empty() ? std::string("every interface") : o.address) << ", port " << o.port
            << ")\n";
  std::cout << g.settings_text();
  return 0;
}

int run_channels(const Args& a) {
  if (a.positional().empty()) throw UsageError("missing subcommand (list, add, update, remove, explain)");
  const std::string sub = a.positional()[0];
  const std::vector<std::string> rest(a.positional().begin() + 1, a.positional().end());
  std::string path = require_registry(a);
  instant::Registry reg(registry_options(a));
  if (sub == "list") {
    if (!rest.empty()) throw UsageError("list takes no arguments");
    load_registry(reg, path, false);
    if (a.has("json")) {
      std::cout << reg.to_json();
    } else {
      print_channels_text(reg.list());
    }
    return 0;
  }
  if (sub == "add" || sub == "update") {
    if (rest.size() != 1) throw UsageError(sub + " takes one channel NAME");
    load_registry(reg, path, sub == "add");
    instant::Channel c = channel_from_flags(a, rest[0]);
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
    if (rest.size() != 1) throw UsageError("remove takes one channel NAME");
    load_registry(reg, path, false);
    reg.remove(rest[0]);
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

int run_proxy(const Args& a) {
  if (a.positional().empty()) throw UsageError("missing kind (connect, refresh, subscribe, sub_refresh)");
  const std::string kind = a.positional()[0];
  if (a.positional().size() > 1) throw UsageError("unexpected argument '" + a.positional()[1] + "'");
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
  o.max_request_bytes = static_cast<std::size_t>(a.get_int("max-bytes", 65536, 1, 1LL << 30));
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

std::vector<instant::User> load_users(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw instant::Error(instant::errc::io, "cannot read users file '" + path + "'");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  instant::Status st;
  auto users = instant::parse_users_json(text, st);
  if (!st) throw instant::Error(st.kind(), "users file '" + path + "': " + st.message());
  return users;
}

const std::vector<Flag> kRegistryRules = {
    {"prefix-private", nullptr, "prefix \"$\" to every non-public channel added (ns:chan -> $ns:chan)", "off"},
    {"allow-non-ascii", nullptr, "accept non-ASCII channel names (namespaces with channel_regex)", "off"},
};

const std::vector<Flag> kUserFlags = {
    {"user", "NAME", "the user (the JWT sub)", "none"},
    {"group", "G", "a group of the user; repeatable", "none"},
    {"staff", nullptr, "the user is staff", "off"},
    {"superuser", nullptr, "the user is a superuser", "off"},
    {"anonymous", nullptr, "an anonymous user instead of --user", "off"},
    {"anonymous-public", nullptr, "give anonymous users the active public channels", "off"},
};

std::vector<Flag> user_flags(std::vector<Flag> own) { return join(join(std::move(own), kUserFlags), kRegistryRules); }

}  // namespace

const Command bundle_command = {
    "bundle",
    "",
    "print django-instant's get_token JSON for a user",
    "Prints {\"csrf_token\",\"ws_token\",\"channels\":[{\"name\",\"level\",\"token\"}]}: a\n"
    "connection token and one subscription token per channel the user may use\n"
    "(docs/channels.md), signed with CENTRIFUGO_HMAC_KEY (HS256).",
    user_flags({
        {"registry", "FILE", "the channel registry ({\"channels\":[...]})", "required"},
        {"csrf", "TOKEN", "the csrf_token to put in the bundle", "\"\""},
        {"lifetime", "SECONDS", "lifetime of every token (1..315360000)", "86400"},
        {"server-side", nullptr, "subscribe on the server: the channels claim, no subscription tokens", "off"},
        {"server-side-subs", nullptr, "the same with the subs claim", "off"},
        {"allow-weak-key", nullptr, "accept an HMAC key shorter than 32 bytes", "off"},
    }),
    hmac_env(),
    run_bundle,
};

const Command genconfig_command = {
    "genconfig",
    "",
    "write a Centrifugo config for the registered channels",
    "Writes a Centrifugo v6 config (mode 0600) with fresh secrets, the allowed\n"
    "origins and one namespace per namespace the registry uses, and prints the\n"
    "settings that match it as NAME=value lines (CENTRIFUGO_HOST, CENTRIFUGO_PORT,\n"
    "CENTRIFUGO_HMAC_KEY, CENTRIFUGO_API_KEY, SITE_NAME). Start the server with\n"
    "`centrifugo -c FILE`.",
    join({
        {"output", "FILE", "where to write the config", "config.json"},
        {"force", nullptr, "overwrite FILE if it exists", "off"},
        {"origin", "URL", "an allowed browser origin (\"http://host:*\" patterns work); repeatable; "
                           "without one browsers get 403", "none"},
        {"registry", "FILE", "configure the namespaces of these channels", "none"},
        {"host", "URL", "printed as CENTRIFUGO_HOST", "CENTRIFUGO_HOST, else http://localhost"},
        {"port", "N", "http_server.port, printed as CENTRIFUGO_PORT", "8000"},
        {"address", "IP", "http_server.address; \"\" listens on every interface", "127.0.0.1"},
        {"site", "NAME", "printed as SITE_NAME", "SITE_NAME, else Site"},
        {"connect-proxy", "URL", "Centrifugo's connect proxy endpoint", "none"},
        {"refresh-proxy", "URL", "refresh proxy endpoint (needs --connect-proxy)", "none"},
        {"subscribe-proxy", "URL", "subscribe proxy endpoint, enabled in every namespace", "none"},
        {"sub-refresh-proxy", "URL", "sub_refresh proxy endpoint (needs --subscribe-proxy)", "none"},
        {"proxy-header", "NAME", "an HTTP header the proxies forward; repeatable", "Cookie, Authorization"},
        {"history-size", "N", "publications kept per channel; 0 turns history off", "100"},
        {"history-ttl", "SECONDS", "how long they are kept", "300"},
        {"no-presence", nullptr, "turn presence off", "presence on"},
        {"no-admin", nullptr, "turn the admin web UI off", "admin on, generated password"},
        {"no-usage-stats", nullptr, "turn Centrifugo's anonymous usage statistics off", "on"},
    }, kRegistryRules),
    {
        {"CENTRIFUGO_HOST", "the default of --host", "http://localhost"},
        {"SITE_NAME", "the default of --site", "Site"},
    },
    run_genconfig,
};

const Command channels_command = {
    "channels",
    "list|add|update|remove|explain [NAME]",
    "manage the channel registry file",
    "list prints the channels (name, level, active, groups); add and update take\n"
    "--level, --group and --inactive and print the stored name; remove deletes\n"
    "NAME; explain prints allow/deny and the reason for every channel and a user.\n"
    "The file is written atomically.",
    user_flags({
        {"registry", "FILE", "the registry file (add creates it)", "required"},
        {"level", "LEVEL", "public, users, groups, staff or superuser (add, update)", "superuser"},
        {"inactive", nullptr, "mark the channel inactive (add, update)", "active"},
        {"json", nullptr, "list as JSON, in the registry file format", "off"},
    }),
    {},
    run_channels,
};

const Command proxy_command = {
    "proxy",
    "connect|refresh|subscribe|sub_refresh",
    "answer one Centrifugo proxy request (stdin to stdout)",
    "Reads the request JSON Centrifugo posts on stdin and prints the reply to send\n"
    "with HTTP 200. The user is --user/--anonymous, or the request's user looked\n"
    "up in --users FILE ({\"users\":[{\"id\",\"groups\",\"staff\",\"superuser\"}]}).",
    user_flags({
        {"registry", "FILE", "the channel registry", "required"},
        {"users", "FILE", "the users file", "none"},
        {"server-side", nullptr, "connect: list the user's channels (server-side subscriptions)", "off"},
        {"connection-lifetime", "SECONDS", "connect/refresh expire_at = now + SECONDS; 0 = none", "0"},
        {"subscription-lifetime", "SECONDS", "subscribe/sub_refresh expire_at; 0 = none", "0"},
        {"max-bytes", "N", "largest request accepted", "65536"},
        {"explain", nullptr, "print each decision and its reason on stderr", "off"},
    }),
    {},
    run_proxy,
};

}  // namespace cli
