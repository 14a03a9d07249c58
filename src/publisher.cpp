// The asynchronous Publisher (instant/publisher.hpp): queue, lanes, batching,
// retries, failover and delivery reports. The HTTP underneath is the
// transport's multi engine (detail/transport.hpp); the command JSON is the
// same writer the Client uses (detail/commands.hpp).
//
// Shape: each publication is hashed by channel to one of `inflight` lanes.
// Producers append to the lane's inbox under its mutex; the I/O thread moves
// inboxes into lane queues, cuts batches from their fronts, and keeps at most
// one request per lane on the wire, so a channel's publications leave in
// order, retries included. Every publication carries an idempotency key, so
// a resend of a batch that may have been stored is dropped by Centrifugo.
#include <instant/publisher.hpp>

#include <instant/config_gen.hpp>
#include <instant/limits.hpp>

#include "detail/commands.hpp"
#include "detail/guard.hpp"
#include "detail/json.hpp"
#include "detail/transport.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

namespace instant {

const char* to_string(Delivery d) noexcept {
  switch (d) {
    case Delivery::delivered: return "delivered";
    case Delivery::failed: return "failed";
    case Delivery::possibly_delivered: return "possibly_delivered";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;
using detail::JsonValue;

// One queued publication. `buf` holds, back to back, the batch command
// ({"publish":{...}} or {"broadcast":{...}}), the channel and the
// idempotency key: one allocation per publication.
struct Item {
  std::string buf;
  std::uint32_t cmd_len = 0;
  std::uint32_t chan_len = 0;
  void* opaque = nullptr;
  Clock::time_point enqueued;
  Clock::time_point deadline;
  std::uint32_t attempts = 0;
  bool maybe_sent = false;
  bool broadcast = false;

  std::string_view cmd() const noexcept { return {buf.data(), cmd_len}; }
  std::string_view channel() const noexcept { return {buf.data() + cmd_len, chan_len}; }
  std::string_view key() const noexcept {
    return {buf.data() + cmd_len + chan_len, buf.size() - cmd_len - chan_len};
  }
};

struct Lane {
  std::mutex mu;              // guards inbox, and every write of enqueued
  std::vector<Item> inbox;    // appended by producers
  std::atomic<std::uint64_t> enqueued{0};    // publications accepted into this lane
  // The rest belongs to the I/O thread.
  std::deque<Item> queue;     // not yet sent
  std::vector<Item> batch;    // on the wire, or waiting for its retry
  bool sending = false;
  Clock::time_point retry_at{};
  int failures = 0;           // consecutive transient failures of this batch
  std::atomic<std::size_t> endpoint{0};
  Clock::time_point sticky_until{};
  Status last_failure;        // the latest transient failure of this lane
};

// Adds n to a counter only one thread writes (readers load it): a load and a
// store, not a locked read-modify-write.
template <class T>
void bump(std::atomic<T>& a, T n = 1) noexcept {
  a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// Report latencies (recorded by the I/O thread alone), log-linear buckets: 8 per power of two of microseconds.
class Histogram {
 public:
  void record(std::chrono::nanoseconds d) noexcept {
    const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, d.count() / 1000));
    bump<std::uint64_t>(counts_[bucket(us)]);
    if (us > max_.load(std::memory_order_relaxed)) max_.store(us, std::memory_order_relaxed);  // one writer
  }
  // The upper bound (microseconds) of the bucket holding quantile q.
  double quantile(double q) const noexcept {
    std::uint64_t total = 0;
    for (const auto& c : counts_) total += c.load(std::memory_order_relaxed);
    if (total == 0) return 0;
    const auto want = static_cast<std::uint64_t>(q * static_cast<double>(total - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i].load(std::memory_order_relaxed);
      if (seen >= want) return std::min(static_cast<double>(upper(i)), static_cast<double>(max_us()));
    }
    return static_cast<double>(max_us());
  }
  std::uint64_t max_us() const noexcept { return max_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kSub = 8;
  static constexpr std::size_t kBuckets = 64 * kSub;
  static std::size_t bucket(std::uint64_t us) noexcept {
    if (us < kSub) return static_cast<std::size_t>(us);
    const int hi = 63 - __builtin_clzll(us);              // us in [2^hi, 2^(hi+1))
    const auto sub = static_cast<std::size_t>((us >> (hi - 3)) & (kSub - 1));
    return std::min(kBuckets - 1, static_cast<std::size_t>(hi - 2) * kSub + sub);
  }
  static std::uint64_t upper(std::size_t b) noexcept {
    if (b < kSub) return b;
    const std::size_t hi = b / kSub + 2, sub = b % kSub;
    return ((std::uint64_t(kSub) + sub + 1) << (hi - 3)) - 1;
  }
  std::array<std::atomic<std::uint64_t>, kBuckets> counts_{};
  std::atomic<std::uint64_t> max_{0};
};

struct Counters {
  std::atomic<std::uint64_t> delivered{0}, failed{0}, possibly{0}, purged{0},
      retried{0}, batches{0}, bytes{0}, queue_full{0};
  std::atomic<std::size_t> in_flight{0};
};

struct EndpointCounters {
  std::string url;      // base URL
  std::string batch;    // base URL + /api/batch
  std::atomic<std::uint64_t> requests{0}, failures{0};
};

Status check_config(const PublisherConfig& c) {
  Status st;
  c.client.validate(st);
  if (!st.ok()) return st;
  auto bad = [](const std::string& why) { return Status(errc::invalid_argument, "publisher: " + why); };
  if (c.client.api_mode != ApiMode::v5) return bad("the Publisher needs the v5 server API (api_mode v5)");
  if (c.client.api_key.empty()) return Status(errc::config, "no API key configured (set CENTRIFUGO_API_KEY)");
  if (c.queue_max_messages == 0 || c.queue_max_bytes == 0) return bad("queue bounds must be positive");
  if (c.batch_max_messages == 0 || c.batch_max_bytes == 0) return bad("batch bounds must be positive");
  if (c.batch_max_bytes > c.client.max_payload) {
    return bad("batch_max_bytes must not exceed the client's max_payload");
  }
  if (c.inflight == 0 || c.inflight > limits::max_publisher_inflight) {
    return bad("inflight must be 1.." + std::to_string(limits::max_publisher_inflight));
  }
  const std::int64_t day = limits::max_publisher_duration_ms;
  if (c.linger.count() < 0 || c.linger.count() > limits::max_linger_ms) {
    return bad("linger must be 0.." + std::to_string(limits::max_linger_ms) + " ms");
  }
  if (c.message_timeout.count() <= 0 || c.message_timeout.count() > day) {
    return bad("message_timeout must be 1..86400000 ms");
  }
  if (c.retry_backoff.count() <= 0 || c.retry_backoff_max < c.retry_backoff ||
      c.retry_backoff_max.count() > day) {
    return bad("retry_backoff must be positive and at most retry_backoff_max (at most a day)");
  }
  if (c.endpoint_stickiness.count() < 0 || c.endpoint_stickiness.count() > day) {
    return bad("endpoint_stickiness must be 0..86400000 ms");
  }
  if (c.close_timeout.count() < 0 || c.close_timeout.count() > day) return bad("close_timeout must be 0..86400000 ms");
  for (const auto& e : c.endpoints) {
    Config probe = c.client;
    probe.url = e;
    probe.validate(st);
    if (!st.ok()) return Status(errc::config, "publisher endpoint: " + st.message());
  }
  return {};
}

std::string strip_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

struct Publisher::Impl {
  PublisherConfig cfg;
  std::unique_ptr<detail::MultiTransport> transport;
  std::vector<std::unique_ptr<Lane>> lanes;
  std::vector<std::unique_ptr<EndpointCounters>> endpoints;
  Counters counters;
  Histogram latency;

  // Queue bound: publications (and bytes) from publish() to their report.
  // The I/O thread gives room back once per loop (release), not per report.
  std::atomic<std::size_t> outstanding{0};
  std::atomic<std::size_t> outstanding_bytes{0};
  std::size_t release_count = 0, release_bytes = 0;  // I/O thread only: reported, not yet given back
  // The I/O thread sleeps with nothing to do. It sets this, then looks at
  // every inbox under its mutex; a producer appends under that mutex, then
  // reads this: either the I/O thread sees the publication or the producer
  // sees the flag (and wakes it).
  std::atomic<bool> io_idle{false};
  std::atomic<int> flushing{0};
  std::atomic<bool> closing{false};
  std::atomic<bool> stop{false};
  std::atomic<bool> purge_requested{false};

  std::mutex wait_mu;                  // flush, close, blocked publish, purge waits
  std::condition_variable wait_cv;
  std::atomic<int> waiters{0};
  std::size_t purge_result = 0;        // guarded by wait_mu
  bool purge_done = false;             // guarded by wait_mu

  std::string key_base;                // random per Publisher
  std::atomic<std::uint64_t> key_seq{0};
  std::thread io;
  std::atomic<std::thread::id> io_id{};  // the I/O thread's id, set before it runs
  std::atomic<bool> running{false};      // the I/O thread has not been joined
  std::mutex close_mu;                   // one close at a time
  std::vector<Item> spare;               // I/O thread only: swapped with inboxes
  std::vector<Item> retry;               // I/O thread only: swapped with a lane's batch (complete)
  std::mt19937_64 rng;                 // jitter; I/O thread only
  detail::JsonDoc reply;               // I/O thread only
  std::vector<detail::MultiTransport::Completion> done;  // I/O thread only

  const std::string queue_full_message;  // written once: refusing must stay cheap

  explicit Impl(PublisherConfig c)
      : cfg(std::move(c)),
        rng(std::random_device{}()),
        queue_full_message("the publisher's queue is full (" + std::to_string(cfg.queue_max_messages) +
                           " publications / " + std::to_string(cfg.queue_max_bytes) + " bytes)") {}

  // ---- producer side --------------------------------------------------------

  Status enqueue(Item&& item, const EnqueueOptions& e) {
    if (closing.load(std::memory_order_acquire)) {
      return Status(errc::closed, "the publisher is closed");
    }
    const std::size_t bytes = item.buf.size();
    if (!reserve(bytes, e.block)) return refused();
    const auto now = Clock::now();
    item.enqueued = now;
    item.deadline = now + cfg.message_timeout;
    item.opaque = e.opaque;
    Lane& lane = *lanes[std::hash<std::string_view>()(item.channel()) % lanes.size()];
    std::size_t depth;
    {
      std::lock_guard<std::mutex> lk(lane.mu);
      lane.inbox.push_back(std::move(item));
      depth = lane.inbox.size();
      bump<std::uint64_t>(lane.enqueued);  // one writer at a time: the mutex
    }
    // Wake the I/O thread only when it sleeps idle, or when a batch is full.
    // Relaxed is enough: the lane mutex orders this read after the I/O
    // thread's store of true whenever its look at this inbox came first.
    if ((io_idle.load(std::memory_order_relaxed) && io_idle.exchange(false)) || depth == cfg.batch_max_messages) {
      transport->wakeup();
    }
    return {};
  }

  Status refused() {
    counters.queue_full.fetch_add(1, std::memory_order_relaxed);
    if (closing.load()) return Status(errc::closed, "the publisher is closed");
    return Status(errc::queue_full, queue_full_message);
  }

  // Takes room for one publication of `bytes`, waiting up to `block`.
  bool reserve(std::size_t bytes, std::chrono::milliseconds block) {
    auto try_take = [&] {
      std::size_t n = outstanding.fetch_add(1) + 1;
      std::size_t b = outstanding_bytes.fetch_add(bytes) + bytes;
      if (n <= cfg.queue_max_messages && b <= cfg.queue_max_bytes) return true;
      outstanding.fetch_sub(1);
      outstanding_bytes.fetch_sub(bytes);
      return false;
    };
    if (try_take()) return true;
    if (block.count() <= 0 || std::this_thread::get_id() == io_id.load()) return false;
    const auto until = Clock::now() + block;
    std::unique_lock<std::mutex> lk(wait_mu);
    waiters.fetch_add(1);
    bool ok = false;
    while (!(ok = try_take()) && !closing.load() && Clock::now() < until) {
      wait_cv.wait_until(lk, std::min(until, Clock::now() + std::chrono::milliseconds(50)));
    }
    waiters.fetch_sub(1);
    return ok;
  }

  std::string_view next_key(char* buf, std::size_t cap) {
    std::memcpy(buf, key_base.data(), key_base.size());
    const auto r = std::to_chars(buf + key_base.size(), buf + cap,
                                 key_seq.fetch_add(1, std::memory_order_relaxed));
    return {buf, static_cast<std::size_t>(r.ptr - buf)};
  }

  // Serialises one command with `write(writer, key)` and queues it.
  template <class Write>
  Status queue_command(const char* method, std::string_view channel, std::string_view given_key,
                       bool broadcast, const EnqueueOptions& e, Write&& write) {
    // A full queue refuses before the command is written: a refused call
    // costs no serialisation and no allocation (it is the common case
    // while an endpoint is down and the caller keeps publishing).
    if (e.block.count() <= 0 && outstanding.load(std::memory_order_relaxed) >= cfg.queue_max_messages) {
      return refused();
    }
    char keybuf[64];
    const std::string_view key = given_key.empty() ? next_key(keybuf, sizeof keybuf) : given_key;
    thread_local rapidjson::StringBuffer sb;
    thread_local detail::JsonWriter w(sb);
    sb.Clear();
    w.Reset(sb);
    w.StartObject();
    w.Key(method);
    write(w, key);
    w.EndObject();
    const std::size_t n = sb.GetSize();
    if (n > cfg.batch_max_bytes) {
      sb.Clear();
      sb.ShrinkToFit();
      return Status(errc::too_large, "the publication (" + std::to_string(n) +
                                         " bytes) exceeds batch_max_bytes (" +
                                         std::to_string(cfg.batch_max_bytes) + ")");
    }
    Item item;
    item.buf.reserve(n + channel.size() + key.size());
    item.buf.append(sb.GetString(), n);
    item.buf.append(channel.data(), channel.size());
    item.buf.append(key.data(), key.size());
    item.cmd_len = static_cast<std::uint32_t>(n);
    item.chan_len = static_cast<std::uint32_t>(channel.size());
    item.broadcast = broadcast;
    if (n > 65536) {  // one huge publication must not pin memory in this thread
      sb.Clear();
      sb.ShrinkToFit();
    }
    return enqueue(std::move(item), e);
  }

  // ---- I/O thread -----------------------------------------------------------

  void run() {
    for (;;) {
      const auto now = Clock::now();
      take_inboxes();
      if (purge_requested.load()) {
        // Taken again once the request is seen: everything published
        // before purge() was called is in the queues now, not left in an
        // inbox filled after the take above.
        take_inboxes();
        do_purge();
      }
      expire(now);
      release();
      for (std::size_t i = 0; i < lanes.size(); ++i) maybe_send(static_cast<int>(i), now);
      if (stop.load()) break;  // close() flushed first; finish() reports the rest
      const int wait = next_wait(now);
      done.clear();
      transport->run_once(wait, done);
      if (io_idle.load(std::memory_order_relaxed)) io_idle.store(false);  // no write of a line producers read
      for (auto& c : done) complete(c);
      release();
      notify_waiters();
    }
    finish();
  }

  void take_inboxes() {
    for (auto& lp : lanes) {
      Lane& lane = *lp;
      {
        // The swap hands the lane back an empty vector with room, so
        // producers rarely allocate for the inbox.
        std::lock_guard<std::mutex> lk(lane.mu);
        if (lane.inbox.empty()) continue;
        spare.swap(lane.inbox);
      }
      for (auto& it : spare) lane.queue.push_back(std::move(it));
      spare.clear();
    }
  }

  // True when some producer appended since the last take_inboxes.
  bool inbox_waiting() {
    for (auto& lp : lanes) {
      std::lock_guard<std::mutex> lk(lp->mu);
      if (!lp->inbox.empty()) return true;
    }
    return false;
  }

  int next_wait(Clock::time_point now) {
    using std::chrono::milliseconds;
    Clock::time_point wake = now + milliseconds(1000);
    bool work = false;
    for (const auto& lp : lanes) {
      const Lane& l = *lp;
      if (!l.sending && !l.batch.empty()) {
        wake = std::min(wake, l.retry_at);
        work = true;
      }
      if (!l.sending && l.batch.empty() && !l.queue.empty()) {
        wake = std::min(wake, l.queue.front().enqueued + cfg.linger);
        work = true;
      }
      if (!l.queue.empty()) wake = std::min(wake, l.queue.front().deadline);
      for (const auto& it : l.batch) wake = std::min(wake, it.deadline);
      work = work || l.sending;
    }
    if (!work && !stop.load()) {
      // Going to sleep with nothing queued: a producer must wake us.
      io_idle.store(true);
      if (inbox_waiting()) {
        io_idle.store(false);
        return 0;
      }
    }
    // Rounded up, not truncated plus one: a linger of L ms waits L ms, not up to L + 1.
    const auto ms = std::chrono::ceil<milliseconds>(wake - now).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 1000));
  }

  std::chrono::milliseconds backoff(int failures) {
    const auto base = cfg.retry_backoff.count() << std::min(failures - 1, 20);
    const auto cap = std::min<long long>(base, cfg.retry_backoff_max.count());
    std::uniform_int_distribution<long long> jitter(cap / 2, cap);
    return std::chrono::milliseconds(std::max<long long>(1, jitter(rng)));
  }

  void maybe_send(int index, Clock::time_point now) {
    Lane& l = *lanes[static_cast<std::size_t>(index)];
    if (l.sending) return;
    if (l.batch.empty()) {
      if (l.queue.empty()) return;
      const bool full = l.queue.size() >= cfg.batch_max_messages;
      const bool due = now - l.queue.front().enqueued >= cfg.linger;
      if (!full && !due && flushing.load() == 0 && !closing.load()) return;
      std::size_t bytes = 0;
      while (!l.queue.empty() && l.batch.size() < cfg.batch_max_messages) {
        const std::size_t n = l.queue.front().cmd_len + 1;
        if (!l.batch.empty() && bytes + n + 16 > cfg.batch_max_bytes) break;
        bytes += n;
        l.batch.push_back(std::move(l.queue.front()));
        l.queue.pop_front();
      }
    } else if (now < l.retry_at) {
      return;
    }
    // Back to the first endpoint once the stickiness period is over.
    if (l.endpoint.load() != 0 && now >= l.sticky_until) l.endpoint.store(0);
    std::string body;
    std::size_t size = 16;
    for (const auto& it : l.batch) size += it.cmd_len + 1;
    body.reserve(size);
    body += "{\"commands\":[";
    for (std::size_t i = 0; i < l.batch.size(); ++i) {
      if (i) body += ',';
      body += l.batch[i].cmd();
      if (l.batch[i].attempts > 0) counters.retried.fetch_add(1, std::memory_order_relaxed);
      ++l.batch[i].attempts;
    }
    body += "]}";
    const auto& ep = *endpoints[l.endpoint.load()];
    counters.batches.fetch_add(1, std::memory_order_relaxed);
    counters.bytes.fetch_add(body.size(), std::memory_order_relaxed);
    counters.in_flight.fetch_add(l.batch.size(), std::memory_order_relaxed);
    if (!transport->start(index, ep.batch, std::move(body))) {
      counters.in_flight.fetch_sub(l.batch.size(), std::memory_order_relaxed);
      l.retry_at = now + backoff(++l.failures);
      return;
    }
    l.sending = true;
  }

  // The request of lane `c.slot` ended.
  void complete(detail::MultiTransport::Completion& c) {
    Lane& l = *lanes[static_cast<std::size_t>(c.slot)];
    l.sending = false;
    counters.in_flight.fetch_sub(l.batch.size(), std::memory_order_relaxed);
    auto& ep = *endpoints[l.endpoint.load()];
    ep.requests.fetch_add(1, std::memory_order_relaxed);
    for (auto& it : l.batch) it.maybe_sent = it.maybe_sent || c.maybe_sent || c.status.ok();
    if (!c.status.ok()) return transient(l, c.status);
    if (c.http_status == 401) {
      return fail_batch(l, Status(errc::unauthorized, "Centrifugo refused the API key (HTTP 401)", 401));
    }
    if (c.http_status >= 500 || c.http_status == 429 || c.http_status == 408) {
      return transient(l, Status(errc::http_status, "Centrifugo answered HTTP " + std::to_string(c.http_status),
                                 static_cast<int>(c.http_status)));
    }
    if (c.http_status != 200) {
      return fail_batch(l, Status(errc::http_status,
                                  "Centrifugo answered HTTP " + std::to_string(c.http_status) +
                                      (c.http_status == 404 ? " (is the endpoint the server root, without /api?)" : ""),
                                  static_cast<int>(c.http_status)));
    }
    const JsonValue replies = parse_replies(c.body);
    if (!replies.is_array() || replies.size() != l.batch.size()) {
      // A 200 whose replies cannot be matched: nothing is known, so the batch
      // is sent again; its keys make that harmless.
      return transient(l, Status(errc::malformed_reply, "the batch reply does not list one reply per command", 200));
    }
    retry.clear();
    std::size_t i = 0;
    for (const auto r : replies.elements()) {
      Item& it = l.batch[i++];
      settle(it, r.value, retry);
    }
    l.batch.swap(retry);  // both keep their room: no reallocation per batch
    retry.clear();
    if (l.batch.empty()) {
      l.failures = 0;
      l.last_failure.clear();
    } else {
      // Per-item internal errors (Centrifugo's code 100: its broker failed).
      l.last_failure = Status(errc::server_error, "Centrifugo error 100 (internal) for the publication", 200, 100);
      l.retry_at = Clock::now() + backoff(++l.failures);
    }
  }

  JsonValue parse_replies(const std::string& body) {
    if (!detail::parse_json(body, reply, "batch reply", detail::JsonDepth::wrapper).ok() ||
        !reply.root().is_object()) {
      return {};
    }
    return reply.root()["replies"];
  }

  static Status server_error(JsonValue err) {
    const Status st = detail::reply_error(err);
    return Status(st.kind(), st.message(), 200, st.server_code());
  }

  // Made only when a reply is unreadable: settle() runs once per publication.
  static Status unreadable_position() {
    return Status(errc::malformed_reply, "Centrifugo's result for it is not a stream position", 200);
  }

  // One command's reply: delivered, failed, or kept in `retry`.
  void settle(Item& it, JsonValue r, std::vector<Item>& retry) {
    if (const JsonValue err = r["error"]; err.is_object()) {
      Status st = server_error(err);
      if (st.server_code() == 100) {
        retry.push_back(std::move(it));
        return;
      }
      return report(it, Delivery::failed, st, {});
    }
    StreamPosition pos;
    if (!it.broadcast) {
      if (!detail::reply_position(r["publish"], pos)) {
        return report(it, Delivery::possibly_delivered, unreadable_position(), {});
      }
      return report(it, Delivery::delivered, {}, pos);
    }
    // A broadcast: delivered when every channel stored it.
    const JsonValue resp = r["broadcast"]["responses"];
    StreamPosition first;
    bool have_first = false;
    for (const auto c : resp.elements()) {
      if (const JsonValue err = c.value["error"]; err.is_object()) {
        Status st = server_error(err);
        if (st.server_code() == 100) {
          retry.push_back(std::move(it));
          return;
        }
        return report(it, Delivery::failed,
                      Status(st.kind(), st.message() + " (in one of the broadcast's channels)", 200,
                             st.server_code()),
                      {});
      }
      if (!detail::reply_position(c.value["result"], pos)) {
        return report(it, Delivery::possibly_delivered, unreadable_position(), {});
      }
      if (!have_first) {
        first = pos;
        have_first = true;
      }
    }
    report(it, Delivery::delivered, {}, first);
  }

  // A whole request failed in a way worth retrying.
  void transient(Lane& l, const Status& why) {
    auto& ep = *endpoints[l.endpoint.load()];
    ep.failures.fetch_add(1, std::memory_order_relaxed);
    const auto now = Clock::now();
    if (endpoints.size() > 1) {
      const std::size_t next = (l.endpoint.load() + 1) % endpoints.size();
      l.endpoint.store(next);
      if (next != 0) l.sticky_until = now + cfg.endpoint_stickiness;
    }
    l.last_failure = why;
    l.retry_at = now + backoff(++l.failures);
  }

  void fail_batch(Lane& l, const Status& why) {
    for (auto& it : l.batch) report(it, Delivery::failed, why, {});
    l.batch.clear();
    l.failures = 0;
  }

  // Why a publication gave up at its deadline: the lane's last failure
  // (its kind and codes), or a plain timeout when there was none.
  static Status expired(const Lane& l, const char* what) {
    if (l.last_failure.ok()) return Status(errc::timeout, std::string("message_timeout passed ") + what);
    return Status(l.last_failure.kind(),
                  std::string("message_timeout passed ") + what + "; last failure: " + l.last_failure.message(),
                  l.last_failure.http_status(), l.last_failure.server_code());
  }

  // Publications whose message_timeout passed: reported now.
  void expire(Clock::time_point now) {
    for (auto& lp : lanes) {
      Lane& l = *lp;
      while (!l.queue.empty() && l.queue.front().deadline <= now) {
        Item it = std::move(l.queue.front());
        l.queue.pop_front();
        report(it, Delivery::failed, expired(l, "before it could be sent"), {});
      }
      if (l.sending || l.batch.empty()) continue;
      std::vector<Item> keep;
      for (auto& it : l.batch) {
        if (it.deadline > now) {
          keep.push_back(std::move(it));
          continue;
        }
        report(it, it.maybe_sent ? Delivery::possibly_delivered : Delivery::failed,
               expired(l, "while retrying"), {});
      }
      l.batch = std::move(keep);
      if (l.batch.empty()) l.failures = 0;
    }
  }

  void do_purge() {
    std::size_t n = 0;
    for (auto& lp : lanes) {
      Lane& l = *lp;
      while (!l.queue.empty()) {
        Item it = std::move(l.queue.front());
        l.queue.pop_front();
        report(it, Delivery::failed, Status(errc::purged, "purged before it was sent"), {});
        counters.purged.fetch_add(1, std::memory_order_relaxed);
        ++n;
      }
    }
    purge_requested.store(false);
    release();
    std::lock_guard<std::mutex> lk(wait_mu);
    purge_result = n;
    purge_done = true;
    wait_cv.notify_all();
  }

  // After stop: whatever is left gets its report.
  void finish() {
    take_inboxes();
    const Status closed(errc::closed, "the publisher closed before the publication was delivered");
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      Lane& l = *lanes[i];
      if (l.sending) {
        transport->cancel(static_cast<int>(i));
        counters.in_flight.fetch_sub(l.batch.size(), std::memory_order_relaxed);
        l.sending = false;
        for (auto& it : l.batch) it.maybe_sent = true;
      }
      for (auto& it : l.batch) report(it, it.maybe_sent ? Delivery::possibly_delivered : Delivery::failed, closed, {});
      l.batch.clear();
      while (!l.queue.empty()) {
        report(l.queue.front(), Delivery::failed, closed, {});
        l.queue.pop_front();
      }
    }
    release();
    notify_waiters(true);
  }

