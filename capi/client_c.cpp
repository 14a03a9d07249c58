// extern "C" definitions: the client and the whole server API (publish,
// broadcast, batch, connection management, presence, history, channels, info).
#include "capi.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

using namespace instant::capi;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put_string(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void put_key(Writer& w, const std::string& s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
// Embeds JSON text that the client already parsed from Centrifugo's reply.
void put_raw(Writer& w, const std::string& json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

instant_error_t give_json(char** out, const rapidjson::StringBuffer& buf) {
  *out = dup_string(std::string_view(buf.GetString(), buf.GetSize()));
  return record_ok();
}

instant_error_t give_position(instant_position** out, const instant::StreamPosition& pos) {
  if (out) *out = new instant_position{pos};
  return record_ok();
}

void put_position(Writer& w, const instant::StreamPosition& p) {
  w.StartObject();
  if (p.offset != 0 || !p.epoch.empty()) {
    w.Key("offset");
    w.Uint64(p.offset);
    w.Key("epoch");
    put_string(w, p.epoch);
  }
  w.EndObject();
}

// The C ABI gives every batch reply's result as JSON; the C++ client keeps
// publish and broadcast results typed only, so their JSON is rebuilt here.
void fill_result_json(instant::BatchReply& r) {
  if (!r.status.ok() || !r.result_json.empty()) return;
  if (r.method != "publish" && r.method != "broadcast") return;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  if (r.method == "publish") {
    put_position(w, r.publish);
  } else {
    w.StartObject();
    w.Key("responses");
    w.StartArray();
    for (const auto& item : r.broadcast.responses) {
      w.StartObject();
      if (item.status.ok()) {
        w.Key("result");
        put_position(w, item.result);
      } else {
        w.Key("error");
        w.StartObject();
        w.Key("code");
        w.Int(item.status.server_code());
        w.Key("message");
        put_string(w, item.status.message());
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  r.result_json.assign(buf.GetString(), buf.GetSize());
}

// The EPARTIAL outcome of broadcast / batch when items failed.
instant_error_t partial(std::size_t failed, std::size_t total) {
  return record(INSTANT_EPARTIAL, (std::to_string(failed) + " of " + std::to_string(total) +
                                   " items failed").c_str());
}

}  // namespace

extern "C" {

instant_error_t instant_client_new(instant_client** out, const instant_config* cfg) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!cfg) return null_arg("cfg");
    instant::Status st;
    instant::Client c(cfg->cfg, st);
    if (!st.ok()) return record(st);
    *out = new instant_client(std::move(c));
    return record_ok();
  });
}

instant_error_t instant_client_from_env(instant_client** out) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    instant::Status st;
    instant::Config cfg = instant::Config::from_env(st);
    if (!st.ok()) return record(st);
    instant::Client c(std::move(cfg), st);
    if (!st.ok()) return record(st);
    *out = new instant_client(std::move(c));
    return record_ok();
  });
}

void instant_client_free(instant_client* client) { delete client; }

instant_error_t instant_client_stats(uint64_t* requests, uint64_t* connections_opened,
                                     const instant_client* client) {
  return guard([&] {
    if (!client) return null_arg("client");
    instant::ClientStats s = client->client.stats();
    if (requests) *requests = s.requests;
    if (connections_opened) *connections_opened = s.connections_opened;
    return record_ok();
  });
}

// ---- publish ------------------------------------------------------------------

instant_error_t instant_client_publish(instant_position** out, instant_client* client,
                                       const char* channel, const char* message,
                                       const instant_event* ev) {
  return guard([&] {
    if (out) *out = nullptr;
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    instant::Event e = ev ? ev->ev : instant::Event();
    if (message) e.message = std::string(message);
    instant::Status st;
    instant::PublishResult r = client->client.publish(channel, e, st);
    if (!st.ok()) return record(st);
    return give_position(out, r);
  });
}

instant_error_t instant_client_publish_raw(instant_position** out, instant_client* client,
                                           const char* channel, const char* data, size_t data_len,
                                           const instant_publish_options* opts) {
  return guard([&] {
    if (out) *out = nullptr;
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    if (!data) return null_arg("data");
    instant::Status st;
    instant::PublishResult r = client->client.publish_raw(publish_request(channel, data, data_len, false, opts), st);
    if (!st.ok()) return record(st);
    return give_position(out, r);
  });
}

