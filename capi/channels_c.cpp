// extern "C" definitions: channels, users, registry and authorization,
// bundle, proxy handlers and Centrifugo config generation.
#include "capi.hpp"

#include <instant/bundle.hpp>
#include <instant/channels.hpp>
#include <instant/config_gen.hpp>
#include <instant/limits.hpp>
#include <instant/proxy.hpp>
#include <instant/token.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <strings.h>

using namespace instant::capi;

struct instant_user {
  instant::User user;
};
struct instant_registry {
  explicit instant_registry(instant::RegistryOptions o) : reg(std::move(o)) {}
  instant::Registry reg;
};
struct instant_proxy_options {
  instant::ProxyOptions opts;
};
struct instant_authorize_options {
  instant::AuthorizeOptions opts;
};
struct instant_bundle_options {
  instant::BundleOptions opts;
};
struct instant_proxy_request {
  const instant::ProxyRequest* req;
};
struct instant_genconfig_options {
  instant::ServerConfigOptions opts;
};
struct instant_genconfig {
  instant::GeneratedConfig gc;
  std::string settings;
};

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void write_channel(Writer& w, const instant::Channel& c) {
  w.StartObject();
  w.Key("name");
  put(w, c.name);
  w.Key("level");
  w.String(instant::to_string(c.level));
  w.Key("groups");
  w.StartArray();
  for (const auto& g : c.groups) put(w, g);
  w.EndArray();
  w.Key("active");
  w.Bool(c.active);
  w.EndObject();
}

instant_error_t give(char** out, const rapidjson::StringBuffer& buf) {
  *out = dup_string(std::string_view(buf.GetString(), buf.GetSize()));
  return record_ok();
}

bool to_level(instant_level_t l, instant::Level& out) {
  if (l < INSTANT_LEVEL_PUBLIC || l > INSTANT_LEVEL_SUPERUSER) {
    record(INSTANT_EINVAL, "invalid argument: 'level' is not an INSTANT_LEVEL_* value");
    return false;
  }
  out = static_cast<instant::Level>(l);
  return true;
}

// Builds a Channel from C arguments; false with the last error recorded.
bool make_channel(const char* name, instant_level_t level, const char* const* groups, size_t n,
                  int active, instant::Channel& c) {
  if (!name) return null_arg("name"), false;
  if (!groups && n > 0) return null_arg("groups"), false;
  if (!to_level(level, c.level)) return false;
  c.name = name;
  c.active = active != 0;
  return n == 0 || copy_strings(groups, n, "groups", c.groups);
}

instant::AuthorizeOptions auth(int anonymous_public) {
  instant::AuthorizeOptions a;
  a.anonymous_public = anonymous_public != 0;
  return a;
}

}  // namespace

extern "C" {

// ---- levels and names ------------------------------------------------------------

const char* instant_level_name(instant_level_t level) {
  instant::Level l;
  if (!to_level(level, l)) return nullptr;
  return instant::to_string(l);
}

instant_error_t instant_level_from_name(instant_level_t* out, const char* name) {
  return guard([&] {
    if (!out) return null_arg("out");
    if (!name) return null_arg("name");
    instant::Status st;
    instant::Level l = instant::parse_level(name, st);
    if (!st.ok()) return record(st);
    *out = static_cast<instant_level_t>(l);
    return record_ok();
  });
}

instant_error_t instant_channel_validate(const char* name) {
  return guard([&] {
    if (!name) return null_arg("name");
    instant::Status st;
    instant::validate_channel_name(name, {}, st);
    return record(st);
  });
}

instant_error_t instant_channel_namespace(char** out, const char* name) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!name) return null_arg("name");
    *out = dup_string(instant::channel_namespace(name));
    return record_ok();
  });
}

instant_error_t instant_channel_private_name(char** out, const char* name) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!name) return null_arg("name");
    *out = dup_string(instant::private_channel_name(name));
    return record_ok();
  });
}

// ---- users -------------------------------------------------------------------------

instant_error_t instant_user_new(instant_user** out, const char* id) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!id) return null_arg("id");
    if (!*id) return record(INSTANT_EINVAL, "invalid argument: 'id' is empty");
    auto* u = new instant_user{};
    u->user.id = id;
    *out = u;
    return record_ok();
  });
}

