// A C++ consumer: the envelope and a token through the C++ API.
#include <instant/instant.hpp>
#include <instant/token.hpp>

#include <iostream>

int main() {
  instant::Status st;
  instant::Event ev;
  ev.message = "hi";
  const std::string env = instant::make_envelope("news", ev, "Site", instant::EnvelopeEncoding::object, st);
  const bool env_ok = st.ok() && env == R"({"channel":"news","site":"Site","message":"hi"})";
  instant::Signer signer = instant::Signer::hmac("consumer-hmac-key-0123456789abcdef");
  instant::ConnectionClaims claims;
  claims.sub = "u";
  const bool tok_ok = signer.connection_token(claims).rfind("eyJ", 0) == 0;
  std::cout << "C++ consumer: instant " << INSTANT_VERSION_STRING << ": "
            << (env_ok && tok_ok ? "ok" : "FAILED") << "\n";
  return env_ok && tok_ok ? 0 : 1;
}
