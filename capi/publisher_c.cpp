// extern "C" definitions: the asynchronous Publisher (instant/publisher.hpp),
// its option object and the delivery reports handed to the C callback.
#include "capi.hpp"

#include <instant/limits.hpp>
#include <instant/publisher.hpp>

#include <chrono>
#include <memory>

using namespace instant::capi;

static_assert(INSTANT_DELIVERY_DELIVERED == static_cast<int>(instant::Delivery::delivered), "delivery");
static_assert(INSTANT_DELIVERY_FAILED == static_cast<int>(instant::Delivery::failed), "delivery");
static_assert(INSTANT_DELIVERY_POSSIBLY_DELIVERED == static_cast<int>(instant::Delivery::possibly_delivered),
              "delivery");

struct instant_publisher_config {
  instant::PublisherConfig cfg;
  instant_delivery_report_fn cb = nullptr;
  void* userdata = nullptr;
};

// What the callback reads: the C++ report plus NUL-ended copies of its views.
struct instant_delivery_report {
  const instant::DeliveryReport* r = nullptr;
  std::string channel;
  std::string idempotency_key;
};

struct instant_publisher {
  // Reused for every report: the I/O thread calls back one report at a time.
  // Declared before `pub`, so it outlives the reports ~Publisher still makes.
  instant_delivery_report report;
  std::unique_ptr<instant::Publisher> pub;
};

namespace {

// The publisher whose delivery callback runs on this thread (its I/O thread),
// so the calls that must not run there are refused instead of deadlocking.
thread_local const instant_publisher* t_reporting = nullptr;

instant_error_t out_of_range(const char* name, std::int64_t lo, std::int64_t hi) {
  return record(INSTANT_EINVAL, (std::string("invalid argument: '") + name + "' must be " +
                                 std::to_string(lo) + ".." + std::to_string(hi))
                                    .c_str());
}

// A duration setter: ms within [lo, hi] stored into `field`.
instant_error_t set_ms(instant_publisher_config* cfg, std::int64_t ms, std::int64_t lo, std::int64_t hi,
                       const char* name, std::chrono::milliseconds instant::PublisherConfig::*field) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (ms < lo || ms > hi) return out_of_range(name, lo, hi);
    cfg->cfg.*field = std::chrono::milliseconds(ms);
    return record_ok();
  });
}

// A count and byte bound (both > 0) stored into `messages` and `bytes`.
instant_error_t set_limits(instant_publisher_config* cfg, std::size_t max_messages, std::size_t max_bytes,
                           std::size_t instant::PublisherConfig::*messages,
                           std::size_t instant::PublisherConfig::*bytes) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (max_messages == 0) return record(INSTANT_EINVAL, "invalid argument: 'max_messages' must be positive");
    if (max_bytes == 0) return record(INSTANT_EINVAL, "invalid argument: 'max_bytes' must be positive");
    cfg->cfg.*messages = max_messages;
    cfg->cfg.*bytes = max_bytes;
    return record_ok();
  });
}

instant_error_t check_wait(std::int64_t ms, const char* name) {
  if (ms < 0 || ms > instant::limits::max_publisher_duration_ms) {
    return out_of_range(name, 0, instant::limits::max_publisher_duration_ms);
  }
  return INSTANT_OK;
}

instant::EnqueueOptions enqueue_options(void* opaque, std::int64_t block_ms) {
  instant::EnqueueOptions e;
  e.opaque = opaque;
  e.block = std::chrono::milliseconds(block_ms);
  return e;
}

// Checks the arguments every publish form shares; INSTANT_OK to go on.
instant_error_t check_publisher(const instant_publisher* p, std::int64_t block_ms) {
  if (!p) return null_arg("p");
  return check_wait(block_ms, "block_ms");
}

// *out = the publisher's stats in one text form.
instant_error_t give_stats(char** out, const instant_publisher* p,
                           std::string (instant::PublisherStats::*form)() const) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!p) return null_arg("p");
    *out = dup_string((p->pub->stats().*form)());
    return record_ok();
  });
}

const instant::DeliveryReport* report_of(const instant_delivery_report* report) {
  if (!report || !report->r) {
    null_arg("report");
    return nullptr;
  }
  return report->r;
}

}  // namespace

extern "C" {

// ---- config -------------------------------------------------------------------

instant_error_t instant_publisher_config_new(instant_publisher_config** out, const instant_config* client) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    auto cfg = std::make_unique<instant_publisher_config>();
    if (client) cfg->cfg.client = client->cfg;
    *out = cfg.release();
    return record_ok();
  });
}

void instant_publisher_config_free(instant_publisher_config* cfg) { delete cfg; }

instant_error_t instant_publisher_config_add_endpoint(instant_publisher_config* cfg, const char* url) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (!url) return null_arg("url");
    cfg->cfg.endpoints.emplace_back(url);
    return record_ok();
  });
}

