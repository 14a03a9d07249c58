// One UTF-8 rule for the whole library: no overlongs, no surrogates, nothing
// above U+10FFFF. Header-only so the token hot path can inline it.
#ifndef INSTANT_DETAIL_UTF8_HPP
#define INSTANT_DETAIL_UTF8_HPP

#include <cstddef>
#include <cstdint>

namespace instant {
namespace detail {

// The length (2 to 4) of the well-formed multi-byte sequence starting at p
// (*p >= 0x80), or 0 when it is malformed or runs past end.
inline std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned char c = *p;
  std::size_t n;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    cp = c & 0x1F;
    if (cp < 2) return 0;  // overlong (C0, C1)
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) <= n) return 0;
  for (std::size_t i = 1; i <= n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n + 1;
}

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_UTF8_HPP
