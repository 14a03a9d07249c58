// cpp-jwt minting the benchmark's HS256 connection token. Own translation
// unit: its headers clash with libjwt's jwt.h.
#include <jwt/jwt.hpp>

#include <string>

namespace peers {

// Mints one token the way a cpp-jwt user does; returns its length.
std::size_t cppjwt_hs256(const std::string& key, const char* sub, long exp, long iat) {
  using namespace jwt::params;
  jwt::jwt_object obj{algorithm("HS256"), secret(key)};
  obj.add_claim("sub", std::string(sub));
  obj.add_claim("exp", exp);
  obj.add_claim("iat", iat);
  obj.add_claim("info", nlohmann::json{{"name", "Alice"}});
  return obj.signature().size();
}

}  // namespace peers