  void report(Item& it, Delivery outcome, const Status& error, const StreamPosition& pos) {
    const auto latency = Clock::now() - it.enqueued;
    latency_hist_record(latency);
    switch (outcome) {
      case Delivery::delivered: bump<std::uint64_t>(counters.delivered); break;
      case Delivery::failed: bump<std::uint64_t>(counters.failed); break;
      case Delivery::possibly_delivered: bump<std::uint64_t>(counters.possibly); break;
    }
    if (cfg.on_delivery && !(cfg.report_failures_only && outcome == Delivery::delivered)) {
      DeliveryReport r;
      r.opaque = it.opaque;
      r.outcome = outcome;
      r.error = error;
      r.position = pos;
      r.channel = it.channel();
      r.idempotency_key = it.key();
      r.latency = std::chrono::duration_cast<std::chrono::nanoseconds>(latency);
      r.attempts = it.attempts;
      try {
        cfg.on_delivery(r);
      } catch (...) {
        // A throwing callback must not take the I/O thread down.
      }
    }
    ++release_count;
    release_bytes += it.buf.size();
    std::string().swap(it.buf);
  }

  // Gives the room of the publications reported since the last call back to
  // the queue bound (before waiters are woken).
  void release() {
    if (release_count == 0) return;
    outstanding_bytes.fetch_sub(release_bytes);
    outstanding.fetch_sub(release_count);
    release_count = release_bytes = 0;
  }

