#include <instant/bundle.hpp>
#include <instant/limits.hpp>

#include "detail/json.hpp"

namespace instant {

const char* to_string(ServerSide s) noexcept {
  switch (s) {
    case ServerSide::off: return "off";
    case ServerSide::channels: return "channels";
    case ServerSide::subs: return "subs";
  }
  return "unknown";
}

std::string Bundle::to_json() const {
  rapidjson::StringBuffer sb;
  detail::JsonWriter w(sb);
  w.StartObject();
  w.Key("csrf_token");
  detail::write_string(w, csrf_token);
  w.Key("ws_token");
  detail::write_string(w, ws_token);
  w.Key("channels");
  w.StartArray();
  for (const auto& c : channels) {
    w.StartObject();
    w.Key("name");
    detail::write_string(w, c.name);
    w.Key("level");
    w.String(to_string(c.level));
    if (!c.token.empty()) {
      w.Key("token");
      detail::write_string(w, c.token);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Bundle make_bundle(const Signer& signer, const std::vector<Channel>& channels, const User& user,
                   std::string_view csrf_token, const BundleOptions& opts, Status& st) {
  st.clear();
  if (!user.authenticated && !opts.authorize.anonymous_public) {
    st = Status(errc::forbidden, "anonymous users get no bundle (anonymous_public is off)");
    return {};
  }
  if (user.authenticated && user.id.empty()) {
    st = Status(errc::invalid_argument, "an authenticated user needs an id");
    return {};
  }
  if (opts.lifetime <= 0 || opts.lifetime > limits::max_lifetime_seconds) {
    st = Status(errc::invalid_argument, "bundle token lifetime must be 1..315360000 seconds");
    return {};
  }
  st = detail::validate_utf8(csrf_token, "csrf_token");
  if (!st) return {};

  const std::string sub = user.authenticated ? user.id : std::string();
  std::vector<Channel> allowed = authorized_channels(user, channels, opts.authorize);

  Bundle b;
  b.csrf_token.assign(csrf_token.data(), csrf_token.size());
  ConnectionClaims cc;
  cc.sub = sub;
  cc.ttl = opts.lifetime;
  for (const auto& c : allowed) {
    if (opts.server_side == ServerSide::channels) cc.channels.push_back(c.name);
    if (opts.server_side == ServerSide::subs) cc.subs.emplace_back(c.name, SubscribeOptions{});
  }
  b.ws_token = signer.connection_token(cc, st);
  if (!st) return {};

  b.channels.reserve(allowed.size());
  for (const auto& c : allowed) {
    BundleChannel bc;
    bc.name = c.name;
    bc.level = c.level;
    if (opts.server_side == ServerSide::off) {
      SubscriptionClaims sc;
      sc.sub = sub;
      sc.channel = c.name;
      sc.ttl = opts.lifetime;
      bc.token = signer.subscription_token(sc, st);
      if (!st) return {};
    }
    b.channels.push_back(std::move(bc));
  }
  return b;
}

Bundle make_bundle(const Signer& signer, const std::vector<Channel>& channels, const User& user,
                   std::string_view csrf_token, const BundleOptions& opts) {
  Status st;
  Bundle b = make_bundle(signer, channels, user, csrf_token, opts, st);
  throw_if_error(st);
  return b;
}

Bundle make_bundle(const Signer& signer, const Registry& registry, const User& user,
                   std::string_view csrf_token, const BundleOptions& opts, Status& st) {
  Registry::Snapshot snap = registry.snapshot();
  return make_bundle(signer, *snap, user, csrf_token, opts, st);
}

Bundle make_bundle(const Signer& signer, const Registry& registry, const User& user,
                   std::string_view csrf_token, const BundleOptions& opts) {
  Status st;
  Bundle b = make_bundle(signer, registry, user, csrf_token, opts, st);
  throw_if_error(st);
  return b;
}

}  // namespace instant
