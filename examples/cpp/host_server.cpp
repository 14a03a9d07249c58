// instant_host: a C++ host web app with django-instant's endpoints, on
// cpp-httplib, with instant minting the tokens, deciding the channels,
// answering Centrifugo's proxies and publishing. Copy it and ADAPT the marked
// parts (users, sessions) to your server.
//
//   export CENTRIFUGO_URL=http://127.0.0.1:8000 CENTRIFUGO_API_KEY=... CENTRIFUGO_HMAC_KEY=...
//   instant_host --users users.json --registry channels.json [--listen 127.0.0.1:8001]
//
//   GET  /                     a page on the JS client (clients/js): log in, channels, live messages,
//                              a publish form for staff
//   POST /instant/login/       {"username","password"} -> bundle + session cookie; 403 on bad credentials
//   POST /instant/get_token/   the logged-in user's bundle; 403 when anonymous
//   POST /instant/subscribe/   {"channels"?:[names]} -> {"channels":[{"name","level","token"}]}; 403 anonymous
//   POST /instant/logout/      ends the session -> {"response":"ok"}; needs X-CSRFToken
//   POST /instant/publish/     staff: {"channel","message"?,"data"?,"event_class"?,"bucket"?}
//                              -> {"offset","epoch"}; needs X-CSRFToken
//   GET  /instant/me/          {"username","staff","superuser"} of the session; 403 anonymous
//   POST /centrifugo/{connect,subscribe,refresh,sub_refresh}   Centrifugo's proxies
//   GET  /instant/js/...       the JS client builds; /static/... the --static folder
//
// The bundle is django-instant's {"csrf_token","ws_token","channels":[...]}.
// CSRF as django-instant: login, get_token and subscribe are exempt; logout and
// publish need the X-CSRFToken header. Passwords, tokens, session ids and keys
// are never logged.
#include <instant/instant.hpp>

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <pthread.h>
#include <signal.h>
#include <strings.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#ifndef INSTANT_HOST_CLIENT_DIR
#define INSTANT_HOST_CLIENT_DIR ""
#endif

namespace {

constexpr const char* kUsage = R"(usage: instant_host --users FILE --registry FILE [options]
       instant_host --hash-password < password.txt

  --listen HOST:PORT      where to listen (default 127.0.0.1:8000; port 0 picks a free one)
  --users FILE            {"users":[{"username","password" or "password_hash","staff",
                          "superuser","groups":[...],"active"}]}
  --registry FILE         the channels file `instant channels add` writes
  --static DIR            extra files served at /static/
  --client-dir DIR        the JS client builds served at /instant/js/ (default: clients/js/dist)
  --ws-url URL            Centrifugo's websocket URL for the page (default: CENTRIFUGO_URL as ws://)
  --cors-origin ORIGIN    a frontend origin allowed to call the endpoints with credentials
                          (repeatable), e.g. http://localhost:3000
  --token-lifetime SEC    connection and subscription token lifetime (default 86400)
  --django-instant        frontends written for django-instant: publish the envelope as a
                          JSON string (same as INSTANT_ENVELOPE=string)
  --tls-cert FILE --tls-key FILE   serve HTTPS (session cookie gets Secure)
  --secure-cookie         mark the cookie Secure behind a TLS-terminating proxy

Environment as the instant CLI: CENTRIFUGO_URL (or CENTRIFUGO_HOST + CENTRIFUGO_PORT),
CENTRIFUGO_API_KEY (publish, logout disconnect), CENTRIFUGO_HMAC_KEY (tokens), SITE_NAME,
INSTANT_ENVELOPE (object|string), INSTANT_TIMEOUT_MS ...
)";

constexpr const char* kSessionCookie = "sessionid";  // Django's name
constexpr std::size_t kMaxBody = 64 * 1024;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- Command line ---------------------------------------------------------------
struct Options {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::string users_file;
  std::string registry_file;
  std::string static_dir;
  std::string client_dir = INSTANT_HOST_CLIENT_DIR;
  std::string ws_url;
  std::vector<std::string> cors_origins;
  long long token_lifetime = 86400;
  bool django_instant = false;
  std::string tls_cert;
  std::string tls_key;
  bool secure_cookie = false;
  bool hash_password = false;
};

long long parse_number(const std::string& flag, const std::string& text, long long lo, long long hi) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || v < lo || v > hi) {
    throw UsageError(flag + " must be a number in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--listen") {
      std::string v = value();
      std::size_t colon = v.rfind(':');
      if (colon == std::string::npos || colon == 0) throw UsageError("--listen needs HOST:PORT");
      o.host = v.substr(0, colon);
      o.port = static_cast<int>(parse_number("--listen port", v.substr(colon + 1), 0, 65535));
    } else if (a == "--users") {
      o.users_file = value();
    } else if (a == "--registry") {
      o.registry_file = value();
    } else if (a == "--static") {
      o.static_dir = value();
    } else if (a == "--client-dir") {
      o.client_dir = value();
    } else if (a == "--ws-url") {
      o.ws_url = value();
    } else if (a == "--cors-origin") {
      std::string v = value();
      if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
        throw UsageError("--cors-origin must be an origin like https://app.example.com");
      }
      while (!v.empty() && v.back() == '/') v.pop_back();
      o.cors_origins.push_back(v);
    } else if (a == "--token-lifetime") {
      o.token_lifetime = parse_number(a, value(), 1, instant::limits::max_lifetime_seconds);
    } else if (a == "--django-instant") {
      o.django_instant = true;
    } else if (a == "--tls-cert") {
      o.tls_cert = value();
    } else if (a == "--tls-key") {
      o.tls_key = value();
    } else if (a == "--secure-cookie") {
      o.secure_cookie = true;
    } else if (a == "--hash-password") {
      o.hash_password = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      throw UsageError("unknown argument: " + a);
    }
  }
  if (o.hash_password) return o;
  if (o.users_file.empty() || o.registry_file.empty()) throw UsageError("--users and --registry are required");
  if (o.tls_cert.empty() != o.tls_key.empty()) throw UsageError("--tls-cert and --tls-key go together");
  return o;
}

