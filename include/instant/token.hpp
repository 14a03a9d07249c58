// instant/token.hpp - Centrifugo v6 JWTs: connection and subscription claims,
// a Signer (HS256/384/512, RS256/384/512, ES256/384/512, EdDSA), JWKS output,
// and a Verifier with key rotation. No HTTP here.
//
// Thread safety: a Signer is immutable after construction; sign from any
// number of threads at once. A Verifier is safe to share for verify() once its
// keys are added; adding keys must not race with verify(). Claims structs are
// plain values.
#ifndef INSTANT_TOKEN_HPP
#define INSTANT_TOKEN_HPP

#include <instant/channel_name.hpp>
#include <instant/error.hpp>
#include <instant/export.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace instant {

// JWS algorithms Centrifugo verifies (EdDSA only through a JWKS endpoint).
enum class Algorithm { HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, EdDSA };

// The JOSE name of `alg` ("HS256", ...). Static string, never null.
INSTANT_API const char* to_string(Algorithm alg) noexcept;

// Parses a JOSE name (exact case); invalid_argument for unknown names and "none".
INSTANT_API Algorithm parse_algorithm(std::string_view name);
INSTANT_API Algorithm parse_algorithm(std::string_view name, Status& st);

// Per-subscription channel options overriding the namespace configuration
// (Centrifugo's `override` object); unset members are left out.
struct SubscriptionOverride {
  std::optional<bool> presence;
  std::optional<bool> join_leave;
  std::optional<bool> force_push_join_leave;
  std::optional<bool> force_positioning;
  std::optional<bool> force_recovery;
};

// Options of one channel in a connection token's `subs` claim. JSON members
// hold JSON text (validated, embedded as JSON); b64 members hold standard
// base64 (Centrifugo decodes them with padding). Empty = left out.
struct SubscribeOptions {
  std::string info;
  std::string b64info;
  std::string data;
  std::string b64data;
  SubscriptionOverride overrides;  // the `override` claim
};

// Claims shared by both token kinds. Times are Unix seconds.
struct CommonClaims {
  std::string sub;                 // user id; empty = anonymous
  std::int64_t exp = 0;            // absolute expiry; 0 = now + ttl (or signer lifetime)
  std::int64_t ttl = 0;            // lifetime in seconds for this token; 0 = signer default
  bool no_expiry = false;          // leave exp out: the token never expires (explicit opt-in)
  std::int64_t iat = 0;            // issued-at; 0 = now
  bool omit_iat = false;           // leave iat out
  std::int64_t nbf = 0;            // not-before; 0 = left out; must not be in the future
  std::string jti;                 // token id; empty = left out
  std::vector<std::string> aud;    // one value = string, several = array, none = left out
  std::string iss;                 // issuer; empty = left out
  std::string info;                // JSON text; empty = left out
  std::string b64info;             // standard base64; empty = left out
  std::optional<std::int64_t> expire_at;  // absent: Centrifugo uses exp; 0: never; else a time
  std::string extra;               // JSON object text of further custom claims; empty = none
};

// A connection token's claims (docs/tokens.md). A `channel` claim is refused.
struct ConnectionClaims : CommonClaims {
  std::vector<std::string> channels;                              // server-side subscriptions
  std::vector<std::pair<std::string, SubscribeOptions>> subs;     // per-channel options
  std::string meta;                                               // JSON object text
};

// A subscription token's claims (docs/tokens.md). `channel` is required.
struct SubscriptionClaims : CommonClaims {
  std::string channel;
  std::string client;   // bind to one client id; empty = left out
  std::string data;     // JSON text
  std::string b64data;  // standard base64
  SubscriptionOverride overrides;  // the `override` claim
};

// Claims of both kinds, as parse_claims_json reads them.
struct AnyClaims {
  ConnectionClaims connection;
  SubscriptionClaims subscription;
};