instant_error_t instant_client_publish_binary(instant_position** out, instant_client* client,
                                              const char* channel, const void* bytes, size_t len,
                                              const instant_publish_options* opts) {
  return guard([&] {
    if (out) *out = nullptr;
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    if (!bytes) return null_arg("bytes");
    instant::Status st;
    instant::PublishResult r = client->client.publish_raw(publish_request(channel, bytes, len, true, opts), st);
    if (!st.ok()) return record(st);
    return give_position(out, r);
  });
}

// ---- broadcast ----------------------------------------------------------------

}  // extern "C"

namespace {
instant_error_t finish_broadcast(instant_broadcast_result** out, instant::BroadcastResult r) {
  std::size_t failed = 0;
  for (const auto& item : r.responses) failed += item.status.ok() ? 0 : 1;
  const std::size_t total = r.responses.size();
  *out = new instant_broadcast_result{std::move(r)};
  return failed ? partial(failed, total) : record_ok();
}
}  // namespace

extern "C" {

instant_error_t instant_client_broadcast(instant_broadcast_result** out, instant_client* client,
                                         const char* const* channels, size_t n_channels,
                                         const char* data, size_t data_len,
                                         const instant_publish_options* opts) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    if (!channels) return null_arg("channels");
    if (!data) return null_arg("data");
    instant::BroadcastRequest req;
    if (!broadcast_request(channels, n_channels, data, data_len, opts, req)) return last_error().code;
    instant::Status st;
    instant::BroadcastResult r = client->client.broadcast(req, st);
    if (!st.ok()) return record(st);
    return finish_broadcast(out, std::move(r));
  });
}

instant_error_t instant_client_broadcast_event(instant_broadcast_result** out,
                                               instant_client* client, const char* const* channels,
                                               size_t n_channels, const char* message,
                                               const instant_event* ev) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    if (!channels) return null_arg("channels");
    std::vector<std::string> chans;
    if (!copy_strings(channels, n_channels, "channels", chans)) return last_error().code;
    instant::Event e = ev ? ev->ev : instant::Event();
    if (message) e.message = std::string(message);
    instant::Status st;
    instant::BroadcastResult r = client->client.broadcast_event(chans, e, st);
    if (!st.ok()) return record(st);
    return finish_broadcast(out, std::move(r));
  });
}

void instant_broadcast_result_free(instant_broadcast_result* res) { delete res; }

}  // extern "C"

namespace {
// The item, or nullptr with the last error recorded.
template <class R>
const auto* item_at(const R* res, size_t i, const char* name) {
  using Item = std::remove_reference_t<decltype(res->res.responses[0])>;
  if (!res) {
    null_arg(name);
    return static_cast<const Item*>(nullptr);
  }
  if (i >= res->res.responses.size()) {
    record(INSTANT_EINVAL, "invalid argument: 'i' is out of range");
    return static_cast<const Item*>(nullptr);
  }
  return &res->res.responses[i];
}
template <class R>
const auto* reply_at(const R* res, size_t i, const char* name) {
  using Item = std::remove_reference_t<decltype(res->res.replies[0])>;
  if (!res) {
    null_arg(name);
    return static_cast<const Item*>(nullptr);
  }
  if (i >= res->res.replies.size()) {
    record(INSTANT_EINVAL, "invalid argument: 'i' is out of range");
    return static_cast<const Item*>(nullptr);
  }
  return &res->res.replies[i];
}
}  // namespace