  void latency_hist_record(Clock::duration d) {
    latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(d));
  }

  void notify_waiters(bool always = false) {
    if (!always && waiters.load() == 0) return;
    std::lock_guard<std::mutex> lk(wait_mu);
    wait_cv.notify_all();
  }

  Status wait_drained(std::chrono::milliseconds timeout) {
    if (std::this_thread::get_id() == io_id.load()) {
      return Status(errc::invalid_argument, "flush and close cannot be called from a delivery report");
    }
    flushing.fetch_add(1);
    transport->wakeup();
    const auto until = Clock::now() + timeout;
    std::unique_lock<std::mutex> lk(wait_mu);
    waiters.fetch_add(1);
    while (outstanding.load() != 0 && Clock::now() < until && running.load()) {
      wait_cv.wait_until(lk, std::min(until, Clock::now() + std::chrono::milliseconds(50)));
    }
    waiters.fetch_sub(1);
    flushing.fetch_sub(1);
    const std::size_t left = outstanding.load();
    if (left == 0) return {};
    return Status(errc::timeout, std::to_string(left) + " publications not yet reported after " +
                                     std::to_string(timeout.count()) + " ms");
  }

  Status close(std::chrono::milliseconds timeout) {
    if (std::this_thread::get_id() == io_id.load()) {
      return Status(errc::invalid_argument, "close cannot be called from a delivery report");
    }
    std::lock_guard<std::mutex> once(close_mu);
    if (!running.load()) return {};
    closing.store(true);
    {
      std::lock_guard<std::mutex> lk(wait_mu);
      wait_cv.notify_all();  // blocked producers give up
    }
    Status st = wait_drained(timeout);
    stop.store(true);
    transport->wakeup();
    io.join();
    running.store(false);
    return st;
  }

};