// Reads a JSON object of claims with Centrifugo's names (what a token's
// payload holds) into both claim kinds: shared claims into both, connection
// claims (channels, subs, meta) into `connection`, subscription claims
// (channel, client, data, b64data, override) into `subscription`, any other
// member into `extra` of both. Dates must be integers. invalid_json /
// invalid_utf8 (not one JSON object under instant's rules: docs/limits.md),
// token_claim (a claim of the wrong type, a string holding U+0000).
[[nodiscard]] INSTANT_API AnyClaims parse_claims_json(std::string_view json);
[[nodiscard]] INSTANT_API AnyClaims parse_claims_json(std::string_view json, Status& st);

// Signer settings.
struct SignerOptions {
  std::int64_t lifetime = 86400;       // default token lifetime in seconds (must be > 0)
  std::string kid;                     // written to the header when not empty
  bool allow_weak_key = false;         // accept HMAC keys shorter than the hash
                                       // (32/48/64 bytes) and RSA keys < 2048 bits
  std::size_t max_token_size = 65536;  // tokens above this many bytes are refused (too_large)
  NameRules channel_rules;             // rules for the channels, subs and channel claims
};

namespace detail {
struct SignerImpl;
struct VerifierImpl;
}  // namespace detail

// Mints tokens with one key. Built once, immutable, move-only; signing is
// thread-safe (each thread reuses scratch buffers, released above 64 KiB).
// Failing factories throw Error, or return an empty Signer and set `st` in
// their non-throwing form; so do the token methods (an empty string).
class INSTANT_API Signer {
 public:
  Signer() noexcept;  // empty: every sign call fails with errc::key
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // An HMAC signer (alg HS256/384/512). Keeps only the keyed hash states
  // derived from `key` (wiped on destruction), not the caller's buffer.
  static Signer hmac(std::string_view key, Algorithm alg = Algorithm::HS256,
                     const SignerOptions& opts = {});
  static Signer hmac(std::string_view key, Algorithm alg, const SignerOptions& opts,
                     Status& st) noexcept;

  // An RS*/ES*/EdDSA signer from an unencrypted PEM private key (PKCS#8 or
  // traditional); the key type and curve must match `alg`.
  static Signer from_pem(std::string_view pem, Algorithm alg, const SignerOptions& opts = {});
  static Signer from_pem(std::string_view pem, Algorithm alg, const SignerOptions& opts,
                         Status& st) noexcept;

  // An HS256 signer with the key in CENTRIFUGO_HMAC_KEY (Centrifugo's
  // client.token.hmac_secret_key); errc::config when it is unset or empty.
  static Signer from_env(const SignerOptions& opts = {});
  static Signer from_env(const SignerOptions& opts, Status& st) noexcept;

  // True when the signer holds a key.
  bool valid() const noexcept;
  explicit operator bool() const noexcept { return valid(); }
  // The signing algorithm (HS256 for an empty signer).
  Algorithm algorithm() const noexcept;
  // The configured kid ("" when none).
  const std::string& kid() const noexcept;
  // The options the signer was built with.
  const SignerOptions& options() const noexcept;

  // A connection token. Throws Error on bad claims (invalid_json,
  // invalid_utf8, invalid_argument, invalid_channel, token_claim, too_large).
  [[nodiscard]] std::string connection_token(const ConnectionClaims& claims) const;
  [[nodiscard]] std::string connection_token(const ConnectionClaims& claims, Status& st) const;

  // A subscription token; same conventions as connection_token.
  [[nodiscard]] std::string subscription_token(const SubscriptionClaims& claims) const;
  [[nodiscard]] std::string subscription_token(const SubscriptionClaims& claims, Status& st) const;

  // The public key as a JWK object (kty, use, alg, kid, key members). HMAC
  // keys are secret: errc::key.
  [[nodiscard]] std::string jwk() const;
  [[nodiscard]] std::string jwk(Status& st) const;
  // The public key as PEM ("BEGIN PUBLIC KEY", for Centrifugo's
  // rsa_public_key / ecdsa_public_key). HMAC: errc::key.
  [[nodiscard]] std::string public_key_pem() const;
  [[nodiscard]] std::string public_key_pem(Status& st) const;

 private:
  explicit Signer(std::unique_ptr<detail::SignerImpl> impl) noexcept;
  friend class Verifier;
  std::unique_ptr<detail::SignerImpl> impl_;
};

