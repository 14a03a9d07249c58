// Verifier: compact JWS -> checked claims. Order: size, shape, strict
// base64url, header (alg from the key, never `none`, kid), signature, then
// the claims (exp, nbf, iat with leeway; aud; iss; kind).
#include <instant/token.hpp>

#include "detail/checked.hpp"
#include "detail/guard.hpp"
#include "detail/json.hpp"
#include "detail/jwt.hpp"

#include <instant/limits.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace instant {
namespace detail {

constexpr std::size_t kMaxKeys = limits::verifier_keys;

struct VerifierImpl {
  VerifyOptions opts;
  std::vector<std::shared_ptr<const KeyMaterial>> keys;  // current first
};

namespace {

bool fail(Status& st, errc kind, const char* message) {
  st = Status(kind, message);
  return false;
}

// A JSON object under the one verdict (detail/json.hpp): member names are
// distinct at every level, so two parsers can never read two different tokens.
// Claims carry caller values (`info`, `subs.<channel>.info`) a few levels
// down: they are read with the wrapper's depth, the header with a value's.
bool parse_object(JsonDoc& doc, std::string_view text, JsonDepth depth) {
  return parse_json(text, doc, "token", depth).ok() && doc.root().is_object();
}

// A NumericDate claim: absent (true, present false), valid (true) or bad
// (false, st set). Integers exactly; other numbers floored (Go's float64).
bool numeric_date(JsonValue obj, const char* name, std::int64_t& out, bool& present, Status& st) {
  present = false;
  const JsonValue v = obj[name];
  if (!v) return true;
  present = true;
  if (v.to_int64(out)) return true;
  double d = 0;
  if (v.to_double(d) && d > -9.2e18 && d < 9.2e18) {
    out = static_cast<std::int64_t>(std::floor(d));
    return true;
  }
  st = Status(errc::token_claim, std::string("claim '") + name + "' is not a number of seconds");
  return false;
}

bool optional_string(JsonValue obj, const char* name, std::string& out, Status& st) {
  const JsonValue v = obj[name];
  if (!v) return true;
  if (!v.is_string() || v.has_nul()) {
    st = Status(errc::token_claim, std::string("claim '") + name +
                                       (v.is_string() ? "' holds U+0000" : "' is not a string"));
    return false;
  }
  out.assign(v.str());
  return true;
}

std::int64_t now_seconds() noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool verify_impl(const VerifierImpl& v, std::string_view token, TokenKind kind, VerifiedToken& out,
                 Status& st) {
  const VerifyOptions& o = v.opts;
  if (o.leeway < 0 || o.leeway > limits::max_leeway_seconds) {
    return fail(st, errc::invalid_argument, "verify option 'leeway' must be 0..86400 seconds");
  }
  if (token.size() > o.max_token_size) {
    st = Status(errc::too_large, "token of " + std::to_string(token.size()) +
                                     " bytes exceeds the " + std::to_string(o.max_token_size) +
                                     "-byte limit");
    return false;
  }
  if (v.keys.empty()) return fail(st, errc::key, "verifier has no key");

  // Shape: exactly three non-empty segments.
  const std::size_t d1 = token.find('.');
  const std::size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return fail(st, errc::token_malformed, "token must have three dot-separated segments");
  }
  const std::string_view h64 = token.substr(0, d1), p64 = token.substr(d1 + 1, d2 - d1 - 1),
                         s64 = token.substr(d2 + 1);
  if (h64.empty() || p64.empty() || s64.empty()) {
    return fail(st, errc::token_malformed, "token has an empty segment");
  }

  // Header: its size is capped before it is decoded or parsed.
  if (h64.size() > b64url_length(limits::jose_header_bytes)) {
    return fail(st, errc::token_malformed, "token header is larger than 4096 bytes");
  }
  std::string header, sig, payload;
  if (!b64url_decode(h64, header)) {
    return fail(st, errc::token_malformed, "header is not strict base64url");
  }
  JsonDoc hdoc;
  if (!parse_object(hdoc, header, JsonDepth::value)) {
    return fail(st, errc::token_malformed, "header is not a JSON object (or repeats a member)");
  }
  const JsonValue hroot = hdoc.root();
  const JsonValue alg_v = hroot["alg"];
  if (!alg_v.is_string()) return fail(st, errc::token_malformed, "header has no 'alg'");
  Status as;
  const std::optional<Algorithm> alg = parse_algorithm(alg_v.str(), as);
  if (!as.ok()) {
    return fail(st, errc::token_algorithm, "token algorithm is not accepted ('none' never is)");
  }
  std::string kid;
  if (!optional_string(hroot, "kid", kid, st)) {
    return fail(st, errc::token_malformed, "header 'kid' is not a string");
  }
  if (hroot["crit"]) {
    return fail(st, errc::token_malformed, "header 'crit' extensions are not supported");
  }
  if (const JsonValue typ = hroot["typ"]; typ && !typ.is_string()) {
    return fail(st, errc::token_malformed, "header 'typ' is not a string");
  }