// ---- Randomness and passwords (OpenSSL) ----------------------------------------------
std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

bool from_hex(const std::string& s, std::vector<unsigned char>& out) {
  if (s.size() % 2 != 0) return false;
  out.assign(s.size() / 2, 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) return false;
    out[i / 2] = static_cast<unsigned char>(out[i / 2] | (i % 2 ? v : v << 4));
  }
  return true;
}

// 32 bytes from OpenSSL's CSPRNG, hex: session ids, CSRF tokens, salts.
std::string random_hex(std::size_t bytes = 32) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return to_hex(buf.data(), buf.size());
}

// scrypt through OpenSSL's EVP_PBE_scrypt. Stored as scrypt$N$r$p$salt$hash
// (hex), the format of examples/python/host_server.py --hash-password.
struct ScryptParams {
  std::uint64_t n = 1u << 14, r = 8, p = 1;
};

std::vector<unsigned char> scrypt(const std::string& password, const std::vector<unsigned char>& salt,
                                  const ScryptParams& k, std::size_t len) {
  std::vector<unsigned char> out(len);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), k.n, k.r, k.p,
                     64u << 20, out.data(), out.size()) != 1) {
    throw std::runtime_error("scrypt failed (bad parameters)");
  }
  return out;
}

std::string hash_password(const std::string& password) {
  std::vector<unsigned char> salt(16);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  ScryptParams k;
  std::vector<unsigned char> d = scrypt(password, salt, k, 32);
  return "scrypt$" + std::to_string(k.n) + "$" + std::to_string(k.r) + "$" + std::to_string(k.p) + "$" +
         to_hex(salt.data(), salt.size()) + "$" + to_hex(d.data(), d.size());
}

struct PasswordHash {
  ScryptParams params;
  std::vector<unsigned char> salt, digest;
};

// Parses a stored hash; throws on anything but a sane scrypt$... string.
PasswordHash parse_hash(const std::string& stored) {
  std::vector<std::string> f;
  std::stringstream ss(stored);
  for (std::string part; std::getline(ss, part, '$');) f.push_back(part);
  PasswordHash h;
  auto num = [](const std::string& s, std::uint64_t hi) {
    if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error("bad scrypt parameter");
    }
    std::uint64_t v = std::stoull(s);
    if (v == 0 || v > hi) throw std::runtime_error("scrypt parameter out of range");
    return v;
  };
  if (f.size() != 6 || f[0] != "scrypt") throw std::runtime_error("password_hash must be scrypt$N$r$p$salt$hash");
  h.params.n = num(f[1], 1u << 20);
  h.params.r = num(f[2], 64);
  h.params.p = num(f[3], 16);
  if ((h.params.n & (h.params.n - 1)) != 0) throw std::runtime_error("scrypt N must be a power of two");
  if (!from_hex(f[4], h.salt) || !from_hex(f[5], h.digest) || h.salt.empty() || h.digest.size() < 16 ||
      h.digest.size() > 64) {
    throw std::runtime_error("bad salt or hash in password_hash");
  }
  return h;
}

bool check_password(const std::string& password, const PasswordHash& h) {
  std::vector<unsigned char> got = scrypt(password, h.salt, h.params, h.digest.size());
  return CRYPTO_memcmp(got.data(), h.digest.data(), got.size()) == 0;
}

// Equal-length strings compared in constant time (CSRF tokens).
bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- JSON (RapidJSON) ------------------------------------------------------------------
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

template <class F>
std::string json_of(F&& build) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  build(w);
  return std::string(sb.GetString(), sb.GetSize());
}

