// Signer: claims -> compact JWS. The header is encoded once per signer; the
// claims JSON is written straight into a reused thread-local buffer and the
// token into the caller's string, so a steady-state HS256 token costs one
// pass of JSON writing, base64url and the pre-keyed HMAC.
#include <instant/token.hpp>

#include "detail/guard.hpp"
#include "detail/json.hpp"
#include "detail/jwt.hpp"
#include "detail/text.hpp"

#include <instant/limits.hpp>

#include <charconv>
#include <chrono>
#include <ctime>
#include <climits>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace instant {

const char* to_string(Algorithm alg) noexcept {
  switch (alg) {
    case Algorithm::HS256: return "HS256";
    case Algorithm::HS384: return "HS384";
    case Algorithm::HS512: return "HS512";
    case Algorithm::RS256: return "RS256";
    case Algorithm::RS384: return "RS384";
    case Algorithm::RS512: return "RS512";
    case Algorithm::ES256: return "ES256";
    case Algorithm::ES384: return "ES384";
    case Algorithm::ES512: return "ES512";
    case Algorithm::EdDSA: return "EdDSA";
  }
  return "?";
}

Algorithm parse_algorithm(std::string_view name, Status& st) {
  static constexpr Algorithm all[] = {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512,
                                      Algorithm::RS256, Algorithm::RS384, Algorithm::RS512,
                                      Algorithm::ES256, Algorithm::ES384, Algorithm::ES512,
                                      Algorithm::EdDSA};
  return detail::parse_named(name, all, "JWS algorithm",
                             "HS256/384/512, RS256/384/512, ES256/384/512 or EdDSA; never none", st);
}

Algorithm parse_algorithm(std::string_view name) {
  Status st;
  Algorithm a = parse_algorithm(name, st);
  throw_if_error(st);
  return a;
}

