// The allocation-free JSON validator used for info/data/meta, checked against
// RapidJSON (the strict reader instant uses elsewhere) on a corpus and on
// deterministic random mutations.
#include "catch.hpp"
#include "detail/json.hpp"
#include "detail/jwt.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <random>
#include <string>

using instant::detail::json_valid;

namespace {

// RapidJSON's verdict, or -1 when it reports a number too big for a double
// (valid JSON grammar, which instant accepts and Centrifugo passes through).
int rapidjson_ok(const std::string& s) {
  rapidjson::MemoryStream ms(s.data(), s.size());
  rapidjson::BaseReaderHandler<> h;
  rapidjson::Reader r;
  rapidjson::ParseResult pr = r.Parse<instant::detail::kParseFlags>(ms, h);
  if (pr.Code() == rapidjson::kParseErrorNumberTooBig) return -1;
  return pr ? 1 : 0;
}

}  // namespace

TEST_CASE("json_valid accepts valid JSON", "[token][json]") {
  for (const char* s : {"{}", "[]", " {\"a\" : [1, -2.5e+3, true, false, null, \"x\"]} ", "\"str\"", "0",
                        "-0.0e-0", "[[[[]]]]", "{\"a\":{\"b\":{}}}", "\"\\u00e9\\ud83d\\ude00\\n\\\"\"",
                        "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"", "1E5", "[1,{\"k\":[]}]", "\t\r\n{}\n"}) {
    INFO(s);
    CHECK(json_valid(s));
    CHECK(rapidjson_ok(s) == 1);
  }
}

TEST_CASE("json_valid refuses invalid JSON", "[token][json]") {
  for (const char* s : {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\"}", "{a:1}", "01", "1.", ".5", "+1",
                        "-", "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12G4\"", "\"\\ud800\"",
                        "\"\\ud800\\u0041\"", "[1 2]", "{} {}", "\"\x01\"", "\"\xC0\xAF\"", "\"\xED\xA0\x80\"",
                        "\"\xF4\x90\x80\x80\"", "\"\xff\"", "NaN", "[\"a\":1]", "{\"a\":1]", "[}"}) {
    INFO(s);
    CHECK_FALSE(json_valid(s));
    CHECK(rapidjson_ok(s) != 1);
  }
  CHECK_FALSE(json_valid(std::string("{}\0{}", 5)));  // RapidJSON's stream stops at NUL; instant does not
  CHECK_FALSE(json_valid(std::string(5000, '[') + std::string(5000, ']')));  // nesting bound
  CHECK(json_valid(std::string(4000, '[') + std::string(4000, ']')));
}

TEST_CASE("json_valid agrees with RapidJSON on random mutations", "[token][json]") {
  const std::string seeds[] = {R"({"name":"Alice","tags":["a","b"],"n":-1.5e3,"ok":true,"x":null})",
                               R"([1,[2,[3,{"k":"\u00e9\ud83d\ude00"}]],"s\"t",false])",
                               "{\"\xC3\xA9\":\"\xE2\x82\xAC\"}", "  \"plain\"  "};
  const char alphabet[] = "{}[]\":,.-+eE0123456789tfnrulasx\\/ \t\n\x01\x7f\xC3\xA9\xED\xF0\xFF";
  std::mt19937 rng(20261127);
  int disagreements = 0, checked = 0, valid = 0;
  for (int round = 0; round < 60000; ++round) {
    std::string s = seeds[rng() % 4];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t pos = rng() % s.size();
      const char ch = alphabet[rng() % (sizeof alphabet - 1)];
      switch (rng() % 3) {
        case 0: s[pos] = ch; break;
        case 1: s.insert(s.begin() + static_cast<long>(pos), ch); break;
        default: s.erase(pos, 1); break;
      }
    }
    const int rj = rapidjson_ok(s);
    if (rj < 0) continue;
    ++checked;
    valid += rj;
    if (json_valid(s) != (rj == 1)) {
      ++disagreements;
      UNSCOPED_INFO("disagreement on: " << s);
    }
  }
  CHECK(checked > 50000);
  CHECK(valid > 2000);  // both verdicts are exercised
  CHECK(disagreements == 0);
}