instant_error_t instant_publisher_config_set_queue_limits(instant_publisher_config* cfg, size_t max_messages,
                                                          size_t max_bytes) {
  return set_limits(cfg, max_messages, max_bytes, &instant::PublisherConfig::queue_max_messages,
                    &instant::PublisherConfig::queue_max_bytes);
}

instant_error_t instant_publisher_config_set_linger_ms(instant_publisher_config* cfg, int64_t ms) {
  return set_ms(cfg, ms, 0, instant::limits::max_linger_ms, "ms", &instant::PublisherConfig::linger);
}

instant_error_t instant_publisher_config_set_batch_limits(instant_publisher_config* cfg, size_t max_messages,
                                                          size_t max_bytes) {
  return set_limits(cfg, max_messages, max_bytes, &instant::PublisherConfig::batch_max_messages,
                    &instant::PublisherConfig::batch_max_bytes);
}

instant_error_t instant_publisher_config_set_inflight(instant_publisher_config* cfg, size_t n) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (n == 0 || n > instant::limits::max_publisher_inflight) {
      return out_of_range("n", 1, static_cast<std::int64_t>(instant::limits::max_publisher_inflight));
    }
    cfg->cfg.inflight = n;
    return record_ok();
  });
}

instant_error_t instant_publisher_config_set_message_timeout_ms(instant_publisher_config* cfg, int64_t ms) {
  return set_ms(cfg, ms, 1, instant::limits::max_publisher_duration_ms, "ms",
                &instant::PublisherConfig::message_timeout);
}

instant_error_t instant_publisher_config_set_retry_backoff_ms(instant_publisher_config* cfg, int64_t initial_ms,
                                                              int64_t max_ms) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    const std::int64_t hi = instant::limits::max_publisher_duration_ms;
    if (initial_ms < 1 || initial_ms > hi) return out_of_range("initial_ms", 1, hi);
    if (max_ms < initial_ms || max_ms > hi) {
      return record(INSTANT_EINVAL, ("invalid argument: 'max_ms' must be initial_ms.." + std::to_string(hi)).c_str());
    }
    cfg->cfg.retry_backoff = std::chrono::milliseconds(initial_ms);
    cfg->cfg.retry_backoff_max = std::chrono::milliseconds(max_ms);
    return record_ok();
  });
}

instant_error_t instant_publisher_config_set_endpoint_stickiness_ms(instant_publisher_config* cfg, int64_t ms) {
  return set_ms(cfg, ms, 0, instant::limits::max_publisher_duration_ms, "ms",
                &instant::PublisherConfig::endpoint_stickiness);
}

instant_error_t instant_publisher_config_set_close_timeout_ms(instant_publisher_config* cfg, int64_t ms) {
  return set_ms(cfg, ms, 0, instant::limits::max_publisher_duration_ms, "ms",
                &instant::PublisherConfig::close_timeout);
}

instant_error_t instant_publisher_config_set_delivery_cb(instant_publisher_config* cfg,
                                                         instant_delivery_report_fn cb, int failures_only,
                                                         void* userdata) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    cfg->cb = cb;
    cfg->userdata = userdata;
    cfg->cfg.report_failures_only = failures_only != 0;
    return record_ok();
  });
}

// ---- publisher ----------------------------------------------------------------

instant_error_t instant_publisher_new(instant_publisher** out, const instant_publisher_config* cfg) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!cfg) return null_arg("cfg");
    auto h = std::make_unique<instant_publisher>();
    instant::PublisherConfig pc = cfg->cfg;
    if (instant_delivery_report_fn cb = cfg->cb) {
      instant_publisher* self = h.get();
      void* userdata = cfg->userdata;
      pc.on_delivery = [self, cb, userdata](const instant::DeliveryReport& r) {
        instant_delivery_report& rep = self->report;
        rep.r = &r;
        rep.channel.assign(r.channel.data(), r.channel.size());
        rep.idempotency_key.assign(r.idempotency_key.data(), r.idempotency_key.size());
        const instant_publisher* outer = t_reporting;
        t_reporting = self;
        cb(&rep, userdata);
        t_reporting = outer;
        rep.r = nullptr;
      };
    }
    instant::Status st;
    h->pub = std::make_unique<instant::Publisher>(std::move(pc), st);
    if (!st.ok()) return record(st);
    *out = h.release();
    return record_ok();
  });
}

void instant_publisher_free(instant_publisher* p) {
  if (!p || t_reporting == p) return;  // its own callback: the I/O thread cannot join itself
  delete p;                            // ~Publisher closes with the configured bound; noexcept
}

instant_error_t instant_publisher_publish(instant_publisher* p, const char* channel, const char* message,
                                          const instant_event* ev, void* opaque, int64_t block_ms) {
  return guard([&] {
    if (const instant_error_t rc = check_publisher(p, block_ms)) return rc;
    if (!channel) return null_arg("channel");
    instant::Event e = ev ? ev->ev : instant::Event();
    if (message) e.message = std::string(message);
    instant::Status st;
    p->pub->publish(channel, e, enqueue_options(opaque, block_ms), st);
    return record(st);
  });
}

