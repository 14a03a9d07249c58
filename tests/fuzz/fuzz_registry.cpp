// The registry file format: instant::parse_channels_json, channels_to_json,
// Registry::load_json / to_json (and save / load through a file when
// replaying), plus parse_users_json. Input: [options] then the file text.
// Invariants (nlohmann/json style round trip): parse -> serialise -> parse ->
// serialise gives equal text and equal channels; Registry::load_json agrees
// with parse_channels_json and, when it refuses, leaves the registry as it
// was; a text the validator refuses is never loaded.
#include "fuzz_support.hpp"

#include <instant/channels.hpp>

#include <unistd.h>

#include <set>

namespace {

constexpr const char* kTarget = "fuzz_registry";

bool same(const std::vector<instant::Channel>& a, const std::vector<instant::Channel>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].level != b[i].level || a[i].groups != b[i].groups ||
        a[i].active != b[i].active) {
      return false;
    }
  }
  return true;
}

bool refused_kind(instant::errc k) {
  using instant::errc;
  return k == errc::invalid_json || k == errc::invalid_utf8 || k == errc::invalid_argument ||
         k == errc::invalid_channel || k == errc::already_exists || k == errc::too_large;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::string_view text = in.rest();
  instant::RegistryOptions opts;
  opts.prefix_private = flags & 1;
  opts.rules.allow_non_ascii = flags & 2;
  if (flags & 4) opts.rules.max_length = 16;
  const bool valid = fuzz::valid_json(text);

  instant::Status st;
  const std::vector<instant::Channel> channels = instant::parse_channels_json(text, opts, st);
  instant::Registry reg(opts);
  reg.add({"keep:me", instant::Level::users, {"g"}, true});
  const std::string before = reg.to_json();
  instant::Status load_st;
  reg.load_json(text, load_st);
  fuzz::check(load_st.ok() == st.ok() && load_st.kind() == st.kind(), kTarget,
              "Registry::load_json and parse_channels_json disagree");

  if (!st.ok()) {
    fuzz::check(refused_kind(st.kind()) && !st.message().empty(), kTarget,
                std::string("refused as ") + instant::to_string(st.kind()));
    fuzz::check(reg.to_json() == before, kTarget, "a refused load changed the registry");
  } else {
    fuzz::check(valid, kTarget, "loaded a text that validate_json refuses");
    const std::string s1 = instant::channels_to_json(channels);
    fuzz::check(reg.to_json() == s1, kTarget, "Registry::to_json differs from channels_to_json");
    instant::Status st2;
    const std::vector<instant::Channel> again = instant::parse_channels_json(s1, opts, st2);
    fuzz::check(st2.ok(), kTarget, "the serialised registry does not load: " + st2.message());
    fuzz::check(same(channels, again), kTarget, "channels changed in the round trip");
    fuzz::check(instant::channels_to_json(again) == s1, kTarget, "serialisation is not stable");
    if (fuzz::replaying()) {
      const std::string path = "fuzz_registry." + std::to_string(::getpid()) + ".json";
      reg.save(path, st2);
      fuzz::check(st2.ok(), kTarget, "save failed: " + st2.message());
      instant::Registry back(opts);
      back.load(path, st2);
      ::unlink(path.c_str());
      fuzz::check(st2.ok() && back.to_json() == s1, kTarget, "save -> load changed the registry");
    }
  }

  const std::vector<instant::User> users = instant::parse_users_json(text, st);
  if (st.ok()) {
    fuzz::check(valid, kTarget, "parse_users_json accepted a text validate_json refuses");
    std::set<std::string> ids;
    for (const auto& u : users) {
      fuzz::check(!u.id.empty() && u.authenticated && ids.insert(u.id).second, kTarget,
                  "users file gave an empty, anonymous or repeated id");
    }
  }
  return 0;
}
