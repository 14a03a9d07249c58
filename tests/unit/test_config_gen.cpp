// genconfig: structure of the generated Centrifugo config, secrets, settings.
#include "catch.hpp"
#include "json_oracle.hpp"

#include <instant/config_gen.hpp>

#include "detail/json.hpp"

#include <cstdio>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using instant::errc;
using instant::Level;

namespace {

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  REQUIRE(rj_parse(d, s));
  REQUIRE(d.IsObject());
  return d;
}

const rapidjson::Value& at(const rapidjson::Value& v, const char* path) {
  const rapidjson::Value* cur = &v;
  std::string p = path;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto dot = p.find('.', start);
    std::string key = p.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    cur = rj_member(*cur, key.c_str());
    INFO(path);
    REQUIRE(cur != nullptr);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *cur;
}

bool is_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("random secrets are hex from the CSPRNG and differ", "[genconfig]") {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string s = instant::random_secret();
    CHECK(s.size() == 64);
    CHECK(is_hex(s));
    seen.insert(s);
  }
  CHECK(seen.size() == 20);
  CHECK(instant::random_secret(1).size() == 2);
  instant::Status st;
  instant::random_secret(0, st);
  CHECK(st.kind() == errc::invalid_argument);
}

TEST_CASE("genconfig: secrets, origins, namespaces and settings", "[genconfig]") {
  instant::ServerConfigOptions o;
  o.port = 8427;
  o.site_name = "My Site";
  o.allowed_origins = {"http://localhost:8000", "https://example.org"};
  o.channels = {{"$users", Level::users, {}, true},
                {"$chat:room", Level::groups, {"g"}, true},
                {"news:sport", Level::public_, {}, true},
                {"chat:lobby", Level::public_, {}, false}};
  auto g = instant::generate_server_config(o);
  CHECK(g.namespaces == std::vector<std::string>{"chat", "news"});
  auto d = parse(g.json);
  CHECK(at(d, "http_server.port").GetInt() == 8427);
  CHECK(at(d, "http_api.key").GetString() == g.api_key);
  CHECK(at(d, "client.token.hmac_secret_key").GetString() == g.hmac_key);
  CHECK(at(d, "admin.password").GetString() == g.admin_password);
  CHECK(at(d, "admin.secret").GetString() == g.admin_secret);
  CHECK(at(d, "admin.enabled").GetBool());
  CHECK(at(d, "health.enabled").GetBool());
  std::set<std::string> secrets = {g.api_key, g.hmac_key, g.admin_password, g.admin_secret};
  CHECK(secrets.size() == 4);
  for (const auto& s : secrets) CHECK((s.size() == 64 && is_hex(s)));
  const auto& origins = at(d, "client.allowed_origins");
  REQUIRE(origins.Size() == 2);
  CHECK(std::string(origins[1].GetString()) == "https://example.org");
  const auto& nss = at(d, "channel.namespaces");
  REQUIRE(nss.Size() == 2);
  CHECK(std::string(nss[0]["name"].GetString()) == "chat");
  CHECK(nss[0]["history_size"].GetInt() == 100);
  CHECK(std::string(nss[0]["history_ttl"].GetString()) == "300s");
  CHECK(nss[0]["presence"].GetBool());
  CHECK(rj_member(nss[0], "subscribe_proxy_enabled") == nullptr);
  CHECK(rj_member(at(d, "client"), "proxy") == nullptr);
  CHECK(at(d, "channel.without_namespace.history_size").GetInt() == 100);

  CHECK(g.settings_text() == "CENTRIFUGO_HOST=http://localhost\nCENTRIFUGO_PORT=8427\n"
                             "CENTRIFUGO_HMAC_KEY=" + g.hmac_key + "\nCENTRIFUGO_API_KEY=" +
                             g.api_key + "\nSITE_NAME=My Site\n");
}

