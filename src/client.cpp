#include <instant/client.hpp>

#include "detail/commands.hpp"
#include "detail/json.hpp"
#include "detail/text.hpp"
#include "detail/transport.hpp"

#include <instant/config_gen.hpp>

#include <atomic>
#include <type_traits>
#include <utility>

namespace instant {

using detail::JsonWriter;
using detail::check_broadcast;
using detail::check_channel;
using detail::check_options;
using detail::check_publish;
using detail::write_broadcast;
using detail::write_opt;
using detail::write_payload;
using detail::write_publish;
using detail::write_key;
using detail::write_raw;
using detail::write_string;

bool BroadcastResult::all_ok() const noexcept {
  for (const auto& r : responses) {
    if (!r.status.ok()) return false;
  }
  return true;
}

bool BatchResult::all_ok() const noexcept {
  for (const auto& r : replies) {
    if (!r.status.ok()) return false;
  }
  return true;
}

void Batch::add(PublishRequest r) {
  BatchCommand c;
  c.method = "publish";
  c.publish = std::move(r);
  commands.push_back(std::move(c));
}

void Batch::add(BroadcastRequest r) {
  BatchCommand c;
  c.method = "broadcast";
  c.broadcast = std::move(r);
  commands.push_back(std::move(c));
}

void Batch::add(std::string method, std::string params_json) {
  BatchCommand c;
  c.method = std::move(method);
  c.params = std::move(params_json);
  commands.push_back(std::move(c));
}

namespace {

// Writes "key": {"offset":N,"epoch":".."}.
void write_position(JsonWriter& w, const char* key, const StreamPosition& pos) {
  write_key(w, key);
  w.StartObject();
  write_key(w, "offset");
  w.Uint64(pos.offset);
  write_key(w, "epoch");
  write_string(w, pos.epoch);
  w.EndObject();
}

// Runs the non-throwing form `fn(Status&)` and throws what it reports.
template <class Fn>
auto or_throw(Fn&& fn) {
  Status st;
  if constexpr (std::is_void_v<decltype(fn(st))>) {
    fn(st);
    throw_if_error(st);
  } else {
    auto r = fn(st);
    throw_if_error(st);
    return r;
  }
}

Status moved_from() { return Status(errc::invalid_argument, "the client was moved from"); }

Status check_required(std::string_view v, const char* what) {
  if (v.empty()) return Status(errc::invalid_argument, std::string("invalid argument: '") + what + "' is empty");
  return detail::validate_utf8(v, what);
}

Status check_optional_json(std::string_view v, const char* what) {
  if (v.empty()) return {};
  return detail::validate_json(v, what);
}

using detail::JsonDoc;
using detail::JsonValue;

// Server API methods that only read: sending one twice is harmless.
bool read_only(std::string_view method) {
  return method == "presence" || method == "presence_stats" || method == "history" ||
         method == "channels" || method == "info";
}

// A string member or "" (replies: a wrong type is not worth failing over).
std::string get_string(JsonValue obj, const char* name) {
  const JsonValue v = obj[name];
  return v.is_string() ? std::string(v.str()) : std::string();
}

std::uint64_t get_uint(JsonValue obj, const char* name) {
  std::uint64_t n = 0;
  return obj[name].to_uint64(n) ? n : 0;
}

std::uint32_t get_u32(JsonValue obj, const char* name) {
  const std::uint64_t n = get_uint(obj, name);
  return n > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(n);
}

// {"code":N,"message":".."} -> Status(server_error).
Status server_error(JsonValue err) { return detail::reply_error(err); }
// A publish result's position; malformed_reply when it is not one.
PublishResult read_position(JsonValue v, Status& st) {
  PublishResult r;
  if (!detail::reply_position(v, r)) {
    st = Status(errc::malformed_reply, "the publish result's offset/epoch is not an unsigned integer and a string", 200);
  }
  return r;
}

BroadcastResult read_broadcast(JsonValue result, Status& st) {
  BroadcastResult out;
  const JsonValue resp = result["responses"];
  if (!resp.is_array()) {
    st = Status(errc::malformed_reply, "broadcast reply has no 'responses' array");
    return out;
  }
  out.responses.reserve(resp.size());
  for (const auto item : resp.elements()) {
    BroadcastItem bi;
    if (const JsonValue e = item.value["error"]; e.is_object()) {
      bi.status = server_error(e);
    } else {
      bi.result = read_position(item.value["result"], bi.status);
    }
    out.responses.push_back(std::move(bi));
  }
  return out;
}

std::string json_or_empty(JsonValue v) {
  if (!v || v.is_null()) return {};
  return v.json();
}

// A short, printable excerpt of a non-JSON reply for error messages.
std::string excerpt(std::string_view body) { return detail::printable(body, 120); }

}  // namespace

struct Client::Impl {
  Config cfg;
  std::unique_ptr<detail::Transport> transport;
  std::string api_base;  // {url}/api
  // Generated idempotency keys: a random base per client and a sequence.
  std::string key_base;
  std::atomic<std::uint64_t> key_seq{0};

