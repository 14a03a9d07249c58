#include "detail/commands.hpp"

#include "detail/jwt.hpp"
#include "detail/text.hpp"

namespace instant {
namespace detail {

void write_opt(JsonWriter& w, const char* key, std::string_view value) {
  if (value.empty()) return;
  write_key(w, key);
  write_string(w, value);
}

// A missing channel is an invalid argument; a present one must pass the one
// channel-name checker (instant/channel_name.hpp) with the configured rules.
Status check_channel(std::string_view channel, const NameRules& rules, const char* what) {
  if (channel.empty()) return Status(errc::invalid_argument, std::string("invalid argument: '") + what + "' is empty");
  Status st;
  validate_channel_name(channel, rules, st);
  return st;
}

// Checks data/b64data/options of a publish or broadcast.
Status check_payload(std::string_view data, std::string_view b64data, const PublishOptions& o) {
  if (data.empty() && b64data.empty()) {
    return Status(errc::invalid_argument, "invalid argument: 'data' is empty (Centrifugo refuses empty data)");
  }
  if (!data.empty() && !b64data.empty()) {
    return Status(errc::invalid_argument, "invalid argument: give 'data' or 'b64data', not both");
  }
  if (!data.empty()) {
    Status st = validate_json(data, "data");
    if (!st.ok()) return st;
  }
  if (!b64data.empty() && !b64std_valid(b64data)) {
    return Status(errc::invalid_argument, "invalid argument: 'b64data' is not padded standard base64");
  }
  return check_options(o);
}

Status check_options(const PublishOptions& o) {
  for (const auto& t : o.tags) {
    Status st = validate_utf8(t.first, "tags");
    if (st.ok()) st = validate_utf8(t.second, "tags");
    if (!st.ok()) return st;
  }
  Status st = validate_utf8(o.idempotency_key, "idempotency_key");
  if (st.ok()) st = validate_utf8(o.version_epoch, "version_epoch");
  return st;
}

// `key`: the idempotency_key to send (the caller's or a generated one; empty: none).
void write_payload(JsonWriter& w, std::string_view data, std::string_view b64data,
                   const PublishOptions& o, std::string_view key) {
  if (!data.empty()) {
    write_key(w, "data");
    write_raw(w, data);
  }
  write_opt(w, "b64data", b64data);
  if (o.skip_history) {
    write_key(w, "skip_history");
    w.Bool(true);
  }
  if (!o.tags.empty()) {
    write_key(w, "tags");
    w.StartObject();
    for (const auto& t : o.tags) {
      write_key(w, t.first);
      write_string(w, t.second);
    }
    w.EndObject();
  }
  write_opt(w, "idempotency_key", key);
  if (o.delta) {
    write_key(w, "delta");
    w.Bool(true);
  }
  if (o.version != 0) {
    write_key(w, "version");
    w.Uint64(o.version);
  }
  write_opt(w, "version_epoch", o.version_epoch);
}

Status check_publish(const PublishRequest& r, const NameRules& rules) {
  Status st = check_channel(r.channel, rules);
  if (st.ok()) st = check_payload(r.data, r.b64data, r.options);
  return st;
}

void write_publish(JsonWriter& w, const PublishRequest& r, std::string_view key) {
  w.StartObject();
  write_key(w, "channel");
  write_string(w, r.channel);
  write_payload(w, r.data, r.b64data, r.options, key);
  w.EndObject();
}

Status check_broadcast(const BroadcastRequest& r, const NameRules& rules) {
  if (r.channels.empty()) return Status(errc::invalid_argument, "invalid argument: 'channels' is empty");
  for (const auto& c : r.channels) {
    Status st = check_channel(c, rules, "channels");
    if (!st.ok()) return st;
  }
  return check_payload(r.data, r.b64data, r.options);
}

void write_broadcast(JsonWriter& w, const BroadcastRequest& r, std::string_view key) {
  w.StartObject();
  write_key(w, "channels");
  w.StartArray();
  for (const auto& c : r.channels) write_string(w, c);
  w.EndArray();
  write_payload(w, r.data, r.b64data, r.options, key);
  w.EndObject();
}

Status check_event(std::string_view channel, const Event& ev, std::string_view site) {
  if (channel.empty()) return Status(errc::invalid_argument, "invalid argument: 'channel' is empty");
  if (!ev.message && !ev.data) {
    return Status(errc::invalid_argument, "invalid argument: publish needs a 'message' or 'data'");
  }
  Status st = validate_utf8(channel, "channel");
  if (st.ok() && ev.message) st = validate_utf8(*ev.message, "message");
  if (st.ok() && ev.data) st = validate_json(*ev.data, "data");
  if (st.ok()) st = validate_utf8(site, "site");
  if (st.ok()) st = validate_utf8(ev.event_class, "event_class");
  if (st.ok()) st = validate_utf8(ev.bucket, "bucket");
  return st;
}

void write_envelope(JsonWriter& w, std::string_view channel, const Event& ev, std::string_view site) {
  w.StartObject();
  write_key(w, "channel");
  write_string(w, channel);
  write_key(w, "site");
  write_string(w, site);
  if (ev.message) {
    write_key(w, "message");
    write_string(w, *ev.message);
  }
  if (ev.data) {
    write_key(w, "data");
    write_raw(w, *ev.data);
  }
  write_opt(w, "event_class", ev.event_class);
  write_opt(w, "bucket", ev.bucket);
  w.EndObject();
}

Status reply_error(JsonValue err) {
  std::int64_t c = 0;
  const int code = err["code"].to_int64(c) && c >= 0 && c <= 1000000 ? static_cast<int>(c) : 0;
  const JsonValue m = err["message"];
  const std::string msg = m.is_string() ? printable(m.str(), 200) : std::string();
  return Status(errc::server_error,
                "Centrifugo error " + std::to_string(code) + (msg.empty() ? "" : ": " + msg), 0, code);
}

bool reply_position(JsonValue v, StreamPosition& out) {
  out = StreamPosition();
  if (!v || v.is_null()) return true;
  if (!v.is_object()) return false;
  if (const JsonValue o = v["offset"]; o && !o.to_uint64(out.offset)) return false;
  const JsonValue e = v["epoch"];
  if (e && !e.is_string()) return false;
  out.epoch.assign(e.str());
  return true;
}

}  // namespace detail
}  // namespace instant
