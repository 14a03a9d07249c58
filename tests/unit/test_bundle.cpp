// The login / get_token / subscribe bundle: authorized channels, tokens the
// verifier accepts, server-side subscription claims, anonymous handling.
#include "catch.hpp"
#include "json_oracle.hpp"

#include <instant/bundle.hpp>

#include "detail/json.hpp"

using instant::Level;
using instant::User;
using instant::errc;

namespace {

const char* kKey = "bundle-test-hmac-key-0123456789abcdef-0123";

std::vector<instant::Channel> channels() {
  return {{"$users", Level::users, {}, true},
          {"news", Level::public_, {}, true},
          {"$chat:staff", Level::staff, {}, true},
          {"$ops", Level::groups, {"ops", "sre"}, true},
          {"$old", Level::users, {}, false}};
}

instant::Verifier verifier() {
  instant::Verifier v;
  v.add_hmac(kKey);
  return v;
}

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  REQUIRE(rj_parse(d, s));
  return d;
}

}  // namespace

TEST_CASE("bundle: the user's channels with tokens the server accepts", "[bundle]") {
  auto signer = instant::Signer::hmac(kKey);
  User u;
  u.id = "alice";
  u.groups = {"ops", "sre"};  // matches $ops twice: listed once
  auto b = instant::make_bundle(signer, channels(), u, "csrf-123");
  CHECK(b.csrf_token == "csrf-123");
  REQUIRE(b.channels.size() == 3);
  CHECK(b.channels[0].name == "$users");
  CHECK(b.channels[1].name == "news");
  CHECK(b.channels[2].name == "$ops");
  CHECK(b.channels[2].level == Level::groups);

  auto v = verifier();
  auto conn = v.verify(b.ws_token, instant::TokenKind::connection);
  CHECK(conn.sub == "alice");
  CHECK(conn.exp - conn.iat == 86400);
  auto claims = parse(conn.claims);
  CHECK_FALSE(claims.HasMember("channels"));
  for (const auto& c : b.channels) {
    auto t = v.verify(c.token, instant::TokenKind::subscription);
    CHECK(t.sub == "alice");
    CHECK(t.channel == c.name);
  }

  auto json = parse(b.to_json());
  std::vector<std::string> keys;
  // By index: under C++20, clang calls RapidJSON's iterator != ambiguous.
  for (rapidjson::SizeType i = 0; i < json.MemberCount(); ++i) {
    keys.emplace_back((json.MemberBegin() + i)->name.GetString());
  }
  CHECK(keys == std::vector<std::string>{"csrf_token", "ws_token", "channels"});
  CHECK(std::string(json["channels"][0]["level"].GetString()) == "users");
  CHECK(std::string(json["channels"][0]["token"].GetString()) == b.channels[0].token);
}

TEST_CASE("bundle: server-side subscriptions in channels or subs claims", "[bundle]") {
  auto signer = instant::Signer::hmac(kKey);
  User u;
  u.id = "bob";
  u.staff = true;
  instant::BundleOptions o;
  o.server_side = instant::ServerSide::channels;
  o.lifetime = 600;
  auto b = instant::make_bundle(signer, channels(), u, "", o);
  auto v = verifier();
  auto conn = v.verify(b.ws_token, instant::TokenKind::connection);
  CHECK(conn.exp - conn.iat == 600);
  auto claims = parse(conn.claims);
  REQUIRE(claims.HasMember("channels"));
  REQUIRE(claims["channels"].Size() == 3);
  CHECK(std::string(claims["channels"][2].GetString()) == "$chat:staff");
  for (const auto& c : b.channels) CHECK(c.token.empty());
  CHECK(b.to_json().find("\"token\"") == std::string::npos);

  o.server_side = instant::ServerSide::subs;
  b = instant::make_bundle(signer, channels(), u, "", o);
  claims = parse(v.verify(b.ws_token).claims);
  REQUIRE(claims.HasMember("subs"));
  CHECK(claims["subs"].IsObject());
  CHECK(claims["subs"].HasMember("$chat:staff"));
  CHECK(claims["subs"].MemberCount() == 3);
}

TEST_CASE("bundle: anonymous users and bad input", "[bundle]") {
  auto signer = instant::Signer::hmac(kKey);
  instant::Status st;
  instant::make_bundle(signer, channels(), User::anonymous(), "c", {}, st);
  CHECK(st.kind() == errc::forbidden);  // django-instant's 403
  instant::BundleOptions o;
  o.authorize.anonymous_public = true;
  auto b = instant::make_bundle(signer, channels(), User::anonymous(), "c", o);
  REQUIRE(b.channels.size() == 1);
  CHECK(b.channels[0].name == "news");
  auto v = verifier();
  CHECK(v.verify(b.ws_token).sub.empty());

  User noid;
  instant::make_bundle(signer, channels(), noid, "c", {}, st);
  CHECK(st.kind() == errc::invalid_argument);
  User u;
  u.id = "u";
  instant::make_bundle(signer, channels(), u, "\xff", {}, st);
  CHECK(st.kind() == errc::invalid_utf8);
  o.lifetime = 0;
  instant::make_bundle(signer, channels(), u, "c", o, st);
  CHECK(st.kind() == errc::invalid_argument);
  instant::Signer empty;
  instant::make_bundle(empty, channels(), u, "c", {}, st);
  CHECK(st.kind() == errc::key);
  CHECK_THROWS_AS(instant::make_bundle(empty, channels(), u, "c"), instant::Error);

  instant::Registry reg;
  reg.add({"$users", Level::users, {}, true});
  CHECK(instant::make_bundle(signer, reg, u, "c").channels.size() == 1);
}
