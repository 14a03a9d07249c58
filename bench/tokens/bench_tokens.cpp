// bench_tokens: per-token cost of instant's signer and verifier beside
// libjwt, cpp-jwt, OpenSSL's one-shot HMAC(), a pre-keyed HMAC-SHA256 (the
// floor: the hash's own cost) and OpenSSL's own RS256/ES256/EdDSA sign and
// verify. One thread; best of several runs; prints figures, asserts nothing.
//
//   bench_tokens [seconds-per-figure]   (default 0.3)
#define OPENSSL_SUPPRESS_DEPRECATED 1  // the floor uses SHA256_CTX directly

#include <instant/token.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace peers {
std::size_t libjwt_hs256(const std::string& key, const char* sub, long exp, long iat);
std::size_t cppjwt_hs256(const std::string& key, const char* sub, long exp, long iat);
}  // namespace peers

namespace {

double g_budget = 0.3;  // seconds per figure
volatile std::size_t g_sink = 0;

// Best-of-5 nanoseconds per call of f, with the iteration count calibrated so
// one run lasts about budget/5.
template <class F>
double ns_per_op(F&& f) {
  using clock = std::chrono::steady_clock;
  std::size_t n = 1;
  for (;;) {
    auto t0 = clock::now();
    for (std::size_t i = 0; i < n; ++i) f();
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s > g_budget / 20 || n > (1u << 28)) {
      n = static_cast<std::size_t>(static_cast<double>(n) * (g_budget / 5) / (s > 0 ? s : 1e-9)) + 1;
      break;
    }
    n *= 2;
  }
  double best = 1e300;
  for (int run = 0; run < 5; ++run) {
    auto t0 = clock::now();
    for (std::size_t i = 0; i < n; ++i) f();
    const double ns = std::chrono::duration<double, std::nano>(clock::now() - t0).count() / static_cast<double>(n);
    if (ns < best) best = ns;
  }
  return best;
}

void row(const char* name, double ns) {
  std::printf("  %-44s %9.3f us/token %12.0f tokens/s\n", name, ns / 1000.0, 1e9 / ns);
}

struct PkeyDel {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDel>;

Pkey keygen(const char* type, const char* param) {
  EVP_PKEY* p = nullptr;
  if (!std::strcmp(type, "RSA")) {
    p = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  } else if (!std::strcmp(type, "EC")) {
    p = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", param);
  } else {
    p = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (!p) {
    std::fprintf(stderr, "key generation failed\n");
    std::exit(1);
  }
  return Pkey(p);
}

std::string private_pem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* d = nullptr;
  long n = BIO_get_mem_data(b, &d);
  std::string s(d, static_cast<std::size_t>(n));
  BIO_free(b);
  return s;
}

// OpenSSL's own sign cost: what any JWT library must pay at least.
std::size_t raw_sign(EVP_PKEY* k, const EVP_MD* md, const std::string& input) {
  unsigned char sig[1024];
  std::size_t len = sizeof sig;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  EVP_DigestSignInit(c, nullptr, md, nullptr, k);
  EVP_DigestSign(c, sig, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(c);
  return len;
}

bool raw_verify(EVP_PKEY* k, const EVP_MD* md, const std::string& input, const std::vector<unsigned char>& sig) {
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(c, nullptr, md, nullptr, k);
  const int rc = EVP_DigestVerify(c, sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(input.data()),
                                  input.size());
  EVP_MD_CTX_free(c);
  return rc == 1;
}

std::vector<unsigned char> raw_signature(EVP_PKEY* k, const EVP_MD* md, const std::string& input) {
  std::vector<unsigned char> sig(1024);
  std::size_t len = sig.size();
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  EVP_DigestSignInit(c, nullptr, md, nullptr, k);
  EVP_DigestSign(c, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(c);
  sig.resize(len);
  return sig;
}

// The floor: HMAC-SHA256 from SHA-256 states keyed once with ipad/opad.
struct PrekeyedHmac {
  SHA256_CTX in{}, out{};
  explicit PrekeyedHmac(const std::string& key) {
    unsigned char k0[64] = {0}, ipad[64], opad[64];
    std::memcpy(k0, key.data(), key.size() < 64 ? key.size() : 64);
    for (int i = 0; i < 64; ++i) {
      ipad[i] = static_cast<unsigned char>(k0[i] ^ 0x36);
      opad[i] = static_cast<unsigned char>(k0[i] ^ 0x5c);
    }
    SHA256_Init(&in);
    SHA256_Update(&in, ipad, 64);
    SHA256_Init(&out);
    SHA256_Update(&out, opad, 64);
  }
  void mac(const std::string& data, unsigned char* md) const {
    SHA256_CTX c = in;
    unsigned char ih[32];
    SHA256_Update(&c, data.data(), data.size());
    SHA256_Final(ih, &c);
    c = out;
    SHA256_Update(&c, ih, 32);
    SHA256_Final(md, &c);
  }
};

std::string signing_input(const std::string& token) { return token.substr(0, token.rfind('.')); }

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) g_budget = std::atof(argv[1]) > 0 ? std::atof(argv[1]) : g_budget;
  const std::string key = "bench-hmac-key-0123456789abcdef-0123456789abcdef";
  const long now = static_cast<long>(std::time(nullptr));

  instant::ConnectionClaims claims;
  claims.sub = "user1234";  // 8 characters
  claims.info = R"({"name":"Alice"})";

  instant::Signer hs = instant::Signer::hmac(key);
  instant::Status st;
  std::string tok = hs.connection_token(claims, st);
  const std::string input = signing_input(tok);

  std::printf("instant token benchmark (one thread; best of 5 runs)\n");
  std::printf("HS256 connection token: sub of 8 characters, exp, iat, info {\"name\":\"Alice\"}\n");
  std::printf("signing input %zu bytes, token %zu bytes\n\n", input.size(), tok.size());

  std::printf("HS256 minting\n");
  const double t_instant = ns_per_op([&] { g_sink = g_sink + hs.connection_token(claims, st).size(); });
  row("instant Signer (non-throwing form)", t_instant);
  const double t_instant_ret = ns_per_op([&] { g_sink = g_sink + hs.connection_token(claims).size(); });
  row("instant Signer (throwing form)", t_instant_ret);
  double t_libjwt = 0, t_cppjwt = 0;
#ifdef INSTANT_BENCH_LIBJWT
  t_libjwt = ns_per_op([&] { g_sink = g_sink + peers::libjwt_hs256(key, "user1234", now + 86400, now); });
  row("libjwt (jwt_new .. jwt_encode_str)", t_libjwt);
#else
  std::printf("  libjwt: not built (libjwt-dev not found)\n");
#endif
#ifdef INSTANT_BENCH_CPPJWT
  t_cppjwt = ns_per_op([&] { g_sink = g_sink + peers::cppjwt_hs256(key, "user1234", now + 86400, now); });
  row("cpp-jwt (jwt_object .. signature())", t_cppjwt);
#else
  std::printf("  cpp-jwt: not built (libcpp-jwt-dev not found)\n");
#endif
  const double t_oneshot = ns_per_op([&] {
    unsigned char md[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), md, &len);
    g_sink = g_sink + md[0];
  });
  row("OpenSSL HMAC() one-shot over the input", t_oneshot);
  PrekeyedHmac floor(key);
  const double t_floor = ns_per_op([&] {
    unsigned char md[32];
    floor.mac(input, md);
    g_sink = g_sink + md[0];
  });
  row("pre-keyed HMAC-SHA256 over the input (floor)", t_floor);