std::string error_json(const std::string& message) {
  return json_of([&](Writer& w) {
    w.StartObject();
    w.Key("error");
    w.String(message);
    w.EndObject();
  });
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// ---- The app's users. ADAPT: replace with your database / auth backend. -------------------
struct UserRecord {
  std::string username;
  PasswordHash hash;
  bool staff = false, superuser = false, active = true;
  std::vector<std::string> groups;
};

class Users {
 public:
  // Loads the users file; plain passwords are hashed here and then dropped.
  explicit Users(const std::string& path) {
    std::string text;
    if (!read_file(path, text)) throw std::runtime_error("cannot read the users file");
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
    if (d.HasParseError()) {
      throw std::runtime_error(std::string("users file: ") + rapidjson::GetParseError_En(d.GetParseError()));
    }
    if (!d.IsObject() || !d.HasMember("users") || !d["users"].IsArray()) {
      throw std::runtime_error("users file: {\"users\":[...]} expected");
    }
    for (const auto& u : d["users"].GetArray()) {
      auto str = [&](const char* k) -> std::optional<std::string> {
        if (!u.IsObject() || !u.HasMember(k)) return std::nullopt;
        if (!u[k].IsString()) throw std::runtime_error(std::string("users file: \"") + k + "\" must be a string");
        return std::string(u[k].GetString(), u[k].GetStringLength());
      };
      auto flag = [&](const char* k, bool dflt) {
        if (!u.HasMember(k)) return dflt;
        if (!u[k].IsBool()) throw std::runtime_error(std::string("users file: \"") + k + "\" must be true/false");
        return u[k].GetBool();
      };
      UserRecord r;
      std::optional<std::string> name = str("username");
      if (!name || name->empty()) throw std::runtime_error("users file: every user needs a username");
      r.username = *name;
      std::optional<std::string> plain = str("password"), hashed = str("password_hash");
      if (plain.has_value() == hashed.has_value()) {
        throw std::runtime_error("users file: " + r.username + " needs exactly one of password / password_hash");
      }
      if (plain) {
        r.hash = parse_hash(hash_password(*plain));
        OPENSSL_cleanse(plain->data(), plain->size());
      } else {
        r.hash = parse_hash(*hashed);
      }
      r.staff = flag("staff", false);
      r.superuser = flag("superuser", false);
      r.active = flag("active", true);
      if (u.HasMember("groups")) {
        if (!u["groups"].IsArray()) throw std::runtime_error("users file: \"groups\" must be a list");
        for (const auto& g : u["groups"].GetArray()) {
          if (!g.IsString()) throw std::runtime_error("users file: groups are strings");
          r.groups.emplace_back(g.GetString(), g.GetStringLength());
        }
      }
      if (!by_name_.emplace(r.username, std::move(r)).second) {
        throw std::runtime_error("users file: a username appears twice");
      }
    }
    dummy_ = parse_hash(hash_password(random_hex(16)));
  }

  // The active user with these credentials, else nullptr. Unknown users cost
  // the same scrypt work (no timing oracle for user names).
  const UserRecord* authenticate(const std::string& username, const std::string& password) const {
    auto it = by_name_.find(username);
    const UserRecord* u = it == by_name_.end() ? nullptr : &it->second;
    bool ok = check_password(password, u ? u->hash : dummy_);
    return ok && u && u->active ? u : nullptr;
  }

  const UserRecord* find(const std::string& username) const {
    auto it = by_name_.find(username);
    return it == by_name_.end() || !it->second.active ? nullptr : &it->second;
  }

  std::size_t size() const { return by_name_.size(); }

 private:
  std::map<std::string, UserRecord> by_name_;  // read-only after load: safe to share
  PasswordHash dummy_;
};

// ---- Sessions: in memory, lost on restart. ADAPT: your framework's sessions. --------------
struct Session {
  std::string username;
  std::string csrf;
};

class Sessions {
 public:
  std::string create(const std::string& username) {
    std::string sid = random_hex();
    std::lock_guard<std::mutex> lock(mu_);
    by_id_[sid] = Session{username, random_hex()};
    return sid;
  }
  std::optional<Session> get(const std::string& sid) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sid.empty() ? by_id_.end() : by_id_.find(sid);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }
  // Removes the session; returns how many sessions its user still has.
  std::size_t remove(const std::string& sid, const std::string& username) {
    std::lock_guard<std::mutex> lock(mu_);
    by_id_.erase(sid);
    return static_cast<std::size_t>(std::count_if(by_id_.begin(), by_id_.end(),
                                                   [&](const auto& e) { return e.second.username == username; }));
  }
  bool has_user(const std::string& username) const {
    std::lock_guard<std::mutex> lock(mu_);
    return std::any_of(by_id_.begin(), by_id_.end(), [&](const auto& e) { return e.second.username == username; });
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> by_id_;
};

// The value of one cookie in a Cookie header, "" when absent.
std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    std::size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part.erase(0, b);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    pos = end + 1;
  }
  return {};
}

// ---- instant: every call into the library is in this section. ------------------------
class Instant {
 public:
  Instant(const instant::Config& cfg, const std::string& registry_file, long long lifetime)
      : cfg_(cfg), lifetime_(lifetime) {
    instant::Status st;
    registry_.load(registry_file, st);
    if (!st.ok()) throw std::runtime_error("registry: " + st.message());
    signer_ = instant::Signer::hmac(cfg.hmac_key, instant::Algorithm::HS256, instant::SignerOptions{}, st);
    if (!st.ok()) throw std::runtime_error("CENTRIFUGO_HMAC_KEY: " + st.message());
    if (!cfg.api_key.empty()) {
      client_.emplace(cfg, st);
      if (!st.ok()) throw std::runtime_error("Centrifugo settings: " + st.message());
    }
  }

  std::size_t channel_count() const { return registry_.size(); }
  bool can_publish() const { return client_.has_value(); }
  bool string_envelope() const { return cfg_.encoding == instant::EnvelopeEncoding::string; }

  static instant::User user_of(const UserRecord& u) {
    instant::User out;
    out.id = u.username;
    out.staff = u.staff;
    out.superuser = u.superuser;
    out.groups = u.groups;
    return out;
  }

  // django-instant's bundle for the user; nullopt (logged) on failure.
  std::optional<instant::Bundle> bundle(const UserRecord& u, const std::string& csrf) const {
    instant::BundleOptions opts;
    opts.lifetime = lifetime_;
    instant::Status st;
    instant::Bundle b = instant::make_bundle(signer_, registry_, user_of(u), csrf, opts, st);
    if (!st.ok()) {
      std::cerr << "instant_host: bundle failed: " << instant::to_string(st.kind()) << "\n";
      return std::nullopt;
    }
    return b;
  }

