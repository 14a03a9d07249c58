// Internal JSON and UTF-8 helpers over RapidJSON. Never included by public headers.
#ifndef INSTANT_DETAIL_JSON_HPP
#define INSTANT_DETAIL_JSON_HPP

#include <instant/error.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace instant {
namespace detail {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Parse flags used for every untrusted JSON text: strict UTF-8, no recursion
// (so hostile nesting cannot overflow the stack), full-precision numbers.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
    rapidjson::kParseFullPrecisionFlag;

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool utf8_valid(std::string_view s) noexcept;

// Checks that `text` is one complete JSON value in valid UTF-8. On failure
// returns invalid_json / invalid_utf8 naming `what` (never quoting the text).
Status validate_json(std::string_view text, const char* what);

// Checks a caller string is valid UTF-8; invalid_utf8 naming `what` otherwise.
Status validate_utf8(std::string_view s, const char* what);

// Parses `text` into `doc`; malformed_reply / invalid_json on failure.
bool parse(rapidjson::Document& doc, std::string_view text) noexcept;

inline void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void write_key(JsonWriter& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
// Embeds already validated JSON text as a value.
inline void write_raw(JsonWriter& w, std::string_view json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

// Serializes a DOM value back to JSON text.
std::string to_string(const rapidjson::Value& v);

// Typed member access that tolerates absent members.
const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) noexcept;
std::string get_string(const rapidjson::Value& obj, const char* name);
std::uint64_t get_uint(const rapidjson::Value& obj, const char* name);

// The JSON text of `s` as a JSON string literal (quotes and escapes).
std::string quote(std::string_view s);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_JSON_HPP