// ---- Publisher --------------------------------------------------------------

namespace {

Status moved_from() { return Status(errc::invalid_argument, "the publisher was moved from"); }

template <class Fn>
void or_throw(Fn&& fn) {
  Status st;
  fn(st);
  throw_if_error(st);
}

}  // namespace

Publisher::Publisher(PublisherConfig cfg) {
  Status st;
  *this = Publisher(std::move(cfg), st);
  throw_if_error(st);
}

Publisher::Publisher(PublisherConfig cfg, Status& st) {
  try {
    st = check_config(cfg);
    if (!st.ok()) return;
    auto impl = std::make_unique<Impl>(std::move(cfg));
    std::vector<std::string> urls = impl->cfg.endpoints;
    if (urls.empty()) urls.push_back(impl->cfg.client.url);
    for (auto& u : urls) {
      auto ep = std::make_unique<EndpointCounters>();
      ep->url = strip_slashes(u);
      ep->batch = ep->url + "/api/batch";
      impl->endpoints.push_back(std::move(ep));
    }
    for (std::size_t i = 0; i < impl->cfg.inflight; ++i) impl->lanes.push_back(std::make_unique<Lane>());
    impl->transport = detail::make_multi_transport(detail::transport_options(impl->cfg.client),
                                                   static_cast<int>(impl->cfg.inflight), st);
    if (!st.ok()) return;
    Status rs;
    impl->key_base = detail::idempotency_key_base(rs);
    if (!rs.ok()) {
      st = rs;
      return;
    }
    Impl* raw = impl.get();
    {
      // The thread starts once its id is known to everyone.
      std::lock_guard<std::mutex> lk(raw->wait_mu);
      impl->running.store(true);
      impl->io = std::thread([raw] {
        { std::lock_guard<std::mutex> wait_for_id(raw->wait_mu); }
        raw->run();
      });
      impl->io_id.store(impl->io.get_id());
    }
    impl_ = std::move(impl);
  } catch (...) {
    st = detail::current_exception_status();
  }
}

