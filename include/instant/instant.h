/* instant.h - the stable C ABI of instant (libinstant_c).
 *
 * Conventions (docs/conventions.md): every function returns instant_error_t
 * (0 = INSTANT_OK, negative = failure) unless documented otherwise; out
 * parameters come first; strings returned by the library are freed with
 * instant_free(); handles are freed with their _free() function, and
 * _free(NULL) is a no-op. No exception crosses this boundary. The last
 * error is per thread; what may be shared between threads is stated per
 * object below and in docs/threading.md. Error codes: docs/errors.md. */
#ifndef INSTANT_H
#define INSTANT_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes: stable, never change meaning; new codes are appended. */
typedef int instant_error_t;
#define INSTANT_OK 0
#define INSTANT_EINVAL (-1)          /* invalid argument (before any I/O) */
#define INSTANT_ETRANSPORT (-2)      /* connection refused, DNS, TLS */
#define INSTANT_ETIMEOUT (-3)        /* timeout */
#define INSTANT_EUNAUTHORIZED (-4)   /* HTTP 401: wrong API key */
#define INSTANT_EHTTP (-5)           /* other non-200 HTTP status */
#define INSTANT_ESERVER (-6)         /* Centrifugo error reply (see server code) */
#define INSTANT_EMALFORMED (-7)      /* malformed reply */
#define INSTANT_EPARTIAL (-8)        /* some broadcast/batch items failed */
#define INSTANT_EJSON (-9)           /* invalid JSON input */
#define INSTANT_EUTF8 (-10)          /* invalid UTF-8 input */
#define INSTANT_ETOOLARGE (-11)      /* above a size limit */
#define INSTANT_ECHANNEL (-12)       /* invalid channel name */
#define INSTANT_ECONFIG (-13)        /* missing API key / HMAC key, bad URL */
#define INSTANT_ETOKEN_MALFORMED (-20)
#define INSTANT_ETOKEN_SIGNATURE (-21)
#define INSTANT_ETOKEN_EXPIRED (-22)
#define INSTANT_ETOKEN_NOT_YET_VALID (-23)
#define INSTANT_ETOKEN_ALGORITHM (-24)
#define INSTANT_ETOKEN_AUDIENCE (-25)
#define INSTANT_ETOKEN_ISSUER (-26)
#define INSTANT_ETOKEN_KID (-27)
#define INSTANT_ETOKEN_CLAIM (-28)
#define INSTANT_EWEAKKEY (-29)
#define INSTANT_EKEY (-30)
#define INSTANT_EIO (-40)
#define INSTANT_ENOTFOUND (-41)
#define INSTANT_EEXISTS (-42)
#define INSTANT_EFORBIDDEN (-43)
#define INSTANT_EINTERNAL (-50)
#define INSTANT_EQUEUEFULL (-60)     /* Publisher: queue at its bound */
#define INSTANT_EPURGED (-61)        /* Publisher: purged before it was sent */
#define INSTANT_ECLOSED (-62)        /* Publisher: closed */

/* ---- General ------------------------------------------------------------ */

/* A static description of an error code. Never NULL; never free it. */
INSTANT_API const char *instant_strerror(instant_error_t code);

/* The library version as INSTANT_VERSION_NUMBER, and as a static string. */
INSTANT_API int instant_version(void);
INSTANT_API const char *instant_version_string(void);

/* Frees a string returned by the library. NULL is a no-op. */
INSTANT_API void instant_free(void *p);

/* ---- Last error (thread-local) ---------------------------------------------
 * Every function returning instant_error_t records its outcome here (cleared
 * on success). Accessors returning other types record only an invalid
 * argument and otherwise leave the record alone. The record is per thread
 * and stays valid until the next recording call on that thread. */

/* Code of the calling thread's last recorded outcome (INSTANT_OK if none). */
INSTANT_API instant_error_t instant_last_error_code(void);
/* Its message; "" when none. Owned by the library; never NULL, never free it. */
INSTANT_API const char *instant_last_error_message(void);
/* Its HTTP status (0 when there was no HTTP reply). */
INSTANT_API int instant_last_error_http_status(void);
/* Its Centrifugo error code (0 when the server sent none). */
INSTANT_API int instant_last_error_server_code(void);

/* ---- Enumerations ----------------------------------------------------------- */

/* Which server API form a client calls (plain int constants: FFI-friendly). */
typedef int instant_api_mode_t;
#define INSTANT_API_MODE_V5 0     /* POST {url}/api/<method>, X-API-Key (v5, v6) */
#define INSTANT_API_MODE_LEGACY 1 /* POST {url}/api, Authorization: apikey (v4) */

/* How publish() puts the django-instant envelope into the publication. */
typedef int instant_envelope_encoding_t;
#define INSTANT_ENVELOPE_OBJECT 0 /* a JSON object (default) */
#define INSTANT_ENVELOPE_STRING 1 /* a JSON string holding the envelope (django-instant) */

/* ---- Configuration -----------------------------------------------------------
 * An instant_config is a plain option object: not shared state, not
 * thread-safe to modify concurrently. Clients copy it. */
typedef struct instant_config instant_config;

/* New config with defaults (url http://localhost:8000, site "Site", 1 s
 * connect / 5 s total timeout, TLS verified). Free with instant_config_free. */
INSTANT_API instant_error_t instant_config_new(instant_config **out);
/* New config from CENTRIFUGO_URL | CENTRIFUGO_HOST+CENTRIFUGO_PORT,
 * CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY, SITE_NAME and INSTANT_* variables;
 * INSTANT_ECONFIG on a malformed value. Free with instant_config_free. */
INSTANT_API instant_error_t instant_config_from_env(instant_config **out);
/* Frees a config. NULL is a no-op. */
INSTANT_API void instant_config_free(instant_config *cfg);
/* Base URL of Centrifugo without /api ("http://host:8000"); checked by validate. */
INSTANT_API instant_error_t instant_config_set_url(instant_config *cfg, const char *url);
/* The server API key (http_api.key). Copied; never appears in messages. */
INSTANT_API instant_error_t instant_config_set_api_key(instant_config *cfg, const char *api_key);
/* The HMAC key used for tokens (client.token.hmac_secret_key). Copied. */
INSTANT_API instant_error_t instant_config_set_hmac_key(instant_config *cfg, const char *hmac_key);
/* The default "site" of published envelopes. */
INSTANT_API instant_error_t instant_config_set_site(instant_config *cfg, const char *site);
/* Connect timeout in milliseconds (> 0). */
INSTANT_API instant_error_t instant_config_set_connect_timeout_ms(instant_config *cfg, int64_t ms);
/* Whole-request timeout in milliseconds (> 0). */
INSTANT_API instant_error_t instant_config_set_timeout_ms(instant_config *cfg, int64_t ms);
/* Verify the server's TLS certificate and host name (non-zero, the default) or not. */
INSTANT_API instant_error_t instant_config_set_verify_tls(instant_config *cfg, int verify);
/* PEM bundle to trust instead of the system store; "" restores the default. */
INSTANT_API instant_error_t instant_config_set_ca_file(instant_config *cfg, const char *path);
/* HTTP(S) proxy URL; "" connects directly. */
INSTANT_API instant_error_t instant_config_set_proxy(instant_config *cfg, const char *proxy_url);
/* Server API form (INSTANT_API_MODE_*). */
INSTANT_API instant_error_t instant_config_set_api_mode(instant_config *cfg, instant_api_mode_t mode);
/* Envelope encoding (INSTANT_ENVELOPE_*). */
INSTANT_API instant_error_t instant_config_set_envelope_encoding(instant_config *cfg,
                                                                 instant_envelope_encoding_t enc);
/* Largest request body sent, in bytes (> 0). */
INSTANT_API instant_error_t instant_config_set_max_payload(instant_config *cfg, size_t bytes);
/* Largest reply read, in bytes (> 0; default 64 MiB): a bigger reply is
 * INSTANT_ETOOLARGE and is not read further. */
INSTANT_API instant_error_t instant_config_set_max_reply(instant_config *cfg, size_t bytes);
/* Nonzero (default): every publish/broadcast without an idempotency key gets
 * a generated one, so a resend after a lost reply is dropped by Centrifugo;
 * 0: none, and such a publish is reported failed instead of resent. */
