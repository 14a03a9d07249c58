#include <instant/channels.hpp>

#include "detail/files.hpp"
#include "detail/json.hpp"
#include "detail/text.hpp"

#include <rapidjson/prettywriter.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_set>
#include <utility>

namespace instant {

// ---------------------------------------------------------------- levels

const char* to_string(Level level) noexcept {
  switch (level) {
    case Level::public_: return "public";
    case Level::users: return "users";
    case Level::groups: return "groups";
    case Level::staff: return "staff";
    case Level::superuser: return "superuser";
  }
  return "unknown";
}

Level parse_level(std::string_view text, Status& st) {
  // django-instant's default level, superuser, comes first: it is the fallback.
  static const Level all[] = {Level::superuser, Level::public_, Level::users, Level::groups,
                              Level::staff};
  return detail::parse_named(text, all, "channel level",
                             "public, users, groups, staff or superuser", st);
}

Level parse_level(std::string_view text) {
  Status st;
  Level l = parse_level(text, st);
  throw_if_error(st);
  return l;
}

// ---------------------------------------------------------------- authorization

namespace {

bool shares_group(const User& user, const Channel& channel, std::string* which) {
  for (const auto& g : channel.groups) {
    if (std::find(user.groups.begin(), user.groups.end(), g) != user.groups.end()) {
      if (which) *which = g;
      return true;
    }
  }
  return false;
}

}  // namespace

Decision explain(const User& user, const Channel& channel, const AuthorizeOptions& opts) {
  Decision d;
  d.channel = channel.name;
  auto allow = [&](std::string why) {
    d.allowed = true;
    d.reason = std::move(why);
    return d;
  };
  auto deny = [&](std::string why) {
    d.allowed = false;
    d.reason = std::move(why);
    return d;
  };
  if (!channel.active) return deny("channel is inactive");
  if (!user.authenticated) {
    if (channel.level == Level::public_) {
      if (opts.anonymous_public) return allow("public channel, anonymous users allowed");
      return deny("anonymous user; anonymous access to public channels is off");
    }
    return deny(std::string("anonymous user; ") + to_string(channel.level) +
                " channel needs a logged-in user");
  }
  switch (channel.level) {
    case Level::public_: return allow("public channel, authenticated user");
    case Level::users: return allow("users channel, authenticated user");
    case Level::staff:
      if (user.staff) return allow("staff channel, user is staff");
      break;
    case Level::superuser:
      if (user.superuser) return allow("superuser channel, user is superuser");
      break;
    case Level::groups: break;
  }
  std::string group;
  if (shares_group(user, channel, &group)) return allow("user is in group '" + group + "'");
  switch (channel.level) {
    case Level::staff: return deny("staff channel, user is not staff and in none of its groups");
    case Level::superuser:
      return deny("superuser channel, user is not superuser and in none of its groups");
    case Level::groups:
      if (channel.groups.empty()) return deny("groups channel without groups goes to nobody");
      return deny("groups channel, user is in none of its groups");
    default: break;
  }
  return deny("not authorized");
}

bool is_authorized(const User& user, const Channel& channel, const AuthorizeOptions& opts) {
  return explain(user, channel, opts).allowed;
}

std::vector<Channel> authorized_channels(const User& user, const std::vector<Channel>& channels,
                                         const AuthorizeOptions& opts) {
  std::vector<Channel> out;
  std::unordered_set<std::string> seen;
  for (const auto& c : channels) {
    if (seen.count(c.name)) continue;
    if (is_authorized(user, c, opts)) {
      seen.insert(c.name);
      out.push_back(c);
    }
  }
  return out;
}

// ---------------------------------------------------------------- JSON format

namespace {

Status normalize(Channel& c, const RegistryOptions& opts) {
  if (opts.prefix_private && c.level != Level::public_) c.name = private_channel_name(c.name);
  Status st;
  validate_channel_name(c.name, opts.rules, st);
  if (!st) return st;
  // Linear in the number of groups, however many a hostile file lists.
  std::vector<std::string> groups;
  std::unordered_set<std::string_view> seen;
  groups.reserve(c.groups.size());
  for (const auto& g : c.groups) {
    if (g.empty()) return Status(errc::invalid_argument, "channel '" + c.name + "': empty group name");
    if (!detail::utf8_valid(g)) {
      return Status(errc::invalid_utf8, "channel '" + c.name + "': group name is not valid UTF-8");
    }
    if (seen.insert(g).second) groups.push_back(g);
  }
  c.groups = std::move(groups);
  return {};
}

Status check_unique(const std::vector<Channel>& v) {
  std::set<std::string> names;
  for (const auto& c : v) {
    if (!names.insert(c.name).second) {
      return Status(errc::already_exists, "channel '" + c.name + "' is listed twice");
    }
  }
  return {};
}

}  // namespace

std::vector<Channel> parse_channels_json(std::string_view text, const RegistryOptions& opts) {
  Status st;
  auto v = parse_channels_json(text, opts, st);
  throw_if_error(st);
  return v;
}

std::vector<User> parse_users_json(std::string_view text) {
  Status st;
  auto v = parse_users_json(text, st);
  throw_if_error(st);
  return v;
}

namespace {

// An optional "groups" member: an array of strings (none holding U+0000).
bool read_groups(detail::JsonValue item, std::vector<std::string>& out) {
  const detail::JsonValue v = item["groups"];
  if (!v) return true;
  if (!v.is_array()) return false;
  for (const auto g : v.elements()) {
    if (!g.value.is_string() || g.value.has_nul()) return false;
    out.emplace_back(g.value.str());
  }
  return true;
}

}  // namespace

std::vector<Channel> parse_channels_json(std::string_view text, const RegistryOptions& opts,
                                         Status& st) {
  st.clear();
  std::vector<Channel> out;
  detail::JsonDoc doc;
  st = detail::parse_json(text, doc, "channels file");
  if (!st) return {};
  auto bad = [&](const std::string& why) {
    st = Status(errc::invalid_argument, "channels file: " + why);
    return std::vector<Channel>{};
  };
  const detail::JsonValue root = doc.root();
  if (!root.is_object()) return bad("top level must be an object {\"channels\": [...]}");
  const detail::JsonValue list = root["channels"];
  if (!list) return bad("missing \"channels\" array");
  if (!list.is_array()) return bad("\"channels\" must be an array");
  std::size_t i = 0;
  for (const auto e : list.elements()) {
    const detail::JsonValue item = e.value;
    std::string where = "channels[" + std::to_string(i++) + "]";
    if (!item.is_object()) return bad(where + " must be an object");
    Channel c;
    detail::JsonValue v = item["name"];
    if (!v.is_string() || v.has_nul()) return bad(where + ".name must be a string");
    c.name.assign(v.str());
    if ((v = item["level"])) {
      if (!v.is_string()) return bad(where + ".level must be a string");
      c.level = parse_level(v.str(), st);
      if (!st) {
        st = Status(st.kind(), "channels file: " + where + ": " + st.message());
        return {};
      }
    }
    if (!read_groups(item, c.groups)) return bad(where + ".groups must be an array of strings");
    if ((v = item["active"])) {
      if (!v.is_bool()) return bad(where + ".active must be true or false");
      c.active = v.as_bool();
    }
    st = normalize(c, opts);
    if (!st) {
      st = Status(st.kind(), "channels file: " + where + ": " + st.message());
      return {};
    }
    out.push_back(std::move(c));
  }
  st = check_unique(out);
  if (!st) {
    st = Status(st.kind(), "channels file: " + st.message());
    return {};
  }
  return out;
}

std::string channels_to_json(const std::vector<Channel>& channels) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("channels");
  w.StartArray();
  for (const auto& c : channels) {
    w.StartObject();
    w.Key("name");
    w.String(c.name.data(), static_cast<rapidjson::SizeType>(c.name.size()));
    w.Key("level");
    w.String(to_string(c.level));
    w.Key("groups");
    w.StartArray();
    for (const auto& g : c.groups) w.String(g.data(), static_cast<rapidjson::SizeType>(g.size()));
    w.EndArray();
    w.Key("active");
    w.Bool(c.active);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

std::vector<User> parse_users_json(std::string_view text, Status& st) {
  detail::JsonDoc doc;
  st = detail::parse_json(text, doc, "users file");
  if (!st) return {};
  auto bad = [&](const std::string& why) {
    st = Status(errc::invalid_argument, "users file: " + why);
    return std::vector<User>{};
  };
  const detail::JsonValue list = doc.root()["users"];
  if (!list.is_array()) return bad("expected {\"users\": [...]}");
  std::vector<User> out;
  std::set<std::string> ids;
  std::size_t i = 0;
  for (const auto e : list.elements()) {
    const detail::JsonValue item = e.value;
    std::string where = "users[" + std::to_string(i++) + "]";
    if (!item.is_object()) return bad(where + " must be an object");
    User u;
    detail::JsonValue v = item["id"];
    if (!v.is_string() || v.str().empty() || v.has_nul()) {
      return bad(where + ".id must be a non-empty string");
    }
    u.id.assign(v.str());
    if (!ids.insert(u.id).second) return bad(where + ".id is listed twice");
    if (!read_groups(item, u.groups)) return bad(where + ".groups must be an array of strings");
    for (auto flag : {std::make_pair("staff", &u.staff), std::make_pair("superuser", &u.superuser)}) {
      if ((v = item[flag.first])) {
        if (!v.is_bool()) return bad(where + "." + flag.first + " must be true or false");
        *flag.second = v.as_bool();
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

// ---------------------------------------------------------------- registry

struct Registry::Impl {
  std::mutex write_mu;          // serializes writers (read-modify-write)
  mutable std::mutex ptr_mu;    // guards `current` itself (held only to copy/swap)
  Snapshot current = std::make_shared<const std::vector<Channel>>();

  Snapshot get() const {
    std::lock_guard<std::mutex> lk(ptr_mu);
    return current;
  }
  void set(std::vector<Channel> v) {
    auto next = std::make_shared<const std::vector<Channel>>(std::move(v));
    std::lock_guard<std::mutex> lk(ptr_mu);
    current = std::move(next);
  }
};

Registry::Registry(RegistryOptions opts) : opts_(std::move(opts)), impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;

namespace {
Status moved_from() { return Status(errc::invalid_argument, "the registry was moved from"); }
}  // namespace

std::string Registry::add(Channel channel, Status& st) {
  st = impl_ ? normalize(channel, opts_) : moved_from();
  if (!st) return {};
  std::lock_guard<std::mutex> lk(impl_->write_mu);
  Snapshot cur = impl_->get();
  for (const auto& c : *cur) {
    if (c.name == channel.name) {
      st = Status(errc::already_exists, "channel '" + channel.name + "' already exists");
      return {};
    }
  }
  std::vector<Channel> next(*cur);
  std::string name = channel.name;
  next.push_back(std::move(channel));
  impl_->set(std::move(next));
  return name;
}

std::string Registry::add(Channel channel) {
  Status st;
  std::string name = add(std::move(channel), st);
  throw_if_error(st);
  return name;
}

void Registry::update(Channel channel, Status& st) {
  st = impl_ ? normalize(channel, opts_) : moved_from();
  if (!st) return;
  std::lock_guard<std::mutex> lk(impl_->write_mu);
  std::vector<Channel> next(*impl_->get());
  for (auto& c : next) {
    if (c.name == channel.name) {
      c = std::move(channel);
      impl_->set(std::move(next));
      return;
    }
  }
  st = Status(errc::not_found, "no channel '" + channel.name + "'");
}

void Registry::update(Channel channel) {
  Status st;
  update(std::move(channel), st);
  throw_if_error(st);
}

void Registry::remove(std::string_view name, Status& st) {
  st = impl_ ? Status() : moved_from();
  if (!st) return;
  std::lock_guard<std::mutex> lk(impl_->write_mu);
  std::vector<Channel> next(*impl_->get());
  auto it = std::find_if(next.begin(), next.end(), [&](const Channel& c) { return c.name == name; });
  if (it == next.end()) {
    st = Status(errc::not_found, "no channel '" + detail::printable(name) + "'");
    return;
  }
  next.erase(it);
  impl_->set(std::move(next));
}

void Registry::remove(std::string_view name) {
  Status st;
  remove(name, st);
  throw_if_error(st);
}

void Registry::replace_all(std::vector<Channel> channels, Status& st) {
  if (!impl_) {
    st = moved_from();
    return;
  }
  for (auto& c : channels) {
    st = normalize(c, opts_);
    if (!st) return;
  }
  st = check_unique(channels);
  if (!st) return;
  std::lock_guard<std::mutex> lk(impl_->write_mu);
  impl_->set(std::move(channels));
}

void Registry::replace_all(std::vector<Channel> channels) {
  Status st;
  replace_all(std::move(channels), st);
  throw_if_error(st);
}

std::optional<Channel> Registry::find(std::string_view name) const {
  Snapshot s = snapshot();
  for (const auto& c : *s) {
    if (c.name == name) return c;
  }
  return std::nullopt;
}

std::vector<Channel> Registry::list() const { return *snapshot(); }
Registry::Snapshot Registry::snapshot() const {
  static const Snapshot empty = std::make_shared<const std::vector<Channel>>();
  return impl_ ? impl_->get() : empty;
}
std::size_t Registry::size() const { return snapshot()->size(); }

std::vector<Channel> Registry::for_user(const User& user, const AuthorizeOptions& opts) const {
  return authorized_channels(user, *snapshot(), opts);
}

std::vector<Decision> Registry::explain(const User& user, const AuthorizeOptions& opts) const {
  Snapshot s = snapshot();
  std::vector<Decision> out;
  out.reserve(s->size());
  for (const auto& c : *s) out.push_back(instant::explain(user, c, opts));
  return out;
}

void Registry::load_json(std::string_view text, Status& st) {
  if (!impl_) {
    st = moved_from();
    return;
  }
  std::vector<Channel> v = parse_channels_json(text, opts_, st);
  if (!st) return;
  std::lock_guard<std::mutex> lk(impl_->write_mu);
  impl_->set(std::move(v));
}

void Registry::load_json(std::string_view text) {
  Status st;
  load_json(text, st);
  throw_if_error(st);
}

std::string Registry::to_json() const { return channels_to_json(*snapshot()); }

void Registry::load(const std::string& path, Status& st) {
  std::string text;
  st = detail::read_file(path, opts_.max_file_bytes, &text);
  if (!st) return;
  load_json(text, st);
  if (!st) st = Status(st.kind(), "'" + path + "': " + st.message());
}

void Registry::load(const std::string& path) {
  Status st;
  load(path, st);
  throw_if_error(st);
}

void Registry::save(const std::string& path, Status& st) const {
  st = detail::write_file_atomic(path, to_json(), 0644);
}

void Registry::save(const std::string& path) const {
  Status st;
  save(path, st);
  throw_if_error(st);
}

}  // namespace instant
