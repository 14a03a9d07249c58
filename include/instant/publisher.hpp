// instant/publisher.hpp - the asynchronous Publisher: publish from any hot
// path without blocking. publish() copies the publication into a bounded
// queue and returns; one background I/O thread gathers the queue into
// /api/batch requests (by linger time, count and bytes) on a few kept-alive
// connections, retries transient failures with the same idempotency keys,
// fails over between endpoints, and reports every publication exactly once
// (delivered, failed, possibly delivered). The model is librdkafka's
// producer (docs/publisher.md).
//
// Thread safety: publish(), publish_raw(), broadcast(), flush(), purge(),
// stats() and close() may be called from any number of threads at once.
// Delivery reports are called on the Publisher's I/O thread, one at a time:
// keep them short; they may call publish() (it never blocks there) but not
// flush() or close() (those report invalid_argument from that thread).
#ifndef INSTANT_PUBLISHER_HPP
#define INSTANT_PUBLISHER_HPP

#include <instant/client.hpp>
#include <instant/config.hpp>
#include <instant/error.hpp>
#include <instant/export.h>
#include <instant/message.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace instant {

// How a publication ended.
enum class Delivery : int {
  delivered = 0,           // Centrifugo stored it (position set when the channel keeps history)
  failed = 1,              // not stored: a permanent error, or it never reached a server
  possibly_delivered = 2,  // given up after a request carrying it may have reached a server
};

// The lowercase name of a delivery outcome ("delivered", ...). Never null.
INSTANT_API const char* to_string(Delivery d) noexcept;

// One publication's outcome. The views are valid during the callback only.
struct DeliveryReport {
  void* opaque = nullptr;           // the pointer given to publish()
  Delivery outcome = Delivery::failed;
  Status error;                     // ok when delivered; else kind, HTTP status, Centrifugo code
  StreamPosition position;          // when delivered into a channel with history
  std::string_view channel;         // its channel (the first one for a broadcast)
  std::string_view idempotency_key; // the key it was sent with
  std::chrono::nanoseconds latency{0};  // from publish() to this report
  std::uint32_t attempts = 0;       // requests that carried it
};

using DeliveryCallback = std::function<void(const DeliveryReport&)>;

// Publisher settings. An aggregate with defaults.
struct PublisherConfig {
  // Server, API key, TLS, proxy, per-request timeouts, site, envelope
  // encoding, channel rules (v5 API mode only).
  Config client;
  // Centrifugo base URLs, in order of preference; empty: client.url alone.
  // Duplicate-free failover needs the nodes to share a Redis engine
  // (Centrifugo's idempotency cache is per node with the memory engine).
  std::vector<std::string> endpoints;
  std::size_t queue_max_messages = 100000;    // publications queued or in flight
  std::size_t queue_max_bytes = 64u << 20;    // their bytes
  std::chrono::milliseconds linger{1};        // wait this long to fill a batch
  std::size_t batch_max_messages = 1000;      // per /api/batch request
  std::size_t batch_max_bytes = 1u << 20;     // per request body (<= client.max_payload)
  std::size_t inflight = 2;                   // lanes: connections, one request each
  std::chrono::milliseconds message_timeout{30000};  // from publish() to the last attempt
  std::chrono::milliseconds retry_backoff{50};       // first retry delay, doubled per attempt
  std::chrono::milliseconds retry_backoff_max{2000};
  std::chrono::milliseconds endpoint_stickiness{600000};  // stay on a fallback before retrying the first
  std::chrono::milliseconds close_timeout{10000};  // the destructor's drain bound
  DeliveryCallback on_delivery;               // may be empty
  bool report_failures_only = false;          // no callback for delivered publications
};

// Per-call options of publish().
struct EnqueueOptions {
  void* opaque = nullptr;                // handed back in the delivery report
  std::chrono::milliseconds block{0};    // wait up to this long for room; 0: queue_full at once
};

struct EndpointStats {
  std::string url;
  std::uint64_t requests = 0;   // requests completed (any outcome)
  std::uint64_t failures = 0;   // transient request failures (transport, timeout, 5xx)
  bool current = false;         // some lane is sending to it now
};

// Counters since the Publisher started. Latencies are publish() -> report.
struct PublisherStats {
  std::uint64_t enqueued = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
  std::uint64_t possibly_delivered = 0;
  std::uint64_t purged = 0;          // included in failed
  std::uint64_t retried = 0;         // publications sent again
  std::uint64_t batches = 0;         // requests sent
  std::uint64_t bytes = 0;           // request body bytes sent
  std::uint64_t queue_full = 0;      // publish() calls refused
  std::size_t queued = 0;            // publications not yet reported
  std::size_t queued_bytes = 0;
  std::size_t in_flight = 0;         // publications in requests on the wire
  std::uint64_t connections_opened = 0;
  std::vector<EndpointStats> endpoints;
  // Report latency percentiles (microseconds) over every report so far.
  double latency_p50_us = 0, latency_p90_us = 0, latency_p99_us = 0, latency_max_us = 0;

  std::string to_json() const;        // one JSON object
  std::string to_prometheus() const;  // Prometheus text exposition format
};

class INSTANT_API Publisher {
 public:
  // Validates the configuration (throws Error(config / invalid_argument))
  // and starts the I/O thread; makes no connection yet.
  explicit Publisher(PublisherConfig cfg);
  Publisher(PublisherConfig cfg, Status& st);
  // close(cfg.close_timeout).
  ~Publisher();
  Publisher(Publisher&&) noexcept;
  Publisher& operator=(Publisher&&) noexcept;
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Queues django-instant's envelope of `event` for `channel` and returns.
  // Bad input is refused at once (invalid_argument, invalid_channel,
  // invalid_json, invalid_utf8, too_large); queue_full when the queue is at
  // its bound; closed after close(). A queued publication gets exactly one
  // delivery report.
  void publish(std::string_view channel, const Event& event, const EnqueueOptions& e = {});
  void publish(std::string_view channel, const Event& event, const EnqueueOptions& e, Status& st);
  // Centrifugo's publish as is (data is the caller's JSON).
  void publish_raw(const PublishRequest& req, const EnqueueOptions& e = {});
  void publish_raw(const PublishRequest& req, const EnqueueOptions& e, Status& st);
  // One publication into several channels (one report for all of them:
  // delivered when every channel stored it).
  void broadcast(const BroadcastRequest& req, const EnqueueOptions& e = {});
  void broadcast(const BroadcastRequest& req, const EnqueueOptions& e, Status& st);

  // Sends what is queued without lingering and waits until every
  // publication queued so far is reported; timeout when `timeout` passes first.
  void flush(std::chrono::milliseconds timeout);
  void flush(std::chrono::milliseconds timeout, Status& st);
  // Stops accepting, flushes for up to `timeout`, then reports what is left
  // (queued: failed with closed; in flight: possibly delivered) and stops the
  // I/O thread. Idempotent.
  void close(std::chrono::milliseconds timeout);
  void close(std::chrono::milliseconds timeout, Status& st);
  // Drops every queued publication not yet sent (each reported failed with
  // purged); publications on the wire are left to finish. Returns the count.
  std::size_t purge();

  [[nodiscard]] PublisherStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace instant

#endif  // INSTANT_PUBLISHER_HPP