INSTANT_API instant_error_t instant_config_set_idempotency_keys(instant_config *cfg, int enabled);
/* Checks the URL's form and the timeouts: INSTANT_OK or INSTANT_ECONFIG. */
INSTANT_API instant_error_t instant_config_validate(const instant_config *cfg);
/* The configured URL. Owned by cfg, valid until it changes; NULL if cfg is NULL. */
INSTANT_API const char *instant_config_url(const instant_config *cfg);
/* The configured site name. Owned by cfg; NULL if cfg is NULL. */
INSTANT_API const char *instant_config_site(const instant_config *cfg);

/* ---- Stream positions ----------------------------------------------------------
 * A publication's place in its channel's stream: the result of a publish, and
 * the "since" of history and subscribe. Immutable; safe to share. */
typedef struct instant_position instant_position;

/* New position (epoch copied; NULL means ""). Free with instant_position_free. */
INSTANT_API instant_error_t instant_position_new(instant_position **out, uint64_t offset,
                                                 const char *epoch);
/* Frees a position. NULL is a no-op. */
INSTANT_API void instant_position_free(instant_position *pos);
/* The offset (0 when the channel keeps no history, or pos is NULL). */
INSTANT_API uint64_t instant_position_offset(const instant_position *pos);
/* The epoch ("" when none). Owned by pos; NULL if pos is NULL. */
INSTANT_API const char *instant_position_epoch(const instant_position *pos);

/* ---- Publish options ---------------------------------------------------------
 * Centrifugo publish fields beyond channel and data. A plain option object:
 * copied by every call that takes it. */
typedef struct instant_publish_options instant_publish_options;

/* New empty options. Free with instant_publish_options_free. */
INSTANT_API instant_error_t instant_publish_options_new(instant_publish_options **out);
/* Frees options. NULL is a no-op. */
INSTANT_API void instant_publish_options_free(instant_publish_options *opts);
/* Do not keep the publication in history (non-zero) or keep it (0, default). */
INSTANT_API instant_error_t instant_publish_options_set_skip_history(instant_publish_options *opts,
                                                                     int skip);
/* Appends a publication tag (key and value copied). */
INSTANT_API instant_error_t instant_publish_options_add_tag(instant_publish_options *opts,
                                                            const char *key, const char *value);
/* Removes every tag. */
INSTANT_API instant_error_t instant_publish_options_clear_tags(instant_publish_options *opts);
/* Idempotency key (dedup per channel for 5 min); "" unsets it. */
INSTANT_API instant_error_t instant_publish_options_set_idempotency_key(instant_publish_options *opts,
                                                                        const char *key);
/* Delta compression on (non-zero) or off. */
INSTANT_API instant_error_t instant_publish_options_set_delta(instant_publish_options *opts, int delta);
/* Publication version (0 unsets) and its epoch (NULL or "" unsets). */
INSTANT_API instant_error_t instant_publish_options_set_version(instant_publish_options *opts,
                                                                uint64_t version, const char *epoch);

/* ---- Events (the django-instant envelope) --------------------------------------
 * {"channel","site","message"?,"data"?,"event_class"?,"bucket"?}. A plain
 * option object; copied by the calls that take it. */
typedef struct instant_event instant_event;

/* New empty event. Free with instant_event_free. */
INSTANT_API instant_error_t instant_event_new(instant_event **out);
/* Frees an event. NULL is a no-op. */
INSTANT_API void instant_event_free(instant_event *ev);
/* The "message" (UTF-8 text); NULL removes it. */
INSTANT_API instant_error_t instant_event_set_message(instant_event *ev, const char *message);
/* The "data" as JSON text (validated on publish); NULL removes it. */
INSTANT_API instant_error_t instant_event_set_data(instant_event *ev, const char *json);
/* The "event_class"; "" leaves it out. */
INSTANT_API instant_error_t instant_event_set_event_class(instant_event *ev, const char *event_class);
/* The "bucket"; "" leaves it out. */
INSTANT_API instant_error_t instant_event_set_bucket(instant_event *ev, const char *bucket);
/* The "site"; NULL restores the configured default. */
INSTANT_API instant_error_t instant_event_set_site(instant_event *ev, const char *site);
/* Publish options for this event (copied); NULL resets them. */
INSTANT_API instant_error_t instant_event_set_options(instant_event *ev,
                                                      const instant_publish_options *opts);
/* The envelope JSON text for `channel` as publish would send it (site
 * defaulting to default_site, which may be NULL for "Site"). Free *out with
 * instant_free. */
INSTANT_API instant_error_t instant_event_envelope(char **out, const instant_event *ev,
                                                   const char *channel, const char *default_site,
                                                   instant_envelope_encoding_t enc);

/* ---- Client ----------------------------------------------------------------------
 * The Centrifugo v6 server HTTP API. A client may be used from many threads at
 * once (pooled keep-alive connections); free it only when no call runs. */
typedef struct instant_client instant_client;

/* New client with a copy of cfg (INSTANT_ECONFIG when invalid). No I/O yet.
 * Free with instant_client_free. */
INSTANT_API instant_error_t instant_client_new(instant_client **out, const instant_config *cfg);
/* New client configured from the environment (see instant_config_from_env). */
INSTANT_API instant_error_t instant_client_from_env(instant_client **out);
/* Frees a client and closes its connections. NULL is a no-op. */
INSTANT_API void instant_client_free(instant_client *client);
/* Counters: HTTP requests completed and TCP connections opened; either out may be NULL. */
INSTANT_API instant_error_t instant_client_stats(uint64_t *requests, uint64_t *connections_opened,
                                                 const instant_client *client);

/* django-instant publish into `channel`: the envelope with `message` (may be
 * NULL) and the event's fields (ev may be NULL); needs a message or data.
 * *out (may be NULL) receives the stream position; free it. */
INSTANT_API instant_error_t instant_client_publish(instant_position **out, instant_client *client,
                                                   const char *channel, const char *message,
                                                   const instant_event *ev);
/* Centrifugo publish as is: `data` is data_len bytes of JSON text. opts may
 * be NULL. *out (may be NULL) receives the position; free it. */
INSTANT_API instant_error_t instant_client_publish_raw(instant_position **out, instant_client *client,
                                                       const char *channel, const char *data,
                                                       size_t data_len,
                                                       const instant_publish_options *opts);
/* Publish len binary bytes (sent base64-encoded as b64data). Otherwise like
 * instant_client_publish_raw. */
INSTANT_API instant_error_t instant_client_publish_binary(instant_position **out,
                                                          instant_client *client,
                                                          const char *channel, const void *bytes,
                                                          size_t len,
                                                          const instant_publish_options *opts);

/* ---- Broadcast -------------------------------------------------------------------
 * Per-channel outcomes in the order of the channels. When some items failed
 * the call returns INSTANT_EPARTIAL and still sets *out. Results are immutable. */
typedef struct instant_broadcast_result instant_broadcast_result;

/* One publication of data_len bytes of JSON text into n_channels channels.
 * *out is required; free it with instant_broadcast_result_free. */
INSTANT_API instant_error_t instant_client_broadcast(instant_broadcast_result **out,
                                                     instant_client *client,
                                                     const char *const *channels, size_t n_channels,
                                                     const char *data, size_t data_len,
                                                     const instant_publish_options *opts);
/* The django-instant envelope into each channel (each names its own channel);
 * message and ev may be NULL as for instant_client_publish. */
INSTANT_API instant_error_t instant_client_broadcast_event(instant_broadcast_result **out,
                                                           instant_client *client,
                                                           const char *const *channels,
                                                           size_t n_channels, const char *message,
                                                           const instant_event *ev);
/* Frees a broadcast result. NULL is a no-op. */
INSTANT_API void instant_broadcast_result_free(instant_broadcast_result *res);
/* Number of items (0 for NULL). */
INSTANT_API size_t instant_broadcast_result_count(const instant_broadcast_result *res);
/* Item i's code: INSTANT_OK or INSTANT_ESERVER; INSTANT_EINVAL for a bad index. */
INSTANT_API instant_error_t instant_broadcast_result_code(const instant_broadcast_result *res,
                                                         size_t i);
/* Item i's error message ("" when ok). Owned by res; NULL for a bad index. */
INSTANT_API const char *instant_broadcast_result_message(const instant_broadcast_result *res,
                                                         size_t i);
/* Item i's Centrifugo error code (0 when ok or for a bad index). */
INSTANT_API int instant_broadcast_result_server_code(const instant_broadcast_result *res, size_t i);
/* Item i's stream offset (0 when none). */
INSTANT_API uint64_t instant_broadcast_result_offset(const instant_broadcast_result *res, size_t i);
/* Item i's stream epoch ("" when none). Owned by res; NULL for a bad index. */
INSTANT_API const char *instant_broadcast_result_epoch(const instant_broadcast_result *res,
                                                       size_t i);

