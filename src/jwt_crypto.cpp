// JWT crypto over OpenSSL: base64url, pre-keyed HMAC, PEM keys, JOSE
// signatures and JWKs. The HMAC fast path keeps the SHA-2 contexts keyed with
// ipad/opad and copies them per token (a plain struct copy: no allocation);
// those low-level SHA-2 calls are deprecated, not removed, in OpenSSL 3, so
// their warnings are silenced here. Builds without them fall back to HMAC().
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "detail/jwt.hpp"

#include "detail/json.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <climits>
#include <cstring>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "instant's token module needs OpenSSL 3.0 or later"
#endif

#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#define INSTANT_HMAC_PREKEYED 1
#endif

namespace instant {
namespace detail {

namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Decode table: 0..63 for base64url digits, 64 otherwise.
struct B64UrlTable {
  unsigned char v[256];
  constexpr B64UrlTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = 64;
    for (int i = 0; i < 64; ++i) {
      v[static_cast<unsigned char>(kB64Url[i])] = static_cast<unsigned char>(i);
    }
  }
};
constexpr B64UrlTable kB64UrlDec;

int std_b64_value(unsigned char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct EvpPkeyDel {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct EvpMdDel {
  void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
};
struct EvpMdCtxDel {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct BioDel {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct BnDel {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
struct EcdsaSigDel {
  void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDel>;
using MdPtr = std::unique_ptr<EVP_MD, EvpMdDel>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDel>;
using BioPtr = std::unique_ptr<BIO, BioDel>;
using BnPtr = std::unique_ptr<BIGNUM, BnDel>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDel>;

bool is_hmac(Algorithm a) noexcept {
  return a == Algorithm::HS256 || a == Algorithm::HS384 || a == Algorithm::HS512;
}
bool is_rsa(Algorithm a) noexcept {
  return a == Algorithm::RS256 || a == Algorithm::RS384 || a == Algorithm::RS512;
}
bool is_ec(Algorithm a) noexcept {
  return a == Algorithm::ES256 || a == Algorithm::ES384 || a == Algorithm::ES512;
}

const char* digest_name(Algorithm a) noexcept {
  switch (a) {
    case Algorithm::HS256: case Algorithm::RS256: case Algorithm::ES256: return "SHA256";
    case Algorithm::HS384: case Algorithm::RS384: case Algorithm::ES384: return "SHA384";
    case Algorithm::HS512: case Algorithm::RS512: case Algorithm::ES512: return "SHA512";
    case Algorithm::EdDSA: return nullptr;
  }
  return nullptr;
}

// ES coordinate size in bytes and the curve OpenSSL / JOSE name.
std::size_t ec_half(Algorithm a) noexcept {
  return a == Algorithm::ES256 ? 32 : a == Algorithm::ES384 ? 48 : 66;
}
const char* ec_group(Algorithm a) noexcept {
  return a == Algorithm::ES256 ? "prime256v1" : a == Algorithm::ES384 ? "secp384r1" : "secp521r1";
}
const char* ec_crv(Algorithm a) noexcept {
  return a == Algorithm::ES256 ? "P-256" : a == Algorithm::ES384 ? "P-384" : "P-521";
}

// Refuses to prompt for a passphrase: encrypted PEM keys simply fail to load.
int no_passphrase(char*, int, int, void*) { return -1; }

Status key_error(const std::string& what) {
  ERR_clear_error();
  return Status(errc::key, what);
}

}  // namespace

struct KeyMaterial {
  Algorithm alg = Algorithm::HS256;
  std::string kid;
  // HMAC
  std::size_t mac_len = 0;
#ifdef INSTANT_HMAC_PREKEYED
  SHA256_CTX in256{}, out256{};
  SHA512_CTX in512{}, out512{};
#else
  std::string secret;
  const EVP_MD* hmac_md = nullptr;
#endif
  // Asymmetric
  PkeyPtr pkey;
  MdPtr md;                 // fetched once; null for EdDSA
  std::size_t sig_len = 0;  // JOSE signature length

  ~KeyMaterial() {
#ifdef INSTANT_HMAC_PREKEYED
    OPENSSL_cleanse(&in256, sizeof in256);
    OPENSSL_cleanse(&out256, sizeof out256);
    OPENSSL_cleanse(&in512, sizeof in512);
    OPENSSL_cleanse(&out512, sizeof out512);
#else
    if (!secret.empty()) OPENSSL_cleanse(&secret[0], secret.size());
#endif
  }
};

// ---- base64 ----------------------------------------------------------------

namespace {
// Two base64url digits per 12 bits: halves the lookups of the hot encoder.
struct B64UrlPairs {
  char v[4096][2];
  constexpr B64UrlPairs() : v() {
    for (int i = 0; i < 4096; ++i) {
      v[i][0] = kB64Url[i >> 6];
      v[i][1] = kB64Url[i & 63];
    }
  }
};
constexpr B64UrlPairs kPairs;
}  // namespace

std::size_t b64url_encode(char* o, const void* data, std::size_t n) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const unsigned v = (unsigned(p[i]) << 16) | (unsigned(p[i + 1]) << 8) | p[i + 2];
    std::memcpy(o, kPairs.v[v >> 12], 2);
    std::memcpy(o + 2, kPairs.v[v & 0xFFF], 2);
    o += 4;
  }
  if (n - i == 1) {
    const unsigned v = unsigned(p[i]) << 16;
    o[0] = kB64Url[v >> 18];
    o[1] = kB64Url[(v >> 12) & 63];
  } else if (n - i == 2) {
    const unsigned v = (unsigned(p[i]) << 16) | (unsigned(p[i + 1]) << 8);
    o[0] = kB64Url[v >> 18];
    o[1] = kB64Url[(v >> 12) & 63];
    o[2] = kB64Url[(v >> 6) & 63];
  }
  return b64url_length(n);
}

void b64url_append(std::string& out, const void* data, std::size_t n) {
  const std::size_t start = out.size();
  out.resize(start + b64url_length(n));
  b64url_encode(&out[start], data, n);
}

bool b64url_decode(std::string_view in, std::string& out) {
  const std::size_t n = in.size();
  if (n % 4 == 1) return false;
  const std::size_t start = out.size();
  out.resize(start + n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0));
  char* o = &out[start];
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const unsigned a = kB64UrlDec.v[p[i]], b = kB64UrlDec.v[p[i + 1]], c = kB64UrlDec.v[p[i + 2]],
                   d = kB64UrlDec.v[p[i + 3]];
    if ((a | b | c | d) & 64) return false;
    const unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>((v >> 8) & 0xFF);
    *o++ = static_cast<char>(v & 0xFF);
  }
  const std::size_t rest = n - i;
  if (rest == 2) {
    const unsigned a = kB64UrlDec.v[p[i]], b = kB64UrlDec.v[p[i + 1]];
    if (((a | b) & 64) || (b & 0x0F)) return false;  // unused bits must be zero
    *o++ = static_cast<char>((a << 2) | (b >> 4));
  } else if (rest == 3) {
    const unsigned a = kB64UrlDec.v[p[i]], b = kB64UrlDec.v[p[i + 1]], c = kB64UrlDec.v[p[i + 2]];
    if (((a | b | c) & 64) || (c & 0x03)) return false;
    const unsigned v = (a << 18) | (b << 12) | (c << 6);
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>((v >> 8) & 0xFF);
  }
  return true;
}

bool b64std_valid(std::string_view in) noexcept {
  if (in.size() % 4 != 0) return false;
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') {
    if (pad == 0) return false;
    ++pad;
  }
  const std::size_t body = in.size() - pad;
  for (std::size_t i = 0; i < body; ++i) {
    if (std_b64_value(static_cast<unsigned char>(in[i])) < 0) return false;
  }
  if (pad == 1) return (std_b64_value(static_cast<unsigned char>(in[body - 1])) & 0x03) == 0;
  if (pad == 2) return (std_b64_value(static_cast<unsigned char>(in[body - 1])) & 0x0F) == 0;
  return true;
}

// ---- keys ------------------------------------------------------------------

std::shared_ptr<const KeyMaterial> make_hmac_key(std::string_view key, Algorithm alg,
                                                 std::string kid, bool allow_weak, Status& st) {
  st.clear();
  if (!is_hmac(alg)) {
    st = Status(errc::invalid_argument, std::string("algorithm ") + to_string(alg) +
                                            " does not take an HMAC key");
    return nullptr;
  }
  if (key.empty()) {
    st = Status(errc::weak_key, "HMAC key is empty");
    return nullptr;
  }
  // RFC 7518 3.2: at least the hash output size (32, 48, 64 bytes).
  const std::size_t min_len = alg == Algorithm::HS256 ? 32 : alg == Algorithm::HS384 ? 48 : 64;
  if (key.size() < min_len && !allow_weak) {
    st = Status(errc::weak_key, std::string("HMAC key of ") + std::to_string(key.size()) +
                                    " bytes is shorter than the " + std::to_string(min_len) +
                                    " bytes " + to_string(alg) +
                                    " needs; use a longer key or allow weak keys explicitly");
    return nullptr;
  }
  if (!utf8_valid(kid)) {
    st = Status(errc::invalid_utf8, "invalid UTF-8 in 'kid'");
    return nullptr;
  }
  auto k = std::make_shared<KeyMaterial>();
  k->alg = alg;
  k->kid = std::move(kid);
  k->mac_len = alg == Algorithm::HS256 ? 32 : alg == Algorithm::HS384 ? 48 : 64;
#ifdef INSTANT_HMAC_PREKEYED
  const std::size_t block = alg == Algorithm::HS256 ? 64 : 128;
  unsigned char k0[128] = {0};
  if (key.size() > block) {
    // Keys longer than the block are hashed first (RFC 2104).
    if (alg == Algorithm::HS256) {
      SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), k0);
    } else if (alg == Algorithm::HS384) {
      SHA384(reinterpret_cast<const unsigned char*>(key.data()), key.size(), k0);
    } else {
      SHA512(reinterpret_cast<const unsigned char*>(key.data()), key.size(), k0);
    }
  } else {
    std::memcpy(k0, key.data(), key.size());
  }
  unsigned char ipad[128], opad[128];
  for (std::size_t i = 0; i < block; ++i) {
    ipad[i] = static_cast<unsigned char>(k0[i] ^ 0x36);
    opad[i] = static_cast<unsigned char>(k0[i] ^ 0x5c);
  }
  if (alg == Algorithm::HS256) {
    SHA256_Init(&k->in256);
    SHA256_Update(&k->in256, ipad, block);
    SHA256_Init(&k->out256);
    SHA256_Update(&k->out256, opad, block);
  } else {
    if (alg == Algorithm::HS384) {
      SHA384_Init(&k->in512);
      SHA384_Init(&k->out512);
    } else {
      SHA512_Init(&k->in512);
      SHA512_Init(&k->out512);
    }
    SHA512_Update(&k->in512, ipad, block);
    SHA512_Update(&k->out512, opad, block);
  }
  OPENSSL_cleanse(k0, sizeof k0);
  OPENSSL_cleanse(ipad, sizeof ipad);
  OPENSSL_cleanse(opad, sizeof opad);
