// Regression tests for the defects F1-F11 found by the outside probe of
// commit 2d94f3f (inputs in tests/data/repro, copied from the probe's
// reproducers). Each of these crashed, hung, overflowed or silently dropped
// data before the fix. F5 (a publish sent twice) needs a server: see
// tests/integration/test_errors.cpp.
#include "catch.hpp"

#include <instant/client.hpp>
#include <instant/config.hpp>
#include <instant/limits.hpp>
#include <instant/message.hpp>
#include <instant/proxy.hpp>
#include <instant/token.hpp>

#include "detail/json.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <iterator>
#include <limits>
#include <pthread.h>
#include <sstream>
#include <string>

using instant::errc;
using instant::Status;

namespace {

const char* kKey = "0123456789abcdef0123456789abcdef";

std::string repro(const std::string& name) {
  std::ifstream f(std::string(INSTANT_SOURCE_DIR) + "/tests/data/repro/" + name, std::ios::binary);
  REQUIRE(f.good());
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

instant::Verifier verifier(std::int64_t leeway = 0) {
  instant::VerifyOptions vo;
  vo.leeway = leeway;
  vo.now = 1700000000;
  instant::Verifier v(vo);
  v.add_hmac(kKey);
  return v;
}

std::string nested(std::size_t depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

struct NewsRegistry : instant::Registry {
  NewsRegistry() { load_json(R"({"channels":[{"name":"news","level":"public"}]})"); }
};

std::optional<instant::User> alice(const instant::ProxyRequest&) {
  instant::User u;
  u.id = "alice";
  return u;
}

std::string b64url(std::string_view in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (unsigned char c : in) {
    v = (v << 8) | c;
    bits += 8;
    while (bits >= 6) out += a[(v >> (bits -= 6)) & 63];
  }
  if (bits) out += a[(v << (6 - bits)) & 63];
  return out;
}

// An HS256 token over arbitrary header and claims bytes (what a hostile
// client could send), signed with kKey by OpenSSL directly.
std::string hs256(std::string_view header, std::string_view claims) {
  const std::string input = b64url(header) + "." + b64url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), kKey, 32, reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &n);
  return input + "." + b64url(std::string_view(reinterpret_cast<const char*>(mac), n));
}

// parse_claims_json as a bool for CHECK().
bool claims_ok(std::string_view json, instant::ConnectionClaims& conn, instant::SubscriptionClaims& sub,
               Status& st) {
  instant::AnyClaims any = instant::parse_claims_json(json, st);
  conn = std::move(any.connection);
  sub = std::move(any.subscription);
  return st.ok();
}

// Runs fn on a thread with a small stack: a recursive walk of deep input
// would overflow it (F4).
template <class Fn>
void on_small_stack(std::size_t bytes, Fn fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t t;
  auto* heap_fn = new Fn(std::move(fn));
  auto trampoline = [](void* p) -> void* {
    auto* f = static_cast<Fn*>(p);
    (*f)();
    delete f;
    return nullptr;
  };
  REQUIRE(pthread_create(&t, &attr, trampoline, heap_fn) == 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace

TEST_CASE("F1: the full-precision crash number is read without converting it", "[hardening][F1]") {
  const std::string num = "1.00000000000000000001e-330";
  // Token header (before the signature check): a clean signature failure.
  instant::VerifiedToken out;
  Status st;
  CHECK_FALSE((out = verifier().verify(trimmed(repro("header_num.token")), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_signature);
  // Registry file: loads.
  Status rs;
  auto channels = instant::parse_channels_json(repro("registry.json"), {}, rs);
  CHECK(rs.ok());
  CHECK(channels.size() == 1);
  // Proxy body: the number in `data` passes through exactly as written.
  rs.clear();
  auto req = instant::parse_proxy_request(repro("proxy_body.json"), 65536, rs);
  CHECK(rs.ok());
  CHECK(req.data == num);
  NewsRegistry reg;
  CHECK(instant::proxy_subscribe(repro("proxy_body.json"), reg, alice) == R"({"result":{}})");
  // Caller data: kept byte for byte in the envelope and in Json::parse.
  Status es;
  std::string env = instant::make_envelope("news", instant::Event{.data = "{\"x\":" + num + "}"}, "Site",
                                           instant::EnvelopeEncoding::object, es);
  CHECK(es.ok());
  CHECK(env.find(num) != std::string::npos);
  CHECK(instant::Json::parse("[" + num + ",-0.0,1E+2]").text() == "[" + num + ",-0.0,1E+2]");
  // Tokens: info with the number is signed and verified, unchanged.
  instant::Signer signer = instant::Signer::hmac(kKey);
  instant::ConnectionClaims cc;
  cc.sub = "u";
  cc.info = "{\"n\":" + num + "}";
  auto tok = signer.connection_token(cc);
  instant::Verifier v;
  v.add_signer(signer);
  CHECK(v.verify(tok).claims.find("\"info\":{\"n\":" + num + "}") != std::string::npos);
}

TEST_CASE("F2: a huge JOSE header is refused before it is parsed", "[hardening][F2]") {
  instant::VerifiedToken out;
  Status st;
  CHECK_FALSE((out = verifier().verify(trimmed(repro("header_dos.token")), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_malformed);
  CHECK(st.message().find("4096") != std::string::npos);
  // Within the cap, many members are still checked for repeats in O(n log n)
  // (tests/unit/test_json_verdict.cpp times nothing; it checks the verdict).
  std::string header = "{\"alg\":\"HS256\"";
  for (int i = 0; header.size() < 3000; ++i) header += ",\"m" + std::to_string(i) + "\":0";
  CHECK(instant::detail::json_valid(header + "}"));
  CHECK_FALSE(instant::detail::json_valid(header + ",\"m1\":1}"));
}

TEST_CASE("F3/F11: claims JSON is read by length; repeated names and U+0000 are refused",
          "[hardening][F3][F11]") {
  instant::ConnectionClaims conn;
  instant::SubscriptionClaims sub;
  Status st;
  // The text ends inside a 4-byte sequence: refused, nothing read past it.
  const std::string cut = "{\"sub\":\"\xf1";
  CHECK_FALSE(claims_ok(cut, conn, sub, st));
  CHECK(st.kind() == errc::invalid_utf8);
  // Repeated names: refused, never "last one wins".
  CHECK_FALSE(claims_ok(R"({"sub":"a","sub":"b"})", conn, sub, st));
  CHECK(st.kind() == errc::invalid_json);
  CHECK_FALSE(claims_ok(R"({"info":{"a":1,"a":2}})", conn, sub, st));
  CHECK(st.kind() == errc::invalid_json);
  // "info\u0000zz" would have counted as "info".
  CHECK_FALSE(claims_ok(R"({"info\u0000zz":{"x":1}})", conn, sub, st));
  CHECK(st.kind() == errc::invalid_json);
  // A sub holding U+0000 (a C accessor would cut it): refused.
  CHECK_FALSE(claims_ok(R"({"sub":"ali\u0000ce"})", conn, sub, st));
  CHECK(st.kind() == errc::token_claim);
  // Inside opaque JSON (info) U+0000 is data and stays.
  CHECK(claims_ok(R"({"sub":"alice","info":{"t":"a\u0000b"}})", conn, sub, st));
  CHECK(conn.info == R"({"t":"a\u0000b"})");
  // The verifier, with valid signatures: a repeated claim, a sub with U+0000.
  const std::string hdr = R"({"alg":"HS256","typ":"JWT"})";
  instant::VerifiedToken out;
  CHECK((out = verifier().verify(hs256(hdr, R"({"sub":"u","exp":1800000000})"), instant::TokenKind::any, st), st.ok()));
  CHECK(out.sub == "u");
  CHECK_FALSE((out = verifier().verify(hs256(hdr, R"({"sub":"u","sub":"admin","exp":1800000000})"), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_malformed);
  CHECK_FALSE((out = verifier().verify(hs256(hdr, R"({"sub":"ad\u0000min","exp":1800000000})"), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_claim);
  CHECK_FALSE((out = verifier().verify(hs256(R"({"alg":"HS256","alg":"none"})", R"({"sub":"u","exp":1800000000})"), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_malformed);
  // The proxy: a repeated `user` (Go reads the last, RapidJSON the first): 400.
  NewsRegistry reg;
  const std::string dup = R"({"client":"c","user":"mallory","user":"alice","channel":"news"})";
  CHECK(instant::proxy_subscribe(dup, reg, alice).find("\"code\":400") != std::string::npos);
  CHECK(instant::proxy_connect(dup, reg, alice).find("\"code\":400") != std::string::npos);
  // The registry: a repeated member.
  Status rs;
  (void)instant::parse_channels_json(R"({"channels":[{"name":"a","name":"b","level":"public"}]})", {}, rs);
  CHECK(rs.kind() == errc::invalid_json);
}

TEST_CASE("F4: deep JSON is refused at one limit and nothing recurses", "[hardening][F4]") {
  const std::size_t limit = instant::limits::json_depth;
  CHECK(instant::detail::json_valid(nested(limit)));
  CHECK_FALSE(instant::detail::json_valid(nested(limit + 1)));
  NewsRegistry reg;
  // Proxy connect data/meta 10,000 and 32,000 deep (the body limit allows it).
  instant::ProxyOptions po;
  po.max_request_bytes = 1 << 20;
  for (std::size_t depth : {std::size_t(10000), std::size_t(32000)}) {
    const std::string body = R"({"client":"c","user":"alice","data":)" + nested(depth) + "}";
    CHECK(instant::proxy_connect(body, reg, alice, po).find("\"code\":400") != std::string::npos);
  }
  // Claims 100,000 deep (the 8 MiB main stack used to overflow).
  instant::ConnectionClaims conn;
  instant::SubscriptionClaims sub;
  Status st;
  CHECK_FALSE(claims_ok("{\"x\":" + nested(100000) + "}", conn, sub, st));
  CHECK(st.kind() == errc::invalid_json);
  // The deepest accepted value is read, copied and written again on a 64 KiB
  // stack: every walk is iterative.
  bool ok = false;
  on_small_stack(64 * 1024, [&] {
    const std::string deep_obj = [&] {
      std::string s;
      for (std::size_t i = 0; i + 1 < limit; ++i) s += "{\"k\":";
      s += "[1]";
      for (std::size_t i = 0; i + 1 < limit; ++i) s += "}";
      return s;
    }();
    const std::string body = R"({"client":"c","user":"alice","data":)" + nested(limit - 1) + "}";
    Status ps;
    auto req = instant::parse_proxy_request(body, 1 << 20, ps);
    ok = ps.ok() && req.data == nested(limit - 1) &&
         instant::Json::parse(deep_obj).text() == deep_obj &&
         instant::proxy_connect(body, reg, alice, po).find("\"user\":\"alice\"") != std::string::npos;
  });
  CHECK(ok);
}

TEST_CASE("F6/F10: one verdict: what the Signer embeds its Verifier reads back", "[hardening][F6][F10]") {
  instant::Signer signer = instant::Signer::hmac(kKey);
  instant::ConnectionClaims cc;
  cc.sub = "u";
  cc.extra = R"({"role":"admin","n":1e400})";
  Status st;
  std::string tok;
  CHECK_FALSE((tok = signer.connection_token(cc, st), st.ok()));  // never a token without the claims
  CHECK(st.kind() == errc::invalid_json);
  cc.extra.clear();
  for (const char* file : {"depth_5000.json", "nul_trailing.json", "num_too_big.json"}) {
    INFO(file);
    const std::string text = repro(file);
    cc.info = text;
    CHECK_FALSE((tok = signer.connection_token(cc, st), st.ok()));
    CHECK(st.kind() == errc::invalid_json);
    CHECK_FALSE(instant::detail::json_valid(text));
    CHECK(instant::Json::parse(text, st).text() == "null");
    CHECK(st.kind() == errc::invalid_json);
    Status es;
    (void)instant::make_envelope("news", instant::Event{.data = text}, "Site", instant::EnvelopeEncoding::object, es);
    CHECK(es.kind() == errc::invalid_json);
  }
  // A UTF-8 BOM before the JOSE header (validly signed): refused, as
  // Centrifugo's Go verifier refuses it.
  instant::VerifiedToken out;
  const std::string claims = R"({"sub":"u","exp":1800000000})";
  CHECK((out = verifier().verify(hs256(R"({"alg":"HS256"})", claims), instant::TokenKind::any, st), st.ok()));
  CHECK_FALSE((out = verifier().verify(hs256("\xEF\xBB\xBF{\"alg\":\"HS256\"}", claims), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_malformed);
}

TEST_CASE("the deepest values a Signer takes, nested in claims, its Verifier reads back",
          "[hardening][F4][F10]") {
  // Claims carry caller values up to 3 levels down (subs.<channel>.info): a
  // value at limits::json_depth is taken, and the claims around it are read
  // with limits::json_wrapper_depth more (found by fuzz_capi_json).
  const std::size_t limit = instant::limits::json_depth;
  instant::Signer signer = instant::Signer::hmac(kKey);
  instant::Verifier v;
  v.add_hmac(kKey);
  instant::ConnectionClaims cc;
  cc.sub = "u";
  cc.info = nested(limit);
  cc.meta = "{\"m\":" + nested(limit - 1) + "}";
  instant::SubscribeOptions so;
  so.info = nested(limit);
  so.data = nested(limit - 1, "{\"k\":true}");
  cc.subs.emplace_back("news", so);
  Status st;
  std::string tok = signer.connection_token(cc, st);
  REQUIRE(st.ok());
  instant::VerifiedToken out = v.verify(tok, instant::TokenKind::connection, st);
  CHECK(st.ok());
  CHECK(out.claims.find(so.data) != std::string::npos);
  instant::SubscriptionClaims sc;
  sc.sub = "u";
  sc.channel = "news";
  sc.info = nested(limit);
  sc.data = nested(limit);
  tok = signer.subscription_token(sc, st);
  REQUIRE(st.ok());
  out = v.verify(tok, instant::TokenKind::subscription, st);
  CHECK(st.ok());
  CHECK(out.channel == "news");
  // One level more in a value is refused when it is set, not when verified.
  cc.info = nested(limit + 1);
  CHECK_FALSE((tok = signer.connection_token(cc, st), st.ok()));
  CHECK(st.kind() == errc::invalid_json);
  // Claims from elsewhere: 272 levels verify, 273 do not; a header keeps 256.
  const std::size_t wrapped = limit + instant::limits::json_wrapper_depth;
  auto claims = [](std::size_t depth) {
    return R"({"sub":"u","exp":1800000000,"info":)" + nested(depth - 1) + "}";
  };
  CHECK((out = verifier().verify(hs256(R"({"alg":"HS256"})", claims(wrapped)), instant::TokenKind::any, st), st.ok()));
  CHECK_FALSE((out = verifier().verify(hs256(R"({"alg":"HS256"})", claims(wrapped + 1)), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_malformed);
  const std::string deep_header = R"({"alg":"HS256","x":)" + nested(limit) + "}";
  CHECK_FALSE((out = verifier().verify(hs256(deep_header, claims(2)), instant::TokenKind::any, st), st.ok()));
  CHECK(st.kind() == errc::token_malformed);
  // Envelopes around the deepest data are still one JSON document.
  Status es;
  const std::string env = instant::make_envelope("news", instant::Event{.data = nested(limit)}, "Site",
                                                 instant::EnvelopeEncoding::object, es);
  CHECK(es.ok());
  CHECK(instant::detail::validate_json(env, "envelope", instant::detail::JsonDepth::wrapper).ok());
  CHECK_FALSE(instant::detail::json_valid(env));
}

TEST_CASE("a lone surrogate escape never reaches a token", "[hardening][F10]") {
  // RapidJSON decodes "\udddd" into bytes that are not UTF-8; an 'extra'
  // name holding it was written into the claims as those bytes, and the
  // Verifier refused the token (found by fuzz_capi_json).
  instant::Signer signer = instant::Signer::hmac(kKey);
  instant::ConnectionClaims cc;
  cc.sub = "u";
  Status st;
  std::string tok;
  for (const char* extra : {R"({"so\udddd":1})", R"({"k":"\udc00"})"}) {
    INFO(extra);
    cc.extra = extra;
    CHECK_FALSE((tok = signer.connection_token(cc, st), st.ok()));
    CHECK(st.kind() == errc::invalid_json);
  }
  cc.extra.clear();
  cc.info = R"("\udfff")";
  CHECK_FALSE((tok = signer.connection_token(cc, st), st.ok()));
  CHECK(st.kind() == errc::invalid_json);
  cc.info = R"({"\ud83d\ude00":"\ud7ff"})";  // a pair is a character
  tok = signer.connection_token(cc, st);
  REQUIRE(st.ok());
  instant::Verifier v;
  v.add_hmac(kKey);
  (void)v.verify(tok, instant::TokenKind::connection, st);
  CHECK(st.ok());
  // Signed elsewhere: the claims are malformed.
  CHECK_FALSE((void(verifier().verify(hs256(R"({"alg":"HS256"})", R"({"sub":"\udc00","exp":1800000000})"),
                                      instant::TokenKind::any, st)),
               st.ok()));
  CHECK(st.kind() == errc::token_malformed);
}

TEST_CASE("F7: exp near INT64_MAX plus leeway does not overflow", "[hardening][F7]") {
  instant::VerifiedToken out;
  Status st;
  // exp = INT64_MAX: a valid token that does not expire, with or without leeway.
  CHECK((out = verifier(60).verify(trimmed(repro("exp_int64max.token")), instant::TokenKind::any, st), st.ok()));
  CHECK(out.exp == std::numeric_limits<std::int64_t>::max());
  CHECK((out = verifier(0).verify(trimmed(repro("exp_int64max.token")), instant::TokenKind::any, st), st.ok()));
  // Absurd leeway: refused as a setting.
  out = verifier(instant::limits::max_leeway_seconds + 1)
            .verify(trimmed(repro("exp_int64max.token")), instant::TokenKind::any, st);
  CHECK_FALSE(st.ok());
  CHECK(st.kind() == errc::invalid_argument);
  CHECK(st.message().find("leeway") != std::string::npos);
}

TEST_CASE("F8: absurd proxy lifetimes are refused, never 'no expiry'", "[hardening][F8]") {
  instant::Registry reg;
  reg.load_json(R"({"channels":[{"name":"news","level":"public"}]})");
  instant::ProxyOptions po;
  po.subscription_lifetime = std::numeric_limits<std::int64_t>::max();
  const std::string body = trimmed(repro("sub_refresh.json"));
  std::string reply = instant::proxy_sub_refresh(body, reg, alice, po);
  CHECK(reply.find("\"code\":500") != std::string::npos);
  CHECK(reply.find("subscription_lifetime") != std::string::npos);
  // Within range, but `now` at the edge of int64: the sum is checked.
  po.subscription_lifetime = 3600;
  po.now = std::numeric_limits<std::int64_t>::max() - 10;
  reply = instant::proxy_sub_refresh(body, reg, alice, po);
  CHECK(reply.find("overflows") != std::string::npos);
  po.now = 1700000000;
  CHECK(instant::proxy_sub_refresh(body, reg, alice, po) == R"({"result":{"expire_at":1700003600}})");
  // Tokens: a lifetime beyond the limit is refused, as is a signer default.
  instant::SignerOptions so;
  so.lifetime = std::numeric_limits<std::int64_t>::max();
  Status st;
  CHECK_FALSE(instant::Signer::hmac(kKey, instant::Algorithm::HS256, so, st).valid());
  CHECK(st.kind() == errc::invalid_argument);
  instant::Signer signer = instant::Signer::hmac(kKey);
  instant::ConnectionClaims cc;
  cc.ttl = std::numeric_limits<std::int64_t>::max() - 5;
  std::string tok;
  CHECK_FALSE((tok = signer.connection_token(cc, st), st.ok()));
  CHECK(st.kind() == errc::invalid_argument);
}

TEST_CASE("F9: absurd timeouts are refused at configuration", "[hardening][F9]") {
  instant::Config c;
  c.api_key = "k";
  c.timeout = std::chrono::milliseconds(std::numeric_limits<std::int64_t>::max());
  Status st;
  c.validate(st);
  CHECK(st.kind() == errc::config);
  CHECK(st.message().find("timeout") != std::string::npos);
  c.timeout = std::chrono::milliseconds(5000);
  c.connect_timeout = std::chrono::milliseconds(instant::limits::max_timeout_ms + 1);
  c.validate(st);
  CHECK(st.kind() == errc::config);
  instant::Client client(c, st);
  CHECK(st.kind() == errc::config);
  Status es;
  auto env = instant::Config::from_lookup(
      [](const char* n) -> const char* {
        return std::string(n) == "INSTANT_TIMEOUT_MS" ? "9223372036854775807" : nullptr;
      },
      es);
  CHECK(es.kind() == errc::config);
}