/* ---- Batch -------------------------------------------------------------------------
 * Many commands in one request; replies in command order. A batch is a plain
 * option object (not thread-safe to modify); results are immutable. */
typedef struct instant_batch instant_batch;
typedef struct instant_batch_result instant_batch_result;

/* New empty batch. Free with instant_batch_free. */
INSTANT_API instant_error_t instant_batch_new(instant_batch **out);
/* Frees a batch. NULL is a no-op. */
INSTANT_API void instant_batch_free(instant_batch *batch);
/* Ask Centrifugo to run the commands in parallel (non-zero) or in order (0). */
INSTANT_API instant_error_t instant_batch_set_parallel(instant_batch *batch, int parallel);
/* Appends a publish of data_len bytes of JSON text (opts may be NULL). */
INSTANT_API instant_error_t instant_batch_add_publish(instant_batch *batch, const char *channel,
                                                      const char *data, size_t data_len,
                                                      const instant_publish_options *opts);
/* Appends a broadcast (opts may be NULL). */
INSTANT_API instant_error_t instant_batch_add_broadcast(instant_batch *batch,
                                                        const char *const *channels,
                                                        size_t n_channels, const char *data,
                                                        size_t data_len,
                                                        const instant_publish_options *opts);
/* Appends any server API command: method name and params as JSON object text. */
INSTANT_API instant_error_t instant_batch_add_command(instant_batch *batch, const char *method,
                                                      const char *params_json);
/* Number of commands (0 for NULL). */
INSTANT_API size_t instant_batch_size(const instant_batch *batch);
/* Sends the batch. *out is required; on INSTANT_OK or INSTANT_EPARTIAL it is
 * set; free it with instant_batch_result_free. */
INSTANT_API instant_error_t instant_client_batch(instant_batch_result **out, instant_client *client,
                                                 const instant_batch *batch);
/* Frees a batch result. NULL is a no-op. */
INSTANT_API void instant_batch_result_free(instant_batch_result *res);
/* Number of replies (0 for NULL). */
INSTANT_API size_t instant_batch_result_count(const instant_batch_result *res);
/* Reply i's code: INSTANT_OK, INSTANT_ESERVER or INSTANT_EMALFORMED; INSTANT_EINVAL for a bad index. */
INSTANT_API instant_error_t instant_batch_result_code(const instant_batch_result *res, size_t i);
/* Reply i's error message ("" when ok). Owned by res; NULL for a bad index. */
INSTANT_API const char *instant_batch_result_message(const instant_batch_result *res, size_t i);
/* Reply i's Centrifugo error code (0 when ok or for a bad index). */
INSTANT_API int instant_batch_result_server_code(const instant_batch_result *res, size_t i);
/* Reply i's method ("publish", ...). Owned by res; NULL for a bad index. */
INSTANT_API const char *instant_batch_result_method(const instant_batch_result *res, size_t i);
/* Reply i's result object as JSON text ("" on error). Owned by res; NULL for a bad index. */
INSTANT_API const char *instant_batch_result_json(const instant_batch_result *res, size_t i);
/* Reply i's stream offset for a publish (0 otherwise). */
INSTANT_API uint64_t instant_batch_result_offset(const instant_batch_result *res, size_t i);
/* Reply i's stream epoch for a publish ("" otherwise). Owned by res; NULL for a bad index. */
INSTANT_API const char *instant_batch_result_epoch(const instant_batch_result *res, size_t i);

/* ---- The rest of the server API ----------------------------------------------------
 * Optional string arguments may be NULL or "". JSON results are NUL-ended
 * UTF-8 text that the caller frees with instant_free. */

/* Subscribes `user`'s live connections (or one client / session) to `channel`;
 * info_json and data_json are optional JSON; recover_since may be NULL.
 * instant_client_subscribe_2 takes the same options as an option object. */
INSTANT_API instant_error_t instant_client_subscribe(instant_client *client, const char *user,
                                                     const char *channel, const char *client_id,
                                                     const char *session, const char *info_json,
                                                     const char *data_json,
                                                     const instant_position *recover_since);
/* Options of a server-side subscribe beyond user and channel. A plain option
 * object: copied by the call that takes it. */
typedef struct instant_subscribe_options instant_subscribe_options;

/* New options: every connection of the user, no info, data or recovery. Free
 * with instant_subscribe_options_free. */
INSTANT_API instant_error_t instant_subscribe_options_new(instant_subscribe_options **out);
/* Frees subscribe options. NULL is a no-op. */
INSTANT_API void instant_subscribe_options_free(instant_subscribe_options *opts);
/* Only this connection (client id); NULL or "" = every connection of the user. */
INSTANT_API instant_error_t instant_subscribe_options_set_client(instant_subscribe_options *opts,
                                                                 const char *client_id);
/* Only this session; NULL or "" = any session. */
INSTANT_API instant_error_t instant_subscribe_options_set_session(instant_subscribe_options *opts,
                                                                  const char *session);
/* Channel info as JSON text (validated when sent); NULL or "" leaves it out. */
INSTANT_API instant_error_t instant_subscribe_options_set_info(instant_subscribe_options *opts,
                                                               const char *json);
/* Data sent to the client on subscribe, as JSON text (validated when sent);
 * NULL or "" leaves it out. */
INSTANT_API instant_error_t instant_subscribe_options_set_data(instant_subscribe_options *opts,
                                                               const char *json);
/* Recover the stream from this position (copied); NULL: no recovery. */
INSTANT_API instant_error_t instant_subscribe_options_set_recover_since(
    instant_subscribe_options *opts, const instant_position *since);
/* Subscribes `user`'s live connections to `channel` with opts (NULL: the
 * defaults of instant_subscribe_options_new). */
INSTANT_API instant_error_t instant_client_subscribe_2(instant_client *client, const char *user,
                                                       const char *channel,
                                                       const instant_subscribe_options *opts);
/* Unsubscribes `user` (or one client / session) from `channel`. */
INSTANT_API instant_error_t instant_client_unsubscribe(instant_client *client, const char *user,
                                                       const char *channel, const char *client_id,
                                                       const char *session);
/* Disconnects `user` (or one client / session), keeping the n_whitelist
 * client IDs of whitelist (may be NULL when 0); code 0 is the server default,
 * else 3000-4999; reason optional. */
INSTANT_API instant_error_t instant_client_disconnect(instant_client *client, const char *user,
                                                      const char *client_id, const char *session,
                                                      const char *const *whitelist,
                                                      size_t n_whitelist, uint32_t code,
                                                      const char *reason);
/* Refreshes `user`'s connections: expired non-zero marks them expired;
 * expire_at (Unix seconds, 0 unset) sets their new expiry. */
INSTANT_API instant_error_t instant_client_refresh(instant_client *client, const char *user,
                                                   const char *client_id, const char *session,
                                                   int expired, int64_t expire_at);
/* Presence: *out = {"<client id>":{"client","user","conn_info"?,"chan_info"?}}. */
INSTANT_API instant_error_t instant_client_presence(char **out, instant_client *client,
                                                    const char *channel);
/* Presence counts; either out may be NULL. */
INSTANT_API instant_error_t instant_client_presence_stats(uint32_t *num_clients, uint32_t *num_users,
                                                          instant_client *client,
                                                          const char *channel);
/* History: limit 0 = position only, -1 = all kept; since may be NULL; reverse
 * non-zero = newest first. *out = {"publications":[{"data","info"?,"offset",
 * "tags"?}],"offset":N,"epoch":".."}. */
INSTANT_API instant_error_t instant_client_history(char **out, instant_client *client,
                                                   const char *channel, int limit,
                                                   const instant_position *since, int reverse);
/* Removes a channel's history. */
INSTANT_API instant_error_t instant_client_history_remove(instant_client *client,
                                                          const char *channel);
/* Active channels matching pattern (NULL or "" = all): *out = {"<name>":num_clients}. */
INSTANT_API instant_error_t instant_client_channels(char **out, instant_client *client,
                                                    const char *pattern);
/* Node information: *out = Centrifugo's info result {"nodes":[...]}. */
INSTANT_API instant_error_t instant_client_info(char **out, instant_client *client);
/* Any server API method with params as JSON object text (NULL = {}); *out =
 * the result object as JSON text. */
INSTANT_API instant_error_t instant_client_call(char **out, instant_client *client,
                                                const char *method, const char *params_json);

