// Channels: levels, name rules, the authorization rule (full table against an
// independent django-style oracle), and the registry (round trip, malformed
// files, concurrency, atomic save).
#include "catch.hpp"

#include <instant/channels.hpp>

#include <atomic>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

using instant::AuthorizeOptions;
using instant::Channel;
using instant::Level;
using instant::Registry;
using instant::User;
using instant::errc;

namespace {

const Level kLevels[] = {Level::public_, Level::users, Level::groups, Level::staff,
                         Level::superuser};

struct UserKind {
  const char* label;
  User user;
};

User make_user(const char* id, bool staff, bool superuser, std::vector<std::string> groups) {
  User u;
  u.id = id;
  u.staff = staff;
  u.superuser = superuser;
  u.groups = std::move(groups);
  return u;
}

std::vector<UserKind> user_kinds() {
  return {
      {"anonymous", User::anonymous()},
      {"user", make_user("u", false, false, {})},
      {"staff", make_user("s", true, false, {})},
      {"superuser", make_user("su", false, true, {})},
      {"staff+superuser", make_user("ss", true, true, {})},
      {"group member", make_user("m", false, false, {"zzz", "a"})},
      {"non-member", make_user("n", false, false, {"zzz"})},
  };
}

// django-instant's Channel.objects.for_user, re-expressed as its queries
// (level blocks, then one block per user group) followed by the dedupe fix.
std::set<std::string> oracle(const User& u, const std::vector<Channel>& all, bool anon_public) {
  std::vector<std::string> picked;
  auto add_level = [&](Level l) {
    for (const auto& c : all)
      if (c.active && c.level == l) picked.push_back(c.name);
  };
  if (!u.authenticated) {
    if (anon_public) add_level(Level::public_);
    return {picked.begin(), picked.end()};
  }
  if (u.superuser) add_level(Level::superuser);
  if (u.staff) add_level(Level::staff);
  add_level(Level::users);
  add_level(Level::public_);
  for (const auto& g : u.groups)
    for (const auto& c : all)
      for (const auto& cg : c.groups)
        if (c.active && cg == g) picked.push_back(c.name);
  return {picked.begin(), picked.end()};
}

std::vector<Channel> table_channels() {
  const std::vector<std::vector<std::string>> group_sets = {{}, {"a"}, {"b", "a"}};
  std::vector<Channel> out;
  for (Level l : kLevels)
    for (bool active : {true, false})
      for (std::size_t gi = 0; gi < group_sets.size(); ++gi) {
        Channel c;
        c.name = std::string(instant::to_string(l)) + (active ? "-on-" : "-off-") + std::to_string(gi);
        c.level = l;
        c.active = active;
        c.groups = group_sets[gi];
        out.push_back(c);
      }
  return out;
}

std::vector<std::string> names(const std::vector<Channel>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.name);
  return out;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/instant-unit-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_all(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  return out;
}

}  // namespace

