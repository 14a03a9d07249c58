// instant's one JSON verdict (src/detail/json.hpp) against RapidJSON's own
// reader used plainly (no numbers-as-strings, no tape): equal on a corpus and
// on deterministic random mutations, apart from the documented additions
// (depth, repeated names, U+0000 in names, a NUL byte after the value, a
// string that does not decode to UTF-8).
#include "catch.hpp"
#include "detail/json.hpp"
#include "json_oracle.hpp"

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <random>
#include <set>
#include <vector>
#include <string>

using instant::detail::json_valid;

namespace {

// RapidJSON's verdict: 1 valid, 0 invalid. Normal precision: these inputs
// stay far from the exponent ranges where its arithmetic is unsafe.
int rapidjson_ok(const std::string& s) {
  rapidjson::MemoryStream ms(s.data(), s.size());
  rapidjson::BaseReaderHandler<> h;
  rapidjson::Reader r;
  rapidjson::ParseResult pr =
      r.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(ms, h);
  return pr && ms.Tell() == s.size() ? 1 : 0;
}

// The documented additions, computed independently on RapidJSON's DOM: a
// repeated member name or U+0000 in a name anywhere, or a string or name that
// does not decode to UTF-8 (the corpus stays shallow).
bool names_ok(const std::string& s) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(s.data(), s.size());
  if (d.HasParseError()) return true;
  std::vector<const rapidjson::Value*> todo{&d};
  while (!todo.empty()) {
    const rapidjson::Value* v = todo.back();
    todo.pop_back();
    if (v->IsString() && !rj_decoded_utf8(v->GetString(), v->GetStringLength())) return false;
    if (v->IsArray()) {
      for (const auto& e : v->GetArray()) todo.push_back(&e);
    } else if (v->IsObject()) {
      std::set<std::string> seen;
      for (const auto& m : v->GetObject()) {
        std::string name(m.name.GetString(), m.name.GetStringLength());
        if (name.find('\0') != std::string::npos || !seen.insert(name).second ||
            !rj_decoded_utf8(name.data(), name.size())) {
          return false;
        }
        todo.push_back(&m.value);
      }
    }
  }
  return true;
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
  CHECK_FALSE(json_valid(std::string("1\0garbage", 9)));
  CHECK_FALSE(json_valid(std::string(257, '[') + std::string(257, ']')));  // nesting bound
  CHECK(json_valid(std::string(256, '[') + std::string(256, ']')));
  CHECK_FALSE(json_valid(std::string(100000, '[')));
}

TEST_CASE("the verdict's additions to RapidJSON's", "[json]") {
  using instant::detail::validate_json;
  // Numbers beyond double range: refused (RapidJSON's kParseErrorNumberTooBig),
  // so what the Signer embeds its Verifier can read back (F6, F10).
  CHECK_FALSE(json_valid("1e400"));
  CHECK_FALSE(json_valid("[-1e309]"));
  CHECK_FALSE(json_valid(std::string(400, '9')));
  CHECK(json_valid("1e-400"));  // underflow is a valid number (0)
  CHECK(json_valid("1.00000000000000000001e-330"));  // the F1 crash number, never converted
  // A UTF-8 BOM is not JSON (Centrifugo's Go reader refuses it too).
  CHECK_FALSE(json_valid("\xEF\xBB\xBF{}"));
  // Repeated member names, at any depth, and U+0000 in names (F11).
  CHECK_FALSE(json_valid(R"({"a":1,"a":2})"));
  CHECK_FALSE(json_valid(R"({"x":[{"a":1,"b":2,"a":3}]})"));
  CHECK(json_valid(R"({"a":1,"b":{"a":2}})"));
  CHECK_FALSE(json_valid(R"({"info\u0000zz":1})"));
  CHECK(json_valid(R"({"info":"a\u0000b"})"));  // in a string value: kept, flagged
  // A lone surrogate escape: RapidJSON refuses a high one but decodes a low
  // one into bytes that are not UTF-8, which a writer would then copy into a
  // token (found by fuzz_capi_json). Refused in strings and names alike.
  for (const char* lone : {R"("\udc00")", R"("a\uDFFFb")", R"({"so\udddd":1})", R"(["\ude00\ud83d\ude00"])"}) {
    INFO(lone);
    CHECK_FALSE(json_valid(lone));
    CHECK(rapidjson_ok(lone) == 1);
    CHECK(validate_json(lone, "extra").message().find("lone surrogate") != std::string::npos);
  }
  CHECK_FALSE(json_valid(R"("\ud800")"));
  CHECK(json_valid(R"({"\ud83d\ude00":"\ud7ff\ue000"})"));  // a pair, and the code points around
  auto st = validate_json(R"({"a":1,"a":2})", "claims");
  CHECK(st.kind() == instant::errc::invalid_json);
  CHECK(st.message().find("repeated") != std::string::npos);
  CHECK(validate_json(std::string(300, '['), "data").message().find("256") != std::string::npos);
}

TEST_CASE("repeated names are found in linear-ish time in huge objects (F2)", "[json]") {
  std::string big = "{";
  for (int i = 0; i < 20000; ++i) big += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  CHECK(json_valid(big + "}"));
  CHECK_FALSE(json_valid(big + ",\"k7\":1}"));
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
    const int rj = rapidjson_ok(s) && names_ok(s) ? 1 : 0;
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
