#include <instant/config.hpp>
#include <instant/limits.hpp>

#include <cerrno>
#include <cstdlib>

namespace instant {
namespace {

bool parse_long(const char* s, long long lo, long long hi, long long& out) {
  if (!s || !*s) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool has_prefix(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

std::string strip_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

Status check(const Config& c) {
  const std::string& url = c.url;
  if (!(has_prefix(url, "http://") || has_prefix(url, "https://"))) {
    return Status(errc::config, "the Centrifugo URL must start with http:// or https://");
  }
  std::string_view rest(url);
  rest.remove_prefix(has_prefix(url, "https://") ? 8 : 7);
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
    return Status(errc::config, "the Centrifugo URL has no host");
  }
  for (char ch : url) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) {
      return Status(errc::config, "the Centrifugo URL contains a space or control character");
    }
  }
  if (c.max_payload == 0 || c.max_reply == 0) {
    return Status(errc::config, "max_payload and max_reply must be positive");
  }
  if (c.timeout.count() <= 0 || c.timeout.count() > limits::max_timeout_ms) {
    return Status(errc::config, "the request timeout must be 1..3600000 ms");
  }
  if (c.connect_timeout.count() <= 0 || c.connect_timeout.count() > limits::max_timeout_ms) {
    return Status(errc::config, "the connect timeout must be 1..3600000 ms");
  }
  return {};
}

}  // namespace

const char* to_string(EnvelopeEncoding e) noexcept {
  return e == EnvelopeEncoding::string ? "string" : "object";
}

const char* to_string(ApiMode m) noexcept { return m == ApiMode::legacy ? "legacy" : "v5"; }

void Config::validate(Status& st) const { st = check(*this); }

void Config::validate() const { throw_if_error(check(*this)); }

Config Config::from_lookup(const Lookup& getenv, Status& st) {
  st.clear();
  Config c;
  auto get = [&](const char* n) -> const char* {
    const char* v = getenv(n);
    return (v && *v) ? v : nullptr;
  };
  if (const char* u = get("CENTRIFUGO_URL")) {
    c.url = strip_trailing_slashes(u);
  } else {
    std::string host = get("CENTRIFUGO_HOST") ? get("CENTRIFUGO_HOST") : "http://localhost";
    host = strip_trailing_slashes(host);
    if (!has_prefix(host, "http://") && !has_prefix(host, "https://")) host = "http://" + host;
    long long port = 8000;
    if (const char* p = get("CENTRIFUGO_PORT")) {
      if (!parse_long(p, 1, 65535, port)) {
        st = Status(errc::config, "CENTRIFUGO_PORT must be a port number (1-65535)");
        return c;
      }
    }
    c.url = host + ":" + std::to_string(port);
  }
  if (const char* k = get("CENTRIFUGO_API_KEY")) c.api_key = k;
  if (const char* k = get("CENTRIFUGO_HMAC_KEY")) c.hmac_key = k;
  if (const char* s = get("SITE_NAME")) c.site = s;
  long long ms = 0;
  if (const char* t = get("INSTANT_TIMEOUT_MS")) {
    if (!parse_long(t, 1, limits::max_timeout_ms, ms)) {
      st = Status(errc::config, "INSTANT_TIMEOUT_MS must be 1..3600000");
      return c;
    }
    c.timeout = std::chrono::milliseconds(ms);
  }
  if (const char* t = get("INSTANT_CONNECT_TIMEOUT_MS")) {
    if (!parse_long(t, 1, limits::max_timeout_ms, ms)) {
      st = Status(errc::config, "INSTANT_CONNECT_TIMEOUT_MS must be 1..3600000");
      return c;
    }
    c.connect_timeout = std::chrono::milliseconds(ms);
  }
  if (const char* f = get("INSTANT_CA_FILE")) c.ca_file = f;
  if (const char* p = get("INSTANT_PROXY")) c.proxy = p;
  if (const char* v = get("INSTANT_TLS_VERIFY")) {
    std::string s = v;
    if (s == "0" || s == "false" || s == "no") c.verify_tls = false;
    else if (s == "1" || s == "true" || s == "yes") c.verify_tls = true;
    else {
      st = Status(errc::config, "INSTANT_TLS_VERIFY must be 0 or 1");
      return c;
    }
  }
  if (const char* v = get("INSTANT_API_MODE")) {
    const std::string s = v;
    if (s == to_string(ApiMode::v5)) c.api_mode = ApiMode::v5;
    else if (s == to_string(ApiMode::legacy)) c.api_mode = ApiMode::legacy;
    else {
      st = Status(errc::config, "INSTANT_API_MODE must be v5 or legacy");
      return c;
    }
  }
  if (const char* v = get("INSTANT_ENVELOPE")) {
    const std::string s = v;
    if (s == to_string(EnvelopeEncoding::object)) c.encoding = EnvelopeEncoding::object;
    else if (s == to_string(EnvelopeEncoding::string)) c.encoding = EnvelopeEncoding::string;
    else {
      st = Status(errc::config, "INSTANT_ENVELOPE must be object or string");
      return c;
    }
  }
  c.validate(st);
  // Name the variable the URL came from.
  if (!st.ok() && st.message().rfind("the Centrifugo URL", 0) == 0) {
    const char* from = get("CENTRIFUGO_URL") ? "CENTRIFUGO_URL" : "CENTRIFUGO_HOST/CENTRIFUGO_PORT";
    st = Status(errc::config, std::string(from) + ": " + st.message());
  }
  return c;
}

Config Config::from_lookup(const Lookup& getenv) {
  Status st;
  Config c = from_lookup(getenv, st);
  throw_if_error(st);
  return c;
}

Config Config::from_env(Status& st) {
  return from_lookup([](const char* n) { return std::getenv(n); }, st);
}

Config Config::from_env() {
  Status st;
  Config c = from_env(st);
  throw_if_error(st);
  return c;
}

}  // namespace instant
