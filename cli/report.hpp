// What `instant` prints besides a command's output: a command's help, its
// usage line, and the one line of a failure, with a hint for the common
// mistakes that names the setting to check.
#pragma once

#include "commands.hpp"

#include <instant/error.hpp>

#include <ostream>
#include <string>

namespace cli {

// "usage: instant NAME ARGS [options]".
std::string usage_line(const Command& c);

// The usage line, the summary, every flag with its meaning and default, and
// the environment the command reads.
void print_help(std::ostream& os, const Command& c);

// "<message> [<kind>]" plus, for a mistake we recognise, "; <what to check>".
// Never contains a secret: the library's messages hold none, and hints name
// settings, not their values.
std::string failure_line(const Command& c, const Args& a, const instant::Error& e);

// The setting the Centrifugo URL came from, in instant::Config::from_env's
// order: "CENTRIFUGO_URL" when it is set, else "CENTRIFUGO_HOST/CENTRIFUGO_PORT".
std::string url_setting();

}  // namespace cli
