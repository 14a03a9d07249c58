// libcurl transport. curl_global_init runs once (std::call_once) the first
// time a connection is made; nothing global is touched before that.
//
// Two paths, one pool of connections (one per concurrent caller):
//  - direct (the default): libcurl establishes and owns each connection
//    (DNS, TCP, TLS with verification, timeouts) with CURLOPT_CONNECT_ONLY;
//    requests are framed here as HTTP/1.1 and exchanged with
//    curl_easy_send/curl_easy_recv over the kept-alive connection. This
//    costs a send, a receive and a poll per call instead of libcurl's whole
//    per-transfer state machine (see bench/publish).
//  - easy: curl_easy_perform per request, used when a proxy is configured.
#include "detail/curl.hpp"
#include "detail/http1.hpp"
#include "detail/transport.hpp"

#include <instant/config_gen.hpp>
#include <instant/limits.hpp>
#include <instant/version.h>

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <vector>

namespace instant {
namespace detail {

Status curl_global() noexcept {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  try {
    std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  } catch (...) {
    return Status(errc::internal, "libcurl global initialisation failed");
  }
  if (rc != CURLE_OK) return Status(errc::internal, "libcurl global initialisation failed");
  return {};
}

void set_common_options(CURL* e, const TransportOptions& o) {
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // thread-safe timeouts
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(e, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
  if (!o.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_file.c_str());
  // An explicit proxy (or none): never read http_proxy/no_proxy from the environment.
  curl_easy_setopt(e, CURLOPT_PROXY, o.proxy.c_str());
}

void set_post_options(CURL* e, const TransportOptions& o, curl_slist* headers, curl_write_callback write) {
  set_common_options(e, o);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "instant/" INSTANT_VERSION_STRING);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
}

SlistPtr header_list(const TransportOptions& o) {
  curl_slist* list = nullptr;
  for (const auto& h : o.headers) {
    curl_slist* next = curl_slist_append(list, h.c_str());
    if (!next) {
      curl_slist_free_all(list);
      return nullptr;
    }
    list = next;
  }
  // No "Expect: 100-continue" round trip on larger bodies.
  curl_slist* next = curl_slist_append(list, "Expect:");
  if (!next) {
    curl_slist_free_all(list);
    return nullptr;
  }
  return SlistPtr(next);
}

TransportOptions transport_options(const Config& cfg) {
  TransportOptions o;
  o.connect_timeout = cfg.connect_timeout;
  o.timeout = cfg.timeout;
  o.verify_tls = cfg.verify_tls;
  o.ca_file = cfg.ca_file;
  o.proxy = cfg.proxy;
  o.max_response = cfg.max_reply;
  o.headers.push_back("Content-Type: application/json");
  if (!cfg.api_key.empty()) {
    o.headers.push_back(cfg.api_mode == ApiMode::v5 ? "X-API-Key: " + cfg.api_key
                                                    : "Authorization: apikey " + cfg.api_key);
  }
  return o;
}

std::string idempotency_key_base(Status& st) {
  std::string hex = random_secret(9, st);
  return st.ok() ? "instant-" + hex + "-" : std::string();
}

Status curl_error_status(CURLcode rc, const char* errbuf, const char* what) {
  std::string detail = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(rc);
  if (rc == CURLE_OPERATION_TIMEDOUT) return Status(errc::timeout, std::string(what) + " timed out: " + detail);
  return Status(errc::transport, std::string(what) + " failed: " + detail);
}

namespace {

using Clock = std::chrono::steady_clock;

struct Sink {
  std::string* body;
  std::size_t limit;
  bool overflow = false;
};

size_t write_cb(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* sink = static_cast<Sink*>(userdata);
  size_t n = size * nmemb;
  if (sink->body->size() + n > sink->limit) {
    sink->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(ptr, n);
  return n;
}

long ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<long>(left);
}

// One pooled connection.
struct Conn {
  EasyPtr h;
  curl_socket_t fd = CURL_SOCKET_BAD;
  std::string origin;  // scheme://authority it is connected to; empty: none
  void close() {
    h.reset();
    fd = CURL_SOCKET_BAD;
    origin.clear();
  }
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TransportOptions opts) : opts_(std::move(opts)), headers_(header_list(opts_)) {
    for (const auto& h : opts_.headers) {
      header_block_ += h;
      header_block_ += "\r\n";
    }
    header_block_ += "User-Agent: instant/" INSTANT_VERSION_STRING "\r\n";
  }

