// instant/error.hpp - the error kinds every instant call reports, the
// instant::Error exception and the instant::Status value used by the
// non-throwing overloads. Thread-safe: all types here are plain values.
#ifndef INSTANT_ERROR_HPP
#define INSTANT_ERROR_HPP

#include <instant/export.h>

#include <stdexcept>
#include <string>
#include <system_error>

namespace instant {

// Failure kinds. The numbers are stable (the C ABI reports them negated) and
// never change meaning; new kinds are appended.
enum class errc : int {
  ok = 0,
  invalid_argument = 1,   // bad input caught before any I/O
  transport = 2,          // connection refused, DNS, TLS, reset
  timeout = 3,            // connect or total timeout elapsed
  unauthorized = 4,       // HTTP 401: wrong or missing API key on the server side
  http_status = 5,        // any other non-200 HTTP status
  server_error = 6,       // Centrifugo replied {"error":{code,message}}
  malformed_reply = 7,    // the reply was not the JSON Centrifugo sends
  partial_failure = 8,    // some items of a broadcast/batch failed
  invalid_json = 9,       // JSON given by the caller does not parse
  invalid_utf8 = 10,      // a string is not valid UTF-8
  too_large = 11,         // payload, token or file above its size limit
  invalid_channel = 12,   // channel name breaks Centrifugo's rules
  config = 13,            // missing API key / HMAC key, unusable URL
  token_malformed = 20,   // not three base64url segments of JSON objects
  token_signature = 21,   // signature does not verify
  token_expired = 22,     // exp in the past
  token_not_yet_valid = 23,  // nbf (or iat) in the future
  token_algorithm = 24,   // alg none, or not the key's algorithm
  token_audience = 25,    // aud does not match
  token_issuer = 26,      // iss does not match
  token_kid = 27,         // kid names no known key
  token_claim = 28,       // a required claim is missing or a claim is invalid
  weak_key = 29,          // HMAC key shorter than allowed
  key = 30,               // a key that cannot be read or used
  io = 40,                // file read/write failed
  not_found = 41,         // no such channel / entry
  already_exists = 42,    // entry exists already
  forbidden = 43,         // authorization denied
  internal = 50,          // a bug or out of memory
  queue_full = 60,        // Publisher: the queue is at its message or byte bound
  purged = 61,            // Publisher: dropped from the queue by purge() before it was sent
  closed = 62,            // Publisher: closed (or closing); nothing more is accepted
};

// The std::error_category of instant::errc ("instant").
INSTANT_API const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

// A short static description of a kind ("timeout", ...). Never null.
INSTANT_API const char* to_string(errc e) noexcept;

// The outcome of a non-throwing call: the kind plus, where they exist, the
// HTTP status and Centrifugo's error code. The message never holds secrets.
class Status {
 public:
  Status() = default;
  Status(errc kind, std::string message, int http_status = 0, int server_code = 0)
      : kind_(kind), message_(std::move(message)), http_status_(http_status),
        server_code_(server_code) {}

  bool ok() const noexcept { return kind_ == errc::ok; }
  explicit operator bool() const noexcept { return ok(); }
  errc kind() const noexcept { return kind_; }
  std::error_code code() const noexcept { return make_error_code(kind_); }
  const std::string& message() const noexcept { return message_; }
  int http_status() const noexcept { return http_status_; }
  int server_code() const noexcept { return server_code_; }
  void clear() noexcept { *this = Status(); }

 private:
  errc kind_ = errc::ok;
  std::string message_;
  int http_status_ = 0;
  int server_code_ = 0;
};

// The exception thrown by the throwing overloads.
class INSTANT_API Error : public std::runtime_error {
 public:
  explicit Error(const Status& st);
  Error(errc kind, const std::string& message, int http_status = 0, int server_code = 0);
  ~Error() override;
  errc kind() const noexcept { return kind_; }
  std::error_code code() const noexcept { return make_error_code(kind_); }
  int http_status() const noexcept { return http_status_; }
  int server_code() const noexcept { return server_code_; }
  Status status() const { return Status(kind_, what(), http_status_, server_code_); }

 private:
  errc kind_;
  int http_status_;
  int server_code_;
};

// Throws Error(st) unless st.ok().
inline void throw_if_error(const Status& st) {
  if (!st.ok()) throw Error(st);
}

}  // namespace instant

namespace std {
template <>
struct is_error_code_enum<instant::errc> : true_type {};
}  // namespace std

#endif  // INSTANT_ERROR_HPP
