// Verifies the token exporter::greeter minted, through instant's verifier.
#include <greeter.hpp>
#include <instant/token.hpp>

#include <iostream>

int main() {
  const std::string key = "downstream-hmac-key-0123456789abcdef";
  const std::string token = greeter::token_for(key, "alice");
  instant::Verifier verifier;
  verifier.add_hmac(key);
  const auto verified = verifier.verify(token);
  const bool ok = verified.sub == "alice";
  std::cout << "downstream: greeter token for " << verified.sub << ": " << (ok ? "ok" : "FAILED") << "\n";
  return ok ? 0 : 1;
}
