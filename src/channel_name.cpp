// Centrifugo v6's channel-name rules: the one checker (instant/channel_name.hpp).
#include <instant/channel_name.hpp>

#include "detail/json.hpp"
#include "detail/text.hpp"

#include <algorithm>

namespace instant {

namespace {

bool namespace_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.';
}

Status bad_name(const std::string& why) { return Status(errc::invalid_channel, why); }

std::string shown_name(std::string_view name) { return detail::printable(name); }

Status check_name(std::string_view name, const NameRules& rules) {
  if (name.empty()) return bad_name("channel name is empty");
  if (name.size() > rules.max_length) {
    return bad_name("channel name is " + std::to_string(name.size()) + " bytes, more than " +
                    std::to_string(rules.max_length));
  }
  if (!detail::utf8_valid(name)) return bad_name("channel name is not valid UTF-8");
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return bad_name("channel name '" + shown_name(name) + "' contains a control character");
    }
    if (u >= 0x80 && !rules.allow_non_ascii) {
      return bad_name("channel name '" + shown_name(name) +
                      "' is not ASCII (Centrifugo allows that only with channel_regex)");
    }
  }
  std::string_view rest = name;
  if (rest.front() == '$') rest.remove_prefix(1);
  if (rest.find('$') != std::string_view::npos) {
    return bad_name("channel name '" + shown_name(name) +
                    "': '$' is allowed only as the first character ($ns:chan)");
  }
  if (rest.empty()) return bad_name("channel name '$' has nothing after the '$'");
  auto colon = rest.find(':');
  if (colon != std::string_view::npos) {
    std::string_view ns = rest.substr(0, colon);
    if (ns.size() < 2 || !std::all_of(ns.begin(), ns.end(), namespace_char)) {
      return bad_name("channel name '" + shown_name(name) + "': namespace '" + shown_name(ns) +
                      "' must be 2 or more characters from [-a-zA-Z0-9_.]");
    }
    if (colon + 1 == rest.size()) {
      return bad_name("channel name '" + shown_name(name) + "' is empty after its namespace");
    }
  }
  return {};
}

}  // namespace

void validate_channel_name(std::string_view name, const NameRules& rules, Status& st) {
  st = check_name(name, rules);
}

void validate_channel_name(std::string_view name, const NameRules& rules) {
  throw_if_error(check_name(name, rules));
}

std::string channel_namespace(std::string_view name) {
  if (!name.empty() && name.front() == '$') name.remove_prefix(1);
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(name.substr(0, colon));
}

std::string private_channel_name(std::string_view name) {
  if (!name.empty() && name.front() == '$') return std::string(name);
  return "$" + std::string(name);
}

}  // namespace instant
