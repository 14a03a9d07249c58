// instant - command-line front end to the instant library. Reads the same
// environment as instant::Config::from_env(): CENTRIFUGO_URL or
// CENTRIFUGO_HOST/CENTRIFUGO_PORT, CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY, SITE_NAME.
#include "args.hpp"
#include "commands.hpp"

#include <instant/error.hpp>
#include <instant/version.h>

#include <cstring>
#include <iostream>

namespace {

struct Command {
  const char* name;
  const char* usage;
  int (*run)(int, char**);
};

const Command kCommands[] = {
    {"publish", "publish CHANNEL [MESSAGE] [--data JSON] [--event-class X] [--bucket X] [--site X] [--string-envelope]",
     cli::cmd_publish},
    {"history", "history CHANNEL [--limit N] [--reverse]", cli::cmd_history},
    {"info", "info", cli::cmd_info},
    {"token", "token --user U [--ttl S] [--info JSON] [--channels a,b] [--meta JSON] [--aud A] [--iss I] [--exp T] "
     "[--key-file PEM --alg ALG] [--kid K]", cli::cmd_token},
    {"subtoken", "subtoken --user U --channel C [--ttl S] [--info JSON] [--data JSON] [--key-file PEM --alg ALG] [--kid K]",
     cli::cmd_subtoken},
    {"verify", "verify TOKEN|- [--kind connection|subscription] [--aud A] [--iss I] [--leeway S] "
     "[--key-file PEM --alg ALG]", cli::cmd_verify},
    {"jwks", "jwks KEY_FILE ALG KID [KEY_FILE ALG KID]...", cli::cmd_jwks},
    {"bundle", "bundle --registry FILE --user NAME [--group G]... [--staff] [--superuser] [--anonymous --anonymous-public] [--csrf TOKEN] [--lifetime SECONDS] [--server-side | --server-side-subs]  (signs with CENTRIFUGO_HMAC_KEY)",
     cli::cmd_bundle},
    {"genconfig", "genconfig [--output FILE] [--force] [--origin URL]... [--registry FILE] [--port N] [--address IP] [--host URL] [--site NAME] [--connect-proxy URL] [--refresh-proxy URL] [--subscribe-proxy URL] [--sub-refresh-proxy URL] [--proxy-header NAME]... [--history-size N] [--history-ttl SECONDS] [--no-presence] [--no-admin] [--no-usage-stats]",
     cli::cmd_genconfig},
    {"channels", "channels list|add|update|remove|explain --registry FILE [NAME] [--level L] [--group G]... [--inactive] [--prefix-private] [--json] [--user NAME [--staff] [--superuser] | --anonymous [--anonymous-public]]",
     cli::cmd_channels},
    {"proxy", "proxy connect|refresh|subscribe|sub_refresh --registry FILE [--users FILE] [--user NAME [--group G]... [--staff] [--superuser] | --anonymous] [--anonymous-public] [--server-side] [--connection-lifetime S] [--subscription-lifetime S] [--explain]  (request JSON on stdin)",
     cli::cmd_proxy},
    {"stream", cli::stream_usage(), cli::cmd_stream},
};

int usage(std::ostream& os) {
  os << "usage: instant <command> [options]\n\ncommands:\n";
  for (const auto& c : kCommands) os << "  instant " << c.usage << "\n";
  os << "\nenvironment: CENTRIFUGO_URL (or CENTRIFUGO_HOST, CENTRIFUGO_PORT), "
        "CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY, SITE_NAME\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(std::cerr);
  const char* name = argv[1];
  if (!std::strcmp(name, "--help") || !std::strcmp(name, "-h") || !std::strcmp(name, "help")) {
    usage(std::cout);
    return 0;
  }
  if (!std::strcmp(name, "--version") || !std::strcmp(name, "version")) {
    std::cout << "instant " << INSTANT_VERSION_STRING << "\n";
    return 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(c.name, name) != 0) continue;
    for (int i = 2; i < argc; ++i) {
      if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
        std::cout << "usage: instant " << c.usage << "\n";
        return 0;
      }
      if (!std::strcmp(argv[i], "--")) break;
    }
    try {
      return c.run(argc - 2, argv + 2);
    } catch (const cli::UsageError& e) {
      cli::fail(std::string(e.what()) + "\nusage: instant " + c.usage);
      return 2;
    } catch (const instant::Error& e) {
      cli::fail(std::string(e.what()) + " [" + instant::to_string(e.kind()) + "]");
      return 1;
    } catch (const std::exception& e) {
      cli::fail(e.what());
      return 1;
    }
  }
  cli::fail(std::string("unknown command '") + name + "'");
  return usage(std::cerr);
}