#else
  k->secret.assign(key.data(), key.size());
  k->hmac_md = alg == Algorithm::HS256   ? EVP_sha256()
               : alg == Algorithm::HS384 ? EVP_sha384()
                                         : EVP_sha512();
#endif
  return k;
}

std::shared_ptr<const KeyMaterial> make_pem_key(std::string_view pem, Algorithm alg,
                                                std::string kid, bool allow_weak,
                                                bool need_private, Status& st) {
  st.clear();
  if (is_hmac(alg)) {
    st = Status(errc::invalid_argument, std::string("algorithm ") + to_string(alg) +
                                            " needs an HMAC key, not a PEM key");
    return nullptr;
  }
  if (!utf8_valid(kid)) {
    st = Status(errc::invalid_utf8, "invalid UTF-8 in 'kid'");
    return nullptr;
  }
  if (pem.empty() || pem.size() > INT_MAX) {
    st = Status(errc::key, "PEM key is empty or too large");
    return nullptr;
  }
  auto read = [&](bool priv) -> PkeyPtr {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return nullptr;
    EVP_PKEY* p = priv ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                       : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
    return PkeyPtr(p);
  };
  PkeyPtr pkey = need_private ? nullptr : read(false);
  if (!pkey) pkey = read(true);
  if (!pkey) {
    st = key_error(need_private
                       ? "cannot read the PEM private key (unencrypted PKCS#8 or traditional PEM "
                         "expected)"
                       : "cannot read the PEM key (public or unencrypted private key expected)");
    return nullptr;
  }
  ERR_clear_error();
  const int id = EVP_PKEY_get_base_id(pkey.get());
  std::size_t sig_len = 0;
  if (is_rsa(alg)) {
    if (id != EVP_PKEY_RSA) {
      st = Status(errc::key,
                  std::string("the PEM key is not an RSA key, as ") + to_string(alg) + " needs");
      return nullptr;
    }
    const int bits = EVP_PKEY_get_bits(pkey.get());
    if (bits < 2048 && !allow_weak) {
      st = Status(errc::weak_key, "RSA key of " + std::to_string(bits) + " bits; 2048 or more expected");
      return nullptr;
    }
    sig_len = static_cast<std::size_t>(EVP_PKEY_get_size(pkey.get()));
    if (sig_len == 0 || sig_len > kMaxSignature) {
      st = Status(errc::key, "RSA key size not supported");
      return nullptr;
    }
  } else if (is_ec(alg)) {
    char group[64] = {0};
    std::size_t glen = 0;
    if (id != EVP_PKEY_EC ||
        !EVP_PKEY_get_group_name(pkey.get(), group, sizeof group, &glen) ||
        std::strcmp(group, ec_group(alg)) != 0) {
      ERR_clear_error();
      st = Status(errc::key, std::string("the PEM key is not an EC key on ") + ec_crv(alg) + ", as " +
                                 to_string(alg) + " needs");
      return nullptr;
    }
    sig_len = 2 * ec_half(alg);
  } else {
    if (id != EVP_PKEY_ED25519) {
      st = Status(errc::key, "the PEM key is not an Ed25519 key, as EdDSA needs");
      return nullptr;
    }
    sig_len = 64;
  }
  auto k = std::make_shared<KeyMaterial>();
  k->alg = alg;
  k->kid = std::move(kid);
  k->sig_len = sig_len;
  if (const char* dn = digest_name(alg)) {
    k->md.reset(EVP_MD_fetch(nullptr, dn, nullptr));
    if (!k->md) {
      st = key_error(std::string("digest ") + dn + " unavailable");
      return nullptr;
    }
  }
  k->pkey = std::move(pkey);
  return k;
}

