// Verifier: each negative case of issue 3 fails with its own errc; rotation.
#include "catch.hpp"
#include "detail/jwt.hpp"
#include "test_keys.hpp"

#include <instant/token.hpp>

#include <random>
#include <string>

using instant::Algorithm;
using instant::errc;
using instant::Signer;
using instant::SignerOptions;
using instant::Status;
using instant::TokenKind;
using instant::Verifier;
using instant::VerifyOptions;

namespace {

const std::string kKey = "verify-test-hmac-key-0123456789abcdef";
constexpr std::int64_t kNow = 1800000000;

std::string b64(std::string_view s) {
  std::string out;
  instant::detail::b64url_append(out, s.data(), s.size());
  return out;
}

// A token with arbitrary header/claims, HMAC-signed with `key`.
std::string craft(const std::string& header, const std::string& claims, std::string_view key = kKey,
                  Algorithm alg = Algorithm::HS256) {
  Status st;
  auto k = instant::detail::make_hmac_key(key, alg, "", true, st);
  REQUIRE(k);
  std::string t = b64(header) + "." + b64(claims);
  unsigned char sig[instant::detail::kMaxSignature];
  std::size_t len = 0;
  REQUIRE(instant::detail::sign(*k, t, sig, len, st));
  t += ".";
  instant::detail::b64url_append(t, sig, len);
  return t;
}

errc failure(const Verifier& v, const std::string& token, TokenKind kind = TokenKind::any) {
  instant::VerifiedToken out;
  Status st;
  const bool ok = (out = v.verify(token, kind, st), st.ok());
  CHECK_FALSE(ok);
  // Never echo the token.
  if (token.size() > 20) CHECK(st.message().find(token.substr(token.size() - 20)) == std::string::npos);
  return st.kind();
}

VerifyOptions at_now() {
  VerifyOptions o;
  o.now = kNow;
  return o;
}

const std::string kHdr = R"({"alg":"HS256","typ":"JWT"})";
const std::string kClaims = R"({"sub":"u","exp":1800000100})";

}  // namespace

TEST_CASE("a crafted valid token verifies", "[token][verify]") {
  Verifier v(at_now());
  v.add_hmac(kKey);
  auto t = v.verify(craft(kHdr, kClaims));
  CHECK(t.sub == "u");
  CHECK(t.exp == 1800000100);
  CHECK(t.claims == kClaims);
}

TEST_CASE("alg none and algorithm switching are refused", "[token][verify][negative]") {
  Verifier v(at_now());
  v.add_hmac(kKey);
  CHECK(failure(v, b64(R"({"alg":"none"})") + "." + b64(kClaims) + ".") == errc::token_malformed);
  CHECK(failure(v, b64(R"({"alg":"none"})") + "." + b64(kClaims) + ".AAAA") == errc::token_algorithm);
  CHECK(failure(v, b64(R"({"alg":"NONE"})") + "." + b64(kClaims) + ".AAAA") == errc::token_algorithm);
  CHECK(failure(v, b64(R"({"typ":"JWT"})") + "." + b64(kClaims) + ".AAAA") == errc::token_malformed);
  // HS384 header against an HS256 key.
  CHECK(failure(v, craft(R"({"alg":"HS384"})", kClaims, kKey, Algorithm::HS384)) == errc::token_algorithm);

  // The classic confusion: HS256 signed with the RSA public key as the secret.
  Signer rs = Signer::from_pem(test_keys::rsa2048, Algorithm::RS256);
  const std::string pub = rs.public_key_pem();
  Verifier rv(at_now());
  rv.add_pem(pub, Algorithm::RS256);
  CHECK(failure(rv, craft(kHdr, kClaims, pub)) == errc::token_algorithm);
  // ... and an RS256 header on that HMAC signature fails the RSA check.
  CHECK(failure(rv, craft(R"({"alg":"RS256"})", kClaims, pub)) == errc::token_signature);
}