extern "C" {

size_t instant_broadcast_result_count(const instant_broadcast_result* res) {
  if (!res) {
    null_arg("res");
    return 0;
  }
  return res->res.responses.size();
}

instant_error_t instant_broadcast_result_code(const instant_broadcast_result* res, size_t i) {
  const auto* it = item_at(res, i, "res");
  return it ? to_code(it->status.kind()) : INSTANT_EINVAL;
}

const char* instant_broadcast_result_message(const instant_broadcast_result* res, size_t i) {
  const auto* it = item_at(res, i, "res");
  return it ? it->status.message().c_str() : nullptr;
}

int instant_broadcast_result_server_code(const instant_broadcast_result* res, size_t i) {
  const auto* it = item_at(res, i, "res");
  return it ? it->status.server_code() : 0;
}

uint64_t instant_broadcast_result_offset(const instant_broadcast_result* res, size_t i) {
  const auto* it = item_at(res, i, "res");
  return it ? it->result.offset : 0;
}

const char* instant_broadcast_result_epoch(const instant_broadcast_result* res, size_t i) {
  const auto* it = item_at(res, i, "res");
  return it ? it->result.epoch.c_str() : nullptr;
}

// ---- batch ------------------------------------------------------------------------

instant_error_t instant_batch_new(instant_batch** out) { return new_handle(out); }

void instant_batch_free(instant_batch* batch) { delete batch; }

instant_error_t instant_batch_set_parallel(instant_batch* batch, int parallel) {
  return guard([&] {
    if (!batch) return null_arg("batch");
    batch->batch.parallel = parallel != 0;
    return record_ok();
  });
}

instant_error_t instant_batch_add_publish(instant_batch* batch, const char* channel, const char* data,
                                          size_t data_len, const instant_publish_options* opts) {
  return guard([&] {
    if (!batch) return null_arg("batch");
    if (!channel) return null_arg("channel");
    if (!data) return null_arg("data");
    batch->batch.add(publish_request(channel, data, data_len, false, opts));
    return record_ok();
  });
}

instant_error_t instant_batch_add_broadcast(instant_batch* batch, const char* const* channels,
                                            size_t n_channels, const char* data, size_t data_len,
                                            const instant_publish_options* opts) {
  return guard([&] {
    if (!batch) return null_arg("batch");
    if (!channels) return null_arg("channels");
    if (!data) return null_arg("data");
    instant::BroadcastRequest req;
    if (!broadcast_request(channels, n_channels, data, data_len, opts, req)) return last_error().code;
    batch->batch.add(std::move(req));
    return record_ok();
  });
}

instant_error_t instant_batch_add_command(instant_batch* batch, const char* method,
                                          const char* params_json) {
  return guard([&] {
    if (!batch) return null_arg("batch");
    if (!method) return null_arg("method");
    if (!params_json) return null_arg("params_json");
    batch->batch.add(method, params_json);
    return record_ok();
  });
}

size_t instant_batch_size(const instant_batch* batch) {
  if (!batch) {
    null_arg("batch");
    return 0;
  }
  return batch->batch.commands.size();
}

instant_error_t instant_client_batch(instant_batch_result** out, instant_client* client,
                                     const instant_batch* batch) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    if (!batch) return null_arg("batch");
    instant::Status st;
    instant::BatchResult r = client->client.batch(batch->batch, st);
    if (!st.ok()) return record(st);
    std::size_t failed = 0;
    for (auto& rep : r.replies) {
      failed += rep.status.ok() ? 0 : 1;
      fill_result_json(rep);
    }
    const std::size_t total = r.replies.size();
    *out = new instant_batch_result{std::move(r)};
    return failed ? partial(failed, total) : record_ok();
  });
}

void instant_batch_result_free(instant_batch_result* res) { delete res; }

size_t instant_batch_result_count(const instant_batch_result* res) {
  if (!res) {
    null_arg("res");
    return 0;
  }
  return res->res.replies.size();
}

instant_error_t instant_batch_result_code(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? to_code(r->status.kind()) : INSTANT_EINVAL;
}

const char* instant_batch_result_message(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? r->status.message().c_str() : nullptr;
}

int instant_batch_result_server_code(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? r->status.server_code() : 0;
}

const char* instant_batch_result_method(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? r->method.c_str() : nullptr;
}

const char* instant_batch_result_json(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? r->result_json.c_str() : nullptr;
}

uint64_t instant_batch_result_offset(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? r->publish.offset : 0;
}

const char* instant_batch_result_epoch(const instant_batch_result* res, size_t i) {
  const auto* r = reply_at(res, i, "res");
  return r ? r->publish.epoch.c_str() : nullptr;
}

// ---- connection management ----------------------------------------------------------

}  // extern "C"

