// libjwt (C) minting the benchmark's HS256 connection token. Own translation
// unit: its jwt.h clashes with cpp-jwt's headers.
#include <jwt.h>

#include <cstdlib>
#include <string>

namespace peers {

// Mints one token the way a libjwt user does; returns its length (0 on error).
std::size_t libjwt_hs256(const std::string& key, const char* sub, long exp, long iat) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return 0;
  std::size_t len = 0;
  if (jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) == 0 &&
      jwt_add_grant(jwt, "sub", sub) == 0 && jwt_add_grant_int(jwt, "exp", exp) == 0 &&
      jwt_add_grant_int(jwt, "iat", iat) == 0 &&
      jwt_add_grants_json(jwt, "{\"info\":{\"name\":\"Alice\"}}") == 0) {
    char* out = jwt_encode_str(jwt);
    if (out) {
      len = std::string(out).size();
      std::free(out);
    }
  }
  jwt_free(jwt);
  return len;
}

}  // namespace peers
