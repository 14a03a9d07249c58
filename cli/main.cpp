// instant - command-line front end to the instant library. Reads the same
// environment as instant::Config::from_env(): CENTRIFUGO_URL or
// CENTRIFUGO_HOST/CENTRIFUGO_PORT, CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY, SITE_NAME.
#include "args.hpp"
#include "commands.hpp"
#include "report.hpp"

#include <instant/error.hpp>
#include <instant/version.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>

namespace {

// Every subcommand, in the order `instant --help` lists them (see commands.hpp).
const cli::Command* const kCommands[] = {
    &cli::publish_command,   &cli::history_command, &cli::info_command,
    &cli::token_command,     &cli::subtoken_command, &cli::verify_command,
    &cli::jwks_command,      &cli::bundle_command,  &cli::genconfig_command,
    &cli::channels_command,  &cli::proxy_command,   &cli::stream_command,
};

const cli::Command* find_command(const char* name) {
  for (const cli::Command* c : kCommands) {
    if (std::strcmp(c->name, name) == 0) return c;
  }
  return nullptr;
}

int overview(std::ostream& os) {
  os << "usage: instant COMMAND [arguments] [options]\n\ncommands:\n";
  std::size_t width = 0;
  for (const cli::Command* c : kCommands) width = std::max(width, std::strlen(c->name));
  for (const cli::Command* c : kCommands) {
    os << "  " << c->name << std::string(width - std::strlen(c->name) + 2, ' ') << c->summary
       << "\n";
  }
  os << "\n'instant COMMAND --help' (or 'instant help COMMAND') lists its options, their\n"
        "defaults and the environment it reads: CENTRIFUGO_URL (or CENTRIFUGO_HOST and\n"
        "CENTRIFUGO_PORT), CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY, SITE_NAME, INSTANT_*.\n"
        "exit status: 0 ok, 1 failed (one line on stderr), 2 usage error\n";
  return 2;
}

bool is_help(const char* a) { return !std::strcmp(a, "--help") || !std::strcmp(a, "-h"); }

int run(const cli::Command& c, int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--")) break;
    if (is_help(argv[i])) {
      cli::print_help(std::cout, c);
      return 0;
    }
  }
  try {
    const cli::Args args(argc, argv, c.flags);
    try {
      return c.run(args);
    } catch (const instant::Error& e) {
      cli::fail(cli::failure_line(c, args, e));
      return 1;
    }
  } catch (const cli::UsageError& e) {
    cli::fail(std::string(e.what()) + "\n" + cli::usage_line(c) + "  ('instant " + c.name +
              " --help' lists every option)");
    return 2;
  } catch (const instant::Error& e) {
    cli::fail(std::string(e.what()) + " [" + instant::to_string(e.kind()) + "]");
    return 1;
  } catch (const std::exception& e) {
    cli::fail(e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return overview(std::cerr);
  const char* name = argv[1];
  if (is_help(name) || !std::strcmp(name, "help")) {
    if (argc > 2 && !is_help(name)) {
      if (const cli::Command* c = find_command(argv[2])) {
        cli::print_help(std::cout, *c);
        return 0;
      }
      cli::fail(std::string("unknown command '") + argv[2] + "'");
      return overview(std::cerr);
    }
    overview(std::cout);
    return 0;
  }
  if (!std::strcmp(name, "--version") || !std::strcmp(name, "version")) {
    std::cout << "instant " << INSTANT_VERSION_STRING << "\n";
    return 0;
  }
  if (const cli::Command* c = find_command(name)) return run(*c, argc - 2, argv + 2);
  cli::fail(std::string("unknown command '") + name + "'");
  return overview(std::cerr);
}