instant_error_t instant_user_new_anonymous(instant_user** out) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    *out = new instant_user{instant::User::anonymous()};
    return record_ok();
  });
}

void instant_user_free(instant_user* user) { delete user; }

instant_error_t instant_user_set_staff(instant_user* user, int staff) {
  return guard([&] {
    if (!user) return null_arg("user");
    user->user.staff = staff != 0;
    return record_ok();
  });
}

instant_error_t instant_user_set_superuser(instant_user* user, int superuser) {
  return guard([&] {
    if (!user) return null_arg("user");
    user->user.superuser = superuser != 0;
    return record_ok();
  });
}

instant_error_t instant_user_add_group(instant_user* user, const char* group) {
  return guard([&] {
    if (!user) return null_arg("user");
    if (!group) return null_arg("group");
    user->user.groups.emplace_back(group);
    return record_ok();
  });
}

// ---- registry --------------------------------------------------------------------------

instant_error_t instant_registry_new(instant_registry** out, unsigned flags) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (flags & ~3u) return record(INSTANT_EINVAL, "invalid argument: 'flags' has unknown bits");
    instant::RegistryOptions o;
    o.prefix_private = (flags & INSTANT_REGISTRY_PREFIX_PRIVATE) != 0;
    o.rules.allow_non_ascii = (flags & INSTANT_REGISTRY_ALLOW_NON_ASCII) != 0;
    *out = new instant_registry(std::move(o));
    return record_ok();
  });
}

void instant_registry_free(instant_registry* reg) { delete reg; }

instant_error_t instant_registry_add(char** stored_name, instant_registry* reg, const char* name,
                                     instant_level_t level, const char* const* groups,
                                     size_t n_groups, int active) {
  return guard([&] {
    if (stored_name) *stored_name = nullptr;
    if (!reg) return null_arg("reg");
    instant::Channel c;
    if (!make_channel(name, level, groups, n_groups, active, c)) return last_error().code;
    instant::Status st;
    std::string stored = reg->reg.add(std::move(c), st);
    if (!st.ok()) return record(st);
    if (stored_name) *stored_name = dup_string(stored);
    return record_ok();
  });
}

instant_error_t instant_registry_update(instant_registry* reg, const char* name, instant_level_t level,
                                        const char* const* groups, size_t n_groups, int active) {
  return guard([&] {
    if (!reg) return null_arg("reg");
    instant::Channel c;
    if (!make_channel(name, level, groups, n_groups, active, c)) return last_error().code;
    instant::Status st;
    reg->reg.update(std::move(c), st);
    return record(st);
  });
}

instant_error_t instant_registry_remove(instant_registry* reg, const char* name) {
  return guard([&] {
    if (!reg) return null_arg("reg");
    if (!name) return null_arg("name");
    instant::Status st;
    reg->reg.remove(name, st);
    return record(st);
  });
}

size_t instant_registry_size(const instant_registry* reg) {
  if (!reg) {
    null_arg("reg");
    return 0;
  }
  return guard_value<size_t>(0, [&] { return reg->reg.size(); });
}

instant_error_t instant_registry_find(char** out, const instant_registry* reg, const char* name) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!reg) return null_arg("reg");
    if (!name) return null_arg("name");
    auto c = reg->reg.find(name);
    if (!c) return record(INSTANT_ENOTFOUND, "no channel of that name is registered");
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_channel(w, *c);
    return give(out, buf);
  });
}

instant_error_t instant_registry_to_json(char** out, const instant_registry* reg) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!reg) return null_arg("reg");
    *out = dup_string(reg->reg.to_json());
    return record_ok();
  });
}

instant_error_t instant_registry_load_json(instant_registry* reg, const char* json) {
  return guard([&] {
    if (!reg) return null_arg("reg");
    if (!json) return null_arg("json");
    instant::Status st;
    reg->reg.load_json(json, st);
    return record(st);
  });
}

instant_error_t instant_registry_load(instant_registry* reg, const char* path) {
  return guard([&] {
    if (!reg) return null_arg("reg");
    if (!path) return null_arg("path");
    instant::Status st;
    reg->reg.load(path, st);
    return record(st);
  });
}

