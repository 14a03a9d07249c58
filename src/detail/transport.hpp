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

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_TRANSPORT_HPP
