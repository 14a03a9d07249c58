// Centrifugo's proxy requests: instant::parse_proxy_request and the four
// handlers (proxy_connect, proxy_subscribe, proxy_refresh, proxy_sub_refresh)
// over a small registry and a resolver. Input: [handler][options][lifetimes]
// then the request body.
// Invariants: every reply is one JSON object (instant's validator accepts it)
// holding exactly one of result / error, error codes within 400-1999; a body
// the validator refuses is never parsed as a request; data and meta keep the
// client's JSON, numbers as written; expire_at lies after now; subscribe and
// sub_refresh decide exactly as instant::is_authorized for the resolved user
// and the registered channel; connect names the resolved user and, with
// server-side subscriptions, lists Registry::for_user's channels.
#include "fuzz_support.hpp"
#include "json_oracle.hpp"

#include <instant/limits.hpp>
#include <instant/proxy.hpp>

#include <limits>
#include <stdexcept>

namespace {

constexpr const char* kTarget = "fuzz_proxy";
constexpr std::int64_t kNow = 1700000000;

const instant::Registry& registry() {
  static const instant::Registry* r = [] {
    auto* reg = new instant::Registry();
    reg->add({"news", instant::Level::public_, {}, true});
    reg->add({"chat:lobby", instant::Level::users, {}, true});
    reg->add({"chat:staff", instant::Level::staff, {}, true});
    reg->add({"$ops:team", instant::Level::groups, {"ops"}, true});
    reg->add({"$root:all", instant::Level::superuser, {}, true});
    reg->add({"chat:old", instant::Level::public_, {}, false});
    reg->add({"chat:nobody", instant::Level::groups, {}, true});
    return reg;
  }();
  return *r;
}

// The host's users, by the request's user field. "boom" makes the resolver
// throw; "mallory" resolves to somebody else; "" is anonymous.
std::optional<instant::User> lookup(const std::string& id) {
  instant::User u;
  u.id = id;
  if (id == "alice") {
    u.staff = true;
  } else if (id == "bob") {
    u.groups = {"ops", "dev"};
  } else if (id == "root") {
    u.superuser = true;
  } else if (id == "mallory") {
    u.id = "alice";
  } else if (id.empty()) {
    return instant::User::anonymous();
  } else if (id == "boom") {
    throw std::runtime_error("host database down");
  } else if (id != "carol") {
    return std::nullopt;
  }
  return u;
}

std::optional<instant::User> resolve(const instant::ProxyRequest& r) { return lookup(r.user); }

constexpr std::int64_t kLifetimes[] = {0, 1, 3600, -5, std::numeric_limits<std::int64_t>::max(),
                                       std::numeric_limits<std::int64_t>::max() - kNow + 1};

void check_parse(std::string_view body, std::size_t max) {
  instant::Status st;
  const instant::ProxyRequest req = instant::parse_proxy_request(body, max, st);
  const bool valid = body.size() <= max && fuzz::valid_json(body);
  if (st.ok()) {
    fuzz::check(valid, kTarget, "parse_proxy_request accepted a body validate_json refuses");
    if (!req.data.empty()) {
      fuzz::check(fuzz::canonical_member(body, "data") == fuzz::canonical_json(req.data), kTarget,
                  "'data' does not keep the client's JSON");
    }
    if (!req.meta.empty()) {
      fuzz::check(fuzz::canonical_member(body, "meta") == fuzz::canonical_json(req.meta), kTarget,
                  "'meta' does not keep the client's JSON");
    }
  } else {
    fuzz::check(!st.message().empty(), kTarget, "a refusal without a message");
    if (!valid) {
      fuzz::check(st.kind() == instant::errc::invalid_json ||
                      st.kind() == instant::errc::invalid_utf8 ||
                      st.kind() == instant::errc::too_large,
                  kTarget, "refused body reported as " + std::string(instant::to_string(st.kind())));
    }
  }
}

// The reply's shape; returns the result object (null when an error).
const rapidjson::Value* check_reply(const std::string& reply, rapidjson::Document& d) {
  fuzz::check(fuzz::valid_document(reply) && rj_parse(d, reply), kTarget,
              "reply is not valid JSON: " + reply);
  fuzz::check(d.IsObject() && d.MemberCount() == 1, kTarget,
              "reply is not an object with one member: " + reply);
  const auto& m = *d.MemberBegin();
  const std::string key(m.name.GetString(), m.name.GetStringLength());
  if (key == "error") {
    const auto* code = rj_member(m.value, "code");
    fuzz::check(code && code->IsInt() && code->GetInt() >= 400 && code->GetInt() <= 1999, kTarget,
                "error code outside 400-1999: " + reply);
    return nullptr;
  }
  fuzz::check(key == "result" && m.value.IsObject(), kTarget, "reply is neither result nor error: " + reply);
  if (const auto* e = rj_member(m.value, "expire_at")) {
    fuzz::check(e->IsInt64() && e->GetInt64() > kNow, kTarget, "expire_at not after now: " + reply);
  }
  return &m.value;
}

// What subscribe / sub_refresh must decide for a well-formed request.
bool expected_allow(const instant::ProxyRequest& req, const instant::AuthorizeOptions& auth) {
  instant::Status name_st;
  instant::validate_channel_name(req.channel, registry().options().rules, name_st);
  if (!name_st.ok()) return false;
  std::optional<instant::User> user;
  try {
    user = lookup(req.user);
  } catch (...) {
    return false;
  }
  if (!user) return false;
  if (user->authenticated ? user->id != req.user : !req.user.empty()) return false;
  const std::optional<instant::Channel> ch = registry().find(req.channel);
  return ch && instant::is_authorized(*user, *ch, auth);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const int handler = in.byte() % 4;
  const std::uint8_t flags = in.byte();
  const std::uint8_t life = in.byte();
  const std::string_view body = in.rest();

  instant::ProxyOptions opts;
  opts.now = kNow;
  opts.authorize.anonymous_public = flags & 1;
  opts.server_side_subscriptions = flags & 2;
  opts.max_request_bytes = (flags & 4) ? 64 : 65536;
  opts.connection_lifetime = kLifetimes[(life & 0x0f) % 6];
  opts.subscription_lifetime = kLifetimes[(life >> 4) % 6];

  check_parse(body, opts.max_request_bytes);

  std::string reply;
  switch (handler) {
    case 0: reply = instant::proxy_connect(body, registry(), resolve, opts); break;
    case 1: reply = instant::proxy_refresh(body, registry(), resolve, opts); break;
    case 2: reply = instant::proxy_subscribe(body, registry(), resolve, opts); break;
    default: reply = instant::proxy_sub_refresh(body, registry(), resolve, opts); break;
  }
  rapidjson::Document d;
  const rapidjson::Value* result = check_reply(reply, d);

  // Every grant that should expire says when (never "no expiry" by overflow).
  if (result && !rj_member(*result, "expired")) {
    const bool must_expire = handler == 1 || handler == 3 ||
                             (handler == 0 && opts.connection_lifetime > 0) ||
                             (handler == 2 && opts.subscription_lifetime > 0);
    fuzz::check(!must_expire || rj_member(*result, "expire_at"), kTarget,
                "a grant without the expire_at its lifetime asks for: " + reply);
  }

  instant::Status st;
  const instant::ProxyRequest req = instant::parse_proxy_request(body, opts.max_request_bytes, st);
  if (!st.ok()) {
    fuzz::check(!result, kTarget, "a request that does not parse was answered with a result");
    return 0;
  }
  if (handler == 2 || handler == 3) {
    const bool expired = result && rj_member(*result, "expired");
    const bool allowed = result && !expired;
    const bool want = expected_allow(req, opts.authorize);
    fuzz::check(!allowed || want, kTarget, "allowed what is_authorized denies: " + reply);
    // A lifetime out of range (either one) turns an allow into an error
    // reply (docs/limits.md), never the reverse.
    auto in_range = [](std::int64_t l) { return l >= 0 && l <= instant::limits::max_lifetime_seconds; };
    const bool sane = in_range(opts.subscription_lifetime) && in_range(opts.connection_lifetime);
    fuzz::check(!want || !sane || allowed, kTarget, "denied what is_authorized allows: " + reply);
  }
  if (handler == 0 && result) {
    std::optional<instant::User> user = lookup(req.user);
    fuzz::check(user.has_value(), kTarget, "connect allowed an unknown user");
    fuzz::check(rj_string(*result, "user") == (user->authenticated ? user->id : ""),
                kTarget, "connect result names another user: " + reply);
    if (opts.server_side_subscriptions) {
      std::vector<std::string> want, got;
      for (const auto& c : registry().for_user(*user, opts.authorize)) want.push_back(c.name);
      const auto* chans = rj_member(*result, "channels");
      fuzz::check(chans && chans->IsArray(), kTarget, "connect result without channels: " + reply);
      for (const auto& c : chans->GetArray()) got.push_back(c.IsString() ? std::string(c.GetString(), c.GetStringLength()) : std::string());
      fuzz::check(got == want, kTarget,
                  "connect channels differ from Registry::for_user: " + reply);
    }
  }
  return 0;
}
