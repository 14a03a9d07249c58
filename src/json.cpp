#include "detail/json.hpp"
#include "detail/utf8.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace instant {
namespace detail {

bool utf8_valid(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = utf8_sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

Status validate_utf8(std::string_view s, const char* what) {
  if (utf8_valid(s)) return {};
  return Status(errc::invalid_utf8, std::string("invalid UTF-8 in '") + what + "'");
}

Status validate_json(std::string_view text, const char* what) {
  if (!utf8_valid(text)) {
    return Status(errc::invalid_utf8, std::string("invalid UTF-8 in '") + what + "'");
  }
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::BaseReaderHandler<> handler;
  rapidjson::Reader reader;
  rapidjson::ParseResult r = reader.Parse<kParseFlags>(ms, handler);
  if (!r) {
    return Status(errc::invalid_json, std::string("invalid JSON in '") + what + "': " +
                                          rapidjson::GetParseError_En(r.Code()) + " at offset " +
                                          std::to_string(r.Offset()));
  }
  return {};
}

bool parse(rapidjson::Document& doc, std::string_view text) noexcept {
  doc.Parse<kParseFlags>(text.data(), text.size());
  return !doc.HasParseError();
}

std::string to_string(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) noexcept {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string get_string(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  if (v && v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return {};
}

std::uint64_t get_uint(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  if (v && v->IsUint64()) return v->GetUint64();
  return 0;
}

std::string quote(std::string_view s) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  write_string(w, s);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace detail
}  // namespace instant
