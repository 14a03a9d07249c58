// A strict, allocation-free JSON validator for the token hot path (info,
// data, meta given by the caller). RFC 8259 grammar, one value with optional
// whitespace around it, UTF-8 checked inside strings, escapes checked (a high
// surrogate needs its low half, as RapidJSON requires). Non-recursive: the
// container stack is a bit array, so hostile nesting cannot exhaust the stack.
#include "detail/jwt.hpp"
#include "detail/utf8.hpp"

#include <cstdint>

namespace instant {
namespace detail {

namespace {

constexpr std::size_t kMaxDepth = 4096;

inline bool ws(unsigned char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
inline int hexval(unsigned char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Cursor {
  const unsigned char* p;
  const unsigned char* end;

  void skip_ws() noexcept {
    while (p < end && ws(*p)) ++p;
  }

  bool hex4(unsigned& v) noexcept {
    if (end - p < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hexval(p[i]);
      if (h < 0) return false;
      v = (v << 4) | static_cast<unsigned>(h);
    }
    p += 4;
    return true;
  }

  // p at the opening quote.
  bool string() noexcept {
    ++p;
    while (p < end) {
      const unsigned char c = *p;
      if (c == '"') {
        ++p;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++p >= end) return false;
        const unsigned char e = *p++;
        if (e == 'u') {
          unsigned cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return false;
            p += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
          }
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return false;
        }
        continue;
      }
      if (c < 0x80) {
        ++p;
        continue;
      }
      // Multi-byte UTF-8 (detail/utf8.hpp).
      const std::size_t n = utf8_sequence(p, end);
      if (n == 0) return false;
      p += n;
    }
    return false;
  }

  bool number() noexcept {
    if (p < end && *p == '-') ++p;
    if (p >= end) return false;
    if (*p == '0') {
      ++p;
    } else if (*p >= '1' && *p <= '9') {
      while (p < end && digit(*p)) ++p;
    } else {
      return false;
    }
    if (p < end && *p == '.') {
      ++p;
      if (p >= end || !digit(*p)) return false;
      while (p < end && digit(*p)) ++p;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      if (p >= end || !digit(*p)) return false;
      while (p < end && digit(*p)) ++p;
    }
    return true;
  }

  bool literal(const char* word, std::size_t n) noexcept {
    if (static_cast<std::size_t>(end - p) < n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] != static_cast<unsigned char>(word[i])) return false;
    }
    p += n;
    return true;
  }
};

}  // namespace

bool json_valid(std::string_view text) noexcept {
  Cursor c{reinterpret_cast<const unsigned char*>(text.data()),
           reinterpret_cast<const unsigned char*>(text.data()) + text.size()};
  std::uint64_t is_object[kMaxDepth / 64];  // bits are written by push() before any read
  std::size_t depth = 0;
  auto push = [&](bool obj) {
    if (depth >= kMaxDepth) return false;
    if (obj) {
      is_object[depth / 64] |= std::uint64_t(1) << (depth % 64);
    } else {
      is_object[depth / 64] &= ~(std::uint64_t(1) << (depth % 64));
    }
    ++depth;
    return true;
  };
  auto top_is_object = [&] { return (is_object[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1; };

  // Expects a member name and its colon (cursor before the name).
  auto key = [&]() {
    c.skip_ws();
    if (c.p >= c.end || *c.p != '"' || !c.string()) return false;
    c.skip_ws();
    if (c.p >= c.end || *c.p != ':') return false;
    ++c.p;
    return true;
  };

  for (;;) {
    // A value.
    c.skip_ws();
    if (c.p >= c.end) return false;
    switch (*c.p) {
      case '{':
        ++c.p;
        if (!push(true)) return false;
        c.skip_ws();
        if (c.p < c.end && *c.p == '}') {
          ++c.p;
          --depth;
          break;
        }
        if (!key()) return false;
        continue;  // the member's value
      case '[':
        ++c.p;
        if (!push(false)) return false;
        c.skip_ws();
        if (c.p < c.end && *c.p == ']') {
          ++c.p;
          --depth;
          break;
        }
        continue;
      case '"':
        if (!c.string()) return false;
        break;
      case 't':
        if (!c.literal("true", 4)) return false;
        break;
      case 'f':
        if (!c.literal("false", 5)) return false;
        break;
      case 'n':
        if (!c.literal("null", 4)) return false;
        break;
      default:
        if (!c.number()) return false;
        break;
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      c.skip_ws();
      if (depth == 0) return c.p == c.end;
      if (c.p >= c.end) return false;
      const unsigned char ch = *c.p++;
      if (ch == ',') {
        if (top_is_object() && !key()) return false;
        break;  // next value
      }
      if (ch == (top_is_object() ? '}' : ']')) {
        --depth;
        continue;
      }
      return false;
    }
  }
}

}  // namespace detail
}  // namespace instant
