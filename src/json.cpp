#include "detail/json.hpp"

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
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
      if (cp < 2) return false;  // overlong (C0, C1)
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    for (std::size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
    if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
    p += n + 1;
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
