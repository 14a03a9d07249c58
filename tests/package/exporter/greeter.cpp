#include "greeter.hpp"

namespace greeter {
std::string token_for(const std::string &key, const std::string &user) {
  instant::ConnectionClaims claims;
  claims.sub = user;
  return instant::Signer::hmac(key).connection_token(claims);
}
}  // namespace greeter