Algorithm key_algorithm(const KeyMaterial& k) noexcept { return k.alg; }
const std::string& key_kid(const KeyMaterial& k) noexcept { return k.kid; }
bool key_is_hmac(const KeyMaterial& k) noexcept { return is_hmac(k.alg); }
std::size_t signature_length(const KeyMaterial& k) noexcept {
  return is_hmac(k.alg) ? k.mac_len : k.sig_len;
}

// ---- signatures ------------------------------------------------------------

namespace {

void hmac(const KeyMaterial& k, std::string_view data, unsigned char* out) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
#ifdef INSTANT_HMAC_PREKEYED
  if (k.alg == Algorithm::HS256) {
    SHA256_CTX c = k.in256;
    unsigned char inner[SHA256_DIGEST_LENGTH];
    SHA256_Update(&c, p, data.size());
    SHA256_Final(inner, &c);
    c = k.out256;
    SHA256_Update(&c, inner, sizeof inner);
    SHA256_Final(out, &c);
  } else {
    SHA512_CTX c = k.in512;
    unsigned char inner[SHA512_DIGEST_LENGTH];
    const std::size_t n = k.mac_len;
    SHA512_Update(&c, p, data.size());
    if (k.alg == Algorithm::HS384) {
      SHA384_Final(inner, &c);
    } else {
      SHA512_Final(inner, &c);
    }
    c = k.out512;
    SHA512_Update(&c, inner, n);
    if (k.alg == Algorithm::HS384) {
      SHA384_Final(out, &c);
    } else {
      SHA512_Final(out, &c);
    }
  }
#else
  unsigned int len = 0;
  HMAC(k.hmac_md, k.secret.data(), static_cast<int>(k.secret.size()), p, data.size(), out, &len);
#endif
}

}  // namespace

