// Proxy handlers: allow/deny per the channel rules, and malformed or hostile
// requests answered with an error reply (never a throw or a crash).
#include "catch.hpp"
#include "json_oracle.hpp"

#include <instant/proxy.hpp>

#include "detail/json.hpp"

#include <map>
#include <stdexcept>

using instant::Level;
using instant::ProxyOptions;
using instant::Registry;
using instant::User;

namespace {

struct Fixture {
  Registry registry;
  std::map<std::string, User> users;
  instant::UserResolver resolve;

  Fixture() {
    registry.add({"news", Level::public_, {}, true});
    registry.add({"chat:staff", Level::staff, {}, true});
    registry.add({"chat:ops", Level::groups, {"ops"}, true});
    registry.add({"chat:old", Level::users, {}, false});
    User alice;
    alice.id = "alice";
    alice.groups = {"ops"};
    User bob;
    bob.id = "bob";
    bob.staff = true;
    users = {{"alice", alice}, {"bob", bob}};
    // A host resolving users by the connection's user id, or for connect by a
    // "session" header.
    resolve = [this](const instant::ProxyRequest& r) -> std::optional<User> {
      std::string id = r.user;
      for (const auto& h : r.headers)
        if (h.first == "X-Session") id = h.second;
      auto it = users.find(id);
      if (it == users.end()) return std::nullopt;
      return it->second;
    };
  }
};

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  REQUIRE(rj_parse(d, s));
  REQUIRE(d.IsObject());
  return d;
}

int error_code(const std::string& reply) {
  auto d = parse(reply);
  const auto* e = rj_member(d, "error");
  if (!e) return 0;
  return static_cast<int>(rj_uint(*e, "code"));
}

bool allowed(const std::string& reply) {
  auto d = parse(reply);
  return rj_member(d, "result") != nullptr && !rj_member(d, "error");
}

bool expired(const std::string& reply) {
  auto d = parse(reply);
  const auto* r = rj_member(d, "result");
  if (!r) return false;
  const auto* e = rj_member(*r, "expired");
  return e && e->IsBool() && e->GetBool();
}

std::string sub_req(const std::string& user, const std::string& channel) {
  return R"({"client":"c1","transport":"websocket","protocol":"json","encoding":"json","user":)" +
         instant::detail::quote(user) + R"(,"channel":)" + instant::detail::quote(channel) + "}";
}

}  // namespace

TEST_CASE("subscribe proxy allows and denies per the rules", "[proxy]") {
  Fixture f;
  std::vector<instant::Decision> seen;
  ProxyOptions o;
  o.on_decision = [&](const instant::Decision& d) { seen.push_back(d); };
  CHECK(f.registry.size() == 4);
  CHECK(allowed(instant::proxy_subscribe(sub_req("alice", "news"), f.registry, f.resolve, o)));
  CHECK(allowed(instant::proxy_subscribe(sub_req("alice", "chat:ops"), f.registry, f.resolve, o)));
  CHECK(error_code(instant::proxy_subscribe(sub_req("alice", "chat:staff"), f.registry, f.resolve, o)) == 403);
  CHECK(allowed(instant::proxy_subscribe(sub_req("bob", "chat:staff"), f.registry, f.resolve, o)));
  CHECK(error_code(instant::proxy_subscribe(sub_req("bob", "chat:ops"), f.registry, f.resolve, o)) == 403);
  CHECK(error_code(instant::proxy_subscribe(sub_req("bob", "chat:old"), f.registry, f.resolve, o)) == 403);
  CHECK(error_code(instant::proxy_subscribe(sub_req("alice", "chat:unregistered"), f.registry, f.resolve, o)) == 403);
  CHECK(error_code(instant::proxy_subscribe(sub_req("mallory", "news"), f.registry, f.resolve, o)) == 403);
  // anonymous connection (user "") is not resolved by this host: denied
  CHECK(error_code(instant::proxy_subscribe(sub_req("", "news"), f.registry, f.resolve, o)) == 403);
  REQUIRE(seen.size() == 9);
  CHECK(seen[0].allowed);
  CHECK(seen[2].reason.find("staff") != std::string::npos);
  CHECK(seen[6].reason == "channel is not registered");
  CHECK(seen[7].reason.find("unknown") != std::string::npos);
}