  // Keys: by kid (a keyed key only answers its kid), then by algorithm.
  const KeyMaterial* candidates[kMaxKeys];
  std::size_t n_kid = 0, n = 0;
  for (const auto& k : v.keys) {
    const std::string& kk = key_kid(*k);
    if (!kid.empty() && !kk.empty() && kk != kid) continue;
    ++n_kid;
    if (key_algorithm(*k) != *alg) continue;
    candidates[n++] = k.get();
  }
  if (n_kid == 0) return fail(st, errc::token_kid, "token kid names no known key");
  if (n == 0) return fail(st, errc::token_algorithm, "token algorithm does not match the key's");

  if (!b64url_decode(s64, sig)) {
    return fail(st, errc::token_malformed, "signature is not strict base64url");
  }
  if (!b64url_decode(p64, payload)) {
    return fail(st, errc::token_malformed, "claims are not strict base64url");
  }
  const std::string_view signing_input = token.substr(0, d2);
  bool good = false;
  for (std::size_t i = 0; i < n && !good; ++i) {
    good = verify_signature(*candidates[i], signing_input, sig);
  }
  if (!good) return fail(st, errc::token_signature, "token signature does not verify");

  // Claims.
  JsonDoc cdoc;
  if (!parse_object(cdoc, payload, JsonDepth::wrapper)) {
    return fail(st, errc::token_malformed, "claims are not a JSON object (or repeat a member)");
  }
  const JsonValue claims = cdoc.root();
  const std::int64_t now = o.now ? o.now : now_seconds();
  const std::int64_t leeway = o.leeway;
  std::int64_t exp = 0, nbf = 0, iat = 0;
  bool has_exp, has_nbf, has_iat;
  if (!numeric_date(claims, "exp", exp, has_exp, st) ||
      !numeric_date(claims, "nbf", nbf, has_nbf, st) ||
      !numeric_date(claims, "iat", iat, has_iat, st)) {
    return false;
  }
  // Saturating: a date near the int64 limits plus the leeway cannot overflow.
  if (has_exp && now >= saturating_add(exp, leeway)) return fail(st, errc::token_expired, "token expired");
  if (!has_exp && o.require_exp) return fail(st, errc::token_claim, "token has no 'exp' claim");
  if (has_nbf && nbf > saturating_add(now, leeway)) {
    return fail(st, errc::token_not_yet_valid, "token not valid yet (nbf)");
  }
  if (has_iat && iat > saturating_add(now, leeway)) {
    return fail(st, errc::token_not_yet_valid, "token issued in the future (iat)");
  }

  const JsonValue aud = claims["aud"];
  if (aud) {
    bool ok_type = aud.is_string();
    if (aud.is_array()) {
      ok_type = true;
      for (const auto a : aud.elements()) ok_type = ok_type && a.value.is_string();
    }
    if (!ok_type) {
      return fail(st, errc::token_claim, "claim 'aud' is not a string or a list of strings");
    }
  }
  if (!o.audience.empty()) {
    bool match = false;
    auto check = [&](JsonValue a) {
      for (const auto& want : o.audience) match = match || a.str() == want;
    };
    if (aud.is_string()) check(aud);
    for (const auto a : aud.elements()) check(a.value);
    if (!match) return fail(st, errc::token_audience, "token audience does not match");
  }
  std::string iss, sub, channel;
  if (!optional_string(claims, "iss", iss, st) || !optional_string(claims, "sub", sub, st) ||
      !optional_string(claims, "channel", channel, st)) {
    return false;
  }
  if (!o.issuer.empty() && (!claims["iss"] || iss != o.issuer)) {
    return fail(st, errc::token_issuer, "token issuer does not match");
  }
  if (kind == TokenKind::connection && claims["channel"]) {
    return fail(st, errc::token_claim, "a connection token must not carry a 'channel' claim");
  }
  if (kind == TokenKind::subscription && channel.empty()) {
    return fail(st, errc::token_claim, "a subscription token needs a 'channel' claim");
  }

  out.alg = *alg;
  out.kid = std::move(kid);
  out.header = std::move(header);
  out.claims = std::move(payload);
  out.sub = std::move(sub);
  out.channel = std::move(channel);
  out.exp = has_exp ? exp : 0;
  out.iat = has_iat ? iat : 0;
  out.nbf = has_nbf ? nbf : 0;
  return true;
}

}  // namespace
}  // namespace detail

