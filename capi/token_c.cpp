// extern "C" definitions: token claims, signer, JWKS and verifier.
#include "capi.hpp"

#include <instant/limits.hpp>
#include <instant/token.hpp>


using namespace instant::capi;

struct instant_claims {
  instant::CommonClaims common;
  std::vector<std::string> channels;
  std::vector<std::pair<std::string, instant::SubscribeOptions>> subs;
  std::string meta;
  std::string channel, client, data, b64data;
  instant::SubscriptionOverride overrides;
};
struct instant_signer_options {
  instant::SignerOptions opts;
};
struct instant_verify_options {
  instant::VerifyOptions opts;
};
struct instant_verifier {
  instant::Verifier verifier;
};
struct instant_verified_token {
  instant::VerifiedToken tok;
};

namespace {

constexpr int kAlgCount = 10;

bool to_alg(instant_algorithm_t a, instant::Algorithm& out) {
  if (a < 0 || a >= kAlgCount) {
    record(INSTANT_EINVAL, "invalid argument: 'alg' is not an INSTANT_ALG_* value");
    return false;
  }
  out = static_cast<instant::Algorithm>(a);
  return true;
}

// Sets a string member; both pointers required.
template <class H, class F>
instant_error_t set_str(H* h, const char* hname, const char* v, const char* vname, F&& assign) {
  return guard([&] {
    if (!h) return null_arg(hname);
    if (!v) return null_arg(vname);
    assign(std::string(v));
    return record_ok();
  });
}

instant::ConnectionClaims connection_claims(const instant_claims& c) {
  instant::ConnectionClaims cc;
  static_cast<instant::CommonClaims&>(cc) = c.common;
  cc.channels = c.channels;
  cc.subs = c.subs;
  cc.meta = c.meta;
  return cc;
}

instant::SubscriptionClaims subscription_claims(const instant_claims& c) {
  instant::SubscriptionClaims sc;
  static_cast<instant::CommonClaims&>(sc) = c.common;
  sc.channel = c.channel;
  sc.client = c.client;
  sc.data = c.data;
  sc.b64data = c.b64data;
  sc.overrides = c.overrides;
  return sc;
}

// Maps a claims JSON object onto c (see instant_claims_set_json).
instant::Status claims_from_json(const char* json, instant_claims& c) {
  instant::Status st;
  instant::AnyClaims any = instant::parse_claims_json(json, st);
  if (!st.ok()) return st;
  instant::ConnectionClaims& conn = any.connection;
  instant::SubscriptionClaims& sub = any.subscription;
  instant_claims out;
  out.common = static_cast<const instant::CommonClaims&>(conn);
  out.channels = std::move(conn.channels);
  out.subs = std::move(conn.subs);
  out.meta = std::move(conn.meta);
  out.channel = std::move(sub.channel);
  out.client = std::move(sub.client);
  out.data = std::move(sub.data);
  out.b64data = std::move(sub.b64data);
  out.overrides = sub.overrides;
  c = std::move(out);
  return {};
}

template <class T, class F>
T token_accessor(const instant_verified_token* t, T fallback, F&& f) {
  if (!t) {
    null_arg("tok");
    return fallback;
  }
  return f(t->tok);
}

}  // namespace

extern "C" {

const char* instant_algorithm_name(instant_algorithm_t alg) {
  instant::Algorithm a;
  if (!to_alg(alg, a)) return nullptr;
  return instant::to_string(a);
}

instant_error_t instant_algorithm_from_name(instant_algorithm_t* out, const char* name) {
  return guard([&] {
    if (!out) return null_arg("out");
    if (!name) return null_arg("name");
    instant::Status st;
    const instant::Algorithm a = instant::parse_algorithm(name, st);
    if (!st.ok()) return record(INSTANT_EINVAL, "invalid argument: 'name' is not a supported JWS algorithm");
    *out = static_cast<instant_algorithm_t>(a);
    return record_ok();
  });
}

// ---- claims ------------------------------------------------------------------------

instant_error_t instant_claims_new(instant_claims** out) { return new_handle(out); }

void instant_claims_free(instant_claims* claims) { delete claims; }

instant_error_t instant_claims_set_json(instant_claims* claims, const char* json) {
  return guard([&] {
    if (!claims) return null_arg("claims");
    if (!json) return null_arg("json");
    return record(claims_from_json(json, *claims));
  });
}

#define INSTANT_CLAIMS_STRING_SETTER(fn, param, member)                               \
  instant_error_t fn(instant_claims* claims, const char* param) {                      \
    return set_str(claims, "claims", param, #param,                                    \
                   [&](std::string v) { claims->member = std::move(v); });             \
  }
#define INSTANT_CLAIMS_INT_SETTER(fn, type, param, expr)        \
  instant_error_t fn(instant_claims* claims, type param) {      \
    return guard([&] {                                          \
      if (!claims) return null_arg("claims");                   \
      expr;                                                     \
      return record_ok();                                       \
    });                                                         \
  }

INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_sub, sub, common.sub)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_exp, int64_t, exp, claims->common.exp = exp)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_ttl, int64_t, ttl, claims->common.ttl = ttl)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_no_expiry, int, no_expiry,
                          claims->common.no_expiry = no_expiry != 0)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_iat, int64_t, iat, claims->common.iat = iat)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_omit_iat, int, omit, claims->common.omit_iat = omit != 0)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_nbf, int64_t, nbf, claims->common.nbf = nbf)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_jti, jti, common.jti)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_issuer, iss, common.iss)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_info, json, common.info)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_b64info, b64, common.b64info)
