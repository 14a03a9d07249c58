// Internal helpers of the C ABI: the thread-local last-error record, the
// exception barrier every extern "C" body runs behind, argument checks and
// the definitions of the opaque handle types. Never installed.
#ifndef INSTANT_CAPI_HPP
#define INSTANT_CAPI_HPP

#include <instant/client.hpp>
#include <instant/config.hpp>
#include <instant/error.hpp>
#include <instant/instant.h>
#include <instant/message.hpp>
#include <instant/token.hpp>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace instant {
namespace capi {

struct LastError {
  instant_error_t code = INSTANT_OK;
  std::string message;
  int http_status = 0;
  int server_code = 0;
};

LastError& last_error() noexcept;

// Records an outcome and returns its C code.
instant_error_t record(const Status& st) noexcept;
instant_error_t record(instant_error_t code, const char* message) noexcept;
inline instant_error_t record_ok() noexcept { return record(Status()); }

inline instant_error_t to_code(errc e) noexcept { return -static_cast<int>(e); }

// "invalid argument: 'name'" (for a NULL required pointer).
instant_error_t null_arg(const char* name) noexcept;

// Runs f (returning instant_error_t) behind the exception barrier.
template <class F>
instant_error_t guard(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return record(INSTANT_EINTERNAL, "out of memory");
  } catch (const Error& e) {
    return record(e.status());
  } catch (const std::exception& e) {
    return record(INSTANT_EINTERNAL, e.what());
  } catch (...) {
    return record(INSTANT_EINTERNAL, "unknown exception");
  }
}

// Runs an accessor behind the barrier; `fallback` on any exception.
template <class T, class F>
T guard_value(T fallback, F&& f) noexcept {
  try {
    return f();
  } catch (...) {
    record(INSTANT_EINTERNAL, "exception in accessor");
    return fallback;
  }
}

// The _new of a plain option object: *out = a new default-constructed T.
template <class T>
instant_error_t new_handle(T** out) noexcept {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    *out = new T{};
    return record_ok();
  });
}

// A malloc'd NUL-ended copy for the caller (freed with instant_free).
char* dup_string(std::string_view s);

// NULL-tolerant view of an optional C string.
inline std::string_view opt(const char* s) noexcept { return s ? std::string_view(s) : std::string_view(); }

// Copies n C strings; a NULL entry is an invalid argument named `what`.
bool copy_strings(const char* const* items, std::size_t n, const char* what,
                  std::vector<std::string>& out) noexcept;

// Standard base64 with padding.
std::string base64(const void* data, std::size_t len);

}  // namespace capi
}  // namespace instant

struct instant_config {
  instant::Config cfg;
};
struct instant_position {
  instant::StreamPosition pos;
};
struct instant_publish_options {
  instant::PublishOptions opts;
};
struct instant_event {
  instant::Event ev;
};
struct instant_client {
  explicit instant_client(instant::Client c) : client(std::move(c)) {}
  instant::Client client;
};
struct instant_broadcast_result {
  instant::BroadcastResult res;
};
struct instant_batch {
  instant::Batch batch;
};
struct instant_batch_result {
  instant::BatchResult res;
};
struct instant_signer {
  instant::Signer signer;
};
struct instant_subscribe_options {
  instant::SubscribeRequest req;  // user and channel unused: the call names them
};

namespace instant {
namespace capi {

// The request of a C publish_raw (`len` bytes of JSON text) or, with
// `binary`, publish_binary (the bytes sent as b64data); opts may be NULL.
// The caller has checked channel and data for NULL.
PublishRequest publish_request(const char* channel, const void* data, std::size_t len, bool binary,
                               const instant_publish_options* opts);
// The request of a C broadcast; false (the last error recorded) when one of
// the channels is NULL. The caller has checked the arrays for NULL.
bool broadcast_request(const char* const* channels, std::size_t n, const char* data, std::size_t len,
                       const instant_publish_options* opts, BroadcastRequest& out);

}  // namespace capi
}  // namespace instant

#endif  // INSTANT_CAPI_HPP