const char* to_string(TokenKind k) noexcept {
  switch (k) {
    case TokenKind::any: return "any";
    case TokenKind::connection: return "connection";
    case TokenKind::subscription: return "subscription";
  }
  return "unknown";
}

Verifier::Verifier(VerifyOptions opts) : impl_(std::make_unique<detail::VerifierImpl>()) {
  impl_->opts = std::move(opts);
}
Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

namespace {

bool room_for_key(const std::unique_ptr<detail::VerifierImpl>& impl, Status& st) {
  if (impl->keys.size() < detail::kMaxKeys) return true;
  st = Status(errc::invalid_argument, "a verifier holds at most 64 keys");
  return false;
}

}  // namespace

Verifier Verifier::from_env(VerifyOptions opts, Status& st) {
  st.clear();
  Verifier v(std::move(opts));
  const char* key = std::getenv("CENTRIFUGO_HMAC_KEY");
  if (!key || !*key) {
    st = Status(errc::config, "CENTRIFUGO_HMAC_KEY is not set (Centrifugo's client.token.hmac_secret_key)");
    return v;
  }
  v.add_hmac(key, Algorithm::HS256, {}, false, st);
  return v;
}

Verifier Verifier::from_env(VerifyOptions opts) {
  Status st;
  Verifier v = from_env(std::move(opts), st);
  throw_if_error(st);
  return v;
}

void Verifier::add_hmac(std::string_view key, Algorithm alg, std::string kid, bool allow_weak,
                        Status& st) noexcept {
  st.clear();
  try {
    if (!impl_) impl_ = std::make_unique<detail::VerifierImpl>();
    if (!room_for_key(impl_, st)) return;
    auto k = detail::make_hmac_key(key, alg, std::move(kid), allow_weak, st);
    if (k) impl_->keys.push_back(std::move(k));
  } catch (...) {
    st = detail::current_exception_status();
  }
}

void Verifier::add_hmac(std::string_view key, Algorithm alg, std::string kid, bool allow_weak) {
  Status st;
  add_hmac(key, alg, std::move(kid), allow_weak, st);
  throw_if_error(st);
}

void Verifier::add_pem(std::string_view pem, Algorithm alg, std::string kid, Status& st) noexcept {
  st.clear();
  try {
    if (!impl_) impl_ = std::make_unique<detail::VerifierImpl>();
    if (!room_for_key(impl_, st)) return;
    // A verifier accepts what it is given: the key's size was the signer's choice.
    auto k = detail::make_pem_key(pem, alg, std::move(kid), true, false, st);
    if (k) impl_->keys.push_back(std::move(k));
  } catch (...) {
    st = detail::current_exception_status();
  }
}

void Verifier::add_pem(std::string_view pem, Algorithm alg, std::string kid) {
  Status st;
  add_pem(pem, alg, std::move(kid), st);
  throw_if_error(st);
}

void Verifier::add_signer(const Signer& signer, Status& st) noexcept {
  st.clear();
  auto k = detail::signer_key(signer.impl_.get());
  if (!k) {
    st = Status(errc::key, "empty signer (no key)");
    return;
  }
  try {
    if (!impl_) impl_ = std::make_unique<detail::VerifierImpl>();
    if (!room_for_key(impl_, st)) return;
    impl_->keys.push_back(std::move(k));
  } catch (...) {
    st = detail::current_exception_status();
  }
}

void Verifier::add_signer(const Signer& signer) {
  Status st;
  add_signer(signer, st);
  throw_if_error(st);
}

std::size_t Verifier::key_count() const noexcept { return impl_ ? impl_->keys.size() : 0; }

const VerifyOptions& Verifier::options() const noexcept {
  static const VerifyOptions dflt;
  return impl_ ? impl_->opts : dflt;
}

VerifiedToken Verifier::verify(std::string_view token, TokenKind kind, Status& st) const {
  st.clear();
  VerifiedToken out;
  if (!impl_) {
    st = Status(errc::key, "verifier was moved from");
    return out;
  }
  try {
    if (!detail::verify_impl(*impl_, token, kind, out, st)) out = VerifiedToken();
  } catch (...) {
    st = detail::current_exception_status();
    out = VerifiedToken();
  }
  return out;
}

VerifiedToken Verifier::verify(std::string_view token, TokenKind kind) const {
  Status st;
  VerifiedToken out = verify(token, kind, st);
  throw_if_error(st);
  return out;
}

}  // namespace instant
