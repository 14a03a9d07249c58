// Claims: exact JSON for connection and subscription tokens, safe defaults and
// every refusal a signer makes.
#include "catch.hpp"
#include "json_oracle.hpp"
#include "detail/json.hpp"
#include "detail/jwt.hpp"
#include "test_keys.hpp"

#include <instant/token.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using instant::Algorithm;
using instant::ConnectionClaims;
using instant::errc;
using instant::Signer;
using instant::SignerOptions;
using instant::Status;
using instant::SubscriptionClaims;

namespace {

const std::string kKey = "unit-test-hmac-key-0123456789abcdef-0123456789abcdef";  // 52 bytes

std::string part(const std::string& token, int i) {
  std::size_t a = 0;
  for (int k = 0; k < i; ++k) a = token.find('.', a) + 1;
  const std::size_t b = token.find('.', a);
  std::string out;
  REQUIRE(instant::detail::b64url_decode(token.substr(a, b == std::string::npos ? b : b - a), out));
  return out;
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

errc conn_error(const ConnectionClaims& c, const Signer& s) {
  std::string out = "previous";
  Status st;
  CHECK_FALSE((out = s.connection_token(c, st), st.ok()));
  CHECK(!st.ok());
  return st.kind();
}

errc sub_error(const SubscriptionClaims& c, const Signer& s) {
  std::string out;
  Status st;
  CHECK_FALSE((out = s.subscription_token(c, st), st.ok()));
  return st.kind();
}

}  // namespace

TEST_CASE("connection token carries every claim, JSON embedded as JSON", "[token][claims]") {
  SignerOptions o;
  o.kid = "2026-a";
  Signer s = Signer::hmac(kKey, Algorithm::HS256, o);
  ConnectionClaims c;
  c.sub = "alice";
  c.exp = 2000000000;
  c.iat = 1700000000;
  c.nbf = 1700000000;
  c.jti = "id-1";
  c.aud = {"web", "app"};
  c.iss = "instant";
  c.info = R"({"name":"Alice"})";
  c.channels = {"news", "$private"};
  instant::SubscribeOptions so;
  so.info = R"({"role":"admin"})";
  so.b64data = "AQID";
  so.overrides.presence = true;
  so.overrides.force_recovery = false;
  c.subs = {{"chat:room", so}, {"other", {}}};
  c.meta = R"({"plan":"pro"})";
  c.expire_at = 0;
  const std::string t = s.connection_token(c);
  CHECK(part(t, 0) == R"({"alg":"HS256","kid":"2026-a","typ":"JWT"})");
  CHECK(part(t, 1) ==
        R"({"sub":"alice","exp":2000000000,"iat":1700000000,"nbf":1700000000,"jti":"id-1",)"
        R"("aud":["web","app"],"iss":"instant","info":{"name":"Alice"},"expire_at":0,)"
        R"("channels":["news","$private"],"subs":{"chat:room":{"info":{"role":"admin"},"b64data":"AQID",)"
        R"("override":{"presence":{"value":true},"force_recovery":{"value":false}}},"other":{}},)"
        R"("meta":{"plan":"pro"}})");

  c = ConnectionClaims();
  c.sub = "bob";
  c.exp = 2000000000;
  c.omit_iat = true;
  c.aud = {"only"};
  c.b64info = "e30=";
  c.expire_at = 1900000000;
  c.extra = R"({"user_role":"x","n":[1,2]})";
  CHECK(part(s.connection_token(c), 1) ==
        R"({"sub":"bob","exp":2000000000,"aud":"only","b64info":"e30=","expire_at":1900000000,)"
        R"("user_role":"x","n":[1,2]})");
}

TEST_CASE("subscription token carries its claims", "[token][claims]") {
  Signer s = Signer::hmac(kKey, Algorithm::HS384);
  SubscriptionClaims c;
  c.sub = "alice";
  c.channel = "$users";
  c.exp = 2000000000;
  c.iat = 1700000000;
  c.info = "[1,2]";
  c.data = R"({"welcome":true})";
  c.client = "c-1";
  c.aud = {"web"};
  c.iss = "me";
  c.expire_at = 0;
  c.overrides.join_leave = true;
  const std::string t = s.subscription_token(c);
  CHECK(part(t, 0) == R"({"alg":"HS384","typ":"JWT"})");
  CHECK(part(t, 1) ==
        R"({"sub":"alice","exp":2000000000,"iat":1700000000,"aud":"web","iss":"me","info":[1,2],)"
        R"("expire_at":0,"channel":"$users","client":"c-1","data":{"welcome":true},)"
        R"("override":{"join_leave":{"value":true}}})");
}

TEST_CASE("strings are escaped into valid JSON", "[token][claims]") {
  Signer s = Signer::hmac(kKey);
  ConnectionClaims c;
  c.sub = "a\"b\\c\n\x01\xC3\xA9";
  c.exp = 2000000000;
  c.iat = 1;
  const std::string payload = part(s.connection_token(c), 1);
  rapidjson::Document d;
  REQUIRE(rj_parse(d, payload));
  CHECK(rj_string(d, "sub") == c.sub);
  CHECK(payload.find("\\u0001") != std::string::npos);
}

TEST_CASE("safe defaults: exp always set from the lifetime, iat now, no nbf", "[token][claims]") {
  SignerOptions o;
  o.lifetime = 600;
  Signer s = Signer::hmac(kKey, Algorithm::HS256, o);
  ConnectionClaims c;
  c.sub = "u";
  const std::int64_t before = now();
  instant::Verifier v;
  v.add_signer(s);
  auto t = v.verify(s.connection_token(c));
  const std::int64_t after = now();
  CHECK(t.exp >= before + 600);
  CHECK(t.exp <= after + 600);
  CHECK(t.iat >= before);
  CHECK(t.iat <= after);
  CHECK(t.nbf == 0);
  CHECK(t.claims.find("nbf") == std::string::npos);

  c.ttl = 30;
  t = v.verify(s.connection_token(c));
  CHECK(t.exp - t.iat == 30);

  // No expiry only on request; then a default verifier wants exp.
  c.ttl = 0;
  c.no_expiry = true;
  const std::string forever = s.connection_token(c);
  CHECK(part(forever, 1).find("exp") == std::string::npos);
  Status st;
  instant::VerifiedToken out;
  CHECK_FALSE((out = v.verify(forever, instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_claim);
  instant::VerifyOptions vo;
  vo.require_exp = false;
  instant::Verifier lax(vo);
  lax.add_signer(s);
  CHECK((out = lax.verify(forever, instant::TokenKind::any, st), st.ok()));

  SignerOptions bad;
  bad.lifetime = 0;
  CHECK_FALSE(Signer::hmac(kKey, Algorithm::HS256, bad, st));
  CHECK(st.kind() == errc::invalid_argument);
}

TEST_CASE("signer refusals", "[token][claims][negative]") {
  Signer s = Signer::hmac(kKey);
  ConnectionClaims base;
  base.sub = "u";

  ConnectionClaims c = base;
  c.extra = R"({"channel":"news"})";
  CHECK(conn_error(c, s) == errc::token_claim);  // a connection token never carries channel

  c = base;
  c.nbf = now() + 60;
  CHECK(conn_error(c, s) == errc::token_claim);  // Centrifugo has no leeway for nbf

  c = base;
  c.info = "{not json";
  CHECK(conn_error(c, s) == errc::invalid_json);
  c = base;
  c.info = "\"\xff\"";
  CHECK(conn_error(c, s) == errc::invalid_utf8);
  c = base;
  c.sub = "\xC0\xAF";
  CHECK(conn_error(c, s) == errc::invalid_utf8);
  c = base;
  c.meta = "[1]";
  CHECK(conn_error(c, s) == errc::invalid_json);
  c = base;
  c.info = "{}";
  c.b64info = "e30=";
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.b64info = "e30";
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.extra = R"({"sub":"mallory"})";
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.extra = R"({"a":1,"a":2})";
  CHECK(conn_error(c, s) == errc::invalid_json);  // repeated names fail the one verdict
  c = base;
  c.extra = "[]";
  CHECK(conn_error(c, s) == errc::invalid_json);
  c = base;
  c.ttl = -5;
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.exp = 2000000000;
  c.ttl = 10;
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.no_expiry = true;
  c.exp = 2000000000;
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.expire_at = -1;
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.aud = {""};
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  c.channels = {"ok", ""};
  CHECK(conn_error(c, s) == errc::invalid_channel);
  c = base;
  c.subs = {{"a", {}}, {"a", {}}};
  CHECK(conn_error(c, s) == errc::invalid_argument);
  c = base;
  instant::SubscribeOptions so;
  so.data = "{oops";
  c.subs = {{"a", so}};
  CHECK(conn_error(c, s) == errc::invalid_json);
  c = base;
  c.info = std::string("[\"") + std::string(70000, 'x') + "\"]";
  CHECK(conn_error(c, s) == errc::too_large);
  CHECK_THROWS_AS(s.connection_token(c), instant::Error);
  SignerOptions big;
  big.max_token_size = 1 << 20;
  Signer roomy = Signer::hmac(kKey, Algorithm::HS256, big);
  instant::Verifier rv([] {
    instant::VerifyOptions vo;
    vo.max_token_size = 1 << 20;
    return vo;
  }());
  rv.add_signer(roomy);
  CHECK(rv.verify(roomy.connection_token(c)).sub == "u");  // 94 KB: grows, then trims the buffers
  CHECK(rv.verify(roomy.connection_token(base)).sub == "u");

  SubscriptionClaims sc;
  sc.sub = "u";
  CHECK(sub_error(sc, s) == errc::token_claim);  // channel required
  sc.channel = "$c";
  sc.data = "nope";
  CHECK(sub_error(sc, s) == errc::invalid_json);
  sc.data.clear();
  sc.extra = R"({"channel":"other"})";
  CHECK(sub_error(sc, s) == errc::invalid_argument);

  Signer empty;
  CHECK_FALSE(empty.valid());
  CHECK(conn_error(base, empty) == errc::key);
}

TEST_CASE("a signer is shared by many threads", "[token][threads]") {
  Signer s = Signer::hmac(kKey);
  instant::Verifier v;
  v.add_signer(s);
  std::vector<std::vector<std::string>> tokens(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      Status st;
      for (int i = 0; i < 500; ++i) {
        ConnectionClaims c;
        c.sub = "user-" + std::to_string(t) + "-" + std::to_string(i);
        c.info = "{\"i\":" + std::to_string(i) + "}";
        if ((out = s.connection_token(c, st), st.ok())) tokens[t].push_back(out);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    REQUIRE(tokens[t].size() == 500);
    for (int i = 0; i < 500; i += 7) {
      CHECK(v.verify(tokens[t][i]).sub == "user-" + std::to_string(t) + "-" + std::to_string(i));
    }
  }
}

TEST_CASE("asymmetric signers are shared by many threads", "[token][threads]") {
  for (Algorithm alg : {Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256}) {
    const char* pem = alg == Algorithm::ES256 ? test_keys::ec256 : alg == Algorithm::EdDSA ? test_keys::ed
                                                                                          : test_keys::rsa2048;
    Signer s = Signer::from_pem(pem, alg);
    instant::Verifier v;
    v.add_signer(s);
    std::vector<std::vector<std::string>> tokens(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::string out;
        Status st;
        for (int i = 0; i < 20; ++i) {
          ConnectionClaims c;
          c.sub = std::to_string(t * 100 + i);
          if ((out = s.connection_token(c, st), st.ok())) tokens[t].push_back(out);
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < 4; ++t) {
      REQUIRE(tokens[t].size() == 20);
      for (int i = 0; i < 20; ++i) CHECK(v.verify(tokens[t][i]).sub == std::to_string(t * 100 + i));
    }
  }
}