TEST_CASE("token shape and encoding are strict", "[token][verify][negative]") {
  Verifier v(at_now());
  v.add_hmac(kKey);
  const std::string good = craft(kHdr, kClaims);
  const std::size_t d1 = good.find('.'), d2 = good.rfind('.');
  CHECK(failure(v, "") == errc::token_malformed);
  CHECK(failure(v, good.substr(0, d2)) == errc::token_malformed);            // two segments
  CHECK(failure(v, good + ".e30") == errc::token_malformed);                 // four segments
  CHECK(failure(v, good.substr(0, d2 + 1)) == errc::token_malformed);       // empty signature
  CHECK(failure(v, "." + good.substr(d1 + 1)) == errc::token_malformed);    // empty header
  CHECK(failure(v, good.substr(0, good.size() - 2)) == errc::token_malformed);  // 41 chars: 4k+1
  CHECK(failure(v, good.substr(0, good.size() - 3)) == errc::token_signature);  // 40 chars: short MAC
  CHECK(failure(v, good + "=") == errc::token_malformed);                    // padding

  // Non-canonical base64url: the last character of the 43-char MAC carries 2 spare bits.
  std::string alt = good;
  char& last = alt.back();
  last = last == 'A' ? 'B' : 'A';
  CHECK(failure(v, alt) == errc::token_malformed);

  std::string plus = good;
  plus[d1 + 2] = '+';
  CHECK(failure(v, plus) == errc::token_malformed);

  CHECK(failure(v, craft("[1]", kClaims)) == errc::token_malformed);
  CHECK(failure(v, craft(R"({"alg":"HS256","alg":"HS256"})", kClaims)) == errc::token_malformed);
  CHECK(failure(v, craft(R"({"alg":"HS256","crit":["x"]})", kClaims)) == errc::token_malformed);
  CHECK(failure(v, craft(R"({"alg":"HS256","kid":7})", kClaims)) == errc::token_malformed);
  CHECK(failure(v, craft(kHdr, "not json")) == errc::token_malformed);
  CHECK(failure(v, craft(kHdr, R"({"sub":"a","sub":"b","exp":1800000100})")) == errc::token_malformed);
  CHECK(failure(v, craft(kHdr, R"({"sub":"u","exp":"tomorrow"})")) == errc::token_claim);
  CHECK(failure(v, craft(kHdr, R"({"sub":5,"exp":1800000100})")) == errc::token_claim);
}

TEST_CASE("signature and key id failures", "[token][verify][negative]") {
  Verifier v(at_now());
  v.add_hmac(kKey, Algorithm::HS256, "k1");
  CHECK(failure(v, craft(kHdr, kClaims, "another-key-0123456789abcdef-0123456")) == errc::token_signature);
  CHECK(failure(v, craft(R"({"alg":"HS256","kid":"k2"})", kClaims)) == errc::token_kid);
  CHECK(v.verify(craft(R"({"alg":"HS256","kid":"k1"})", kClaims)).kid == "k1");
  CHECK(v.verify(craft(kHdr, kClaims)).sub == "u");  // no kid in the token: every key is tried

  // Tampered claims with the original signature.
  const std::string good = craft(kHdr, kClaims);
  std::string tampered = good.substr(0, good.find('.') + 1) + b64(R"({"sub":"admin","exp":1800000100})") +
                         good.substr(good.rfind('.'));
  CHECK(failure(v, tampered) == errc::token_signature);

  Verifier none(at_now());
  CHECK(failure(none, good) == errc::key);

  Verifier many;
  Status st;
  for (int i = 0; i < 64; ++i) REQUIRE((many.add_hmac(kKey, Algorithm::HS256, std::to_string(i), false, st), st.ok()));
  CHECK_FALSE((many.add_hmac(kKey, Algorithm::HS256, "65", false, st), st.ok()));
  CHECK(st.kind() == errc::invalid_argument);
  CHECK(many.key_count() == 64);
}

TEST_CASE("time claims with and without leeway", "[token][verify][negative]") {
  Verifier v(at_now());
  v.add_hmac(kKey);
  CHECK(failure(v, craft(kHdr, R"({"sub":"u","exp":1799999999})")) == errc::token_expired);
  CHECK(failure(v, craft(kHdr, R"({"sub":"u","exp":1800000000})")) == errc::token_expired);  // exp == now
  CHECK(failure(v, craft(kHdr, R"({"sub":"u"})")) == errc::token_claim);  // exp required
  CHECK(failure(v, craft(kHdr, R"({"sub":"u","exp":1800000100,"nbf":1800000010})")) ==
        errc::token_not_yet_valid);
  CHECK(failure(v, craft(kHdr, R"({"sub":"u","exp":1800000100,"iat":1800000010})")) ==
        errc::token_not_yet_valid);
  CHECK(v.verify(craft(kHdr, R"({"sub":"u","exp":1800000100,"nbf":1800000000,"iat":1799999000})")).nbf ==
        1800000000);
  CHECK(v.verify(craft(kHdr, R"({"sub":"u","exp":1800000100.5})")).exp == 1800000100);

  VerifyOptions o = at_now();
  o.leeway = 30;
  Verifier lenient(o);
  lenient.add_hmac(kKey);
  CHECK(lenient.verify(craft(kHdr, R"({"sub":"u","exp":1799999990})")).sub == "u");
  CHECK(lenient.verify(craft(kHdr, R"({"sub":"u","exp":1800000100,"nbf":1800000010})")).sub == "u");
  CHECK(failure(lenient, craft(kHdr, R"({"sub":"u","exp":1799999960})")) == errc::token_expired);
}

