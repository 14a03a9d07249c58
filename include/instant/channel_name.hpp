// instant/channel_name.hpp - Centrifugo v6's channel-name rules, the one
// checker that the client, the token signer and the registry all use.
// Pure functions on plain values; thread-safe.
#ifndef INSTANT_CHANNEL_NAME_HPP
#define INSTANT_CHANNEL_NAME_HPP

#include <instant/error.hpp>
#include <instant/export.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace instant {

// Centrifugo's channel-name rules (its defaults). A value type.
struct NameRules {
  std::size_t max_length = 255;  // bytes (channel.max_length)
  bool allow_non_ascii = false;  // true only when the namespace sets channel_regex
};

// Checks `name` against Centrifugo's rules: non-empty, at most max_length
// bytes, valid UTF-8, ASCII unless allowed, no control characters, `$` only as
// the first character (the private prefix), a namespace (the text before the
// first ':' after the `$`) of 2+ characters from [-a-zA-Z0-9_.] with a
// non-empty rest after it; `#` user-limited channels (`dialog#42,43`) pass
// (the namespace decides whether they are allowed). Throws
// Error(invalid_channel) with the reason; the Status& form reports it.
INSTANT_API void validate_channel_name(std::string_view name, const NameRules& rules = {});
INSTANT_API void validate_channel_name(std::string_view name, const NameRules& rules, Status& st);

// The namespace part of a channel name ("chat" for "$chat:room"), "" if none.
INSTANT_API std::string channel_namespace(std::string_view name);

// The private form of a name: "$" + name unless it already starts with "$"
// ("chat:room" -> "$chat:room", Centrifugo's `$ns:chan`).
INSTANT_API std::string private_channel_name(std::string_view name);

}  // namespace instant

#endif  // INSTANT_CHANNEL_NAME_HPP
