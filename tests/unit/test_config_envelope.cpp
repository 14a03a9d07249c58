// Config parsing and the django-instant envelope: pure logic, no server.
#include "catch.hpp"
#include "json_oracle.hpp"
#include "detail/json.hpp"

#include <instant/client.hpp>

#include <map>

using instant::errc;

TEST_CASE("config from the environment", "[config]") {
  auto lookup = [](std::map<std::string, std::string> env) {
    return [env](const char* n) -> const char* {
      auto it = env.find(n);
      return it == env.end() ? nullptr : it->second.c_str();
    };
  };
  instant::Status st;
  auto c = instant::Config::from_lookup(lookup({}), st);
  CHECK(st.ok());
  CHECK(c.url == "http://localhost:8000");  // Centrifugo's port, everywhere
  CHECK(c.site == "Site");
  c = instant::Config::from_lookup(
      lookup({{"CENTRIFUGO_HOST", "http://rt.local"}, {"CENTRIFUGO_PORT", "8000"},
              {"CENTRIFUGO_API_KEY", "k"}, {"CENTRIFUGO_HMAC_KEY", "h"}, {"SITE_NAME", "S"}}),
      st);
  CHECK(st.ok());
  CHECK(c.url == "http://rt.local:8000");
  CHECK(c.api_key == "k");
  CHECK(c.hmac_key == "h");
  CHECK(c.site == "S");
  c = instant::Config::from_lookup(lookup({{"CENTRIFUGO_URL", "https://example.org/centrifugo/"},
                                           {"CENTRIFUGO_PORT", "1"}}),
                                   st);
  CHECK(st.ok());
  CHECK(c.url == "https://example.org/centrifugo");
  instant::Config::from_lookup(lookup({{"CENTRIFUGO_PORT", "99999"}}), st);
  CHECK(st.kind() == errc::config);
  instant::Config::from_lookup(lookup({{"CENTRIFUGO_URL", "ftp://x"}}), st);
  CHECK(st.kind() == errc::config);
  instant::Config::from_lookup(lookup({{"INSTANT_TIMEOUT_MS", "abc"}}), st);
  CHECK(st.kind() == errc::config);
  c = instant::Config::from_lookup(lookup({{"INSTANT_ENVELOPE", "string"}, {"INSTANT_API_MODE", "legacy"},
                                           {"INSTANT_TIMEOUT_MS", "250"}}),
                                   st);
  CHECK(st.ok());
  CHECK(c.encoding == instant::EnvelopeEncoding::string);
  CHECK(c.api_mode == instant::ApiMode::legacy);
  CHECK(c.timeout.count() == 250);
  instant::Config bad;
  bad.url = "not a url";
  CHECK_THROWS_AS(instant::Client(bad), instant::Error);
  bad.url = "http://";
  bad.validate(st);
  CHECK(st.kind() == errc::config);
  bad.url = "http://host with space";
  bad.validate(st);
  CHECK(st.kind() == errc::config);
  CHECK_THROWS_AS(bad.validate(), instant::Error);
}

namespace {
std::string env(const std::string& ch, const instant::Event& ev,
                instant::EnvelopeEncoding enc = instant::EnvelopeEncoding::object) {
  instant::Status st;
  std::string out = instant::make_envelope(ch, ev, "Site", enc, st);
  REQUIRE(st.ok());
  return out;
}
}  // namespace

TEST_CASE("envelope keys come in django-instant's order, optional ones only when set", "[envelope]") {
  CHECK(env("public", instant::Event{.message = "hi"}) == R"({"channel":"public","site":"Site","message":"hi"})");
  CHECK(env("$users", instant::Event{.message = "m", .event_class = "important"}) ==
        R"({"channel":"$users","site":"Site","message":"m","event_class":"important"})");
  CHECK(env("c", instant::Event{.message = "m", .data = "[1, 2]", .event_class = "e", .bucket = "b", .site = "S"}) ==
        R"({"channel":"c","site":"S","message":"m","data":[1, 2],"event_class":"e","bucket":"b"})");
  CHECK(env("c", instant::Event{.data = instant::Json::object({{"field1", instant::Json::string("value1")},
                                                              {"field2", instant::Json::array({1, 2})}}).text()}) ==
        R"({"channel":"c","site":"Site","data":{"field1":"value1","field2":[1,2]}})");
  // empty bucket / event_class are left out
  CHECK(env("c", instant::Event{.message = "m", .event_class = "", .bucket = ""}) ==
        R"({"channel":"c","site":"Site","message":"m"})");
  // escaping
  CHECK(env("c", instant::Event{.message = "a\"b\n"}) == R"({"channel":"c","site":"Site","message":"a\"b\n"})");
}

TEST_CASE("string encoding is the envelope as one JSON string", "[envelope]") {
  std::string s = env("c", instant::Event{.message = "hi", .data = "{\"a\":1}"}, instant::EnvelopeEncoding::string);
  rapidjson::Document d;
  REQUIRE(rj_parse(d, s));
  REQUIRE(d.IsString());
  CHECK(std::string(d.GetString()) == R"({"channel":"c","site":"Site","message":"hi","data":{"a":1}})");
}

TEST_CASE("envelope refuses bad input with typed errors", "[envelope]") {
  instant::Status st;
  (void)instant::make_envelope("", instant::Event{.message = "m"}, "Site", instant::EnvelopeEncoding::object, st);
  CHECK(st.kind() == errc::invalid_argument);
  (void)instant::make_envelope("c", instant::Event{}, "Site", instant::EnvelopeEncoding::object, st);
  CHECK(st.kind() == errc::invalid_argument);
  (void)instant::make_envelope("c", instant::Event{.data = "nope"}, "Site", instant::EnvelopeEncoding::object, st);
  CHECK(st.kind() == errc::invalid_json);
  (void)instant::make_envelope("c", instant::Event{.message = "\xC3"}, "Site", instant::EnvelopeEncoding::object, st);
  CHECK(st.kind() == errc::invalid_utf8);
  (void)instant::make_envelope("c", instant::Event{.message = "m", .event_class = "\xFF"}, "Site",
                         instant::EnvelopeEncoding::object, st);
  CHECK(st.kind() == errc::invalid_utf8);
}

TEST_CASE("Json values", "[json]") {
  CHECK(instant::Json().text() == "null");
  CHECK(instant::Json(true).text() == "true");
  CHECK(instant::Json(42).text() == "42");
  CHECK(instant::Json(-7LL).text() == "-7");
  CHECK(instant::Json(1.5).text() == "1.5");
  CHECK(instant::Json::string("\xE2\x82\xAC").text() == "\"\xE2\x82\xAC\"");
  CHECK(instant::Json::parse(" { \"a\" : [ 1 , 2 ] } ").text() == R"({"a":[1,2]})");
  CHECK_THROWS_AS(instant::Json::parse("{"), instant::Error);
  CHECK_THROWS_AS(instant::Json::string("\xC3"), instant::Error);
  CHECK_THROWS_AS(instant::Json(1.0 / 0.0), instant::Error);
}