Publisher::~Publisher() {
  if (impl_) impl_->close(impl_->cfg.close_timeout);
}

Publisher::Publisher(Publisher&&) noexcept = default;

Publisher& Publisher::operator=(Publisher&& o) noexcept {
  if (this != &o) {
    if (impl_) impl_->close(impl_->cfg.close_timeout);
    impl_ = std::move(o.impl_);
  }
  return *this;
}

void Publisher::publish(std::string_view channel, const Event& event, const EnqueueOptions& e, Status& st) {
  try {
    if (!impl_) return void(st = moved_from());
    const Config& c = impl_->cfg.client;
    st = detail::check_channel(channel, c.channel_rules);
    const std::string_view site = detail::event_site(event, c.site);
    if (st.ok()) st = detail::check_event(channel, event, site);
    if (st.ok()) st = detail::check_options(event.options);
    if (!st.ok()) return;
    std::string envelope_text;  // only for the string encoding
    if (c.encoding == EnvelopeEncoding::string) {
      rapidjson::StringBuffer sb;
      detail::JsonWriter w(sb);
      detail::write_envelope(w, channel, event, site);
      envelope_text.assign(sb.GetString(), sb.GetSize());
    }
    st = impl_->queue_command("publish", channel, event.options.idempotency_key, false, e,
                              [&](detail::JsonWriter& w, std::string_view key) {
                                w.StartObject();
                                detail::write_key(w, "channel");
                                detail::write_string(w, channel);
                                detail::write_key(w, "data");
                                if (c.encoding == EnvelopeEncoding::string) {
                                  detail::write_string(w, envelope_text);
                                } else {
                                  detail::write_envelope(w, channel, event, site);
                                }
                                detail::write_payload(w, {}, {}, event.options, key);
                                w.EndObject();
                              });
  } catch (...) {
    st = detail::current_exception_status();
  }
}

