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

// Runs f; a key error gets the name of the setting the key came from.
template <class F>
auto naming_key(const std::string& setting, F&& f) {
  try {
    return f();
  } catch (const instant::Error& e) {
    if (e.kind() != instant::errc::weak_key && e.kind() != instant::errc::key) throw;
    throw instant::Error(e.kind(), setting + ": " + e.what());
  }
}

instant::Signer signer_from_args(const Args& a) {
  instant::SignerOptions opts;
  opts.kid = a.get("kid").value_or("");
  opts.allow_weak_key = a.has("allow-weak-key");
  if (auto file = a.get("key-file")) {
    if (!a.get("alg")) throw UsageError("--key-file needs --alg");
    instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::RS256);
    const std::string key = read_file(*file);
    return naming_key("--key-file " + *file, [&] {
      return is_hmac(alg) ? instant::Signer::hmac(key, alg, opts) : instant::Signer::from_pem(key, alg, opts);
    });
  }
  instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::HS256);
  if (!is_hmac(alg)) {
    throw UsageError("--alg " + std::string(instant::to_string(alg)) + " needs --key-file");
  }
  const std::string key = hmac_key_from_env();
  return naming_key("CENTRIFUGO_HMAC_KEY", [&] { return instant::Signer::hmac(key, alg, opts); });
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

int run_token(const Args& a) {
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

int run_subtoken(const Args& a) {
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

int run_verify(const Args& a) {
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
    const std::string key = read_file(*file);
    naming_key("--key-file " + *file, [&] {
      if (is_hmac(alg)) {
        v.add_hmac(key, alg, kid, weak);
      } else {
        v.add_pem(key, alg, kid);
      }
    });
    if (auto prev = a.get("previous-key-file")) {
      const std::string pkey = read_file(*prev);
      naming_key("--previous-key-file " + *prev, [&] {
        if (is_hmac(alg)) {
          v.add_hmac(pkey, alg, {}, weak);
        } else {
          v.add_pem(pkey, alg);
        }
      });
    }
  } else {
    const instant::Algorithm alg = algorithm_arg(a, instant::Algorithm::HS256);
    if (!is_hmac(alg)) {
      throw UsageError("--alg " + std::string(instant::to_string(alg)) + " needs --key-file");
    }
    const std::string key = hmac_key_from_env();
    naming_key("CENTRIFUGO_HMAC_KEY", [&] { v.add_hmac(key, alg, kid, weak); });
    const char* prev = std::getenv("CENTRIFUGO_HMAC_PREVIOUS_KEY");
    if (prev && *prev) {
      naming_key("CENTRIFUGO_HMAC_PREVIOUS_KEY", [&] { v.add_hmac(prev, alg, {}, weak); });
    }
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

int run_jwks(const Args& a) {
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
    const std::string& file = a.positional()[i];
    const std::string key = read_file(file);
    signers.push_back(naming_key(file, [&] { return instant::Signer::from_pem(key, alg, opts); }));
  }
  for (const auto& s : signers) ptrs.push_back(&s);
  std::cout << instant::make_jwks(ptrs) << "\n";
  return 0;
}

// Flags of the claims token and subtoken share, and the key flags of all three.
const std::vector<Flag> kClaimFlags = {
    {"user", "ID", "the user id, the JWT \"sub\" (\"\" = anonymous)", "required"},
    {"ttl", "SECONDS", "lifetime: exp = now + SECONDS (1..315360000)", "86400"},
    {"exp", "UNIX_TIME", "absolute expiry instead of --ttl", "now + ttl"},
    {"no-expiry", nullptr, "leave exp out: the token never expires", "off"},
    {"nbf", "UNIX_TIME", "not-before (must not be in the future)", "none"},
    {"jti", "ID", "token id", "none"},
    {"aud", "A[,B]", "audience; repeatable", "none"},
    {"iss", "ISSUER", "issuer", "none"},
    {"info", "JSON", "\"info\" shown to other clients (JSON text)", "none"},
    {"b64info", "BASE64", "\"b64info\" (standard base64)", "none"},
    {"expire-at", "UNIX_TIME", "Centrifugo's expire_at; 0 = the connection never expires", "exp"},
    {"extra", "JSON", "further custom claims (a JSON object)", "none"},
};

const std::vector<Flag> kKeyFlags = {
    {"key-file", "PEM", "sign with this private key file (RS*, ES*, EdDSA; or an HMAC key) instead of CENTRIFUGO_HMAC_KEY",
     "none"},
    {"alg", "ALG", "HS256/384/512, RS256/384/512, ES256/384/512, EdDSA; required with --key-file", "HS256"},
    {"kid", "KID", "key id written to the header", "none"},
    {"allow-weak-key", nullptr, "accept HMAC keys shorter than the hash (32/48/64 bytes) and RSA under 2048 bits",
     "off"},
};

}  // namespace

const std::vector<EnvVar>& hmac_env() {
  static const std::vector<EnvVar> env = {
      {"CENTRIFUGO_HMAC_KEY", "Centrifugo's client.token.hmac_secret_key (HS* keys)", "none: required without --key-file"},
  };
  return env;
}

const Command token_command = {
    "token",
    "",
    "mint a connection JWT",
    "Prints a connection token for Centrifugo (claims: docs/tokens.md).",
    join(join(kClaimFlags,
              {
                  {"channels", "A[,B]", "server-side subscriptions (the \"channels\" claim); repeatable", "none"},
                  {"meta", "JSON", "\"meta\", a JSON object kept on the server", "none"},
              }),
         kKeyFlags),
    hmac_env(),
    run_token,
};

const Command subtoken_command = {
    "subtoken",
    "",
    "mint a subscription JWT",
    "Prints a subscription token for one channel (claims: docs/tokens.md).",
    join(join(kClaimFlags,
              {
                  {"channel", "CHANNEL", "the channel it grants", "required"},
                  {"data", "JSON", "\"data\" sent to the subscriber (JSON text)", "none"},
                  {"b64data", "BASE64", "\"b64data\" (standard base64)", "none"},
                  {"client", "ID", "bind it to one client id", "none"},
              }),
         kKeyFlags),
    hmac_env(),
    run_subtoken,
};

const Command verify_command = {
    "verify",
    "TOKEN|-",
    "check a JWT and print its claims",
    "Prints the claims JSON of a valid token (- reads it from stdin), or exits 1\n"
    "with the reason it is invalid.",
    join({
        {"kind", "KIND", "connection, subscription or any", "any"},
        {"aud", "A[,B]", "accepted audiences; repeatable", "any audience"},
        {"iss", "ISSUER", "required issuer", "any issuer"},
        {"leeway", "SECONDS", "clock skew allowed for exp, nbf and iat (0..86400)", "0"},
        {"previous-key-file", "PEM", "a previous key that still verifies (rotation)", "none"},
        {"no-require-exp", nullptr, "accept a token without exp", "off"},
    }, kKeyFlags),
    {
        {"CENTRIFUGO_HMAC_KEY", "the current HMAC key", "none: required without --key-file"},
        {"CENTRIFUGO_HMAC_PREVIOUS_KEY", "a previous HMAC key that still verifies (rotation)", "none"},
    },
    run_verify,
};

const Command jwks_command = {
    "jwks",
    "KEY_FILE ALG KID [KEY_FILE ALG KID]...",
    "print a JWKS document of public keys",
    "Prints {\"keys\":[...]} for Centrifugo's client.token.jwks_public_endpoint, the\n"
    "current key first. Each KEY_FILE is a PEM private key of algorithm ALG.",
    {},
    {},
    run_jwks,
};

}  // namespace cli
