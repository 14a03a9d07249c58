// instant/proxy.hpp - answers Centrifugo's connect, refresh, subscribe and
// sub_refresh proxy requests (HTTP POST bodies, JSON) with the channel rules of
// instant/channels.hpp. Pure functions: request JSON in, response JSON out; the
// host owns the HTTP server and resolves its users through a callback.
// Malformed or hostile requests get an error reply; these functions never
// throw and never crash on input.
#ifndef INSTANT_PROXY_HPP
#define INSTANT_PROXY_HPP

#include <instant/channels.hpp>
#include <instant/export.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace instant {

// Error codes in proxy replies (Centrifugo passes 400-1999 on to the client).
namespace proxy_code {
constexpr int bad_request = 400;    // malformed request: not JSON, wrong types, bad channel name
constexpr int unauthorized = 401;   // connect: the host does not know this client
constexpr int forbidden = 403;      // subscribe: the user may not use this channel
constexpr int too_large = 413;      // request body above max_request_bytes
constexpr int internal = 500;       // the resolver threw (reply marked temporary)
}  // namespace proxy_code

// The fields of a proxy request the handlers read. A value type; JSON-valued
// members (data, meta) hold JSON text, empty when absent.
struct ProxyRequest {
  std::string client;
  std::string transport;
  std::string protocol;
  std::string encoding;
  std::string user;                   // subscribe, refresh, sub_refresh
  std::string channel;                // subscribe, sub_refresh
  std::string token;                  // subscribe
  std::string data;                   // JSON text sent by the client (connect, subscribe)
  std::string b64data;
  std::string meta;                   // connection meta JSON text
  std::vector<std::string> channels;  // connect: channels the client asks for
  std::string name;                   // connect: client name
  std::string version;                // connect: client version
  // HTTP headers of the proxy call as given by the host (Centrifugo forwards
  // the ones listed in the proxy's http_headers, e.g. Cookie).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Maps a request to the host's user: nullopt when unknown. Called on the
// handler's thread; may throw (the reply is then an internal error).
using UserResolver = std::function<std::optional<User>(const ProxyRequest& request)>;

// Handler settings. A value type.
struct ProxyOptions {
  AuthorizeOptions authorize;
  // Connect result expire_at = now + this; 0 = left out (no expiry, no refresh
  // calls). refresh extends by this, or by 3600 s when it is 0.
  std::int64_t connection_lifetime = 0;
  // Subscribe result expire_at = now + this; 0 = left out. sub_refresh extends
  // by this, or by 3600 s when it is 0.
  std::int64_t subscription_lifetime = 0;
  // Connect result lists the user's authorized channels in `channels`
  // (server-side subscriptions: no client subscribe needed).
  bool server_side_subscriptions = false;
  std::size_t max_request_bytes = 65536;  // larger bodies get error 413
  std::int64_t now = 0;                   // evaluation time; 0 = the system clock
  // Called with each subscribe / sub_refresh decision (for logs); may be empty.
  std::function<void(const Decision&)> on_decision;
};

// Parses a proxy request body. invalid_json / invalid_utf8 / invalid_argument
// (wrong member type) / too_large on bad input. Pure; thread-safe.
[[nodiscard]] INSTANT_API ProxyRequest parse_proxy_request(std::string_view body,
                                                           std::size_t max_bytes);
[[nodiscard]] INSTANT_API ProxyRequest parse_proxy_request(std::string_view body,
                                                           std::size_t max_bytes, Status& st);

// Connect proxy: {"result":{"user","expire_at"?,"channels"?}} for a resolved
// user (an anonymous one only when authorize.anonymous_public), else error 401.
// Thread-safe when the resolver is.
INSTANT_API std::string proxy_connect(std::string_view body, const Registry& registry,
                                      const UserResolver& resolve, const ProxyOptions& opts = {},
                                      std::vector<std::pair<std::string, std::string>> headers = {});

// Subscribe proxy: {"result":{}} (plus expire_at) when the registered channel is
// authorized for the resolved user whose id equals the request's user, else
// {"error":{"code":403,...}}; 400 for a malformed request.
INSTANT_API std::string proxy_subscribe(std::string_view body, const Registry& registry,
                                        const UserResolver& resolve, const ProxyOptions& opts = {},
                                        std::vector<std::pair<std::string, std::string>> headers = {});

// Refresh proxy: extends (expire_at) while the user still resolves, else
// {"result":{"expired":true}}.
INSTANT_API std::string proxy_refresh(std::string_view body, const Registry& registry,
                                      const UserResolver& resolve, const ProxyOptions& opts = {},
                                      std::vector<std::pair<std::string, std::string>> headers = {});

// Sub-refresh proxy: extends while the channel is still authorized, else
// {"result":{"expired":true}}.
INSTANT_API std::string proxy_sub_refresh(std::string_view body, const Registry& registry,
                                          const UserResolver& resolve,
                                          const ProxyOptions& opts = {},
                                          std::vector<std::pair<std::string, std::string>> headers = {});

}  // namespace instant

#endif  // INSTANT_PROXY_HPP
