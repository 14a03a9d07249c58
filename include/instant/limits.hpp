// instant/limits.hpp - the resource bounds instant applies to what it reads
// and to its settings (docs/limits.md lists each with its reason and how to
// change it). Values outside a setting's range are refused when the setting
// is used, with errc::invalid_argument (or errc::config for Config) naming it.
#ifndef INSTANT_LIMITS_HPP
#define INSTANT_LIMITS_HPP

#include <cstddef>
#include <cstdint>

namespace instant {
namespace limits {

// Deepest nesting of JSON arrays and objects accepted in any JSON text.
constexpr std::size_t json_depth = 256;
// Extra levels allowed in the documents that carry caller JSON a few levels
// down (token claims, server replies), so that whatever instant writes or
// publishes within json_depth, it reads back: claims of 256 + 16 levels.
constexpr std::size_t json_wrapper_depth = 16;
// Largest decoded JOSE header of a token to verify (checked before parsing).
constexpr std::size_t jose_header_bytes = 4096;
// Longest lifetime or duration in seconds: token lifetimes and ttl, proxy
// connection / subscription lifetimes, bundle lifetimes (10 years).
constexpr std::int64_t max_lifetime_seconds = 315360000;
// Largest clock-skew leeway of a Verifier, in seconds (one day).
constexpr std::int64_t max_leeway_seconds = 86400;
// Longest connect or request timeout, in milliseconds (one hour).
constexpr std::int64_t max_timeout_ms = 3600000;
// Largest status line and headers of a server reply.
constexpr std::size_t http_head_bytes = 65536;
// Most keys a Verifier holds (current plus previous ones during rotation).
constexpr std::size_t verifier_keys = 64;
// Publisher settings: the longest linger, the most lanes (inflight), and the
// longest of message_timeout, retry backoff, endpoint stickiness and
// close_timeout (one day), in milliseconds.
constexpr std::int64_t max_linger_ms = 60000;
constexpr std::size_t max_publisher_inflight = 64;
constexpr std::int64_t max_publisher_duration_ms = 86400000;

}  // namespace limits
}  // namespace instant

#endif  // INSTANT_LIMITS_HPP