/* ---- Publisher (asynchronous) -------------------------------------------------------
 * instant::Publisher: publish returns at once after copying the publication
 * into a bounded queue; one background I/O thread sends the queue as
 * /api/batch requests, retries transient failures with the same idempotency
 * keys, fails over between endpoints and reports every publication exactly
 * once through the delivery callback (librdkafka's producer model;
 * docs/publisher.md). A publisher may be used from many threads at once;
 * free it only when no other call on it runs. */
typedef struct instant_publisher_config instant_publisher_config;
typedef struct instant_publisher instant_publisher;
typedef struct instant_delivery_report instant_delivery_report;

/* How a publication ended (instant_delivery_report_outcome). */
typedef int instant_delivery_t;
#define INSTANT_DELIVERY_DELIVERED 0          /* Centrifugo stored it */
#define INSTANT_DELIVERY_FAILED 1             /* not stored: permanent error, never sent, purged, closed */
#define INSTANT_DELIVERY_POSSIBLY_DELIVERED 2 /* given up after a request carrying it may have arrived */

/* The delivery callback: one call per publication, on the publisher's I/O
 * thread, one at a time. report is valid during the call only. It may call
 * instant_publisher_publish* (never blocking there) but not _flush, _close,
 * _purge (INSTANT_EINVAL) or _free (ignored). Keep it short. */
typedef void (*instant_delivery_report_fn)(const instant_delivery_report *report, void *userdata);

/* New publisher config with a copy of client (server URL, API key, timeouts,
 * site, envelope encoding; NULL: instant_config_new's defaults) and the
 * Publisher defaults (queue 100000 publications / 64 MiB, linger 1 ms, batches
 * of 1000 / 1 MiB, 2 in flight, message timeout 30 s, backoff 50..2000 ms,
 * stickiness 10 min, close timeout 10 s, no callback). A plain option object:
 * copied by instant_publisher_new. Free with instant_publisher_config_free. */
INSTANT_API instant_error_t instant_publisher_config_new(instant_publisher_config **out,
                                                         const instant_config *client);
/* Frees a publisher config. NULL is a no-op. */
INSTANT_API void instant_publisher_config_free(instant_publisher_config *cfg);
/* Appends a Centrifugo base URL (tried in order; none: the client config's URL),
 * checked by instant_publisher_new. Duplicate-free failover needs the nodes
 * to share a Redis engine. */
INSTANT_API instant_error_t instant_publisher_config_add_endpoint(instant_publisher_config *cfg,
                                                                  const char *url);
/* Queue bound: publications and their bytes from publish to report (both > 0). */
INSTANT_API instant_error_t instant_publisher_config_set_queue_limits(instant_publisher_config *cfg,
                                                                      size_t max_messages,
                                                                      size_t max_bytes);
/* How long a batch waits to fill, in milliseconds (0..60000). */
INSTANT_API instant_error_t instant_publisher_config_set_linger_ms(instant_publisher_config *cfg,
                                                                   int64_t ms);
/* Largest batch: publications and request body bytes (both > 0; the bytes at
 * most the client config's max_payload, checked by instant_publisher_new). */
INSTANT_API instant_error_t instant_publisher_config_set_batch_limits(instant_publisher_config *cfg,
                                                                      size_t max_messages,
                                                                      size_t max_bytes);
/* Requests in flight at once, on as many connections (1..64); each channel keeps to one. */
INSTANT_API instant_error_t instant_publisher_config_set_inflight(instant_publisher_config *cfg,
                                                                  size_t n);
/* From publish to the last attempt, in milliseconds (1..86400000). */
INSTANT_API instant_error_t instant_publisher_config_set_message_timeout_ms(
    instant_publisher_config *cfg, int64_t ms);
/* First retry delay and its cap, in milliseconds (1 <= initial <= max <= 86400000). */
INSTANT_API instant_error_t instant_publisher_config_set_retry_backoff_ms(instant_publisher_config *cfg,
                                                                          int64_t initial_ms,
                                                                          int64_t max_ms);
/* How long a lane stays on a fallback endpoint before trying the first again (0..86400000 ms). */
INSTANT_API instant_error_t instant_publisher_config_set_endpoint_stickiness_ms(
    instant_publisher_config *cfg, int64_t ms);
/* How long instant_publisher_free drains before it reports the rest (0..86400000 ms). */
INSTANT_API instant_error_t instant_publisher_config_set_close_timeout_ms(instant_publisher_config *cfg,
                                                                          int64_t ms);
/* The delivery callback (NULL: none) and its userdata; failures_only non-zero
 * skips delivered publications. */
INSTANT_API instant_error_t instant_publisher_config_set_delivery_cb(instant_publisher_config *cfg,
                                                                     instant_delivery_report_fn cb,
                                                                     int failures_only,
                                                                     void *userdata);

/* New publisher with a copy of cfg: checks it (INSTANT_ECONFIG: no API key,
 * bad URL; INSTANT_EINVAL: inconsistent limits) and starts the I/O thread; no
 * connection yet. Free with instant_publisher_free. */
INSTANT_API instant_error_t instant_publisher_new(instant_publisher **out,
                                                  const instant_publisher_config *cfg);
/* Closes (draining for the configured close timeout; what is left is reported)
 * and frees. NULL is a no-op; ignored from the publisher's own delivery callback. */
INSTANT_API void instant_publisher_free(instant_publisher *p);
/* Queues django-instant's envelope for channel with message (may be NULL) and
 * ev's fields (ev may be NULL; needs a message or data); returns at once.
 * block_ms > 0 waits up to that long for room, else INSTANT_EQUEUEFULL at
 * once; INSTANT_ECLOSED after close. Bad input is refused here, never queued.
 * On INSTANT_OK the callback later gets exactly one report carrying opaque.
 * Thread-safe. */
INSTANT_API instant_error_t instant_publisher_publish(instant_publisher *p, const char *channel,
                                                      const char *message, const instant_event *ev,
                                                      void *opaque, int64_t block_ms);
/* Queues Centrifugo's publish as is: data_len bytes of JSON text; opts may
 * be NULL. Otherwise like instant_publisher_publish. */
INSTANT_API instant_error_t instant_publisher_publish_raw(instant_publisher *p, const char *channel,
                                                          const char *data, size_t data_len,
                                                          const instant_publish_options *opts,
                                                          void *opaque, int64_t block_ms);
/* Queues len binary bytes (sent base64-encoded as b64data). Otherwise like
 * instant_publisher_publish_raw. */
INSTANT_API instant_error_t instant_publisher_publish_binary(instant_publisher *p,
                                                             const char *channel,
                                                             const void *bytes, size_t len,
                                                             const instant_publish_options *opts,
                                                             void *opaque, int64_t block_ms);
/* Queues one publication of data_len bytes of JSON text into n_channels
 * channels: one report, delivered when every channel stored it (its channel
 * is the first). Otherwise like instant_publisher_publish_raw. */
INSTANT_API instant_error_t instant_publisher_broadcast(instant_publisher *p,
                                                        const char *const *channels,
                                                        size_t n_channels, const char *data,
                                                        size_t data_len,
                                                        const instant_publish_options *opts,
                                                        void *opaque, int64_t block_ms);
/* Sends what is queued without lingering and waits until every publication
 * queued so far is reported: INSTANT_ETIMEOUT after timeout_ms (>= 0);
 * INSTANT_ECLOSED after close. Thread-safe; not from the callback. */
INSTANT_API instant_error_t instant_publisher_flush(instant_publisher *p, int64_t timeout_ms);
/* Stops accepting, flushes for up to timeout_ms (>= 0), reports what is left
 * (queued: failed with INSTANT_ECLOSED; in flight: possibly delivered) and
 * stops the I/O thread: INSTANT_ETIMEOUT when something was left. Idempotent;
 * not from the callback. The handle stays valid until freed. */
INSTANT_API instant_error_t instant_publisher_close(instant_publisher *p, int64_t timeout_ms);
/* Drops every queued publication not yet sent (each reported failed with
 * INSTANT_EPURGED; those on the wire finish). *purged (may be NULL) gets the
 * count. Thread-safe; not from the callback. */
INSTANT_API instant_error_t instant_publisher_purge(size_t *purged, instant_publisher *p);
/* Counters since start as one JSON object: enqueued, delivered, failed,
 * possibly_delivered, purged, retried, batches, bytes, queue_full, queued,
 * queued_bytes, in_flight, connections_opened, latency_us {p50,p90,p99,max},
 * endpoints [{url,requests,failures,current}]. Free *out. Thread-safe. */
INSTANT_API instant_error_t instant_publisher_stats_json(char **out, const instant_publisher *p);
/* The same counters in Prometheus text exposition format. Free *out. Thread-safe. */
INSTANT_API instant_error_t instant_publisher_stats_prometheus(char **out,
                                                               const instant_publisher *p);