void Publisher::publish(std::string_view channel, const Event& event, const EnqueueOptions& e) {
  or_throw([&](Status& st) { publish(channel, event, e, st); });
}

void Publisher::publish_raw(const PublishRequest& req, const EnqueueOptions& e, Status& st) {
  try {
    if (!impl_) return void(st = moved_from());
    st = detail::check_publish(req, impl_->cfg.client.channel_rules);
    if (!st.ok()) return;
    st = impl_->queue_command("publish", req.channel, req.options.idempotency_key, false, e,
                              [&](detail::JsonWriter& w, std::string_view key) { detail::write_publish(w, req, key); });
  } catch (...) {
    st = detail::current_exception_status();
  }
}

void Publisher::publish_raw(const PublishRequest& req, const EnqueueOptions& e) {
  or_throw([&](Status& st) { publish_raw(req, e, st); });
}

void Publisher::broadcast(const BroadcastRequest& req, const EnqueueOptions& e, Status& st) {
  try {
    if (!impl_) return void(st = moved_from());
    st = detail::check_broadcast(req, impl_->cfg.client.channel_rules);
    if (!st.ok()) return;
    st = impl_->queue_command("broadcast", req.channels.front(), req.options.idempotency_key, true, e,
                              [&](detail::JsonWriter& w, std::string_view key) { detail::write_broadcast(w, req, key); });
  } catch (...) {
    st = detail::current_exception_status();
  }
}