namespace detail {

struct SignerImpl {
  std::shared_ptr<const KeyMaterial> key;
  SignerOptions opts;
  std::string header_dot;  // base64url(header) + "."
};

namespace {

// Token payloads are written with the library's one JSON writer
// (detail/json.hpp: RapidJSON's Writer) into a thread-local buffer.
using detail::write_key;
using detail::write_raw;
using detail::write_string;

// ---- validation ------------------------------------------------------------

bool check_utf8(std::string_view s, const char* what, Status& st) {
  if (utf8_valid(s)) return true;
  st = Status(errc::invalid_utf8, std::string("invalid UTF-8 in '") + what + "'");
  return false;
}

// The one JSON verdict (detail/json.hpp): what a Signer embeds, its Verifier
// and Centrifugo read back.
bool check_json(std::string_view s, const char* what, Status& st) {
  st = validate_json(s, what);
  return st.ok();
}

bool is_object_text(std::string_view s) noexcept {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

bool check_object(std::string_view s, const char* what, Status& st) {
  if (!check_json(s, what, st)) return false;
  if (is_object_text(s)) return true;
  st = Status(errc::invalid_json, std::string("'") + what + "' must be a JSON object");
  return false;
}

bool check_b64(std::string_view s, const char* what, Status& st) {
  if (b64std_valid(s)) return true;
  st = Status(errc::invalid_argument, std::string("'") + what + "' is not padded standard base64");
  return false;
}

bool check_either(const std::string& json, const std::string& b64, const char* a, const char* b,
                  Status& st) {
  if (json.empty() || b64.empty()) return true;
  st = Status(errc::invalid_argument, std::string("set '") + a + "' or '" + b + "', not both");
  return false;
}

// The same clock as the Verifier's. Not time(): glibc reads a coarse clock
// there, which can trail the real second by a tick, so a token could carry an
// iat one second before the moment it was minted.
std::int64_t now_seconds() noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- claim groups ----------------------------------------------------------

// Writes one of a JSON/base64 pair ("info"/"b64info", "data"/"b64data"):
// the JSON member embedded as JSON, the base64 one as a string. Setting both
// is an error. `label`/`b64label` name the members in messages.
bool put_json_or_b64(JsonWriter& w, const std::string& json, const std::string& b64, const char* key,
                     const char* b64key, const char* label, const char* b64label, Status& st) {
  if (!check_either(json, b64, label, b64label, st)) return false;
  if (!json.empty()) {
    if (!check_json(json, label, st)) return false;
    write_key(w, key);
    write_raw(w, json);
  }
  if (!b64.empty()) {
    if (!check_b64(b64, b64label, st)) return false;
    write_key(w, b64key);
    write_string(w, b64);
  }
  return true;
}

void put_override(JsonWriter& w, const SubscriptionOverride& ov) {
  const std::pair<const char*, const std::optional<bool>*> items[] = {
      {"presence", &ov.presence},
      {"join_leave", &ov.join_leave},
      {"force_push_join_leave", &ov.force_push_join_leave},
      {"force_positioning", &ov.force_positioning},
      {"force_recovery", &ov.force_recovery}};
  bool any = false;
  for (const auto& it : items) any = any || it.second->has_value();
  if (!any) return;
  write_key(w, "override");
  w.StartObject();
  for (const auto& it : items) {
    if (!it.second->has_value()) continue;
    write_key(w, it.first);
    w.StartObject();
    write_key(w, "value");
    w.Bool(**it.second);
    w.EndObject();
  }
  w.EndObject();
}

// Writes the registered and shared claims; validates as it goes.
bool put_common(JsonWriter& w, const CommonClaims& c, const SignerOptions& opts, Status& st) {
  const std::int64_t now = now_seconds();
  if (!check_utf8(c.sub, "sub", st)) return false;
  write_key(w, "sub");
  write_string(w, c.sub);

  if (c.no_expiry) {
    if (c.exp != 0 || c.ttl != 0) {
      st = Status(errc::invalid_argument, "'no_expiry' excludes 'exp' and 'ttl'");
      return false;
    }
  } else {
    std::int64_t exp = c.exp;
    if (exp < 0) {
      st = Status(errc::invalid_argument, "'exp' must be a positive Unix time");
      return false;
    }
    if (exp == 0) {
      const std::int64_t ttl = c.ttl ? c.ttl : opts.lifetime;
      if (ttl <= 0 || ttl > limits::max_lifetime_seconds || ttl > INT64_MAX - now) {
        st = Status(errc::invalid_argument, "token lifetime must be 1..315360000 seconds");
        return false;
      }
      exp = now + ttl;
    } else if (c.ttl != 0) {
      st = Status(errc::invalid_argument, "set 'exp' or 'ttl', not both");
      return false;
    }
    write_key(w, "exp");
    w.Int64(exp);
  }
  if (!c.omit_iat) {
    if (c.iat < 0) {
      st = Status(errc::invalid_argument, "'iat' must be a Unix time");
      return false;
    }
    write_key(w, "iat");
    w.Int64(c.iat ? c.iat : now);
  }
  if (c.nbf != 0) {
    // Centrifugo applies no leeway: a future nbf would bounce the token.
    if (c.nbf < 0 || c.nbf > now) {
      st = Status(errc::token_claim, "'nbf' must be a Unix time not in the future");
      return false;
    }
    write_key(w, "nbf");
    w.Int64(c.nbf);
  }
  if (!c.jti.empty()) {
    if (!check_utf8(c.jti, "jti", st)) return false;
    write_key(w, "jti");
    write_string(w, c.jti);
  }
  if (!c.aud.empty()) {
    for (const auto& a : c.aud) {
      if (a.empty()) {
        st = Status(errc::invalid_argument, "'aud' values must not be empty");
        return false;
      }
      if (!check_utf8(a, "aud", st)) return false;
    }
    write_key(w, "aud");
    if (c.aud.size() == 1) {
      write_string(w, c.aud[0]);
    } else {
      w.StartArray();
      for (const auto& a : c.aud) write_string(w, a);
      w.EndArray();
    }
  }
  if (!c.iss.empty()) {
    if (!check_utf8(c.iss, "iss", st)) return false;
    write_key(w, "iss");
    write_string(w, c.iss);
  }
  if (!put_json_or_b64(w, c.info, c.b64info, "info", "b64info", "info", "b64info", st)) return false;
  if (c.expire_at) {
    if (*c.expire_at < 0) {
      st = Status(errc::invalid_argument, "'expire_at' must be 0 or a Unix time");
      return false;
    }
    write_key(w, "expire_at");
    w.Int64(*c.expire_at);
  }
  return true;
}

constexpr std::initializer_list<const char*> kCommonNames = {
    "sub", "exp", "iat", "nbf", "jti", "aud", "iss", "info", "b64info", "expire_at"};

// Appends the members of the caller's `extra` object, refusing names instant
// writes itself and, for connection tokens, `channel`.
bool put_extra(JsonWriter& w, const std::string& extra, std::initializer_list<const char*> own,
               bool connection, Status& st) {
  if (extra.empty()) return true;
  JsonDoc doc;
  st = parse_json(extra, doc, "extra");
  if (!st.ok()) return false;
  if (!doc.root().is_object()) {
    st = Status(errc::invalid_json, "'extra' must be a JSON object");
    return false;
  }
  // parse_json refused repeated names already.
  for (const auto m : doc.root().members()) {
    const std::string_view name = m.name;
    if (connection && name == "channel") {
      st = Status(errc::token_claim,
                  "a connection token must not carry a 'channel' claim (Centrifugo rejects it)");
      return false;
    }
    bool clash = false;
    for (const char* n : kCommonNames) clash = clash || name == n;
    for (const char* n : own) clash = clash || name == n;
    if (clash) {
      st = Status(errc::invalid_argument, "'extra' repeats a claim instant sets itself");
      return false;
    }
    write_key(w, name);
    detail::write_value(w, m.value);
  }
  return true;
}

bool put_sub_options(JsonWriter& w, const SubscribeOptions& so, Status& st) {
  w.StartObject();
  if (!put_json_or_b64(w, so.info, so.b64info, "info", "b64info", "subs.info", "subs.b64info", st) ||
      !put_json_or_b64(w, so.data, so.b64data, "data", "b64data", "subs.data", "subs.b64data", st)) {
    return false;
  }
  put_override(w, so.overrides);
  w.EndObject();
  return true;
}

// The one channel-name checker (instant/channel_name.hpp), naming the claim.
bool check_channel(const std::string& ch, const char* what, const SignerOptions& opts, Status& st) {
  validate_channel_name(ch, opts.channel_rules, st);
  if (st.ok()) return true;
  st = Status(st.kind(), std::string("'") + what + "': " + st.message());
  return false;
}

bool connection_payload(JsonWriter& w, const ConnectionClaims& c, const SignerOptions& opts,
                        Status& st) {
  w.StartObject();
  if (!put_common(w, c, opts, st)) return false;
  if (!c.channels.empty()) {
    write_key(w, "channels");
    w.StartArray();
    for (const auto& ch : c.channels) {
      if (!check_channel(ch, "channels", opts, st)) return false;
      write_string(w, ch);
    }
    w.EndArray();
  }
  if (!c.subs.empty()) {
    write_key(w, "subs");
    w.StartObject();
    for (std::size_t i = 0; i < c.subs.size(); ++i) {
      const auto& s = c.subs[i];
      if (!check_channel(s.first, "subs", opts, st)) return false;
      for (std::size_t j = 0; j < i; ++j) {
        if (c.subs[j].first == s.first) {
          st = Status(errc::invalid_argument, "a channel is listed twice in 'subs'");
          return false;
        }
      }
      write_key(w, s.first);
      if (!put_sub_options(w, s.second, st)) return false;
    }
    w.EndObject();
  }
  if (!c.meta.empty()) {
    if (!check_object(c.meta, "meta", st)) return false;
    write_key(w, "meta");
    write_raw(w, c.meta);
  }
  if (!put_extra(w, c.extra, {"channels", "subs", "meta"}, true, st)) return false;
  w.EndObject();
  return true;
}

bool subscription_payload(JsonWriter& w, const SubscriptionClaims& c, const SignerOptions& opts,
                          Status& st) {
  if (c.channel.empty()) {
    st = Status(errc::token_claim, "a subscription token needs a 'channel' claim");
    return false;
  }
  w.StartObject();
  if (!put_common(w, c, opts, st)) return false;
  if (!check_channel(c.channel, "channel", opts, st)) return false;
  write_key(w, "channel");
  write_string(w, c.channel);
  if (!c.client.empty()) {
    if (!check_utf8(c.client, "client", st)) return false;
    write_key(w, "client");
    write_string(w, c.client);
  }
  if (!put_json_or_b64(w, c.data, c.b64data, "data", "b64data", "data", "b64data", st)) return false;
  put_override(w, c.overrides);
  if (!put_extra(w, c.extra, {"channel", "client", "data", "b64data", "override"}, false, st)) {
    return false;
  }
  w.EndObject();
  return true;
}

// Header and payload -> header.payload.signature, written straight into `out`.
bool assemble(const SignerImpl& s, std::string_view payload, std::string& out, Status& st) {
  // Size first: an oversize token is refused before any signing work.
  const std::size_t total = s.header_dot.size() + b64url_length(payload.size()) + 1 +
                            b64url_length(signature_length(*s.key));
  if (total > s.opts.max_token_size) {
    st = Status(errc::too_large, "token of " + std::to_string(total) + " bytes exceeds the " +
                                     std::to_string(s.opts.max_token_size) + "-byte limit");
    return false;
  }
  out.resize(total);
  std::memcpy(&out[0], s.header_dot.data(), s.header_dot.size());
  std::size_t n = s.header_dot.size();
  n += b64url_encode(&out[n], payload.data(), payload.size());
  unsigned char sig[kMaxSignature];
  std::size_t sig_len = 0;
  if (!sign(*s.key, std::string_view(out.data(), n), sig, sig_len, st)) return false;
  out[n++] = '.';
  n += b64url_encode(&out[n], sig, sig_len);
  out.resize(n);
  return true;
}

const SignerImpl* checked(const std::unique_ptr<SignerImpl>& impl, Status& st) {
  if (!impl) st = Status(errc::key, "empty signer (no key)");
  return impl.get();
}

std::unique_ptr<SignerImpl> make_impl(std::shared_ptr<const KeyMaterial> key,
                                      const SignerOptions& opts, Status& st) {
  if (opts.lifetime <= 0 || opts.lifetime > limits::max_lifetime_seconds) {
    st = Status(errc::invalid_argument, "signer lifetime must be 1..315360000 seconds");
    return nullptr;
  }
  auto impl = std::make_unique<SignerImpl>();
  impl->key = std::move(key);
  impl->opts = opts;
  std::string header = std::string("{\"alg\":\"") + to_string(key_algorithm(*impl->key)) + "\"";
  if (!opts.kid.empty()) header += ",\"kid\":" + quote(opts.kid);
  header += ",\"typ\":\"JWT\"}";
  b64url_append(impl->header_dot, header.data(), header.size());
  impl->header_dot.push_back('.');
  return impl;
}

}  // namespace

std::shared_ptr<const KeyMaterial> signer_key(const SignerImpl* impl) noexcept {
  return impl ? impl->key : nullptr;
}

}  // namespace detail

// ---- Signer ----------------------------------------------------------------

Signer::Signer() noexcept = default;
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;
Signer::Signer(std::unique_ptr<detail::SignerImpl> impl) noexcept : impl_(std::move(impl)) {}

Signer Signer::hmac(std::string_view key, Algorithm alg, const SignerOptions& opts,
                    Status& st) noexcept {
  try {
    auto k = detail::make_hmac_key(key, alg, opts.kid, opts.allow_weak_key, st);
    if (!k) return Signer();
    auto impl = detail::make_impl(std::move(k), opts, st);
    return impl ? Signer(std::move(impl)) : Signer();
  } catch (...) {
    st = detail::current_exception_status();
    return Signer();
  }
}

Signer Signer::hmac(std::string_view key, Algorithm alg, const SignerOptions& opts) {
  Status st;
  Signer s = hmac(key, alg, opts, st);
  throw_if_error(st);
  return s;
}

Signer Signer::from_pem(std::string_view pem, Algorithm alg, const SignerOptions& opts,
                        Status& st) noexcept {
  try {
    auto k = detail::make_pem_key(pem, alg, opts.kid, opts.allow_weak_key, true, st);
    if (!k) return Signer();
    auto impl = detail::make_impl(std::move(k), opts, st);
    return impl ? Signer(std::move(impl)) : Signer();
  } catch (...) {
    st = detail::current_exception_status();
    return Signer();
  }
}

Signer Signer::from_pem(std::string_view pem, Algorithm alg, const SignerOptions& opts) {
  Status st;
  Signer s = from_pem(pem, alg, opts, st);
  throw_if_error(st);
  return s;
}

Signer Signer::from_env(const SignerOptions& opts, Status& st) noexcept {
  const char* key = std::getenv("CENTRIFUGO_HMAC_KEY");
  if (!key || !*key) {
    st = Status(errc::config, "CENTRIFUGO_HMAC_KEY is not set (Centrifugo's client.token.hmac_secret_key)");
    return Signer();
  }
  return hmac(key, Algorithm::HS256, opts, st);
}

Signer Signer::from_env(const SignerOptions& opts) {
  Status st;
  Signer s = from_env(opts, st);
  throw_if_error(st);
  return s;
}

bool Signer::valid() const noexcept { return impl_ != nullptr; }

Algorithm Signer::algorithm() const noexcept {
  return impl_ ? detail::key_algorithm(*impl_->key) : Algorithm::HS256;
}

const std::string& Signer::kid() const noexcept {
  static const std::string empty;
  return impl_ ? impl_->opts.kid : empty;
}

const SignerOptions& Signer::options() const noexcept {
  static const SignerOptions dflt;
  return impl_ ? impl_->opts : dflt;
}

namespace {

// Writes the claims with `payload_fn` into the thread's payload buffer and
// signs them: the one path of both token kinds. The buffer keeps its
// capacity between tokens, but not beyond 64 KiB: one huge token must not
// pin memory in every thread that made one.
template <class Claims, class PayloadFn>
bool mint(const std::unique_ptr<detail::SignerImpl>& impl, const Claims& claims, PayloadFn payload_fn,
          std::string& out, Status& st) {
  st.clear();
  const detail::SignerImpl* s = detail::checked(impl, st);
  if (!s) return false;
  thread_local rapidjson::StringBuffer payload;
  thread_local detail::JsonWriter w(payload);
  payload.Clear();
  w.Reset(payload);
  const bool ok = payload_fn(w, claims, s->opts, st) &&
                  detail::assemble(*s, std::string_view(payload.GetString(), payload.GetSize()), out, st);
  if (payload.GetSize() > 65536) {
    payload.Clear();
    payload.ShrinkToFit();
  }
  return ok;
}

}  // namespace

std::string Signer::connection_token(const ConnectionClaims& claims, Status& st) const {
  std::string out;
  if (!mint(impl_, claims, detail::connection_payload, out, st)) out.clear();
  return out;
}

std::string Signer::connection_token(const ConnectionClaims& claims) const {
  Status st;
  std::string out = connection_token(claims, st);
  throw_if_error(st);
  return out;
}

std::string Signer::subscription_token(const SubscriptionClaims& claims, Status& st) const {
  std::string out;
  if (!mint(impl_, claims, detail::subscription_payload, out, st)) out.clear();
  return out;
}

std::string Signer::subscription_token(const SubscriptionClaims& claims) const {
  Status st;
  std::string out = subscription_token(claims, st);
  throw_if_error(st);
  return out;
}

std::string Signer::jwk(Status& st) const {
  st.clear();
  std::string out;
  const detail::SignerImpl* s = detail::checked(impl_, st);
  if (!s || !detail::jwk_json(*s->key, out, st)) out.clear();
  return out;
}

std::string Signer::jwk() const {
  Status st;
  std::string out = jwk(st);
  throw_if_error(st);
  return out;
}

std::string Signer::public_key_pem(Status& st) const {
  st.clear();
  std::string out;
  const detail::SignerImpl* s = detail::checked(impl_, st);
  if (!s || !detail::public_pem(*s->key, out, st)) out.clear();
  return out;
}

std::string Signer::public_key_pem() const {
  Status st;
  std::string out = public_key_pem(st);
  throw_if_error(st);
  return out;
}

namespace {

using detail::JsonValue;

Status claim_error(std::string_view name, const char* want) {
  return Status(errc::token_claim, "claim '" + std::string(name) + "' must be " + want);
}

bool claim_string(JsonValue v, std::string_view name, std::string& out, Status& st) {
  if (!v.is_string()) return (st = claim_error(name, "a string")), false;
  if (v.has_nul()) return (st = claim_error(name, "a string without U+0000")), false;
  out.assign(v.str());
  return true;
}

bool claim_strings(JsonValue v, std::string_view name, std::vector<std::string>& out, Status& st) {
  if (!v.is_array()) return (st = claim_error(name, "an array of strings")), false;
  for (const auto e : v.elements()) {
    std::string s;
    if (!claim_string(e.value, name, s, st)) return false;
    out.push_back(std::move(s));
  }
  return true;
}

bool claim_int(JsonValue v, std::string_view name, std::int64_t& out, Status& st) {
  if (!v.to_int64(out)) return (st = claim_error(name, "an integer")), false;
  return true;
}

// {"presence": true, ...} or Centrifugo's {"presence": {"value": true}, ...}.
bool claim_override(JsonValue obj, SubscriptionOverride& o, Status& st) {
  if (!obj.is_object()) return (st = claim_error("override", "an object")), false;
  for (const auto m : obj.members()) {
    JsonValue v = m.value;
    if (v.is_object() && v["value"]) v = v["value"];
    if (!v.is_bool()) {
      st = claim_error("override", "an object of booleans (or {\"value\": bool})");
      return false;
    }
    std::optional<bool>* slot = m.name == "presence"                ? &o.presence
                                : m.name == "join_leave"            ? &o.join_leave
                                : m.name == "force_push_join_leave" ? &o.force_push_join_leave
                                : m.name == "force_positioning"     ? &o.force_positioning
                                : m.name == "force_recovery"        ? &o.force_recovery
                                                                    : nullptr;
    if (!slot) {
      st = Status(errc::token_claim, "unknown override member (expected presence, join_leave, "
                                     "force_push_join_leave, force_positioning, force_recovery)");
      return false;
    }
    *slot = v.as_bool();
  }
  return true;
}

bool claim_subs(JsonValue v, std::vector<std::pair<std::string, SubscribeOptions>>& out, Status& st) {
  if (!v.is_object()) return (st = claim_error("subs", "an object")), false;
  for (const auto s : v.members()) {
    SubscribeOptions so;
    if (!s.value.is_object()) return (st = claim_error("subs", "an object of objects")), false;
    for (const auto m : s.value.members()) {
      bool ok = true;
      if (m.name == "info") so.info = m.value.json();
      else if (m.name == "data") so.data = m.value.json();
      else if (m.name == "b64info") ok = claim_string(m.value, "subs.b64info", so.b64info, st);
      else if (m.name == "b64data") ok = claim_string(m.value, "subs.b64data", so.b64data, st);
      else if (m.name == "override") ok = claim_override(m.value, so.overrides, st);
      else {
        st = Status(errc::token_claim,
                    "unknown subs member (expected info, b64info, data, b64data, override)");
        ok = false;
      }
      if (!ok) return false;
    }
    out.emplace_back(std::string(s.name), std::move(so));
  }
  return true;
}

}  // namespace

AnyClaims parse_claims_json(std::string_view json, Status& st) {
  st.clear();
  detail::JsonDoc doc;
  st = detail::parse_json(json, doc, "claims");
  if (!st) return {};
  if (!doc.root().is_object()) {
    st = Status(errc::invalid_json, "claims must be a JSON object");
    return {};
  }
  ConnectionClaims c;
  SubscriptionClaims s;
  CommonClaims& k = c;
  std::string extra;
  for (const auto m : doc.root().members()) {
    const std::string_view n = m.name;
    const JsonValue v = m.value;
    bool ok = true;
    if (n == "sub") ok = claim_string(v, n, k.sub, st);
    else if (n == "exp") ok = claim_int(v, n, k.exp, st);
    else if (n == "iat") ok = claim_int(v, n, k.iat, st);
    else if (n == "nbf") ok = claim_int(v, n, k.nbf, st);
    else if (n == "jti") ok = claim_string(v, n, k.jti, st);
    else if (n == "iss") ok = claim_string(v, n, k.iss, st);
    else if (n == "b64info") ok = claim_string(v, n, k.b64info, st);
    else if (n == "info") k.info = v.json();
    else if (n == "expire_at") {
      std::int64_t e = 0;
      ok = claim_int(v, n, e, st);
      k.expire_at = e;
    } else if (n == "aud") {
      if (v.is_string()) ok = claim_string(v, n, k.aud.emplace_back(), st);
      else ok = claim_strings(v, n, k.aud, st);
      if (!ok) st = claim_error("aud", "a string or an array of strings");
    } else if (n == "meta") c.meta = v.json();
    else if (n == "channels") ok = claim_strings(v, n, c.channels, st);
    else if (n == "subs") ok = claim_subs(v, c.subs, st);
    else if (n == "channel") ok = claim_string(v, n, s.channel, st);
    else if (n == "client") ok = claim_string(v, n, s.client, st);
    else if (n == "data") s.data = v.json();
    else if (n == "b64data") ok = claim_string(v, n, s.b64data, st);
    else if (n == "override") ok = claim_override(v, s.overrides, st);
    else {
      extra += extra.empty() ? "{" : ",";
      extra += detail::quote(n);
      extra += ':';
      v.append_json(extra);
    }
    if (!ok) return {};
  }
  if (!extra.empty()) k.extra = extra + "}";
  static_cast<CommonClaims&>(s) = k;
  return AnyClaims{std::move(c), std::move(s)};
}

AnyClaims parse_claims_json(std::string_view json) {
  Status st;
  AnyClaims c = parse_claims_json(json, st);
  throw_if_error(st);
  return c;
}

std::string make_jwks(const std::vector<const Signer*>& signers, Status& st) {
  st.clear();
  std::string keys = "{\"keys\":[";
  for (std::size_t i = 0; i < signers.size(); ++i) {
    if (!signers[i]) {
      st = Status(errc::invalid_argument, "null signer in JWKS list");
      return {};
    }
    const std::string one = signers[i]->jwk(st);
    if (!st.ok()) return {};
    if (i) keys.push_back(',');
    keys += one;
  }
  keys += "]}";
  return keys;
}

std::string make_jwks(const std::vector<const Signer*>& signers) {
  Status st;
  std::string out = make_jwks(signers, st);
  throw_if_error(st);
  return out;
}

}  // namespace instant