TEST_CASE("levels print and parse as lowercase names", "[channels]") {
  for (Level l : kLevels) CHECK(instant::parse_level(instant::to_string(l)) == l);
  CHECK(std::string(instant::to_string(Level::public_)) == "public");
  CHECK(std::string(instant::to_string(Level::superuser)) == "superuser");
  instant::Status st;
  instant::parse_level("Staff", st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK_THROWS_AS(instant::parse_level(""), instant::Error);
}

TEST_CASE("authorization table: every level x user kind x active x group config", "[channels][authz]") {
  const auto channels = table_channels();
  REQUIRE(channels.size() == 5 * 2 * 3);
  for (bool anon_public : {false, true}) {
    AuthorizeOptions opts;
    opts.anonymous_public = anon_public;
    for (const auto& kind : user_kinds()) {
      for (const auto& c : channels) {
        INFO(kind.label << " / " << c.name << " / anonymous_public=" << anon_public);
        bool expected = oracle(kind.user, {c}, anon_public).count(c.name) == 1;
        auto d = instant::explain(kind.user, c, opts);
        CHECK(d.allowed == expected);
        CHECK(instant::is_authorized(kind.user, c, opts) == expected);
        CHECK(d.channel == c.name);
        CHECK_FALSE(d.reason.empty());
      }
      auto got = names(instant::authorized_channels(kind.user, channels, opts));
      auto want = oracle(kind.user, channels, anon_public);
      INFO(kind.label);
      CHECK(std::set<std::string>(got.begin(), got.end()) == want);
      CHECK(got.size() == want.size());  // no duplicates
    }
  }
}

TEST_CASE("authorization: the rule's corner cases spelled out", "[channels][authz]") {
  const User su = make_user("su", false, true, {});
  const User staff = make_user("s", true, false, {});
  const User plain = make_user("u", false, false, {"editors"});
  Channel staff_ch{"staff-only", Level::staff, {}, true};
  Channel su_ch{"su-only", Level::superuser, {}, true};
  Channel empty_groups{"nobody", Level::groups, {}, true};
  Channel editors_staff{"ed", Level::staff, {"editors"}, true};
  Channel pub{"pub", Level::public_, {}, true};

  CHECK_FALSE(instant::is_authorized(su, staff_ch));   // superuser is not staff
  CHECK_FALSE(instant::is_authorized(staff, su_ch));   // staff is not superuser
  CHECK(instant::is_authorized(su, su_ch));
  for (const auto& k : user_kinds()) CHECK_FALSE(instant::is_authorized(k.user, empty_groups));
  CHECK(instant::is_authorized(plain, editors_staff));  // group wins over level
  CHECK(instant::explain(plain, editors_staff).reason.find("editors") != std::string::npos);
  CHECK_FALSE(instant::is_authorized(User::anonymous(), pub));
  AuthorizeOptions anon;
  anon.anonymous_public = true;
  CHECK(instant::is_authorized(User::anonymous(), pub, anon));
  Channel users_ch{"u", Level::users, {}, true};
  CHECK_FALSE(instant::is_authorized(User::anonymous(), users_ch, anon));
  pub.active = false;
  CHECK_FALSE(instant::is_authorized(plain, pub));
  CHECK(instant::explain(plain, pub).reason == "channel is inactive");
}

TEST_CASE("authorization deduplicates and keeps input order", "[channels][authz]") {
  User u = make_user("u", true, false, {"a", "b"});
  std::vector<Channel> chans = {
      {"z-last-in-alphabet", Level::groups, {"a", "b"}, true},  // matches twice
      {"$staff", Level::staff, {"b"}, true},                    // level and group
      {"pub", Level::public_, {}, true},
      {"pub", Level::public_, {}, true},                        // same name twice
      {"no", Level::superuser, {"c"}, true},
  };
  CHECK(names(instant::authorized_channels(u, chans)) ==
        std::vector<std::string>{"z-last-in-alphabet", "$staff", "pub"});
}

TEST_CASE("channel names follow Centrifugo's rules", "[channels][names]") {
  for (const char* ok : {"news", "$users", "chat:room", "$chat:room", "chat:room:extra", "ab:c",
                         "a-b_c.d:x#42,43", "x", "_:a"}) {
    INFO(ok);
    instant::Status st;
    instant::validate_channel_name(ok, {}, st);
    if (std::string(ok) == "_:a") {
      CHECK(st.kind() == errc::invalid_channel);  // namespace needs 2+ characters
    } else {
      CHECK(st.ok());
    }
  }
  const std::string too_long(256, 'a');
  for (const std::string& bad : {std::string(), std::string("$"), std::string("ns$x"),
                                 std::string("$$x"), std::string("chat:$room"), std::string("a:x"),
                                 std::string("c!h:x"), std::string("chat:"),
                                 std::string("caf\xc3\xa9"), std::string("bad\xff"),
                                 std::string("tab\there"), std::string("nul\0x", 5), too_long}) {
    INFO(bad);
    instant::Status st;
    instant::validate_channel_name(bad, {}, st);
    CHECK(st.kind() == errc::invalid_channel);
  }
  CHECK_NOTHROW(instant::validate_channel_name(std::string(255, 'a')));
  instant::NameRules rules;
  rules.allow_non_ascii = true;
  CHECK_NOTHROW(instant::validate_channel_name("caf\xc3\xa9", rules));
  instant::Status st;
  instant::validate_channel_name("bad\xff", rules, st);
  CHECK(st.kind() == errc::invalid_channel);
  CHECK_THROWS_AS(instant::validate_channel_name("$"), instant::Error);
}

TEST_CASE("namespaces and the $ private form", "[channels][names]") {
  CHECK(instant::channel_namespace("chat:room") == "chat");
  CHECK(instant::channel_namespace("$chat:room:x") == "chat");
  CHECK(instant::channel_namespace("$users") == "");
  CHECK(instant::private_channel_name("chat:room") == "$chat:room");  // not chat:$room
  CHECK(instant::private_channel_name("chat:room:extra") == "$chat:room:extra");
  CHECK(instant::private_channel_name("$users") == "$users");
  CHECK(instant::private_channel_name("users") == "$users");
}

TEST_CASE("registry: add, update, remove, find, list, prefix option", "[registry]") {
  instant::RegistryOptions o;
  o.prefix_private = true;
  Registry r(o);
  CHECK(r.add({"chat:room", Level::users, {"g", "g", "h"}, true}) == "$chat:room");
  CHECK(r.add({"news", Level::public_, {}, true}) == "news");  // public: no prefix
  CHECK(r.add({"$staff", Level::staff, {}, true}) == "$staff");  // never doubled
  REQUIRE(r.find("$chat:room"));
  CHECK(r.find("$chat:room")->groups == std::vector<std::string>{"g", "h"});  // deduped
  CHECK_FALSE(r.find("chat:room"));

  instant::Status st;
  r.add({"news", Level::public_, {}, true}, st);
  CHECK(st.kind() == errc::already_exists);
  r.add({"bad$name", Level::public_, {}, true}, st);
  CHECK(st.kind() == errc::invalid_channel);
  CHECK(r.size() == 3);

  r.update({"news", Level::public_, {"x"}, false});
  CHECK(r.find("news")->groups == std::vector<std::string>{"x"});
  CHECK_FALSE(r.find("news")->active);
  // a non-public update of "news" names "$news", which is not registered
  r.update({"news", Level::users, {}, true}, st);
  CHECK(st.kind() == errc::not_found);
  CHECK(r.find("news")->level == Level::public_);

  r.remove("$staff");
  CHECK(r.size() == 2);
  CHECK_THROWS_AS(r.remove("$staff"), instant::Error);
  CHECK(names(r.list()) == std::vector<std::string>{"$chat:room", "news"});

  User u = make_user("u", false, false, {});
  CHECK(names(r.for_user(u)) == std::vector<std::string>{"$chat:room"});  // news inactive now
  auto why = r.explain(u);
  REQUIRE(why.size() == 2);
  CHECK(why[1].channel == "news");
  CHECK_FALSE(why[1].allowed);
}

TEST_CASE("registry: JSON round trip through a file", "[registry]") {
  std::string dir = temp_dir();
  std::string path = dir + "/channels.json";
  Registry a;
  a.add({"$users", Level::users, {}, true});
  a.add({"chat:lobby", Level::public_, {}, true});
  a.add({"$ops", Level::groups, {"ops", "sre"}, false});
  a.add({"unicode-group", Level::groups, {"\xc3\xa9quipe"}, true});
  a.save(path);
  CHECK(dir_entries(dir) == std::vector<std::string>{"channels.json"});  // no temp left

  Registry b;
  b.load(path);
  auto x = a.list(), y = b.list();
  REQUIRE(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].name == y[i].name);
    CHECK(x[i].level == y[i].level);
    CHECK(x[i].groups == y[i].groups);
    CHECK(x[i].active == y[i].active);
  }
  CHECK(b.to_json() == a.to_json());
  CHECK(read_all(path) == a.to_json());

  // The documented file form is accepted, with defaults for missing members.
  Registry c;
  c.load_json(R"({"channels":[{"name":"$users","level":"users","groups":[],"active":true},)"
              R"({"name":"$admin"}]})");
  CHECK(c.find("$admin")->level == Level::superuser);
  CHECK(c.find("$admin")->active);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("registry: a malformed file is refused and the previous state kept", "[registry]") {
  Registry r;
  r.add({"$users", Level::users, {}, true});
  const std::string before = r.to_json();
  const std::pair<const char*, errc> bad[] = {
      {"", errc::invalid_json},
      {"{", errc::invalid_json},
      {"[]", errc::invalid_argument},
      {R"({"chans":[]})", errc::invalid_argument},
      {R"({"channels":{}})", errc::invalid_argument},
      {R"({"channels":[1]})", errc::invalid_argument},
      {R"({"channels":[{"level":"users"}]})", errc::invalid_argument},
      {R"({"channels":[{"name":5}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"x","level":"admin"}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"x","level":3}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"x","groups":"g"}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"x","groups":[1]}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"x","groups":[""]}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"x","active":"yes"}]})", errc::invalid_argument},
      {R"({"channels":[{"name":"a$b"}]})", errc::invalid_channel},
      {R"({"channels":[{"name":"x"},{"name":"x"}]})", errc::already_exists},
      {"{\"channels\":[{\"name\":\"\xff\"}]}", errc::invalid_utf8},
  };
  for (const auto& b : bad) {
    INFO(b.first);
    instant::Status st;
    r.load_json(b.first, st);
    CHECK(st.kind() == b.second);
    CHECK_FALSE(st.message().empty());
    CHECK(r.to_json() == before);
  }
  // Deep nesting must not crash (iterative parser) and is refused.
  std::string deep(100000, '[');
  instant::Status st;
  r.load_json(deep, st);
  CHECK(st.kind() == errc::invalid_json);
  CHECK(r.to_json() == before);

  std::string dir = temp_dir();
  std::string path = dir + "/broken.json";
  write_all(path, R"({"channels":[{"name":"x")");
  CHECK_THROWS_AS(r.load(path), instant::Error);
  CHECK(r.to_json() == before);
  r.load(dir + "/missing.json", st);
  CHECK(st.kind() == errc::io);
  instant::RegistryOptions small;
  small.max_file_bytes = 10;
  Registry tiny(small);
  write_all(path, R"({"channels":[]}              )");
  tiny.load(path, st);
  CHECK(st.kind() == errc::too_large);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("registry: save into a missing directory fails cleanly", "[registry]") {
  Registry r;
  r.add({"$users", Level::users, {}, true});
  instant::Status st;
  r.save("/nonexistent-dir-instant/x/channels.json", st);
  CHECK(st.kind() == errc::io);
}

TEST_CASE("registry: save replaces an existing file whole", "[registry]") {
  std::string dir = temp_dir();
  std::string path = dir + "/channels.json";
  write_all(path, std::string(100000, ' '));  // a longer old file
  Registry r;
  r.add({"$users", Level::users, {}, true});
  r.save(path);
  CHECK(read_all(path) == r.to_json());
  CHECK(dir_entries(dir).size() == 1);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("registry: readers see consistent snapshots while a writer updates", "[registry][threads]") {
  Registry r;
  auto generation = [](int g) {
    std::vector<Channel> v;
    for (int i = 0; i < 20; ++i) {
      v.push_back({"g" + std::to_string(g) + "-" + std::to_string(i), Level::users, {}, true});
    }
    return v;
  };
  r.replace_all(generation(0));
  std::atomic<bool> stop{false};
  std::atomic<int> inconsistent{0};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      User u = make_user("u", false, false, {});
      while (!stop.load()) {
        auto snap = r.snapshot();
        auto prefix = (*snap)[0].name.substr(0, (*snap)[0].name.find('-'));
        for (const auto& c : *snap)
          if (c.name.compare(0, prefix.size() + 1, prefix + "-") != 0) ++inconsistent;
        if (snap->size() != 20) ++inconsistent;
        if (r.for_user(u).size() != 20) ++inconsistent;
        ++reads;
      }
    });
  }
  for (int g = 1; g <= 300; ++g) {
    r.replace_all(generation(g));
    if (g % 3 == 0) {
      r.update({"g" + std::to_string(g) + "-0", Level::users, {}, true});
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(inconsistent.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(r.list().front().name == "g300-0");
}
