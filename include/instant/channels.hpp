// instant/channels.hpp - channels, users and who may use which channel:
// django-instant's model (levels, groups, active flag) with its bugs fixed,
// and a thread-safe registry of channels that loads from and saves to a JSON
// file. Channel-name rules: instant/channel_name.hpp.
#ifndef INSTANT_CHANNELS_HPP
#define INSTANT_CHANNELS_HPP

#include <instant/channel_name.hpp>
#include <instant/error.hpp>
#include <instant/export.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace instant {

// Who may use a channel. Printed and parsed as "public", "users", "groups",
// "staff", "superuser" (`public_` only because `public` is a C++ keyword).
enum class Level : int { public_ = 0, users = 1, groups = 2, staff = 3, superuser = 4 };

// The lowercase name of a level ("public", ...). Static string, never null.
INSTANT_API const char* to_string(Level level) noexcept;

// Parses a lowercase level name; invalid_argument for anything else.
INSTANT_API Level parse_level(std::string_view text);
INSTANT_API Level parse_level(std::string_view text, Status& st);

// A channel as the host describes it. A value type; the default level is
// superuser, as in django-instant. Groups are group names.
struct Channel {
  std::string name;
  Level level = Level::superuser;
  std::vector<std::string> groups;
  bool active = true;
};

// A host user mapped into instant's terms. A value type. `id` is the
// username that becomes the JWT `sub`. Anonymous: authenticated == false.
struct User {
  std::string id;
  bool authenticated = true;
  bool staff = false;
  bool superuser = false;
  std::vector<std::string> groups;

  // An anonymous user (no id, not authenticated, no groups).
  static User anonymous() {
    User u;
    u.authenticated = false;
    return u;
  }
};

// Options of the authorization rule. A value type.
struct AuthorizeOptions {
  // django-instant gives anonymous users nothing; set true to give them the
  // active public channels.
  bool anonymous_public = false;
};

// One authorization decision with a human-readable reason for debugging.
struct Decision {
  std::string channel;
  bool allowed = false;
  std::string reason;
};

// django-instant's rule (docs/channels.md): active channels only; public and users
// channels to every authenticated user; staff channels need staff; superuser
// channels need superuser (independently); any channel listing one of the
// user's groups goes to that user; a groups-level channel with no groups goes
// to nobody; anonymous users get public channels only if allowed. Pure.
INSTANT_API bool is_authorized(const User& user, const Channel& channel,
                               const AuthorizeOptions& opts = {});
// The same decision with its reason. Pure; thread-safe.
INSTANT_API Decision explain(const User& user, const Channel& channel,
                             const AuthorizeOptions& opts = {});
// The channels of `channels` the user may use, each name once (first
// occurrence wins), in the input order. Pure; thread-safe.
INSTANT_API std::vector<Channel> authorized_channels(const User& user,
                                                     const std::vector<Channel>& channels,
                                                     const AuthorizeOptions& opts = {});

// Registry behaviour. A value type.
struct RegistryOptions {
  NameRules rules;
  // Prefix "$" to the name of every non-public channel added (django-instant's
  // behaviour, done right: "ns:chan" becomes "$ns:chan").
  bool prefix_private = false;
  std::size_t max_file_bytes = 16u << 20;  // load refuses bigger files (too_large)
};

// The host's channel table: add, update, remove, look up, list, load from and
// save to `{"channels":[{"name","level","groups","active"}]}`.
// Thread-safety: every member may be called concurrently; readers see a
// consistent snapshot (copy-on-write) while writers update. Movable, not
// copyable; moving must not race with other calls. A moved-from registry
// reads as empty and refuses changes (invalid_argument).
class INSTANT_API Registry {
 public:
  // An immutable snapshot of the channels, in insertion order.
  using Snapshot = std::shared_ptr<const std::vector<Channel>>;

  explicit Registry(RegistryOptions opts = {});
  ~Registry();
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const RegistryOptions& options() const noexcept { return opts_; }

  // Adds a channel (name validated, `$` applied when prefix_private, groups
  // deduplicated); already_exists if the name is taken. Returns the stored name.
  std::string add(Channel channel);
  std::string add(Channel channel, Status& st);
  // Replaces the channel of the same (normalized) name; not_found otherwise.
  void update(Channel channel);
  void update(Channel channel, Status& st);
  // Removes a channel by exact name; not_found otherwise.
  void remove(std::string_view name);
  void remove(std::string_view name, Status& st);
  // Replaces every channel at once (all validated first; nothing changes on error).
  void replace_all(std::vector<Channel> channels);
  void replace_all(std::vector<Channel> channels, Status& st);

  // A copy of the channel named `name`, if any.
  std::optional<Channel> find(std::string_view name) const;
  // A copy of all channels in insertion order.
  std::vector<Channel> list() const;
  // The current snapshot; stays valid and unchanged while the registry changes.
  Snapshot snapshot() const;
  std::size_t size() const;

  // The channels `user` may use (see authorized_channels).
  std::vector<Channel> for_user(const User& user, const AuthorizeOptions& opts = {}) const;
  // One decision per registered channel, for debugging.
  std::vector<Decision> explain(const User& user, const AuthorizeOptions& opts = {}) const;

  // Replaces the contents with the JSON text; invalid_json / invalid_channel /
  // invalid_argument / already_exists on bad input, and then nothing changes.
  void load_json(std::string_view text);
  void load_json(std::string_view text, Status& st);
  // The registry as JSON text.
  std::string to_json() const;

  // load_json of a file; io when unreadable, too_large above max_file_bytes.
  void load(const std::string& path);
  void load(const std::string& path, Status& st);
  // Writes to_json() atomically: temp file in the same directory, fsync,
  // rename over `path`, fsync of the directory. io on failure (path intact).
  void save(const std::string& path) const;
  void save(const std::string& path, Status& st) const;

 private:
  struct Impl;
  RegistryOptions opts_;
  std::unique_ptr<Impl> impl_;
};

// Parses the registry file format into channels, validating as Registry does.
[[nodiscard]] INSTANT_API std::vector<Channel> parse_channels_json(std::string_view text,
                                                                   const RegistryOptions& opts = {});
[[nodiscard]] INSTANT_API std::vector<Channel> parse_channels_json(std::string_view text,
                                                                   const RegistryOptions& opts,
                                                                   Status& st);
// Serializes channels in the registry file format.
[[nodiscard]] INSTANT_API std::string channels_to_json(const std::vector<Channel>& channels);

// Parses a users file `{"users":[{"id","groups","staff","superuser"}]}` (for
// tools and tests that resolve users without a host database). Every user is
// authenticated; ids must be non-empty and unique. Pure; thread-safe.
[[nodiscard]] INSTANT_API std::vector<User> parse_users_json(std::string_view text);
[[nodiscard]] INSTANT_API std::vector<User> parse_users_json(std::string_view text, Status& st);

}  // namespace instant

#endif  // INSTANT_CHANNELS_HPP
