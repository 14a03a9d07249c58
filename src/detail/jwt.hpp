// Internal JWT building blocks: strict base64url, keyed HMAC state, PEM keys,
// JOSE signatures (ES as raw r||s) and JWK output. OpenSSL stays in the .cpp.
#ifndef INSTANT_DETAIL_JWT_HPP
#define INSTANT_DETAIL_JWT_HPP

#include <instant/error.hpp>
#include <instant/token.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace instant {
namespace detail {

// Largest signature handled (RSA 8192 bits); bigger keys are refused.
constexpr std::size_t kMaxSignature = 1024;

// Length of the unpadded base64url form of n bytes.
constexpr std::size_t b64url_length(std::size_t n) noexcept {
  return (n / 3) * 4 + (n % 3 ? n % 3 + 1 : 0);
}

// Writes the unpadded base64url form of [p, p+n) to dst (b64url_length(n)
// bytes); returns that length.
std::size_t b64url_encode(char* dst, const void* p, std::size_t n) noexcept;

// Appends the unpadded base64url form of [p, p+n) to out.
void b64url_append(std::string& out, const void* p, std::size_t n);

// Strict decode: base64url alphabet only, no padding, no length of 4k+1, and
// unused trailing bits zero (one encoding per byte string). Appends to out.
bool b64url_decode(std::string_view in, std::string& out);

// True for canonical padded standard base64 (what Centrifugo decodes for
// b64info / b64data). Empty is valid.
bool b64std_valid(std::string_view in) noexcept;

// A signing/verification key: its algorithm, optional kid and either the
// pre-keyed HMAC state or an OpenSSL key. Immutable once made; shareable.
struct KeyMaterial;

// HMAC key with the inner/outer hash states precomputed. weak_key below the
// hash size (32/48/64 bytes, RFC 7518 3.2) unless allow_weak; an empty key is always refused.
std::shared_ptr<const KeyMaterial> make_hmac_key(std::string_view key, Algorithm alg,
                                                 std::string kid, bool allow_weak, Status& st);

// Asymmetric key from PEM. need_private: a private key is required (signers);
// otherwise a public key (or a private one, whose public half is used).
std::shared_ptr<const KeyMaterial> make_pem_key(std::string_view pem, Algorithm alg,
                                                std::string kid, bool allow_weak,
                                                bool need_private, Status& st);

Algorithm key_algorithm(const KeyMaterial& k) noexcept;
const std::string& key_kid(const KeyMaterial& k) noexcept;
bool key_is_hmac(const KeyMaterial& k) noexcept;

// Signs `data`; writes the JOSE signature to sig (capacity kMaxSignature).
bool sign(const KeyMaterial& k, std::string_view data, unsigned char* sig, std::size_t& sig_len,
          Status& st);

// Length of k's JOSE signatures in bytes.
std::size_t signature_length(const KeyMaterial& k) noexcept;

// True when `sig` (JOSE form) is a valid signature of `data` under k.
// Comparisons of MACs are constant-time.
bool verify_signature(const KeyMaterial& k, std::string_view data, std::string_view sig) noexcept;

// Public JWK object of an asymmetric key; errc::key for HMAC.
bool jwk_json(const KeyMaterial& k, std::string& out, Status& st);

struct SignerImpl;
// The key of a signer (null for an empty one); shared, not copied.
std::shared_ptr<const KeyMaterial> signer_key(const SignerImpl* impl) noexcept;

// "BEGIN PUBLIC KEY" PEM of an asymmetric key; errc::key for HMAC.
bool public_pem(const KeyMaterial& k, std::string& out, Status& st);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_JWT_HPP
