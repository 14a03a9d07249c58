// The server API against a real Centrifugo, checked through the server's own
// view (history, presence, channels, info) and through a real client.
#include "catch.hpp"
#include "json_oracle.hpp"
#include "centrifugo_server.hpp"
#include "detail/json.hpp"

#include <instant/client.hpp>
#include <instant/limits.hpp>

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <set>
#include <thread>

using instant_test::shared_server;

namespace {

instant::Config config_for(const instant_test::Centrifugo& s) {
  instant::Config c;
  c.url = s.url();
  c.api_key = s.config().api_key;
  c.hmac_key = s.config().hmac_key;
  return c;
}

instant::Client client() { return instant::Client(config_for(shared_server())); }

// A channel name unique to this test run.
std::string unique(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + std::to_string(::getpid()) + "_" + std::to_string(++n);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  REQUIRE(rj_parse(d, text));
  return d;
}

std::vector<std::string> keys(const rapidjson::Value& obj) {
  std::vector<std::string> out;
  for (const auto& m : obj.GetObject()) out.emplace_back(m.name.GetString());
  return out;
}

std::string connection_token(const std::string& user) {
  long exp = static_cast<long>(std::time(nullptr)) + 600;
  return instant_test::hs256_jwt(R"({"sub":")" + user + R"(","exp":)" + std::to_string(exp) + "}",
                                 shared_server().config().hmac_key);
}

std::string ws_url() {
  return "ws://127.0.0.1:" + std::to_string(shared_server().port()) + "/connection/websocket";
}

}  // namespace

TEST_CASE("the seed's four events arrive with django-instant's envelope", "[publish]") {
  auto c = client();
  const std::string pub = unique("public"), users = "$" + unique("users"),
                    group = "$" + unique("group"), staff = "$" + unique("staff");
  c.publish(pub, "A message for everyone");
  auto r = c.publish(users, instant::Event{.message = "A message for users", .event_class = "important"});
  CHECK(r.offset == 1);
  CHECK_FALSE(r.epoch.empty());
  c.publish(group, "A message for group1");
  c.publish(staff, instant::Event{.message = "A message for staff", .data = R"({"field1":"value1","field2":[1,2]})"});

  auto h = c.history(users, {10});
  REQUIRE(h.publications.size() == 1);
  CHECK(h.epoch == r.epoch);
  auto d = parse(h.publications[0].data);
  CHECK(keys(d) == std::vector<std::string>{"channel", "site", "message", "event_class"});
  CHECK(std::string(d["channel"].GetString()) == users);
  CHECK(std::string(d["site"].GetString()) == "Site");
  CHECK(std::string(d["message"].GetString()) == "A message for users");
  CHECK(std::string(d["event_class"].GetString()) == "important");

  auto hs = c.history(staff, {10});
  REQUIRE(hs.publications.size() == 1);
  auto ds = parse(hs.publications[0].data);
  CHECK(keys(ds) == std::vector<std::string>{"channel", "site", "message", "data"});
  CHECK(std::string(ds["data"]["field1"].GetString()) == "value1");
  CHECK(ds["data"]["field2"].Size() == 2);
  CHECK(ds["data"]["field2"][1].GetInt() == 2);

  auto hp = c.history(pub, {10});
  REQUIRE(hp.publications.size() == 1);
  CHECK(keys(parse(hp.publications[0].data)) == std::vector<std::string>{"channel", "site", "message"});
  CHECK(c.history(group, {10}).publications.size() == 1);
}

TEST_CASE("envelope options: bucket, site, data only, string encoding", "[publish]") {
  auto cfg = config_for(shared_server());
  cfg.site = "MySite";
  instant::Client c(cfg);
  const std::string ch = unique("opts");
  c.publish(ch, instant::Event{.data = instant::Json::object({{"n", 1}}).text(), .bucket = "b1"});
  auto d = parse(c.history(ch, {1}).publications.at(0).data);
  CHECK(keys(d) == std::vector<std::string>{"channel", "site", "data", "bucket"});
  CHECK(std::string(d["site"].GetString()) == "MySite");

  cfg.encoding = instant::EnvelopeEncoding::string;
  instant::Client cs(cfg);
  const std::string ch2 = unique("strenc");
  cs.publish(ch2, instant::Event{.message = "hello", .site = "Other"});
  auto outer = parse(cs.history(ch2, {1}).publications.at(0).data);
  REQUIRE(outer.IsString());  // django-instant's wire form: a JSON string
  auto inner = parse(outer.GetString());
  CHECK(keys(inner) == std::vector<std::string>{"channel", "site", "message"});
  CHECK(std::string(inner["site"].GetString()) == "Other");
}