instant_error_t instant_registry_save(const instant_registry* reg, const char* path) {
  return guard([&] {
    if (!reg) return null_arg("reg");
    if (!path) return null_arg("path");
    instant::Status st;
    reg->reg.save(path, st);
    return record(st);
  });
}

}  // extern "C"

namespace {

instant::AuthorizeOptions auth(const instant_authorize_options* opts) {
  return opts ? opts->opts : instant::AuthorizeOptions{};
}

// The authorize member of an option object (bundle, proxy) from a C handle.
template <class Handle>
instant_error_t set_authorize(Handle* opts, const instant_authorize_options* authorize) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.authorize = auth(authorize);
    return record_ok();
  });
}

instant_error_t for_user(char** out, const instant_registry* reg, const instant_user* user,
                         const instant::AuthorizeOptions& a) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!reg) return null_arg("reg");
    if (!user) return null_arg("user");
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("channels");
    w.StartArray();
    for (const auto& c : reg->reg.for_user(user->user, a)) write_channel(w, c);
    w.EndArray();
    w.EndObject();
    return give(out, buf);
  });
}

instant_error_t explain(char** out, const instant_registry* reg, const instant_user* user,
                        const instant::AuthorizeOptions& a) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!reg) return null_arg("reg");
    if (!user) return null_arg("user");
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartArray();
    for (const auto& d : reg->reg.explain(user->user, a)) {
      w.StartObject();
      w.Key("channel");
      put(w, d.channel);
      w.Key("allowed");
      w.Bool(d.allowed);
      w.Key("reason");
      put(w, d.reason);
      w.EndObject();
    }
    w.EndArray();
    return give(out, buf);
  });
}

instant_error_t is_authorized(int* allowed, const instant_registry* reg, const instant_user* user,
                              const char* channel, const instant::AuthorizeOptions& a) {
  return guard([&] {
    if (!allowed) return null_arg("allowed");
    *allowed = 0;
    if (!reg) return null_arg("reg");
    if (!user) return null_arg("user");
    if (!channel) return null_arg("channel");
    auto c = reg->reg.find(channel);
    if (!c) return record(INSTANT_ENOTFOUND, "no channel of that name is registered");
    *allowed = instant::is_authorized(user->user, *c, a) ? 1 : 0;
    return record_ok();
  });
}

}  // namespace

extern "C" {

instant_error_t instant_registry_for_user(char** out, const instant_registry* reg,
                                          const instant_user* user, int anonymous_public) {
  return for_user(out, reg, user, auth(anonymous_public));
}

instant_error_t instant_registry_explain(char** out, const instant_registry* reg,
                                         const instant_user* user, int anonymous_public) {
  return explain(out, reg, user, auth(anonymous_public));
}

instant_error_t instant_registry_is_authorized(int* allowed, const instant_registry* reg,
                                               const instant_user* user, const char* channel,
                                               int anonymous_public) {
  return is_authorized(allowed, reg, user, channel, auth(anonymous_public));
}

instant_error_t instant_authorize_options_new(instant_authorize_options** out) { return new_handle(out); }

void instant_authorize_options_free(instant_authorize_options* opts) { delete opts; }

instant_error_t instant_authorize_options_set_anonymous_public(instant_authorize_options* opts,
                                                               int allow) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.anonymous_public = allow != 0;
    return record_ok();
  });
}

instant_error_t instant_registry_for_user_2(char** out, const instant_registry* reg,
                                            const instant_user* user,
                                            const instant_authorize_options* opts) {
  return for_user(out, reg, user, auth(opts));
}

instant_error_t instant_registry_explain_2(char** out, const instant_registry* reg,
                                           const instant_user* user,
                                           const instant_authorize_options* opts) {
  return explain(out, reg, user, auth(opts));
}

instant_error_t instant_registry_is_authorized_2(int* allowed, const instant_registry* reg,
                                                 const instant_user* user, const char* channel,
                                                 const instant_authorize_options* opts) {
  return is_authorized(allowed, reg, user, channel, auth(opts));
}

// ---- bundle ---------------------------------------------------------------------------

}  // extern "C"

