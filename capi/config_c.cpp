// extern "C" definitions: configuration, stream positions, publish options
// and events (plain option objects).
#include "capi.hpp"

#include <instant/limits.hpp>

#include <chrono>

using namespace instant::capi;

namespace {

// Sets a string member of a handle; both pointers required.
template <class H, class F>
instant_error_t set_string(H* h, const char* hname, const char* v, const char* vname, F&& assign) {
  return guard([&] {
    if (!h) return null_arg(hname);
    if (!v) return null_arg(vname);
    assign(std::string(v));
    return record_ok();
  });
}

}  // namespace

extern "C" {

// ---- config ------------------------------------------------------------------

instant_error_t instant_config_new(instant_config** out) { return new_handle(out); }

instant_error_t instant_config_from_env(instant_config** out) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    instant::Status st;
    instant::Config cfg = instant::Config::from_env(st);
    if (!st.ok()) return record(st);
    *out = new instant_config{std::move(cfg)};
    return record_ok();
  });
}

void instant_config_free(instant_config* cfg) { delete cfg; }

instant_error_t instant_config_set_url(instant_config* cfg, const char* url) {
  return set_string(cfg, "cfg", url, "url", [&](std::string v) { cfg->cfg.url = std::move(v); });
}

instant_error_t instant_config_set_api_key(instant_config* cfg, const char* api_key) {
  return set_string(cfg, "cfg", api_key, "api_key",
                    [&](std::string v) { cfg->cfg.api_key = std::move(v); });
}

instant_error_t instant_config_set_hmac_key(instant_config* cfg, const char* hmac_key) {
  return set_string(cfg, "cfg", hmac_key, "hmac_key",
                    [&](std::string v) { cfg->cfg.hmac_key = std::move(v); });
}

instant_error_t instant_config_set_site(instant_config* cfg, const char* site) {
  return set_string(cfg, "cfg", site, "site", [&](std::string v) { cfg->cfg.site = std::move(v); });
}

instant_error_t instant_config_set_connect_timeout_ms(instant_config* cfg, int64_t ms) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (ms <= 0 || ms > instant::limits::max_timeout_ms) {
      return record(INSTANT_EINVAL, "invalid argument: 'ms' must be 1..3600000");
    }
    cfg->cfg.connect_timeout = std::chrono::milliseconds(ms);
    return record_ok();
  });
}

instant_error_t instant_config_set_timeout_ms(instant_config* cfg, int64_t ms) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (ms <= 0 || ms > instant::limits::max_timeout_ms) {
      return record(INSTANT_EINVAL, "invalid argument: 'ms' must be 1..3600000");
    }
    cfg->cfg.timeout = std::chrono::milliseconds(ms);
    return record_ok();
  });
}

instant_error_t instant_config_set_verify_tls(instant_config* cfg, int verify) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    cfg->cfg.verify_tls = verify != 0;
    return record_ok();
  });
}

instant_error_t instant_config_set_ca_file(instant_config* cfg, const char* path) {
  return set_string(cfg, "cfg", path, "path", [&](std::string v) { cfg->cfg.ca_file = std::move(v); });
}

instant_error_t instant_config_set_proxy(instant_config* cfg, const char* proxy_url) {
  return set_string(cfg, "cfg", proxy_url, "proxy_url",
                    [&](std::string v) { cfg->cfg.proxy = std::move(v); });
}

instant_error_t instant_config_set_api_mode(instant_config* cfg, instant_api_mode_t mode) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    switch (mode) {
      case INSTANT_API_MODE_V5: cfg->cfg.api_mode = instant::ApiMode::v5; return record_ok();
      case INSTANT_API_MODE_LEGACY: cfg->cfg.api_mode = instant::ApiMode::legacy; return record_ok();
    }
    return record(INSTANT_EINVAL, "invalid argument: 'mode' is not an INSTANT_API_MODE_* value");
  });
}

instant_error_t instant_config_set_envelope_encoding(instant_config* cfg,
                                                     instant_envelope_encoding_t enc) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    switch (enc) {
      case INSTANT_ENVELOPE_OBJECT: cfg->cfg.encoding = instant::EnvelopeEncoding::object; return record_ok();
      case INSTANT_ENVELOPE_STRING: cfg->cfg.encoding = instant::EnvelopeEncoding::string; return record_ok();
    }
    return record(INSTANT_EINVAL, "invalid argument: 'enc' is not an INSTANT_ENVELOPE_* value");
  });
}

instant_error_t instant_config_set_max_payload(instant_config* cfg, size_t bytes) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (bytes == 0) return record(INSTANT_EINVAL, "invalid argument: 'bytes' must be positive");
    cfg->cfg.max_payload = bytes;
    return record_ok();
  });
}

instant_error_t instant_config_set_max_reply(instant_config* cfg, size_t bytes) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    if (bytes == 0) return record(INSTANT_EINVAL, "invalid argument: 'bytes' must be positive");
    cfg->cfg.max_reply = bytes;
    return record_ok();
  });
}

instant_error_t instant_config_set_idempotency_keys(instant_config* cfg, int enabled) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    cfg->cfg.idempotency_keys = enabled != 0;
    return record_ok();
  });
}

instant_error_t instant_config_validate(const instant_config* cfg) {
  return guard([&] {
    if (!cfg) return null_arg("cfg");
    instant::Status st;
    cfg->cfg.validate(st);
    return record(st);
  });
}

