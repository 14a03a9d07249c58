// RapidJSON's own DOM as an independent reader of the JSON instant writes
// (tests only; instant itself reads JSON through src/detail/json.hpp).
#ifndef INSTANT_TEST_JSON_ORACLE_HPP
#define INSTANT_TEST_JSON_ORACLE_HPP

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/stringbuffer.h>

#include <cstddef>
#include <cstdint>
#include <string>

inline bool rj_parse(rapidjson::Document& d, const std::string& s) {
  d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(s.data(), s.size());
  return !d.HasParseError();
}

// The member `name` of obj, or nullptr.
inline const rapidjson::Value* rj_member(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// A string member or "".
inline std::string rj_string(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = rj_member(obj, name);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

// A decoded string is UTF-8, by RapidJSON's own validator (its reader
// decodes a lone low-surrogate escape into bytes that are not).
inline bool rj_decoded_utf8(const char* s, std::size_t n) {
  rapidjson::MemoryStream ms(s, n);
  rapidjson::StringBuffer sink;
  while (ms.Tell() < n) {
    if (!rapidjson::UTF8<>::Validate(ms, sink)) return false;
  }
  return true;
}

// An unsigned member or 0.
inline std::uint64_t rj_uint(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = rj_member(obj, name);
  return v && v->IsUint64() ? v->GetUint64() : 0;
}

#endif  // INSTANT_TEST_JSON_ORACLE_HPP