void Publisher::broadcast(const BroadcastRequest& req, const EnqueueOptions& e) {
  or_throw([&](Status& st) { broadcast(req, e, st); });
}

void Publisher::flush(std::chrono::milliseconds timeout, Status& st) {
  if (!impl_) return void(st = moved_from());
  if (!impl_->running.load()) return void(st = Status(errc::closed, "the publisher is closed"));
  st = impl_->wait_drained(timeout);
}

void Publisher::flush(std::chrono::milliseconds timeout) {
  or_throw([&](Status& st) { flush(timeout, st); });
}

void Publisher::close(std::chrono::milliseconds timeout, Status& st) {
  if (!impl_) return void(st = moved_from());
  st = impl_->close(timeout);
}

void Publisher::close(std::chrono::milliseconds timeout) {
  or_throw([&](Status& st) { close(timeout, st); });
}

std::size_t Publisher::purge() {
  if (!impl_ || !impl_->running.load() || std::this_thread::get_id() == impl_->io_id.load()) return 0;
  std::unique_lock<std::mutex> lk(impl_->wait_mu);
  impl_->purge_done = false;
  impl_->purge_requested.store(true);
  impl_->transport->wakeup();
  impl_->wait_cv.wait(lk, [&] { return impl_->purge_done; });
  return impl_->purge_result;
}