namespace {

bool to_server_side(instant_server_side_t v, instant::ServerSide& out) {
  switch (v) {
    case INSTANT_SERVER_SIDE_OFF: out = instant::ServerSide::off; return true;
    case INSTANT_SERVER_SIDE_CHANNELS: out = instant::ServerSide::channels; return true;
    case INSTANT_SERVER_SIDE_SUBS: out = instant::ServerSide::subs; return true;
    default:
      record(INSTANT_EINVAL, "invalid argument: 'server_side' is not an INSTANT_SERVER_SIDE_* value");
      return false;
  }
}

instant_error_t bundle(char** out, const instant_signer* signer, const instant_registry* reg,
                       const instant_user* user, const char* csrf_token,
                       const instant::BundleOptions& bo) {
  if (!out) return null_arg("out");
  *out = nullptr;
  if (!signer) return null_arg("signer");
  if (!reg) return null_arg("reg");
  if (!user) return null_arg("user");
  if (!csrf_token) return null_arg("csrf_token");
  instant::Status st;
  instant::Bundle b = instant::make_bundle(signer->signer, reg->reg, user->user, csrf_token, bo, st);
  if (!st.ok()) return record(st);
  *out = dup_string(b.to_json());
  return record_ok();
}

}  // namespace

extern "C" {

instant_error_t instant_bundle_json(char** out, const instant_signer* signer, const instant_registry* reg,
                                    const instant_user* user, const char* csrf_token, int64_t lifetime,
                                    instant_server_side_t server_side, int anonymous_public) {
  return guard([&] {
    instant::BundleOptions bo;
    bo.authorize = auth(anonymous_public);
    bo.lifetime = lifetime;
    // A NULL argument is reported before a bad server_side, as it always was.
    if (out && signer && reg && user && csrf_token && !to_server_side(server_side, bo.server_side)) {
      *out = nullptr;
      return instant_last_error_code();
    }
    return bundle(out, signer, reg, user, csrf_token, bo);
  });
}

instant_error_t instant_bundle_options_new(instant_bundle_options** out) { return new_handle(out); }

void instant_bundle_options_free(instant_bundle_options* opts) { delete opts; }

instant_error_t instant_bundle_options_set_lifetime(instant_bundle_options* opts, int64_t seconds) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (seconds < 1 || seconds > instant::limits::max_lifetime_seconds) {
      return record(INSTANT_EINVAL, "invalid argument: 'seconds' must be 1..315360000");
    }
    opts->opts.lifetime = seconds;
    return record_ok();
  });
}

instant_error_t instant_bundle_options_set_server_side(instant_bundle_options* opts,
                                                       instant_server_side_t server_side) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!to_server_side(server_side, opts->opts.server_side)) return instant_last_error_code();
    return record_ok();
  });
}

instant_error_t instant_bundle_options_set_authorize(instant_bundle_options* opts,
                                                     const instant_authorize_options* authorize) {
  return set_authorize(opts, authorize);
}

instant_error_t instant_bundle_make(char** out, const instant_signer* signer, const instant_registry* reg,
                                    const instant_user* user, const char* csrf_token,
                                    const instant_bundle_options* opts) {
  return guard([&] {
    return bundle(out, signer, reg, user, csrf_token, opts ? opts->opts : instant::BundleOptions{});
  });
}

// ---- proxy --------------------------------------------------------------------------------

const char* instant_proxy_request_user(const instant_proxy_request* req) {
  if (!req) return null_arg("req"), nullptr;
  return req->req->user.c_str();
}

const char* instant_proxy_request_client(const instant_proxy_request* req) {
  if (!req) return null_arg("req"), nullptr;
  return req->req->client.c_str();
}

const char* instant_proxy_request_channel(const instant_proxy_request* req) {
  if (!req) return null_arg("req"), nullptr;
  return req->req->channel.c_str();
}

const char* instant_proxy_request_header(const instant_proxy_request* req, const char* name) {
  if (!req) return null_arg("req"), nullptr;
  if (!name) return null_arg("name"), nullptr;
  for (const auto& h : req->req->headers) {
    if (strcasecmp(h.first.c_str(), name) == 0) return h.second.c_str();
  }
  return nullptr;
}