  Status post(const std::string& url, std::string_view body, HttpResponse& out,
              bool resend_ok) noexcept override {
    try {
      out.status = 0;
      out.body.clear();
      if (!headers_) return Status(errc::internal, "out of memory");
      Status st = curl_global();
      if (!st.ok()) return st;
      return opts_.proxy.empty() ? post_direct(url, body, out, resend_ok) : post_easy(url, body, out);
    } catch (const std::bad_alloc&) {
      return Status(errc::internal, "out of memory");
    } catch (...) {
      return Status(errc::internal, "unexpected error in the HTTP transport");
    }
  }

  std::uint64_t requests() const noexcept override { return requests_.load(); }
  std::uint64_t connections_opened() const noexcept override { return connections_.load(); }

 private:
  // ---- pool ----------------------------------------------------------------
  Conn acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (pool_.empty()) return Conn{};
    Conn c = std::move(pool_.back());
    pool_.pop_back();
    return c;
  }

  void release(Conn c) {
    if (!c.h) return;
    std::lock_guard<std::mutex> lock(mu_);
    pool_.push_back(std::move(c));
  }

  // ---- direct path -----------------------------------------------------------
  Status connect(Conn& c, const std::string& origin, Clock::time_point deadline) {
    c.close();
    c.h.reset(curl_easy_init());
    if (!c.h) return Status(errc::internal, "could not create an HTTP handle");
    CURL* e = c.h.get();
    set_common_options(e, opts_);
    const std::string target = origin + "/";
    curl_easy_setopt(e, CURLOPT_URL, target.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
#if LIBCURL_VERSION_NUM >= 0x072400
    curl_easy_setopt(e, CURLOPT_SSL_ENABLE_ALPN, 0L);  // we speak HTTP/1.1 on this connection
#endif
    long left = std::max(1L, ms_left(deadline));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     std::min(left, static_cast<long>(opts_.connect_timeout.count())));
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(e);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) {
      c.close();
      return curl_error_status(rc, errbuf, "connecting");
    }
    ++connections_;
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD) {
      c.close();
      return Status(errc::transport, "connecting failed: no socket");
    }
    c.fd = fd;
    c.origin = origin;
    return {};
  }

  // A pooled connection is reusable while the server has neither closed it
  // nor sent anything unasked: its socket must not be readable.
  static bool idle_and_open(const Conn& c) {
    pollfd p{};
    p.fd = c.fd;
    p.events = POLLIN;
    return ::poll(&p, 1, 0) == 0;
  }

  // Waits until the socket is readable (or writable); false on timeout.
  static bool wait(curl_socket_t fd, bool for_write, Clock::time_point deadline) {
    pollfd p{};
    p.fd = fd;
    p.events = for_write ? POLLOUT : POLLIN;
    for (;;) {
      int r = ::poll(&p, 1, static_cast<int>(ms_left(deadline)));
      if (r > 0) return true;
      if (r == 0) return false;
      if (errno != EINTR) return true;  // let the next send/recv report the error
    }
  }

  enum class Io { ok, timeout, failed, closed_early };

  Io send_all(Conn& c, std::string_view data, Clock::time_point deadline, std::string& why) {
    while (!data.empty()) {
      size_t sent = 0;
      CURLcode rc = curl_easy_send(c.h.get(), data.data(), data.size(), &sent);
      if (rc == CURLE_OK) {
        data.remove_prefix(sent);
      } else if (rc == CURLE_AGAIN) {
        if (!wait(c.fd, true, deadline)) return Io::timeout;
      } else {
        why = curl_easy_strerror(rc);
        return Io::failed;
      }
    }
    return Io::ok;
  }

  Io receive(Conn& c, ResponseParser& parser, Clock::time_point deadline, std::string& why) {
    char buf[16384];
    for (;;) {
      size_t got = 0;
      CURLcode rc = curl_easy_recv(c.h.get(), buf, sizeof buf, &got);
      if (rc == CURLE_OK && got == 0) {
        if (!parser.started()) return Io::closed_early;
        if (parser.finish_eof() == ResponseParser::State::done) return Io::ok;
        why = parser.error();
        return Io::failed;
      }
      if (rc == CURLE_OK) {
        auto s = parser.feed(buf, got);
        if (s == ResponseParser::State::done) return Io::ok;
        if (s == ResponseParser::State::error) {
          why = parser.error();
          return Io::failed;
        }
      } else if (rc == CURLE_AGAIN) {
        if (!wait(c.fd, false, deadline)) return Io::timeout;
      } else {
        if (!parser.started()) return Io::closed_early;
        why = curl_easy_strerror(rc);
        return Io::failed;
      }
    }
  }

  Status post_direct(const std::string& url, std::string_view body, HttpResponse& out,
                     bool resend_ok) {
    const auto deadline = Clock::now() + opts_.timeout;
    std::string authority, path;
    if (!split_url(url, authority, path)) return Status(errc::config, "the Centrifugo URL has no host");
    const std::string origin = url.substr(0, url.find_first_of("/?#", url.find("://") + 3));

    std::string request;
    request.reserve(128 + header_block_.size() + path.size() + body.size());
    request += "POST ";
    request += path;
    request += " HTTP/1.1\r\nHost: ";
    request += authority;
    request += "\r\n";
    request += header_block_;
    request += "Content-Length: ";
    request += std::to_string(body.size());
    request += "\r\n\r\n";
    request.append(body.data(), body.size());

    Conn c = acquire();
    if (c.h && !idle_and_open(c)) c.close();  // closed while idle: nothing was sent on it
    for (int attempt = 0;; ++attempt) {
      const bool reused = c.h && c.origin == origin;
      if (!reused) {
        Status st = connect(c, origin, deadline);
        if (!st.ok()) return st;
      }
      std::string why;
      Io io = send_all(c, request, deadline, why);
      ResponseParser parser(opts_.max_response);
      if (io == Io::ok) io = receive(c, parser, deadline, why);
      if (io == Io::ok) {
        out.status = parser.status();
        out.body = std::move(parser.body());
        ++requests_;
        if (parser.keep_alive()) release(std::move(c));
        return {};
      }
      c.close();
      // A kept-alive connection that failed before any reply byte: the server
      // may have closed it as the request left, or read the request and then
      // closed. Only a request that is harmless twice is sent again.
      const bool lost_before_reply =
          (io == Io::closed_early || io == Io::failed) && reused && !parser.started();
      if (lost_before_reply && resend_ok && attempt == 0) continue;
      if (lost_before_reply && !resend_ok) {
        return Status(errc::transport,
                      "the server closed the kept-alive connection after the request was sent; "
                      "not resent, as it may have been processed");
      }
      if (io == Io::timeout) return Status(errc::timeout, "request timed out after " +
                                                              std::to_string(opts_.timeout.count()) + " ms");
      if (parser.too_large()) {
        return Status(errc::too_large, "the reply is too large: " + parser.error() + " (at most " +
                                           std::to_string(limits::http_head_bytes) + " bytes of headers and " +
                                           std::to_string(opts_.max_response) + " of body)");
      }
      if (io == Io::closed_early) return Status(errc::transport, "the server closed the connection without a reply");
      return Status(errc::transport, "HTTP exchange failed: " + why);
    }
  }

  // ---- easy path (proxy) -------------------------------------------------------
  Status post_easy(const std::string& url, std::string_view body, HttpResponse& out) {
    Conn c = acquire();
    if (!c.h || !c.origin.empty()) {  // a direct-path connection is not reusable here
      c.close();
      c.h.reset(curl_easy_init());
      if (!c.h) return Status(errc::internal, "could not create an HTTP handle");
      set_post_options(c.h.get(), opts_, headers_.get(), write_cb);
    }
    CURL* e = c.h.get();
    Sink sink{&out.body, opts_.max_response};
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(e);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, nullptr);
    long new_conns = 0;
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &new_conns);
    connections_ += static_cast<std::uint64_t>(new_conns);
    if (rc == CURLE_OK) {
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out.status);
      ++requests_;
      release(std::move(c));
      return {};
    }
    release(std::move(c));
    if (sink.overflow) {
      return Status(errc::too_large, "the reply exceeds " + std::to_string(opts_.max_response) + " bytes");
    }
    return curl_error_status(rc, errbuf, "HTTP request");
  }

  TransportOptions opts_;
  std::string header_block_;
  SlistPtr headers_;
  std::mutex mu_;
  std::vector<Conn> pool_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_{0};
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(TransportOptions opts) {
  return std::make_unique<CurlTransport>(std::move(opts));
}

}  // namespace detail
}  // namespace instant