  // The idempotency_key a publish/broadcast carries: the caller's, else a new
  // one when the client generates them (v5 API only: Centrifugo v4 has none).
  std::string key_for(const PublishOptions& o) {
    if (!o.idempotency_key.empty()) return o.idempotency_key;
    if (key_base.empty()) return {};
    return key_base + std::to_string(key_seq.fetch_add(1, std::memory_order_relaxed));
  }
  // A publication may be sent twice only when Centrifugo drops the copy.
  bool resend_safe(std::string_view key) const {
    return !key.empty() && cfg.api_mode == ApiMode::v5;
  }

  explicit Impl(Config c) : cfg(std::move(c)) {
    transport = detail::make_curl_transport(detail::transport_options(cfg));
    if (cfg.idempotency_keys && cfg.api_mode == ApiMode::v5) {
      Status rs;
      key_base = detail::idempotency_key_base(rs);
      if (!rs.ok()) key_base.clear();  // no CSPRNG: no generated keys, so no resends
    }
    std::string base = cfg.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    api_base = base + "/api";
  }

  // Sends one API command; on success `doc` holds the reply and `result`
  // is its "result" object (absent when the reply has none).
  // `resend_ok`: the request is harmless twice (see Transport::post).
  Status call(std::string_view method, std::string_view params, JsonDoc& doc, JsonValue& result,
              bool resend_ok) {
    result = JsonValue();
    if (cfg.api_key.empty()) {
      return Status(errc::config, "no API key configured (set CENTRIFUGO_API_KEY)");
    }
    std::string url;
    std::string body;
    std::string_view send = params;
    if (cfg.api_mode == ApiMode::v5) {
      url = api_base + "/" + std::string(method);
    } else {
      url = api_base;
      body.reserve(params.size() + method.size() + 32);
      body += "{\"method\":";
      body += detail::quote(method);
      body += ",\"params\":";
      body += params;
      body += '}';
      send = body;
    }
    if (send.size() > cfg.max_payload) {
      return Status(errc::too_large, "request of " + std::to_string(send.size()) +
                                         " bytes exceeds max_payload (" +
                                         std::to_string(cfg.max_payload) + ")");
    }
    detail::HttpResponse resp;
    Status st = transport->post(url, send, resp, resend_ok);
    if (!st.ok()) return st;
    if (resp.status == 401) {
      return Status(errc::unauthorized, "Centrifugo refused the API key (HTTP 401)", 401);
    }
    if (resp.status != 200) {
      std::string e = excerpt(resp.body);
      return Status(errc::http_status,
                    "Centrifugo answered HTTP " + std::to_string(resp.status) + (e.empty() ? "" : ": " + e),
                    static_cast<int>(resp.status));
    }
    // A reply carries published data a few levels down (history).
    if (!detail::parse_json(resp.body, doc, "reply", detail::JsonDepth::wrapper).ok() ||
        !doc.root().is_object()) {
      return Status(errc::malformed_reply, "the reply is not a JSON object: " + excerpt(resp.body), 200);
    }
    if (const JsonValue e = doc.root()["error"]; e.is_object()) {
      Status se = server_error(e);
      return Status(se.kind(), se.message(), 200, se.server_code());
    }
    const JsonValue r = doc.root()["result"];
    if (r && !r.is_object()) return Status(errc::malformed_reply, "'result' is not an object", 200);
    result = r;
    return {};
  }

