// Token building blocks: base64url strictness, HMAC known answers, key checks,
// signatures and JWKs for every algorithm.
#include "catch.hpp"
#include "json_oracle.hpp"
#include "detail/json.hpp"
#include "detail/jwt.hpp"
#include "test_keys.hpp"

#include <instant/token.hpp>

#include <string>

using instant::Algorithm;
using instant::errc;
using instant::Signer;
using instant::SignerOptions;
using instant::Status;

namespace {

std::string b64url(std::string_view s) {
  std::string out;
  instant::detail::b64url_append(out, s.data(), s.size());
  return out;
}

std::string hex(const unsigned char* p, std::size_t n) {
  static const char d[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(d[p[i] >> 4]);
    out.push_back(d[p[i] & 15]);
  }
  return out;
}

std::string mac_hex(Algorithm alg, std::string_view key, std::string_view data) {
  Status st;
  auto k = instant::detail::make_hmac_key(key, alg, "", true, st);
  REQUIRE(k);
  unsigned char sig[instant::detail::kMaxSignature];
  std::size_t len = 0;
  REQUIRE(instant::detail::sign(*k, data, sig, len, st));
  return hex(sig, len);
}

}  // namespace

TEST_CASE("base64url encodes without padding (RFC 4648 vectors)", "[token][b64]") {
  CHECK(b64url("") == "");
  CHECK(b64url("f") == "Zg");
  CHECK(b64url("fo") == "Zm8");
  CHECK(b64url("foo") == "Zm9v");
  CHECK(b64url("foob") == "Zm9vYg");
  CHECK(b64url("fooba") == "Zm9vYmE");
  CHECK(b64url("foobar") == "Zm9vYmFy");
  CHECK(b64url("\xfb\xff\xbf") == "-_-_");
  CHECK(instant::detail::b64url_length(5) == 7);
}

TEST_CASE("base64url decoding is strict", "[token][b64]") {
  using instant::detail::b64url_decode;
  std::string out;
  CHECK(b64url_decode("Zm9vYmE", out));
  CHECK(out == "fooba");
  out.clear();
  CHECK(b64url_decode("-_-_", out));
  CHECK(out == "\xfb\xff\xbf");
  out.clear();
  CHECK_FALSE(b64url_decode("Zm9vYmE=", out));   // padding
  CHECK_FALSE(b64url_decode("Zm9v+mE", out));    // standard alphabet
  CHECK_FALSE(b64url_decode("Zm9v/mE", out));
  CHECK_FALSE(b64url_decode("Zm9vY", out));      // 4k+1 characters
  CHECK_FALSE(b64url_decode("Zh", out));         // "f" is "Zg": low bits set = second encoding
  CHECK_FALSE(b64url_decode("Zm9", out));        // "fo" is "Zm8"
  CHECK_FALSE(b64url_decode("Zm 9v", out));
  CHECK_FALSE(b64url_decode(std::string_view("Zm\0v", 4), out));
}

TEST_CASE("standard base64 check for b64info/b64data", "[token][b64]") {
  using instant::detail::b64std_valid;
  CHECK(b64std_valid(""));
  CHECK(b64std_valid("Zm9vYmE="));
  CHECK(b64std_valid("Zg=="));
  CHECK(b64std_valid("+/+/"));
  CHECK_FALSE(b64std_valid("Zg"));
  CHECK_FALSE(b64std_valid("Zg=a"));
  CHECK_FALSE(b64std_valid("Zh=="));
  CHECK_FALSE(b64std_valid("-_-_"));
}