INSTANT_CLAIMS_INT_SETTER(instant_claims_set_expire_at, int64_t, expire_at,
                          claims->common.expire_at = expire_at)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_extra, json_object, common.extra)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_meta, json_object, meta)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_channel, channel, channel)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_client, client_id, client)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_data, json, data)
INSTANT_CLAIMS_STRING_SETTER(instant_claims_set_b64data, b64, b64data)

instant_error_t instant_claims_clear_expire_at(instant_claims* claims) {
  return guard([&] {
    if (!claims) return null_arg("claims");
    claims->common.expire_at.reset();
    return record_ok();
  });
}

instant_error_t instant_claims_add_audience(instant_claims* claims, const char* aud) {
  return set_str(claims, "claims", aud, "aud",
                 [&](std::string v) { claims->common.aud.push_back(std::move(v)); });
}

instant_error_t instant_claims_add_channel(instant_claims* claims, const char* channel) {
  return set_str(claims, "claims", channel, "channel",
                 [&](std::string v) { claims->channels.push_back(std::move(v)); });
}

instant_error_t instant_claims_add_subscription(instant_claims* claims, const char* channel,
                                                const char* info_json, const char* b64info,
                                                const char* data_json, const char* b64data) {
  return guard([&] {
    if (!claims) return null_arg("claims");
    if (!channel) return null_arg("channel");
    instant::SubscribeOptions so;
    so.info = opt(info_json);
    so.b64info = opt(b64info);
    so.data = opt(data_json);
    so.b64data = opt(b64data);
    claims->subs.emplace_back(channel, std::move(so));
    return record_ok();
  });
}

instant_error_t instant_claims_set_override(instant_claims* claims, const char* name, int value) {
  return guard([&] {
    if (!claims) return null_arg("claims");
    if (!name) return null_arg("name");
    const std::string n = name;
    auto& o = claims->overrides;
    std::optional<bool>* slot = n == "presence"                ? &o.presence
                                : n == "join_leave"            ? &o.join_leave
                                : n == "force_push_join_leave" ? &o.force_push_join_leave
                                : n == "force_positioning"     ? &o.force_positioning
                                : n == "force_recovery"        ? &o.force_recovery
                                                               : nullptr;
    if (!slot) return record(INSTANT_EINVAL, "invalid argument: 'name' is not an override member");
    *slot = value != 0;
    return record_ok();
  });
}

// ---- signer ---------------------------------------------------------------------------

instant_error_t instant_signer_options_new(instant_signer_options** out) { return new_handle(out); }

void instant_signer_options_free(instant_signer_options* opts) { delete opts; }

instant_error_t instant_signer_options_set_lifetime(instant_signer_options* opts, int64_t seconds) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (seconds <= 0 || seconds > instant::limits::max_lifetime_seconds) {
      return record(INSTANT_EINVAL, "invalid argument: 'seconds' must be 1..315360000");
    }
    opts->opts.lifetime = seconds;
    return record_ok();
  });
}

instant_error_t instant_signer_options_set_kid(instant_signer_options* opts, const char* kid) {
  return set_str(opts, "opts", kid, "kid", [&](std::string v) { opts->opts.kid = std::move(v); });
}

instant_error_t instant_signer_options_set_allow_weak_key(instant_signer_options* opts, int allow) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.allow_weak_key = allow != 0;
    return record_ok();
  });
}

instant_error_t instant_signer_options_set_max_token_size(instant_signer_options* opts, size_t bytes) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (bytes == 0) return record(INSTANT_EINVAL, "invalid argument: 'bytes' must be positive");
    opts->opts.max_token_size = bytes;
    return record_ok();
  });
}

instant_error_t instant_signer_new_hmac(instant_signer** out, const void* key, size_t key_len,
                                        instant_algorithm_t alg, const instant_signer_options* opts) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!key) return null_arg("key");
    instant::Algorithm a;
    if (!to_alg(alg, a)) return last_error().code;
    instant::Status st;
    instant::Signer s = instant::Signer::hmac(
        std::string_view(static_cast<const char*>(key), key_len), a,
        opts ? opts->opts : instant::SignerOptions{}, st);
    if (!st.ok()) return record(st);
    *out = new instant_signer{std::move(s)};
    return record_ok();
  });
}