  // A command whose result carries nothing.
  Status call_void(std::string_view method, std::string_view params) {
    JsonDoc doc;
    JsonValue result;
    return call(method, params, doc, result, read_only(method));
  }

  template <class Fn>
  static std::string build(Fn&& fn) {
    rapidjson::StringBuffer sb;
    JsonWriter w(sb);
    fn(w);
    return std::string(sb.GetString(), sb.GetSize());
  }
};

Client::Client(Config cfg) {
  cfg.validate();
  impl_ = std::make_unique<Impl>(std::move(cfg));
}

Client::Client(Config cfg, Status& st) {
  cfg.validate(st);
  impl_ = std::make_unique<Impl>(std::move(cfg));
}

Client Client::from_env() { return Client(Config::from_env()); }

Client Client::from_env(Status& st) { return Client(Config::from_env(st), st); }

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const Config& Client::config() const noexcept {
  static const Config defaults;
  return impl_ ? impl_->cfg : defaults;
}

ClientStats Client::stats() const noexcept {
  if (!impl_) return {};
  return {impl_->transport->requests(), impl_->transport->connections_opened()};
}

// ---- publish -------------------------------------------------------------

PublishResult Client::publish(std::string_view channel, const Event& event, Status& st) {
  if (!impl_) return (st = moved_from()), PublishResult();
  // The channel first (its rules), then the envelope checks the payload.
  st = check_channel(channel, impl_->cfg.channel_rules);
  if (!st.ok()) return {};
  const std::string data = make_envelope(channel, event, impl_->cfg.site, impl_->cfg.encoding, st);
  if (st.ok()) st = check_options(event.options);
  if (!st.ok()) return {};
  const std::string key = impl_->key_for(event.options);
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "channel");
    write_string(w, channel);
    write_payload(w, data, {}, event.options, key);
    w.EndObject();
  });
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("publish", params, doc, result, impl_->resend_safe(key));
  if (!st.ok()) return {};
  return read_position(result, st);
}

PublishResult Client::publish(std::string_view channel, const Event& event) {
  return or_throw([&](Status& st) { return publish(channel, event, st); });
}

PublishResult Client::publish(std::string_view channel, std::string_view message) {
  Event ev;
  ev.message = std::string(message);
  return publish(channel, ev);
}

PublishResult Client::publish(std::string_view channel, std::string_view message, Status& st) {
  Event ev;
  ev.message = std::string(message);
  return publish(channel, ev, st);
}

PublishResult Client::publish_raw(const PublishRequest& req, Status& st) {
  if (!impl_) return (st = moved_from()), PublishResult();
  st = check_publish(req, impl_->cfg.channel_rules);
  if (!st.ok()) return {};
  const std::string key = impl_->key_for(req.options);
  std::string params = Impl::build([&](JsonWriter& w) { write_publish(w, req, key); });
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("publish", params, doc, result, impl_->resend_safe(key));
  if (!st.ok()) return {};
  return read_position(result, st);
}

PublishResult Client::publish_raw(const PublishRequest& req) {
  return or_throw([&](Status& st) { return publish_raw(req, st); });
}

// ---- broadcast -----------------------------------------------------------

BroadcastResult Client::broadcast(const BroadcastRequest& req, Status& st) {
  if (!impl_) return (st = moved_from()), BroadcastResult();
  st = check_broadcast(req, impl_->cfg.channel_rules);
  if (!st.ok()) return {};
  const std::string key = impl_->key_for(req.options);
  std::string params = Impl::build([&](JsonWriter& w) { write_broadcast(w, req, key); });
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("broadcast", params, doc, result, impl_->resend_safe(key));
  if (!st.ok()) return {};
  return read_broadcast(result, st);
}