  std::printf("\n  instant / floor                 = %5.2f x   (target <= 2.00)\n", t_instant / t_floor);
  if (t_libjwt > 0) std::printf("  libjwt time / instant time      = %5.1f x   (target >= 10)\n", t_libjwt / t_instant);
  if (t_cppjwt > 0) std::printf("  cpp-jwt time / instant time     = %5.1f x   (target >= 10)\n", t_cppjwt / t_instant);
  std::printf("  one-shot HMAC() / floor         = %5.2f x\n", t_oneshot / t_floor);

  std::printf("\nAsymmetric signing (same claims; raw = EVP_DigestSign over the same input)\n");
  struct Asym {
    const char* name;
    instant::Algorithm alg;
    Pkey key;
    const EVP_MD* md;
  };
  Asym asym[] = {{"RS256 (RSA 2048)", instant::Algorithm::RS256, keygen("RSA", nullptr), EVP_sha256()},
                 {"ES256 (P-256)", instant::Algorithm::ES256, keygen("EC", "P-256"), EVP_sha256()},
                 {"EdDSA (Ed25519)", instant::Algorithm::EdDSA, keygen("ED25519", nullptr), nullptr}};
  struct Pair {
    double instant_sign, raw_sign, instant_verify, raw_verify;
  };
  std::vector<Pair> results;
  for (auto& a : asym) {
    instant::Signer s = instant::Signer::from_pem(private_pem(a.key.get()), a.alg);
    std::string t = s.connection_token(claims, st);
    const std::string in = signing_input(t);
    Pair p{};
    p.instant_sign = ns_per_op([&] { g_sink = g_sink + s.connection_token(claims, st).size(); });
    p.raw_sign = ns_per_op([&] { g_sink = g_sink + raw_sign(a.key.get(), a.md, in); });
    std::string label = std::string(a.name) + " instant";
    row(label.c_str(), p.instant_sign);
    label = std::string(a.name) + " raw OpenSSL";
    row(label.c_str(), p.raw_sign);
    std::printf("  %-44s %9.3f x  (target <= 1.10)\n", "instant / raw", p.instant_sign / p.raw_sign);

    instant::Verifier v;
    v.add_signer(s);
    t = s.connection_token(claims, st);
    p.instant_verify =
        ns_per_op([&] { g_sink = g_sink + v.verify(t, instant::TokenKind::connection, st).exp; });
    const auto sig = raw_signature(a.key.get(), a.md, in);
    p.raw_verify = ns_per_op([&] { g_sink = g_sink + raw_verify(a.key.get(), a.md, in, sig); });
    results.push_back(p);
  }

  std::printf("\nVerification (full check: parse, signature, exp/iat, claims)\n");
  instant::Verifier hv;
  hv.add_signer(hs);
  tok = hs.connection_token(claims, st);
  const double t_hv = ns_per_op([&] { g_sink = g_sink + hv.verify(tok, instant::TokenKind::connection, st).exp; });
  row("HS256 instant Verifier", t_hv);
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::string label = std::string(asym[i].name) + " instant Verifier";
    row(label.c_str(), results[i].instant_verify);
    label = std::string(asym[i].name) + " raw EVP_DigestVerify";
    row(label.c_str(), results[i].raw_verify);
    std::printf("  %-44s %9.3f x\n", "instant / raw", results[i].instant_verify / results[i].raw_verify);
  }
  return g_sink == 42 ? 1 : 0;
}
