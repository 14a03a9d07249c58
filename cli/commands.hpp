// The subcommands of the `instant` tool. Each is a Command: its name, its
// positional arguments, what it does, every flag with its meaning and default,
// the environment it reads, and the function that runs it. The same table
// drives `instant NAME --help` and the argument parser, so the help lists
// exactly the flags that are accepted.
//
// To add a command: define `const Command <name>_command = {...};` and its run
// function in cmd_<name>.cpp, declare it below and add `&cli::<name>_command`
// to kCommands in main.cpp. The run function returns the exit status (0 ok,
// 1 failed); it throws UsageError for bad arguments (exit 2) and
// instant::Error for failures (exit 1, one line on stderr, see report.hpp).
#pragma once

#include "args.hpp"

#include <vector>

namespace cli {

// One --flag. All four members are given in every table entry.
struct Flag {
  const char* name;   // without the leading "--"
  const char* value;  // placeholder of its value ("N", "JSON"); nullptr for a switch
  const char* help;   // what it does
  const char* dflt;   // its default as the help shows it ("none", "off", "8000", "required")
};

// One environment variable a command reads.
struct EnvVar {
  const char* name;
  const char* help;
  const char* dflt;
};

struct Command {
  const char* name;
  const char* args;     // positional arguments for the usage line ("" for none)
  const char* summary;  // what it does, one line (the overview lists it)
  const char* details;  // more for its help: what it prints, how ("" for nothing)
  std::vector<Flag> flags;
  std::vector<EnvVar> env;
  int (*run)(const Args& args);
};

// a followed by b (flag tables share parts).
std::vector<Flag> join(std::vector<Flag> a, const std::vector<Flag>& b);

// The environment of the commands that call Centrifugo's server API
// (instant::Config::from_env), and the HMAC key of the token commands.
const std::vector<EnvVar>& server_env();
const std::vector<EnvVar>& hmac_env();

extern const Command publish_command;
extern const Command history_command;
extern const Command info_command;
extern const Command token_command;
extern const Command subtoken_command;
extern const Command verify_command;
extern const Command jwks_command;
extern const Command bundle_command;
extern const Command genconfig_command;
extern const Command channels_command;
extern const Command proxy_command;
extern const Command stream_command;

}  // namespace cli