BroadcastResult Client::broadcast(const BroadcastRequest& req) {
  return or_throw([&](Status& st) { return broadcast(req, st); });
}

BroadcastResult Client::broadcast_event(const std::vector<std::string>& channels, const Event& event,
                                        Status& st) {
  if (!impl_) return (st = moved_from()), BroadcastResult();
  // Each channel gets an envelope naming itself, so this is a batch of
  // publishes (sequential: faster than parallel on Centrifugo's side).
  Batch b;
  for (const auto& ch : channels) {
    PublishRequest pr;
    pr.channel = ch;
    pr.data = make_envelope(ch, event, impl_->cfg.site, impl_->cfg.encoding, st);
    if (!st.ok()) return {};
    pr.options = event.options;
    b.add(std::move(pr));
  }
  if (channels.empty()) {
    st = Status(errc::invalid_argument, "invalid argument: 'channels' is empty");
    return {};
  }
  BatchResult br = batch(b, st);
  BroadcastResult out;
  if (!st.ok()) return out;
  for (auto& r : br.replies) out.responses.push_back({std::move(r.status), r.publish});
  return out;
}

BroadcastResult Client::broadcast_event(const std::vector<std::string>& channels, const Event& event) {
  return or_throw([&](Status& st) { return broadcast_event(channels, event, st); });
}

// ---- batch ---------------------------------------------------------------

BatchResult Client::batch(const Batch& b, Status& st) {
  if (!impl_) return (st = moved_from()), BatchResult();
  st.clear();
  if (b.commands.empty()) {
    st = Status(errc::invalid_argument, "invalid argument: the batch is empty");
    return {};
  }
  const NameRules& rules = impl_->cfg.channel_rules;
  for (const auto& c : b.commands) {
    if (c.publish) st = check_publish(*c.publish, rules);
    else if (c.broadcast) st = check_broadcast(*c.broadcast, rules);
    else if (c.method.empty()) st = Status(errc::invalid_argument, "invalid argument: batch command without a method");
    else st = detail::validate_json(c.params.empty() ? "{}" : c.params, "params");
    if (!st.ok()) return {};
  }
  // The batch may be resent only if every command is harmless twice.
  bool resend_ok = true;
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "commands");
    w.StartArray();
    for (const auto& c : b.commands) {
      w.StartObject();
      write_key(w, c.method);
      if (c.publish || c.broadcast) {
        const std::string key = impl_->key_for(c.publish ? c.publish->options : c.broadcast->options);
        resend_ok = resend_ok && impl_->resend_safe(key);
        if (c.publish) write_publish(w, *c.publish, key);
        else write_broadcast(w, *c.broadcast, key);
      } else {
        resend_ok = resend_ok && read_only(c.method);
        write_raw(w, c.params.empty() ? "{}" : c.params);
      }
      w.EndObject();
    }
    w.EndArray();
    if (b.parallel) {
      write_key(w, "parallel");
      w.Bool(true);
    }
    w.EndObject();
  });
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("batch", params, doc, result, resend_ok);
  if (!st.ok()) return {};
  // batch replies sit at the top level: {"replies":[...]}.
  JsonValue replies = doc.root()["replies"];
  if (!replies) replies = result["replies"];
  if (!replies.is_array() || replies.size() != b.commands.size()) {
    st = Status(errc::malformed_reply, "batch reply has no 'replies' array matching the commands", 200);
    return {};
  }
  BatchResult out;
  const auto& cmds = b.commands;
  out.replies.reserve(replies.size());
  std::size_t i = 0;
  for (const auto rep : replies.elements()) {
    const JsonValue item = rep.value;
    BatchReply r;
    r.method = cmds[i].method;
    if (const JsonValue e = item["error"]; e.is_object()) {
      r.status = server_error(e);
    } else {
      const JsonValue res = item[r.method];
      // Typed results for publish and broadcast; raw JSON for the others.
      if (!cmds[i].publish && !cmds[i].broadcast) r.result_json = res ? res.json() : "{}";
      if (cmds[i].publish) r.publish = read_position(res, r.status);
      if (cmds[i].broadcast && res) {
        Status bs;
        r.broadcast = read_broadcast(res, bs);
        if (!bs.ok()) r.status = bs;
      }
    }
    out.replies.push_back(std::move(r));
    ++i;
  }
  return out;
}

