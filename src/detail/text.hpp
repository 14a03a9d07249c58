// Printable excerpts of untrusted text for error messages.
#ifndef INSTANT_DETAIL_TEXT_HPP
#define INSTANT_DETAIL_TEXT_HPP

#include <instant/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace instant {
namespace detail {

// At most `max` bytes of s with every byte outside printable ASCII shown as
// '?', and "..." when s was cut: safe to put in a message or a log line.
inline std::string printable(std::string_view s, std::size_t max = 64) {
  std::string out;
  for (char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  if (s.size() > max) out += "...";
  return out;
}

// The member of `all` whose to_string() is `text` (exact case); otherwise
// `all[0]` and invalid_argument naming `what` and the `expected` names.
template <class E, std::size_t N>
E parse_named(std::string_view text, const E (&all)[N], const char* what, const char* expected,
              Status& st) {
  st.clear();
  for (E e : all) {
    if (text == to_string(e)) return e;
  }
  st = Status(errc::invalid_argument, std::string("unknown ") + what + " '" + printable(text, 32) +
                                          "' (expected " + expected + ")");
  return all[0];
}

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_TEXT_HPP
