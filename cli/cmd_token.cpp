// Token subcommands: token, subtoken, verify, jwks. Keys come from
// CENTRIFUGO_HMAC_KEY (HS*) or --key-file PEM with --alg; secrets and tokens
// never appear in messages.
#include "args.hpp"
#include "commands.hpp"

#include <instant/limits.hpp>

#include <instant/token.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cli {
namespace {

const std::set<std::string> kKeyFlags = {"key-file", "alg", "kid"};

std::set<std::string> with_key_flags(std::set<std::string> s) {
  s.insert(kKeyFlags.begin(), kKeyFlags.end());
  return s;
}

instant::Algorithm algorithm_arg(const Args& a, instant::Algorithm dflt) {
  auto name = a.get("alg");
  if (!name) return dflt;
  instant::Status st;
  const instant::Algorithm alg = instant::parse_algorithm(*name, st);
  if (!st.ok()) throw UsageError("--alg: " + st.message());
  return alg;
}

bool is_hmac(instant::Algorithm a) {
  return a == instant::Algorithm::HS256 || a == instant::Algorithm::HS384 ||
         a == instant::Algorithm::HS512;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw instant::Error(instant::errc::io, "cannot read key file '" + path + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string hmac_key_from_env() {
  const char* k = std::getenv("CENTRIFUGO_HMAC_KEY");
  if (!k || !*k) {
    throw instant::Error(instant::errc::config,
                         "no key: set CENTRIFUGO_HMAC_KEY or pass --key-file PEM --alg ALG");
  }
  return k;
}

instant::Signer signer_from_args(const Args& a) {
  instant::SignerOptions opts;
  opts.kid = a.get("kid").value_or("");
  opts.allow_weak_key = a.has("allow-weak-key");
  if (auto file = a.get("key-file")) {
    if (!a.get("alg")) throw UsageError("--key-file needs --alg");
    instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::RS256);
    if (is_hmac(alg)) return instant::Signer::hmac(read_file(*file), alg, opts);
    return instant::Signer::from_pem(read_file(*file), alg, opts);
  }
  instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::HS256);
  if (!is_hmac(alg)) {
    throw UsageError("--alg " + std::string(instant::to_string(alg)) + " needs --key-file");
  }
  return instant::Signer::hmac(hmac_key_from_env(), alg, opts);
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// Flags shared by token and subtoken.
void common_claims(const Args& a, instant::CommonClaims& c) {
  c.sub = a.get("user").value_or("");
  c.ttl = a.get_int("ttl", 0, 0, instant::limits::max_lifetime_seconds);
  c.exp = a.get_int("exp", 0);
  c.no_expiry = a.has("no-expiry");
  c.nbf = a.get_int("nbf", 0);
  c.jti = a.get("jti").value_or("");
  for (const auto& v : a.all("aud")) {
    for (auto& x : split_list(v)) c.aud.push_back(x);
  }
  c.iss = a.get("iss").value_or("");
  c.info = a.get("info").value_or("");
  c.b64info = a.get("b64info").value_or("");
  if (a.has("expire-at")) c.expire_at = a.get_int("expire-at", 0);
  c.extra = a.get("extra").value_or("");
}

const std::set<std::string> kClaimFlags = {"user", "ttl", "exp", "nbf", "jti", "aud", "iss",
                                           "info", "b64info", "expire-at", "extra"};
const std::set<std::string> kClaimSwitches = {"no-expiry", "allow-weak-key"};

}  // namespace

int cmd_token(int argc, char** argv) {
  auto flags = with_key_flags(kClaimFlags);
  flags.insert({"channels", "meta"});
  Args a(argc, argv, flags, kClaimSwitches);
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  if (!a.get("user")) throw UsageError("missing --user");
  instant::ConnectionClaims c;
  common_claims(a, c);
  for (const auto& v : a.all("channels")) {
    for (auto& x : split_list(v)) c.channels.push_back(x);
  }
  c.meta = a.get("meta").value_or("");
  instant::Signer signer = signer_from_args(a);
  std::cout << signer.connection_token(c) << "\n";
  return 0;
}

int cmd_subtoken(int argc, char** argv) {
  auto flags = with_key_flags(kClaimFlags);
  flags.insert({"channel", "data", "b64data", "client"});
  Args a(argc, argv, flags, kClaimSwitches);
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  if (!a.get("user")) throw UsageError("missing --user");
  if (!a.get("channel")) throw UsageError("missing --channel");
  instant::SubscriptionClaims c;
  common_claims(a, c);
  c.channel = *a.get("channel");
  c.data = a.get("data").value_or("");
  c.b64data = a.get("b64data").value_or("");
  c.client = a.get("client").value_or("");
  instant::Signer signer = signer_from_args(a);
  std::cout << signer.subscription_token(c) << "\n";
  return 0;
}

int cmd_verify(int argc, char** argv) {
  Args a(argc, argv, with_key_flags({"kind", "aud", "iss", "leeway", "previous-key-file"}),
         {"allow-weak-key", "no-require-exp"});
  if (a.positional().size() != 1) throw UsageError("expected one TOKEN (or - to read it from stdin)");
  std::string token = a.positional()[0];
  if (token == "-") {
    std::getline(std::cin, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  }
  instant::VerifyOptions opts;
  opts.require_exp = !a.has("no-require-exp");
  opts.leeway = a.get_int("leeway", 0, 0, instant::limits::max_leeway_seconds);
  for (const auto& v : a.all("aud")) {
    for (auto& x : split_list(v)) opts.audience.push_back(x);
  }
  opts.issuer = a.get("iss").value_or("");
  instant::TokenKind kind = instant::TokenKind::any;
  const std::string k = a.get("kind").value_or("any");
  if (k == "connection") {
    kind = instant::TokenKind::connection;
  } else if (k == "subscription") {
    kind = instant::TokenKind::subscription;
  } else if (k != "any") {
    throw UsageError("--kind is connection, subscription or any");
  }
  instant::Verifier v(opts);
  const std::string kid = a.get("kid").value_or("");
  const bool weak = a.has("allow-weak-key");
  if (auto file = a.get("key-file")) {
    if (!a.get("alg")) throw UsageError("--key-file needs --alg");
    const instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::RS256);
    if (is_hmac(alg)) {
      v.add_hmac(read_file(*file), alg, kid, weak);
    } else {
      v.add_pem(read_file(*file), alg, kid);
      if (auto prev = a.get("previous-key-file")) v.add_pem(read_file(*prev), alg);
    }
  } else {
    const instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::HS256);
    if (!is_hmac(alg)) {
      throw UsageError("--alg " + std::string(instant::to_string(alg)) + " needs --key-file");
    }
    v.add_hmac(hmac_key_from_env(), alg, kid, weak);
    const char* prev = std::getenv("CENTRIFUGO_HMAC_PREVIOUS_KEY");
    if (prev && *prev) v.add_hmac(prev, alg, {}, weak);
  }
  instant::Status st;
  const instant::VerifiedToken t = v.verify(token, kind, st);
  if (!st.ok()) {
    fail(std::string("token rejected: ") + instant::to_string(st.kind()) + ": " + st.message());
    return 1;
  }
  std::cout << t.claims << "\n";
  return 0;
}

int cmd_jwks(int argc, char** argv) {
  Args a(argc, argv, {}, {});
  if (a.positional().empty() || a.positional().size() % 3 != 0) {
    throw UsageError("expected one or more triples KEY_FILE ALG KID");
  }
  std::vector<instant::Signer> signers;
  std::vector<const instant::Signer*> ptrs;
  for (std::size_t i = 0; i < a.positional().size(); i += 3) {
    instant::Status st;
    const instant::Algorithm alg = instant::parse_algorithm(a.positional()[i + 1], st);
    if (!st.ok()) throw UsageError(st.message());
    instant::SignerOptions opts;
    opts.kid = a.positional()[i + 2];
    signers.push_back(instant::Signer::from_pem(read_file(a.positional()[i]), alg, opts));
  }
  for (const auto& s : signers) ptrs.push_back(&s);
  std::cout << instant::make_jwks(ptrs) << "\n";
  return 0;
}

}  // namespace cli