BatchResult Client::batch(const Batch& b) {
  return or_throw([&](Status& st) { return batch(b, st); });
}

// ---- connection management --------------------------------------------------

void Client::subscribe(const SubscribeRequest& req, Status& st) {
  if (!impl_) return void(st = moved_from());
  st = check_required(req.user, "user");
  if (st.ok()) st = check_channel(req.channel, impl_->cfg.channel_rules);
  if (st.ok()) st = check_optional_json(req.info, "info");
  if (st.ok()) st = check_optional_json(req.data, "data");
  if (st.ok()) st = detail::validate_utf8(req.client, "client");
  if (st.ok()) st = detail::validate_utf8(req.session, "session");
  if (!st.ok()) return;
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "user");
    write_string(w, req.user);
    write_key(w, "channel");
    write_string(w, req.channel);
    write_opt(w, "client", req.client);
    write_opt(w, "session", req.session);
    if (!req.info.empty()) { write_key(w, "info"); write_raw(w, req.info); }
    if (!req.data.empty()) { write_key(w, "data"); write_raw(w, req.data); }
    if (req.recover_since) write_position(w, "recover_since", *req.recover_since);
    w.EndObject();
  });
  st = impl_->call_void("subscribe", params);
}

void Client::subscribe(const SubscribeRequest& req) {
  or_throw([&](Status& st) { subscribe(req, st); });
}

void Client::unsubscribe(const UnsubscribeRequest& req, Status& st) {
  if (!impl_) return void(st = moved_from());
  st = check_required(req.user, "user");
  if (st.ok()) st = check_channel(req.channel, impl_->cfg.channel_rules);
  if (st.ok()) st = detail::validate_utf8(req.client, "client");
  if (st.ok()) st = detail::validate_utf8(req.session, "session");
  if (!st.ok()) return;
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "user");
    write_string(w, req.user);
    write_key(w, "channel");
    write_string(w, req.channel);
    write_opt(w, "client", req.client);
    write_opt(w, "session", req.session);
    w.EndObject();
  });
  st = impl_->call_void("unsubscribe", params);
}

void Client::unsubscribe(const UnsubscribeRequest& req) {
  or_throw([&](Status& st) { unsubscribe(req, st); });
}

void Client::disconnect(const DisconnectRequest& req, Status& st) {
  if (!impl_) return void(st = moved_from());
  st = check_required(req.user, "user");
  if (st.ok()) st = detail::validate_utf8(req.client, "client");
  if (st.ok()) st = detail::validate_utf8(req.session, "session");
  if (st.ok()) st = detail::validate_utf8(req.reason, "reason");
  for (const auto& w : req.whitelist) {
    if (st.ok()) st = detail::validate_utf8(w, "whitelist");
  }
  if (st.ok() && req.code != 0 && (req.code < 3000 || req.code > 4999)) {
    st = Status(errc::invalid_argument, "invalid argument: 'code' must be 3000-4999");
  }
  if (!st.ok()) return;
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "user");
    write_string(w, req.user);
    write_opt(w, "client", req.client);
    write_opt(w, "session", req.session);
    if (!req.whitelist.empty()) {
      write_key(w, "whitelist");
      w.StartArray();
      for (const auto& c : req.whitelist) write_string(w, c);
      w.EndArray();
    }
    if (req.code != 0) {
      write_key(w, "disconnect");
      w.StartObject();
      write_key(w, "code");
      w.Uint(req.code);
      write_key(w, "reason");
      write_string(w, req.reason);
      w.EndObject();
    }
    w.EndObject();
  });
  st = impl_->call_void("disconnect", params);
}