/* ---- Delivery reports: read inside the callback only ----------------------------------
 * Strings are owned by the report and valid during the callback only. */

/* The opaque pointer given to publish (NULL for NULL). */
INSTANT_API void *instant_delivery_report_opaque(const instant_delivery_report *report);
/* INSTANT_DELIVERY_*; -1 for NULL. */
INSTANT_API instant_delivery_t instant_delivery_report_outcome(const instant_delivery_report *report);
/* INSTANT_OK when delivered, else the failure's code (INSTANT_ETRANSPORT,
 * INSTANT_ESERVER, INSTANT_EPURGED, ...); INSTANT_EINVAL for NULL. */
INSTANT_API instant_error_t instant_delivery_report_error(const instant_delivery_report *report);
/* The HTTP status that came with the failure (0 when none or NULL). */
INSTANT_API int instant_delivery_report_http_status(const instant_delivery_report *report);
/* Centrifugo's error code (0 when none or NULL). */
INSTANT_API int instant_delivery_report_server_code(const instant_delivery_report *report);
/* The failure's message ("" when delivered); NULL for NULL. */
INSTANT_API const char *instant_delivery_report_message(const instant_delivery_report *report);
/* The publication's channel (a broadcast's first); NULL for NULL. */
INSTANT_API const char *instant_delivery_report_channel(const instant_delivery_report *report);
/* The idempotency key it was sent with (the caller's or a generated one); NULL for NULL. */
INSTANT_API const char *instant_delivery_report_idempotency_key(const instant_delivery_report *report);
/* Its stream offset when delivered into a channel with history (else 0). */
INSTANT_API uint64_t instant_delivery_report_offset(const instant_delivery_report *report);
/* Its stream epoch ("" when none); NULL for NULL. */
INSTANT_API const char *instant_delivery_report_epoch(const instant_delivery_report *report);
/* Nanoseconds from publish to this report (0 for NULL). */
INSTANT_API int64_t instant_delivery_report_latency_ns(const instant_delivery_report *report);
/* Requests that carried it (0: never sent, or NULL). */
INSTANT_API uint32_t instant_delivery_report_attempts(const instant_delivery_report *report);

/* ---- Tokens: algorithms --------------------------------------------------------------
 * Centrifugo v6 JWTs. EdDSA only through a JWKS endpoint; "none" never. */
typedef int instant_algorithm_t;
#define INSTANT_ALG_HS256 0
#define INSTANT_ALG_HS384 1
#define INSTANT_ALG_HS512 2
#define INSTANT_ALG_RS256 3
#define INSTANT_ALG_RS384 4
#define INSTANT_ALG_RS512 5
#define INSTANT_ALG_ES256 6
#define INSTANT_ALG_ES384 7
#define INSTANT_ALG_ES512 8
#define INSTANT_ALG_EDDSA 9

/* The JOSE name of alg ("HS256", ...), static; NULL (and EINVAL recorded) if unknown. */
INSTANT_API const char *instant_algorithm_name(instant_algorithm_t alg);
/* Parses a JOSE name (exact case) into *out; INSTANT_EINVAL for unknown names and "none". */
INSTANT_API instant_error_t instant_algorithm_from_name(instant_algorithm_t *out, const char *name);

/* ---- Tokens: claims -------------------------------------------------------------------
 * One option object for both token kinds; the connection-only and
 * subscription-only members are used by the matching sign call. Times are
 * Unix seconds. Not thread-safe to modify; copied by the sign calls. */
typedef struct instant_claims instant_claims;

/* New empty claims (anonymous sub, exp = now + the signer's lifetime). Free with instant_claims_free. */
INSTANT_API instant_error_t instant_claims_new(instant_claims **out);
/* Frees claims. NULL is a no-op. */
INSTANT_API void instant_claims_free(instant_claims *claims);
/* Sets claims from a JSON object: sub, exp, iat, nbf, jti, aud (string or
 * array), iss, info, b64info, expire_at, channels, subs, meta, channel,
 * client, data, b64data, override are mapped; other members become custom
 * claims. Replaces everything set before. INSTANT_EJSON on bad JSON. */
INSTANT_API instant_error_t instant_claims_set_json(instant_claims *claims, const char *json);
/* The user id (sub); "" is anonymous. */
INSTANT_API instant_error_t instant_claims_set_sub(instant_claims *claims, const char *sub);
/* Absolute expiry (0: now + ttl or the signer's lifetime). */
INSTANT_API instant_error_t instant_claims_set_exp(instant_claims *claims, int64_t exp);
/* Lifetime of this token in seconds (0: the signer's lifetime). */
INSTANT_API instant_error_t instant_claims_set_ttl(instant_claims *claims, int64_t ttl);
/* Non-zero: leave exp out, the token never expires (explicit opt-in). */
INSTANT_API instant_error_t instant_claims_set_no_expiry(instant_claims *claims, int no_expiry);
/* Issued-at (0: now). */
INSTANT_API instant_error_t instant_claims_set_iat(instant_claims *claims, int64_t iat);
/* Non-zero: leave iat out. */
INSTANT_API instant_error_t instant_claims_set_omit_iat(instant_claims *claims, int omit);
/* Not-before (0: left out). */
INSTANT_API instant_error_t instant_claims_set_nbf(instant_claims *claims, int64_t nbf);
/* Token id (jti); "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_jti(instant_claims *claims, const char *jti);
/* Appends an audience (one: a string claim; several: an array). */
INSTANT_API instant_error_t instant_claims_add_audience(instant_claims *claims, const char *aud);
/* Issuer (iss); "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_issuer(instant_claims *claims, const char *iss);
/* Connection/subscription info as JSON text; "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_info(instant_claims *claims, const char *json);
/* Info as standard base64; "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_b64info(instant_claims *claims, const char *b64);
/* expire_at: 0 = never expires, else a time; unset (the default) = exp is used. */
INSTANT_API instant_error_t instant_claims_set_expire_at(instant_claims *claims, int64_t expire_at);
/* Removes expire_at again. */
INSTANT_API instant_error_t instant_claims_clear_expire_at(instant_claims *claims);
/* Custom claims as JSON object text; "" = none. */
INSTANT_API instant_error_t instant_claims_set_extra(instant_claims *claims, const char *json_object);
/* Connection tokens: appends a server-side subscription (channels claim). */
INSTANT_API instant_error_t instant_claims_add_channel(instant_claims *claims, const char *channel);
/* Connection tokens: appends a subs entry for channel; info_json, b64info,
 * data_json and b64data are optional (NULL or ""). */
INSTANT_API instant_error_t instant_claims_add_subscription(instant_claims *claims, const char *channel,
                                                            const char *info_json, const char *b64info,
                                                            const char *data_json, const char *b64data);
/* Connection tokens: meta as JSON object text; "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_meta(instant_claims *claims, const char *json_object);
/* Subscription tokens: the channel (required there). */
INSTANT_API instant_error_t instant_claims_set_channel(instant_claims *claims, const char *channel);
/* Subscription tokens: bind to one client id; "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_client(instant_claims *claims, const char *client_id);
/* Subscription tokens: data as JSON text; "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_data(instant_claims *claims, const char *json);
/* Subscription tokens: data as standard base64; "" leaves it out. */
INSTANT_API instant_error_t instant_claims_set_b64data(instant_claims *claims, const char *b64);
/* Subscription tokens: one override member ("presence", "join_leave",
 * "force_push_join_leave", "force_positioning", "force_recovery") set to
 * value (0/1); INSTANT_EINVAL for another name. */
INSTANT_API instant_error_t instant_claims_set_override(instant_claims *claims, const char *name,
                                                        int value);

/* ---- Tokens: signer ----------------------------------------------------------------------
 * Immutable after creation; sign from any number of threads at once. */
typedef struct instant_signer_options instant_signer_options;
typedef struct instant_signer instant_signer;

/* New signer options (lifetime 86400 s, no kid, strong keys only). Free with instant_signer_options_free. */
INSTANT_API instant_error_t instant_signer_options_new(instant_signer_options **out);
/* Frees signer options. NULL is a no-op. */
INSTANT_API void instant_signer_options_free(instant_signer_options *opts);
/* Default token lifetime in seconds (> 0). */
INSTANT_API instant_error_t instant_signer_options_set_lifetime(instant_signer_options *opts,
                                                                int64_t seconds);
