/* instant.h - the stable C ABI of instant (libinstant_c).
 *
 * Conventions (docs/conventions.md): every function returns instant_error_t
 * (0 = INSTANT_OK, negative = failure) unless documented otherwise; out
 * parameters come first; strings returned by the library are freed with
 * instant_free(); handles are freed with their _free() function, and
 * _free(NULL) is a no-op. No exception crosses this boundary. */
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

/* New config with defaults (url http://localhost:8427, site "Site", 1 s
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
 * info_json and data_json are optional JSON; recover_since may be NULL. */
INSTANT_API instant_error_t instant_client_subscribe(instant_client *client, const char *user,
                                                     const char *channel, const char *client_id,
                                                     const char *session, const char *info_json,
                                                     const char *data_json,
                                                     const instant_position *recover_since);
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

#ifdef __cplusplus
}
#endif

#endif /* INSTANT_H */