namespace {

instant_error_t subscribe(instant_client* client, const char* user, const char* channel,
                          instant::SubscribeRequest req) {
  if (!client) return null_arg("client");
  if (!user) return null_arg("user");
  if (!channel) return null_arg("channel");
  req.user = user;
  req.channel = channel;
  instant::Status st;
  client->client.subscribe(req, st);
  return record(st);
}

}  // namespace

extern "C" {

instant_error_t instant_client_subscribe(instant_client* client, const char* user, const char* channel,
                                         const char* client_id, const char* session,
                                         const char* info_json, const char* data_json,
                                         const instant_position* recover_since) {
  return guard([&] {
    instant::SubscribeRequest req;
    req.client = opt(client_id);
    req.session = opt(session);
    req.info = opt(info_json);
    req.data = opt(data_json);
    if (recover_since) req.recover_since = recover_since->pos;
    return subscribe(client, user, channel, std::move(req));
  });
}

instant_error_t instant_subscribe_options_new(instant_subscribe_options** out) { return new_handle(out); }

void instant_subscribe_options_free(instant_subscribe_options* opts) { delete opts; }

}  // extern "C"

namespace {

// One optional string member of the subscribe options; NULL clears it.
instant_error_t set_member(instant_subscribe_options* opts, std::string instant::SubscribeRequest::*member,
                           const char* value) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->req.*member = opt(value);
    return record_ok();
  });
}

}  // namespace

extern "C" {

instant_error_t instant_subscribe_options_set_client(instant_subscribe_options* opts,
                                                     const char* client_id) {
  return set_member(opts, &instant::SubscribeRequest::client, client_id);
}

instant_error_t instant_subscribe_options_set_session(instant_subscribe_options* opts,
                                                      const char* session) {
  return set_member(opts, &instant::SubscribeRequest::session, session);
}

instant_error_t instant_subscribe_options_set_info(instant_subscribe_options* opts, const char* json) {
  return set_member(opts, &instant::SubscribeRequest::info, json);
}

instant_error_t instant_subscribe_options_set_data(instant_subscribe_options* opts, const char* json) {
  return set_member(opts, &instant::SubscribeRequest::data, json);
}

instant_error_t instant_subscribe_options_set_recover_since(instant_subscribe_options* opts,
                                                            const instant_position* since) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (since) {
      opts->req.recover_since = since->pos;
    } else {
      opts->req.recover_since.reset();
    }
    return record_ok();
  });
}

instant_error_t instant_client_subscribe_2(instant_client* client, const char* user, const char* channel,
                                           const instant_subscribe_options* opts) {
  return guard([&] {
    return subscribe(client, user, channel, opts ? opts->req : instant::SubscribeRequest{});
  });
}

instant_error_t instant_client_unsubscribe(instant_client* client, const char* user,
                                           const char* channel, const char* client_id,
                                           const char* session) {
  return guard([&] {
    if (!client) return null_arg("client");
    if (!user) return null_arg("user");
    if (!channel) return null_arg("channel");
    instant::Status st;
    instant::UnsubscribeRequest req;
    req.user = user;
    req.channel = channel;
    req.client = std::string(opt(client_id));
    req.session = std::string(opt(session));
    client->client.unsubscribe(req, st);
    return record(st);
  });
}

instant_error_t instant_client_disconnect(instant_client* client, const char* user,
                                          const char* client_id, const char* session,
                                          const char* const* whitelist, size_t n_whitelist,
                                          uint32_t code, const char* reason) {
  return guard([&] {
    if (!client) return null_arg("client");
    if (!user) return null_arg("user");
    if (!whitelist && n_whitelist > 0) return null_arg("whitelist");
    instant::DisconnectRequest req;
    req.user = user;
    req.client = opt(client_id);
    req.session = opt(session);
    if (n_whitelist && !copy_strings(whitelist, n_whitelist, "whitelist", req.whitelist)) {
      return last_error().code;
    }
    req.code = code;
    req.reason = opt(reason);
    instant::Status st;
    client->client.disconnect(req, st);
    return record(st);
  });
}