/* Key id written to the header; "" for none. */
INSTANT_API instant_error_t instant_signer_options_set_kid(instant_signer_options *opts, const char *kid);
/* Non-zero accepts weak keys (HMAC shorter than the hash, RSA < 2048 bits). */
INSTANT_API instant_error_t instant_signer_options_set_allow_weak_key(instant_signer_options *opts,
                                                                      int allow);
/* Largest token in bytes the signer produces (> 0). */
INSTANT_API instant_error_t instant_signer_options_set_max_token_size(instant_signer_options *opts,
                                                                      size_t bytes);

/* New HMAC signer (HS256/384/512) over key_len key bytes (copied); opts may
 * be NULL. INSTANT_EWEAKKEY for a short key. Free with instant_signer_free. */
INSTANT_API instant_error_t instant_signer_new_hmac(instant_signer **out, const void *key,
                                                    size_t key_len, instant_algorithm_t alg,
                                                    const instant_signer_options *opts);
/* New RS/ES/EdDSA signer from an unencrypted PEM private key; opts may be NULL. */
INSTANT_API instant_error_t instant_signer_new_pem(instant_signer **out, const char *pem,
                                                   instant_algorithm_t alg,
                                                   const instant_signer_options *opts);
/* Frees a signer. NULL is a no-op. */
INSTANT_API void instant_signer_free(instant_signer *signer);
/* The signer's algorithm; -1 (and EINVAL recorded) for NULL. */
INSTANT_API instant_algorithm_t instant_signer_algorithm(const instant_signer *signer);
/* A connection token for claims; *out freed with instant_free. Thread-safe. */
INSTANT_API instant_error_t instant_signer_connection_token(char **out, const instant_signer *signer,
                                                            const instant_claims *claims);
/* A subscription token for claims (channel required); *out freed with instant_free. */
INSTANT_API instant_error_t instant_signer_subscription_token(char **out, const instant_signer *signer,
                                                              const instant_claims *claims);
/* The public key as a JWK object; INSTANT_EKEY for HMAC. *out freed with instant_free. */
INSTANT_API instant_error_t instant_signer_jwk(char **out, const instant_signer *signer);
/* The public key as PEM (BEGIN PUBLIC KEY); INSTANT_EKEY for HMAC. *out freed with instant_free. */
INSTANT_API instant_error_t instant_signer_public_key_pem(char **out, const instant_signer *signer);
/* A JWKS document {"keys":[...]} of n signers' public keys, current key
 * first. *out freed with instant_free. */
INSTANT_API instant_error_t instant_jwks(char **out, const instant_signer *const *signers, size_t n);

/* ---- Tokens: verifier ----------------------------------------------------------------------
 * Safe to share for verify once its keys are added; adding keys must not
 * race with verify. */
typedef struct instant_verify_options instant_verify_options;
typedef struct instant_verifier instant_verifier;
typedef struct instant_verified_token instant_verified_token;

/* Which token kind verify expects. */
typedef int instant_token_kind_t;
#define INSTANT_TOKEN_ANY 0          /* no kind-specific check */
#define INSTANT_TOKEN_CONNECTION 1   /* refuse a channel claim */
#define INSTANT_TOKEN_SUBSCRIPTION 2 /* require a channel claim */

/* New verify options (exp required, no leeway, 64 KiB max). Free with instant_verify_options_free. */
INSTANT_API instant_error_t instant_verify_options_new(instant_verify_options **out);
/* Frees verify options. NULL is a no-op. */
INSTANT_API void instant_verify_options_free(instant_verify_options *opts);
/* Non-zero (default): a token without exp fails with INSTANT_ETOKEN_CLAIM. */
INSTANT_API instant_error_t instant_verify_options_set_require_exp(instant_verify_options *opts,
                                                                   int require);
/* Seconds of clock skew allowed for exp/nbf/iat (>= 0). */
INSTANT_API instant_error_t instant_verify_options_set_leeway(instant_verify_options *opts,
                                                              int64_t seconds);
/* Appends an accepted audience (aud must contain one of them). */
INSTANT_API instant_error_t instant_verify_options_add_audience(instant_verify_options *opts,
                                                                const char *aud);
/* Required issuer; "" for any. */
INSTANT_API instant_error_t instant_verify_options_set_issuer(instant_verify_options *opts,
                                                              const char *iss);
/* Longest token accepted, in bytes (> 0). */
INSTANT_API instant_error_t instant_verify_options_set_max_token_size(instant_verify_options *opts,
                                                                      size_t bytes);
/* Evaluation time in Unix seconds (0: the system clock). */
INSTANT_API instant_error_t instant_verify_options_set_now(instant_verify_options *opts, int64_t now);

/* New verifier with a copy of opts (NULL: defaults). Free with instant_verifier_free. */
INSTANT_API instant_error_t instant_verifier_new(instant_verifier **out,
                                                 const instant_verify_options *opts);
/* Frees a verifier. NULL is a no-op. */
INSTANT_API void instant_verifier_free(instant_verifier *verifier);
/* Adds an HMAC key (copied); kid NULL or "" = any kid; allow_weak non-zero accepts short keys. */
INSTANT_API instant_error_t instant_verifier_add_hmac(instant_verifier *verifier, const void *key,
                                                      size_t key_len, instant_algorithm_t alg,
                                                      const char *kid, int allow_weak);
/* Adds a PEM public (or private) key for an RS/ES/EdDSA alg; kid optional. */
INSTANT_API instant_error_t instant_verifier_add_pem(instant_verifier *verifier, const char *pem,
                                                     instant_algorithm_t alg, const char *kid);
/* Adds the key of a signer (its algorithm and kid). */
INSTANT_API instant_error_t instant_verifier_add_signer(instant_verifier *verifier,
                                                        const instant_signer *signer);
/* Number of keys added (0 for NULL). */
INSTANT_API size_t instant_verifier_key_count(const instant_verifier *verifier);
/* Verifies token; each failure has its own INSTANT_ETOKEN_* code. *out (may
 * be NULL) receives the decoded token; free it. Thread-safe. */
INSTANT_API instant_error_t instant_verifier_verify(instant_verified_token **out,
                                                    const instant_verifier *verifier,
                                                    const char *token, instant_token_kind_t kind);
/* Frees a verified token. NULL is a no-op. */
INSTANT_API void instant_verified_token_free(instant_verified_token *tok);
/* Its algorithm; -1 for NULL. */
INSTANT_API instant_algorithm_t instant_verified_token_algorithm(const instant_verified_token *tok);
/* Its header kid ("" when absent). Owned by tok; NULL for NULL. */
INSTANT_API const char *instant_verified_token_kid(const instant_verified_token *tok);
/* Its header JSON text. Owned by tok; NULL for NULL. */
INSTANT_API const char *instant_verified_token_header(const instant_verified_token *tok);
/* Its claims JSON text. Owned by tok; NULL for NULL. */
INSTANT_API const char *instant_verified_token_claims(const instant_verified_token *tok);
/* Its sub ("" when absent). Owned by tok; NULL for NULL. */
INSTANT_API const char *instant_verified_token_sub(const instant_verified_token *tok);
/* Its channel ("" when absent). Owned by tok; NULL for NULL. */
INSTANT_API const char *instant_verified_token_channel(const instant_verified_token *tok);
/* Its exp (0 when absent or tok is NULL). */
INSTANT_API int64_t instant_verified_token_exp(const instant_verified_token *tok);
/* Its iat (0 when absent or tok is NULL). */
INSTANT_API int64_t instant_verified_token_iat(const instant_verified_token *tok);
/* Its nbf (0 when absent or tok is NULL). */
INSTANT_API int64_t instant_verified_token_nbf(const instant_verified_token *tok);

/* ---- Channels and users -------------------------------------------------------------
 * django-instant's model: a channel has a name, a level, a list of groups and
 * an active flag; users are mapped into id, staff, superuser and groups. */
typedef int instant_level_t;
#define INSTANT_LEVEL_PUBLIC 0
#define INSTANT_LEVEL_USERS 1
#define INSTANT_LEVEL_GROUPS 2
#define INSTANT_LEVEL_STAFF 3
#define INSTANT_LEVEL_SUPERUSER 4

/* The name of a level ("public", ...), static; NULL (EINVAL recorded) if unknown. */
INSTANT_API const char *instant_level_name(instant_level_t level);
/* Parses a lowercase level name into *out; INSTANT_EINVAL otherwise. */
INSTANT_API instant_error_t instant_level_from_name(instant_level_t *out, const char *name);
/* Checks name against Centrifugo's default channel rules; INSTANT_ECHANNEL with the reason. */
INSTANT_API instant_error_t instant_channel_validate(const char *name);
/* The namespace of a channel name ("chat" for "$chat:room", "" if none); free *out. */
INSTANT_API instant_error_t instant_channel_namespace(char **out, const char *name);
/* The private form of a name ("$" + name unless it starts with "$"); free *out. */
INSTANT_API instant_error_t instant_channel_private_name(char **out, const char *name);