  bool is_channel(const std::string& name) const { return registry_.find(name).has_value(); }

  // Publishes the envelope; {"offset","epoch"} or an error kind.
  std::string publish(const std::string& channel, const instant::Event& ev, instant::Status& st) {
    instant::PublishResult r = client_->publish(channel, ev, st);
    if (!st.ok()) return {};
    return json_of([&](Writer& w) {
      w.StartObject();
      w.Key("offset");
      w.Uint64(r.offset);
      w.Key("epoch");
      w.String(r.epoch);
      w.EndObject();
    });
  }

  // Ends a user's live connections (their last session logged out).
  void disconnect(const std::string& user) {
    if (!client_) return;
    instant::DisconnectRequest req;
    req.user = user;
    instant::Status st;
    client_->disconnect(req, st);
    if (!st.ok()) std::cerr << "instant_host: disconnect failed: " << instant::to_string(st.kind()) << "\n";
  }

  using Resolver = std::function<std::optional<instant::User>(const std::string& user,
                                                              const std::string& cookie_header, bool connect)>;

  // Centrifugo's proxies through instant's handlers.
  std::string proxy(const std::string& kind, const std::string& body,
                    std::vector<std::pair<std::string, std::string>> headers, const Resolver& resolve) const {
    instant::ProxyOptions opts;
    opts.connection_lifetime = lifetime_;
    opts.subscription_lifetime = lifetime_;
    opts.max_request_bytes = kMaxBody;
    bool connect = kind == "connect";
    instant::UserResolver r = [&](const instant::ProxyRequest& req) -> std::optional<instant::User> {
      std::string cookie;
      for (const auto& h : req.headers) {
        if (strcasecmp(h.first.c_str(), "Cookie") == 0) cookie = h.second;
      }
      return resolve(req.user, cookie, connect);
    };
    if (kind == "connect") return instant::proxy_connect(body, registry_, r, opts, std::move(headers));
    if (kind == "refresh") return instant::proxy_refresh(body, registry_, r, opts, std::move(headers));
    if (kind == "subscribe") return instant::proxy_subscribe(body, registry_, r, opts, std::move(headers));
    return instant::proxy_sub_refresh(body, registry_, r, opts, std::move(headers));
  }

 private:
  instant::Config cfg_;
  long long lifetime_;
  instant::Registry registry_;
  instant::Signer signer_;
  std::optional<instant::Client> client_;
};

// Reads the Centrifugo settings as the CLI does, with --django-instant as the
// one switch for the string envelope (a contradicting INSTANT_ENVELOPE fails).
instant::Config load_config(const Options& o) {
  instant::Status st;
  instant::Config cfg = instant::Config::from_env(st);
  if (!st.ok()) throw std::runtime_error(st.message());
  if (o.django_instant) {
    const char* env = std::getenv("INSTANT_ENVELOPE");
    if (env && std::string(env) != "string") {
      throw UsageError("--django-instant needs the string envelope but INSTANT_ENVELOPE=" + std::string(env));
    }
    cfg.encoding = instant::EnvelopeEncoding::string;
  }
  if (cfg.hmac_key.empty()) throw std::runtime_error("CENTRIFUGO_HMAC_KEY is not set");
  return cfg;
}

