#include "catch.hpp"
#include "detail/json.hpp"

using instant::errc;
using instant::detail::utf8_valid;
using instant::detail::validate_json;

TEST_CASE("utf8_valid accepts well-formed UTF-8", "[utf8]") {
  CHECK(utf8_valid(""));
  CHECK(utf8_valid("plain ascii"));
  CHECK(utf8_valid("h\xC3\xA9llo"));                 // é
  CHECK(utf8_valid("\xE2\x82\xAC"));                 // €
  CHECK(utf8_valid("\xF0\x9F\x98\x80"));             // 😀
  CHECK(utf8_valid("\xF4\x8F\xBF\xBF"));             // U+10FFFF
}

TEST_CASE("utf8_valid refuses malformed UTF-8", "[utf8]") {
  CHECK_FALSE(utf8_valid("\xC3"));                   // truncated
  CHECK_FALSE(utf8_valid("\xC0\xAF"));               // overlong '/'
  CHECK_FALSE(utf8_valid("\xE0\x80\xAF"));           // overlong 3-byte
  CHECK_FALSE(utf8_valid("\xED\xA0\x80"));           // surrogate D800
  CHECK_FALSE(utf8_valid("\xF4\x90\x80\x80"));       // > U+10FFFF
  CHECK_FALSE(utf8_valid("\xFF"));
  CHECK_FALSE(utf8_valid("abc\x80"));                // stray continuation
}

TEST_CASE("validate_json names the argument and never echoes it", "[json]") {
  CHECK(validate_json(R"({"a":[1,2,{"b":null}]})", "data").ok());
  CHECK(validate_json("\"just a string\"", "data").ok());
  auto st = validate_json("{\"a\":", "data");
  CHECK(st.kind() == errc::invalid_json);
  CHECK(st.message().find("'data'") != std::string::npos);
  CHECK(validate_json("{} trailing", "data").kind() == errc::invalid_json);
  CHECK(validate_json("", "data").kind() == errc::invalid_json);
  CHECK(validate_json("\"\xC3\x28\"", "data").kind() == errc::invalid_utf8);
  std::string deep(100000, '[');
  CHECK(validate_json(deep, "data").kind() == errc::invalid_json);  // no stack overflow
}
