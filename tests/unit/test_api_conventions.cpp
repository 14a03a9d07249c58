// The C++ API's conventions (docs/conventions.md): every fallible call in two
// forms of the same name and return type, moved-from objects that report
// instead of crashing, settings from the environment with clear errors.
#include "catch.hpp"

#include <instant/instant.hpp>

#include <cstdlib>
#include <utility>

using instant::errc;
using instant::Status;

namespace {

// Sets (or unsets, for nullptr) an environment variable for one scope.
struct EnvVar {
  std::string name;
  std::optional<std::string> old;
  EnvVar(const char* n, const char* value) : name(n) {
    if (const char* v = std::getenv(n)) old = v;
    if (value) ::setenv(n, value, 1);
    else ::unsetenv(n);
  }
  ~EnvVar() {
    if (old) ::setenv(name.c_str(), old->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("a moved-from Client reports an error instead of crashing", "[api]") {
  instant::Config cfg;
  cfg.api_key = "k";
  instant::Client a(cfg);
  instant::Client b(std::move(a));
  Status st;
  a.publish("news", "hello", st);  // NOLINT(bugprone-use-after-move): the point of the test
  CHECK(st.kind() == errc::invalid_argument);
  CHECK(st.message().find("moved from") != std::string::npos);
  (void)a.history("news", {}, st);
  CHECK(st.kind() == errc::invalid_argument);
  a.subscribe({.user = "u", .channel = "news"}, st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK_THROWS_AS(a.publish("news", "hello"), instant::Error);
  CHECK(a.stats().requests == 0);
  CHECK(a.config().url == instant::Config().url);
  CHECK(b.config().api_key == "k");
}

TEST_CASE("Registry is movable; a moved-from one reads empty and refuses changes", "[api]") {
  instant::Registry r;
  r.add({.name = "news", .level = instant::Level::public_});
  instant::Registry moved(std::move(r));
  CHECK(moved.size() == 1);
  CHECK(r.size() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(r.list().empty());
  CHECK(r.to_json().find("\"channels\"") != std::string::npos);
  Status st;
  r.add({.name = "other", .level = instant::Level::public_}, st);
  CHECK(st.kind() == errc::invalid_argument);
  r.load_json(R"({"channels":[]})", st);
  CHECK(st.kind() == errc::invalid_argument);
  instant::Registry assigned;
  assigned = std::move(moved);
  CHECK(assigned.find("news"));
}

TEST_CASE("Signer and Verifier from CENTRIFUGO_HMAC_KEY", "[api][env]") {
  {
    EnvVar unset("CENTRIFUGO_HMAC_KEY", nullptr);
    Status st;
    CHECK_FALSE(instant::Signer::from_env({}, st).valid());
    CHECK(st.kind() == errc::config);
    CHECK(st.message().find("CENTRIFUGO_HMAC_KEY") != std::string::npos);
    CHECK_THROWS_AS(instant::Signer::from_env(), instant::Error);
    CHECK_THROWS_AS(instant::Verifier::from_env(), instant::Error);
  }
  EnvVar set("CENTRIFUGO_HMAC_KEY", "0123456789abcdef0123456789abcdef");
  instant::Signer s = instant::Signer::from_env();
  instant::Verifier v = instant::Verifier::from_env();
  instant::ConnectionClaims c;
  c.sub = "alice";
  CHECK(v.verify(s.connection_token(c), instant::TokenKind::connection).sub == "alice");
  // The key is the secret: it never appears in an error.
  EnvVar weak("CENTRIFUGO_HMAC_KEY", "short-secret");
  Status st;
  (void)instant::Signer::from_env({}, st);
  CHECK(st.kind() == errc::weak_key);
  CHECK(st.message().find("short-secret") == std::string::npos);
}

TEST_CASE("throwing and non-throwing forms agree", "[api]") {
  Status st;
  (void)instant::parse_proxy_request("[]", 100, st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK_THROWS_AS(instant::parse_proxy_request("[]", 100), instant::Error);
  (void)instant::parse_channels_json("{}", {}, st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK_THROWS_AS(instant::parse_channels_json("{}"), instant::Error);
  CHECK_THROWS_AS(instant::parse_users_json("{}"), instant::Error);
  CHECK_THROWS_AS(instant::make_envelope("news", instant::Event{}, "Site", instant::EnvelopeEncoding::object),
                  instant::Error);
  CHECK_THROWS_AS(instant::Config::from_lookup([](const char*) { return "x"; }), instant::Error);
  CHECK(instant::parse_claims_json(R"({"sub":"a","channel":"c"})").subscription.channel == "c");
  CHECK(instant::to_string(errc::timeout) == std::string("timeout"));
  CHECK(instant::to_string(instant::Level::staff) == std::string("staff"));
  CHECK(instant::to_string(instant::Algorithm::ES256) == std::string("ES256"));
  CHECK(instant::to_string(instant::EnvelopeEncoding::string) == std::string("string"));
  CHECK(instant::to_string(instant::ApiMode::legacy) == std::string("legacy"));
  CHECK(instant::to_string(instant::TokenKind::subscription) == std::string("subscription"));
  CHECK(instant::to_string(instant::ServerSide::subs) == std::string("subs"));
  CHECK(instant::to_string(instant::Delivery::possibly_delivered) == std::string("possibly_delivered"));
}

TEST_CASE("errors name the setting the user actually used", "[api][env]") {
  Status st;
  (void)instant::Config::from_lookup(
      [](const char* n) -> const char* { return std::string(n) == "CENTRIFUGO_URL" ? "ftp://x" : nullptr; }, st);
  CHECK(st.message().rfind("CENTRIFUGO_URL:", 0) == 0);
  (void)instant::Config::from_lookup(
      [](const char* n) -> const char* { return std::string(n) == "CENTRIFUGO_HOST" ? "http://bad host" : nullptr; }, st);
  CHECK(st.message().rfind("CENTRIFUGO_HOST/CENTRIFUGO_PORT:", 0) == 0);
}