const char* instant_config_url(const instant_config* cfg) {
  if (!cfg) {
    null_arg("cfg");
    return nullptr;
  }
  return cfg->cfg.url.c_str();
}

const char* instant_config_site(const instant_config* cfg) {
  if (!cfg) {
    null_arg("cfg");
    return nullptr;
  }
  return cfg->cfg.site.c_str();
}

// ---- positions -------------------------------------------------------------------

instant_error_t instant_position_new(instant_position** out, uint64_t offset, const char* epoch) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    auto* p = new instant_position{};
    p->pos.offset = offset;
    if (epoch) p->pos.epoch = epoch;
    *out = p;
    return record_ok();
  });
}

void instant_position_free(instant_position* pos) { delete pos; }

uint64_t instant_position_offset(const instant_position* pos) {
  if (!pos) {
    null_arg("pos");
    return 0;
  }
  return pos->pos.offset;
}

const char* instant_position_epoch(const instant_position* pos) {
  if (!pos) {
    null_arg("pos");
    return nullptr;
  }
  return pos->pos.epoch.c_str();
}

// ---- publish options -----------------------------------------------------------------

instant_error_t instant_publish_options_new(instant_publish_options** out) { return new_handle(out); }

void instant_publish_options_free(instant_publish_options* opts) { delete opts; }

instant_error_t instant_publish_options_set_skip_history(instant_publish_options* opts, int skip) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.skip_history = skip != 0;
    return record_ok();
  });
}

instant_error_t instant_publish_options_add_tag(instant_publish_options* opts, const char* key,
                                                const char* value) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    if (!key) return null_arg("key");
    if (!value) return null_arg("value");
    opts->opts.tags.emplace_back(key, value);
    return record_ok();
  });
}

instant_error_t instant_publish_options_clear_tags(instant_publish_options* opts) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.tags.clear();
    return record_ok();
  });
}

instant_error_t instant_publish_options_set_idempotency_key(instant_publish_options* opts,
                                                            const char* key) {
  return set_string(opts, "opts", key, "key",
                    [&](std::string v) { opts->opts.idempotency_key = std::move(v); });
}

instant_error_t instant_publish_options_set_delta(instant_publish_options* opts, int delta) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.delta = delta != 0;
    return record_ok();
  });
}

instant_error_t instant_publish_options_set_version(instant_publish_options* opts, uint64_t version,
                                                    const char* epoch) {
  return guard([&] {
    if (!opts) return null_arg("opts");
    opts->opts.version = version;
    opts->opts.version_epoch = epoch ? epoch : "";
    return record_ok();
  });
}

// ---- events ----------------------------------------------------------------------------

instant_error_t instant_event_new(instant_event** out) { return new_handle(out); }

void instant_event_free(instant_event* ev) { delete ev; }

}  // extern "C"

namespace {
// An absent (NULL) value unsets an optional member.
std::optional<std::string> optional_text(const char* v) {
  return v ? std::optional<std::string>(v) : std::nullopt;
}
}  // namespace

extern "C" {

instant_error_t instant_event_set_message(instant_event* ev, const char* message) {
  return guard([&] {
    if (!ev) return null_arg("ev");
    ev->ev.message = optional_text(message);
    return record_ok();
  });
}

instant_error_t instant_event_set_data(instant_event* ev, const char* json) {
  return guard([&] {
    if (!ev) return null_arg("ev");
    ev->ev.data = optional_text(json);
    return record_ok();
  });
}

instant_error_t instant_event_set_event_class(instant_event* ev, const char* event_class) {
  return set_string(ev, "ev", event_class, "event_class",
                    [&](std::string v) { ev->ev.event_class = std::move(v); });
}

instant_error_t instant_event_set_bucket(instant_event* ev, const char* bucket) {
  return set_string(ev, "ev", bucket, "bucket", [&](std::string v) { ev->ev.bucket = std::move(v); });
}

instant_error_t instant_event_set_site(instant_event* ev, const char* site) {
  return guard([&] {
    if (!ev) return null_arg("ev");
    ev->ev.site = optional_text(site);
    return record_ok();
  });
}

instant_error_t instant_event_set_options(instant_event* ev, const instant_publish_options* opts) {
  return guard([&] {
    if (!ev) return null_arg("ev");
    ev->ev.options = opts ? opts->opts : instant::PublishOptions{};
    return record_ok();
  });
}

instant_error_t instant_event_envelope(char** out, const instant_event* ev, const char* channel,
                                       const char* default_site, instant_envelope_encoding_t enc) {
  return guard([&] {
    if (!out) return null_arg("out");
    *out = nullptr;
    if (!ev) return null_arg("ev");
    if (!channel) return null_arg("channel");
    instant::EnvelopeEncoding e;
    switch (enc) {
      case INSTANT_ENVELOPE_OBJECT: e = instant::EnvelopeEncoding::object; break;
      case INSTANT_ENVELOPE_STRING: e = instant::EnvelopeEncoding::string; break;
      default: return record(INSTANT_EINVAL, "invalid argument: 'enc' is not an INSTANT_ENVELOPE_* value");
    }
    instant::Status st;
    std::string env = instant::make_envelope(channel, ev->ev, default_site ? default_site : "Site", e, st);
    if (!st.ok()) return record(st);
    *out = dup_string(env);
    return record_ok();
  });
}

}  // extern "C"