instant_error_t instant_publisher_publish_raw(instant_publisher* p, const char* channel, const char* data,
                                              size_t data_len, const instant_publish_options* opts, void* opaque,
                                              int64_t block_ms) {
  return guard([&] {
    if (const instant_error_t rc = check_publisher(p, block_ms)) return rc;
    if (!channel) return null_arg("channel");
    if (!data) return null_arg("data");
    instant::Status st;
    p->pub->publish_raw(publish_request(channel, data, data_len, false, opts), enqueue_options(opaque, block_ms), st);
    return record(st);
  });
}

instant_error_t instant_publisher_publish_binary(instant_publisher* p, const char* channel, const void* bytes,
                                                 size_t len, const instant_publish_options* opts, void* opaque,
                                                 int64_t block_ms) {
  return guard([&] {
    if (const instant_error_t rc = check_publisher(p, block_ms)) return rc;
    if (!channel) return null_arg("channel");
    if (!bytes) return null_arg("bytes");
    instant::Status st;
    p->pub->publish_raw(publish_request(channel, bytes, len, true, opts), enqueue_options(opaque, block_ms), st);
    return record(st);
  });
}

instant_error_t instant_publisher_broadcast(instant_publisher* p, const char* const* channels, size_t n_channels,
                                            const char* data, size_t data_len, const instant_publish_options* opts,
                                            void* opaque, int64_t block_ms) {
  return guard([&] {
    if (const instant_error_t rc = check_publisher(p, block_ms)) return rc;
    if (!channels) return null_arg("channels");
    if (!data) return null_arg("data");
    instant::BroadcastRequest req;
    if (!broadcast_request(channels, n_channels, data, data_len, opts, req)) return last_error().code;
    instant::Status st;
    p->pub->broadcast(req, enqueue_options(opaque, block_ms), st);
    return record(st);
  });
}

instant_error_t instant_publisher_flush(instant_publisher* p, int64_t timeout_ms) {
  return guard([&] {
    if (!p) return null_arg("p");
    if (const instant_error_t rc = check_wait(timeout_ms, "timeout_ms")) return rc;
    instant::Status st;
    p->pub->flush(std::chrono::milliseconds(timeout_ms), st);
    return record(st);
  });
}

instant_error_t instant_publisher_close(instant_publisher* p, int64_t timeout_ms) {
  return guard([&] {
    if (!p) return null_arg("p");
    if (const instant_error_t rc = check_wait(timeout_ms, "timeout_ms")) return rc;
    instant::Status st;
    p->pub->close(std::chrono::milliseconds(timeout_ms), st);
    return record(st);
  });
}

instant_error_t instant_publisher_purge(size_t* purged, instant_publisher* p) {
  return guard([&] {
    if (purged) *purged = 0;
    if (!p) return null_arg("p");
    if (t_reporting == p) {
      return record(INSTANT_EINVAL, "purge cannot be called from the publisher's delivery report");
    }
    const std::size_t n = p->pub->purge();
    if (purged) *purged = n;
    return record_ok();
  });
}

instant_error_t instant_publisher_stats_json(char** out, const instant_publisher* p) {
  return give_stats(out, p, &instant::PublisherStats::to_json);
}

instant_error_t instant_publisher_stats_prometheus(char** out, const instant_publisher* p) {
  return give_stats(out, p, &instant::PublisherStats::to_prometheus);
}

// ---- delivery reports -----------------------------------------------------------

void* instant_delivery_report_opaque(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->opaque : nullptr;
}

instant_delivery_t instant_delivery_report_outcome(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? static_cast<instant_delivery_t>(r->outcome) : -1;
}

instant_error_t instant_delivery_report_error(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? to_code(r->error.kind()) : INSTANT_EINVAL;
}

int instant_delivery_report_http_status(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->error.http_status() : 0;
}

int instant_delivery_report_server_code(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->error.server_code() : 0;
}

const char* instant_delivery_report_message(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->error.message().c_str() : nullptr;
}

const char* instant_delivery_report_channel(const instant_delivery_report* report) {
  return report_of(report) ? report->channel.c_str() : nullptr;
}

const char* instant_delivery_report_idempotency_key(const instant_delivery_report* report) {
  return report_of(report) ? report->idempotency_key.c_str() : nullptr;
}

uint64_t instant_delivery_report_offset(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->position.offset : 0;
}

const char* instant_delivery_report_epoch(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->position.epoch.c_str() : nullptr;
}

int64_t instant_delivery_report_latency_ns(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? static_cast<int64_t>(r->latency.count()) : 0;
}

uint32_t instant_delivery_report_attempts(const instant_delivery_report* report) {
  const auto* r = report_of(report);
  return r ? r->attempts : 0;
}

}  // extern "C"