TEST_CASE("audience and issuer", "[token][verify][negative]") {
  VerifyOptions o = at_now();
  o.audience = {"web"};
  o.issuer = "instant";
  Verifier v(o);
  v.add_hmac(kKey);
  CHECK(v.verify(craft(kHdr, R"({"exp":1800000100,"aud":"web","iss":"instant"})")).exp == 1800000100);
  CHECK(v.verify(craft(kHdr, R"({"exp":1800000100,"aud":["x","web"],"iss":"instant"})")).exp ==
        1800000100);
  CHECK(failure(v, craft(kHdr, R"({"exp":1800000100,"aud":"app","iss":"instant"})")) == errc::token_audience);
  CHECK(failure(v, craft(kHdr, R"({"exp":1800000100,"iss":"instant"})")) == errc::token_audience);
  CHECK(failure(v, craft(kHdr, R"({"exp":1800000100,"aud":"web","iss":"other"})")) == errc::token_issuer);
  CHECK(failure(v, craft(kHdr, R"({"exp":1800000100,"aud":"web"})")) == errc::token_issuer);
  CHECK(failure(v, craft(kHdr, R"({"exp":1800000100,"aud":[1],"iss":"instant"})")) == errc::token_claim);
}

TEST_CASE("token kinds and the size limit", "[token][verify][negative]") {
  VerifyOptions o = at_now();
  o.max_token_size = 200;
  Verifier v(o);
  v.add_hmac(kKey);
  const std::string sub_token = craft(kHdr, R"({"sub":"u","exp":1800000100,"channel":"$c"})");
  CHECK(failure(v, sub_token, TokenKind::connection) == errc::token_claim);
  CHECK(v.verify(sub_token, TokenKind::subscription).channel == "$c");
  CHECK(failure(v, craft(kHdr, kClaims), TokenKind::subscription) == errc::token_claim);
  CHECK(failure(v, craft(kHdr, R"({"exp":1800000100,"pad":")" + std::string(200, 'x') + "\"}")) ==
        errc::too_large);
  CHECK_THROWS_AS(v.verify(std::string(300, 'a')), instant::Error);
}

TEST_CASE("key rotation: verify with current and previous keys, sign with current", "[token][rotation]") {
  const std::string old_key = "rotation-old-key-0123456789abcdef-000";
  const std::string new_key = "rotation-new-key-0123456789abcdef-111";
  Signer old_signer = Signer::hmac(old_key);
  Signer new_signer = Signer::hmac(new_key);
  Verifier v;
  v.add_signer(new_signer);   // current
  v.add_hmac(old_key);        // previous
  CHECK(v.key_count() == 2);
  instant::ConnectionClaims c;
  c.sub = "u";
  CHECK(v.verify(new_signer.connection_token(c)).sub == "u");
  CHECK(v.verify(old_signer.connection_token(c)).sub == "u");
  Signer stranger = Signer::hmac(std::string(40, 'z'));
  CHECK(failure(v, stranger.connection_token(c)) == errc::token_signature);

  // Asymmetric rotation selected by kid.
  SignerOptions a, b;
  a.kid = "2025";
  b.kid = "2026";
  Signer prev = Signer::from_pem(test_keys::rsa2048, Algorithm::RS256, a);
  Signer cur = Signer::from_pem(test_keys::rsa2048b, Algorithm::RS256, b);
  Verifier rv;
  rv.add_pem(cur.public_key_pem(), Algorithm::RS256, "2026");
  rv.add_pem(prev.public_key_pem(), Algorithm::RS256, "2025");
  CHECK(rv.verify(cur.connection_token(c)).kid == "2026");
  CHECK(rv.verify(prev.connection_token(c)).kid == "2025");
  SignerOptions wrong;
  wrong.kid = "2026";
  Signer liar = Signer::from_pem(test_keys::rsa2048, Algorithm::RS256, wrong);  // old key, new kid
  CHECK(failure(rv, liar.connection_token(c)) == errc::token_signature);
}

TEST_CASE("random corruptions of a token never verify and never crash", "[token][verify][negative]") {
  Signer hs = Signer::hmac(kKey);
  Signer es = Signer::from_pem(test_keys::ec256, Algorithm::ES256);
  for (const Signer* s : {&hs, &es}) {
    Verifier v;
    v.add_signer(*s);
    instant::ConnectionClaims c;
    c.sub = "victim";
    c.info = R"({"role":"user"})";
    const std::string original = s->connection_token(c);
    const char alphabet[] = "AZaz09-_.=+/ {}\"\\\x80\xff";
    std::mt19937 rng(7);
    int rejected = 0;
    for (int i = 0; i < 5000; ++i) {
      std::string t = original;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !t.empty(); ++e) {
        const std::size_t pos = rng() % t.size();
        switch (rng() % 3) {
          case 0: t[pos] = alphabet[rng() % (sizeof alphabet - 1)]; break;
          case 1: t.erase(pos, 1); break;
          default: t.insert(t.begin() + static_cast<long>(pos), alphabet[rng() % (sizeof alphabet - 1)]); break;
        }
      }
      instant::VerifiedToken out;
      Status st;
      if ((out = v.verify(t, TokenKind::connection, st), st.ok())) {
        CHECK(t == original);
      } else {
        ++rejected;
        const int k = static_cast<int>(st.kind());
        CHECK(((k >= 20 && k <= 28) || st.kind() == errc::too_large));
      }
    }
    CHECK(rejected > 4900);
  }
}