TEST_CASE("numbers reach Centrifugo and come back exactly as written (F1)", "[publish][F1]") {
  auto c = client();
  const std::string ch = unique("numbers");
  // The probe's crash number, a big integer, -0 and an exponent form: none is
  // re-printed from a double on the way.
  const std::string data = R"({"a":1.00000000000000000001e-330,"b":123456789012345678901234567890,"c":-0.0,"d":1E+2})";
  instant::PublishRequest r;
  r.channel = ch;
  r.data = data;
  c.publish_raw(r);
  c.publish(ch, instant::Event{.data = data});
  auto h = c.history(ch, {10});
  REQUIRE(h.publications.size() == 2);
  CHECK(h.publications[0].data == data);
  CHECK(h.publications[1].data.find(data) != std::string::npos);
}

TEST_CASE("the deepest data instant publishes, it reads back from history", "[publish][depth]") {
  // A value at limits::json_depth sits 4 levels down in a history reply (5 in
  // the envelope): replies are read with limits::json_wrapper_depth more.
  auto c = client();
  const std::string ch = unique("deep");
  const std::size_t depth = instant::limits::json_depth;
  const std::string data = std::string(depth, '[') + "7" + std::string(depth, ']');
  instant::PublishRequest r;
  r.channel = ch;
  r.data = data;
  c.publish_raw(r);
  c.publish(ch, instant::Event{.data = data});
  r.data = "[" + data + "]";
  instant::Status st;
  c.publish_raw(r, st);
  CHECK(st.kind() == instant::errc::invalid_json);  // one level more: refused before sending
  instant::Status hs;
  auto h = c.history(ch, {10}, hs);
  REQUIRE(hs.ok());
  REQUIRE(h.publications.size() == 2);
  CHECK(h.publications[0].data == data);
  CHECK(h.publications[1].data.find(data) != std::string::npos);
}

TEST_CASE("UTF-8 text arrives intact; invalid UTF-8 is refused before sending", "[publish][utf8]") {
  auto c = client();
  const std::string ch = unique("utf8");
  const std::string text = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80 \xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82";
  c.publish(ch, text);
  auto d = parse(c.history(ch, {1}).publications.at(0).data);
  CHECK(std::string(d["message"].GetString(), d["message"].GetStringLength()) == text);

  auto before = c.stats().requests;
  instant::Status st;
  c.publish(ch, instant::Event{.message = "bad \xC3\x28 byte"}, st);
  CHECK(st.kind() == instant::errc::invalid_utf8);
  CHECK(st.message().find("'message'") != std::string::npos);
  c.publish("bad\xFF" + ch, instant::Event{.message = "x"}, st);
  CHECK(st.kind() == instant::errc::invalid_channel);  // the one channel-name rule
  CHECK(c.stats().requests == before);  // nothing was sent
  CHECK(c.history(ch, {10}).publications.size() == 1);
}