// A JWKS document {"keys":[...]} of the signers' public keys, in order (the
// current key first, then previous ones). Throws Error(errc::key) for HMAC.
[[nodiscard]] INSTANT_API std::string make_jwks(const std::vector<const Signer*>& signers);
[[nodiscard]] INSTANT_API std::string make_jwks(const std::vector<const Signer*>& signers,
                                                Status& st);

// Which token kind verify() expects.
enum class TokenKind {
  any,           // no kind-specific check
  connection,    // refuse a `channel` claim
  subscription,  // require a non-empty string `channel` claim
};

// The lowercase name of a token kind ("any", "connection", "subscription"). Never null.
INSTANT_API const char* to_string(TokenKind k) noexcept;

// Verifier settings.
struct VerifyOptions {
  bool require_exp = true;             // a token without exp fails with token_claim
  std::int64_t leeway = 0;             // seconds of clock skew allowed for exp/nbf/iat
  std::vector<std::string> audience;   // when set, aud must contain one of these
  std::string issuer;                  // when set, iss must equal it
  std::size_t max_token_size = 65536;  // longer tokens fail with too_large
  std::int64_t now = 0;                // evaluation time; 0 = the system clock
};

// The decoded parts of a verified token. Owns its strings.
struct VerifiedToken {
  Algorithm alg = Algorithm::HS256;
  std::string kid;            // header kid ("" when absent)
  std::string header;         // header JSON text as sent
  std::string claims;         // claims JSON text as sent
  std::string sub;            // "" when absent
  std::string channel;        // "" when absent
  std::int64_t exp = 0;       // 0 when absent
  std::int64_t iat = 0;       // 0 when absent
  std::int64_t nbf = 0;       // 0 when absent
};

// Checks tokens against a set of keys. The first key added is the current one;
// later ones are previous keys kept during rotation (at most 64 keys). The
// algorithm comes from the key, never from the token; `none` is never accepted. Each failure has
// its own errc (token_malformed, token_algorithm, token_kid, token_signature,
// token_expired, token_not_yet_valid, token_audience, token_issuer,
// token_claim, too_large). Move-only.
class INSTANT_API Verifier {
 public:
  // A verifier with no key yet (verify() fails with errc::key until one is added).
  explicit Verifier(VerifyOptions opts = {});
  // A verifier of HS256 tokens with the key in CENTRIFUGO_HMAC_KEY;
  // errc::config when it is unset or empty.
  static Verifier from_env(VerifyOptions opts = {});
  static Verifier from_env(VerifyOptions opts, Status& st);
  ~Verifier();
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Adds an HMAC key for `alg`; `kid` restricts it to tokens naming that kid.
  // Keys shorter than the hash (32/48/64 bytes) need allow_weak. Adding keys
  // must not race with verify().
  void add_hmac(std::string_view key, Algorithm alg = Algorithm::HS256, std::string kid = {},
                bool allow_weak = false);
  void add_hmac(std::string_view key, Algorithm alg, std::string kid, bool allow_weak,
                Status& st) noexcept;
  // Adds a public (or private) PEM key for an RS*/ES*/EdDSA `alg`.
  void add_pem(std::string_view pem, Algorithm alg, std::string kid = {});
  void add_pem(std::string_view pem, Algorithm alg, std::string kid, Status& st) noexcept;
  // Adds the key of a signer (its algorithm and kid); the key is shared.
  void add_signer(const Signer& signer);
  void add_signer(const Signer& signer, Status& st) noexcept;

  // Number of keys added.
  std::size_t key_count() const noexcept;
  // The options in use.
  const VerifyOptions& options() const noexcept;

  // Verifies `token`; throws Error with the failure's errc (the Status& form
  // reports it and returns an empty VerifiedToken). Thread-safe.
  [[nodiscard]] VerifiedToken verify(std::string_view token, TokenKind kind = TokenKind::any) const;
  [[nodiscard]] VerifiedToken verify(std::string_view token, TokenKind kind, Status& st) const;

 private:
  std::unique_ptr<detail::VerifierImpl> impl_;
};

}  // namespace instant

#endif  // INSTANT_TOKEN_HPP
