// Centrifugo as the oracle for the library API: tokens carrying every claim
// pass `centrifugo checktoken` / `checksubtoken`, and HMAC key rotation works
// the way Centrifugo's hmac_previous_secret_key does.
#include "../unit/test_keys.hpp"
#include "catch.hpp"
#include "centrifugo_server.hpp"
#include "detail/json.hpp"

#include <instant/token.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using instant::Algorithm;
using instant::Signer;

namespace {

const std::string kKey = "oracle-hmac-key-0123456789abcdef-0123456789abcdef-0123456789abcd";

struct Oracle {
  std::string dir;
  Oracle() {
    char tmpl[] = "/tmp/instant-oracle-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    dir = tmpl;
  }
  ~Oracle() { std::system(("rm -rf '" + dir + "'").c_str()); }

  // Runs checktoken/checksubtoken with `token_section` as client.token.
  int check(const std::string& token_section, const std::string& token, bool sub, std::string* out) {
    const std::string cfg = dir + "/config.json";
    std::ofstream(cfg) << R"({"client":{"token":)" << token_section
                       << R"(},"channel":{"without_namespace":{},"namespaces":[{"name":"chat"},{"name":"news"}]}})";
    return instant_test::run_command(instant_test::centrifugo_bin() + (sub ? " checksubtoken" : " checktoken") +
                                         " -c '" + cfg + "' '" + token + "'",
                                     out);
  }
};

instant::ConnectionClaims full_connection_claims() {
  instant::ConnectionClaims c;
  c.sub = "alice";
  c.ttl = 600;
  c.nbf = 1700000000;
  c.jti = "jti-1";
  c.aud = {"web", "mobile"};
  c.iss = "instant-tests";
  c.info = R"({"name":"Alice","tags":["a","b"]})";
  c.channels = {"news:global"};
  instant::SubscribeOptions so;
  so.info = R"({"role":"member"})";
  so.b64data = "aGVsbG8=";
  so.overrides.presence = true;
  so.overrides.join_leave = false;
  so.overrides.force_recovery = true;
  c.subs = {{"chat:lobby", so}, {"news:global", {}}};
  c.meta = R"({"plan":"pro","region":"eu"})";
  c.expire_at = 0;
  return c;
}

std::string token_section(const std::string& key_member) {
  return "{" + key_member + R"(,"audience":"web","issuer":"instant-tests"})";
}

std::string json_string(const std::string& s) { return instant::detail::quote(s); }

}  // namespace

TEST_CASE("Centrifugo accepts connection tokens with every claim", "[oracle][tokens]") {
  Oracle o;
  struct Case {
    Algorithm alg;
    const char* pem;
    const char* member;
  };
  const Case cases[] = {{Algorithm::HS512, nullptr, "hmac_secret_key"},
                        {Algorithm::RS512, test_keys::rsa2048, "rsa_public_key"},
                        {Algorithm::ES512, test_keys::ec521, "ecdsa_public_key"}};
  for (const auto& c : cases) {
    INFO(instant::to_string(c.alg));
    Signer s = c.pem ? Signer::from_pem(c.pem, c.alg) : Signer::hmac(kKey, c.alg);
    const std::string key = c.pem ? s.public_key_pem() : kKey;
    const std::string section = token_section("\"" + std::string(c.member) + "\":" + json_string(key));
    std::string out;
    CHECK(o.check(section, s.connection_token(full_connection_claims()), false, &out) == 0);
    CHECK(out.find("valid token for user alice") != std::string::npos);
    CHECK(out.find(R"("subs":{"chat:lobby":{"info":{"role":"member"})") != std::string::npos);

    instant::SubscriptionClaims sc;
    sc.sub = "alice";
    sc.channel = "$chat:secret";
    sc.aud = {"web"};
    sc.iss = "instant-tests";
    sc.info = R"({"seat":3})";
    sc.data = R"({"welcome":true})";
    sc.expire_at = 0;
    sc.overrides.presence = false;
    CHECK(o.check(section, s.subscription_token(sc), true, &out) == 0);
    CHECK(out.find(R"(valid subscription token for user "alice" and channel "$chat:secret")") !=
          std::string::npos);

    // Wrong audience: refused by Centrifugo, as by instant's verifier.
    instant::ConnectionClaims wrong = full_connection_claims();
    wrong.aud = {"elsewhere"};
    CHECK(o.check(section, s.connection_token(wrong), false, &out) != 0);
    CHECK(out.find("invalid audience") != std::string::npos);
  }
}

TEST_CASE("HMAC rotation matches Centrifugo's previous-key behaviour", "[oracle][tokens][rotation]") {
  Oracle o;
  const std::string old_key = "old-" + kKey;
  const std::string new_key = "new-" + kKey;
  Signer old_signer = Signer::hmac(old_key);
  Signer new_signer = Signer::hmac(new_key);
  const std::string rotating = R"({"hmac_secret_key":)" + json_string(new_key) +
                               R"(,"hmac_previous_secret_key":)" + json_string(old_key) + "}";
  const std::string only_new = R"({"hmac_secret_key":)" + json_string(new_key) + "}";
  instant::ConnectionClaims c;
  c.sub = "bob";
  const std::string t_old = old_signer.connection_token(c), t_new = new_signer.connection_token(c);
  std::string out;
  CHECK(o.check(rotating, t_new, false, &out) == 0);
  CHECK(o.check(rotating, t_old, false, &out) == 0);
  CHECK(o.check(only_new, t_old, false, &out) != 0);

  instant::Verifier v;
  v.add_signer(new_signer);
  v.add_hmac(old_key);
  CHECK(v.verify(t_new).sub == "bob");
  CHECK(v.verify(t_old).sub == "bob");
  instant::Verifier strict;
  strict.add_signer(new_signer);
  CHECK_THROWS_AS(strict.verify(t_old), instant::Error);
}
