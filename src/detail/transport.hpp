// The HTTP transport behind Client: one interface so it can be pooled, made
// asynchronous or replaced. Implementations are safe to call from many threads.
#ifndef INSTANT_DETAIL_TRANSPORT_HPP
#define INSTANT_DETAIL_TRANSPORT_HPP

#include <instant/config.hpp>
#include <instant/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace instant {
namespace detail {

struct HttpResponse {
  long status = 0;
  std::string body;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{5000};
  bool verify_tls = true;
  std::string ca_file;
  std::string proxy;  // empty: direct connection
  // Header lines sent with every request (may hold secrets: never logged).
  std::vector<std::string> headers;
  std::size_t max_response = 64u << 20;
};

// The transport options of a client configuration: timeouts, TLS, proxy,
// reply cap, and the JSON and API-key headers of its API mode.
TransportOptions transport_options(const Config& cfg);

// A random base for generated idempotency keys ("instant-<18 hex>-"); the
// caller appends a sequence number. internal when the CSPRNG fails.
std::string idempotency_key_base(Status& st);

class Transport {
 public:
  virtual ~Transport() = default;
  // POSTs body to url. Status is ok when an HTTP response arrived (any
  // status code); transport / timeout / too_large otherwise. Never throws.
  // A request is sent once. Only when `resend_ok` (the caller knows a second
  // copy is harmless: a read, or publications carrying idempotency keys) is
  // it sent once more, on a fresh connection, after a kept-alive connection
  // failed before any byte of a reply arrived.
  virtual Status post(const std::string& url, std::string_view body, HttpResponse& out,
                      bool resend_ok) noexcept = 0;
  virtual std::uint64_t requests() const noexcept = 0;
  virtual std::uint64_t connections_opened() const noexcept = 0;
};

// libcurl transport: a pool of keep-alive easy handles (one per concurrent caller).
std::unique_ptr<Transport> make_curl_transport(TransportOptions opts);

// The asynchronous face: POSTs on a fixed number of connection slots, all on
// one curl multi handle driven by one thread (the caller of run_once). Each
// slot is one kept-alive connection with at most one request at a time.
// Only wakeup() and connections_opened() may be called from other threads.
class MultiTransport {
 public:
  struct Completion {
    int slot = -1;
    Status status;        // ok when an HTTP response arrived (any status code)
    long http_status = 0;
    std::string body;
    // The request may have reached the server (bytes were sent): false only
    // when the connection could not be made.
    bool maybe_sent = false;
  };

  virtual ~MultiTransport() = default;
  // Starts a POST of body to url on an idle slot; false when the slot is busy.
  virtual bool start(int slot, const std::string& url, std::string body) = 0;
  // Aborts the slot's request (its connection is closed); no completion follows.
  virtual void cancel(int slot) = 0;
  virtual bool busy(int slot) const = 0;
  // Waits up to timeout_ms for I/O or a wakeup, does the I/O, and appends
  // finished requests to `done`.
  virtual void run_once(int timeout_ms, std::vector<Completion>& done) = 0;
  // Ends the current (or next) run_once wait early. Thread-safe.
  virtual void wakeup() noexcept = 0;
  virtual std::uint64_t connections_opened() const noexcept = 0;
};

// `slots` connection slots with the options of `opts` (timeout per request).
std::unique_ptr<MultiTransport> make_multi_transport(TransportOptions opts, int slots, Status& st);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_TRANSPORT_HPP