instant_error_t instant_proxy_options_new(instant_proxy_options** out) { return new_handle(out); }

void instant_proxy_options_free(instant_proxy_options* opts) { delete opts; }

instant_error_t instant_proxy_options_set_anonymous_public(instant_proxy_options* opts, int allow) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.authorize.anonymous_public = allow != 0;
    return record_ok();
  });
}

instant_error_t instant_proxy_options_set_lifetimes(instant_proxy_options* opts, int64_t connection,
                                                    int64_t subscription) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (connection < 0 || subscription < 0 || connection > instant::limits::max_lifetime_seconds ||
        subscription > instant::limits::max_lifetime_seconds) {
      return record(INSTANT_EINVAL, "invalid argument: lifetimes must be 0..315360000 seconds");
    }
    opts->opts.connection_lifetime = connection;
    opts->opts.subscription_lifetime = subscription;
    return record_ok();
  });
}

instant_error_t instant_proxy_options_set_server_side(instant_proxy_options* opts, int enabled) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.server_side_subscriptions = enabled != 0;
    return record_ok();
  });
}

instant_error_t instant_proxy_options_set_max_request_bytes(instant_proxy_options* opts, size_t bytes) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (bytes == 0) return record(INSTANT_EINVAL, "invalid argument: 'bytes' must be positive");
    opts->opts.max_request_bytes = bytes;
    return record_ok();
  });
}

instant_error_t instant_proxy_options_set_now(instant_proxy_options* opts, int64_t now) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.now = now;
    return record_ok();
  });
}

instant_error_t instant_proxy_options_set_authorize(instant_proxy_options* opts,
                                                    const instant_authorize_options* authorize) {
  return set_authorize(opts, authorize);
}

instant_error_t instant_proxy_handle(char** out, instant_proxy_kind_t kind, const instant_registry* reg,
                                     const char* body, size_t body_len, const char* const* header_names,
                                     const char* const* header_values, size_t n_headers,
                                     const instant_proxy_options* opts, instant_user_resolver_fn resolve,
                                     void* userdata) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!reg) return null_arg("reg");
    if (!body) return null_arg("body");
    if (!resolve) return null_arg("resolve");
    if (n_headers > 0 && !header_names) return null_arg("header_names");
    if (n_headers > 0 && !header_values) return null_arg("header_values");
    std::vector<std::string> names, values;
    if (!copy_strings(header_names, n_headers, "header_names", names)) return last_error().code;
    if (!copy_strings(header_values, n_headers, "header_values", values)) return last_error().code;
    std::vector<std::pair<std::string, std::string>> headers;
    for (size_t i = 0; i < n_headers; ++i) headers.emplace_back(names[i], values[i]);

    // The C callback behind the C++ resolver; a failure is thrown so the
    // handler answers with its internal-error reply.
    instant::UserResolver resolver = [&](const instant::ProxyRequest& r) -> std::optional<instant::User> {
      instant_proxy_request creq{&r};
      instant_user* u = nullptr;
      int rc = resolve(&u, &creq, userdata);
      std::optional<instant::User> result;
      if (u) result = u->user;
      delete u;
      if (rc != 0) throw std::runtime_error("the user resolver failed");
      return result;
    };
    const instant::ProxyOptions po = opts ? opts->opts : instant::ProxyOptions{};
    const std::string_view b(body, body_len);
    std::string reply;
    switch (kind) {
      case INSTANT_PROXY_CONNECT: reply = instant::proxy_connect(b, reg->reg, resolver, po, headers); break;
      case INSTANT_PROXY_REFRESH: reply = instant::proxy_refresh(b, reg->reg, resolver, po, headers); break;
      case INSTANT_PROXY_SUBSCRIBE: reply = instant::proxy_subscribe(b, reg->reg, resolver, po, headers); break;
      case INSTANT_PROXY_SUB_REFRESH:
        reply = instant::proxy_sub_refresh(b, reg->reg, resolver, po, headers);
        break;
      default: return record(INSTANT_EINVAL, "invalid argument: 'kind' is not an INSTANT_PROXY_* value");
    }
    *out = dup_string(reply);
    return record_ok();
  });
}

// ---- genconfig ------------------------------------------------------------------------------