instant_error_t instant_signer_new_pem(instant_signer** out, const char* pem, instant_algorithm_t alg,
                                       const instant_signer_options* opts) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!pem) return null_arg("pem");
    instant::Algorithm a;
    if (!to_alg(alg, a)) return last_error().code;
    instant::Status st;
    instant::Signer s =
        instant::Signer::from_pem(pem, a, opts ? opts->opts : instant::SignerOptions{}, st);
    if (!st.ok()) return record(st);
    *out = new instant_signer{std::move(s)};
    return record_ok();
  });
}

void instant_signer_free(instant_signer* signer) { delete signer; }

instant_algorithm_t instant_signer_algorithm(const instant_signer* signer) {
  if (!signer) {
    null_arg("signer");
    return -1;
  }
  return static_cast<instant_algorithm_t>(signer->signer.algorithm());
}

instant_error_t instant_signer_connection_token(char** out, const instant_signer* signer,
                                                const instant_claims* claims) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!signer) return null_arg("signer");
    if (!claims) return null_arg("claims");
    instant::Status st;
    const std::string tok = signer->signer.connection_token(connection_claims(*claims), st);
    if (!st.ok()) return record(st);
    *out = dup_string(tok);
    return record_ok();
  });
}

instant_error_t instant_signer_subscription_token(char** out, const instant_signer* signer,
                                                  const instant_claims* claims) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!signer) return null_arg("signer");
    if (!claims) return null_arg("claims");
    instant::Status st;
    const std::string tok = signer->signer.subscription_token(subscription_claims(*claims), st);
    if (!st.ok()) return record(st);
    *out = dup_string(tok);
    return record_ok();
  });
}

instant_error_t instant_signer_jwk(char** out, const instant_signer* signer) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!signer) return null_arg("signer");
    instant::Status st;
    const std::string s = signer->signer.jwk(st);
    if (!st.ok()) return record(st);
    *out = dup_string(s);
    return record_ok();
  });
}

instant_error_t instant_signer_public_key_pem(char** out, const instant_signer* signer) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!signer) return null_arg("signer");
    instant::Status st;
    const std::string s = signer->signer.public_key_pem(st);
    if (!st.ok()) return record(st);
    *out = dup_string(s);
    return record_ok();
  });
}

instant_error_t instant_jwks(char** out, const instant_signer* const* signers, size_t n) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!signers) return null_arg("signers");
    std::vector<const instant::Signer*> v;
    for (size_t i = 0; i < n; ++i) {
      if (!signers[i]) {
        return record(INSTANT_EINVAL,
                      ("invalid argument: 'signers[" + std::to_string(i) + "]'").c_str());
      }
      v.push_back(&signers[i]->signer);
    }
    instant::Status st;
    const std::string s = instant::make_jwks(v, st);
    if (!st.ok()) return record(st);
    *out = dup_string(s);
    return record_ok();
  });
}

// ---- verifier -----------------------------------------------------------------------

instant_error_t instant_verify_options_new(instant_verify_options** out) { return new_handle(out); }

void instant_verify_options_free(instant_verify_options* opts) { delete opts; }

instant_error_t instant_verify_options_set_require_exp(instant_verify_options* opts, int require) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.require_exp = require != 0;
    return record_ok();
  });
}

instant_error_t instant_verify_options_set_leeway(instant_verify_options* opts, int64_t seconds) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (seconds < 0 || seconds > instant::limits::max_leeway_seconds) {
      return record(INSTANT_EINVAL, "invalid argument: 'seconds' must be 0..86400");
    }
    opts->opts.leeway = seconds;
    return record_ok();
  });
}

instant_error_t instant_verify_options_add_audience(instant_verify_options* opts, const char* aud) {
  return set_str(opts, "opts", aud, "aud", [&](std::string v) { opts->opts.audience.push_back(std::move(v)); });
}

instant_error_t instant_verify_options_set_issuer(instant_verify_options* opts, const char* iss) {
  return set_str(opts, "opts", iss, "iss", [&](std::string v) { opts->opts.issuer = std::move(v); });
}

instant_error_t instant_verify_options_set_max_token_size(instant_verify_options* opts, size_t bytes) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (bytes == 0) return record(INSTANT_EINVAL, "invalid argument: 'bytes' must be positive");
    opts->opts.max_token_size = bytes;
    return record_ok();
  });
}

instant_error_t instant_verify_options_set_now(instant_verify_options* opts, int64_t now) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.now = now;
    return record_ok();
  });
}

instant_error_t instant_verifier_new(instant_verifier** out, const instant_verify_options* opts) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    *out = new instant_verifier{instant::Verifier(opts ? opts->opts : instant::VerifyOptions{})};
    return record_ok();
  });
}