bool sign(const KeyMaterial& k, std::string_view data, unsigned char* sig, std::size_t& sig_len,
          Status& st) {
  if (is_hmac(k.alg)) {
    hmac(k, data, sig);
    sig_len = k.mac_len;
    return true;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, k.md.get(), nullptr, k.pkey.get()) != 1) {
    st = key_error("cannot initialise signing");
    return false;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  if (!is_ec(k.alg)) {
    std::size_t len = kMaxSignature;
    if (EVP_DigestSign(ctx.get(), sig, &len, p, data.size()) != 1 || len != k.sig_len) {
      st = key_error("signing failed");
      return false;
    }
    sig_len = len;
    return true;
  }
  // ECDSA: OpenSSL writes DER; JOSE wants r||s, each padded to the coordinate size.
  unsigned char der[160];
  std::size_t len = sizeof der;
  if (EVP_DigestSign(ctx.get(), der, &len, p, data.size()) != 1) {
    st = key_error("signing failed");
    return false;
  }
  const unsigned char* dp = der;
  EcdsaSigPtr es(d2i_ECDSA_SIG(nullptr, &dp, static_cast<long>(len)));
  const std::size_t half = ec_half(k.alg);
  if (!es || BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), sig, static_cast<int>(half)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), sig + half, static_cast<int>(half)) < 0) {
    st = key_error("ECDSA signature conversion failed");
    return false;
  }
  sig_len = 2 * half;
  return true;
}

