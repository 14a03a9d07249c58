// instant::Verifier::verify with an HS256 key (with and without leeway) and an
// ES256 key. Input: [mode][kind] then
//   mode 0: the token text itself (mostly refused before the signature);
//   mode 1: header JSON \n~~\n claims JSON, signed here with the HS256 key;
//   mode 2: the same signed with the ES256 key;
// so the fuzzer reaches the header checks, the signature and the claims.
// Invariants: verify never crashes or reads out of bounds; the same token
// gives the same verdict twice; a verified token decodes and re-encodes to
// the signed text (decode -> re-encode -> compare), holds JSON that instant's
// one validator accepts (what the verifier takes, the validator takes: the
// claims at the wrapper's depth, the header at a value's), and
// its exp lies after the evaluation time (with leeway); header JSON that the
// validator refuses is token_malformed.
#include "fuzz_support.hpp"
#include "test_keys.hpp"

#include <instant/token.hpp>

#include "detail/json.hpp"
#include "detail/jwt.hpp"

#include <memory>

namespace {

constexpr const char* kTarget = "fuzz_token_verify";
// The HMAC key of ../shared/repro (its tokens reach the claims checks).
constexpr std::string_view kHmacKey = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1700000000;
constexpr std::int64_t kLeeway = 60;

struct Keys {
  instant::Verifier hs;
  instant::Verifier hs_leeway;
  instant::Verifier es;
  std::shared_ptr<const instant::detail::KeyMaterial> hs_key, es_key;

  static instant::VerifyOptions options(std::int64_t leeway) {
    instant::VerifyOptions o;
    o.now = kNow;
    o.leeway = leeway;
    return o;
  }
  Keys() : hs(options(0)), hs_leeway(options(kLeeway)), es(options(0)) {
    instant::Status st;
    hs_key = instant::detail::make_hmac_key(kHmacKey, instant::Algorithm::HS256, {}, false, st);
    es_key = instant::detail::make_pem_key(test_keys::ec256, instant::Algorithm::ES256, {}, false,
                                           true, st);
    if (!hs_key || !es_key) fuzz::fail(kTarget, "test keys refused: " + st.message());
    hs.add_hmac(kHmacKey, instant::Algorithm::HS256);
    hs_leeway.add_hmac(kHmacKey, instant::Algorithm::HS256);
    es.add_pem(test_keys::ec256, instant::Algorithm::ES256);
  }
};

const Keys& keys() {
  static const Keys k;
  return k;
}

std::string b64url(std::string_view s) {
  std::string out;
  instant::detail::b64url_append(out, s.data(), s.size());
  return out;
}

std::string signed_token(const instant::detail::KeyMaterial& key, std::string_view header,
                         std::string_view claims) {
  std::string token = b64url(header) + "." + b64url(claims);
  unsigned char sig[instant::detail::kMaxSignature];
  std::size_t sig_len = 0;
  instant::Status st;
  if (!instant::detail::sign(key, token, sig, sig_len, st)) fuzz::fail(kTarget, "signing failed");
  token += ".";
  instant::detail::b64url_append(token, sig, sig_len);
  return token;
}

// One verification with every invariant that holds for any token.
bool verify_checked(const instant::Verifier& v, std::string_view token, instant::TokenKind kind,
                    std::int64_t leeway, instant::VerifiedToken& out, instant::Status& st) {
  out = v.verify(token, kind, st);
  const bool ok = st.ok();
  instant::Status st2;
  (void)v.verify(token, kind, st2);
  fuzz::check(st2.kind() == st.kind(), kTarget, "the same token gave two verdicts");
  if (!ok) {
    fuzz::check(!st.message().empty(), kTarget, "a refusal without a message");
    return false;
  }
  const std::size_t d2 = token.rfind('.');
  fuzz::check(b64url(out.header) + "." + b64url(out.claims) == token.substr(0, d2), kTarget,
              "decoded header and claims do not re-encode to the signed text");
  fuzz::check(fuzz::valid_json(out.header) && fuzz::valid_document(out.claims), kTarget,
              "the verifier accepted JSON that validate_json refuses");
  fuzz::check(out.exp != 0 && out.exp > kNow - leeway, kTarget,
              "accepted a token whose exp " + std::to_string(out.exp) + " is not after now");
  if (kind == instant::TokenKind::subscription) {
    fuzz::check(!out.channel.empty(), kTarget, "a subscription token without channel");
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Keys& k = keys();
  fuzz::Input in(data, size);
  const int mode = in.byte() % 3;
  const auto kind = static_cast<instant::TokenKind>(in.byte() % 3);
  instant::VerifiedToken out;
  instant::Status st;

  if (mode == 0) {
    const std::string_view token = in.rest();
    verify_checked(k.hs, token, kind, 0, out, st);
    verify_checked(k.hs_leeway, token, kind, kLeeway, out, st);
    verify_checked(k.es, token, kind, 0, out, st);
    return 0;
  }

  const std::string_view header = in.part();
  const std::string_view claims = in.part();
  const bool hs = mode == 1;
  const std::string token = signed_token(hs ? *k.hs_key : *k.es_key, header, claims);
  const instant::Verifier& v = hs ? k.hs : k.es;
  const bool ok = verify_checked(v, token, kind, 0, out, st);
  if (ok) {
    fuzz::check(out.header == header && out.claims == claims, kTarget,
                "verified header/claims differ from what was signed");
  }
  if (!fuzz::valid_json(header)) {
    fuzz::check(!ok && (st.kind() == instant::errc::token_malformed ||
                        st.kind() == instant::errc::too_large),
                kTarget, "header JSON refused by validate_json was not token_malformed: " +
                             st.message());
  }
  if (!fuzz::valid_document(claims)) fuzz::check(!ok, kTarget, "claims refused by validate_json verified");
  if (hs) verify_checked(k.hs_leeway, token, kind, kLeeway, out, st);
  return 0;
}