instant_error_t instant_random_secret(char** out, size_t bytes) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    instant::Status st;
    std::string s = instant::random_secret(bytes, st);
    if (!st.ok()) return record(st);
    *out = dup_string(s);
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_new(instant_genconfig_options** out) { return new_handle(out); }

void instant_genconfig_options_free(instant_genconfig_options* opts) { delete opts; }

instant_error_t instant_genconfig_options_set_host(instant_genconfig_options* opts, const char* host,
                                                   int port) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!host) return null_arg("host");
    opts->opts.host = host;
    opts->opts.port = port;
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_address(instant_genconfig_options* opts, const char* address) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!address) return null_arg("address");
    opts->opts.address = address;
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_site_name(instant_genconfig_options* opts,
                                                        const char* site_name) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!site_name) return null_arg("site_name");
    opts->opts.site_name = site_name;
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_add_allowed_origin(instant_genconfig_options* opts,
                                                             const char* origin) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!origin) return null_arg("origin");
    opts->opts.allowed_origins.emplace_back(origin);
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_channels(instant_genconfig_options* opts,
                                                       const instant_registry* reg) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!reg) return null_arg("reg");
    opts->opts.channels = reg->reg.list();
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_namespace_defaults(instant_genconfig_options* opts,
                                                                 int presence, int history_size,
                                                                 int64_t history_ttl) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.presence = presence != 0;
    opts->opts.history_size = history_size;
    opts->opts.history_ttl = history_ttl;
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_admin(instant_genconfig_options* opts, int admin,
                                                    int usage_stats) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.admin = admin != 0;
    opts->opts.usage_stats = usage_stats != 0;
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_proxy(instant_genconfig_options* opts,
                                                    instant_proxy_endpoint_t kind, const char* url) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!url) return null_arg("url");
    switch (kind) {
      case INSTANT_PROXY_CONNECT: opts->opts.connect_proxy = url; break;
      case INSTANT_PROXY_REFRESH: opts->opts.refresh_proxy = url; break;
      case INSTANT_PROXY_SUBSCRIBE: opts->opts.subscribe_proxy = url; break;
      case INSTANT_PROXY_SUB_REFRESH: opts->opts.sub_refresh_proxy = url; break;
      default: return record(INSTANT_EINVAL, "invalid argument: 'kind' is not an INSTANT_PROXY_* value");
    }
    return record_ok();
  });
}

instant_error_t instant_genconfig_options_set_keys(instant_genconfig_options* opts, const char* hmac_key,
                                                   const char* api_key) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.hmac_key = opt(hmac_key);
    opts->opts.api_key = opt(api_key);
    return record_ok();
  });
}

instant_error_t instant_genconfig_generate(instant_genconfig** out, const instant_genconfig_options* opts) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!opts) return null_arg("opts");
    instant::Status st;
    instant::GeneratedConfig gc = instant::generate_server_config(opts->opts, st);
    if (!st.ok()) return record(st);
    auto* g = new instant_genconfig{std::move(gc), {}};
    g->settings = g->gc.settings_text();
    *out = g;
    return record_ok();
  });
}

void instant_genconfig_free(instant_genconfig* gc) { delete gc; }

const char* instant_genconfig_json(const instant_genconfig* gc) {
  if (!gc) return null_arg("gc"), nullptr;
  return gc->gc.json.c_str();
}

const char* instant_genconfig_settings(const instant_genconfig* gc) {
  if (!gc) return null_arg("gc"), nullptr;
  return gc->settings.c_str();
}

const char* instant_genconfig_hmac_key(const instant_genconfig* gc) {
  if (!gc) return null_arg("gc"), nullptr;
  return gc->gc.hmac_key.c_str();
}

const char* instant_genconfig_api_key(const instant_genconfig* gc) {
  if (!gc) return null_arg("gc"), nullptr;
  return gc->gc.api_key.c_str();
}

instant_error_t instant_genconfig_save(const instant_genconfig* gc, const char* path, int overwrite) {
  return guard([&] {
    if (!gc) return null_arg("gc");
    if (!path) return null_arg("path");
    instant::Status st;
    instant::save_server_config(gc->gc, path, overwrite != 0, st);
    return record(st);
  });
}

}  // extern "C"
