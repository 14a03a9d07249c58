#include <instant/proxy.hpp>

#include "detail/checked.hpp"
#include "detail/json.hpp"

#include <instant/limits.hpp>

#include <chrono>
#include <exception>
#include <optional>

namespace instant {
namespace {

constexpr std::int64_t kDefaultRefresh = 3600;

std::int64_t now_of(const ProxyOptions& o) {
  if (o.now != 0) return o.now;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string error_reply(int code, std::string_view message, bool temporary = false) {
  rapidjson::StringBuffer sb;
  detail::JsonWriter w(sb);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(code);
  w.Key("message");
  detail::write_string(w, message);
  if (temporary) {
    w.Key("temporary");
    w.Bool(true);
  }
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::string bad_request_reply(const Status& st) {
  int code = st.kind() == errc::too_large ? proxy_code::too_large : proxy_code::bad_request;
  return error_reply(code, (code == proxy_code::too_large ? "request too large: " : "bad request: ") +
                               st.message());
}

std::string expired_reply() { return R"({"result":{"expired":true}})"; }

std::string expire_at_reply(std::int64_t expire_at) {
  if (expire_at <= 0) return R"({"result":{}})";
  return R"({"result":{"expire_at":)" + std::to_string(expire_at) + "}}";
}

// Absurd options end every call with an internal error naming the setting
// (never a silent "no expiry").
std::optional<std::string> options_error(const ProxyOptions& o) {
  auto bad = [](const char* what) {
    return error_reply(proxy_code::internal,
                       std::string("internal error: proxy option '") + what + "' must be 0.." +
                           std::to_string(limits::max_lifetime_seconds) + " seconds",
                       true);
  };
  if (o.connection_lifetime < 0 || o.connection_lifetime > limits::max_lifetime_seconds) {
    return bad("connection_lifetime");
  }
  if (o.subscription_lifetime < 0 || o.subscription_lifetime > limits::max_lifetime_seconds) {
    return bad("subscription_lifetime");
  }
  if (o.now < 0) return error_reply(proxy_code::internal, "internal error: proxy option 'now' is negative", true);
  return std::nullopt;
}

// now + life as an expire_at reply, or an internal error if it overflows.
std::string extend_reply(const ProxyOptions& o, std::int64_t life) {
  std::int64_t at = 0;
  if (!detail::checked_add(now_of(o), life, at)) {
    return error_reply(proxy_code::internal, "internal error: expire_at overflows", true);
  }
  return expire_at_reply(at);
}

// Runs the resolver, turning an exception into `failed`.
std::optional<User> resolve_user(const UserResolver& resolve, const ProxyRequest& req,
                                 bool* failed) {
  *failed = false;
  if (!resolve) return std::nullopt;
  try {
    return resolve(req);
  } catch (...) {
    *failed = true;
    return std::nullopt;
  }
}

// Runs a handler behind the exception barrier, after the options check.
template <typename F>
std::string guarded(const ProxyOptions& opts, F&& f) noexcept {
  try {
    if (auto e = options_error(opts)) return *e;
    return f();
  } catch (const std::bad_alloc&) {
    return R"({"error":{"code":500,"message":"internal error: out of memory","temporary":true}})";
  } catch (...) {
    return R"({"error":{"code":500,"message":"internal error","temporary":true}})";
  }
}

void report(const ProxyOptions& opts, const Decision& d) {
  if (!opts.on_decision) return;
  try {
    opts.on_decision(d);
  } catch (...) {
    // a logging hook must not change the decision
  }
}

// Shared checks of subscribe and sub_refresh: the decision for the request's
// user and channel, or a deny with its reason.
Decision decide_channel(const ProxyRequest& req, const Registry& registry,
                        const UserResolver& resolve, const ProxyOptions& opts, bool* failed) {
  Decision d;
  d.channel = req.channel;
  std::optional<User> user = resolve_user(resolve, req, failed);
  if (*failed) {
    d.reason = "user resolver failed";
    return d;
  }
  if (!user) {
    d.reason = "user '" + req.user + "' is unknown to the host";
    return d;
  }
  if (user->authenticated && user->id != req.user) {
    d.reason = "resolver returned user '" + user->id + "' for request user '" + req.user + "'";
    return d;
  }
  if (!user->authenticated && !req.user.empty()) {
    d.reason = "resolver returned an anonymous user for user '" + req.user + "'";
    return d;
  }
  std::optional<Channel> ch = registry.find(req.channel);
  if (!ch) {
    d.reason = "channel is not registered";
    return d;
  }
  d = explain(*user, *ch, opts.authorize);
  return d;
}

// The shared front of subscribe and sub_refresh: parse, check the channel,
// decide and report. Returns the reply when the request ends before a
// decision (bad request, resolver failure); otherwise fills `d`.
std::optional<std::string> decide_channel_request(
    std::string_view body, const Registry& registry, const UserResolver& resolve,
    const ProxyOptions& opts, std::vector<std::pair<std::string, std::string>> headers, Decision& d) {
  Status st;
  ProxyRequest req = parse_proxy_request(body, opts.max_request_bytes, st);
  if (!st) return bad_request_reply(st);
  req.headers = std::move(headers);
  validate_channel_name(req.channel, registry.options().rules, st);
  if (!st) return bad_request_reply(st);
  bool failed = false;
  d = decide_channel(req, registry, resolve, opts, &failed);
  report(opts, d);
  if (failed) return error_reply(proxy_code::internal, "internal error", true);
  return std::nullopt;
}

}  // namespace

ProxyRequest parse_proxy_request(std::string_view body, std::size_t max_bytes) {
  Status st;
  ProxyRequest r = parse_proxy_request(body, max_bytes, st);
  throw_if_error(st);
  return r;
}

ProxyRequest parse_proxy_request(std::string_view body, std::size_t max_bytes, Status& st) {
  st.clear();
  ProxyRequest req;
  if (body.size() > max_bytes) {
    st = Status(errc::too_large, "request body is " + std::to_string(body.size()) +
                                     " bytes, more than " + std::to_string(max_bytes));
    return req;
  }
  detail::JsonDoc doc;
  st = detail::parse_json(body, doc, "proxy request");
  if (!st) return req;
  const detail::JsonValue root = doc.root();
  if (!root.is_object()) {
    st = Status(errc::invalid_argument, "proxy request must be a JSON object");
    return req;
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"client", &req.client},   {"transport", &req.transport}, {"protocol", &req.protocol},
      {"encoding", &req.encoding}, {"user", &req.user},         {"channel", &req.channel},
      {"token", &req.token},     {"b64data", &req.b64data},     {"name", &req.name},
      {"version", &req.version}};
  for (const auto& s : strings) {
    if (!detail::read_string_member(root, s.first, *s.second, errc::invalid_argument, st)) return req;
  }
  if (const detail::JsonValue v = root["data"]; v && !v.is_null()) req.data = v.json();
  if (const detail::JsonValue v = root["meta"]; v && !v.is_null()) req.meta = v.json();
  if (const detail::JsonValue v = root["channels"]; v && !v.is_null()) {
    if (!v.is_array()) {
      st = Status(errc::invalid_argument, "'channels' must be an array of strings");
      return req;
    }
    for (const auto c : v.elements()) {
      if (!c.value.is_string() || c.value.has_nul()) {
        st = Status(errc::invalid_argument, "'channels' must be an array of strings");
        return req;
      }
      req.channels.emplace_back(c.value.str());
    }
  }
  return req;
}

std::string proxy_connect(std::string_view body, const Registry& registry,
                          const UserResolver& resolve, const ProxyOptions& opts,
                          std::vector<std::pair<std::string, std::string>> headers) {
  return guarded(opts, [&]() -> std::string {
    Status st;
    ProxyRequest req = parse_proxy_request(body, opts.max_request_bytes, st);
    if (!st) return bad_request_reply(st);
    req.headers = std::move(headers);
    bool failed = false;
    std::optional<User> user = resolve_user(resolve, req, &failed);
    if (failed) return error_reply(proxy_code::internal, "internal error", true);
    if (!user) return error_reply(proxy_code::unauthorized, "unauthorized");
    if (!user->authenticated && !opts.authorize.anonymous_public) {
      return error_reply(proxy_code::unauthorized, "unauthorized");
    }
    if (user->authenticated && user->id.empty()) {
      return error_reply(proxy_code::internal, "internal error: user without id", true);
    }
    rapidjson::StringBuffer sb;
    detail::JsonWriter w(sb);
    w.StartObject();
    w.Key("result");
    w.StartObject();
    w.Key("user");
    detail::write_string(w, user->authenticated ? user->id : std::string());
    if (opts.connection_lifetime > 0) {
      std::int64_t at = 0;
      if (!detail::checked_add(now_of(opts), opts.connection_lifetime, at)) {
        return error_reply(proxy_code::internal, "internal error: expire_at overflows", true);
      }
      w.Key("expire_at");
      w.Int64(at);
    }
    if (opts.server_side_subscriptions) {
      w.Key("channels");
      w.StartArray();
      for (const auto& c : registry.for_user(*user, opts.authorize)) detail::write_string(w, c.name);
      w.EndArray();
    }
    w.EndObject();
    w.EndObject();
    return std::string(sb.GetString(), sb.GetSize());
  });
}

std::string proxy_subscribe(std::string_view body, const Registry& registry,
                            const UserResolver& resolve, const ProxyOptions& opts,
                            std::vector<std::pair<std::string, std::string>> headers) {
  return guarded(opts, [&]() -> std::string {
    Decision d;
    if (auto early = decide_channel_request(body, registry, resolve, opts, std::move(headers), d)) {
      return *early;
    }
    if (!d.allowed) return error_reply(proxy_code::forbidden, "permission denied");
    if (opts.subscription_lifetime > 0) return extend_reply(opts, opts.subscription_lifetime);
    return R"({"result":{}})";
  });
}

std::string proxy_refresh(std::string_view body, const Registry& registry,
                          const UserResolver& resolve, const ProxyOptions& opts,
                          std::vector<std::pair<std::string, std::string>> headers) {
  (void)registry;
  return guarded(opts, [&]() -> std::string {
    Status st;
    ProxyRequest req = parse_proxy_request(body, opts.max_request_bytes, st);
    if (!st) return bad_request_reply(st);
    req.headers = std::move(headers);
    bool failed = false;
    std::optional<User> user = resolve_user(resolve, req, &failed);
    if (failed) return error_reply(proxy_code::internal, "internal error", true);
    bool ok = user && ((user->authenticated && !user->id.empty() && user->id == req.user) ||
                       (!user->authenticated && req.user.empty() &&
                        opts.authorize.anonymous_public));
    if (!ok) return expired_reply();
    return extend_reply(opts, opts.connection_lifetime > 0 ? opts.connection_lifetime : kDefaultRefresh);
  });
}

std::string proxy_sub_refresh(std::string_view body, const Registry& registry,
                              const UserResolver& resolve, const ProxyOptions& opts,
                              std::vector<std::pair<std::string, std::string>> headers) {
  return guarded(opts, [&]() -> std::string {
    Decision d;
    if (auto early = decide_channel_request(body, registry, resolve, opts, std::move(headers), d)) {
      return *early;
    }
    if (!d.allowed) return expired_reply();
    return extend_reply(opts,
                        opts.subscription_lifetime > 0 ? opts.subscription_lifetime : kDefaultRefresh);
  });
}

}  // namespace instant
