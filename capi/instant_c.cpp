// extern "C" definitions of the general functions (errors, version, memory)
// and the internal helpers every other capi/*.cpp file uses.
#include "capi.hpp"

#include <instant/channels.hpp>

namespace instant {
namespace capi {

// The C codes are the negated instant::errc values (checked at compile time),
// and the C constants mirror the C++ enumerations they map to.
static_assert(INSTANT_EINVAL == -static_cast<int>(errc::invalid_argument), "INSTANT_EINVAL");
static_assert(INSTANT_ETRANSPORT == -static_cast<int>(errc::transport), "INSTANT_ETRANSPORT");
static_assert(INSTANT_ETIMEOUT == -static_cast<int>(errc::timeout), "INSTANT_ETIMEOUT");
static_assert(INSTANT_EUNAUTHORIZED == -static_cast<int>(errc::unauthorized), "INSTANT_EUNAUTHORIZED");
static_assert(INSTANT_EHTTP == -static_cast<int>(errc::http_status), "INSTANT_EHTTP");
static_assert(INSTANT_ESERVER == -static_cast<int>(errc::server_error), "INSTANT_ESERVER");
static_assert(INSTANT_EMALFORMED == -static_cast<int>(errc::malformed_reply), "INSTANT_EMALFORMED");
static_assert(INSTANT_EPARTIAL == -static_cast<int>(errc::partial_failure), "INSTANT_EPARTIAL");
static_assert(INSTANT_EJSON == -static_cast<int>(errc::invalid_json), "INSTANT_EJSON");
static_assert(INSTANT_EUTF8 == -static_cast<int>(errc::invalid_utf8), "INSTANT_EUTF8");
static_assert(INSTANT_ETOOLARGE == -static_cast<int>(errc::too_large), "INSTANT_ETOOLARGE");
static_assert(INSTANT_ECHANNEL == -static_cast<int>(errc::invalid_channel), "INSTANT_ECHANNEL");
static_assert(INSTANT_ECONFIG == -static_cast<int>(errc::config), "INSTANT_ECONFIG");
static_assert(INSTANT_ETOKEN_MALFORMED == -static_cast<int>(errc::token_malformed), "INSTANT_ETOKEN_MALFORMED");
static_assert(INSTANT_ETOKEN_SIGNATURE == -static_cast<int>(errc::token_signature), "INSTANT_ETOKEN_SIGNATURE");
static_assert(INSTANT_ETOKEN_EXPIRED == -static_cast<int>(errc::token_expired), "INSTANT_ETOKEN_EXPIRED");
static_assert(INSTANT_ETOKEN_NOT_YET_VALID == -static_cast<int>(errc::token_not_yet_valid), "INSTANT_ETOKEN_NOT_YET_VALID");
static_assert(INSTANT_ETOKEN_ALGORITHM == -static_cast<int>(errc::token_algorithm), "INSTANT_ETOKEN_ALGORITHM");
static_assert(INSTANT_ETOKEN_AUDIENCE == -static_cast<int>(errc::token_audience), "INSTANT_ETOKEN_AUDIENCE");
static_assert(INSTANT_ETOKEN_ISSUER == -static_cast<int>(errc::token_issuer), "INSTANT_ETOKEN_ISSUER");
static_assert(INSTANT_ETOKEN_KID == -static_cast<int>(errc::token_kid), "INSTANT_ETOKEN_KID");
static_assert(INSTANT_ETOKEN_CLAIM == -static_cast<int>(errc::token_claim), "INSTANT_ETOKEN_CLAIM");
static_assert(INSTANT_EWEAKKEY == -static_cast<int>(errc::weak_key), "INSTANT_EWEAKKEY");
static_assert(INSTANT_EKEY == -static_cast<int>(errc::key), "INSTANT_EKEY");
static_assert(INSTANT_EIO == -static_cast<int>(errc::io), "INSTANT_EIO");
static_assert(INSTANT_ENOTFOUND == -static_cast<int>(errc::not_found), "INSTANT_ENOTFOUND");
static_assert(INSTANT_EEXISTS == -static_cast<int>(errc::already_exists), "INSTANT_EEXISTS");
static_assert(INSTANT_EFORBIDDEN == -static_cast<int>(errc::forbidden), "INSTANT_EFORBIDDEN");
static_assert(INSTANT_EINTERNAL == -static_cast<int>(errc::internal), "INSTANT_EINTERNAL");
static_assert(INSTANT_EQUEUEFULL == -static_cast<int>(errc::queue_full), "INSTANT_EQUEUEFULL");
static_assert(INSTANT_EPURGED == -static_cast<int>(errc::purged), "INSTANT_EPURGED");
static_assert(INSTANT_ECLOSED == -static_cast<int>(errc::closed), "INSTANT_ECLOSED");
static_assert(INSTANT_ALG_EDDSA == static_cast<int>(instant::Algorithm::EdDSA), "algorithms");
static_assert(INSTANT_ALG_ES256 == static_cast<int>(instant::Algorithm::ES256), "algorithms");
static_assert(INSTANT_LEVEL_SUPERUSER == static_cast<int>(instant::Level::superuser), "levels");
static_assert(INSTANT_LEVEL_PUBLIC == static_cast<int>(instant::Level::public_), "levels");

LastError& last_error() noexcept {
  static thread_local LastError rec;
  return rec;
}

instant_error_t record(const Status& st) noexcept {
  LastError& rec = last_error();
  rec.code = to_code(st.kind());
  rec.http_status = st.http_status();
  rec.server_code = st.server_code();
  try {
    rec.message = st.message();
  } catch (...) {
    rec.message.clear();  // out of memory: the code still says what happened
  }
  return rec.code;
}

instant_error_t record(instant_error_t code, const char* message) noexcept {
  LastError& rec = last_error();
  rec.code = code;
  rec.http_status = 0;
  rec.server_code = 0;
  try {
    rec.message = message ? message : "";
  } catch (...) {
    rec.message.clear();
  }
  return code;
}

instant_error_t null_arg(const char* name) noexcept {
  try {
    return record(INSTANT_EINVAL, (std::string("invalid argument: '") + name + "'").c_str());
  } catch (...) {
    return record(INSTANT_EINVAL, "invalid argument");
  }
}

char* dup_string(std::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

bool copy_strings(const char* const* items, std::size_t n, const char* what,
                  std::vector<std::string>& out) noexcept {
  try {
    out.clear();
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!items[i]) {
        record(INSTANT_EINVAL, (std::string("invalid argument: '") + what + "[" +
                                std::to_string(i) + "]'").c_str());
        return false;
      }
      out.emplace_back(items[i]);
    }
    return true;
  } catch (...) {
    record(INSTANT_EINTERNAL, "out of memory");
    return false;
  }
}

std::string base64(const void* data, std::size_t len) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= len; i += 3) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (len - i == 1) {
    unsigned v = p[i] << 16;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += "==";
  } else if (len - i == 2) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