typedef struct instant_user instant_user;

/* New authenticated user with id (the JWT sub; non-empty). Free with instant_user_free. */
INSTANT_API instant_error_t instant_user_new(instant_user **out, const char *id);
/* New anonymous user. Free with instant_user_free. */
INSTANT_API instant_error_t instant_user_new_anonymous(instant_user **out);
/* Frees a user. NULL is a no-op. */
INSTANT_API void instant_user_free(instant_user *user);
/* Marks the user staff (non-zero) or not. */
INSTANT_API instant_error_t instant_user_set_staff(instant_user *user, int staff);
/* Marks the user superuser (non-zero) or not. */
INSTANT_API instant_error_t instant_user_set_superuser(instant_user *user, int superuser);
/* Adds the user to a group (by name). */
INSTANT_API instant_error_t instant_user_add_group(instant_user *user, const char *group);

/* ---- Registry and authorization --------------------------------------------------------
 * The host's channel table. Every function may be called concurrently; readers
 * see a consistent snapshot while writers update. JSON shapes: a channel is
 * {"name","level","groups":[..],"active"}; the registry file is {"channels":[..]}. */
typedef struct instant_registry instant_registry;

/* Registry flags (combine with |). */
#define INSTANT_REGISTRY_PREFIX_PRIVATE 1u /* prefix "$" to every non-public channel added */
#define INSTANT_REGISTRY_ALLOW_NON_ASCII 2u /* accept non-ASCII names (namespace channel_regex) */

/* New empty registry with INSTANT_REGISTRY_* flags. Free with instant_registry_free. */
INSTANT_API instant_error_t instant_registry_new(instant_registry **out, unsigned flags);
/* Frees a registry. NULL is a no-op. */
INSTANT_API void instant_registry_free(instant_registry *reg);
/* Adds a channel (groups may be NULL when n_groups is 0); INSTANT_EEXISTS if
 * taken. *stored_name (may be NULL) receives the stored name; free it. */
INSTANT_API instant_error_t instant_registry_add(char **stored_name, instant_registry *reg,
                                                 const char *name, instant_level_t level,
                                                 const char *const *groups, size_t n_groups,
                                                 int active);
/* Replaces the channel of that name; INSTANT_ENOTFOUND otherwise. */
INSTANT_API instant_error_t instant_registry_update(instant_registry *reg, const char *name,
                                                    instant_level_t level,
                                                    const char *const *groups, size_t n_groups,
                                                    int active);
/* Removes a channel by exact name; INSTANT_ENOTFOUND otherwise. */
INSTANT_API instant_error_t instant_registry_remove(instant_registry *reg, const char *name);
/* Number of channels (0 for NULL). */
INSTANT_API size_t instant_registry_size(const instant_registry *reg);
/* The channel named name as JSON; INSTANT_ENOTFOUND if none. Free *out. */
INSTANT_API instant_error_t instant_registry_find(char **out, const instant_registry *reg,
                                                  const char *name);
/* The registry as JSON ({"channels":[...]}). Free *out. */
INSTANT_API instant_error_t instant_registry_to_json(char **out, const instant_registry *reg);
/* Replaces the contents with the JSON text; nothing changes on error. */
INSTANT_API instant_error_t instant_registry_load_json(instant_registry *reg, const char *json);
/* load_json of a file; INSTANT_EIO when unreadable. */
INSTANT_API instant_error_t instant_registry_load(instant_registry *reg, const char *path);
/* Writes the registry atomically to path; INSTANT_EIO on failure (path intact). */
INSTANT_API instant_error_t instant_registry_save(const instant_registry *reg, const char *path);
/* The channels user may use, as compact {"channels":[...]} (deduplicated, in order);
 * anonymous_public non-zero gives anonymous users the public channels. Free *out.
 * This and the next two take the one option as an int; the _2 forms below take
 * an instant_authorize_options. */
INSTANT_API instant_error_t instant_registry_for_user(char **out, const instant_registry *reg,
                                                      const instant_user *user, int anonymous_public);
/* One decision per channel: [{"channel","allowed","reason"}]. Free *out. */
INSTANT_API instant_error_t instant_registry_explain(char **out, const instant_registry *reg,
                                                     const instant_user *user, int anonymous_public);
/* *allowed = 1 when user may use the registered channel, else 0;
 * INSTANT_ENOTFOUND for an unregistered channel. */
INSTANT_API instant_error_t instant_registry_is_authorized(int *allowed, const instant_registry *reg,
                                                           const instant_user *user,
                                                           const char *channel, int anonymous_public);

/* Options of the authorization rule (django-instant's, docs/channels.md). A
 * plain option object: copied by the calls that take it. */
typedef struct instant_authorize_options instant_authorize_options;

/* New options: anonymous users get no channel. Free with instant_authorize_options_free. */
INSTANT_API instant_error_t instant_authorize_options_new(instant_authorize_options **out);
/* Frees authorize options. NULL is a no-op. */
INSTANT_API void instant_authorize_options_free(instant_authorize_options *opts);
/* Non-zero gives anonymous users the active public channels. */
INSTANT_API instant_error_t instant_authorize_options_set_anonymous_public(
    instant_authorize_options *opts, int allow);

/* The channels user may use, as compact {"channels":[...]} (deduplicated, in
 * order); opts may be NULL (the defaults). Free *out. */
INSTANT_API instant_error_t instant_registry_for_user_2(char **out, const instant_registry *reg,
                                                        const instant_user *user,
                                                        const instant_authorize_options *opts);
/* One decision per channel: [{"channel","allowed","reason"}]; opts may be NULL. Free *out. */
INSTANT_API instant_error_t instant_registry_explain_2(char **out, const instant_registry *reg,
                                                       const instant_user *user,
                                                       const instant_authorize_options *opts);
/* *allowed = 1 when user may use the registered channel, else 0; opts may be
 * NULL; INSTANT_ENOTFOUND for an unregistered channel. */
INSTANT_API instant_error_t instant_registry_is_authorized_2(int *allowed,
                                                             const instant_registry *reg,
                                                             const instant_user *user,
                                                             const char *channel,
                                                             const instant_authorize_options *opts);

/* ---- Bundle (django-instant's login / get_token / subscribe payload) ----------------------- */

/* Where server-side subscriptions go in the connection token. */
typedef int instant_server_side_t;
#define INSTANT_SERVER_SIDE_OFF 0      /* per-channel subscription tokens */
#define INSTANT_SERVER_SIDE_CHANNELS 1 /* the channels claim */
#define INSTANT_SERVER_SIDE_SUBS 2     /* the subs claim */

/* Bundle settings. A plain option object: copied by the call that takes it. */
typedef struct instant_bundle_options instant_bundle_options;

/* New options: tokens valid 86400 s, INSTANT_SERVER_SIDE_OFF, anonymous users
 * refused. Free with instant_bundle_options_free. */
INSTANT_API instant_error_t instant_bundle_options_new(instant_bundle_options **out);
/* Frees bundle options. NULL is a no-op. */
INSTANT_API void instant_bundle_options_free(instant_bundle_options *opts);
/* Lifetime of the connection and subscription tokens in seconds (1..315360000). */
INSTANT_API instant_error_t instant_bundle_options_set_lifetime(instant_bundle_options *opts,
                                                                int64_t seconds);
/* Where server-side subscriptions go (INSTANT_SERVER_SIDE_*). */
INSTANT_API instant_error_t instant_bundle_options_set_server_side(instant_bundle_options *opts,
                                                                   instant_server_side_t server_side);
/* The authorization options (copied); NULL restores the defaults. With
 * anonymous_public an anonymous user gets a bundle of the public channels. */
INSTANT_API instant_error_t instant_bundle_options_set_authorize(
    instant_bundle_options *opts, const instant_authorize_options *authorize);
/* {"csrf_token","ws_token","channels":[{"name","level","token"}]} for user's
 * authorized channels; opts may be NULL (the defaults). INSTANT_EFORBIDDEN for
 * an anonymous user unless the options allow public channels for them. Holds
 * tokens: keep it out of logs. Free *out. */
