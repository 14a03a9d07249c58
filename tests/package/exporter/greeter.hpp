// A consumer library's public header: its API uses instant's types.
#pragma once
#include <instant/token.hpp>

#include <string>

namespace greeter {
// A connection token for `user` signed with `key` (HS256).
std::string token_for(const std::string &key, const std::string &user);
}  // namespace greeter