TEST_CASE("subscribe proxy: expire_at when a lifetime is set", "[proxy]") {
  Fixture f;
  ProxyOptions o;
  o.subscription_lifetime = 600;
  o.now = 1000000;
  CHECK(instant::proxy_subscribe(sub_req("alice", "news"), f.registry, f.resolve, o) ==
        R"({"result":{"expire_at":1000600}})");
}

TEST_CASE("connect proxy: user, expire_at, server-side channels", "[proxy]") {
  Fixture f;
  ProxyOptions o;
  o.now = 2000000;
  std::string body = R"({"client":"c","transport":"websocket","protocol":"json","encoding":"json"})";
  CHECK(error_code(instant::proxy_connect(body, f.registry, f.resolve, o)) == 401);
  CHECK(instant::proxy_connect(body, f.registry, f.resolve, o, {{"X-Session", "alice"}}) ==
        R"({"result":{"user":"alice"}})");
  o.connection_lifetime = 60;
  o.server_side_subscriptions = true;
  CHECK(instant::proxy_connect(body, f.registry, f.resolve, o, {{"X-Session", "alice"}}) ==
        R"({"result":{"user":"alice","expire_at":2000060,"channels":["news","chat:ops"]}})");
  CHECK(instant::proxy_connect(body, f.registry, f.resolve, o, {{"X-Session", "bob"}}) ==
        R"({"result":{"user":"bob","expire_at":2000060,"channels":["news","chat:staff"]}})");

  // Anonymous users: refused unless the host allows them public channels.
  auto anon = [](const instant::ProxyRequest&) -> std::optional<User> { return User::anonymous(); };
  CHECK(error_code(instant::proxy_connect(body, f.registry, anon, o)) == 401);
  o.authorize.anonymous_public = true;
  CHECK(instant::proxy_connect(body, f.registry, anon, o) ==
        R"({"result":{"user":"","expire_at":2000060,"channels":["news"]}})");
}

TEST_CASE("refresh and sub_refresh extend or expire", "[proxy]") {
  Fixture f;
  ProxyOptions o;
  o.now = 3000000;
  CHECK(instant::proxy_refresh(R"({"client":"c","user":"alice"})", f.registry, f.resolve, o) ==
        R"({"result":{"expire_at":3003600}})");
  o.connection_lifetime = 120;
  CHECK(instant::proxy_refresh(R"({"client":"c","user":"alice"})", f.registry, f.resolve, o) ==
        R"({"result":{"expire_at":3000120}})");
  CHECK(expired(instant::proxy_refresh(R"({"client":"c","user":"gone"})", f.registry, f.resolve, o)));
  CHECK(expired(instant::proxy_refresh(R"({"client":"c","user":""})", f.registry, f.resolve, o)));

  CHECK(instant::proxy_sub_refresh(sub_req("bob", "chat:staff"), f.registry, f.resolve, o) ==
        R"({"result":{"expire_at":3003600}})");
  CHECK(expired(instant::proxy_sub_refresh(sub_req("alice", "chat:staff"), f.registry, f.resolve, o)));
  // bob loses staff: the next sub_refresh expires the subscription
  f.users["bob"].staff = false;
  CHECK(expired(instant::proxy_sub_refresh(sub_req("bob", "chat:staff"), f.registry, f.resolve, o)));
  // the channel is removed from the registry
  CHECK_FALSE(expired(instant::proxy_sub_refresh(sub_req("alice", "chat:ops"), f.registry, f.resolve, o)));
  f.registry.remove("chat:ops");
  CHECK(expired(instant::proxy_sub_refresh(sub_req("alice", "chat:ops"), f.registry, f.resolve, o)));
}