void Client::disconnect(const DisconnectRequest& req) {
  or_throw([&](Status& st) { disconnect(req, st); });
}

void Client::refresh(const RefreshRequest& req, Status& st) {
  if (!impl_) return void(st = moved_from());
  st = check_required(req.user, "user");
  if (st.ok()) st = detail::validate_utf8(req.client, "client");
  if (st.ok()) st = detail::validate_utf8(req.session, "session");
  if (!st.ok()) return;
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "user");
    write_string(w, req.user);
    write_opt(w, "client", req.client);
    write_opt(w, "session", req.session);
    if (req.expired) { write_key(w, "expired"); w.Bool(true); }
    if (req.expire_at != 0) { write_key(w, "expire_at"); w.Int64(req.expire_at); }
    w.EndObject();
  });
  st = impl_->call_void("refresh", params);
}

void Client::refresh(const RefreshRequest& req) {
  or_throw([&](Status& st) { refresh(req, st); });
}

// ---- channel state ----------------------------------------------------------

namespace {
std::string channel_params(std::string_view channel) {
  return "{\"channel\":" + detail::quote(channel) + "}";
}
}  // namespace

PresenceResult Client::presence(std::string_view channel, Status& st) {
  if (!impl_) return (st = moved_from()), PresenceResult();
  st = check_channel(channel, impl_->cfg.channel_rules);
  if (!st.ok()) return {};
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("presence", channel_params(channel), doc, result, true);
  if (!st.ok()) return {};
  PresenceResult out;
  const JsonValue p = result["presence"];
  if (p && !p.is_object()) {
    st = Status(errc::malformed_reply, "'presence' is not an object", 200);
    return {};
  }
  for (const auto m : p.members()) {
    ClientInfo ci;
    ci.client = get_string(m.value, "client");
    ci.user = get_string(m.value, "user");
    ci.conn_info = json_or_empty(m.value["conn_info"]);
    ci.chan_info = json_or_empty(m.value["chan_info"]);
    out.emplace(std::string(m.name), std::move(ci));
  }
  return out;
}

PresenceResult Client::presence(std::string_view channel) {
  return or_throw([&](Status& st) { return presence(channel, st); });
}

PresenceStats Client::presence_stats(std::string_view channel, Status& st) {
  if (!impl_) return (st = moved_from()), PresenceStats();
  st = check_channel(channel, impl_->cfg.channel_rules);
  if (!st.ok()) return {};
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("presence_stats", channel_params(channel), doc, result, true);
  if (!st.ok()) return {};
  PresenceStats s;
  s.num_clients = get_u32(result, "num_clients");
  s.num_users = get_u32(result, "num_users");
  return s;
}

PresenceStats Client::presence_stats(std::string_view channel) {
  return or_throw([&](Status& st) { return presence_stats(channel, st); });
}

HistoryResult Client::history(std::string_view channel, const HistoryOptions& opts, Status& st) {
  if (!impl_) return (st = moved_from()), HistoryResult();
  st = check_channel(channel, impl_->cfg.channel_rules);
  if (st.ok() && opts.since) st = detail::validate_utf8(opts.since->epoch, "since.epoch");
  if (!st.ok()) return {};
  std::string params = Impl::build([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, "channel");
    write_string(w, channel);
    if (opts.limit != 0) { write_key(w, "limit"); w.Int(opts.limit); }
    if (opts.since) write_position(w, "since", *opts.since);
    if (opts.reverse) { write_key(w, "reverse"); w.Bool(true); }
    w.EndObject();
  });
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("history", params, doc, result, true);
  if (!st.ok()) return {};
  HistoryResult out;
  out.offset = get_uint(result, "offset");
  out.epoch = get_string(result, "epoch");
  if (const JsonValue pubs = result["publications"]) {
    if (!pubs.is_array()) {
      st = Status(errc::malformed_reply, "'publications' is not an array", 200);
      return {};
    }
    out.publications.reserve(pubs.size());
    for (const auto e : pubs.elements()) {
      const JsonValue p = e.value;
      Publication pub;
      pub.data = json_or_empty(p["data"]);
      pub.info = json_or_empty(p["info"]);
      pub.offset = get_uint(p, "offset");
      for (const auto t : p["tags"].members()) {
        if (t.value.is_string()) pub.tags[std::string(t.name)] = std::string(t.value.str());
      }
      out.publications.push_back(std::move(pub));
    }
  }
  return out;
}

