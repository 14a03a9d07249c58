#include "args.hpp"

#include "commands.hpp"

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace cli {

Args::Args(int argc, char** argv, const std::vector<Flag>& flags) {
  auto find = [&](const std::string& name) -> const Flag* {
    for (const auto& f : flags) {
      if (name == f.name) return &f;
    }
    return nullptr;
  };
  bool only_positional = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (only_positional || a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (a == "--") {
        only_positional = true;
        continue;
      }
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Flag* f = find(name);
    if (!f) throw UsageError("unknown option --" + name);
    if (!f->value) {
      if (value) throw UsageError("--" + name + " takes no value");
      values_[name].push_back("1");
    } else {
      if (!value) {
        if (i + 1 >= argc) throw UsageError("--" + name + " needs a value (" + f->value + ")");
        value = argv[++i];
      }
      values_[name].push_back(*value);
    }
  }
}

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Args::has(const std::string& flag) const { return values_.count(flag) != 0; }

std::string Args::positional_at(std::size_t i, const char* what) const {
  if (i >= positional_.size()) throw UsageError(std::string("missing ") + what);
  return positional_[i];
}

long long Args::get_int(const std::string& flag, long long dflt) const {
  auto v = get(flag);
  if (!v) return dflt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (errno != 0 || end == v->c_str() || *end != '\0') {
    throw UsageError("--" + flag + " needs an integer");
  }
  return n;
}

long long Args::get_int(const std::string& flag, long long dflt, long long lo, long long hi) const {
  const long long n = get_int(flag, dflt);
  if (n < lo || n > hi) {
    throw UsageError("--" + flag + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return n;
}

std::vector<Flag> join(std::vector<Flag> a, const std::vector<Flag>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void fail(const std::string& message) { std::cerr << "instant: " << message << "\n"; }

}  // namespace cli