TEST_CASE("genconfig: proxies, no history, given secrets", "[genconfig]") {
  instant::ServerConfigOptions o;
  o.channels = {{"chat:a", Level::users, {}, true}};
  o.connect_proxy = "http://127.0.0.1:9000/connect";
  o.refresh_proxy = "http://127.0.0.1:9000/refresh";
  o.subscribe_proxy = "http://127.0.0.1:9000/subscribe";
  o.sub_refresh_proxy = "http://127.0.0.1:9000/sub_refresh";
  o.history_size = 0;
  o.presence = false;
  o.admin = false;
  o.hmac_key = "given-hmac-key-given-hmac-key-given";
  auto g = instant::generate_server_config(o);
  auto d = parse(g.json);
  CHECK(g.hmac_key == o.hmac_key);
  CHECK(at(d, "client.proxy.connect.enabled").GetBool());
  CHECK(std::string(at(d, "client.proxy.connect.endpoint").GetString()) == o.connect_proxy);
  CHECK(std::string(at(d, "client.proxy.connect.timeout").GetString()) == "1s");
  CHECK(at(d, "client.proxy.connect.http_headers").Size() == 2);
  CHECK(at(d, "client.proxy.refresh.enabled").GetBool());
  CHECK(std::string(at(d, "channel.proxy.subscribe.endpoint").GetString()) == o.subscribe_proxy);
  CHECK(std::string(at(d, "channel.proxy.sub_refresh.endpoint").GetString()) == o.sub_refresh_proxy);
  const auto& ns = at(d, "channel.namespaces")[0];
  CHECK(ns["subscribe_proxy_enabled"].GetBool());
  CHECK(ns["sub_refresh_proxy_enabled"].GetBool());
  CHECK(rj_member(ns, "history_size") == nullptr);
  CHECK_FALSE(at(d, "admin.enabled").GetBool());
  CHECK(rj_member(at(d, "admin"), "password") == nullptr);
}

TEST_CASE("genconfig refuses bad options with a clear error", "[genconfig]") {
  auto fails = [](instant::ServerConfigOptions o, errc kind) {
    instant::Status st;
    auto g = instant::generate_server_config(o, st);
    CHECK(st.kind() == kind);
    CHECK(g.json.empty());
  };
  instant::ServerConfigOptions o;
  o.port = 0;
  fails(o, errc::invalid_argument);
  o = {};
  o.port = 70000;
  fails(o, errc::invalid_argument);
  o = {};
  o.allowed_origins = {"localhost"};
  fails(o, errc::invalid_argument);
  o = {};
  o.site_name = "two\nlines";
  fails(o, errc::invalid_argument);
  o = {};
  o.subscribe_proxy = "ftp://x";
  fails(o, errc::invalid_argument);
  o = {};
  o.refresh_proxy = "http://x/refresh";  // without connect proxy
  fails(o, errc::invalid_argument);
  o = {};
  o.history_ttl = 0;
  fails(o, errc::invalid_argument);
  o = {};
  o.channels = {{"bad$name", Level::public_, {}, true}};
  fails(o, errc::invalid_channel);
  o = {};
  o.hmac_key = "secret\nwith newline";
  instant::Status st;
  instant::generate_server_config(o, st);
  CHECK(st.kind() == errc::invalid_argument);
  CHECK(st.message().find("secret\n") == std::string::npos);  // never echoes a secret
}

TEST_CASE("save_server_config writes 0600 and refuses to overwrite unless asked", "[genconfig]") {
  char tmpl[] = "/tmp/instant-genconfig-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string path = std::string(tmpl) + "/config.json";
  auto g = instant::generate_server_config({});
  instant::save_server_config(g, path);
  struct stat sb {};
  REQUIRE(stat(path.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  instant::Status st;
  instant::save_server_config(g, path, false, st);
  CHECK(st.kind() == errc::already_exists);
  instant::save_server_config(g, path, true, st);
  CHECK(st.ok());
  std::remove(path.c_str());
  rmdir(tmpl);
}

TEST_CASE("genconfig listens on 127.0.0.1 unless told otherwise", "[genconfig]") {
  instant::ServerConfigOptions o;
  auto d = parse(instant::generate_server_config(o).json);
  CHECK(std::string(at(d, "http_server.address").GetString()) == "127.0.0.1");
  o.address.clear();  // every interface
  auto all = parse(instant::generate_server_config(o).json);
  CHECK(rj_member(at(all, "http_server"), "address") == nullptr);
}
