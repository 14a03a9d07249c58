// The one libcurl layer under both faces of the transport: the synchronous
// pool behind Client (transport_curl.cpp) and the multi-interface engine
// behind Publisher (transport_multi.cpp). Handle setup, global init and error
// mapping live here once. Never included by public headers.
#ifndef INSTANT_DETAIL_CURL_HPP
#define INSTANT_DETAIL_CURL_HPP

#include "detail/transport.hpp"

#include <curl/curl.h>

#include <memory>

namespace instant {
namespace detail {

struct EasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init, once per process (std::call_once), on first use.
Status curl_global() noexcept;

// Options every handle gets: no signals, connect timeout, keep-alive and
// no-delay, http/https only, HTTP/1.1, TLS verification and CA file, the
// explicit proxy (the http_proxy variables are never read).
void set_common_options(CURL* e, const TransportOptions& o);

// A handle for curl's own HTTP: the common options, then POST with
// `headers`, instant's User-Agent, `write` for the body and o.timeout.
void set_post_options(CURL* e, const TransportOptions& o, curl_slist* headers, curl_write_callback write);

// The request headers (o.headers, "Expect:" off) as a curl list; null when
// out of memory.
SlistPtr header_list(const TransportOptions& o);

// A failed transfer as a Status: timeout for CURLE_OPERATION_TIMEDOUT,
// transport otherwise. curl's messages name host and port, never headers.
Status curl_error_status(CURLcode rc, const char* errbuf, const char* what);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_CURL_HPP
