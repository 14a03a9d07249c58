// extern "C" definitions of the general functions (errors, version, memory)
// and the internal helpers every other capi/*.cpp file uses.
#include "capi.hpp"

namespace instant {
namespace capi {

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

}  // namespace capi
}  // namespace instant

using namespace instant::capi;

extern "C" {

const char* instant_strerror(instant_error_t code) {
  if (code > 0) return "unknown error";
  return instant::describe(static_cast<instant::errc>(-code));
}

int instant_version(void) { return INSTANT_VERSION_NUMBER; }

const char* instant_version_string(void) { return INSTANT_VERSION_STRING; }

void instant_free(void* p) { std::free(p); }

instant_error_t instant_last_error_code(void) { return last_error().code; }

const char* instant_last_error_message(void) { return last_error().message.c_str(); }

int instant_last_error_http_status(void) { return last_error().http_status; }

int instant_last_error_server_code(void) { return last_error().server_code; }

}  // extern "C"