HistoryResult Client::history(std::string_view channel, const HistoryOptions& opts) {
  return or_throw([&](Status& st) { return history(channel, opts, st); });
}

void Client::history_remove(std::string_view channel, Status& st) {
  if (!impl_) return void(st = moved_from());
  st = check_channel(channel, impl_->cfg.channel_rules);
  if (!st.ok()) return;
  st = impl_->call_void("history_remove", channel_params(channel));
}

void Client::history_remove(std::string_view channel) {
  or_throw([&](Status& st) { history_remove(channel, st); });
}

ChannelsResult Client::channels(std::string_view pattern, Status& st) {
  if (!impl_) return (st = moved_from()), ChannelsResult();
  st = detail::validate_utf8(pattern, "pattern");
  if (!st.ok()) return {};
  std::string params = pattern.empty() ? "{}" : "{\"pattern\":" + detail::quote(pattern) + "}";
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("channels", params, doc, result, true);
  if (!st.ok()) return {};
  ChannelsResult out;
  if (const JsonValue ch = result["channels"]) {
    if (!ch.is_object()) {
      st = Status(errc::malformed_reply, "'channels' is not an object", 200);
      return {};
    }
    for (const auto m : ch.members()) out[std::string(m.name)] = get_u32(m.value, "num_clients");
  }
  return out;
}

ChannelsResult Client::channels(std::string_view pattern) {
  return or_throw([&](Status& st) { return channels(pattern, st); });
}

InfoResult Client::info(Status& st) {
  if (!impl_) return (st = moved_from()), InfoResult();
  JsonDoc doc;
  JsonValue result;
  st = impl_->call("info", "{}", doc, result, true);
  if (!st.ok()) return {};
  InfoResult out;
  out.result_json = result ? result.json() : "{}";
  if (const JsonValue nodes = result["nodes"]; nodes.is_array()) {
    for (const auto e : nodes.elements()) {
      const JsonValue n = e.value;
      NodeInfo ni;
      ni.uid = get_string(n, "uid");
      ni.name = get_string(n, "name");
      ni.version = get_string(n, "version");
      ni.num_clients = get_u32(n, "num_clients");
      ni.num_users = get_u32(n, "num_users");
      ni.num_channels = get_u32(n, "num_channels");
      ni.num_subs = get_u32(n, "num_subs");
      ni.uptime = get_uint(n, "uptime");
      out.nodes.push_back(std::move(ni));
    }
  } else {
    st = Status(errc::malformed_reply, "info reply has no 'nodes' array", 200);
    return {};
  }
  return out;
}

InfoResult Client::info() {
  return or_throw([&](Status& st) { return info(st); });
}

std::string Client::call(std::string_view method, std::string_view params_json, Status& st) {
  if (!impl_) return (st = moved_from()), std::string();
  st = check_required(method, "method");
  for (char c : method) {
    if (st.ok() && !((c >= 'a' && c <= 'z') || c == '_')) {
      st = Status(errc::invalid_argument, "invalid argument: 'method' is not a server API method name");
    }
  }
  if (st.ok()) st = detail::validate_json(params_json.empty() ? "{}" : params_json, "params");
  if (!st.ok()) return {};
  JsonDoc doc;
  JsonValue result;
  st = impl_->call(method, params_json.empty() ? "{}" : params_json, doc, result, read_only(method));
  if (!st.ok()) return {};
  if (method == "batch") return doc.root().json();
  return result ? result.json() : "{}";
}

std::string Client::call(std::string_view method, std::string_view params_json) {
  return or_throw([&](Status& st) { return call(method, params_json, st); });
}

}  // namespace instant
