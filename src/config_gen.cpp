#include <instant/config_gen.hpp>

#include "detail/files.hpp"
#include "detail/json.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rapidjson/prettywriter.h>

#include <algorithm>
#include <climits>
#include <sys/stat.h>

namespace instant {
namespace {

using Pretty = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void str(Pretty& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

bool is_http_url(const std::string& s) {
  auto starts = [&](const char* p) { return s.rfind(p, 0) == 0 && s.size() > std::string(p).size(); };
  return starts("http://") || starts("https://");
}

bool single_line(const std::string& s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

Status check_options(const ServerConfigOptions& o) {
  auto bad = [](std::string why) { return Status(errc::invalid_argument, std::move(why)); };
  if (o.port < 1 || o.port > 65535) return bad("port must be 1..65535");
  if (!is_http_url(o.host)) return bad("host must be an http:// or https:// URL");
  if (!single_line(o.host)) return bad("host contains control characters");
  if (o.site_name.empty() || !single_line(o.site_name) || !detail::utf8_valid(o.site_name)) {
    return bad("site name must be a non-empty single line of valid UTF-8");
  }
  if (!single_line(o.address) || !detail::utf8_valid(o.address)) {
    return bad("address contains control characters");
  }
  for (const auto& origin : o.allowed_origins) {
    if (origin != "*" && !is_http_url(origin)) {
      return bad("allowed origin must be \"*\" or an http:// or https:// origin");
    }
    if (!single_line(origin) || !detail::utf8_valid(origin)) {
      return bad("allowed origin contains control characters or invalid UTF-8");
    }
  }
  if (o.history_size < 0) return bad("history size must not be negative");
  if (o.history_size > 0 && (o.history_ttl <= 0 || o.history_ttl > INT_MAX)) {
    return bad("history needs a positive history TTL (seconds)");
  }
  for (const std::string* p : {&o.connect_proxy, &o.refresh_proxy, &o.subscribe_proxy,
                               &o.sub_refresh_proxy}) {
    if (!p->empty() && (!is_http_url(*p) || !single_line(*p) || !detail::utf8_valid(*p))) {
      return bad("proxy endpoints must be http:// or https:// URLs");
    }
  }
  if (!o.refresh_proxy.empty() && o.connect_proxy.empty()) {
    return bad("a refresh proxy needs a connect proxy");
  }
  if (!o.sub_refresh_proxy.empty() && o.subscribe_proxy.empty()) {
    return bad("a sub_refresh proxy needs a subscribe proxy");
  }
  for (const auto& h : o.proxy_http_headers) {
    if (h.empty() || !single_line(h) || !detail::utf8_valid(h)) {
      return bad("proxy HTTP header names must be non-empty single-line strings");
    }
  }
  if (o.proxy_timeout_seconds < 1 || o.proxy_timeout_seconds > 600) {
    return bad("proxy timeout must be 1..600 seconds");
  }
  for (const std::string* s : {&o.hmac_key, &o.api_key, &o.admin_password, &o.admin_secret}) {
    if (!s->empty() && (!single_line(*s) || !detail::utf8_valid(*s))) {
      return bad("a given secret contains control characters or invalid UTF-8");
    }
  }
  return {};
}

void channel_options(Pretty& w, const ServerConfigOptions& o) {
  w.Key("presence");
  w.Bool(o.presence);
  if (o.history_size > 0) {
    w.Key("history_size");
    w.Int(o.history_size);
    w.Key("history_ttl");
    str(w, std::to_string(o.history_ttl) + "s");
    w.Key("allow_history_for_subscriber");
    w.Bool(true);
  }
  if (o.presence) {
    w.Key("allow_presence_for_subscriber");
    w.Bool(true);
  }
  if (!o.subscribe_proxy.empty()) {
    w.Key("subscribe_proxy_enabled");
    w.Bool(true);
  }
  if (!o.sub_refresh_proxy.empty()) {
    w.Key("sub_refresh_proxy_enabled");
    w.Bool(true);
  }
}

void proxy_object(Pretty& w, const char* key, const std::string& endpoint,
                  const ServerConfigOptions& o, bool with_enabled) {
  w.Key(key);
  w.StartObject();
  if (with_enabled) {
    w.Key("enabled");
    w.Bool(true);
  }
  w.Key("endpoint");
  str(w, endpoint);
  w.Key("timeout");
  str(w, std::to_string(o.proxy_timeout_seconds) + "s");
  if (!o.proxy_http_headers.empty()) {
    w.Key("http_headers");
    w.StartArray();
    for (const auto& h : o.proxy_http_headers) str(w, h);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string GeneratedConfig::settings_text() const {
  std::string out;
  for (const auto& kv : settings) out += kv.first + "=" + kv.second + "\n";
  return out;
}

std::string random_secret(std::size_t bytes, Status& st) {
  st.clear();
  if (bytes == 0 || bytes > 1024) {
    st = Status(errc::invalid_argument, "secret size must be 1..1024 bytes");
    return {};
  }
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&raw[0]), static_cast<int>(bytes)) != 1) {
    st = Status(errc::internal, "the CSPRNG (RAND_bytes) failed");
    return {};
  }
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  OPENSSL_cleanse(&raw[0], raw.size());
  return out;
}

std::string random_secret(std::size_t bytes) {
  Status st;
  std::string s = random_secret(bytes, st);
  throw_if_error(st);
  return s;
}

GeneratedConfig generate_server_config(const ServerConfigOptions& o, Status& st) {
  GeneratedConfig g;
  st = check_options(o);
  if (!st) return {};
  // Namespaces in order of first appearance; every channel name validated.
  for (const auto& c : o.channels) {
    validate_channel_name(c.name, {}, st);
    if (!st) return {};
    std::string ns = channel_namespace(c.name);
    if (!ns.empty() && std::find(g.namespaces.begin(), g.namespaces.end(), ns) == g.namespaces.end()) {
      g.namespaces.push_back(ns);
    }
  }
  auto secret = [&](const std::string& given, std::string* out) {
    if (!given.empty()) {
      *out = given;
      return true;
    }
    *out = random_secret(32, st);
    return st.ok();
  };
  if (!secret(o.hmac_key, &g.hmac_key) || !secret(o.api_key, &g.api_key) ||
      !secret(o.admin_password, &g.admin_password) || !secret(o.admin_secret, &g.admin_secret)) {
    return {};
  }

  rapidjson::StringBuffer sb;
  Pretty w(sb);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("http_server");
  w.StartObject();
  if (!o.address.empty()) {
    w.Key("address");
    str(w, o.address);
  }
  w.Key("port");
  w.Int(o.port);
  w.EndObject();

  w.Key("http_api");
  w.StartObject();
  w.Key("key");
  str(w, g.api_key);
  w.EndObject();

  w.Key("client");
  w.StartObject();
  w.Key("token");
  w.StartObject();
  w.Key("hmac_secret_key");
  str(w, g.hmac_key);
  w.EndObject();
  w.Key("allowed_origins");
  w.StartArray();
  for (const auto& origin : o.allowed_origins) str(w, origin);
  w.EndArray();
  if (!o.connect_proxy.empty()) {
    w.Key("proxy");
    w.StartObject();
    proxy_object(w, "connect", o.connect_proxy, o, true);
    if (!o.refresh_proxy.empty()) proxy_object(w, "refresh", o.refresh_proxy, o, true);
    w.EndObject();
  }
  w.EndObject();

  w.Key("channel");
  w.StartObject();
  if (!o.subscribe_proxy.empty()) {
    w.Key("proxy");
    w.StartObject();
    proxy_object(w, "subscribe", o.subscribe_proxy, o, false);
    if (!o.sub_refresh_proxy.empty()) proxy_object(w, "sub_refresh", o.sub_refresh_proxy, o, false);
    w.EndObject();
  }
  w.Key("without_namespace");
  w.StartObject();
  channel_options(w, o);
  w.EndObject();
  w.Key("namespaces");
  w.StartArray();
  for (const auto& ns : g.namespaces) {
    w.StartObject();
    w.Key("name");
    str(w, ns);
    channel_options(w, o);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  w.Key("admin");
  w.StartObject();
  w.Key("enabled");
  w.Bool(o.admin);
  if (o.admin) {
    w.Key("password");
    str(w, g.admin_password);
    w.Key("secret");
    str(w, g.admin_secret);
  }
  w.EndObject();

  w.Key("health");
  w.StartObject();
  w.Key("enabled");
  w.Bool(true);
  w.EndObject();
  if (!o.usage_stats) {
    w.Key("usage_stats");
    w.StartObject();
    w.Key("disabled");
    w.Bool(true);
    w.EndObject();
  }
  w.EndObject();
  g.json.assign(sb.GetString(), sb.GetSize());
  g.json += "\n";

  g.settings = {{"CENTRIFUGO_HOST", o.host},
                {"CENTRIFUGO_PORT", std::to_string(o.port)},
                {"CENTRIFUGO_HMAC_KEY", g.hmac_key},
                {"CENTRIFUGO_API_KEY", g.api_key},
                {"SITE_NAME", o.site_name}};
  return g;
}

GeneratedConfig generate_server_config(const ServerConfigOptions& opts) {
  Status st;
  GeneratedConfig g = generate_server_config(opts, st);
  throw_if_error(st);
  return g;
}

void save_server_config(const GeneratedConfig& cfg, const std::string& path, bool overwrite,
                        Status& st) {
  st.clear();
  if (path.empty()) {
    st = Status(errc::invalid_argument, "empty config path");
    return;
  }
  struct stat sb {};
  if (!overwrite && ::stat(path.c_str(), &sb) == 0) {
    st = Status(errc::already_exists, "'" + path + "' exists (overwrite not requested)");
    return;
  }
  st = detail::write_file_atomic(path, cfg.json, 0600);
}

void save_server_config(const GeneratedConfig& cfg, const std::string& path, bool overwrite) {
  Status st;
  save_server_config(cfg, path, overwrite, st);
  throw_if_error(st);
}

}  // namespace instant
