// instant/config.hpp - where Centrifugo is and how to talk to it. Built in
// code or from the environment (django-instant's setting names). A Config is
// a plain value: copy it freely; it is not shared state.
#ifndef INSTANT_CONFIG_HPP
#define INSTANT_CONFIG_HPP

#include <instant/channel_name.hpp>
#include <instant/error.hpp>
#include <instant/export.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace instant {

// How publish() puts the envelope into the publication data.
enum class EnvelopeEncoding {
  object,  // {"channel":..,"site":..,...} as a JSON object (default)
  string,  // the envelope serialized to a JSON string, as django-instant sends it
};

// Which server API form to call.
enum class ApiMode {
  v5,      // POST {url}/api/<method> with X-API-Key (Centrifugo v5, v6)
  legacy,  // POST {url}/api with {"method","params"} and Authorization: apikey (v4)
};

// The lowercase names of the enums ("object", "string"; "v5", "legacy"),
// as INSTANT_ENVELOPE and INSTANT_API_MODE spell them. Never null.
INSTANT_API const char* to_string(EnvelopeEncoding e) noexcept;
INSTANT_API const char* to_string(ApiMode m) noexcept;

struct INSTANT_API Config {
  // Base URL of Centrifugo's HTTP server without /api, e.g. "http://localhost:8000"
  // or "https://rt.example.com/centrifugo". Only http:// and https:// are used.
  // The default port is Centrifugo's own, 8000, everywhere in instant.
  std::string url = "http://localhost:8000";
  std::string api_key;            // http_api.key; required by every server API call
  std::string hmac_key;           // client.token.hmac_secret_key, for minting tokens
  std::string site = "Site";      // SITE_NAME: default "site" of published envelopes
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{5000};   // whole request, connect included
  bool verify_tls = true;         // verify the server certificate and host name
  std::string ca_file;            // PEM bundle to trust instead of the system store
  std::string proxy;              // HTTP(S) proxy URL; empty: connect directly (the
                                  // http_proxy environment variables are not used)
  ApiMode api_mode = ApiMode::v5;
  EnvelopeEncoding encoding = EnvelopeEncoding::object;
  std::size_t max_payload = 1 << 20;  // largest request body we send (bytes)
  std::size_t max_reply = 64u << 20;  // largest reply read (bytes); bigger: too_large
  // Give every publish and broadcast that has no idempotency_key one (a random
  // per-client base plus a sequence number), so the one resend after a
  // kept-alive connection died under the request is dropped by Centrifugo
  // (5-minute window per channel). false: no generated keys, and such a
  // publish is reported failed instead of resent. v5 API mode only.
  bool idempotency_keys = true;
  // Channel names are checked with these rules before any request.
  NameRules channel_rules;

  // Reads CENTRIFUGO_URL, or CENTRIFUGO_HOST (default http://localhost) and
  // CENTRIFUGO_PORT (default 8000), CENTRIFUGO_API_KEY,
  // CENTRIFUGO_HMAC_KEY, SITE_NAME, and the optional INSTANT_TIMEOUT_MS,
  // INSTANT_CONNECT_TIMEOUT_MS, INSTANT_CA_FILE, INSTANT_PROXY, INSTANT_TLS_VERIFY (0/1),
  // INSTANT_API_MODE (v5/legacy), INSTANT_ENVELOPE (object/string).
  // Throws Error(errc::config) on a malformed value.
  static Config from_env();
  static Config from_env(Status& st);

  // Same, with a custom lookup (returns nullptr for an unset name).
  using Lookup = std::function<const char*(const char* name)>;
  static Config from_lookup(const Lookup& getenv);
  static Config from_lookup(const Lookup& getenv, Status& st);

  // Checks the URL's form, the sizes and the timeouts (1 ms to
  // limits::max_timeout_ms): Error(errc::config) naming the setting.
  void validate() const;
  void validate(Status& st) const;
};

}  // namespace instant

#endif  // INSTANT_CONFIG_HPP