void instant_verifier_free(instant_verifier* verifier) { delete verifier; }

instant_error_t instant_verifier_add_hmac(instant_verifier* verifier, const void* key, size_t key_len,
                                          instant_algorithm_t alg, const char* kid, int allow_weak) {
  return guard([&] {
    if (!verifier) return null_arg("verifier");
    if (!key) return null_arg("key");
    instant::Algorithm a;
    if (!to_alg(alg, a)) return last_error().code;
    instant::Status st;
    verifier->verifier.add_hmac(std::string_view(static_cast<const char*>(key), key_len), a,
                                std::string(opt(kid)), allow_weak != 0, st);
    return record(st);
  });
}

instant_error_t instant_verifier_add_pem(instant_verifier* verifier, const char* pem,
                                         instant_algorithm_t alg, const char* kid) {
  return guard([&] {
    if (!verifier) return null_arg("verifier");
    if (!pem) return null_arg("pem");
    instant::Algorithm a;
    if (!to_alg(alg, a)) return last_error().code;
    instant::Status st;
    verifier->verifier.add_pem(pem, a, std::string(opt(kid)), st);
    return record(st);
  });
}

instant_error_t instant_verifier_add_signer(instant_verifier* verifier, const instant_signer* signer) {
  return guard([&] {
    if (!verifier) return null_arg("verifier");
    if (!signer) return null_arg("signer");
    instant::Status st;
    verifier->verifier.add_signer(signer->signer, st);
    return record(st);
  });
}

size_t instant_verifier_key_count(const instant_verifier* verifier) {
  if (!verifier) {
    null_arg("verifier");
    return 0;
  }
  return verifier->verifier.key_count();
}

instant_error_t instant_verifier_verify(instant_verified_token** out, const instant_verifier* verifier,
                                        const char* token, instant_token_kind_t kind) {
  return guard([&] {
    if (out) *out = nullptr;
    if (!verifier) return null_arg("verifier");
    if (!token) return null_arg("token");
    instant::TokenKind k;
    switch (kind) {
      case INSTANT_TOKEN_ANY: k = instant::TokenKind::any; break;
      case INSTANT_TOKEN_CONNECTION: k = instant::TokenKind::connection; break;
      case INSTANT_TOKEN_SUBSCRIPTION: k = instant::TokenKind::subscription; break;
      default: return record(INSTANT_EINVAL, "invalid argument: 'kind' is not an INSTANT_TOKEN_* value");
    }
    instant::Status st;
    instant::VerifiedToken vt = verifier->verifier.verify(token, k, st);
    if (!st.ok()) return record(st);
    if (out) *out = new instant_verified_token{std::move(vt)};
    return record_ok();
  });
}

void instant_verified_token_free(instant_verified_token* tok) { delete tok; }

instant_algorithm_t instant_verified_token_algorithm(const instant_verified_token* tok) {
  return token_accessor(tok, -1, [](const instant::VerifiedToken& t) { return static_cast<int>(t.alg); });
}
const char* instant_verified_token_kid(const instant_verified_token* tok) {
  return token_accessor(tok, static_cast<const char*>(nullptr),
                        [](const instant::VerifiedToken& t) { return t.kid.c_str(); });
}
const char* instant_verified_token_header(const instant_verified_token* tok) {
  return token_accessor(tok, static_cast<const char*>(nullptr),
                        [](const instant::VerifiedToken& t) { return t.header.c_str(); });
}
const char* instant_verified_token_claims(const instant_verified_token* tok) {
  return token_accessor(tok, static_cast<const char*>(nullptr),
                        [](const instant::VerifiedToken& t) { return t.claims.c_str(); });
}
const char* instant_verified_token_sub(const instant_verified_token* tok) {
  return token_accessor(tok, static_cast<const char*>(nullptr),
                        [](const instant::VerifiedToken& t) { return t.sub.c_str(); });
}
const char* instant_verified_token_channel(const instant_verified_token* tok) {
  return token_accessor(tok, static_cast<const char*>(nullptr),
                        [](const instant::VerifiedToken& t) { return t.channel.c_str(); });
}
int64_t instant_verified_token_exp(const instant_verified_token* tok) {
  return token_accessor(tok, int64_t{0}, [](const instant::VerifiedToken& t) { return int64_t{t.exp}; });
}
int64_t instant_verified_token_iat(const instant_verified_token* tok) {
  return token_accessor(tok, int64_t{0}, [](const instant::VerifiedToken& t) { return int64_t{t.iat}; });
}
int64_t instant_verified_token_nbf(const instant_verified_token* tok) {
  return token_accessor(tok, int64_t{0}, [](const instant::VerifiedToken& t) { return int64_t{t.nbf}; });
}

}  // extern "C"
