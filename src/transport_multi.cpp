// The asynchronous face of the transport (detail/transport.hpp): one curl
// multi handle, a fixed set of slots each with its own easy handle, so each
// slot keeps one connection alive across requests. libcurl does the HTTP
// here: the Publisher sends batches of hundreds of publications per request,
// so curl's per-transfer cost is spread over all of them (bench/publisher).
#include "detail/curl.hpp"
#include "detail/transport.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

namespace instant {
namespace detail {
namespace {

struct MultiDeleter {
  void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
};

size_t collect(char* ptr, size_t size, size_t nmemb, void* userdata);

struct Slot {
  EasyPtr easy;
  bool active = false;
  std::string url;
  std::string body;      // the request body; must live while the transfer runs
  std::string reply;
  std::size_t limit = 0;
  bool overflow = false;
  char errbuf[CURL_ERROR_SIZE] = {0};
};

size_t collect(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* s = static_cast<Slot*>(userdata);
  const size_t n = size * nmemb;
  if (s->reply.size() + n > s->limit) {
    s->overflow = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  s->reply.append(ptr, n);
  return n;
}

class CurlMulti final : public MultiTransport {
 public:
  CurlMulti(TransportOptions opts, int slots) : opts_(std::move(opts)), slots_(static_cast<std::size_t>(slots)) {}

  Status init() {
    Status st = curl_global();
    if (!st.ok()) return st;
    headers_ = header_list(opts_);
    multi_.reset(curl_multi_init());
    if (!headers_ || !multi_) return Status(errc::internal, "could not create the HTTP engine");
    for (auto& s : slots_) {
      s.easy.reset(curl_easy_init());
      if (!s.easy) return Status(errc::internal, "could not create an HTTP handle");
      CURL* e = s.easy.get();
      set_post_options(e, opts_, headers_.get(), collect);
      curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
      curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s.errbuf);
      curl_easy_setopt(e, CURLOPT_PRIVATE, &s);
      s.limit = opts_.max_response;
    }
    return {};
  }

  bool start(int slot, const std::string& url, std::string body) override {
    Slot& s = slots_.at(static_cast<std::size_t>(slot));
    if (s.active) return false;
    s.url = url;
    s.body = std::move(body);
    s.reply.clear();
    s.overflow = false;
    s.errbuf[0] = '\0';
    CURL* e = s.easy.get();
    curl_easy_setopt(e, CURLOPT_URL, s.url.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, s.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(s.body.size()));
    if (curl_multi_add_handle(multi_.get(), e) != CURLM_OK) return false;
    s.active = true;
    return true;
  }

  void cancel(int slot) override {
    Slot& s = slots_.at(static_cast<std::size_t>(slot));
    if (!s.active) return;
    // libcurl closes a connection whose transfer is removed half done.
    curl_multi_remove_handle(multi_.get(), s.easy.get());
    s.active = false;
  }

  bool busy(int slot) const override { return slots_.at(static_cast<std::size_t>(slot)).active; }

  void run_once(int timeout_ms, std::vector<Completion>& done) override {
    int running = 0;
    curl_multi_perform(multi_.get(), &running);
    // A transfer that ended in this perform (its reply arrived while the
    // caller was busy) is reported now, not after waiting up to timeout_ms.
    const auto active = std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.active; });
    if (running >= active && (running > 0 || timeout_ms > 0)) {
      long curl_ms = -1;
      curl_multi_timeout(multi_.get(), &curl_ms);
      int wait = timeout_ms;
      if (curl_ms >= 0 && curl_ms < wait) wait = static_cast<int>(curl_ms);
      curl_multi_poll(multi_.get(), nullptr, 0, std::max(wait, 0), nullptr);
      curl_multi_perform(multi_.get(), &running);
    }
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_.get(), &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* e = m->easy_handle;
      Slot* s = nullptr;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
      Completion c;
      c.slot = static_cast<int>(s - slots_.data());
      const CURLcode rc = m->data.result;
      long header_bytes = 0;
      curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &header_bytes);
      c.maybe_sent = header_bytes > 0;
      long conns = 0;
      curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &conns);
      connections_.fetch_add(static_cast<std::uint64_t>(conns), std::memory_order_relaxed);
      if (rc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &c.http_status);
        c.body = std::move(s->reply);
      } else if (s->overflow) {
        c.status = Status(errc::too_large, "the reply exceeds " + std::to_string(s->limit) + " bytes");
      } else {
        c.status = curl_error_status(rc, s->errbuf, "HTTP request");
      }
      curl_multi_remove_handle(multi_.get(), e);
      s->active = false;
      s->body.clear();
      s->reply.clear();
      if (s->reply.capacity() > (1u << 20)) std::string().swap(s->reply);
      done.push_back(std::move(c));
    }
  }

  void wakeup() noexcept override {
    if (multi_) curl_multi_wakeup(multi_.get());
  }

  std::uint64_t connections_opened() const noexcept override {
    return connections_.load(std::memory_order_relaxed);
  }

 private:
  TransportOptions opts_;
  SlistPtr headers_;
  std::unique_ptr<CURLM, MultiDeleter> multi_;
  std::vector<Slot> slots_;
  std::atomic<std::uint64_t> connections_{0};  // read by Publisher::stats() on any thread
};

}  // namespace

std::unique_ptr<MultiTransport> make_multi_transport(TransportOptions opts, int slots, Status& st) {
  try {
    auto t = std::make_unique<CurlMulti>(std::move(opts), slots);
    st = t->init();
    if (!st.ok()) return nullptr;
    return t;
  } catch (const std::bad_alloc&) {
    st = Status(errc::internal, "out of memory");
    return nullptr;
  }
}

}  // namespace detail
}  // namespace instant