TEST_CASE("publish with every Centrifugo field", "[publish]") {
  auto c = client();
  const std::string ch = unique("fields");
  instant::PublishRequest req;
  req.channel = ch;
  req.data = R"({"x":1})";
  req.options.tags = {{"kind", "test"}, {"n", "1"}};
  auto r1 = c.publish_raw(req);
  CHECK(r1.offset == 1);

  // skip_history: accepted, not kept.
  req.options = {};
  req.options.skip_history = true;
  c.publish_raw(req);
  CHECK(c.history(ch, {10}).offset == 1);

  // idempotency_key: the second publish is deduplicated.
  req.options = {};
  req.options.idempotency_key = unique("idem");
  auto a = c.publish_raw(req);
  auto b = c.publish_raw(req);
  CHECK(a.offset == 2);
  CHECK(b.offset == a.offset);

  // b64data: the payload as base64 (here the bytes of {"b":1}, so the JSON
  // history API can show it; Centrifugo cannot render non-JSON bytes there).
  instant::PublishRequest bin;
  bin.channel = ch;
  bin.b64data = "eyJiIjoxfQ==";
  CHECK(c.publish_raw(bin).offset == 3);

  // version: an older version is skipped by the server.
  instant::PublishRequest v;
  v.channel = ch;
  v.data = R"({"v":2})";
  v.options.version = 2;
  v.options.version_epoch = "e1";
  CHECK(c.publish_raw(v).offset == 4);
  v.data = R"({"v":1})";
  v.options.version = 1;
  CHECK(c.publish_raw(v).offset == 4);  // skipped: still the previous offset
  // delta: accepted (the namespace decides whether deltas are used).
  instant::PublishRequest dl;
  dl.channel = ch;
  dl.data = R"({"d":1})";
  dl.options.delta = true;
  c.publish_raw(dl);

  auto h = c.history(ch, {-1});
  REQUIRE(h.publications.size() == 5);
  CHECK(h.publications[0].tags.at("kind") == "test");
  CHECK(h.publications[0].tags.at("n") == "1");
  CHECK(h.publications[2].data == R"({"b":1})");
  CHECK(h.publications[3].data == R"({"v":2})");
  CHECK(h.publications[4].data == R"({"d":1})");

  // history since / reverse
  auto since = c.history(ch, {10, instant::StreamPosition{3, h.epoch}});
  REQUIRE(since.publications.size() == 2);
  CHECK(since.publications[0].offset == 4);
  auto rev = c.history(ch, {2, std::nullopt, true});
  REQUIRE(rev.publications.size() == 2);
  CHECK(rev.publications[0].offset == 5);

  c.history_remove(ch);
  auto after = c.history(ch, {10});
  CHECK(after.publications.empty());
  CHECK(after.offset == 5);  // the stream position survives history_remove
}

TEST_CASE("broadcast reports per-channel results and failures", "[broadcast]") {
  auto c = client();
  const std::string a = unique("bca"), b = unique("bcb");
  instant::BroadcastRequest req;
  req.channels = {a, "unknownns:" + a, b};
  req.data = R"({"hello":"all"})";
  auto r = c.broadcast(req);
  REQUIRE(r.responses.size() == 3);
  CHECK(r.responses[0].status.ok());
  CHECK(r.responses[0].result.offset == 1);
  CHECK(r.responses[1].status.kind() == instant::errc::server_error);
  CHECK(r.responses[1].status.server_code() == 102);
  CHECK(r.responses[2].status.ok());
  CHECK_FALSE(r.all_ok());
  CHECK(c.history(a, {1}).publications.at(0).data == R"({"hello":"all"})");
  CHECK(c.history(b, {1}).publications.size() == 1);

  auto e = c.broadcast_event({a, b}, instant::Event{.message = "to both"});
  REQUIRE(e.responses.size() == 2);
  CHECK(e.all_ok());
  auto d = parse(c.history(b, {1, std::nullopt, true}).publications.at(0).data);
  CHECK(std::string(d["channel"].GetString()) == b);  // each envelope names its own channel
}

TEST_CASE("batch returns typed replies in command order", "[batch]") {
  auto c = client();
  const std::string a = unique("bta");
  for (bool parallel : {false, true}) {
    instant::Batch b;
    b.parallel = parallel;
    b.add(instant::PublishRequest{a, R"({"i":1})", "", {}});
    b.add(instant::PublishRequest{"unknownns:x", R"({"i":2})", "", {}});
    b.add(instant::BroadcastRequest{{a, "unknownns:y"}, R"({"i":3})", "", {}});
    b.add("history", "{\"channel\":" + instant::Json::string(a).text() + ",\"limit\":10}");
    auto r = c.batch(b);
    REQUIRE(r.replies.size() == 4);
    CHECK(r.replies[0].status.ok());
    CHECK(r.replies[0].publish.offset >= 1);
    CHECK(r.replies[1].status.server_code() == 102);
    CHECK(r.replies[2].status.ok());
    REQUIRE(r.replies[2].broadcast.responses.size() == 2);
    CHECK(r.replies[2].broadcast.responses[0].status.ok());
    CHECK(r.replies[2].broadcast.responses[1].status.server_code() == 102);
    CHECK(r.replies[3].method == "history");
    CHECK(r.replies[3].result_json.find("publications") != std::string::npos);
    CHECK_FALSE(r.all_ok());
  }
  CHECK(c.history(a, {-1}).publications.size() == 4);
}