INSTANT_API instant_error_t instant_bundle_make(char **out, const instant_signer *signer,
                                                const instant_registry *reg,
                                                const instant_user *user, const char *csrf_token,
                                                const instant_bundle_options *opts);
/* instant_bundle_make with the options as arguments: tokens valid lifetime
 * seconds (> 0), server_side, anonymous_public. */
INSTANT_API instant_error_t instant_bundle_json(char **out, const instant_signer *signer,
                                                const instant_registry *reg,
                                                const instant_user *user, const char *csrf_token,
                                                int64_t lifetime, instant_server_side_t server_side,
                                                int anonymous_public);

/* ---- Proxy handlers (Centrifugo's connect/refresh/subscribe/sub_refresh proxies) -------------
 * Request body in, reply JSON out; the host owns HTTP and resolves users
 * through a callback. Malformed requests get an error reply, not a failure. */
typedef int instant_proxy_kind_t;
#define INSTANT_PROXY_CONNECT 0
#define INSTANT_PROXY_REFRESH 1
#define INSTANT_PROXY_SUBSCRIBE 2
#define INSTANT_PROXY_SUB_REFRESH 3

typedef struct instant_proxy_options instant_proxy_options;
typedef struct instant_proxy_request instant_proxy_request;

/* The host's user lookup: set *out to a new instant_user (the library takes
 * and frees it) or leave it NULL for an unknown user; return 0, or non-zero
 * for an internal failure. Called on the handler's thread. */
typedef int (*instant_user_resolver_fn)(instant_user **out, const instant_proxy_request *req,
                                        void *userdata);

/* The request's user field ("" when absent). Owned by req; NULL for NULL. */
INSTANT_API const char *instant_proxy_request_user(const instant_proxy_request *req);
/* The request's client id. Owned by req; NULL for NULL. */
INSTANT_API const char *instant_proxy_request_client(const instant_proxy_request *req);
/* The request's channel ("" when absent). Owned by req; NULL for NULL. */
INSTANT_API const char *instant_proxy_request_channel(const instant_proxy_request *req);
/* The value of HTTP header name (case-insensitive), NULL when absent. Owned by req. */
INSTANT_API const char *instant_proxy_request_header(const instant_proxy_request *req,
                                                     const char *name);

/* New proxy options (no lifetimes, 64 KiB requests). Free with instant_proxy_options_free. */
INSTANT_API instant_error_t instant_proxy_options_new(instant_proxy_options **out);
/* Frees proxy options. NULL is a no-op. */
INSTANT_API void instant_proxy_options_free(instant_proxy_options *opts);
/* Non-zero gives anonymous users the public channels. */
INSTANT_API instant_error_t instant_proxy_options_set_anonymous_public(instant_proxy_options *opts,
                                                                       int allow);
/* Connection and subscription lifetimes in seconds (0: no expire_at). */
INSTANT_API instant_error_t instant_proxy_options_set_lifetimes(instant_proxy_options *opts,
                                                                int64_t connection,
                                                                int64_t subscription);
/* Non-zero: the connect result lists the user's channels (server-side subscriptions). */
INSTANT_API instant_error_t instant_proxy_options_set_server_side(instant_proxy_options *opts,
                                                                  int enabled);
/* Largest request body in bytes (> 0). */
INSTANT_API instant_error_t instant_proxy_options_set_max_request_bytes(instant_proxy_options *opts,
                                                                        size_t bytes);
/* Evaluation time in Unix seconds (0: the system clock). */
INSTANT_API instant_error_t instant_proxy_options_set_now(instant_proxy_options *opts, int64_t now);
/* The authorization options (copied; NULL restores the defaults): the same
 * setting as instant_proxy_options_set_anonymous_public. */
INSTANT_API instant_error_t instant_proxy_options_set_authorize(instant_proxy_options *opts,
                                                                const instant_authorize_options *authorize);

/* Answers one proxy request of kind: body is body_len bytes; n_headers HTTP
 * headers as parallel name/value arrays (may be NULL when 0); opts may be NULL.
 * *out = the reply JSON to send with HTTP 200; free it. Thread-safe when the
 * resolver is. */
INSTANT_API instant_error_t instant_proxy_handle(char **out, instant_proxy_kind_t kind,
                                                 const instant_registry *reg, const char *body,
                                                 size_t body_len, const char *const *header_names,
                                                 const char *const *header_values, size_t n_headers,
                                                 const instant_proxy_options *opts,
                                                 instant_user_resolver_fn resolve, void *userdata);

/* ---- Centrifugo config generation ----------------------------------------------------------- */
typedef struct instant_genconfig_options instant_genconfig_options;
typedef struct instant_genconfig instant_genconfig;

/* Which proxy endpoint instant_genconfig_options_set_proxy sets. */
typedef int instant_proxy_endpoint_t; /* INSTANT_PROXY_* kinds above */

/* `bytes` CSPRNG bytes, hex-encoded (1..1024). Free *out. */
INSTANT_API instant_error_t instant_random_secret(char **out, size_t bytes);
/* New options (port 8000 on address 127.0.0.1, site "Site", presence, history
 * 100 / 300 s, admin on). Free with instant_genconfig_options_free. */
INSTANT_API instant_error_t instant_genconfig_options_new(instant_genconfig_options **out);
/* Frees genconfig options. NULL is a no-op. */
INSTANT_API void instant_genconfig_options_free(instant_genconfig_options *opts);
/* CENTRIFUGO_HOST printed (default http://localhost) and http_server.port. */
INSTANT_API instant_error_t instant_genconfig_options_set_host(instant_genconfig_options *opts,
                                                               const char *host, int port);
/* http_server.address (default "127.0.0.1": only this machine); "" = all interfaces. */
INSTANT_API instant_error_t instant_genconfig_options_set_address(instant_genconfig_options *opts,
                                                                  const char *address);
/* SITE_NAME printed. */
INSTANT_API instant_error_t instant_genconfig_options_set_site_name(instant_genconfig_options *opts,
                                                                    const char *site_name);
/* Appends an allowed origin ("http://x:*" patterns allowed). */
INSTANT_API instant_error_t instant_genconfig_options_add_allowed_origin(
    instant_genconfig_options *opts, const char *origin);
/* Takes the channels of reg (a snapshot) to configure their namespaces. */
INSTANT_API instant_error_t instant_genconfig_options_set_channels(instant_genconfig_options *opts,
                                                                   const instant_registry *reg);
/* Presence (non-zero) and history (size 0 = none; ttl seconds) in every namespace. */
INSTANT_API instant_error_t instant_genconfig_options_set_namespace_defaults(
    instant_genconfig_options *opts, int presence, int history_size, int64_t history_ttl);
/* Admin UI (non-zero) and usage stats (non-zero) on or off. */
INSTANT_API instant_error_t instant_genconfig_options_set_admin(instant_genconfig_options *opts,
                                                                int admin, int usage_stats);
/* The endpoint URL of one proxy kind (INSTANT_PROXY_*); "" turns it off. */
INSTANT_API instant_error_t instant_genconfig_options_set_proxy(instant_genconfig_options *opts,
                                                                instant_proxy_endpoint_t kind,
                                                                const char *url);
/* Use these secrets instead of generated ones (NULL or "" = generate). */
INSTANT_API instant_error_t instant_genconfig_options_set_keys(instant_genconfig_options *opts,
                                                               const char *hmac_key,
                                                               const char *api_key);
/* Generates the config. Free with instant_genconfig_free. */
INSTANT_API instant_error_t instant_genconfig_generate(instant_genconfig **out,
                                                       const instant_genconfig_options *opts);
/* Frees a generated config. NULL is a no-op. */
INSTANT_API void instant_genconfig_free(instant_genconfig *gc);
/* The config.json text. Owned by gc (holds secrets); NULL for NULL. */
INSTANT_API const char *instant_genconfig_json(const instant_genconfig *gc);
/* The settings as NAME=value lines. Owned by gc (holds secrets); NULL for NULL. */
INSTANT_API const char *instant_genconfig_settings(const instant_genconfig *gc);
/* The HMAC key. Owned by gc; NULL for NULL. */
INSTANT_API const char *instant_genconfig_hmac_key(const instant_genconfig *gc);
/* The API key. Owned by gc; NULL for NULL. */
INSTANT_API const char *instant_genconfig_api_key(const instant_genconfig *gc);
/* Writes the config to path (mode 0600); INSTANT_EEXISTS unless overwrite. */
INSTANT_API instant_error_t instant_genconfig_save(const instant_genconfig *gc, const char *path,
                                                   int overwrite);

#ifdef __cplusplus
}
#endif

#endif /* INSTANT_H */
