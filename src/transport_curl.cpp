// libcurl transport. curl_global_init runs once (std::call_once) the first
// time a transport is made; nothing global is touched before that.
#include "detail/transport.hpp"

#include <curl/curl.h>

#include <mutex>
#include <vector>

namespace instant {
namespace detail {
namespace {

struct EasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

Status global_init() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK) return Status(errc::internal, "libcurl global initialisation failed");
  return {};
}

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

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TransportOptions opts) : opts_(std::move(opts)) {
    curl_slist* list = nullptr;
    for (const auto& h : opts_.headers) {
      curl_slist* next = curl_slist_append(list, h.c_str());
      if (!next) break;
      list = next;
    }
    // Let curl not send "Expect: 100-continue" on larger bodies (one round trip less).
    if (curl_slist* next = curl_slist_append(list, "Expect:")) list = next;
    headers_.reset(list);
  }

  Status post(const std::string& url, std::string_view body, HttpResponse& out) noexcept override {
    try {
      out.status = 0;
      out.body.clear();
      EasyPtr h = acquire();
      if (!h) return Status(errc::internal, "could not create an HTTP handle");
      Sink sink{&out.body, opts_.max_response};
      curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
      curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &sink);
      char errbuf[CURL_ERROR_SIZE] = {0};
      curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
      CURLcode rc = curl_easy_perform(h.get());
      curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, nullptr);
      long new_conns = 0;
      curl_easy_getinfo(h.get(), CURLINFO_NUM_CONNECTS, &new_conns);
      connections_ += static_cast<std::uint64_t>(new_conns);
      if (rc == CURLE_OK) {
        curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &out.status);
        ++requests_;
        release(std::move(h));
        return {};
      }
      release(std::move(h));
      // curl's messages name host and port, never headers or bodies.
      std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      if (sink.overflow) {
        return Status(errc::too_large, "the reply exceeds " + std::to_string(opts_.max_response) + " bytes");
      }
      if (rc == CURLE_OPERATION_TIMEDOUT) return Status(errc::timeout, "request timed out: " + detail);
      return Status(errc::transport, "HTTP request failed: " + detail);
    } catch (const std::bad_alloc&) {
      return Status(errc::internal, "out of memory");
    } catch (...) {
      return Status(errc::internal, "unexpected error in the HTTP transport");
    }
  }

  std::uint64_t requests() const noexcept override { return requests_.load(); }
  std::uint64_t connections_opened() const noexcept override { return connections_.load(); }

 private:
  EasyPtr acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!pool_.empty()) {
        EasyPtr h = std::move(pool_.back());
        pool_.pop_back();
        return h;
      }
    }
    if (!global_init().ok()) return nullptr;
    EasyPtr h(curl_easy_init());
    if (!h) return nullptr;
    CURL* e = h.get();
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // thread-safe timeouts
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout.count()));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    // An explicit proxy (or none): never read http_proxy/no_proxy from the
    // environment, which would also cost getenv() calls on every request.
    curl_easy_setopt(e, CURLOPT_PROXY, opts_.proxy.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, opts_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, opts_.verify_tls ? 2L : 0L);
    if (!opts_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, opts_.ca_file.c_str());
    return h;
  }

  void release(EasyPtr h) {
    std::lock_guard<std::mutex> lock(mu_);
    pool_.push_back(std::move(h));
  }

  TransportOptions opts_;
  std::unique_ptr<curl_slist, SlistDeleter> headers_;
  std::mutex mu_;
  std::vector<EasyPtr> pool_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_{0};
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(TransportOptions opts) {
  return std::make_unique<CurlTransport>(std::move(opts));
}

}  // namespace detail
}  // namespace instant