TEST_CASE("malformed and hostile proxy requests get an error reply", "[proxy][hostile]") {
  Fixture f;
  ProxyOptions o;
  o.max_request_bytes = 4096;
  // {body, malformed for every handler (true) or only a bad channel (false)}
  const std::pair<std::string, bool> cases[] = {
      {"", true},
      {"null", true},
      {"[]", true},
      {"\"str\"", true},
      {"{", true},
      {"{\"user\":\"alice\",\"channel\":\"news\"", true},  // truncated
      {R"({"user":1,"channel":"news"})", true},                 // wrong type
      {R"({"user":"alice","channel":["news"]})", true},
      {R"({"user":"alice","channel":{"a":1}})", true},
      {R"({"user":"alice","channel":"news","channels":"x"})", true},
      {R"({"user":"alice","channel":"news","channels":[1]})", true},
      {"{\"user\":\"alice\",\"channel\":\"\xff\"}", true},      // invalid UTF-8
      {std::string(5000, ' ') + "{}", true},                    // too large
      {std::string(3000, '[') + std::string(3000, ']'), true},  // deep nesting
      {R"({"user":"alice"})", false},                           // missing channel
      {R"({"user":"alice","channel":""})", false},
      {R"({"user":"alice","channel":"bad$name"})", false},
      {R"({"user":"alice","channel":"a:x"})", false},
      {R"({"user":"alice","channel":"caf\u00e9"})", false},    // non-ASCII
      {R"({"user":"alice","channel":"n\u0000ews"})", true},    // U+0000: refused when read
      {R"({"user":"alice","channel":")" + std::string(300, 'n') + "\"}", false},  // too long
  };
  for (const auto& c : cases) {
    const std::string& body = c.first;
    INFO(body.substr(0, 80));
    std::string r1, r2, r3, r4;
    REQUIRE_NOTHROW(r1 = instant::proxy_subscribe(body, f.registry, f.resolve, o));
    REQUIRE_NOTHROW(r2 = instant::proxy_sub_refresh(body, f.registry, f.resolve, o));
    REQUIRE_NOTHROW(r3 = instant::proxy_connect(body, f.registry, f.resolve, o));
    REQUIRE_NOTHROW(r4 = instant::proxy_refresh(body, f.registry, f.resolve, o));
    for (const std::string* r : {&r1, &r2}) {
      int code = error_code(*r);
      CHECK((code == 400 || code == 413));
    }
    if (c.second) {
      for (const std::string* r : {&r3, &r4}) {
        int code = error_code(*r);
        CHECK((code == 400 || code == 413));
      }
    } else {
      CHECK(allowed(r3));  // connect ignores the channel; alice is known
      CHECK_FALSE(expired(r4));
    }
  }
  CHECK(error_code(instant::proxy_subscribe(std::string(5000, ' ') + "{}", f.registry, f.resolve, o)) == 413);
}

TEST_CASE("a throwing resolver yields a temporary internal error", "[proxy][hostile]") {
  Fixture f;
  instant::UserResolver boom = [](const instant::ProxyRequest&) -> std::optional<User> {
    throw std::runtime_error("database down: password=hunter2");
  };
  std::string r = instant::proxy_subscribe(sub_req("alice", "news"), f.registry, boom);
  CHECK(error_code(r) == 500);
  CHECK(r.find("hunter2") == std::string::npos);
  CHECK(r.find("\"temporary\":true") != std::string::npos);
  CHECK(error_code(instant::proxy_connect("{}", f.registry, boom)) == 500);
  CHECK(error_code(instant::proxy_refresh(R"({"user":"a"})", f.registry, boom)) == 500);
  // no resolver at all: nobody is known
  CHECK(error_code(instant::proxy_subscribe(sub_req("alice", "news"), f.registry, nullptr)) == 403);
}

TEST_CASE("resolver returning another user is not trusted", "[proxy]") {
  Fixture f;
  instant::UserResolver liar = [](const instant::ProxyRequest&) -> std::optional<User> {
    User u;
    u.id = "root";
    u.superuser = true;
    return u;
  };
  CHECK(error_code(instant::proxy_subscribe(sub_req("alice", "news"), f.registry, liar)) == 403);
}

TEST_CASE("parse_proxy_request reads the documented members", "[proxy]") {
  instant::Status st;
  auto r = instant::parse_proxy_request(
      R"({"client":"c","transport":"websocket","protocol":"json","encoding":"json","user":"u",)"
      R"("channel":"ch","token":"t","data":{"a":[1,2]},"meta":{"m":true},"b64data":"AA==",)"
      R"("channels":["x","y"],"name":"js","version":"5"})",
      65536, st);
  REQUIRE(st.ok());
  CHECK(r.client == "c");
  CHECK(r.user == "u");
  CHECK(r.channel == "ch");
  CHECK(r.token == "t");
  CHECK(r.data == R"({"a":[1,2]})");
  CHECK(r.meta == R"({"m":true})");
  CHECK(r.channels == std::vector<std::string>{"x", "y"});
  CHECK(r.name == "js");
}
