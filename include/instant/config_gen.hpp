// instant/config_gen.hpp - generates a Centrifugo v6 config.json for the
// host's channels (django-instant's installws/genconfig step): CSPRNG secrets,
// allowed origins, the namespaces the registered channels need, proxy
// endpoints, and the matching settings as NAME=value lines.
// Thread-safety: all functions are reentrant; results are plain values.
#ifndef INSTANT_CONFIG_GEN_HPP
#define INSTANT_CONFIG_GEN_HPP

#include <instant/channels.hpp>
#include <instant/error.hpp>
#include <instant/export.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace instant {

// What to generate. A value type; empty secrets are generated.
struct ServerConfigOptions {
  std::string host = "http://localhost";  // printed as CENTRIFUGO_HOST
  int port = 8000;                        // http_server.port, CENTRIFUGO_PORT
  std::string address = "127.0.0.1";      // http_server.address; empty = all interfaces
  std::string site_name = "Site";         // printed as SITE_NAME
  std::vector<std::string> allowed_origins;  // client.allowed_origins ("http://x:*" patterns ok)
  std::vector<Channel> channels;          // their namespaces are configured
  bool presence = true;                   // presence in every generated namespace
  int history_size = 100;                 // 0 = no history
  std::int64_t history_ttl = 300;         // seconds; used when history_size > 0
  bool admin = true;                      // admin UI with generated password and secret
  bool usage_stats = true;                // false: usage_stats.disabled (no anonymous stats)
  // Proxy endpoints (http/https URLs); empty = that proxy is off.
  std::string connect_proxy;
  std::string refresh_proxy;
  std::string subscribe_proxy;    // enables subscribe_proxy_enabled in every namespace
  std::string sub_refresh_proxy;  // enables sub_refresh_proxy_enabled in every namespace
  std::vector<std::string> proxy_http_headers = {"Cookie", "Authorization"};
  int proxy_timeout_seconds = 1;
  // Secrets; empty = generated with random_secret().
  std::string hmac_key;
  std::string api_key;
  std::string admin_password;
  std::string admin_secret;
};

// A generated configuration. Holds secrets: keep it out of logs.
struct INSTANT_API GeneratedConfig {
  std::string json;  // the config.json text
  std::string hmac_key;
  std::string api_key;
  std::string admin_password;
  std::string admin_secret;
  std::vector<std::string> namespaces;  // namespace names configured, in order
  // CENTRIFUGO_HOST, CENTRIFUGO_PORT, CENTRIFUGO_HMAC_KEY, CENTRIFUGO_API_KEY, SITE_NAME.
  std::vector<std::pair<std::string, std::string>> settings;

  // The settings as "NAME=value\n" lines.
  std::string settings_text() const;
};

// `bytes` random bytes from OpenSSL's CSPRNG (RAND_bytes), hex-encoded.
// internal if the CSPRNG fails; invalid_argument for 0 or > 1024 bytes.
INSTANT_API std::string random_secret(std::size_t bytes = 32);
INSTANT_API std::string random_secret(std::size_t bytes, Status& st);

// Builds the config. invalid_argument (bad port, origin, URL, site name,
// history), invalid_channel (a channel name), internal (CSPRNG).
INSTANT_API GeneratedConfig generate_server_config(const ServerConfigOptions& opts);
INSTANT_API GeneratedConfig generate_server_config(const ServerConfigOptions& opts, Status& st);

// Writes cfg.json to `path` atomically with mode 0600 (it holds secrets).
// already_exists when the file exists and !overwrite; io on failure.
INSTANT_API void save_server_config(const GeneratedConfig& cfg, const std::string& path,
                                    bool overwrite = false);
INSTANT_API void save_server_config(const GeneratedConfig& cfg, const std::string& path,
                                    bool overwrite, Status& st);

}  // namespace instant

#endif  // INSTANT_CONFIG_GEN_HPP