TEST_CASE("history and presence need the namespace to keep them (108)", "[errors]") {
  auto c = client();
  instant::Status st;
  (void)c.history("nohistory:x", {10}, st);
  CHECK(st.kind() == instant::errc::server_error);
  CHECK(st.server_code() == 108);
  CHECK(st.http_status() == 200);
  (void)c.presence("nohistory:x", st);
  CHECK(st.server_code() == 108);
  c.publish("unknownns:x", "m", st);
  CHECK(st.server_code() == 102);
  CHECK_THROWS_AS(c.publish("unknownns:x", "m"), instant::Error);
  try {
    c.publish("unknownns:x", "m");
  } catch (const instant::Error& e) {
    CHECK(e.kind() == instant::errc::server_error);
    CHECK(e.server_code() == 102);
    CHECK(std::string(e.what()).find("102") != std::string::npos);
  }
}

TEST_CASE("subscribe, unsubscribe, refresh, disconnect act on a real client", "[connections]") {
  auto c = client();
  const std::string user = unique("alice");
  const std::string ch = "chat:" + unique("room");
  instant_test::Child js(instant_test::live_client_argv(ws_url(), connection_token(user)));
  REQUIRE_FALSE(js.wait_for("\"connected\"").empty());

  auto info = c.info();
  REQUIRE(info.nodes.size() == 1);
  CHECK_FALSE(info.nodes[0].uid.empty());
  CHECK_FALSE(info.nodes[0].version.empty());
  CHECK(info.result_json.find(info.nodes[0].uid) != std::string::npos);

  instant::SubscribeRequest sr;
  sr.user = user;
  sr.channel = ch;
  sr.info = R"({"role":"tester"})";
  c.subscribe(sr);
  REQUIRE_FALSE(js.wait_for("server_subscribed").empty());

  auto p = c.presence(ch);
  REQUIRE(p.size() == 1);
  CHECK(p.begin()->second.user == user);
  CHECK(p.begin()->second.chan_info == R"({"role":"tester"})");
  auto ps = c.presence_stats(ch);
  CHECK(ps.num_clients == 1);
  CHECK(ps.num_users == 1);
  auto chans = c.channels("chat:*");
  CHECK(chans.count(ch) == 1);
  CHECK(chans[ch] == 1);

  c.publish(ch, "live");
  auto line = js.wait_for("server_publication");
  CHECK(line.find("\"live\"") != std::string::npos);

  c.refresh({user, "", "", false, static_cast<std::int64_t>(std::time(nullptr)) + 3600});

  c.unsubscribe({.user = user, .channel = ch});
  REQUIRE_FALSE(js.wait_for("server_unsubscribed").empty());
  CHECK(c.presence(ch).empty());

  instant::DisconnectRequest dr;
  dr.user = user;
  dr.code = 4500;
  dr.reason = "bye";
  c.disconnect(dr);
  auto d = js.wait_for("4500");
  CHECK(d.find("bye") != std::string::npos);
}

TEST_CASE("sequential publishes reuse one connection; threads all land", "[transport]") {
  auto c = client();
  const std::string ch = unique("reuse");
  for (int i = 0; i < 200; ++i) c.publish(ch, instant::Event{.data = instant::Json(i).text()});
  CHECK(c.stats().requests == 200);
  CHECK(c.stats().connections_opened == 1);

  const std::string tch = unique("threads");
  const int threads = 8, per = 50;
  std::vector<std::thread> ts;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < per; ++i) {
        instant::Status st;
        c.publish(tch, instant::Event{.data = instant::Json(t * 1000 + i).text()}, st);
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
  auto h = c.history(tch, {-1});
  CHECK(h.publications.size() == static_cast<size_t>(threads * per));
  std::set<std::string> seen;
  for (const auto& p : h.publications) seen.insert(p.data);
  CHECK(seen.size() == static_cast<size_t>(threads * per));
  CHECK(c.stats().connections_opened <= 1 + threads);  // at most one per concurrent caller
}

TEST_CASE("the legacy v4 API form works against v6", "[legacy]") {
  auto cfg = config_for(shared_server());
  cfg.api_mode = instant::ApiMode::legacy;
  instant::Client c(cfg);
  const std::string ch = unique("legacy");
  auto r = c.publish(ch, "old style");
  CHECK(r.offset == 1);
  CHECK(c.history(ch, {1}).publications.size() == 1);
}