// ---- The page (GET /): markup here, its script at /instant/page.js -----------------------
constexpr const char* kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="instant-ws-url" content="@WS_URL@">
<title>instant</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
header { background: #1d2330; color: #fff; padding: .7em 1.2em; display: flex; gap: 1em; align-items: center; }
header h1 { font-size: 1.1em; margin: 0; flex: 1; }
#state { padding: .15em .6em; border-radius: 1em; background: #777; font-size: .85em; }
body[data-state=connected] #state { background: #1e8e3e; }
body[data-state=connecting] #state { background: #c58a00; }
main { padding: 1em 1.2em; }
form { display: flex; gap: .5em; flex-wrap: wrap; align-items: center; margin: 0 0 1em; }
input, select, button { font: inherit; padding: .3em .5em; }
#channels { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1em; }
.channel { background: #fff; border-radius: 6px; padding: .6em .9em; box-shadow: 0 1px 3px #0002; }
.channel h2 { font-size: 1em; margin: 0 0 .4em; }
.channel h2 small { color: #667; font-weight: normal; }
.channel[data-subscribed] h2::after { content: " \25CF"; color: #1e8e3e; }
.messages { list-style: none; margin: 0; padding: 0; max-height: 18em; overflow: auto; }
.messages li { border-top: 1px solid #eee; padding: .25em 0; }
.messages .class { font-size: .8em; background: #e3e8f4; border-radius: 3px; padding: 0 .3em; margin-right: .3em; }
.messages code { font-size: .85em; color: #445; }
#errors { color: #a01010; font-size: .9em; }
[hidden] { display: none !important; }
</style>
</head>
<body data-state="disconnected">
<header><h1>instant</h1><span id="who"></span><span id="state">disconnected</span>
<button id="logout" hidden>Log out</button></header>
<main>
<form id="login" hidden>
  <input name="username" placeholder="user name" autocomplete="username" required>
  <input name="password" type="password" placeholder="password" autocomplete="current-password" required>
  <button>Log in</button> <span id="login-error"></span>
</form>
<form id="publish" hidden>
  <select name="channel"></select>
  <input name="message" placeholder="message" required>
  <input name="event_class" placeholder="event class">
  <input name="data" placeholder='data (JSON, optional)'>
  <button>Publish</button> <span id="publish-result"></span>
</form>
<div id="channels"></div>
<ul id="errors"></ul>
</main>
<script src="/instant/js/instant.js"></script>
<script src="/instant/page.js"></script>
</body>
</html>
)HTML";

constexpr const char* kPageScript = R"JS(// The page's script: everything goes through the JS client ($instant).
'use strict';
(() => {
  const $ = (sel) => document.querySelector(sel);
  // What happened, for tests and the curious: never tokens.
  const log = window.instantLog = [];
  const wsUrl = document.querySelector('meta[name=instant-ws-url]').content;
  $instant.init('', wsUrl);

  const sections = new Map();
  function section(name, level) {
    if (sections.has(name)) return sections.get(name);
    const s = document.createElement('section');
    s.className = 'channel';
    s.dataset.channel = name;
    const h = document.createElement('h2');
    h.textContent = name + ' ';
    const small = document.createElement('small');
    small.textContent = level || '';
    h.append(small);
    const ul = document.createElement('ul');
    ul.className = 'messages';
    s.append(h, ul);
    $('#channels').append(s);
    sections.set(name, s);
    return s;
  }

  $instant.onState((s) => {
    log.push({ type: 'state', state: s.state, code: s.code });
    document.body.dataset.state = s.state;
    $('#state').textContent = s.state;
  });
  $instant.on('subscribed', (s) => {
    log.push({ type: 'subscribed', channel: s.channel, recovered: s.recovered, wasRecovering: s.wasRecovering });
    section(s.channel).dataset.subscribed = '1';
  });
  $instant.on('unsubscribed', (s) => {
    log.push({ type: 'unsubscribed', channel: s.channel, code: s.code });
    const sec = sections.get(s.channel);
    if (sec) delete sec.dataset.subscribed;
  });
  $instant.on('refresh', (r) => log.push({ type: 'refresh', kind: r.kind, channel: r.channel }));
  $instant.onMessage((m) => {
    log.push({ type: 'message', msg: m });
    const li = document.createElement('li');
    if (m.event_class) {
      const c = document.createElement('span');
      c.className = 'class';
      c.textContent = m.event_class;
      li.append(c);
    }
    li.append(document.createTextNode(m.message));
    if (m.data !== null) {
      const code = document.createElement('code');
      code.textContent = ' ' + JSON.stringify(m.data);
      li.append(code);
    }
    section(m.channel).querySelector('.messages').prepend(li);
  });
  $instant.onError((e) => {
    log.push({ type: 'error', kind: e.type, channel: e.channel, message: e.error.message });
    const li = document.createElement('li');
    li.textContent = e.type + (e.channel ? ' on ' + e.channel : '') + ': ' + e.error.message;
    $('#errors').prepend(li);
  });

  async function showSession(info) {
    $('#login').hidden = true;
    $('#logout').hidden = false;
    $('#who').textContent = info.user;
    for (const c of info.channels) section(c.name, c.level);
    const me = await fetch('/instant/me/', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null));
    const form = $('#publish');
    form.hidden = !(me && me.staff);
    form.channel.replaceChildren(...info.channels.map((c) => new Option(c.name, c.name)));
  }

  function showLogin() {
    $('#login').hidden = false;
    $('#logout').hidden = true;
    $('#publish').hidden = true;
    $('#who').textContent = '';
    $('#channels').replaceChildren();
    sections.clear();
  }

  async function start() {
    try {
      await showSession(await $instant.getToken());
      await $instant.connect();
      log.push({ type: 'ready' });
    } catch (e) {
      log.push({ type: 'anonymous', status: e.status });
      showLogin();
    }
  }

  $('#login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    $('#login-error').textContent = '';
    try {
      await $instant.login(f.username.value, f.password.value);
      f.password.value = '';
      await start();
    } catch (e) {
      log.push({ type: 'login-failed', status: e.status });
      $('#login-error').textContent = e.status === 403 ? 'wrong user name or password' : e.message;
    }
  });

  $('#logout').addEventListener('click', async () => {
    await $instant.logout();
    log.push({ type: 'logged-out' });
    showLogin();
  });

  $('#publish').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = { channel: f.channel.value, message: f.message.value };
    if (f.event_class.value) body.event_class = f.event_class.value;
    if (f.data.value) {
      try { body.data = JSON.parse(f.data.value); } catch { $('#publish-result').textContent = 'data is not JSON'; return; }
    }
    try {
      const r = await $instant.post('/instant/publish/', body);
      log.push({ type: 'published', channel: body.channel, offset: r.offset });
      $('#publish-result').textContent = 'published';
      f.message.value = '';
    } catch (e) {
      log.push({ type: 'publish-failed', status: e.status });
      $('#publish-result').textContent = 'refused (' + e.status + ')';
    }
  });

  start();
})();
)JS";

std::string html_attr(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

// ---- HTTP ----------------------------------------------------------------------------------
class App {
 public:
  App(Options opts, const instant::Config& cfg)
      : opts_(std::move(opts)), users_(opts_.users_file), instant_(cfg, opts_.registry_file, opts_.token_lifetime),
        tls_(!opts_.tls_cert.empty()) {
    ws_url_ = opts_.ws_url.empty() ? default_ws_url(cfg.url) : opts_.ws_url;
  }

  const Options& options() const { return opts_; }
  const Instant& instant() const { return instant_; }
  const std::string& ws_url() const { return ws_url_; }
  std::size_t user_count() const { return users_.size(); }

  void install(httplib::Server& svr) {
    svr.set_payload_max_length(kMaxBody);
    svr.set_keep_alive_timeout(2);
    svr.new_task_queue = [] { return new httplib::ThreadPool(32); };
    svr.set_file_extension_and_mimetype_mapping("js", "text/javascript");
    svr.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return cross_origin(req, res);
    });
    svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      // Method, path and status only: never headers, cookies or bodies.
      static std::mutex mu;
      std::lock_guard<std::mutex> lock(mu);
      std::cerr << req.method << " " << req.path << " " << res.status << "\n";
    });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      reply(res, 500, error_json("internal error"));
    });

    svr.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      std::string csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' " +
                        ws_origin(ws_url_) + "; img-src 'self' data:; frame-ancestors 'none'";
      res.set_header("Content-Security-Policy", csp);
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Cache-Control", "no-store");
      res.set_content(replace_all(kPage, "@WS_URL@", html_attr(ws_url_)), "text/html; charset=utf-8");
    });
    svr.Get("/instant/page.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kPageScript, "text/javascript; charset=utf-8");
    });
    svr.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    svr.Get("/instant/me/", [this](const httplib::Request& req, httplib::Response& res) { me(req, res); });

    post(svr, "/instant/login/", &App::login);
    post(svr, "/instant/get_token/", &App::get_token);
    post(svr, "/instant/subscribe/", &App::subscribe);
    post(svr, "/instant/logout/", &App::logout);
    post(svr, "/instant/publish/", &App::publish);
    for (const char* kind : {"connect", "subscribe", "refresh", "sub_refresh"}) {
      std::string k = kind;
      svr.Post("/centrifugo/" + k, [this, k](const httplib::Request& req, httplib::Response& res) {
        proxy(k, req, res);
      });
    }
    if (!opts_.client_dir.empty() && !svr.set_mount_point("/instant/js", opts_.client_dir)) {
      throw std::runtime_error("--client-dir: not a folder: " + opts_.client_dir);
    }
    if (!opts_.static_dir.empty() && !svr.set_mount_point("/static", opts_.static_dir)) {
      throw std::runtime_error("--static: not a folder: " + opts_.static_dir);
    }
  }

 private:
  using Route = void (App::*)(const httplib::Request&, httplib::Response&, const rapidjson::Document&);

  static void reply(httplib::Response& res, int status, const std::string& json) {
    res.status = status;
    res.set_header("Cache-Control", "no-store");  // bundles hold tokens
    res.set_content(json, "application/json");
  }

  static std::string default_ws_url(const std::string& url) {
    if (url.rfind("https://", 0) == 0) return "wss://" + url.substr(8);
    if (url.rfind("http://", 0) == 0) return "ws://" + url.substr(7);
    return url;
  }

  static std::string ws_origin(const std::string& ws) {
    std::size_t scheme = ws.find("://");
    if (scheme == std::string::npos) return "'none'";
    std::size_t end = ws.find('/', scheme + 3);
    return ws.substr(0, end);
  }

  // POST routes: body parsed as a JSON object (empty = {}), else 400.
  void post(httplib::Server& svr, const std::string& path, Route route) {
    svr.Post(path, [this, route](const httplib::Request& req, httplib::Response& res) {
      rapidjson::Document body;
      std::string text = req.body.find_first_not_of(" \t\r\n") == std::string::npos ? "{}" : req.body;
      // instant's JSON rules first (UTF-8, depth limit), then the DOM.
      instant::Status st;
      (void)instant::Json::parse(text, st);
      if (st.ok()) body.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
      if (!st.ok() || body.HasParseError() || !body.IsObject()) {
        return reply(res, 400, error_json("a JSON object is expected"));
      }
      (this->*route)(req, res, body);
    });
    svr.Get(path, [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Allow", "POST");
      reply(res, 405, error_json("POST only"));
    });
  }

  // This server's own origin as the browser sees it.
  std::string self_origin(const httplib::Request& req) const {
    return std::string(tls_ ? "https://" : "http://") + req.get_header_value("Host");
  }

  bool allowed_origin(const std::string& origin) const {
    return std::find(opts_.cors_origins.begin(), opts_.cors_origins.end(), origin) != opts_.cors_origins.end();
  }

  // CORS for the --cors-origin frontends (with credentials); any other foreign
  // Origin is refused on state-changing requests (login CSRF included).
  httplib::Server::HandlerResponse cross_origin(const httplib::Request& req, httplib::Response& res) const {
    if (!req.has_header("Origin")) return httplib::Server::HandlerResponse::Unhandled;
    std::string origin = req.get_header_value("Origin");
    bool allowed = allowed_origin(origin);
    if (allowed) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Access-Control-Allow-Credentials", "true");
      res.set_header("Vary", "Origin");
    }
    if (req.method == "OPTIONS") {
      if (!allowed) {
        reply(res, 403, error_json("origin not allowed"));
      } else {
        res.status = 204;
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, X-CSRFToken");
        res.set_header("Access-Control-Max-Age", "600");
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!allowed && origin != self_origin(req) && req.method != "GET" && req.method != "HEAD") {
      reply(res, 403, error_json("origin not allowed"));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  std::string session_id(const httplib::Request& req) const {
    return cookie_value(req.get_header_value("Cookie"), kSessionCookie);
  }

  // The session's user (active), else nullptr.
  const UserRecord* session_user(const httplib::Request& req, Session* out = nullptr) const {
    std::optional<Session> s = sessions_.get(session_id(req));
    if (!s) return nullptr;
    const UserRecord* u = users_.find(s->username);
    if (u && out) *out = *s;
    return u;
  }

  // Logged in and X-CSRFToken matches the session's token; else replies 403.
  const UserRecord* csrf_user(const httplib::Request& req, httplib::Response& res, Session& s) const {
    const UserRecord* u = session_user(req, &s);
    if (!u) {
      reply(res, 403, error_json("not logged in"));
      return nullptr;
    }
    if (!same_secret(req.get_header_value("X-CSRFToken"), s.csrf)) {
      reply(res, 403, error_json("CSRF token missing or incorrect"));
      return nullptr;
    }
    return u;
  }

  std::string cookie(const std::string& value, bool clear) const {
    std::string c = std::string(kSessionCookie) + "=" + value + "; HttpOnly; SameSite=Lax; Path=/";
    if (clear) c += "; Max-Age=0";
    if (tls_ || opts_.secure_cookie) c += "; Secure";
    return c;
  }

  void send_bundle(httplib::Response& res, const UserRecord& u, const std::string& csrf) const {
    std::optional<instant::Bundle> b = instant_.bundle(u, csrf);
    if (!b) return reply(res, 500, error_json("internal error"));
    reply(res, 200, b->to_json());
  }

  static std::optional<std::string> member(const rapidjson::Document& d, const char* key) {
    if (!d.HasMember(key) || !d[key].IsString()) return std::nullopt;
    return std::string(d[key].GetString(), d[key].GetStringLength());
  }

  // django-instant's login: credentials -> a fresh session; no credentials but
  // a session -> its bundle (as django-instant answers a logged-in user).
  void login(const httplib::Request& req, httplib::Response& res, const rapidjson::Document& body) {
    std::optional<std::string> name = member(body, "username"), password = member(body, "password");
    if (!name || !password) {
      Session s;
      const UserRecord* u = session_user(req, &s);
      if (!u) return reply(res, 403, error_json("invalid credentials"));
      return send_bundle(res, *u, s.csrf);
    }
    const UserRecord* u = users_.authenticate(*name, *password);
    if (!u) return reply(res, 403, error_json("invalid credentials"));
    std::string old = session_id(req);
    if (std::optional<Session> prev = sessions_.get(old)) sessions_.remove(old, prev->username);  // no fixation
    std::string sid = sessions_.create(u->username);
    std::optional<Session> s = sessions_.get(sid);
    res.set_header("Set-Cookie", cookie(sid, false));
    send_bundle(res, *u, s->csrf);
  }

  void get_token(const httplib::Request& req, httplib::Response& res, const rapidjson::Document&) {
    Session s;
    const UserRecord* u = session_user(req, &s);
    if (!u) return reply(res, 403, error_json("not logged in"));
    send_bundle(res, *u, s.csrf);
  }

  // {"channels":[...]} with fresh subscription tokens; an optional
  // {"channels":[names]} keeps only those (unauthorized names are left out).
  void subscribe(const httplib::Request& req, httplib::Response& res, const rapidjson::Document& body) {
    Session s;
    const UserRecord* u = session_user(req, &s);
    if (!u) return reply(res, 403, error_json("not logged in"));
    std::optional<std::set<std::string>> wanted;
    if (body.HasMember("channels")) {
      if (!body["channels"].IsArray()) return reply(res, 400, error_json("\"channels\" must be a list of names"));
      wanted.emplace();
      for (const auto& n : body["channels"].GetArray()) {
        if (!n.IsString()) return reply(res, 400, error_json("\"channels\" must be a list of names"));
        wanted->emplace(n.GetString(), n.GetStringLength());
      }
    }
    std::optional<instant::Bundle> b = instant_.bundle(*u, s.csrf);
    if (!b) return reply(res, 500, error_json("internal error"));
    reply(res, 200, json_of([&](Writer& w) {
      w.StartObject();
      w.Key("channels");
      w.StartArray();
      for (const auto& c : b->channels) {
        if (wanted && !wanted->count(c.name)) continue;
        w.StartObject();
        w.Key("name");
        w.String(c.name);
        w.Key("level");
        w.String(instant::to_string(c.level));
        w.Key("token");
        w.String(c.token);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }));
  }

  void logout(const httplib::Request& req, httplib::Response& res, const rapidjson::Document&) {
    Session s;
    const UserRecord* u = csrf_user(req, res, s);
    if (!u) return;
    std::size_t left = sessions_.remove(session_id(req), s.username);
    if (left == 0) instant_.disconnect(s.username);  // no session left: end live connections now
    res.set_header("Set-Cookie", cookie("", true));
    reply(res, 200, R"({"response":"ok"})");
  }

  void me(const httplib::Request& req, httplib::Response& res) const {
    const UserRecord* u = session_user(req);
    if (!u) return reply(res, 403, error_json("not logged in"));
    reply(res, 200, json_of([&](Writer& w) {
      w.StartObject();
      w.Key("username");
      w.String(u->username);
      w.Key("staff");
      w.Bool(u->staff);
      w.Key("superuser");
      w.Bool(u->superuser);
      w.EndObject();
    }));
  }

  // Staff only: the envelope into a registered channel, published by instant.
  void publish(const httplib::Request& req, httplib::Response& res, const rapidjson::Document& body) {
    Session s;
    const UserRecord* u = csrf_user(req, res, s);
    if (!u) return;
    if (!u->staff) return reply(res, 403, error_json("staff only"));
    if (!instant_.can_publish()) return reply(res, 503, error_json("publishing needs CENTRIFUGO_API_KEY"));
    std::optional<std::string> channel = member(body, "channel");
    if (!channel || !instant_.is_channel(*channel)) return reply(res, 400, error_json("unknown channel"));
    instant::Event ev;
    for (const char* k : {"message", "event_class", "bucket"}) {
      if (!body.HasMember(k)) continue;
      std::optional<std::string> v = member(body, k);
      if (!v) return reply(res, 400, error_json(std::string("\"") + k + "\" must be a string"));
      if (std::strcmp(k, "message") == 0) ev.message = *v;
      else if (std::strcmp(k, "event_class") == 0) ev.event_class = *v;
      else ev.bucket = *v;
    }
    if (body.HasMember("data")) {
      ev.data = json_of([&](Writer& w) { body["data"].Accept(w); });
    }
    instant::Status st;
    std::string out = instant_.publish(*channel, ev, st);
    if (!st.ok()) {
      bool bad_input = st.kind() == instant::errc::invalid_argument || st.kind() == instant::errc::invalid_utf8 ||
                       st.kind() == instant::errc::invalid_json || st.kind() == instant::errc::too_large;
      std::cerr << "instant_host: publish failed: " << instant::to_string(st.kind()) << "\n";
      return reply(res, bad_input ? 400 : 502, error_json(std::string("publish failed: ") + instant::to_string(st.kind())));
    }
    reply(res, 200, out);
  }

  // Centrifugo's proxies (server to server: no CSRF). ADAPT: make them
  // reachable by Centrifugo only. connect: the browser's forwarded session
  // cookie; refresh / subscribe / sub_refresh: a user who still has a session,
  // so logging out ends proxy access at the next refresh.
  void proxy(const std::string& kind, const httplib::Request& req, httplib::Response& res) const {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : req.headers) headers.emplace_back(h.first, h.second);
    auto resolve = [this](const std::string& user, const std::string& cookie_header,
                          bool connect) -> std::optional<instant::User> {
      const UserRecord* u = nullptr;
      if (connect) {
        std::optional<Session> s = sessions_.get(cookie_value(cookie_header, kSessionCookie));
        if (s) u = users_.find(s->username);
      } else if (sessions_.has_user(user)) {
        u = users_.find(user);
      }
      if (!u) return std::nullopt;
      return Instant::user_of(*u);
    };
    reply(res, 200, instant_.proxy(kind, req.body, std::move(headers), resolve));
  }

  Options opts_;
  Users users_;
  Sessions sessions_;
  Instant instant_;
  bool tls_;
  std::string ws_url_;
};

int run(int argc, char** argv) {
  Options opts = parse_options(argc, argv);
  if (opts.hash_password) {
    std::string line;
    std::getline(std::cin, line);
    std::cout << hash_password(line) << "\n";
    OPENSSL_cleanse(line.data(), line.size());
    return 0;
  }
  instant::Config cfg = load_config(opts);

  // SIGINT / SIGTERM stop the server from a thread of its own.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  App app(opts, cfg);
  std::unique_ptr<httplib::Server> svr;
  if (!opts.tls_cert.empty()) {
    svr = std::make_unique<httplib::SSLServer>(opts.tls_cert.c_str(), opts.tls_key.c_str());
  } else {
    svr = std::make_unique<httplib::Server>();
  }
  if (!svr->is_valid()) throw std::runtime_error("cannot use the TLS certificate or key");
  app.install(*svr);
  int port = opts.port;
  if (port == 0) {
    port = svr->bind_to_any_port(opts.host);
    if (port < 0) throw std::runtime_error("cannot listen on " + opts.host);
  } else if (!svr->bind_to_port(opts.host, port)) {
    throw std::runtime_error("cannot listen on " + opts.host + ":" + std::to_string(port));
  }
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    svr->stop();
  });
  std::cerr << "instant_host: " << app.user_count() << " users, " << app.instant().channel_count()
            << " channels, token lifetime " << opts.token_lifetime << " s, websocket " << app.ws_url() << "\n"
            << "instant_host: envelope "
            << (app.instant().string_envelope()
                    ? "string (--django-instant: frontends written for django-instant work)"
                    : "object (a django-instant frontend stops on these: use --django-instant for one)")
            << (app.instant().can_publish() ? "" : "; publishing off (no CENTRIFUGO_API_KEY)") << "\n"
            << "instant_host: listening on " << (opts.tls_cert.empty() ? "http" : "https") << "://" << opts.host
            << ":" << port << "/" << std::endl;
  bool ok = svr->listen_after_bind();
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the stopper if the server ended by itself
  stopper.join();
  std::cerr << "instant_host: stopped" << std::endl;
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "instant_host: " << e.what() << "\n\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "instant_host: " << e.what() << "\n";
    return 1;
  }
}
