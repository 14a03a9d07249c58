// The server API's publish and broadcast commands: the checks and the JSON
// writing shared by Client (one request per call), Publisher (batches) and
// the django-instant envelope. Never included by public headers.
#ifndef INSTANT_DETAIL_COMMANDS_HPP
#define INSTANT_DETAIL_COMMANDS_HPP

#include <instant/client.hpp>
#include <instant/message.hpp>

#include "detail/json.hpp"

#include <string_view>

namespace instant {
namespace detail {

// A missing channel is an invalid argument; a present one must pass the one
// channel-name checker (instant/channel_name.hpp) with `rules`.
Status check_channel(std::string_view channel, const NameRules& rules, const char* what = "channel");
// data / b64data (exactly one; data valid JSON, b64data padded base64) and the options.
Status check_payload(std::string_view data, std::string_view b64data, const PublishOptions& o);
Status check_options(const PublishOptions& o);
Status check_publish(const PublishRequest& r, const NameRules& rules);
Status check_broadcast(const BroadcastRequest& r, const NameRules& rules);

// Writes "key":"value" only when value is not empty.
void write_opt(JsonWriter& w, const char* key, std::string_view value);
// The payload members of a publish/broadcast; `key` is the idempotency_key
// to send (the caller's or a generated one; empty: none).
void write_payload(JsonWriter& w, std::string_view data, std::string_view b64data,
                   const PublishOptions& o, std::string_view key);
// The params objects {"channel",...} and {"channels":[...],...}.
void write_publish(JsonWriter& w, const PublishRequest& r, std::string_view key);
void write_broadcast(JsonWriter& w, const BroadcastRequest& r, std::string_view key);

// django-instant's envelope: check_event validates the event for `channel`
// (invalid_argument, invalid_utf8, invalid_json); write_envelope writes the
// object {"channel","site","message"?,"data"?,"event_class"?,"bucket"?}.
Status check_event(std::string_view channel, const Event& ev, std::string_view site);
void write_envelope(JsonWriter& w, std::string_view channel, const Event& ev, std::string_view site);
// The site an event goes out with: its own, or the default.
inline std::string_view event_site(const Event& ev, std::string_view default_site) {
  return ev.site ? std::string_view(*ev.site) : default_site;
}

// Reading replies: {"code":N,"message":".."} as server_error (the message
// shown printable, at most 200 bytes), and {"offset","epoch"} as a position
// (empty when absent; false when present but not an object of an unsigned
// integer offset and a string epoch).
Status reply_error(JsonValue err);
bool reply_position(JsonValue v, StreamPosition& out);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_COMMANDS_HPP