PublisherStats Publisher::stats() const {
  PublisherStats s;
  if (!impl_) return s;
  const auto& c = impl_->counters;
  for (const auto& l : impl_->lanes) s.enqueued += l->enqueued.load(std::memory_order_relaxed);
  s.delivered = c.delivered.load();
  s.failed = c.failed.load();
  s.possibly_delivered = c.possibly.load();
  s.purged = c.purged.load();
  s.retried = c.retried.load();
  s.batches = c.batches.load();
  s.bytes = c.bytes.load();
  s.queue_full = c.queue_full.load();
  s.queued = impl_->outstanding.load();
  s.queued_bytes = impl_->outstanding_bytes.load();
  s.in_flight = c.in_flight.load();
  s.connections_opened = impl_->transport ? impl_->transport->connections_opened() : 0;
  for (std::size_t i = 0; i < impl_->endpoints.size(); ++i) {
    const auto& ep = *impl_->endpoints[i];
    EndpointStats es;
    es.url = ep.url;
    es.requests = ep.requests.load();
    es.failures = ep.failures.load();
    for (const auto& l : impl_->lanes) es.current = es.current || l->endpoint.load() == i;
    s.endpoints.push_back(std::move(es));
  }
  s.latency_p50_us = impl_->latency.quantile(0.50);
  s.latency_p90_us = impl_->latency.quantile(0.90);
  s.latency_p99_us = impl_->latency.quantile(0.99);
  s.latency_max_us = static_cast<double>(impl_->latency.max_us());
  return s;
}

namespace {

void counter_json(std::string& out, const char* name, double v, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += name;
  out += "\":";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(v));
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

}  // namespace

std::string PublisherStats::to_json() const {
  std::string out = "{";
  counter_json(out, "enqueued", static_cast<double>(enqueued), true);
  counter_json(out, "delivered", static_cast<double>(delivered));
  counter_json(out, "failed", static_cast<double>(failed));
  counter_json(out, "possibly_delivered", static_cast<double>(possibly_delivered));
  counter_json(out, "purged", static_cast<double>(purged));
  counter_json(out, "retried", static_cast<double>(retried));
  counter_json(out, "batches", static_cast<double>(batches));
  counter_json(out, "bytes", static_cast<double>(bytes));
  counter_json(out, "queue_full", static_cast<double>(queue_full));
  counter_json(out, "queued", static_cast<double>(queued));
  counter_json(out, "queued_bytes", static_cast<double>(queued_bytes));
  counter_json(out, "in_flight", static_cast<double>(in_flight));
  counter_json(out, "connections_opened", static_cast<double>(connections_opened));
  out += ",\"latency_us\":{";
  counter_json(out, "p50", latency_p50_us, true);
  counter_json(out, "p90", latency_p90_us);
  counter_json(out, "p99", latency_p99_us);
  counter_json(out, "max", latency_max_us);
  out += "},\"endpoints\":[";
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const auto& e = endpoints[i];
    if (i) out += ',';
    out += "{\"url\":" + detail::quote(e.url);
    counter_json(out, "requests", static_cast<double>(e.requests));
    counter_json(out, "failures", static_cast<double>(e.failures));
    out += e.current ? ",\"current\":true}" : ",\"current\":false}";
  }
  out += "]}";
  return out;
}

std::string PublisherStats::to_prometheus() const {
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, double v) {
    out += std::string("# HELP instant_publisher_") + name + " " + help + "\n";
    out += std::string("# TYPE instant_publisher_") + name + " " + type + "\n";
    out += std::string("instant_publisher_") + name + " " + std::to_string(static_cast<std::uint64_t>(v)) + "\n";
  };
  metric("enqueued_total", "counter", "Publications accepted by publish().", static_cast<double>(enqueued));
  metric("delivered_total", "counter", "Publications Centrifugo stored.", static_cast<double>(delivered));
  metric("failed_total", "counter", "Publications reported failed.", static_cast<double>(failed));
  metric("possibly_delivered_total", "counter", "Publications given up after they may have been stored.",
         static_cast<double>(possibly_delivered));
  metric("retried_total", "counter", "Publications sent again.", static_cast<double>(retried));
  metric("batches_total", "counter", "Batch requests sent.", static_cast<double>(batches));
  metric("bytes_total", "counter", "Request body bytes sent.", static_cast<double>(bytes));
  metric("queue_full_total", "counter", "publish() calls refused by the queue bound.",
         static_cast<double>(queue_full));
  metric("queued", "gauge", "Publications not yet reported.", static_cast<double>(queued));
  metric("in_flight", "gauge", "Publications in requests on the wire.", static_cast<double>(in_flight));
  auto per_endpoint = [&](const char* name, const char* help, std::uint64_t EndpointStats::*field) {
    out += std::string("# HELP instant_publisher_endpoint_") + name + " " + help + "\n";
    out += std::string("# TYPE instant_publisher_endpoint_") + name + " counter\n";
    for (const auto& e : endpoints) {
      out += std::string("instant_publisher_endpoint_") + name + "{url=" + detail::quote(e.url) + "} " +
             std::to_string(e.*field) + "\n";
    }
  };
  per_endpoint("requests_total", "Requests completed per endpoint.", &EndpointStats::requests);
  per_endpoint("failures_total", "Transient request failures per endpoint.", &EndpointStats::failures);
  out += "# HELP instant_publisher_latency_microseconds Enqueue to report latency.\n"
         "# TYPE instant_publisher_latency_microseconds summary\n";
  for (const auto& q : {std::make_pair("0.5", latency_p50_us), std::make_pair("0.9", latency_p90_us),
                        std::make_pair("0.99", latency_p99_us)}) {
    out += std::string("instant_publisher_latency_microseconds{quantile=\"") + q.first + "\"} " +
           std::to_string(static_cast<std::uint64_t>(q.second)) + "\n";
  }
  return out;
}

}  // namespace instant