TEST_CASE("pre-keyed HMAC matches RFC 4231 and RFC 7515 known answers", "[token][hmac]") {
  const std::string data = "what do ya want for nothing?";
  CHECK(mac_hex(Algorithm::HS256, "Jefe", data) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(mac_hex(Algorithm::HS384, "Jefe", data) ==
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649");
  CHECK(mac_hex(Algorithm::HS512, "Jefe", data) ==
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  // Keys longer than the hash block are hashed first.
  const std::string big(131, '\xaa');
  const std::string d2 = "Test Using Larger Than Block-Size Key - Hash Key First";
  CHECK(mac_hex(Algorithm::HS256, big, d2) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(mac_hex(Algorithm::HS384, big, d2) ==
        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952");
  CHECK(mac_hex(Algorithm::HS512, big, d2) ==
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");

  // RFC 7515 appendix A.1: the HS256 JWS example.
  std::string key;
  REQUIRE(instant::detail::b64url_decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow", key));
  Status st;
  auto k = instant::detail::make_hmac_key(key, Algorithm::HS256, "", false, st);
  REQUIRE(k);
  const std::string input =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  unsigned char sig[64];
  std::size_t len = 0;
  REQUIRE(instant::detail::sign(*k, input, sig, len, st));
  std::string s64;
  instant::detail::b64url_append(s64, sig, len);
  CHECK(s64 == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  std::string raw;
  REQUIRE(instant::detail::b64url_decode(s64, raw));
  CHECK(instant::detail::verify_signature(*k, input, raw));
  raw[5] ^= 1;
  CHECK_FALSE(instant::detail::verify_signature(*k, input, raw));
  CHECK_FALSE(instant::detail::verify_signature(*k, input, raw.substr(0, 31)));
}

TEST_CASE("algorithm names round-trip and none is unknown", "[token]") {
  for (Algorithm a : {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512, Algorithm::RS256,
                      Algorithm::RS384, Algorithm::RS512, Algorithm::ES256, Algorithm::ES384,
                      Algorithm::ES512, Algorithm::EdDSA}) {
    CHECK(instant::parse_algorithm(instant::to_string(a)) == a);
  }
  for (const char* bad : {"none", "None", "hs256", ""}) {
    Status st;
    (void)instant::parse_algorithm(bad, st);
    CHECK(st.kind() == instant::errc::invalid_argument);
    CHECK_THROWS_AS(instant::parse_algorithm(bad), instant::Error);
  }
}

TEST_CASE("key checks: weak, wrong type, wrong curve, unreadable", "[token][keys]") {
  Status st;
  CHECK_FALSE(Signer::hmac(std::string(31, 'k'), Algorithm::HS256, {}, st));
  CHECK(st.kind() == errc::weak_key);
  CHECK_FALSE(Signer::hmac("", Algorithm::HS256, {}, st));
  CHECK(st.kind() == errc::weak_key);
  SignerOptions weak;
  weak.allow_weak_key = true;
  CHECK(Signer::hmac("short", Algorithm::HS256, weak, st));
  CHECK(st.ok());
  CHECK(Signer::hmac(std::string(32, 'k'), Algorithm::HS256, {}, st));
  // RFC 7518: at least the hash size for HS384 / HS512.
  CHECK_FALSE(Signer::hmac(std::string(47, 'k'), Algorithm::HS384, {}, st));
  CHECK(st.kind() == errc::weak_key);
  CHECK(Signer::hmac(std::string(48, 'k'), Algorithm::HS384, {}, st));
  CHECK_FALSE(Signer::hmac(std::string(63, 'k'), Algorithm::HS512, {}, st));
  CHECK(st.kind() == errc::weak_key);
  CHECK(Signer::hmac(std::string(64, 'k'), Algorithm::HS512, {}, st));
  CHECK_THROWS_AS(Signer::hmac("short"), instant::Error);

  CHECK_FALSE(Signer::hmac(std::string(32, 'k'), Algorithm::RS256, {}, st));
  CHECK(st.kind() == errc::invalid_argument);
  CHECK_FALSE(Signer::from_pem(test_keys::rsa2048, Algorithm::HS256, {}, st));
  CHECK(st.kind() == errc::invalid_argument);

  CHECK_FALSE(Signer::from_pem(test_keys::rsa1024, Algorithm::RS256, {}, st));
  CHECK(st.kind() == errc::weak_key);
  CHECK(Signer::from_pem(test_keys::rsa1024, Algorithm::RS256, weak, st));

  CHECK_FALSE(Signer::from_pem(test_keys::ec256, Algorithm::RS256, {}, st));
  CHECK(st.kind() == errc::key);
  CHECK_FALSE(Signer::from_pem(test_keys::ec384, Algorithm::ES256, {}, st));
  CHECK(st.kind() == errc::key);
  CHECK_FALSE(Signer::from_pem(test_keys::ec256, Algorithm::EdDSA, {}, st));
  CHECK(st.kind() == errc::key);
  CHECK_FALSE(Signer::from_pem(test_keys::ed, Algorithm::ES256, {}, st));
  CHECK(st.kind() == errc::key);

  const std::string junk = "-----BEGIN PRIVATE KEY-----\nSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n";
  CHECK_FALSE(Signer::from_pem(junk, Algorithm::RS256, {}, st));
  CHECK(st.kind() == errc::key);
  CHECK(st.message().find("SECRET") == std::string::npos);

  // A signer needs the private key; a public PEM is refused.
  const std::string pub = Signer::from_pem(test_keys::rsa2048, Algorithm::RS256).public_key_pem();
  CHECK(pub.find("BEGIN PUBLIC KEY") != std::string::npos);
  CHECK_FALSE(Signer::from_pem(pub, Algorithm::RS256, {}, st));
  CHECK(st.kind() == errc::key);
}

TEST_CASE("every algorithm signs and verifies; signatures have the JOSE length", "[token][alg]") {
  struct Case {
    Algorithm alg;
    const char* pem;
    std::size_t sig_bytes;
  };
  const std::string hkey(64, 'h');
  const Case cases[] = {
      {Algorithm::HS256, nullptr, 32},           {Algorithm::HS384, nullptr, 48},
      {Algorithm::HS512, nullptr, 64},           {Algorithm::RS256, test_keys::rsa2048, 256},
      {Algorithm::RS384, test_keys::rsa2048, 256}, {Algorithm::RS512, test_keys::rsa2048, 256},
      {Algorithm::ES256, test_keys::ec256, 64},  {Algorithm::ES384, test_keys::ec384, 96},
      {Algorithm::ES512, test_keys::ec521, 132}, {Algorithm::EdDSA, test_keys::ed, 64},
  };
  for (const auto& c : cases) {
    INFO(instant::to_string(c.alg));
    SignerOptions opts;
    opts.kid = "k-1";
    Signer s = c.pem ? Signer::from_pem(c.pem, c.alg, opts) : Signer::hmac(hkey, c.alg, opts);
    CHECK(s.algorithm() == c.alg);
    instant::ConnectionClaims cc;
    cc.sub = "42";
    const std::string t = s.connection_token(cc);
    const std::string sig64 = t.substr(t.rfind('.') + 1);
    std::string sig;
    REQUIRE(instant::detail::b64url_decode(sig64, sig));
    CHECK(sig.size() == c.sig_bytes);

    instant::Verifier v;
    if (c.pem) {
      v.add_pem(s.public_key_pem(), c.alg, "k-1");
    } else {
      v.add_hmac(hkey, c.alg, "k-1");
    }
    auto vt = v.verify(t, instant::TokenKind::connection);
    CHECK(vt.alg == c.alg);
    CHECK(vt.kid == "k-1");
    CHECK(vt.sub == "42");
    CHECK(vt.header.find(std::string("\"alg\":\"") + instant::to_string(c.alg) + "\"") !=
          std::string::npos);

    // One flipped signature bit is caught.
    std::string bad = sig;
    bad[sig.size() / 2] ^= 0x01;
    std::string t2 = t.substr(0, t.rfind('.') + 1);
    instant::detail::b64url_append(t2, bad.data(), bad.size());
    instant::VerifiedToken out;
    Status st;
    CHECK_FALSE((out = v.verify(t2, instant::TokenKind::any, st), st.ok()));
    CHECK(st.kind() == errc::token_signature);
  }
}

TEST_CASE("JWKs describe the public keys", "[token][jwks]") {
  SignerOptions o;
  o.kid = "r1";
  Signer rs = Signer::from_pem(test_keys::rsa2048, Algorithm::RS256, o);
  o.kid = "e1";
  Signer es = Signer::from_pem(test_keys::ec256, Algorithm::ES256, o);
  o.kid = "d1";
  Signer ed = Signer::from_pem(test_keys::ed, Algorithm::EdDSA, o);
  Signer hs = Signer::hmac(std::string(32, 'x'));

  rapidjson::Document d;
  REQUIRE(rj_parse(d, rs.jwk()));
  CHECK(rj_string(d, "kty") == "RSA");
  CHECK(rj_string(d, "kid") == "r1");
  CHECK(rj_string(d, "alg") == "RS256");
  CHECK(rj_string(d, "e") == "AQAB");
  CHECK(rj_string(d, "n").size() == 342);  // 256 bytes

  REQUIRE(rj_parse(d, es.jwk()));
  CHECK(rj_string(d, "kty") == "EC");
  CHECK(rj_string(d, "crv") == "P-256");
  CHECK(rj_string(d, "x").size() == 43);
  CHECK(rj_string(d, "y").size() == 43);

  REQUIRE(rj_parse(d, ed.jwk()));
  CHECK(rj_string(d, "kty") == "OKP");
  CHECK(rj_string(d, "crv") == "Ed25519");
  CHECK(rj_string(d, "x").size() == 43);

  REQUIRE(rj_parse(d, instant::make_jwks({&ed, &es, &rs})));
  REQUIRE(d["keys"].IsArray());
  CHECK(d["keys"].Size() == 3);
  CHECK(std::string(d["keys"][0]["kid"].GetString()) == "d1");

  Status st;
  std::string out;
  CHECK_FALSE((out = hs.jwk(st), st.ok()));
  CHECK(st.kind() == errc::key);
  CHECK_FALSE((out = instant::make_jwks({&rs, &hs}, st), st.ok()));
  CHECK(st.kind() == errc::key);
  CHECK_THROWS_AS(hs.public_key_pem(), instant::Error);
}