PublishRequest publish_request(const char* channel, const void* data, std::size_t len, bool binary,
                               const instant_publish_options* opts) {
  PublishRequest req;
  req.channel = channel;
  if (binary) req.b64data = base64(data, len);
  else req.data.assign(static_cast<const char*>(data), len);
  if (opts) req.options = opts->opts;
  return req;
}

bool broadcast_request(const char* const* channels, std::size_t n, const char* data, std::size_t len,
                       const instant_publish_options* opts, BroadcastRequest& out) {
  if (!copy_strings(channels, n, "channels", out.channels)) return false;
  out.data.assign(data, len);
  if (opts) out.options = opts->opts;
  return true;
}

}  // namespace capi
}  // namespace instant

using namespace instant::capi;

extern "C" {

const char* instant_strerror(instant_error_t code) {
  if (code > 0) return "unknown error";
  return instant::to_string(static_cast<instant::errc>(-code));
}

int instant_version(void) { return INSTANT_VERSION_NUMBER; }

const char* instant_version_string(void) { return INSTANT_VERSION_STRING; }

void instant_free(void* p) { std::free(p); }

instant_error_t instant_last_error_code(void) { return last_error().code; }

const char* instant_last_error_message(void) { return last_error().message.c_str(); }

int instant_last_error_http_status(void) { return last_error().http_status; }

int instant_last_error_server_code(void) { return last_error().server_code; }

}  // extern "C"