instant_error_t instant_client_refresh(instant_client* client, const char* user,
                                       const char* client_id, const char* session, int expired,
                                       int64_t expire_at) {
  return guard([&] {
    if (!client) return null_arg("client");
    if (!user) return null_arg("user");
    instant::RefreshRequest req;
    req.user = user;
    req.client = opt(client_id);
    req.session = opt(session);
    req.expired = expired != 0;
    req.expire_at = expire_at;
    instant::Status st;
    client->client.refresh(req, st);
    return record(st);
  });
}

// ---- presence, history, channels, info ---------------------------------------------------

instant_error_t instant_client_presence(char** out, instant_client* client, const char* channel) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    instant::Status st;
    instant::PresenceResult r = client->client.presence(channel, st);
    if (!st.ok()) return record(st);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    for (const auto& [id, ci] : r) {
      put_key(w, id);
      w.StartObject();
      put_key(w, "client");
      put_string(w, ci.client);
      put_key(w, "user");
      put_string(w, ci.user);
      if (!ci.conn_info.empty()) {
        put_key(w, "conn_info");
        put_raw(w, ci.conn_info);
      }
      if (!ci.chan_info.empty()) {
        put_key(w, "chan_info");
        put_raw(w, ci.chan_info);
      }
      w.EndObject();
    }
    w.EndObject();
    return give_json(out, buf);
  });
}

instant_error_t instant_client_presence_stats(uint32_t* num_clients, uint32_t* num_users,
                                              instant_client* client, const char* channel) {
  return guard([&] {
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    instant::Status st;
    instant::PresenceStats s = client->client.presence_stats(channel, st);
    if (!st.ok()) return record(st);
    if (num_clients) *num_clients = s.num_clients;
    if (num_users) *num_users = s.num_users;
    return record_ok();
  });
}

instant_error_t instant_client_history(char** out, instant_client* client, const char* channel,
                                       int limit, const instant_position* since, int reverse) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    if (limit < -1) return record(INSTANT_EINVAL, "invalid argument: 'limit' must be -1 or more");
    instant::HistoryOptions ho;
    ho.limit = limit;
    if (since) ho.since = since->pos;
    ho.reverse = reverse != 0;
    instant::Status st;
    instant::HistoryResult r = client->client.history(channel, ho, st);
    if (!st.ok()) return record(st);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("publications");
    w.StartArray();
    for (const auto& p : r.publications) {
      w.StartObject();
      w.Key("data");
      if (p.data.empty()) w.Null();
      else put_raw(w, p.data);
      if (!p.info.empty()) {
        w.Key("info");
        put_raw(w, p.info);
      }
      w.Key("offset");
      w.Uint64(p.offset);
      if (!p.tags.empty()) {
        w.Key("tags");
        w.StartObject();
        for (const auto& [k, v] : p.tags) {
          put_key(w, k);
          put_string(w, v);
        }
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("offset");
    w.Uint64(r.offset);
    w.Key("epoch");
    put_string(w, r.epoch);
    w.EndObject();
    return give_json(out, buf);
  });
}

instant_error_t instant_client_history_remove(instant_client* client, const char* channel) {
  return guard([&] {
    if (!client) return null_arg("client");
    if (!channel) return null_arg("channel");
    instant::Status st;
    client->client.history_remove(channel, st);
    return record(st);
  });
}

instant_error_t instant_client_channels(char** out, instant_client* client, const char* pattern) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    instant::Status st;
    instant::ChannelsResult r = client->client.channels(opt(pattern), st);
    if (!st.ok()) return record(st);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    for (const auto& [name, n] : r) {
      put_key(w, name);
      w.Uint(n);
    }
    w.EndObject();
    return give_json(out, buf);
  });
}

instant_error_t instant_client_info(char** out, instant_client* client) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    instant::Status st;
    instant::InfoResult r = client->client.info(st);
    if (!st.ok()) return record(st);
    *out = dup_string(r.result_json);
    return record_ok();
  });
}

instant_error_t instant_client_call(char** out, instant_client* client, const char* method,
                                    const char* params_json) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!client) return null_arg("client");
    if (!method) return null_arg("method");
    instant::Status st;
    std::string r = client->client.call(method, params_json ? params_json : "{}", st);
    if (!st.ok()) return record(st);
    *out = dup_string(r);
    return record_ok();
  });
}

}  // extern "C"
