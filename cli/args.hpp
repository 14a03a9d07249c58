// A small argument parser shared by the subcommands: positionals, --flag VALUE,
// --flag=VALUE, boolean --switch, repeatable flags, `--` ends the options.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

struct Flag;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // Flags with a value placeholder take a value; the others are switches.
  // Anything else starting with "--" is a usage error.
  Args(int argc, char** argv, const std::vector<Flag>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  std::optional<std::string> get(const std::string& flag) const;  // last occurrence
  std::vector<std::string> all(const std::string& flag) const;
  bool has(const std::string& flag) const;
  std::string positional_at(std::size_t i, const char* what) const;  // UsageError if absent
  long long get_int(const std::string& flag, long long dflt) const;
  // The same within [lo, hi]; a UsageError naming the range otherwise.
  long long get_int(const std::string& flag, long long dflt, long long lo, long long hi) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
};

// Prints "instant: <message>" on stderr.
void fail(const std::string& message);

}  // namespace cli