bool verify_signature(const KeyMaterial& k, std::string_view data, std::string_view sig) noexcept {
  if (is_hmac(k.alg)) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    if (sig.size() != k.mac_len) return false;
    hmac(k, data, mac);
    return CRYPTO_memcmp(mac, sig.data(), k.mac_len) == 0;
  }
  if (sig.size() != k.sig_len) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, k.md.get(), nullptr, k.pkey.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const auto* s = reinterpret_cast<const unsigned char*>(sig.data());
  int rc;
  if (is_ec(k.alg)) {
    const int half = static_cast<int>(ec_half(k.alg));
    EcdsaSigPtr es(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(s, half, nullptr);
    BIGNUM* sv = BN_bin2bn(s + half, half, nullptr);
    if (!es || !r || !sv || ECDSA_SIG_set0(es.get(), r, sv) != 1) {
      BN_free(r);
      BN_free(sv);
      ERR_clear_error();
      return false;
    }
    unsigned char der[160];
    unsigned char* dp = der;
    const int dlen = i2d_ECDSA_SIG(es.get(), nullptr);
    if (dlen <= 0 || dlen > static_cast<int>(sizeof der)) {
      ERR_clear_error();
      return false;
    }
    i2d_ECDSA_SIG(es.get(), &dp);
    rc = EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(dlen), p, data.size());
  } else {
    rc = EVP_DigestVerify(ctx.get(), s, sig.size(), p, data.size());
  }
  ERR_clear_error();
  return rc == 1;
}

// ---- JWK / PEM -------------------------------------------------------------

namespace {

bool bn_param(EVP_PKEY* pkey, const char* name, std::size_t pad, std::string& b64) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return false;
  BnPtr bn(raw);
  const std::size_t n = pad ? pad : static_cast<std::size_t>(BN_num_bytes(bn.get()));
  std::string bytes(n, '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(&bytes[0]), static_cast<int>(n)) < 0) {
    return false;
  }
  b64.clear();
  b64url_append(b64, bytes.data(), bytes.size());
  return true;
}

}  // namespace

bool jwk_json(const KeyMaterial& k, std::string& out, Status& st) {
  if (is_hmac(k.alg)) {
    st = Status(errc::key, "HMAC keys are secret and have no public JWK");
    return false;
  }
  std::string head = std::string("\"use\":\"sig\",\"alg\":\"") + to_string(k.alg) + "\"";
  if (!k.kid.empty()) head += ",\"kid\":" + quote(k.kid);
  std::string a, b;
  if (is_rsa(k.alg)) {
    if (!bn_param(k.pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0, a) ||
        !bn_param(k.pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0, b)) {
      st = key_error("cannot export the RSA public key");
      return false;
    }
    out = "{\"kty\":\"RSA\"," + head + ",\"n\":\"" + a + "\",\"e\":\"" + b + "\"}";
  } else if (is_ec(k.alg)) {
    const std::size_t half = ec_half(k.alg);
    if (!bn_param(k.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, half, a) ||
        !bn_param(k.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, half, b)) {
      st = key_error("cannot export the EC public key");
      return false;
    }
    out = "{\"kty\":\"EC\"," + head + ",\"crv\":\"" + ec_crv(k.alg) + "\",\"x\":\"" + a +
          "\",\"y\":\"" + b + "\"}";
  } else {
    unsigned char raw[64];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(k.pkey.get(), raw, &len) != 1) {
      st = key_error("cannot export the Ed25519 public key");
      return false;
    }
    b64url_append(a, raw, len);
    out = "{\"kty\":\"OKP\"," + head + ",\"crv\":\"Ed25519\",\"x\":\"" + a + "\"}";
  }
  return true;
}

bool public_pem(const KeyMaterial& k, std::string& out, Status& st) {
  if (is_hmac(k.alg)) {
    st = Status(errc::key, "HMAC keys are secret and have no public key");
    return false;
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), k.pkey.get()) != 1) {
    st = key_error("cannot write the public key");
    return false;
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  out.assign(data, static_cast<std::size_t>(n));
  return true;
}

}  // namespace detail
}  // namespace instant
