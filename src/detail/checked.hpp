// Checked and saturating integer arithmetic for times and sizes: no signed
// overflow anywhere a value comes from a caller, a token or a request.
#ifndef INSTANT_DETAIL_CHECKED_HPP
#define INSTANT_DETAIL_CHECKED_HPP

#include <cstdint>
#include <limits>

namespace instant {
namespace detail {

// a + b into out; false (out untouched) when it would overflow.
inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t& out) noexcept {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return false;
  out = r;
  return true;
}

// a + b clamped to the int64 range.
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_CHECKED_HPP
