// instant/bundle.hpp - the JSON that django-instant's login / get_token /
// subscribe endpoints return: {"csrf_token", "ws_token", "channels":[{"name",
// "level","token"}]}, with the user's authorized channels and tokens minted by
// an instant::Signer. The host owns HTTP, sessions and CSRF.
// Thread-safety: pure functions; safe to call concurrently with one Signer and
// one Registry.
#ifndef INSTANT_BUNDLE_HPP
#define INSTANT_BUNDLE_HPP

#include <instant/channels.hpp>
#include <instant/error.hpp>
#include <instant/export.h>
#include <instant/token.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace instant {

// Where server-side subscriptions go in the connection token.
enum class ServerSide {
  off,       // per-channel subscription tokens; the client subscribes itself
  channels,  // the `channels` claim lists the authorized channels
  subs,      // the `subs` claim maps each authorized channel to {} options
};

// The lowercase name of a ServerSide value ("off", "channels", "subs"). Never null.
INSTANT_API const char* to_string(ServerSide s) noexcept;

// Bundle settings. A value type.
struct BundleOptions {
  AuthorizeOptions authorize;  // anonymous_public also lets anonymous users have a bundle
  std::int64_t lifetime = 86400;  // token lifetime in seconds (django-instant: 24 h); > 0
  // With server-side subscriptions the connection token subscribes the client
  // and the channel entries carry no "token" (the client must not subscribe).
  ServerSide server_side = ServerSide::off;
};

// One channel entry of a bundle.
struct BundleChannel {
  std::string name;
  Level level = Level::public_;
  std::string token;  // subscription JWT; empty with server-side subscriptions
};

// The endpoint payload. A value type that holds tokens: keep it out of logs.
struct INSTANT_API Bundle {
  std::string csrf_token;
  std::string ws_token;  // connection JWT
  std::vector<BundleChannel> channels;

  // {"csrf_token","ws_token","channels":[{"name","level","token"}]} in this order.
  std::string to_json() const;
};

// Builds the bundle for `user` from `channels` (authorized, deduplicated, in
// order). forbidden for an anonymous user unless authorize.anonymous_public
// (django-instant's 403); invalid_argument for an authenticated user without
// id, a bad lifetime or a CSRF token that is not UTF-8; token errors from the
// signer (errc::key when it is empty).
INSTANT_API Bundle make_bundle(const Signer& signer, const std::vector<Channel>& channels,
                               const User& user, std::string_view csrf_token,
                               const BundleOptions& opts = {});
INSTANT_API Bundle make_bundle(const Signer& signer, const std::vector<Channel>& channels,
                               const User& user, std::string_view csrf_token,
                               const BundleOptions& opts, Status& st);
// The same from a registry snapshot.
INSTANT_API Bundle make_bundle(const Signer& signer, const Registry& registry, const User& user,
                               std::string_view csrf_token, const BundleOptions& opts = {});
INSTANT_API Bundle make_bundle(const Signer& signer, const Registry& registry, const User& user,
                               std::string_view csrf_token, const BundleOptions& opts, Status& st);

}  // namespace instant

#endif  // INSTANT_BUNDLE_HPP
