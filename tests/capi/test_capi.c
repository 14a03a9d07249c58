/* tests/capi/test_capi.c - the C ABI exercised from plain C (compiled as C99):
 * every function of instant.h, NULL for each pointer argument (INSTANT_EINVAL
 * with a message naming it), and the error paths against a real Centrifugo
 * started through the C++ harness (server_shim.h), the asynchronous Publisher
 * through its C callback included. Also run under valgrind. */
#define _POSIX_C_SOURCE 200809L

#include <instant/instant.h>

#include "server_shim.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(cond)                                                                       \
  do {                                                                                    \
    ++checks;                                                                             \
    if (!(cond)) {                                                                        \
      ++failures;                                                                         \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error %d: %s\n", __FILE__, __LINE__, \
              #cond, instant_last_error_code(), instant_last_error_message());            \
    }                                                                                     \
  } while (0)

#define CHECK_RC(call, want)                                                                 \
  do {                                                                                       \
    instant_error_t rc_ = (call);                                                            \
    ++checks;                                                                                \
    if (rc_ != (want)) {                                                                     \
      ++failures;                                                                            \
      fprintf(stderr, "%s:%d: %s returned %d (%s), want %d; message: %s\n", __FILE__,        \
              __LINE__, #call, rc_, instant_strerror(rc_), (int)(want),                      \
              instant_last_error_message());                                                 \
    }                                                                                        \
    CHECK(instant_last_error_code() == (want));                                              \
  } while (0)

#define CHECK_OK(call) CHECK_RC(call, INSTANT_OK)

/* A NULL for the pointer `name`: INSTANT_EINVAL and the exact message. */
#define CHECK_NULL_ARG(call, name)                                                  \
  do {                                                                              \
    CHECK_RC(call, INSTANT_EINVAL);                                                 \
    CHECK(strcmp(instant_last_error_message(), "invalid argument: '" name "'") == 0); \
  } while (0)

/* The same for accessors that return a value: the record says EINVAL. */
static instant_publish_options *g_reset; /* a live object used to clear the record */
static void reset_last_error(void) { instant_publish_options_clear_tags(g_reset); }
#define CHECK_NULL_ACCESSOR(expr, fallback, name)                                   \
  do {                                                                              \
    reset_last_error();                                                             \
    CHECK((expr) == (fallback));                                                    \
    CHECK(instant_last_error_code() == INSTANT_EINVAL);                             \
    CHECK(strcmp(instant_last_error_message(), "invalid argument: '" name "'") == 0); \
  } while (0)

static int contains(const char *haystack, const char *needle) {
  return haystack && strstr(haystack, needle) != NULL;
}

/* ---- no server needed ------------------------------------------------------------- */

static void test_general(void) {
  char buf[32];
  CHECK(instant_version() == INSTANT_VERSION_NUMBER);
  CHECK(strcmp(instant_version_string(), INSTANT_VERSION_STRING) == 0);
  snprintf(buf, sizeof buf, "%d.%d.%d", INSTANT_VERSION_MAJOR, INSTANT_VERSION_MINOR,
           INSTANT_VERSION_PATCH);
  CHECK(strcmp(instant_version_string(), buf) == 0);
  CHECK(strcmp(instant_strerror(INSTANT_OK), "ok") == 0);
  CHECK(strcmp(instant_strerror(INSTANT_ETIMEOUT), "timeout") == 0);
  CHECK(strcmp(instant_strerror(INSTANT_EINVAL), "invalid argument") == 0);
  CHECK(strcmp(instant_strerror(1), "unknown error") == 0);
  CHECK(strcmp(instant_strerror(-999), "unknown error") == 0);
  CHECK(instant_last_error_code() == INSTANT_OK);
  CHECK(strcmp(instant_last_error_message(), "") == 0);
  CHECK(instant_last_error_http_status() == 0);
  CHECK(instant_last_error_server_code() == 0);
  /* _free(NULL) is a no-op for every handle type */
  instant_free(NULL);
  instant_config_free(NULL);
  instant_position_free(NULL);
  instant_publish_options_free(NULL);
  instant_event_free(NULL);
  instant_client_free(NULL);
  instant_broadcast_result_free(NULL);
  instant_batch_free(NULL);
  instant_batch_result_free(NULL);
}

static void test_null_arguments(void) {
  instant_config *cfg = NULL;
  instant_event *ev = NULL;
  instant_batch *batch = NULL;
  instant_client *client = NULL;
  instant_position *pos = (instant_position *)1; /* must be reset to NULL on failure */
  instant_broadcast_result *bres = NULL;
  instant_batch_result *batres = NULL;
  char *json = (char *)1;
  const char *chans[] = {"a", NULL};
  const char *one[] = {"a"};
  uint32_t u1, u2;
  uint64_t q1, q2;

  CHECK_OK(instant_config_new(&cfg));
  CHECK_OK(instant_config_set_url(cfg, "http://127.0.0.1:9"));
  CHECK_OK(instant_config_set_api_key(cfg, "k"));
  CHECK_OK(instant_client_new(&client, cfg));
  CHECK_OK(instant_event_new(&ev));
  CHECK_OK(instant_batch_new(&batch));

  CHECK_NULL_ARG(instant_config_new(NULL), "out");
  CHECK_NULL_ARG(instant_config_from_env(NULL), "out");
  CHECK_NULL_ARG(instant_config_set_url(NULL, "x"), "cfg");
  CHECK_NULL_ARG(instant_config_set_url(cfg, NULL), "url");
  CHECK_NULL_ARG(instant_config_set_api_key(NULL, "x"), "cfg");
  CHECK_NULL_ARG(instant_config_set_api_key(cfg, NULL), "api_key");
  CHECK_NULL_ARG(instant_config_set_hmac_key(NULL, "x"), "cfg");
  CHECK_NULL_ARG(instant_config_set_hmac_key(cfg, NULL), "hmac_key");
  CHECK_NULL_ARG(instant_config_set_site(NULL, "x"), "cfg");
  CHECK_NULL_ARG(instant_config_set_site(cfg, NULL), "site");
  CHECK_NULL_ARG(instant_config_set_connect_timeout_ms(NULL, 1), "cfg");
  CHECK_NULL_ARG(instant_config_set_timeout_ms(NULL, 1), "cfg");
  CHECK_NULL_ARG(instant_config_set_verify_tls(NULL, 1), "cfg");
  CHECK_NULL_ARG(instant_config_set_ca_file(NULL, "x"), "cfg");
  CHECK_NULL_ARG(instant_config_set_ca_file(cfg, NULL), "path");
  CHECK_NULL_ARG(instant_config_set_proxy(NULL, "x"), "cfg");
  CHECK_NULL_ARG(instant_config_set_proxy(cfg, NULL), "proxy_url");
  CHECK_NULL_ARG(instant_config_set_api_mode(NULL, INSTANT_API_MODE_V5), "cfg");
  CHECK_NULL_ARG(instant_config_set_envelope_encoding(NULL, INSTANT_ENVELOPE_OBJECT), "cfg");
  CHECK_NULL_ARG(instant_config_set_max_payload(NULL, 1), "cfg");
  CHECK_NULL_ARG(instant_config_set_max_reply(NULL, 1), "cfg");
  CHECK_NULL_ARG(instant_config_set_idempotency_keys(NULL, 1), "cfg");
  CHECK_NULL_ARG(instant_config_validate(NULL), "cfg");
  CHECK_NULL_ACCESSOR(instant_config_url(NULL), NULL, "cfg");
  CHECK_NULL_ACCESSOR(instant_config_site(NULL), NULL, "cfg");

  CHECK_NULL_ARG(instant_position_new(NULL, 1, "e"), "out");
  CHECK_NULL_ACCESSOR(instant_position_offset(NULL), 0, "pos");
  CHECK_NULL_ACCESSOR(instant_position_epoch(NULL), NULL, "pos");

  CHECK_NULL_ARG(instant_publish_options_new(NULL), "out");
  CHECK_NULL_ARG(instant_publish_options_set_skip_history(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_publish_options_add_tag(NULL, "k", "v"), "opts");
  CHECK_NULL_ARG(instant_publish_options_add_tag(g_reset, NULL, "v"), "key");
  CHECK_NULL_ARG(instant_publish_options_add_tag(g_reset, "k", NULL), "value");
  CHECK_NULL_ARG(instant_publish_options_clear_tags(NULL), "opts");
  CHECK_NULL_ARG(instant_publish_options_set_idempotency_key(NULL, "k"), "opts");
  CHECK_NULL_ARG(instant_publish_options_set_idempotency_key(g_reset, NULL), "key");
  CHECK_NULL_ARG(instant_publish_options_set_delta(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_publish_options_set_version(NULL, 1, "e"), "opts");

  CHECK_NULL_ARG(instant_event_new(NULL), "out");
  CHECK_NULL_ARG(instant_event_set_message(NULL, "m"), "ev");
  CHECK_NULL_ARG(instant_event_set_data(NULL, "{}"), "ev");
  CHECK_NULL_ARG(instant_event_set_event_class(NULL, "c"), "ev");
  CHECK_NULL_ARG(instant_event_set_event_class(ev, NULL), "event_class");
  CHECK_NULL_ARG(instant_event_set_bucket(NULL, "b"), "ev");
  CHECK_NULL_ARG(instant_event_set_bucket(ev, NULL), "bucket");
  CHECK_NULL_ARG(instant_event_set_site(NULL, "s"), "ev");
  CHECK_NULL_ARG(instant_event_set_options(NULL, NULL), "ev");
  CHECK_NULL_ARG(instant_event_envelope(NULL, ev, "c", NULL, INSTANT_ENVELOPE_OBJECT), "out");
  CHECK_NULL_ARG(instant_event_envelope(&json, NULL, "c", NULL, INSTANT_ENVELOPE_OBJECT), "ev");
  CHECK(json == NULL);
  CHECK_NULL_ARG(instant_event_envelope(&json, ev, NULL, NULL, INSTANT_ENVELOPE_OBJECT), "channel");

  CHECK_NULL_ARG(instant_client_new(NULL, cfg), "out");
  {
    instant_client *c2 = (instant_client *)1;
    CHECK_NULL_ARG(instant_client_new(&c2, NULL), "cfg");
    CHECK(c2 == NULL);
  }
  CHECK_NULL_ARG(instant_client_from_env(NULL), "out");
  CHECK_NULL_ARG(instant_client_stats(&q1, &q2, NULL), "client");
  CHECK_NULL_ARG(instant_client_publish(&pos, NULL, "c", "m", NULL), "client");
  CHECK(pos == NULL);
  CHECK_NULL_ARG(instant_client_publish(NULL, client, NULL, "m", NULL), "channel");
  CHECK_NULL_ARG(instant_client_publish_raw(NULL, NULL, "c", "{}", 2, NULL), "client");
  CHECK_NULL_ARG(instant_client_publish_raw(NULL, client, NULL, "{}", 2, NULL), "channel");
  CHECK_NULL_ARG(instant_client_publish_raw(NULL, client, "c", NULL, 2, NULL), "data");
  CHECK_NULL_ARG(instant_client_publish_binary(NULL, NULL, "c", "x", 1, NULL), "client");
  CHECK_NULL_ARG(instant_client_publish_binary(NULL, client, NULL, "x", 1, NULL), "channel");
  CHECK_NULL_ARG(instant_client_publish_binary(NULL, client, "c", NULL, 1, NULL), "bytes");

  CHECK_NULL_ARG(instant_client_broadcast(NULL, client, one, 1, "{}", 2, NULL), "out");
  CHECK_NULL_ARG(instant_client_broadcast(&bres, NULL, one, 1, "{}", 2, NULL), "client");
  CHECK_NULL_ARG(instant_client_broadcast(&bres, client, NULL, 1, "{}", 2, NULL), "channels");
  CHECK_NULL_ARG(instant_client_broadcast(&bres, client, one, 1, NULL, 2, NULL), "data");
  CHECK_NULL_ARG(instant_client_broadcast(&bres, client, chans, 2, "{}", 2, NULL), "channels[1]");
  CHECK(bres == NULL);
  CHECK_NULL_ARG(instant_client_broadcast_event(NULL, client, one, 1, "m", NULL), "out");
  CHECK_NULL_ARG(instant_client_broadcast_event(&bres, NULL, one, 1, "m", NULL), "client");
  CHECK_NULL_ARG(instant_client_broadcast_event(&bres, client, NULL, 1, "m", NULL), "channels");
  CHECK_NULL_ARG(instant_client_broadcast_event(&bres, client, chans, 2, "m", NULL), "channels[1]");
  CHECK_NULL_ACCESSOR(instant_broadcast_result_count(NULL), 0, "res");
  CHECK_NULL_ACCESSOR(instant_broadcast_result_code(NULL, 0), INSTANT_EINVAL, "res");
  CHECK_NULL_ACCESSOR(instant_broadcast_result_message(NULL, 0), NULL, "res");
  CHECK_NULL_ACCESSOR(instant_broadcast_result_server_code(NULL, 0), 0, "res");
  CHECK_NULL_ACCESSOR(instant_broadcast_result_offset(NULL, 0), 0, "res");
  CHECK_NULL_ACCESSOR(instant_broadcast_result_epoch(NULL, 0), NULL, "res");

  CHECK_NULL_ARG(instant_batch_new(NULL), "out");
  CHECK_NULL_ARG(instant_batch_set_parallel(NULL, 1), "batch");
  CHECK_NULL_ARG(instant_batch_add_publish(NULL, "c", "{}", 2, NULL), "batch");
  CHECK_NULL_ARG(instant_batch_add_publish(batch, NULL, "{}", 2, NULL), "channel");
  CHECK_NULL_ARG(instant_batch_add_publish(batch, "c", NULL, 2, NULL), "data");
  CHECK_NULL_ARG(instant_batch_add_broadcast(NULL, one, 1, "{}", 2, NULL), "batch");
  CHECK_NULL_ARG(instant_batch_add_broadcast(batch, NULL, 1, "{}", 2, NULL), "channels");
  CHECK_NULL_ARG(instant_batch_add_broadcast(batch, one, 1, NULL, 2, NULL), "data");
  CHECK_NULL_ARG(instant_batch_add_broadcast(batch, chans, 2, "{}", 2, NULL), "channels[1]");
  CHECK_NULL_ARG(instant_batch_add_command(NULL, "info", "{}"), "batch");
  CHECK_NULL_ARG(instant_batch_add_command(batch, NULL, "{}"), "method");
  CHECK_NULL_ARG(instant_batch_add_command(batch, "info", NULL), "params_json");
  CHECK_NULL_ACCESSOR(instant_batch_size(NULL), 0, "batch");
  CHECK(instant_batch_size(batch) == 0); /* failed adds added nothing */
  CHECK_NULL_ARG(instant_client_batch(NULL, client, batch), "out");
  CHECK_NULL_ARG(instant_client_batch(&batres, NULL, batch), "client");
  CHECK_NULL_ARG(instant_client_batch(&batres, client, NULL), "batch");
  CHECK(batres == NULL);
  CHECK_NULL_ACCESSOR(instant_batch_result_count(NULL), 0, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_code(NULL, 0), INSTANT_EINVAL, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_message(NULL, 0), NULL, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_server_code(NULL, 0), 0, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_method(NULL, 0), NULL, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_json(NULL, 0), NULL, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_offset(NULL, 0), 0, "res");
  CHECK_NULL_ACCESSOR(instant_batch_result_epoch(NULL, 0), NULL, "res");

  CHECK_NULL_ARG(instant_client_subscribe(NULL, "u", "c", NULL, NULL, NULL, NULL, NULL), "client");
  CHECK_NULL_ARG(instant_client_subscribe(client, NULL, "c", NULL, NULL, NULL, NULL, NULL), "user");
  CHECK_NULL_ARG(instant_client_subscribe(client, "u", NULL, NULL, NULL, NULL, NULL, NULL), "channel");
  {
    instant_subscribe_options *so = (instant_subscribe_options *)1;
    CHECK_NULL_ARG(instant_subscribe_options_new(NULL), "out");
    CHECK_OK(instant_subscribe_options_new(&so));
    CHECK_NULL_ARG(instant_subscribe_options_set_client(NULL, "c"), "opts");
    CHECK_NULL_ARG(instant_subscribe_options_set_session(NULL, "s"), "opts");
    CHECK_NULL_ARG(instant_subscribe_options_set_info(NULL, "{}"), "opts");
    CHECK_NULL_ARG(instant_subscribe_options_set_data(NULL, "{}"), "opts");
    CHECK_NULL_ARG(instant_subscribe_options_set_recover_since(NULL, NULL), "opts");
    /* NULL values are "unset", not errors */
    CHECK_OK(instant_subscribe_options_set_client(so, NULL));
    CHECK_OK(instant_subscribe_options_set_session(so, NULL));
    CHECK_OK(instant_subscribe_options_set_info(so, NULL));
    CHECK_OK(instant_subscribe_options_set_data(so, NULL));
    CHECK_OK(instant_subscribe_options_set_recover_since(so, NULL));
    CHECK_NULL_ARG(instant_client_subscribe_2(NULL, "u", "c", so), "client");
    CHECK_NULL_ARG(instant_client_subscribe_2(client, NULL, "c", so), "user");
    CHECK_NULL_ARG(instant_client_subscribe_2(client, "u", NULL, so), "channel");
    CHECK_NULL_ARG(instant_client_subscribe_2(NULL, "u", "c", NULL), "client");
    instant_subscribe_options_free(so);
    instant_subscribe_options_free(NULL);
  }
  CHECK_NULL_ARG(instant_client_unsubscribe(NULL, "u", "c", NULL, NULL), "client");
  CHECK_NULL_ARG(instant_client_unsubscribe(client, NULL, "c", NULL, NULL), "user");
  CHECK_NULL_ARG(instant_client_unsubscribe(client, "u", NULL, NULL, NULL), "channel");
  CHECK_NULL_ARG(instant_client_disconnect(NULL, "u", NULL, NULL, NULL, 0, 0, NULL), "client");
  CHECK_NULL_ARG(instant_client_disconnect(client, NULL, NULL, NULL, NULL, 0, 0, NULL), "user");
  CHECK_NULL_ARG(instant_client_disconnect(client, "u", NULL, NULL, NULL, 1, 0, NULL), "whitelist");
  CHECK_NULL_ARG(instant_client_disconnect(client, "u", NULL, NULL, chans, 2, 0, NULL), "whitelist[1]");
  CHECK_NULL_ARG(instant_client_refresh(NULL, "u", NULL, NULL, 0, 0), "client");
  CHECK_NULL_ARG(instant_client_refresh(client, NULL, NULL, NULL, 0, 0), "user");
  CHECK_NULL_ARG(instant_client_presence(NULL, client, "c"), "out");
  CHECK_NULL_ARG(instant_client_presence(&json, NULL, "c"), "client");
  CHECK(json == NULL);
  CHECK_NULL_ARG(instant_client_presence(&json, client, NULL), "channel");
  CHECK_NULL_ARG(instant_client_presence_stats(&u1, &u2, NULL, "c"), "client");
  CHECK_NULL_ARG(instant_client_presence_stats(&u1, &u2, client, NULL), "channel");
  CHECK_NULL_ARG(instant_client_history(NULL, client, "c", 0, NULL, 0), "out");
  CHECK_NULL_ARG(instant_client_history(&json, NULL, "c", 0, NULL, 0), "client");
  CHECK_NULL_ARG(instant_client_history(&json, client, NULL, 0, NULL, 0), "channel");
  CHECK_NULL_ARG(instant_client_history_remove(NULL, "c"), "client");
  CHECK_NULL_ARG(instant_client_history_remove(client, NULL), "channel");
  CHECK_NULL_ARG(instant_client_channels(NULL, client, NULL), "out");
  CHECK_NULL_ARG(instant_client_channels(&json, NULL, NULL), "client");
  CHECK_NULL_ARG(instant_client_info(NULL, client), "out");
  CHECK_NULL_ARG(instant_client_info(&json, NULL), "client");
  CHECK_NULL_ARG(instant_client_call(NULL, client, "info", "{}"), "out");
  CHECK_NULL_ARG(instant_client_call(&json, NULL, "info", "{}"), "client");
  CHECK_NULL_ARG(instant_client_call(&json, client, NULL, "{}"), "method");
  CHECK(json == NULL);

  instant_batch_free(batch);
  instant_event_free(ev);
  instant_client_free(client);
  instant_config_free(cfg);
}

static void test_config(void) {
  instant_config *cfg = NULL;
  instant_client *client = (instant_client *)1;
  CHECK_OK(instant_config_new(&cfg));
  CHECK(cfg != NULL);
  CHECK(strcmp(instant_config_url(cfg), "http://localhost:8000") == 0);
  CHECK(strcmp(instant_config_site(cfg), "Site") == 0);
  CHECK_OK(instant_config_set_url(cfg, "https://rt.example.com/centrifugo"));
  CHECK(strcmp(instant_config_url(cfg), "https://rt.example.com/centrifugo") == 0);
  CHECK_OK(instant_config_set_site(cfg, "Blog"));
  CHECK(strcmp(instant_config_site(cfg), "Blog") == 0);
  CHECK_OK(instant_config_set_api_key(cfg, "secret-api-key"));
  CHECK_OK(instant_config_set_hmac_key(cfg, "secret-hmac-key"));
  CHECK_OK(instant_config_set_connect_timeout_ms(cfg, 500));
  CHECK_OK(instant_config_set_timeout_ms(cfg, 2000));
  CHECK_RC(instant_config_set_timeout_ms(cfg, 0), INSTANT_EINVAL);
  CHECK_RC(instant_config_set_connect_timeout_ms(cfg, -5), INSTANT_EINVAL);
  /* F9: absurd timeouts are refused at configuration, not overflowed later. */
  CHECK_RC(instant_config_set_timeout_ms(cfg, INT64_MAX), INSTANT_EINVAL);
  CHECK_RC(instant_config_set_connect_timeout_ms(cfg, 3600001), INSTANT_EINVAL);
  CHECK_OK(instant_config_set_verify_tls(cfg, 0));
  CHECK_OK(instant_config_set_ca_file(cfg, ""));
  CHECK_OK(instant_config_set_proxy(cfg, ""));
  CHECK_OK(instant_config_set_api_mode(cfg, INSTANT_API_MODE_LEGACY));
  CHECK_RC(instant_config_set_api_mode(cfg, (instant_api_mode_t)7), INSTANT_EINVAL);
  CHECK_OK(instant_config_set_envelope_encoding(cfg, INSTANT_ENVELOPE_STRING));
  CHECK_RC(instant_config_set_envelope_encoding(cfg, (instant_envelope_encoding_t)9), INSTANT_EINVAL);
  CHECK_OK(instant_config_set_max_payload(cfg, 4096));
  CHECK_RC(instant_config_set_max_payload(cfg, 0), INSTANT_EINVAL);
  CHECK_OK(instant_config_set_max_reply(cfg, 1 << 20));
  CHECK_RC(instant_config_set_max_reply(cfg, 0), INSTANT_EINVAL);
  CHECK_OK(instant_config_set_idempotency_keys(cfg, 0));
  CHECK_OK(instant_config_set_idempotency_keys(cfg, 1));
  CHECK_OK(instant_config_validate(cfg));
  CHECK_OK(instant_config_set_url(cfg, "ftp://example.com"));
  CHECK_RC(instant_config_validate(cfg), INSTANT_ECONFIG);
  CHECK_RC(instant_client_new(&client, cfg), INSTANT_ECONFIG);
  CHECK(client == NULL);
  CHECK(!contains(instant_last_error_message(), "secret"));
  instant_config_free(cfg);

  /* from the environment (django-instant's names) */
  unsetenv("CENTRIFUGO_URL");
  setenv("CENTRIFUGO_HOST", "http://centrifugo.internal", 1);
  setenv("CENTRIFUGO_PORT", "8001", 1);
  setenv("CENTRIFUGO_API_KEY", "env-api-key", 1);
  setenv("SITE_NAME", "EnvSite", 1);
  cfg = NULL;
  CHECK_OK(instant_config_from_env(&cfg));
  CHECK(cfg && strcmp(instant_config_url(cfg), "http://centrifugo.internal:8001") == 0);
  CHECK(cfg && strcmp(instant_config_site(cfg), "EnvSite") == 0);
  instant_config_free(cfg);
  CHECK_OK(instant_client_from_env(&client));
  CHECK(client != NULL);
  instant_client_free(client);
  setenv("CENTRIFUGO_PORT", "not-a-port", 1);
  cfg = (instant_config *)1;
  CHECK_RC(instant_config_from_env(&cfg), INSTANT_ECONFIG);
  CHECK(cfg == NULL);
  CHECK(contains(instant_last_error_message(), "CENTRIFUGO_PORT"));
  client = (instant_client *)1;
  CHECK_RC(instant_client_from_env(&client), INSTANT_ECONFIG);
  CHECK(client == NULL);
  unsetenv("CENTRIFUGO_HOST");
  unsetenv("CENTRIFUGO_PORT");
  unsetenv("CENTRIFUGO_API_KEY");
  unsetenv("SITE_NAME");
}

static void test_event_and_options(void) {
  instant_event *ev = NULL;
  instant_publish_options *opts = NULL;
  instant_position *pos = NULL;
  char *json = NULL;

  CHECK_OK(instant_position_new(&pos, 42, "abcd"));
  CHECK(instant_position_offset(pos) == 42);
  CHECK(strcmp(instant_position_epoch(pos), "abcd") == 0);
  instant_position_free(pos);
  CHECK_OK(instant_position_new(&pos, 0, NULL));
  CHECK(strcmp(instant_position_epoch(pos), "") == 0);
  instant_position_free(pos);

  CHECK_OK(instant_publish_options_new(&opts));
  CHECK_OK(instant_publish_options_set_skip_history(opts, 1));
  CHECK_OK(instant_publish_options_add_tag(opts, "k", "v"));
  CHECK_OK(instant_publish_options_set_idempotency_key(opts, "idem"));
  CHECK_OK(instant_publish_options_set_delta(opts, 0));
  CHECK_OK(instant_publish_options_set_version(opts, 3, "ep"));
  CHECK_OK(instant_publish_options_set_version(opts, 0, NULL));

  CHECK_OK(instant_event_new(&ev));
  /* neither message nor data: refused before any I/O */
  CHECK_RC(instant_event_envelope(&json, ev, "news", NULL, INSTANT_ENVELOPE_OBJECT), INSTANT_EINVAL);
  CHECK(json == NULL);
  CHECK_OK(instant_event_set_message(ev, "hi"));
  CHECK_OK(instant_event_set_data(ev, "{ \"a\" : [1, 2] }"));
  CHECK_OK(instant_event_set_event_class(ev, "important"));
  CHECK_OK(instant_event_set_bucket(ev, "b1"));
  CHECK_OK(instant_event_set_options(ev, opts));
  CHECK_OK(instant_event_envelope(&json, ev, "news", NULL, INSTANT_ENVELOPE_OBJECT));
  CHECK(json && strcmp(json, "{\"channel\":\"news\",\"site\":\"Site\",\"message\":\"hi\","
                             "\"data\":{ \"a\" : [1, 2] },\"event_class\":\"important\","
                             "\"bucket\":\"b1\"}") == 0);
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_event_set_site(ev, "Other"));
  CHECK_OK(instant_event_set_message(ev, NULL));
  CHECK_OK(instant_event_set_bucket(ev, ""));
  CHECK_OK(instant_event_envelope(&json, ev, "news", "Default", INSTANT_ENVELOPE_OBJECT));
  CHECK(json && strcmp(json, "{\"channel\":\"news\",\"site\":\"Other\",\"data\":{ \"a\" : [1, 2] },"
                             "\"event_class\":\"important\"}") == 0);
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_event_set_site(ev, NULL));
  CHECK_OK(instant_event_envelope(&json, ev, "news", "Default", INSTANT_ENVELOPE_STRING));
  CHECK(json && json[0] == '"' && contains(json, "\\\"site\\\":\\\"Default\\\""));
  instant_free(json);
  json = NULL;
  CHECK_RC(instant_event_envelope(&json, ev, "news", NULL, (instant_envelope_encoding_t)5), INSTANT_EINVAL);
  CHECK_OK(instant_event_set_data(ev, "{not json"));
  CHECK_RC(instant_event_envelope(&json, ev, "news", NULL, INSTANT_ENVELOPE_OBJECT), INSTANT_EJSON);
  CHECK_OK(instant_event_set_data(ev, NULL));
  CHECK_OK(instant_event_set_message(ev, "bad \xff utf8"));
  CHECK_RC(instant_event_envelope(&json, ev, "news", NULL, INSTANT_ENVELOPE_OBJECT), INSTANT_EUTF8);
  CHECK(json == NULL);
  CHECK_OK(instant_event_set_options(ev, NULL));
  instant_event_free(ev);
  instant_publish_options_free(opts);
}


static void test_token_null_arguments(void) {
  instant_claims *cl = NULL;
  instant_signer *sg = NULL;
  instant_signer_options *so = NULL;
  instant_verify_options *vo = NULL;
  instant_verifier *vf = NULL;
  instant_verified_token *vt = (instant_verified_token *)1;
  instant_algorithm_t alg = 0;
  char *out = (char *)1;
  const instant_signer *none[] = {NULL};
  static const char key[] = "0123456789abcdef0123456789abcdef";

  CHECK_OK(instant_claims_new(&cl));
  CHECK_OK(instant_signer_options_new(&so));
  CHECK_OK(instant_verify_options_new(&vo));
  CHECK_OK(instant_signer_new_hmac(&sg, key, 32, INSTANT_ALG_HS256, NULL));
  CHECK_OK(instant_verifier_new(&vf, NULL));

  CHECK_NULL_ARG(instant_algorithm_from_name(NULL, "HS256"), "out");
  CHECK_NULL_ARG(instant_algorithm_from_name(&alg, NULL), "name");
  CHECK_NULL_ARG(instant_claims_new(NULL), "out");
  CHECK_NULL_ARG(instant_claims_set_json(NULL, "{}"), "claims");
  CHECK_NULL_ARG(instant_claims_set_json(cl, NULL), "json");
  CHECK_NULL_ARG(instant_claims_set_sub(NULL, "u"), "claims");
  CHECK_NULL_ARG(instant_claims_set_sub(cl, NULL), "sub");
  CHECK_NULL_ARG(instant_claims_set_exp(NULL, 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_ttl(NULL, 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_no_expiry(NULL, 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_iat(NULL, 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_omit_iat(NULL, 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_nbf(NULL, 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_jti(NULL, "j"), "claims");
  CHECK_NULL_ARG(instant_claims_set_jti(cl, NULL), "jti");
  CHECK_NULL_ARG(instant_claims_add_audience(NULL, "a"), "claims");
  CHECK_NULL_ARG(instant_claims_add_audience(cl, NULL), "aud");
  CHECK_NULL_ARG(instant_claims_set_issuer(NULL, "i"), "claims");
  CHECK_NULL_ARG(instant_claims_set_issuer(cl, NULL), "iss");
  CHECK_NULL_ARG(instant_claims_set_info(NULL, "{}"), "claims");
  CHECK_NULL_ARG(instant_claims_set_info(cl, NULL), "json");
  CHECK_NULL_ARG(instant_claims_set_b64info(NULL, "e30="), "claims");
  CHECK_NULL_ARG(instant_claims_set_b64info(cl, NULL), "b64");
  CHECK_NULL_ARG(instant_claims_set_expire_at(NULL, 0), "claims");
  CHECK_NULL_ARG(instant_claims_clear_expire_at(NULL), "claims");
  CHECK_NULL_ARG(instant_claims_set_extra(NULL, "{}"), "claims");
  CHECK_NULL_ARG(instant_claims_set_extra(cl, NULL), "json_object");
  CHECK_NULL_ARG(instant_claims_add_channel(NULL, "c"), "claims");
  CHECK_NULL_ARG(instant_claims_add_channel(cl, NULL), "channel");
  CHECK_NULL_ARG(instant_claims_add_subscription(NULL, "c", NULL, NULL, NULL, NULL), "claims");
  CHECK_NULL_ARG(instant_claims_add_subscription(cl, NULL, NULL, NULL, NULL, NULL), "channel");
  CHECK_NULL_ARG(instant_claims_set_meta(NULL, "{}"), "claims");
  CHECK_NULL_ARG(instant_claims_set_meta(cl, NULL), "json_object");
  CHECK_NULL_ARG(instant_claims_set_channel(NULL, "c"), "claims");
  CHECK_NULL_ARG(instant_claims_set_channel(cl, NULL), "channel");
  CHECK_NULL_ARG(instant_claims_set_client(NULL, "c"), "claims");
  CHECK_NULL_ARG(instant_claims_set_client(cl, NULL), "client_id");
  CHECK_NULL_ARG(instant_claims_set_data(NULL, "{}"), "claims");
  CHECK_NULL_ARG(instant_claims_set_data(cl, NULL), "json");
  CHECK_NULL_ARG(instant_claims_set_b64data(NULL, "e30="), "claims");
  CHECK_NULL_ARG(instant_claims_set_b64data(cl, NULL), "b64");
  CHECK_NULL_ARG(instant_claims_set_override(NULL, "presence", 1), "claims");
  CHECK_NULL_ARG(instant_claims_set_override(cl, NULL, 1), "name");

  CHECK_NULL_ARG(instant_signer_options_new(NULL), "out");
  CHECK_NULL_ARG(instant_signer_options_set_lifetime(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_signer_options_set_kid(NULL, "k"), "opts");
  CHECK_NULL_ARG(instant_signer_options_set_kid(so, NULL), "kid");
  CHECK_NULL_ARG(instant_signer_options_set_allow_weak_key(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_signer_options_set_max_token_size(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_signer_new_hmac(NULL, key, 32, INSTANT_ALG_HS256, NULL), "out");
  {
    instant_signer *s1 = (instant_signer *)1;
    CHECK_NULL_ARG(instant_signer_new_hmac(&s1, NULL, 32, INSTANT_ALG_HS256, NULL), "key");
    CHECK(s1 == NULL);
  }
  CHECK_NULL_ARG(instant_signer_new_pem(NULL, "pem", INSTANT_ALG_ES256, NULL), "out");
  {
    instant_signer *s2 = (instant_signer *)1;
    CHECK_NULL_ARG(instant_signer_new_pem(&s2, NULL, INSTANT_ALG_ES256, NULL), "pem");
    CHECK(s2 == NULL);
  }
  CHECK_NULL_ACCESSOR(instant_signer_algorithm(NULL), -1, "signer");
  CHECK_NULL_ARG(instant_signer_connection_token(NULL, sg, cl), "out");
  CHECK_NULL_ARG(instant_signer_connection_token(&out, NULL, cl), "signer");
  CHECK(out == NULL);
  CHECK_NULL_ARG(instant_signer_connection_token(&out, sg, NULL), "claims");
  CHECK_NULL_ARG(instant_signer_subscription_token(NULL, sg, cl), "out");
  CHECK_NULL_ARG(instant_signer_subscription_token(&out, NULL, cl), "signer");
  CHECK_NULL_ARG(instant_signer_subscription_token(&out, sg, NULL), "claims");
  CHECK_NULL_ARG(instant_signer_jwk(NULL, sg), "out");
  CHECK_NULL_ARG(instant_signer_jwk(&out, NULL), "signer");
  CHECK_NULL_ARG(instant_signer_public_key_pem(NULL, sg), "out");
  CHECK_NULL_ARG(instant_signer_public_key_pem(&out, NULL), "signer");
  CHECK_NULL_ARG(instant_jwks(NULL, none, 1), "out");
  CHECK_NULL_ARG(instant_jwks(&out, NULL, 1), "signers");
  CHECK_NULL_ARG(instant_jwks(&out, none, 1), "signers[0]");

  CHECK_NULL_ARG(instant_verify_options_new(NULL), "out");
  CHECK_NULL_ARG(instant_verify_options_set_require_exp(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_verify_options_set_leeway(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_verify_options_add_audience(NULL, "a"), "opts");
  CHECK_NULL_ARG(instant_verify_options_add_audience(vo, NULL), "aud");
  CHECK_NULL_ARG(instant_verify_options_set_issuer(NULL, "i"), "opts");
  CHECK_NULL_ARG(instant_verify_options_set_issuer(vo, NULL), "iss");
  CHECK_NULL_ARG(instant_verify_options_set_max_token_size(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_verify_options_set_now(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_verifier_new(NULL, vo), "out");
  CHECK_NULL_ARG(instant_verifier_add_hmac(NULL, key, 32, INSTANT_ALG_HS256, NULL, 0), "verifier");
  CHECK_NULL_ARG(instant_verifier_add_hmac(vf, NULL, 32, INSTANT_ALG_HS256, NULL, 0), "key");
  CHECK_NULL_ARG(instant_verifier_add_pem(NULL, "p", INSTANT_ALG_ES256, NULL), "verifier");
  CHECK_NULL_ARG(instant_verifier_add_pem(vf, NULL, INSTANT_ALG_ES256, NULL), "pem");
  CHECK_NULL_ARG(instant_verifier_add_signer(NULL, sg), "verifier");
  CHECK_NULL_ARG(instant_verifier_add_signer(vf, NULL), "signer");
  CHECK_NULL_ACCESSOR(instant_verifier_key_count(NULL), 0, "verifier");
  CHECK_NULL_ARG(instant_verifier_verify(&vt, NULL, "t", INSTANT_TOKEN_ANY), "verifier");
  CHECK(vt == NULL);
  CHECK_NULL_ARG(instant_verifier_verify(&vt, vf, NULL, INSTANT_TOKEN_ANY), "token");
  CHECK_NULL_ACCESSOR(instant_verified_token_algorithm(NULL), -1, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_kid(NULL), NULL, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_header(NULL), NULL, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_claims(NULL), NULL, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_sub(NULL), NULL, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_channel(NULL), NULL, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_exp(NULL), 0, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_iat(NULL), 0, "tok");
  CHECK_NULL_ACCESSOR(instant_verified_token_nbf(NULL), 0, "tok");
  reset_last_error();
  CHECK(instant_algorithm_name(99) == NULL);
  CHECK(instant_last_error_code() == INSTANT_EINVAL);

  instant_claims_free(NULL);
  instant_signer_options_free(NULL);
  instant_signer_free(NULL);
  instant_verify_options_free(NULL);
  instant_verifier_free(NULL);
  instant_verified_token_free(NULL);
  instant_verifier_free(vf);
  instant_signer_free(sg);
  instant_verify_options_free(vo);
  instant_signer_options_free(so);
  instant_claims_free(cl);
}

/* Signs with the server's HMAC key and with EC/Ed25519 keys; Centrifugo's own
 * checktoken/checksubtoken and instant's verifier are the oracles. */
static void test_tokens(void) {
  const char *hkey = capi_server_hmac_key();
  instant_signer *hs = NULL, *es = NULL, *ed = NULL;
  instant_signer_options *so = NULL;
  instant_claims *cl = NULL;
  instant_verify_options *vo = NULL;
  instant_verifier *vf = NULL;
  instant_verified_token *vt = NULL;
  instant_algorithm_t alg = -1;
  char *tok = NULL, *sub = NULL, *s = NULL;
  char out[4096];
  const instant_signer *pair[2];

  CHECK(strcmp(instant_algorithm_name(INSTANT_ALG_HS256), "HS256") == 0);
  CHECK(strcmp(instant_algorithm_name(INSTANT_ALG_EDDSA), "EdDSA") == 0);
  CHECK_OK(instant_algorithm_from_name(&alg, "ES384"));
  CHECK(alg == INSTANT_ALG_ES384);
  CHECK_RC(instant_algorithm_from_name(&alg, "none"), INSTANT_EINVAL);

  CHECK_OK(instant_signer_options_new(&so));
  CHECK_OK(instant_signer_options_set_lifetime(so, 600));
  CHECK_RC(instant_signer_options_set_lifetime(so, 0), INSTANT_EINVAL);
  CHECK_OK(instant_signer_options_set_max_token_size(so, 8192));
  CHECK_RC(instant_signer_options_set_max_token_size(so, 0), INSTANT_EINVAL);
  CHECK_OK(instant_signer_options_set_allow_weak_key(so, 0));
  CHECK_OK(instant_signer_new_hmac(&hs, hkey, strlen(hkey), INSTANT_ALG_HS256, so));
  CHECK(instant_signer_algorithm(hs) == INSTANT_ALG_HS256);
  CHECK_RC(instant_signer_new_hmac(&es, "short", 5, INSTANT_ALG_HS256, NULL), INSTANT_EWEAKKEY);
  CHECK(es == NULL);
  CHECK_RC(instant_signer_new_hmac(&es, hkey, strlen(hkey), 42, NULL), INSTANT_EINVAL);
  CHECK_RC(instant_signer_jwk(&s, hs), INSTANT_EKEY);
  CHECK_RC(instant_signer_public_key_pem(&s, hs), INSTANT_EKEY);
  CHECK(s == NULL);

  /* connection token with setters: Centrifugo accepts it */
  CHECK_OK(instant_claims_new(&cl));
  CHECK_OK(instant_claims_set_sub(cl, "alice"));
  CHECK_OK(instant_claims_set_ttl(cl, 300));
  CHECK_OK(instant_claims_set_info(cl, "{\"name\":\"Alice\"}"));
  CHECK_OK(instant_claims_add_channel(cl, "news"));
  CHECK_OK(instant_claims_add_subscription(cl, "chat:lobby", "{\"r\":1}", NULL, NULL, "aGk="));
  CHECK_OK(instant_claims_set_meta(cl, "{\"plan\":\"pro\"}"));
  CHECK_OK(instant_claims_set_jti(cl, "j-1"));
  CHECK_OK(instant_claims_set_extra(cl, "{\"custom\":true}"));
  CHECK_OK(instant_claims_set_expire_at(cl, 0));
  CHECK_OK(instant_claims_clear_expire_at(cl));
  CHECK_OK(instant_claims_set_iat(cl, 0));
  CHECK_OK(instant_claims_set_omit_iat(cl, 0));
  CHECK_OK(instant_claims_set_nbf(cl, 0));
  CHECK_OK(instant_claims_set_b64info(cl, ""));
  CHECK_OK(instant_signer_connection_token(&tok, hs, cl));
  CHECK(tok != NULL && strncmp(tok, "eyJ", 3) == 0);
  CHECK(capi_checktoken(tok, 0, out, sizeof out) == 0);
  CHECK(contains(out, "alice"));

  /* instant's verifier: fields, kinds and failures */
  CHECK_OK(instant_verify_options_new(&vo));
  CHECK_OK(instant_verify_options_set_leeway(vo, 0));
  CHECK_RC(instant_verify_options_set_leeway(vo, -1), INSTANT_EINVAL);
  CHECK_RC(instant_verify_options_set_leeway(vo, INT64_MAX), INSTANT_EINVAL); /* F7 */
  CHECK_OK(instant_verify_options_set_require_exp(vo, 1));
  CHECK_OK(instant_verify_options_set_max_token_size(vo, 16384));
  CHECK_RC(instant_verify_options_set_max_token_size(vo, 0), INSTANT_EINVAL);
  CHECK_OK(instant_verify_options_set_issuer(vo, ""));
  CHECK_OK(instant_verify_options_set_now(vo, 0));
  CHECK_OK(instant_verifier_new(&vf, vo));
  CHECK_OK(instant_verifier_add_hmac(vf, hkey, strlen(hkey), INSTANT_ALG_HS256, NULL, 0));
  CHECK(instant_verifier_key_count(vf) == 1);
  CHECK_OK(instant_verifier_verify(&vt, vf, tok, INSTANT_TOKEN_CONNECTION));
  CHECK(strcmp(instant_verified_token_sub(vt), "alice") == 0);
  CHECK(strcmp(instant_verified_token_channel(vt), "") == 0);
  CHECK(instant_verified_token_algorithm(vt) == INSTANT_ALG_HS256);
  CHECK(strcmp(instant_verified_token_kid(vt), "") == 0);
  CHECK(contains(instant_verified_token_header(vt), "\"HS256\""));
  CHECK(contains(instant_verified_token_claims(vt), "\"custom\":true"));
  CHECK(contains(instant_verified_token_claims(vt), "\"meta\":{\"plan\":\"pro\"}"));
  CHECK(instant_verified_token_iat(vt) > 1700000000);
  CHECK(instant_verified_token_exp(vt) == instant_verified_token_iat(vt) + 300);
  CHECK(instant_verified_token_nbf(vt) == 0);
  instant_verified_token_free(vt);
  vt = NULL;
  CHECK_RC(instant_verifier_verify(&vt, vf, tok, INSTANT_TOKEN_SUBSCRIPTION), INSTANT_ETOKEN_CLAIM);
  CHECK_RC(instant_verifier_verify(&vt, vf, tok, 9), INSTANT_EINVAL);
  CHECK_RC(instant_verifier_verify(NULL, vf, "not.a.token", INSTANT_TOKEN_ANY), INSTANT_ETOKEN_MALFORMED);
  CHECK(vt == NULL);
  tok[strlen(tok) - 2] = tok[strlen(tok) - 2] == 'A' ? 'B' : 'A'; /* tamper with the signature */
  CHECK_RC(instant_verifier_verify(NULL, vf, tok, INSTANT_TOKEN_ANY), INSTANT_ETOKEN_SIGNATURE);
  CHECK(!contains(instant_last_error_message(), hkey));
  CHECK(capi_checktoken(tok, 0, out, sizeof out) != 0 || contains(out, "invalid"));
  instant_free(tok);
  tok = NULL;

  /* expired: exp in the past */
  CHECK_OK(instant_claims_set_ttl(cl, 0));
  CHECK_OK(instant_claims_set_exp(cl, 1000));
  CHECK_OK(instant_claims_set_iat(cl, 900));
  CHECK_OK(instant_signer_connection_token(&tok, hs, cl));
  CHECK_RC(instant_verifier_verify(NULL, vf, tok, INSTANT_TOKEN_ANY), INSTANT_ETOKEN_EXPIRED);
  instant_free(tok);
  tok = NULL;
  /* a connection token refuses a channel claim smuggled through extra */
  CHECK_OK(instant_claims_set_extra(cl, "{\"channel\":\"x\"}"));
  CHECK(instant_signer_connection_token(&tok, hs, cl) != INSTANT_OK);
  CHECK(tok == NULL);

  /* claims from JSON, subscription token */
  CHECK_OK(instant_claims_set_json(cl, "{\"sub\":\"alice\",\"channel\":\"$chat:private\","
                                       "\"aud\":[\"web\"],\"iss\":\"me\",\"data\":{\"k\":1},"
                                       "\"override\":{\"presence\":{\"value\":true}},\"extra1\":5}"));
  CHECK_OK(instant_claims_set_client(cl, ""));
  CHECK_OK(instant_claims_set_b64data(cl, ""));
  CHECK_OK(instant_claims_set_override(cl, "join_leave", 0));
  CHECK_RC(instant_claims_set_override(cl, "bogus", 1), INSTANT_EINVAL);
  CHECK_OK(instant_signer_subscription_token(&sub, hs, cl));
  CHECK(capi_checktoken(sub, 1, out, sizeof out) == 0);
  instant_verify_options_free(vo);
  vo = NULL;
  CHECK_OK(instant_verify_options_new(&vo));
  CHECK_OK(instant_verify_options_add_audience(vo, "web"));
  CHECK_OK(instant_verify_options_set_issuer(vo, "me"));
  instant_verifier_free(vf);
  vf = NULL;
  CHECK_OK(instant_verifier_new(&vf, vo));
  CHECK_OK(instant_verifier_add_signer(vf, hs));
  CHECK_OK(instant_verifier_verify(&vt, vf, sub, INSTANT_TOKEN_SUBSCRIPTION));
  CHECK(strcmp(instant_verified_token_channel(vt), "$chat:private") == 0);
  CHECK(contains(instant_verified_token_claims(vt), "\"extra1\":5"));
  CHECK(contains(instant_verified_token_claims(vt), "\"aud\":\"web\""));
  instant_verified_token_free(vt);
  vt = NULL;
  CHECK_RC(instant_claims_set_json(cl, "{\"exp\":\"soon\"}"), INSTANT_ETOKEN_CLAIM);
  CHECK(contains(instant_last_error_message(), "exp"));
  CHECK_RC(instant_claims_set_json(cl, "{oops"), INSTANT_EJSON);
  CHECK_RC(instant_claims_set_json(cl, "[1]"), INSTANT_EJSON);
  /* F3: text ending inside a UTF-8 sequence, in a block of exactly its size
   * (valgrind and ASan see any read past the terminator). */
  {
    static const char cut[] = "{\"sub\":\"\xf1";
    char *exact = malloc(sizeof cut);
    CHECK(exact != NULL);
    memcpy(exact, cut, sizeof cut);
    CHECK_RC(instant_claims_set_json(cl, exact), INSTANT_EUTF8);
    free(exact);
  }
  /* F11: repeated names and U+0000 in names are refused; a sub with U+0000 too. */
  CHECK_RC(instant_claims_set_json(cl, "{\"sub\":\"a\",\"sub\":\"b\"}"), INSTANT_EJSON);
  CHECK_RC(instant_claims_set_json(cl, "{\"info\\u0000zz\":{}}"), INSTANT_EJSON);
  CHECK_RC(instant_claims_set_json(cl, "{\"sub\":\"a\\u0000b\"}"), INSTANT_ETOKEN_CLAIM);
  /* F4: deep nesting is refused, not recursed into. */
  {
    size_t depth = 100000, i;
    char *deep = malloc(2 * depth + 8);
    CHECK(deep != NULL);
    memcpy(deep, "{\"x\":", 5);
    for (i = 0; i < depth; ++i) deep[5 + i] = '[';
    for (i = 0; i < depth; ++i) deep[5 + depth + i] = ']';
    deep[5 + 2 * depth] = '}';
    deep[6 + 2 * depth] = '\0';
    CHECK_RC(instant_claims_set_json(cl, deep), INSTANT_EJSON);
    free(deep);
  }
  instant_free(sub);
  sub = NULL;
  /* a subscription token needs a channel */
  CHECK_OK(instant_claims_set_json(cl, "{\"sub\":\"alice\"}"));
  CHECK(instant_signer_subscription_token(&sub, hs, cl) != INSTANT_OK);
  CHECK(sub == NULL);
  /* no expiry on request */
  CHECK_OK(instant_claims_set_no_expiry(cl, 1));
  CHECK_OK(instant_claims_add_audience(cl, "web"));
  CHECK_OK(instant_claims_set_issuer(cl, "me"));
  CHECK_OK(instant_signer_connection_token(&tok, hs, cl));
  CHECK_RC(instant_verifier_verify(NULL, vf, tok, INSTANT_TOKEN_ANY), INSTANT_ETOKEN_CLAIM);
  instant_free(tok);
  tok = NULL;

  /* asymmetric keys: ES256 and EdDSA with kid, JWK, public PEM, JWKS */
  CHECK_OK(instant_signer_options_set_kid(so, "k-es"));
  CHECK_OK(instant_signer_new_pem(&es, capi_private_pem("P-256"), INSTANT_ALG_ES256, so));
  CHECK_OK(instant_signer_options_set_kid(so, "k-ed"));
  CHECK_OK(instant_signer_new_pem(&ed, capi_private_pem("Ed25519"), INSTANT_ALG_EDDSA, so));
  {
    instant_signer *bad = (instant_signer *)1;
    CHECK_RC(instant_signer_new_pem(&bad, "not a pem", INSTANT_ALG_ES256, NULL), INSTANT_EKEY);
    CHECK(bad == NULL);
  }
  CHECK_OK(instant_signer_jwk(&s, es));
  CHECK(contains(s, "\"kty\":\"EC\"") && contains(s, "\"kid\":\"k-es\""));
  instant_free(s);
  s = NULL;
  CHECK_OK(instant_signer_public_key_pem(&s, ed));
  CHECK(contains(s, "BEGIN PUBLIC KEY"));
  {
    instant_verifier *pv = NULL;
    CHECK_OK(instant_verifier_new(&pv, NULL));
    CHECK_OK(instant_verifier_add_pem(pv, s, INSTANT_ALG_EDDSA, "k-ed"));
    CHECK_OK(instant_claims_set_json(cl, "{\"sub\":\"bob\"}"));
    CHECK_OK(instant_signer_connection_token(&tok, ed, cl));
    CHECK_OK(instant_verifier_verify(&vt, pv, tok, INSTANT_TOKEN_CONNECTION));
    CHECK(instant_verified_token_algorithm(vt) == INSTANT_ALG_EDDSA);
    CHECK(strcmp(instant_verified_token_kid(vt), "k-ed") == 0);
    instant_verified_token_free(vt);
    vt = NULL;
    instant_free(tok);
    tok = NULL;
    CHECK_OK(instant_signer_connection_token(&tok, es, cl));
    CHECK_RC(instant_verifier_verify(NULL, pv, tok, INSTANT_TOKEN_ANY), INSTANT_ETOKEN_KID);
    instant_free(tok);
    tok = NULL;
    instant_verifier_free(pv);
  }
  instant_free(s);
  s = NULL;
  pair[0] = es;
  pair[1] = ed;
  CHECK_OK(instant_jwks(&s, pair, 2));
  CHECK(contains(s, "{\"keys\":[") && contains(s, "k-es") && contains(s, "k-ed"));
  instant_free(s);
  s = NULL;
  pair[1] = hs;
  CHECK_RC(instant_jwks(&s, pair, 2), INSTANT_EKEY);

  instant_verifier_free(vf);
  instant_verify_options_free(vo);
  instant_claims_free(cl);
  instant_signer_free(ed);
  instant_signer_free(es);
  instant_signer_free(hs);
  instant_signer_options_free(so);
}

/* ---- channels, registry, bundle, proxy, genconfig ------------------------------------ */

static int resolver_calls;
/* Resolves "alice" (in group "team") and, from a Cookie header "session=bob", "bob";
 * user "boom" makes the resolver fail. */
static int test_resolver(instant_user **out, const instant_proxy_request *req, void *userdata) {
  const char *user = instant_proxy_request_user(req);
  const char *cookie = instant_proxy_request_header(req, "cookie");
  ++resolver_calls;
  CHECK(userdata == (void *)&resolver_calls);
  CHECK(instant_proxy_request_client(req) != NULL);
  CHECK(instant_proxy_request_channel(req) != NULL);
  CHECK(instant_proxy_request_header(req, NULL) == NULL);
  CHECK(strcmp(instant_last_error_message(), "invalid argument: 'name'") == 0);
  CHECK(instant_proxy_request_header(req, "X-Absent") == NULL);
  if (strcmp(user, "boom") == 0) return 1;
  if (strcmp(user, "alice") == 0) {
    instant_user_new(out, "alice");
    instant_user_add_group(*out, "team");
  } else if (cookie && strcmp(cookie, "session=bob") == 0) {
    instant_user_new(out, "bob");
  } else if (cookie && strcmp(cookie, "session=anonymous") == 0) {
    instant_user_new_anonymous(out);
  }
  return 0;
}

static void test_channels_null_arguments(void) {
  instant_registry *reg = NULL;
  instant_user *u = NULL;
  instant_signer *sg = NULL;
  instant_proxy_options *po = NULL;
  instant_genconfig_options *go = NULL;
  instant_genconfig *gc = (instant_genconfig *)1;
  instant_level_t lvl;
  int allowed = 5;
  char *out = (char *)1;
  const char *g2[] = {"a", NULL};
  const char *hn[] = {"Cookie"};
  static const char key[] = "0123456789abcdef0123456789abcdef";

  CHECK_OK(instant_registry_new(&reg, 0));
  CHECK_OK(instant_user_new(&u, "x"));
  CHECK_OK(instant_signer_new_hmac(&sg, key, 32, INSTANT_ALG_HS256, NULL));
  CHECK_OK(instant_proxy_options_new(&po));
  CHECK_OK(instant_genconfig_options_new(&go));

  CHECK_NULL_ARG(instant_level_from_name(NULL, "users"), "out");
  CHECK_NULL_ARG(instant_level_from_name(&lvl, NULL), "name");
  CHECK_NULL_ARG(instant_channel_validate(NULL), "name");
  CHECK_NULL_ARG(instant_channel_namespace(NULL, "a:b"), "out");
  CHECK_NULL_ARG(instant_channel_namespace(&out, NULL), "name");
  CHECK(out == NULL);
  CHECK_NULL_ARG(instant_channel_private_name(NULL, "a"), "out");
  CHECK_NULL_ARG(instant_channel_private_name(&out, NULL), "name");
  CHECK_NULL_ARG(instant_user_new(NULL, "x"), "out");
  {
    instant_user *u2 = (instant_user *)1;
    CHECK_NULL_ARG(instant_user_new(&u2, NULL), "id");
    CHECK(u2 == NULL);
  }
  CHECK_NULL_ARG(instant_user_new_anonymous(NULL), "out");
  CHECK_NULL_ARG(instant_user_set_staff(NULL, 1), "user");
  CHECK_NULL_ARG(instant_user_set_superuser(NULL, 1), "user");
  CHECK_NULL_ARG(instant_user_add_group(NULL, "g"), "user");
  CHECK_NULL_ARG(instant_user_add_group(u, NULL), "group");

  CHECK_NULL_ARG(instant_registry_new(NULL, 0), "out");
  CHECK_NULL_ARG(instant_registry_add(NULL, NULL, "c", 0, NULL, 0, 1), "reg");
  CHECK_NULL_ARG(instant_registry_add(NULL, reg, NULL, 0, NULL, 0, 1), "name");
  CHECK_NULL_ARG(instant_registry_add(NULL, reg, "c", 0, NULL, 1, 1), "groups");
  CHECK_NULL_ARG(instant_registry_add(NULL, reg, "c", 0, g2, 2, 1), "groups[1]");
  CHECK_NULL_ARG(instant_registry_update(NULL, "c", 0, NULL, 0, 1), "reg");
  CHECK_NULL_ARG(instant_registry_update(reg, NULL, 0, NULL, 0, 1), "name");
  CHECK_NULL_ARG(instant_registry_update(reg, "c", 0, NULL, 1, 1), "groups");
  CHECK_NULL_ARG(instant_registry_remove(NULL, "c"), "reg");
  CHECK_NULL_ARG(instant_registry_remove(reg, NULL), "name");
  CHECK_NULL_ACCESSOR(instant_registry_size(NULL), 0, "reg");
  CHECK(instant_registry_size(reg) == 0);
  CHECK_NULL_ARG(instant_registry_find(NULL, reg, "c"), "out");
  CHECK_NULL_ARG(instant_registry_find(&out, NULL, "c"), "reg");
  CHECK_NULL_ARG(instant_registry_find(&out, reg, NULL), "name");
  CHECK_NULL_ARG(instant_registry_to_json(NULL, reg), "out");
  CHECK_NULL_ARG(instant_registry_to_json(&out, NULL), "reg");
  CHECK_NULL_ARG(instant_registry_load_json(NULL, "{}"), "reg");
  CHECK_NULL_ARG(instant_registry_load_json(reg, NULL), "json");
  CHECK_NULL_ARG(instant_registry_load(NULL, "p"), "reg");
  CHECK_NULL_ARG(instant_registry_load(reg, NULL), "path");
  CHECK_NULL_ARG(instant_registry_save(NULL, "p"), "reg");
  CHECK_NULL_ARG(instant_registry_save(reg, NULL), "path");
  CHECK_NULL_ARG(instant_registry_for_user(NULL, reg, u, 0), "out");
  CHECK_NULL_ARG(instant_registry_for_user(&out, NULL, u, 0), "reg");
  CHECK_NULL_ARG(instant_registry_for_user(&out, reg, NULL, 0), "user");
  CHECK_NULL_ARG(instant_registry_explain(NULL, reg, u, 0), "out");
  CHECK_NULL_ARG(instant_registry_explain(&out, NULL, u, 0), "reg");
  CHECK_NULL_ARG(instant_registry_explain(&out, reg, NULL, 0), "user");
  CHECK_NULL_ARG(instant_registry_is_authorized(NULL, reg, u, "c", 0), "allowed");
  CHECK_NULL_ARG(instant_registry_is_authorized(&allowed, NULL, u, "c", 0), "reg");
  CHECK(allowed == 0);
  CHECK_NULL_ARG(instant_registry_is_authorized(&allowed, reg, NULL, "c", 0), "user");
  CHECK_NULL_ARG(instant_registry_is_authorized(&allowed, reg, u, NULL, 0), "channel");

  CHECK_NULL_ARG(instant_bundle_json(NULL, sg, reg, u, "csrf", 60, 0, 0), "out");
  CHECK_NULL_ARG(instant_bundle_json(&out, NULL, reg, u, "csrf", 60, 0, 0), "signer");
  CHECK_NULL_ARG(instant_bundle_json(&out, sg, NULL, u, "csrf", 60, 0, 0), "reg");
  CHECK_NULL_ARG(instant_bundle_json(&out, sg, reg, NULL, "csrf", 60, 0, 0), "user");
  CHECK_NULL_ARG(instant_bundle_json(&out, sg, reg, u, NULL, 60, 0, 0), "csrf_token");
  CHECK_NULL_ARG(instant_bundle_json(NULL, sg, reg, u, "csrf", 60, 7, 0), "out"); /* NULL first */
  {
    instant_authorize_options *ao = (instant_authorize_options *)1;
    instant_bundle_options *bo = (instant_bundle_options *)1;
    CHECK_NULL_ARG(instant_authorize_options_new(NULL), "out");
    CHECK_NULL_ARG(instant_authorize_options_set_anonymous_public(NULL, 1), "opts");
    CHECK_OK(instant_authorize_options_new(&ao));
    CHECK_NULL_ARG(instant_registry_for_user_2(NULL, reg, u, ao), "out");
    CHECK_NULL_ARG(instant_registry_for_user_2(&out, NULL, u, ao), "reg");
    CHECK(out == NULL);
    CHECK_NULL_ARG(instant_registry_for_user_2(&out, reg, NULL, ao), "user");
    CHECK_NULL_ARG(instant_registry_explain_2(NULL, reg, u, ao), "out");
    CHECK_NULL_ARG(instant_registry_explain_2(&out, NULL, u, ao), "reg");
    CHECK_NULL_ARG(instant_registry_explain_2(&out, reg, NULL, NULL), "user");
    allowed = 5;
    CHECK_NULL_ARG(instant_registry_is_authorized_2(NULL, reg, u, "c", ao), "allowed");
    CHECK_NULL_ARG(instant_registry_is_authorized_2(&allowed, NULL, u, "c", ao), "reg");
    CHECK(allowed == 0);
    CHECK_NULL_ARG(instant_registry_is_authorized_2(&allowed, reg, NULL, "c", ao), "user");
    CHECK_NULL_ARG(instant_registry_is_authorized_2(&allowed, reg, u, NULL, NULL), "channel");

    CHECK_NULL_ARG(instant_bundle_options_new(NULL), "out");
    CHECK_OK(instant_bundle_options_new(&bo));
    CHECK_NULL_ARG(instant_bundle_options_set_lifetime(NULL, 60), "opts");
    CHECK_NULL_ARG(instant_bundle_options_set_server_side(NULL, INSTANT_SERVER_SIDE_OFF), "opts");
    CHECK_NULL_ARG(instant_bundle_options_set_authorize(NULL, ao), "opts");
    CHECK_OK(instant_bundle_options_set_authorize(bo, NULL));
    CHECK_NULL_ARG(instant_bundle_make(NULL, sg, reg, u, "csrf", bo), "out");
    CHECK_NULL_ARG(instant_bundle_make(&out, NULL, reg, u, "csrf", bo), "signer");
    CHECK(out == NULL);
    CHECK_NULL_ARG(instant_bundle_make(&out, sg, NULL, u, "csrf", bo), "reg");
    CHECK_NULL_ARG(instant_bundle_make(&out, sg, reg, NULL, "csrf", NULL), "user");
    CHECK_NULL_ARG(instant_bundle_make(&out, sg, reg, u, NULL, NULL), "csrf_token");
    CHECK_NULL_ARG(instant_proxy_options_set_authorize(NULL, ao), "opts");
    CHECK_OK(instant_proxy_options_set_authorize(po, NULL));
    instant_bundle_options_free(bo);
    instant_bundle_options_free(NULL);
    instant_authorize_options_free(ao);
    instant_authorize_options_free(NULL);
  }

  CHECK_NULL_ACCESSOR(instant_proxy_request_user(NULL), NULL, "req");
  CHECK_NULL_ACCESSOR(instant_proxy_request_client(NULL), NULL, "req");
  CHECK_NULL_ACCESSOR(instant_proxy_request_channel(NULL), NULL, "req");
  CHECK_NULL_ACCESSOR(instant_proxy_request_header(NULL, "Cookie"), NULL, "req");
  CHECK_NULL_ARG(instant_proxy_options_new(NULL), "out");
  CHECK_NULL_ARG(instant_proxy_options_set_anonymous_public(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_proxy_options_set_lifetimes(NULL, 1, 1), "opts");
  CHECK_NULL_ARG(instant_proxy_options_set_server_side(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_proxy_options_set_max_request_bytes(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_proxy_options_set_now(NULL, 1), "opts");
  CHECK_NULL_ARG(instant_proxy_handle(NULL, 0, reg, "{}", 2, NULL, NULL, 0, po, test_resolver, NULL), "out");
  CHECK_NULL_ARG(instant_proxy_handle(&out, 0, NULL, "{}", 2, NULL, NULL, 0, po, test_resolver, NULL), "reg");
  CHECK_NULL_ARG(instant_proxy_handle(&out, 0, reg, NULL, 2, NULL, NULL, 0, po, test_resolver, NULL), "body");
  CHECK_NULL_ARG(instant_proxy_handle(&out, 0, reg, "{}", 2, NULL, NULL, 0, po, NULL, NULL), "resolve");
  CHECK_NULL_ARG(instant_proxy_handle(&out, 0, reg, "{}", 2, NULL, hn, 1, po, test_resolver, NULL),
                 "header_names");
  CHECK_NULL_ARG(instant_proxy_handle(&out, 0, reg, "{}", 2, hn, NULL, 1, po, test_resolver, NULL),
                 "header_values");

  CHECK_NULL_ARG(instant_random_secret(NULL, 16), "out");
  CHECK_NULL_ARG(instant_genconfig_options_new(NULL), "out");
  CHECK_NULL_ARG(instant_genconfig_options_set_host(NULL, "http://h", 1), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_host(go, NULL, 1), "host");
  CHECK_NULL_ARG(instant_genconfig_options_set_address(NULL, ""), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_address(go, NULL), "address");
  CHECK_NULL_ARG(instant_genconfig_options_set_site_name(NULL, "s"), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_site_name(go, NULL), "site_name");
  CHECK_NULL_ARG(instant_genconfig_options_add_allowed_origin(NULL, "o"), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_add_allowed_origin(go, NULL), "origin");
  CHECK_NULL_ARG(instant_genconfig_options_set_channels(NULL, reg), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_channels(go, NULL), "reg");
  CHECK_NULL_ARG(instant_genconfig_options_set_namespace_defaults(NULL, 1, 1, 1), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_admin(NULL, 1, 1), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_proxy(NULL, 0, "u"), "opts");
  CHECK_NULL_ARG(instant_genconfig_options_set_proxy(go, 0, NULL), "url");
  CHECK_NULL_ARG(instant_genconfig_options_set_keys(NULL, NULL, NULL), "opts");
  CHECK_NULL_ARG(instant_genconfig_generate(NULL, go), "out");
  CHECK_NULL_ARG(instant_genconfig_generate(&gc, NULL), "opts");
  CHECK(gc == NULL);
  CHECK_NULL_ACCESSOR(instant_genconfig_json(NULL), NULL, "gc");
  CHECK_NULL_ACCESSOR(instant_genconfig_settings(NULL), NULL, "gc");
  CHECK_NULL_ACCESSOR(instant_genconfig_hmac_key(NULL), NULL, "gc");
  CHECK_NULL_ACCESSOR(instant_genconfig_api_key(NULL), NULL, "gc");
  CHECK_NULL_ARG(instant_genconfig_save(NULL, "p", 0), "gc");

  instant_user_free(NULL);
  instant_registry_free(NULL);
  instant_proxy_options_free(NULL);
  instant_genconfig_options_free(NULL);
  instant_genconfig_free(NULL);
  instant_genconfig_options_free(go);
  instant_proxy_options_free(po);
  instant_signer_free(sg);
  instant_user_free(u);
  instant_registry_free(reg);
}

/* Two results of the old and the new form of a call are equal and contain
 * `needle`; frees both. */
static void check_same_and_free(char *a, char *b, const char *needle) {
  CHECK(a && b && strcmp(a, b) == 0 && contains(a, needle));
  instant_free(a);
  instant_free(b);
}

/* The connection token of a bundle, verified (NULL, with a failed check, when
 * it is missing or does not verify). */
static instant_verified_token *bundle_ws_token(const instant_verifier *vf, const char *bundle) {
  char tok[4096];
  const char *p = bundle ? strstr(bundle, "\"ws_token\":\"") : NULL;
  const char *end = p ? strchr(p + 12, '"') : NULL;
  instant_verified_token *vt = NULL;
  CHECK(end != NULL && (size_t)(end - p - 12) < sizeof tok);
  if (!end || (size_t)(end - p - 12) >= sizeof tok) return NULL;
  memcpy(tok, p + 12, (size_t)(end - p - 12));
  tok[end - p - 12] = '\0';
  CHECK_OK(instant_verifier_verify(&vt, vf, tok, INSTANT_TOKEN_CONNECTION));
  return vt;
}

static void test_channels(void) {
  instant_registry *reg = NULL, *reg2 = NULL;
  instant_user *alice = NULL, *anon = NULL, *boss = NULL;
  instant_signer *sg = NULL;
  instant_verifier *vf = NULL;
  instant_proxy_options *po = NULL;
  instant_genconfig_options *go = NULL;
  instant_genconfig *gc = NULL;
  instant_level_t lvl = -1;
  char *s = NULL;
  int allowed = -1;
  const char *team[] = {"team", "team"};
  const char *hn[] = {"Cookie"}, *hv[] = {"session=bob"};
  const char *hkey = "channels-test-hmac-key-0123456789abcdef";
  char path[] = "/tmp/instant-capi-XXXXXX";
  char file[64];
  FILE *f;

  CHECK(strcmp(instant_level_name(INSTANT_LEVEL_STAFF), "staff") == 0);
  reset_last_error();
  CHECK(instant_level_name(7) == NULL);
  CHECK(instant_last_error_code() == INSTANT_EINVAL);
  CHECK_OK(instant_level_from_name(&lvl, "groups"));
  CHECK(lvl == INSTANT_LEVEL_GROUPS);
  CHECK_RC(instant_level_from_name(&lvl, "admins"), INSTANT_EINVAL);
  CHECK_OK(instant_channel_validate("$chat:room"));
  CHECK_RC(instant_channel_validate("bad$name"), INSTANT_ECHANNEL);
  CHECK_RC(instant_channel_validate(""), INSTANT_ECHANNEL);
  CHECK_OK(instant_channel_namespace(&s, "$chat:room"));
  CHECK(s && strcmp(s, "chat") == 0);
  instant_free(s);
  CHECK_OK(instant_channel_private_name(&s, "chat:room"));
  CHECK(s && strcmp(s, "$chat:room") == 0);
  instant_free(s);
  s = NULL;

  CHECK_RC(instant_registry_new(&reg, 0x80u), INSTANT_EINVAL);
  CHECK_OK(instant_registry_new(&reg, INSTANT_REGISTRY_PREFIX_PRIVATE));
  CHECK_OK(instant_registry_add(NULL, reg, "public", INSTANT_LEVEL_PUBLIC, NULL, 0, 1));
  CHECK_OK(instant_registry_add(&s, reg, "chat:team", INSTANT_LEVEL_GROUPS, team, 2, 1));
  CHECK(s && strcmp(s, "$chat:team") == 0);
  instant_free(s);
  s = NULL;
  CHECK_OK(instant_registry_add(NULL, reg, "staffonly", INSTANT_LEVEL_STAFF, NULL, 0, 1));
  CHECK_OK(instant_registry_add(NULL, reg, "old", INSTANT_LEVEL_PUBLIC, NULL, 0, 0));
  CHECK_RC(instant_registry_add(NULL, reg, "public", INSTANT_LEVEL_PUBLIC, NULL, 0, 1), INSTANT_EEXISTS);
  CHECK_RC(instant_registry_add(NULL, reg, "x", 9, NULL, 0, 1), INSTANT_EINVAL);
  CHECK_RC(instant_registry_add(NULL, reg, "bad$name", INSTANT_LEVEL_PUBLIC, NULL, 0, 1), INSTANT_ECHANNEL);
  CHECK(instant_registry_size(reg) == 4);
  CHECK_OK(instant_registry_find(&s, reg, "$chat:team"));
  CHECK(s && strcmp(s, "{\"name\":\"$chat:team\",\"level\":\"groups\",\"groups\":[\"team\"],\"active\":true}") == 0);
  instant_free(s);
  s = NULL;
  CHECK_RC(instant_registry_find(&s, reg, "nope"), INSTANT_ENOTFOUND);
  CHECK_OK(instant_registry_update(reg, "$staffonly", INSTANT_LEVEL_STAFF, team, 1, 1));
  CHECK_RC(instant_registry_update(reg, "nope", INSTANT_LEVEL_PUBLIC, NULL, 0, 1), INSTANT_ENOTFOUND);
  CHECK_OK(instant_registry_add(NULL, reg, "gone", INSTANT_LEVEL_PUBLIC, NULL, 0, 1));
  CHECK_OK(instant_registry_remove(reg, "gone"));
  CHECK_RC(instant_registry_remove(reg, "gone"), INSTANT_ENOTFOUND);

  CHECK_OK(instant_user_new(&alice, "alice"));
  CHECK_OK(instant_user_add_group(alice, "team"));
  CHECK_OK(instant_user_set_staff(alice, 0));
  CHECK_OK(instant_user_set_superuser(alice, 0));
  CHECK_RC(instant_user_new(&boss, ""), INSTANT_EINVAL);
  CHECK_OK(instant_user_new(&boss, "boss"));
  CHECK_OK(instant_user_set_staff(boss, 1));
  CHECK_OK(instant_user_new_anonymous(&anon));

  CHECK_OK(instant_registry_for_user(&s, reg, alice, 0));
  CHECK(s && contains(s, "\"public\"") && contains(s, "$chat:team") && contains(s, "$staffonly") &&
        !contains(s, "\"old\""));
  instant_free(s);
  CHECK_OK(instant_registry_for_user(&s, reg, boss, 0));
  CHECK(s && contains(s, "$staffonly") && !contains(s, "$chat:team"));
  instant_free(s);
  CHECK_OK(instant_registry_for_user(&s, reg, anon, 0));
  CHECK(s && strcmp(s, "{\"channels\":[]}") == 0); /* compact JSON */
  instant_free(s);
  CHECK_OK(instant_registry_for_user(&s, reg, anon, 1));
  CHECK(s && contains(s, "\"public\"") && !contains(s, "$chat:team"));
  instant_free(s);
  CHECK_OK(instant_registry_explain(&s, reg, boss, 0));
  CHECK(s && contains(s, "{\"channel\":\"$chat:team\",\"allowed\":false,\"reason\":\""));
  instant_free(s);
  s = NULL;
  CHECK_OK(instant_registry_is_authorized(&allowed, reg, alice, "$chat:team", 0));
  CHECK(allowed == 1);
  CHECK_OK(instant_registry_is_authorized(&allowed, reg, boss, "$chat:team", 0));
  CHECK(allowed == 0);
  CHECK_RC(instant_registry_is_authorized(&allowed, reg, boss, "nope", 0), INSTANT_ENOTFOUND);

  /* the option-object forms give the same answers as the int forms */
  {
    instant_authorize_options *ao = NULL;
    char *old_form = NULL;
    CHECK_OK(instant_authorize_options_new(&ao));
    CHECK_OK(instant_registry_for_user_2(&s, reg, anon, ao));
    CHECK(s && strcmp(s, "{\"channels\":[]}") == 0);
    instant_free(s);
    CHECK_OK(instant_registry_for_user_2(&s, reg, anon, NULL));
    CHECK(s && strcmp(s, "{\"channels\":[]}") == 0);
    instant_free(s);
    CHECK_OK(instant_authorize_options_set_anonymous_public(ao, 1));
    CHECK_OK(instant_registry_for_user_2(&s, reg, anon, ao));
    CHECK_OK(instant_registry_for_user(&old_form, reg, anon, 1));
    check_same_and_free(s, old_form, "\"public\"");
    CHECK_OK(instant_registry_for_user_2(&s, reg, alice, NULL));
    CHECK_OK(instant_registry_for_user(&old_form, reg, alice, 0));
    check_same_and_free(s, old_form, "$chat:team");
    CHECK_OK(instant_registry_explain_2(&s, reg, anon, ao));
    CHECK_OK(instant_registry_explain(&old_form, reg, anon, 1));
    check_same_and_free(s, old_form, "\"allowed\":true");
    CHECK_OK(instant_registry_explain_2(&s, reg, boss, NULL));
    CHECK(contains(s, "{\"channel\":\"$chat:team\",\"allowed\":false,\"reason\":\""));
    instant_free(s);
    s = NULL;
    CHECK_OK(instant_registry_is_authorized_2(&allowed, reg, anon, "public", ao));
    CHECK(allowed == 1);
    CHECK_OK(instant_registry_is_authorized_2(&allowed, reg, anon, "public", NULL));
    CHECK(allowed == 0);
    CHECK_OK(instant_registry_is_authorized_2(&allowed, reg, alice, "$chat:team", NULL));
    CHECK(allowed == 1);
    CHECK_RC(instant_registry_is_authorized_2(&allowed, reg, boss, "nope", ao), INSTANT_ENOTFOUND);
    instant_authorize_options_free(ao);
  }

  /* save, load, JSON round trip */
  CHECK(mkdtemp(path) != NULL);
  snprintf(file, sizeof file, "%s/channels.json", path);
  CHECK_OK(instant_registry_save(reg, file));
  CHECK_OK(instant_registry_new(&reg2, 0));
  CHECK_OK(instant_registry_load(reg2, file));
  CHECK(instant_registry_size(reg2) == 4);
  CHECK_OK(instant_registry_to_json(&s, reg2));
  {
    char *orig = NULL;
    CHECK_OK(instant_registry_to_json(&orig, reg));
    CHECK(s && orig && strcmp(s, orig) == 0);
    instant_free(orig);
  }
  instant_free(s);
  s = NULL;
  CHECK_RC(instant_registry_load_json(reg2, "{\"channels\":[{\"name\":\"x$y\"}]}"), INSTANT_ECHANNEL);
  CHECK(instant_registry_size(reg2) == 4); /* unchanged on error */
  CHECK_RC(instant_registry_load_json(reg2, "{oops"), INSTANT_EJSON);
  CHECK_OK(instant_registry_load_json(reg2, "{\"channels\":[]}"));
  CHECK(instant_registry_size(reg2) == 0);
  CHECK_RC(instant_registry_load(reg2, "/nonexistent/dir/channels.json"), INSTANT_EIO);
  CHECK_RC(instant_registry_save(reg2, "/nonexistent/dir/channels.json"), INSTANT_EIO);
  remove(file);

  /* bundle: tokens that instant's verifier accepts */
  CHECK_OK(instant_signer_new_hmac(&sg, hkey, strlen(hkey), INSTANT_ALG_HS256, NULL));
  CHECK_OK(instant_verifier_new(&vf, NULL));
  CHECK_OK(instant_verifier_add_signer(vf, sg));
  CHECK_OK(instant_bundle_json(&s, sg, reg, alice, "csrf-1", 600, INSTANT_SERVER_SIDE_OFF, 0));
  CHECK(s && strncmp(s, "{\"csrf_token\":\"csrf-1\",\"ws_token\":\"eyJ", 36) == 0);
  CHECK(contains(s, "{\"name\":\"$chat:team\",\"level\":\"groups\",\"token\":\"eyJ"));
  {
    instant_verified_token *vt = bundle_ws_token(vf, s);
    CHECK(vt && strcmp(instant_verified_token_sub(vt), "alice") == 0);
    CHECK(instant_verified_token_exp(vt) - instant_verified_token_iat(vt) == 600);
    instant_verified_token_free(vt);
  }
  instant_free(s);
  CHECK_OK(instant_bundle_json(&s, sg, reg, alice, "c", 600, INSTANT_SERVER_SIDE_CHANNELS, 0));
  CHECK(s && !contains(s, "\"level\":\"groups\",\"token\":\"eyJ"));
  instant_free(s);
  s = NULL;
  CHECK_RC(instant_bundle_json(&s, sg, reg, anon, "c", 600, INSTANT_SERVER_SIDE_OFF, 0), INSTANT_EFORBIDDEN);
  CHECK_RC(instant_bundle_json(&s, sg, reg, alice, "c", 600, 7, 0), INSTANT_EINVAL);
  CHECK_RC(instant_bundle_json(&s, sg, reg, alice, "c", 0, INSTANT_SERVER_SIDE_OFF, 0), INSTANT_EINVAL);
  CHECK(s == NULL);

  /* the bundle with an option object */
  {
    instant_bundle_options *bo = NULL;
    instant_authorize_options *ao = NULL;
    CHECK_OK(instant_bundle_options_new(&bo));
    CHECK_OK(instant_authorize_options_new(&ao));
    CHECK_RC(instant_bundle_options_set_lifetime(bo, 0), INSTANT_EINVAL);
    CHECK_RC(instant_bundle_options_set_lifetime(bo, 315360001), INSTANT_EINVAL);
    CHECK_RC(instant_bundle_options_set_server_side(bo, 7), INSTANT_EINVAL);
    CHECK_OK(instant_bundle_make(&s, sg, reg, alice, "csrf-2", NULL)); /* defaults: 24 h tokens */
    CHECK(s && strncmp(s, "{\"csrf_token\":\"csrf-2\",\"ws_token\":\"eyJ", 36) == 0);
    CHECK(contains(s, "{\"name\":\"$chat:team\",\"level\":\"groups\",\"token\":\"eyJ"));
    {
      instant_verified_token *vt = bundle_ws_token(vf, s);
      CHECK(instant_verified_token_exp(vt) - instant_verified_token_iat(vt) == 86400);
      instant_verified_token_free(vt);
    }
    instant_free(s);
    CHECK_OK(instant_bundle_options_set_lifetime(bo, 900));
    CHECK_OK(instant_bundle_options_set_server_side(bo, INSTANT_SERVER_SIDE_SUBS));
    CHECK_OK(instant_bundle_make(&s, sg, reg, alice, "csrf-3", bo));
    CHECK(s && !contains(s, "\"level\":\"groups\",\"token\":\"eyJ")); /* server-side: no sub tokens */
    {
      instant_verified_token *vt = bundle_ws_token(vf, s);
      CHECK(instant_verified_token_exp(vt) - instant_verified_token_iat(vt) == 900);
      CHECK(contains(instant_verified_token_claims(vt), "\"subs\":{"));
      CHECK(contains(instant_verified_token_claims(vt), "$chat:team"));
      instant_verified_token_free(vt);
    }
    instant_free(s);
    s = NULL;
    CHECK_RC(instant_bundle_make(&s, sg, reg, anon, "c", bo), INSTANT_EFORBIDDEN);
    CHECK(s == NULL);
    CHECK_OK(instant_authorize_options_set_anonymous_public(ao, 1));
    CHECK_OK(instant_bundle_options_set_authorize(bo, ao));
    CHECK_OK(instant_authorize_options_set_anonymous_public(ao, 0)); /* copied: no effect on bo */
    CHECK_OK(instant_bundle_options_set_server_side(bo, INSTANT_SERVER_SIDE_OFF));
    CHECK_OK(instant_bundle_make(&s, sg, reg, anon, "c", bo));
    CHECK(contains(s, "{\"name\":\"public\",\"level\":\"public\",\"token\":\"eyJ") &&
          !contains(s, "$chat:team"));
    instant_free(s);
    s = NULL;
    CHECK_OK(instant_bundle_options_set_authorize(bo, NULL)); /* back to the defaults */
    CHECK_RC(instant_bundle_make(&s, sg, reg, anon, "c", bo), INSTANT_EFORBIDDEN);
    instant_authorize_options_free(ao);
    instant_bundle_options_free(bo);
  }

  /* proxy handlers with a C resolver */
  CHECK_OK(instant_proxy_options_new(&po));
  CHECK_OK(instant_proxy_options_set_anonymous_public(po, 0));
  CHECK_OK(instant_proxy_options_set_lifetimes(po, 600, 300));
  CHECK_RC(instant_proxy_options_set_lifetimes(po, -1, 0), INSTANT_EINVAL);
  CHECK_RC(instant_proxy_options_set_lifetimes(po, 0, INT64_MAX), INSTANT_EINVAL); /* F8 */
  CHECK_OK(instant_proxy_options_set_server_side(po, 0));
  CHECK_OK(instant_proxy_options_set_max_request_bytes(po, 4096));
  CHECK_RC(instant_proxy_options_set_max_request_bytes(po, 0), INSTANT_EINVAL);
  CHECK_OK(instant_proxy_options_set_now(po, 1700000000));
  {
    static const char sub_ok[] = "{\"client\":\"c1\",\"user\":\"alice\",\"channel\":\"$chat:team\"}";
    static const char sub_no[] = "{\"client\":\"c1\",\"user\":\"alice\",\"channel\":\"$chat:other\"}";
    static const char sub_boom[] = "{\"client\":\"c1\",\"user\":\"boom\",\"channel\":\"$chat:team\"}";
    static const char conn[] = "{\"client\":\"c2\",\"transport\":\"websocket\"}";
    void *ud = &resolver_calls;
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_SUBSCRIBE, reg, sub_ok, sizeof sub_ok - 1, NULL, NULL, 0,
                                  po, test_resolver, ud));
    CHECK(s && strcmp(s, "{\"result\":{\"expire_at\":1700000300}}") == 0);
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_SUBSCRIBE, reg, sub_no, sizeof sub_no - 1, NULL, NULL, 0,
                                  po, test_resolver, ud));
    CHECK(contains(s, "\"code\":403"));
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_SUBSCRIBE, reg, sub_boom, sizeof sub_boom - 1, NULL, NULL,
                                  0, po, test_resolver, ud));
    CHECK(contains(s, "\"code\":500"));
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_CONNECT, reg, conn, sizeof conn - 1, hn, hv, 1, po,
                                  test_resolver, ud));
    CHECK(contains(s, "\"user\":\"bob\"") && contains(s, "\"expire_at\":1700000600"));
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_CONNECT, reg, conn, sizeof conn - 1, NULL, NULL, 0, po,
                                  test_resolver, ud));
    CHECK(contains(s, "\"code\":401"));
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_REFRESH, reg, sub_ok, sizeof sub_ok - 1, NULL, NULL, 0,
                                  po, test_resolver, ud));
    CHECK(contains(s, "\"expire_at\":1700000600"));
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_SUB_REFRESH, reg, sub_no, sizeof sub_no - 1, NULL, NULL, 0,
                                  po, test_resolver, ud));
    CHECK(contains(s, "\"expired\":true"));
    instant_free(s);
    CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_SUBSCRIBE, reg, "{not json", 9, NULL, NULL, 0, NULL,
                                  test_resolver, ud));
    CHECK(contains(s, "\"code\":400"));
    instant_free(s);
    s = NULL;
    CHECK_RC(instant_proxy_handle(&s, 9, reg, conn, sizeof conn - 1, NULL, NULL, 0, po, test_resolver, ud),
             INSTANT_EINVAL);
    CHECK(s == NULL);

    /* anonymous connections: refused by default, allowed by authorize options */
    {
      const char *anon_cookie[] = {"session=anonymous"};
      instant_authorize_options *ao = NULL;
      CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_CONNECT, reg, conn, sizeof conn - 1, hn, anon_cookie,
                                    1, po, test_resolver, ud));
      CHECK(contains(s, "\"code\":401"));
      instant_free(s);
      CHECK_OK(instant_authorize_options_new(&ao));
      CHECK_OK(instant_authorize_options_set_anonymous_public(ao, 1));
      CHECK_OK(instant_proxy_options_set_authorize(po, ao));
      instant_authorize_options_free(ao); /* copied */
      CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_CONNECT, reg, conn, sizeof conn - 1, hn, anon_cookie,
                                    1, po, test_resolver, ud));
      CHECK(contains(s, "{\"result\":{\"user\":\"\""));
      instant_free(s);
      CHECK_OK(instant_proxy_options_set_authorize(po, NULL));
      CHECK_OK(instant_proxy_handle(&s, INSTANT_PROXY_CONNECT, reg, conn, sizeof conn - 1, hn, anon_cookie,
                                    1, po, test_resolver, ud));
      CHECK(contains(s, "\"code\":401"));
      instant_free(s);
      s = NULL;
    }
    CHECK(resolver_calls >= 6);
  }

  /* genconfig: the namespaces of the registry, secrets, settings, 0600 file */
  CHECK_OK(instant_random_secret(&s, 16));
  CHECK(s && strlen(s) == 32);
  instant_free(s);
  s = NULL;
  CHECK_RC(instant_random_secret(&s, 0), INSTANT_EINVAL);
  CHECK_OK(instant_genconfig_options_new(&go));
  CHECK_OK(instant_genconfig_generate(&gc, go)); /* listens on 127.0.0.1 unless told otherwise */
  CHECK(contains(instant_genconfig_json(gc), "\"address\": \"127.0.0.1\""));
  instant_genconfig_free(gc);
  CHECK_OK(instant_genconfig_options_set_address(go, ""));
  CHECK_OK(instant_genconfig_generate(&gc, go));
  CHECK(!contains(instant_genconfig_json(gc), "\"address\""));
  instant_genconfig_free(gc);
  gc = NULL;
  CHECK_OK(instant_genconfig_options_set_host(go, "http://rt.example.com", 8123));
  CHECK_OK(instant_genconfig_options_set_address(go, "127.0.0.1"));
  CHECK_OK(instant_genconfig_options_set_site_name(go, "Blog"));
  CHECK_OK(instant_genconfig_options_add_allowed_origin(go, "http://localhost:*"));
  CHECK_OK(instant_genconfig_options_set_channels(go, reg));
  CHECK_OK(instant_genconfig_options_set_namespace_defaults(go, 1, 50, 120));
  CHECK_OK(instant_genconfig_options_set_admin(go, 0, 0));
  CHECK_OK(instant_genconfig_options_set_proxy(go, INSTANT_PROXY_SUBSCRIBE, "http://127.0.0.1:9000/sub"));
  CHECK_RC(instant_genconfig_options_set_proxy(go, 12, "http://x"), INSTANT_EINVAL);
  CHECK_OK(instant_genconfig_options_set_keys(go, NULL, "fixed-api-key-0123456789"));
  CHECK_OK(instant_genconfig_generate(&gc, go));
  CHECK(contains(instant_genconfig_json(gc), "\"name\": \"chat\""));
  CHECK(contains(instant_genconfig_json(gc), "http://127.0.0.1:9000/sub"));
  CHECK(strcmp(instant_genconfig_api_key(gc), "fixed-api-key-0123456789") == 0);
  CHECK(strlen(instant_genconfig_hmac_key(gc)) >= 32);
  CHECK(contains(instant_genconfig_settings(gc), "CENTRIFUGO_PORT=8123\n"));
  CHECK(contains(instant_genconfig_settings(gc), "SITE_NAME=Blog\n"));
  snprintf(file, sizeof file, "%s/config.json", path);
  CHECK_NULL_ARG(instant_genconfig_save(gc, NULL, 0), "path");
  CHECK_OK(instant_genconfig_save(gc, file, 0));
  CHECK_RC(instant_genconfig_save(gc, file, 0), INSTANT_EEXISTS);
  CHECK_OK(instant_genconfig_save(gc, file, 1));
  f = fopen(file, "r");
  CHECK(f != NULL);
  if (f) fclose(f);
  remove(file);
  rmdir(path);
  instant_genconfig_free(gc);
  gc = NULL;
  CHECK_OK(instant_genconfig_options_set_host(go, "http://h", 70000));
  CHECK_RC(instant_genconfig_generate(&gc, go), INSTANT_EINVAL);
  CHECK(gc == NULL);

  instant_genconfig_options_free(go);
  instant_proxy_options_free(po);
  instant_verifier_free(vf);
  instant_signer_free(sg);
  instant_user_free(anon);
  instant_user_free(boss);
  instant_user_free(alice);
  instant_registry_free(reg2);
  instant_registry_free(reg);
}

/* The last-error record is per thread: another thread's failure does not
 * overwrite this thread's record. */
static void *other_thread(void *arg) {
  instant_error_t rc = instant_config_set_url(NULL, "x");
  int *ok = (int *)arg;
  *ok = rc == INSTANT_EINVAL && strcmp(instant_last_error_message(), "invalid argument: 'cfg'") == 0 &&
        instant_last_error_code() == INSTANT_EINVAL;
  return NULL;
}

static void test_thread_local_errors(void) {
  pthread_t t;
  int ok = 0;
  CHECK_RC(instant_position_new(NULL, 0, NULL), INSTANT_EINVAL);
  CHECK(pthread_create(&t, NULL, other_thread, &ok) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(ok == 1);
  CHECK(strcmp(instant_last_error_message(), "invalid argument: 'out'") == 0);
}

/* ---- against a real Centrifugo ------------------------------------------------------ */

static instant_client *make_client(const char *url, const char *key) {
  instant_config *cfg = NULL;
  instant_client *client = NULL;
  CHECK_OK(instant_config_new(&cfg));
  CHECK_OK(instant_config_set_url(cfg, url));
  if (key) CHECK_OK(instant_config_set_api_key(cfg, key));
  CHECK_OK(instant_client_new(&client, cfg));
  instant_config_free(cfg);
  return client;
}

static void test_publish(instant_client *c) {
  instant_position *pos = NULL;
  instant_event *ev = NULL;
  instant_publish_options *opts = NULL;
  char *json = NULL;
  const char raw[] = "{\"x\":1}trailing bytes outside the length";

  CHECK_OK(instant_client_publish(&pos, c, "news", "hello from C", NULL));
  CHECK(instant_position_offset(pos) > 0);
  CHECK(strlen(instant_position_epoch(pos)) > 0);
  instant_position_free(pos);
  pos = NULL;

  CHECK_OK(instant_event_new(&ev));
  CHECK_OK(instant_event_set_data(ev, "{\"n\":7}"));
  CHECK_OK(instant_event_set_event_class(ev, "important"));
  CHECK_OK(instant_publish_options_new(&opts));
  CHECK_OK(instant_publish_options_add_tag(opts, "origin", "capi"));
  CHECK_OK(instant_event_set_options(ev, opts));
  CHECK_OK(instant_client_publish(NULL, c, "news", NULL, ev));
  CHECK_RC(instant_client_publish(&pos, c, "news", NULL, NULL), INSTANT_EINVAL);
  CHECK(pos == NULL);

  /* (pointer, length): only the first 7 bytes are the payload */
  CHECK_OK(instant_client_publish_raw(&pos, c, "news", raw, 7, opts));
  CHECK(pos && instant_position_offset(pos) > 0);
  instant_position_free(pos);
  pos = NULL;
  CHECK_RC(instant_client_publish_raw(NULL, c, "news", raw, sizeof raw - 1, NULL), INSTANT_EJSON);
  CHECK_RC(instant_client_publish_raw(NULL, c, "news", raw, 0, NULL), INSTANT_EINVAL);
  /* binary data in its own channel (a JSON history reply cannot carry it) */
  CHECK_OK(instant_client_publish_binary(&pos, c, "chat:binary", "\x00\x01\x02\xff", 4, NULL));
  CHECK(pos && instant_position_offset(pos) > 0);
  instant_position_free(pos);
  pos = NULL;

  CHECK_OK(instant_client_history(&json, c, "news", -1, NULL, 0));
  CHECK(contains(json, "\"message\":\"hello from C\""));
  CHECK(contains(json, "\"data\":{\"n\":7}"));
  CHECK(contains(json, "\"data\":{\"x\":1}"));
  CHECK(contains(json, "\"tags\":{\"origin\":\"capi\"}"));
  CHECK(contains(json, "\"epoch\":\""));
  instant_free(json);
  json = NULL;
  /* since the first publication, newest first, at most 1 */
  CHECK_OK(instant_position_new(&pos, 1, NULL));
  CHECK_OK(instant_client_history(&json, c, "news", 1, NULL, 1));
  CHECK(contains(json, "\"publications\":[{"));
  instant_free(json);
  json = NULL;
  instant_position_free(pos);
  pos = NULL;
  CHECK_RC(instant_client_history(&json, c, "news", -2, NULL, 0), INSTANT_EINVAL);

  /* errors with Centrifugo's codes */
  CHECK_RC(instant_client_publish(NULL, c, "nope:x", "m", NULL), INSTANT_ESERVER);
  CHECK(instant_last_error_server_code() == 102);
  CHECK(instant_last_error_http_status() == 200);
  CHECK(contains(instant_last_error_message(), "102"));
  CHECK_RC(instant_client_history(&json, c, "nohistory:x", 10, NULL, 0), INSTANT_ESERVER);
  CHECK(instant_last_error_server_code() == 108);
  CHECK(json == NULL);
  CHECK_RC(instant_client_publish(NULL, c, "news", "bad \xc3\x28 utf8", NULL), INSTANT_EUTF8);
  {
    char longname[301];
    memset(longname, 'a', 300);
    longname[300] = '\0';
    CHECK_RC(instant_client_publish(NULL, c, longname, "m", NULL), INSTANT_ECHANNEL);
  }

  instant_publish_options_free(opts);
  instant_event_free(ev);
}

static void test_broadcast_and_batch(instant_client *c) {
  const char *chans[] = {"news", "nope:x", "chat:b"};
  const char *evchans[] = {"chat:e1", "chat:e2"};
  instant_broadcast_result *br = NULL;
  instant_batch *b = NULL;
  instant_batch_result *res = NULL;
  char *json = NULL;

  CHECK_RC(instant_client_broadcast(&br, c, chans, 3, "{\"b\":true}", 10, NULL), INSTANT_EPARTIAL);
  CHECK(contains(instant_last_error_message(), "1 of 3"));
  CHECK(instant_broadcast_result_count(br) == 3);
  CHECK(instant_broadcast_result_code(br, 0) == INSTANT_OK);
  CHECK(instant_broadcast_result_offset(br, 0) > 0);
  CHECK(strlen(instant_broadcast_result_epoch(br, 0)) > 0);
  CHECK(strcmp(instant_broadcast_result_message(br, 0), "") == 0);
  CHECK(instant_broadcast_result_server_code(br, 0) == 0);
  CHECK(instant_broadcast_result_code(br, 1) == INSTANT_ESERVER);
  CHECK(instant_broadcast_result_server_code(br, 1) == 102);
  CHECK(contains(instant_broadcast_result_message(br, 1), "102"));
  CHECK(instant_broadcast_result_code(br, 2) == INSTANT_OK);
  reset_last_error();
  CHECK(instant_broadcast_result_code(br, 3) == INSTANT_EINVAL);
  CHECK(instant_last_error_code() == INSTANT_EINVAL);
  CHECK(instant_broadcast_result_message(br, 3) == NULL);
  CHECK(instant_broadcast_result_epoch(br, 99) == NULL);
  CHECK(instant_broadcast_result_offset(br, 99) == 0);
  CHECK(instant_broadcast_result_server_code(br, 99) == 0);
  instant_broadcast_result_free(br);
  br = NULL;
  CHECK_RC(instant_client_broadcast(&br, c, chans, 0, "{}", 2, NULL), INSTANT_EINVAL);
  CHECK(br == NULL);

  CHECK_OK(instant_client_broadcast_event(&br, c, evchans, 2, "to both", NULL));
  CHECK(instant_broadcast_result_count(br) == 2);
  CHECK(instant_broadcast_result_code(br, 1) == INSTANT_OK);
  instant_broadcast_result_free(br);
  CHECK_OK(instant_client_history(&json, c, "chat:e2", -1, NULL, 0));
  CHECK(contains(json, "\"channel\":\"chat:e2\""));
  CHECK(contains(json, "\"message\":\"to both\""));
  instant_free(json);
  json = NULL;

  CHECK_OK(instant_batch_new(&b));
  CHECK_OK(instant_batch_set_parallel(b, 0));
  CHECK_OK(instant_batch_add_publish(b, "news", "{\"batch\":1}", 11, NULL));
  CHECK_OK(instant_batch_add_command(b, "presence_stats", "{\"channel\":\"news\"}"));
  CHECK_OK(instant_batch_add_publish(b, "nope:y", "{\"batch\":2}", 11, NULL));
  CHECK_OK(instant_batch_add_broadcast(b, evchans, 2, "{\"batch\":3}", 11, NULL));
  CHECK(instant_batch_size(b) == 4);
  CHECK_RC(instant_client_batch(&res, c, b), INSTANT_EPARTIAL);
  CHECK(instant_batch_result_count(res) == 4);
  CHECK(instant_batch_result_code(res, 0) == INSTANT_OK);
  CHECK(strcmp(instant_batch_result_method(res, 0), "publish") == 0);
  CHECK(instant_batch_result_offset(res, 0) > 0);
  CHECK(strlen(instant_batch_result_epoch(res, 0)) > 0);
  CHECK(strcmp(instant_batch_result_message(res, 0), "") == 0);
  CHECK(strcmp(instant_batch_result_method(res, 1), "presence_stats") == 0);
  CHECK(contains(instant_batch_result_json(res, 1), "num_clients"));
  CHECK(instant_batch_result_code(res, 2) == INSTANT_ESERVER);
  CHECK(instant_batch_result_server_code(res, 2) == 102);
  CHECK(strcmp(instant_batch_result_json(res, 2), "") == 0);
  CHECK(instant_batch_result_code(res, 3) == INSTANT_OK);
  CHECK(contains(instant_batch_result_json(res, 3), "responses"));
  CHECK(instant_batch_result_code(res, 4) == INSTANT_EINVAL);
  CHECK(instant_batch_result_method(res, 4) == NULL);
  CHECK(instant_batch_result_json(res, 4) == NULL);
  CHECK(instant_batch_result_message(res, 4) == NULL);
  CHECK(instant_batch_result_epoch(res, 4) == NULL);
  CHECK(instant_batch_result_offset(res, 4) == 0);
  CHECK(instant_batch_result_server_code(res, 4) == 0);
  instant_batch_result_free(res);
  res = NULL;
  instant_batch_free(b);

  CHECK_OK(instant_batch_new(&b));
  CHECK_RC(instant_client_batch(&res, c, b), INSTANT_EINVAL); /* empty batch */
  CHECK(res == NULL);
  CHECK_OK(instant_batch_set_parallel(b, 1));
  CHECK_OK(instant_batch_add_publish(b, "news", "{\"p\":1}", 7, NULL));
  CHECK_OK(instant_client_batch(&res, c, b));
  CHECK(instant_batch_result_count(res) == 1);
  instant_batch_result_free(res);
  instant_batch_free(b);
}

/* One client shared by several threads (docs/threading.md): every publish
 * succeeds and every offset in the channel is distinct. */
#define PUB_THREADS 4
#define PUB_EACH 10
struct pub_job {
  instant_client *client;
  uint64_t offsets[PUB_EACH];
  int failures;
};

static void *publisher(void *arg) {
  struct pub_job *job = (struct pub_job *)arg;
  int i;
  for (i = 0; i < PUB_EACH; ++i) {
    instant_position *pos = NULL;
    if (instant_client_publish(&pos, job->client, "chat:threads", "from a thread", NULL) != INSTANT_OK) {
      ++job->failures;
    } else {
      job->offsets[i] = instant_position_offset(pos);
    }
    instant_position_free(pos);
  }
  return NULL;
}

static void test_shared_client(instant_client *c) {
  pthread_t threads[PUB_THREADS];
  struct pub_job jobs[PUB_THREADS];
  uint64_t seen[PUB_THREADS * PUB_EACH];
  int t, i, j, n = 0, dupes = 0;
  memset(jobs, 0, sizeof jobs);
  for (t = 0; t < PUB_THREADS; ++t) {
    jobs[t].client = c;
    CHECK(pthread_create(&threads[t], NULL, publisher, &jobs[t]) == 0);
  }
  for (t = 0; t < PUB_THREADS; ++t) {
    CHECK(pthread_join(threads[t], NULL) == 0);
    CHECK(jobs[t].failures == 0);
    for (i = 0; i < PUB_EACH; ++i) seen[n++] = jobs[t].offsets[i];
  }
  for (i = 0; i < n; ++i) {
    CHECK(seen[i] > 0);
    for (j = i + 1; j < n; ++j) dupes += seen[i] == seen[j];
  }
  CHECK(dupes == 0);
}

/* instant_client_subscribe_2 on a real client connection: every option
 * reaches Centrifugo (a client or session filter that matches nothing
 * subscribes nobody; info shows in presence). */
static void test_subscribe_options(instant_client *c, const instant_position *since) {
  const char *hkey = capi_server_hmac_key();
  instant_signer *sg = NULL;
  instant_claims *cl = NULL;
  instant_subscribe_options *so = NULL;
  char *tok = NULL, *json = NULL;
  int i;

  CHECK_OK(instant_signer_new_hmac(&sg, hkey, strlen(hkey), INSTANT_ALG_HS256, NULL));
  CHECK_OK(instant_claims_new(&cl));
  CHECK_OK(instant_claims_set_sub(cl, "carol"));
  CHECK_OK(instant_signer_connection_token(&tok, sg, cl));
  CHECK(tok && capi_live_client_start(tok) == 0);
  CHECK(strlen(capi_live_client_id()) > 0);
  CHECK_OK(instant_subscribe_options_new(&so));

  for (i = 0; i < 2; ++i) { /* a client, then a session, that matches no connection */
    CHECK_OK(instant_subscribe_options_set_client(so, i == 0 ? "not-this-client" : NULL));
    CHECK_OK(instant_subscribe_options_set_session(so, i == 1 ? "not-this-session" : NULL));
    CHECK_OK(instant_client_subscribe_2(c, "carol", "chat:opts", so));
    CHECK_OK(instant_client_presence(&json, c, "chat:opts"));
    CHECK(json && strcmp(json, "{}") == 0);
    instant_free(json);
    json = NULL;
  }

  CHECK_OK(instant_subscribe_options_set_session(so, ""));
  CHECK_OK(instant_subscribe_options_set_client(so, capi_live_client_id()));
  CHECK_OK(instant_subscribe_options_set_info(so, "{\"role\":\"tester\"}"));
  CHECK_OK(instant_subscribe_options_set_data(so, "{\"welcome\":1}"));
  CHECK_OK(instant_subscribe_options_set_recover_since(so, since));
  CHECK_OK(instant_subscribe_options_set_recover_since(so, NULL));
  CHECK_OK(instant_client_subscribe_2(c, "carol", "chat:opts", so));
  CHECK(capi_live_client_wait("\"server_subscribed\",\"channel\":\"chat:opts\"", 10000));
  CHECK_OK(instant_client_presence(&json, c, "chat:opts"));
  CHECK(contains(json, "\"user\":\"carol\"") && contains(json, "\"chan_info\":{\"role\":\"tester\"}"));
  CHECK(contains(json, capi_live_client_id()));
  instant_free(json);
  json = NULL;

  /* NULL options: every connection of the user */
  CHECK_OK(instant_client_subscribe_2(c, "carol", "chat:opts2", NULL));
  CHECK(capi_live_client_wait("\"server_subscribed\",\"channel\":\"chat:opts2\"", 10000));

  CHECK_OK(instant_subscribe_options_set_info(so, "{bad"));
  CHECK_RC(instant_client_subscribe_2(c, "carol", "chat:opts", so), INSTANT_EJSON);
  CHECK_OK(instant_subscribe_options_set_info(so, NULL));
  CHECK_OK(instant_subscribe_options_set_data(so, "[1,"));
  CHECK_RC(instant_client_subscribe_2(c, "carol", "chat:opts", so), INSTANT_EJSON);
  CHECK_RC(instant_client_subscribe_2(c, "", "chat:opts", NULL), INSTANT_EINVAL);
  CHECK_RC(instant_client_subscribe_2(c, "carol", "bad$name", NULL), INSTANT_ECHANNEL);

  capi_live_client_stop();
  instant_subscribe_options_free(so);
  instant_free(tok);
  instant_claims_free(cl);
  instant_signer_free(sg);
}

static void test_server_api(instant_client *c) {
  const char *keep[] = {"some-client-id"};
  char *json = NULL;
  uint32_t n_clients = 99, n_users = 99;
  uint64_t requests = 0, opened = 0;
  instant_position *since = NULL;

  CHECK_OK(instant_position_new(&since, 0, ""));
  CHECK_OK(instant_client_subscribe(c, "alice", "chat:room", NULL, NULL, NULL, NULL, NULL));
  CHECK_OK(instant_client_subscribe(c, "alice", "chat:room", "", "", "{\"i\":1}", "{\"d\":2}", since));
  CHECK_RC(instant_client_subscribe(c, "alice", "chat:room", NULL, NULL, "{bad", NULL, NULL),
           INSTANT_EJSON);
  CHECK_RC(instant_client_subscribe(c, "", "chat:room", NULL, NULL, NULL, NULL, NULL), INSTANT_EINVAL);
  CHECK_OK(instant_client_unsubscribe(c, "alice", "chat:room", NULL, NULL));
  CHECK_OK(instant_client_disconnect(c, "alice", NULL, NULL, keep, 1, 4000, "bye"));
  CHECK_OK(instant_client_disconnect(c, "alice", NULL, NULL, NULL, 0, 0, NULL));
  CHECK_RC(instant_client_disconnect(c, "alice", NULL, NULL, NULL, 0, 1, NULL), INSTANT_EINVAL);
  CHECK_OK(instant_client_refresh(c, "alice", NULL, NULL, 0, 2000000000));
  test_subscribe_options(c, since);
  instant_position_free(since);

  CHECK_OK(instant_client_presence(&json, c, "news"));
  CHECK(json && strcmp(json, "{}") == 0);
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_presence_stats(&n_clients, &n_users, c, "news"));
  CHECK(n_clients == 0 && n_users == 0);
  CHECK_OK(instant_client_presence_stats(NULL, NULL, c, "news"));
  CHECK_RC(instant_client_presence(&json, c, "nohistory:x"), INSTANT_ESERVER);
  CHECK(instant_last_error_server_code() == 108);

  CHECK_OK(instant_client_channels(&json, c, NULL));
  CHECK(json && json[0] == '{');
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_channels(&json, c, "chat:*"));
  CHECK(json != NULL);
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_info(&json, c));
  CHECK(contains(json, "\"nodes\":["));
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_call(&json, c, "info", NULL));
  CHECK(contains(json, "\"nodes\""));
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_call(&json, c, "presence_stats", "{\"channel\":\"news\"}"));
  CHECK(contains(json, "num_users"));
  instant_free(json);
  json = NULL;
  CHECK_RC(instant_client_call(&json, c, "no such method", "{}"), INSTANT_EINVAL);
  CHECK(json == NULL);

  CHECK_OK(instant_client_history_remove(c, "news"));
  CHECK_OK(instant_client_history(&json, c, "news", -1, NULL, 0));
  CHECK(contains(json, "\"publications\":[]"));
  instant_free(json);

  CHECK_OK(instant_client_stats(&requests, &opened, c));
  CHECK(requests > 10);
  CHECK(opened >= 1 && opened <= requests);
  CHECK_OK(instant_client_stats(NULL, NULL, c));
}

/* A TCP server that accepts connections but never answers. */
static int silent_listener(int *port) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

static void test_error_paths(void) {
  instant_client *c;
  instant_config *cfg = NULL;
  char url[64];
  int port = 0, fd;

  /* wrong API key: 401, and the key never appears in the message */
  c = make_client(capi_server_url(), "wrong-secret-key-value");
  CHECK_RC(instant_client_publish(NULL, c, "news", "m", NULL), INSTANT_EUNAUTHORIZED);
  CHECK(instant_last_error_http_status() == 401);
  CHECK(!contains(instant_last_error_message(), "wrong-secret-key-value"));
  instant_client_free(c);

  /* no API key: refused before any I/O */
  c = make_client(capi_server_url(), NULL);
  CHECK_RC(instant_client_publish(NULL, c, "news", "m", NULL), INSTANT_ECONFIG);
  CHECK(instant_last_error_http_status() == 0);
  instant_client_free(c);

  /* nothing listening */
  c = make_client(capi_unused_url(), capi_server_api_key());
  CHECK_RC(instant_client_publish(NULL, c, "news", "m", NULL), INSTANT_ETRANSPORT);
  CHECK(!contains(instant_last_error_message(), capi_server_api_key()));
  instant_client_free(c);

  /* a server that never answers */
  fd = silent_listener(&port);
  CHECK(fd >= 0);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  CHECK_OK(instant_config_new(&cfg));
  CHECK_OK(instant_config_set_url(cfg, url));
  CHECK_OK(instant_config_set_api_key(cfg, "k"));
  CHECK_OK(instant_config_set_timeout_ms(cfg, 300));
  c = NULL;
  CHECK_OK(instant_client_new(&c, cfg));
  CHECK_RC(instant_client_publish(NULL, c, "news", "m", NULL), INSTANT_ETIMEOUT);
  instant_client_free(c);
  if (fd >= 0) close(fd);

  /* a payload above max_payload */
  CHECK_OK(instant_config_set_url(cfg, capi_server_url()));
  CHECK_OK(instant_config_set_api_key(cfg, capi_server_api_key()));
  CHECK_OK(instant_config_set_timeout_ms(cfg, 5000));
  CHECK_OK(instant_config_set_max_payload(cfg, 64));
  c = NULL;
  CHECK_OK(instant_client_new(&c, cfg));
  CHECK_RC(instant_client_publish(NULL, c, "news",
                                  "a message long enough to go over sixty-four bytes of request",
                                  NULL),
           INSTANT_ETOOLARGE);
  instant_client_free(c);

  /* legacy API form and the django-instant string envelope still publish */
  CHECK_OK(instant_config_set_max_payload(cfg, 1 << 20));
  CHECK_OK(instant_config_set_api_mode(cfg, INSTANT_API_MODE_LEGACY));
  CHECK_OK(instant_config_set_envelope_encoding(cfg, INSTANT_ENVELOPE_STRING));
  c = NULL;
  CHECK_OK(instant_client_new(&c, cfg));
  CHECK_OK(instant_client_publish(NULL, c, "chat:legacy", "legacy", NULL));
  {
    char *json = NULL;
    CHECK_OK(instant_client_history(&json, c, "chat:legacy", -1, NULL, 0));
    CHECK(contains(json, "\"data\":\"{\\\"channel\\\":\\\"chat:legacy\\\""));
    instant_free(json);
  }
  instant_client_free(c);
  instant_config_free(cfg);
}

/* ---- the Publisher -------------------------------------------------------------- */

#define PUB_MAX 1024

/* What the delivery callback saw, per opaque index (1..PUB_MAX). */
struct delivery_log {
  pthread_mutex_t mu;
  int seen[PUB_MAX + 1];
  int outcome[PUB_MAX + 1];
  instant_error_t error[PUB_MAX + 1];
  int server_code[PUB_MAX + 1];
  uint64_t offset[PUB_MAX + 1];
  uint32_t attempts[PUB_MAX + 1];
  char key[PUB_MAX + 1][48];
  int out_of_range;   /* opaque values nobody published */
  int bad_fields;     /* a report whose fields contradict each other */
  int delivered, failed, possibly;
  /* set by the callback-reentrancy test */
  instant_publisher *self;
  int reentrant_done;
  instant_error_t reentrant_publish, reentrant_flush, reentrant_close, reentrant_purge;
};

static void log_init(struct delivery_log *log) {
  memset(log, 0, sizeof *log);
  pthread_mutex_init(&log->mu, NULL);
}

static int log_each_once(struct delivery_log *log, int n) {
  int i, ok = 1;
  pthread_mutex_lock(&log->mu);
  for (i = 1; i <= PUB_MAX; ++i) ok = ok && log->seen[i] == (i <= n ? 1 : 0);
  ok = ok && log->out_of_range == 0;
  pthread_mutex_unlock(&log->mu);
  return ok;
}

static void on_delivery(const instant_delivery_report *r, void *userdata) {
  struct delivery_log *log = (struct delivery_log *)userdata;
  uintptr_t id = (uintptr_t)instant_delivery_report_opaque(r);
  int outcome = instant_delivery_report_outcome(r);
  instant_error_t err = instant_delivery_report_error(r);
  const char *msg = instant_delivery_report_message(r);
  const char *chan = instant_delivery_report_channel(r);
  const char *key = instant_delivery_report_idempotency_key(r);
  const char *epoch = instant_delivery_report_epoch(r);
  pthread_mutex_lock(&log->mu);
  if (id == 0 || id > PUB_MAX) {
    ++log->out_of_range;
  } else {
    ++log->seen[id];
    log->outcome[id] = outcome;
    log->error[id] = err;
    log->server_code[id] = instant_delivery_report_server_code(r);
    log->offset[id] = instant_delivery_report_offset(r);
    log->attempts[id] = instant_delivery_report_attempts(r);
    snprintf(log->key[id], sizeof log->key[id], "%s", key ? key : "");
  }
  if (!msg || !chan || !key || !epoch || chan[0] == '\0' || key[0] == '\0') ++log->bad_fields;
  if ((outcome == INSTANT_DELIVERY_DELIVERED) != (err == INSTANT_OK)) ++log->bad_fields;
  if (outcome == INSTANT_DELIVERY_DELIVERED && msg && msg[0] != '\0') ++log->bad_fields;
  if (outcome != INSTANT_DELIVERY_DELIVERED && msg && msg[0] == '\0') ++log->bad_fields;
  if (instant_delivery_report_latency_ns(r) <= 0) ++log->bad_fields;
  if (instant_delivery_report_http_status(r) < 0) ++log->bad_fields;
  if (outcome == INSTANT_DELIVERY_DELIVERED) ++log->delivered;
  if (outcome == INSTANT_DELIVERY_FAILED) ++log->failed;
  if (outcome == INSTANT_DELIVERY_POSSIBLY_DELIVERED) ++log->possibly;
  /* Once: what the callback may and may not do on the I/O thread. */
  if (log->self && !log->reentrant_done) {
    size_t n = 99;
    log->reentrant_done = 1;
    log->reentrant_flush = instant_publisher_flush(log->self, 1000);
    log->reentrant_close = instant_publisher_close(log->self, 1000);
    log->reentrant_purge = instant_publisher_purge(&n, log->self);
    instant_publisher_free(log->self); /* ignored here */
    log->reentrant_publish = instant_publisher_publish_raw(log->self, "chat:pub_reentrant", "{\"again\":1}", 11,
                                                           NULL, (void *)(uintptr_t)PUB_MAX, 5000);
  }
  pthread_mutex_unlock(&log->mu);
}

static instant_publisher_config *publisher_config(const char *url, const char *key, struct delivery_log *log) {
  instant_config *client = NULL;
  instant_publisher_config *pc = NULL;
  CHECK_OK(instant_config_new(&client));
  CHECK_OK(instant_config_set_url(client, url));
  if (key) CHECK_OK(instant_config_set_api_key(client, key));
  CHECK_OK(instant_publisher_config_new(&pc, client));
  instant_config_free(client); /* copied */
  if (log) CHECK_OK(instant_publisher_config_set_delivery_cb(pc, on_delivery, 0, log));
  return pc;
}

static void test_publisher_null_arguments(void) {
  instant_publisher_config *pc = NULL;
  instant_publisher *p = (instant_publisher *)1;
  instant_event *ev = NULL;
  const char *chans[] = {"a", NULL};
  const char *one[] = {"a"};
  char *json = (char *)1;
  size_t n = 7;

  instant_publisher_config_free(NULL);
  instant_publisher_free(NULL);
  CHECK_NULL_ARG(instant_publisher_config_new(NULL, NULL), "out");
  CHECK_OK(instant_publisher_config_new(&pc, NULL)); /* NULL client: defaults */
  CHECK_OK(instant_event_new(&ev));
  CHECK_NULL_ARG(instant_publisher_config_add_endpoint(NULL, "http://x"), "cfg");
  CHECK_NULL_ARG(instant_publisher_config_add_endpoint(pc, NULL), "url");
  CHECK_NULL_ARG(instant_publisher_config_set_queue_limits(NULL, 1, 1), "cfg");
  CHECK_RC(instant_publisher_config_set_queue_limits(pc, 0, 1), INSTANT_EINVAL);
  CHECK_RC(instant_publisher_config_set_queue_limits(pc, 1, 0), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_queue_limits(pc, 10, 1 << 20));
  CHECK_NULL_ARG(instant_publisher_config_set_linger_ms(NULL, 1), "cfg");
  CHECK_RC(instant_publisher_config_set_linger_ms(pc, -1), INSTANT_EINVAL);
  CHECK(contains(instant_last_error_message(), "'ms' must be 0..60000"));
  CHECK_RC(instant_publisher_config_set_linger_ms(pc, 60001), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_linger_ms(pc, 0));
  CHECK_NULL_ARG(instant_publisher_config_set_batch_limits(NULL, 1, 1), "cfg");
  CHECK_RC(instant_publisher_config_set_batch_limits(pc, 0, 1), INSTANT_EINVAL);
  CHECK_RC(instant_publisher_config_set_batch_limits(pc, 1, 0), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_batch_limits(pc, 100, 65536));
  CHECK_NULL_ARG(instant_publisher_config_set_inflight(NULL, 1), "cfg");
  CHECK_RC(instant_publisher_config_set_inflight(pc, 0), INSTANT_EINVAL);
  CHECK_RC(instant_publisher_config_set_inflight(pc, 65), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_inflight(pc, 64));
  CHECK_NULL_ARG(instant_publisher_config_set_message_timeout_ms(NULL, 1), "cfg");
  CHECK_RC(instant_publisher_config_set_message_timeout_ms(pc, 0), INSTANT_EINVAL);
  CHECK_RC(instant_publisher_config_set_message_timeout_ms(pc, 86400001), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_message_timeout_ms(pc, 1000));
  CHECK_NULL_ARG(instant_publisher_config_set_retry_backoff_ms(NULL, 1, 2), "cfg");
  CHECK_RC(instant_publisher_config_set_retry_backoff_ms(pc, 0, 2), INSTANT_EINVAL);
  CHECK_RC(instant_publisher_config_set_retry_backoff_ms(pc, 10, 9), INSTANT_EINVAL);
  CHECK(contains(instant_last_error_message(), "'max_ms'"));
  CHECK_OK(instant_publisher_config_set_retry_backoff_ms(pc, 10, 10));
  CHECK_NULL_ARG(instant_publisher_config_set_endpoint_stickiness_ms(NULL, 0), "cfg");
  CHECK_RC(instant_publisher_config_set_endpoint_stickiness_ms(pc, -5), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_endpoint_stickiness_ms(pc, 0));
  CHECK_NULL_ARG(instant_publisher_config_set_close_timeout_ms(NULL, 0), "cfg");
  CHECK_RC(instant_publisher_config_set_close_timeout_ms(pc, -1), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_config_set_close_timeout_ms(pc, 0));
  CHECK_NULL_ARG(instant_publisher_config_set_delivery_cb(NULL, on_delivery, 0, NULL), "cfg");
  CHECK_OK(instant_publisher_config_set_delivery_cb(pc, NULL, 0, NULL));

  CHECK_NULL_ARG(instant_publisher_new(NULL, pc), "out");
  CHECK_NULL_ARG(instant_publisher_new(&p, NULL), "cfg");
  CHECK(p == NULL);
  /* The defaults have no API key: refused before any I/O. */
  p = (instant_publisher *)1;
  CHECK_RC(instant_publisher_new(&p, pc), INSTANT_ECONFIG);
  CHECK(p == NULL);
  instant_publisher_config_free(pc);

  pc = publisher_config("http://127.0.0.1:9", "k", NULL);
  CHECK_OK(instant_publisher_config_add_endpoint(pc, "ftp://not-http"));
  CHECK_RC(instant_publisher_new(&p, pc), INSTANT_ECONFIG); /* a bad endpoint */
  instant_publisher_config_free(pc);
  pc = publisher_config("http://127.0.0.1:9", "k", NULL);
  CHECK_OK(instant_publisher_config_set_batch_limits(pc, 10, (size_t)2 << 20));
  CHECK_RC(instant_publisher_new(&p, pc), INSTANT_EINVAL); /* batch above max_payload */
  CHECK(contains(instant_last_error_message(), "max_payload"));
  CHECK_OK(instant_publisher_config_set_batch_limits(pc, 10, 1 << 20));
  CHECK_OK(instant_publisher_new(&p, pc));
  instant_publisher_config_free(pc);

  CHECK_NULL_ARG(instant_publisher_publish(NULL, "c", "m", NULL, NULL, 0), "p");
  CHECK_NULL_ARG(instant_publisher_publish(p, NULL, "m", NULL, NULL, 0), "channel");
  CHECK_RC(instant_publisher_publish(p, "c", "m", NULL, NULL, -1), INSTANT_EINVAL);
  CHECK(contains(instant_last_error_message(), "'block_ms'"));
  CHECK_RC(instant_publisher_publish(p, "c", NULL, NULL, NULL, 0), INSTANT_EINVAL); /* no message, no data */
  CHECK_RC(instant_publisher_publish(p, "c", "bad \xc3\x28 utf8", NULL, NULL, 0), INSTANT_EUTF8);
  CHECK_RC(instant_publisher_publish(p, "bad$name", "m", ev, NULL, 0), INSTANT_ECHANNEL);
  CHECK_OK(instant_event_set_data(ev, "{oops"));
  CHECK_RC(instant_publisher_publish(p, "c", NULL, ev, NULL, 0), INSTANT_EJSON);
  CHECK_NULL_ARG(instant_publisher_publish_raw(NULL, "c", "{}", 2, NULL, NULL, 0), "p");
  CHECK_NULL_ARG(instant_publisher_publish_raw(p, NULL, "{}", 2, NULL, NULL, 0), "channel");
  CHECK_NULL_ARG(instant_publisher_publish_raw(p, "c", NULL, 2, NULL, NULL, 0), "data");
  CHECK_RC(instant_publisher_publish_raw(p, "c", "{}", 2, NULL, NULL, 86400001), INSTANT_EINVAL);
  CHECK_RC(instant_publisher_publish_raw(p, "c", "{x", 2, NULL, NULL, 0), INSTANT_EJSON);
  CHECK_NULL_ARG(instant_publisher_publish_binary(NULL, "c", "x", 1, NULL, NULL, 0), "p");
  CHECK_NULL_ARG(instant_publisher_publish_binary(p, NULL, "x", 1, NULL, NULL, 0), "channel");
  CHECK_NULL_ARG(instant_publisher_publish_binary(p, "c", NULL, 1, NULL, NULL, 0), "bytes");
  CHECK_NULL_ARG(instant_publisher_broadcast(NULL, one, 1, "{}", 2, NULL, NULL, 0), "p");
  CHECK_NULL_ARG(instant_publisher_broadcast(p, NULL, 1, "{}", 2, NULL, NULL, 0), "channels");
  CHECK_NULL_ARG(instant_publisher_broadcast(p, one, 1, NULL, 2, NULL, NULL, 0), "data");
  CHECK_NULL_ARG(instant_publisher_broadcast(p, chans, 2, "{}", 2, NULL, NULL, 0), "channels[1]");
  CHECK_RC(instant_publisher_broadcast(p, one, 0, "{}", 2, NULL, NULL, 0), INSTANT_EINVAL);
  CHECK_NULL_ARG(instant_publisher_flush(NULL, 0), "p");
  CHECK_RC(instant_publisher_flush(p, -1), INSTANT_EINVAL);
  CHECK_OK(instant_publisher_flush(p, 0)); /* nothing was queued */
  CHECK_NULL_ARG(instant_publisher_close(NULL, 0), "p");
  CHECK_RC(instant_publisher_close(p, -1), INSTANT_EINVAL);
  CHECK_NULL_ARG(instant_publisher_purge(&n, NULL), "p");
  CHECK(n == 0);
  CHECK_OK(instant_publisher_purge(NULL, p));
  CHECK_NULL_ARG(instant_publisher_stats_json(NULL, p), "out");
  CHECK_NULL_ARG(instant_publisher_stats_json(&json, NULL), "p");
  CHECK(json == NULL);
  CHECK_NULL_ARG(instant_publisher_stats_prometheus(NULL, p), "out");
  json = (char *)1;
  CHECK_NULL_ARG(instant_publisher_stats_prometheus(&json, NULL), "p");
  CHECK(json == NULL);
  /* Nothing bad was queued. */
  CHECK_OK(instant_publisher_stats_json(&json, p));
  CHECK(contains(json, "\"enqueued\":0,"));
  instant_free(json);
  instant_publisher_free(p);

  CHECK_NULL_ACCESSOR(instant_delivery_report_opaque(NULL), NULL, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_outcome(NULL), -1, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_error(NULL), INSTANT_EINVAL, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_http_status(NULL), 0, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_server_code(NULL), 0, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_message(NULL), NULL, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_channel(NULL), NULL, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_idempotency_key(NULL), NULL, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_offset(NULL), 0, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_epoch(NULL), NULL, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_latency_ns(NULL), 0, "report");
  CHECK_NULL_ACCESSOR(instant_delivery_report_attempts(NULL), 0, "report");
  instant_event_free(ev);
}

/* Counts how often `needle` occurs in haystack. */
static int occurrences(const char *haystack, const char *needle) {
  int n = 0;
  size_t len = strlen(needle);
  while (haystack && (haystack = strstr(haystack, needle)) != NULL) {
    ++n;
    haystack += len;
  }
  return n;
}

#define RT_THREADS 4
#define RT_EACH 50 /* per thread, raw publications 1..200 */
struct rt_job {
  instant_publisher *p;
  int t;
  int failures;
};

static void *rt_producer(void *arg) {
  struct rt_job *job = (struct rt_job *)arg;
  int i;
  for (i = 0; i < RT_EACH; ++i) {
    char data[64];
    int id = job->t * RT_EACH + i + 1;
    snprintf(data, sizeof data, "{\"id\":%d}", id);
    if (instant_publisher_publish_raw(job->p, "chat:pub_rt", data, strlen(data), NULL, (void *)(uintptr_t)id,
                                      10000) != INSTANT_OK) {
      ++job->failures;
    }
  }
  return NULL;
}

/* A real round trip: many producers, each opaque reported exactly once,
 * every publication once in history, per-item errors reported, the
 * callback's own calls refused or allowed as documented, stats. */
static void test_publisher_round_trip(instant_client *c) {
  static struct delivery_log log;
  instant_publisher_config *pc;
  instant_publisher *p = NULL;
  instant_event *ev = NULL;
  instant_publish_options *opts = NULL;
  pthread_t threads[RT_THREADS];
  struct rt_job jobs[RT_THREADS];
  const char *two[] = {"chat:pub_b1", "chat:pub_b2"};
  char *json = NULL;
  int t, i, dup_offsets = 0;

  log_init(&log);
  pc = publisher_config(capi_server_url(), capi_server_api_key(), &log);
  CHECK_OK(instant_publisher_config_set_linger_ms(pc, 2));
  CHECK_OK(instant_publisher_new(&p, pc));
  instant_publisher_config_free(pc);

  for (t = 0; t < RT_THREADS; ++t) {
    jobs[t].p = p;
    jobs[t].t = t;
    jobs[t].failures = 0;
    CHECK(pthread_create(&threads[t], NULL, rt_producer, &jobs[t]) == 0);
  }
  for (t = 0; t < RT_THREADS; ++t) {
    CHECK(pthread_join(threads[t], NULL) == 0);
    CHECK(jobs[t].failures == 0);
  }
  /* 201: the envelope; 202: binary; 203: a broadcast; 204: unknown namespace
   * (102); 205, 206: the same caller's key twice. */
  CHECK_OK(instant_event_new(&ev));
  CHECK_OK(instant_event_set_event_class(ev, "important"));
  CHECK_OK(instant_publisher_publish(p, "chat:pub_env", "from the C publisher", ev, (void *)(uintptr_t)201, 0));
  CHECK_OK(instant_publisher_publish_binary(p, "chat:pub_bin", "\x00\x01\xff", 3, NULL, (void *)(uintptr_t)202, 0));
  CHECK_OK(instant_publisher_broadcast(p, two, 2, "{\"both\":1}", 10, NULL, (void *)(uintptr_t)203, 0));
  CHECK_OK(instant_publisher_publish_raw(p, "nope:pub", "{}", 2, NULL, (void *)(uintptr_t)204, 0));
  CHECK_OK(instant_publish_options_new(&opts));
  CHECK_OK(instant_publish_options_set_idempotency_key(opts, "c-caller-key-1"));
  CHECK_OK(instant_publisher_publish_raw(p, "chat:pub_key", "{\"k\":1}", 7, opts, (void *)(uintptr_t)205, 0));
  CHECK_OK(instant_publisher_publish_raw(p, "chat:pub_key", "{\"k\":1}", 7, opts, (void *)(uintptr_t)206, 0));
  CHECK_OK(instant_publisher_flush(p, 30000));
  CHECK(log_each_once(&log, 206));
  pthread_mutex_lock(&log.mu);
  CHECK(log.bad_fields == 0);
  CHECK(log.delivered == 205);
  CHECK(log.failed == 1 && log.possibly == 0);
  CHECK(log.outcome[204] == INSTANT_DELIVERY_FAILED);
  CHECK(log.error[204] == INSTANT_ESERVER);
  CHECK(log.server_code[204] == 102);
  CHECK(log.attempts[204] == 1);
  for (i = 1; i <= 200; ++i) {
    int j;
    CHECK(log.outcome[i] == INSTANT_DELIVERY_DELIVERED);
    CHECK(log.offset[i] > 0);
    CHECK(log.attempts[i] == 1);
    CHECK(strncmp(log.key[i], "instant-", 8) == 0);
    for (j = i + 1; j <= 200; ++j) dup_offsets += log.offset[i] == log.offset[j];
  }
  CHECK(dup_offsets == 0);
  CHECK(strcmp(log.key[205], "c-caller-key-1") == 0);
  CHECK(log.offset[205] == log.offset[206]); /* Centrifugo kept one */
  pthread_mutex_unlock(&log.mu);

  /* Every raw publication exactly once in history. */
  CHECK_OK(instant_client_history(&json, c, "chat:pub_rt", -1, NULL, 0));
  CHECK(occurrences(json, "\"offset\":") == 200 + 1);
  for (i = 1; i <= 200; ++i) {
    char needle[32];
    snprintf(needle, sizeof needle, "{\"id\":%d}", i);
    CHECK(occurrences(json, needle) == 1);
  }
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_history(&json, c, "chat:pub_key", -1, NULL, 0));
  CHECK(occurrences(json, "{\"k\":1}") == 1);
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_history(&json, c, "chat:pub_env", -1, NULL, 0));
  CHECK(contains(json, "\"message\":\"from the C publisher\",\"event_class\":\"important\""));
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_history(&json, c, "chat:pub_b2", -1, NULL, 0));
  CHECK(contains(json, "{\"both\":1}"));
  instant_free(json);
  json = NULL;

  CHECK_OK(instant_publisher_stats_json(&json, p));
  CHECK(contains(json, "\"enqueued\":206,"));
  CHECK(contains(json, "\"delivered\":205,"));
  CHECK(contains(json, "\"failed\":1,"));
  CHECK(contains(json, "\"queued\":0,"));
  CHECK(contains(json, "\"endpoints\":[{\"url\":\""));
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_publisher_stats_prometheus(&json, p));
  CHECK(contains(json, "\ninstant_publisher_delivered_total 205\n"));
  CHECK(contains(json, "# TYPE instant_publisher_queued gauge"));
  instant_free(json);
  json = NULL;

  CHECK_OK(instant_publisher_close(p, 10000));
  CHECK_OK(instant_publisher_close(p, 0)); /* idempotent */
  CHECK_RC(instant_publisher_publish(p, "chat:pub_env", "late", NULL, NULL, 0), INSTANT_ECLOSED);
  CHECK_RC(instant_publisher_flush(p, 10), INSTANT_ECLOSED);
  instant_publisher_free(p);
  instant_publish_options_free(opts);
  instant_event_free(ev);
  pthread_mutex_destroy(&log.mu);
}

/* The callback's own calls: publish allowed (never blocking), flush/close/purge
 * refused, free ignored; and failures_only skips the delivered reports. */
static void test_publisher_callback_rules(void) {
  static struct delivery_log log;
  instant_publisher_config *pc;
  instant_publisher *p = NULL;

  log_init(&log);
  pc = publisher_config(capi_server_url(), capi_server_api_key(), &log);
  CHECK_OK(instant_publisher_new(&p, pc));
  log.self = p;
  CHECK_OK(instant_publisher_publish(p, "chat:pub_cb", "first", NULL, (void *)(uintptr_t)1, 0));
  CHECK_OK(instant_publisher_flush(p, 30000));
  pthread_mutex_lock(&log.mu);
  CHECK(log.reentrant_done == 1);
  CHECK(log.reentrant_flush == INSTANT_EINVAL);
  CHECK(log.reentrant_close == INSTANT_EINVAL);
  CHECK(log.reentrant_purge == INSTANT_EINVAL);
  CHECK(log.reentrant_publish == INSTANT_OK);
  CHECK(log.seen[1] == 1 && log.seen[PUB_MAX] == 1); /* the publisher survived its free() */
  CHECK(log.delivered == 2);
  pthread_mutex_unlock(&log.mu);
  instant_publisher_free(p);

  /* failures_only: no report for the delivered one, one for the 102 */
  log_init(&log);
  CHECK_OK(instant_publisher_config_set_delivery_cb(pc, on_delivery, 1, &log));
  CHECK_OK(instant_publisher_new(&p, pc));
  CHECK_OK(instant_publisher_publish(p, "chat:pub_cb", "ok", NULL, (void *)(uintptr_t)1, 0));
  CHECK_OK(instant_publisher_publish(p, "nope:pub_cb", "not ok", NULL, (void *)(uintptr_t)2, 0));
  CHECK_OK(instant_publisher_flush(p, 30000));
  pthread_mutex_lock(&log.mu);
  CHECK(log.seen[1] == 0 && log.seen[2] == 1);
  CHECK(log.server_code[2] == 102);
  pthread_mutex_unlock(&log.mu);
  instant_publisher_free(p);
  instant_publisher_config_free(pc);
  pthread_mutex_destroy(&log.mu);
}

/* Two endpoints, the first dead: every publication arrives through the
 * second, and the stats name both with the first's failures. */
static void test_publisher_failover(instant_client *c) {
  static struct delivery_log log;
  instant_publisher_config *pc;
  instant_publisher *p = NULL;
  char *json = NULL;
  int i;

  log_init(&log);
  pc = publisher_config(capi_server_url(), capi_server_api_key(), &log);
  CHECK_OK(instant_publisher_config_add_endpoint(pc, capi_unused_url()));
  CHECK_OK(instant_publisher_config_add_endpoint(pc, capi_server_url()));
  CHECK_OK(instant_publisher_config_set_retry_backoff_ms(pc, 10, 50));
  CHECK_OK(instant_publisher_new(&p, pc));
  instant_publisher_config_free(pc);
  for (i = 1; i <= 20; ++i) {
    char data[32];
    snprintf(data, sizeof data, "{\"f\":%d}", i);
    CHECK_OK(instant_publisher_publish_raw(p, "chat:pub_failover", data, strlen(data), NULL, (void *)(uintptr_t)i, 0));
  }
  CHECK_OK(instant_publisher_flush(p, 30000));
  CHECK(log_each_once(&log, 20));
  CHECK(log.delivered == 20);
  CHECK_OK(instant_publisher_stats_json(&json, p));
  CHECK(occurrences(json, "\"url\":\"") == 2);
  {
    const char *f = strstr(json ? json : "", "\"failures\":"); /* the first endpoint: the dead one */
    CHECK(f && strncmp(f, "\"failures\":0,", 13) != 0);
  }
  instant_free(json);
  json = NULL;
  CHECK_OK(instant_client_history(&json, c, "chat:pub_failover", -1, NULL, 0));
  for (i = 1; i <= 20; ++i) {
    char needle[32];
    snprintf(needle, sizeof needle, "{\"f\":%d}", i);
    CHECK(occurrences(json, needle) == 1);
  }
  instant_free(json);
  instant_publisher_free(p);
  pthread_mutex_destroy(&log.mu);
}

/* A dead endpoint: the queue fills and refuses at once, a blocked publish
 * gives up at its bound, flush keeps its timeout, and every accepted
 * publication is reported failed (never sent) after message_timeout. */
static void test_publisher_queue_full(void) {
  static struct delivery_log log;
  instant_publisher_config *pc;
  instant_publisher *p = NULL;
  int i, accepted = 0, refused = 0, other = 0;
  char *json = NULL;

  log_init(&log);
  pc = publisher_config(capi_unused_url(), "k", &log);
  CHECK_OK(instant_publisher_config_set_queue_limits(pc, 50, 1 << 20));
  CHECK_OK(instant_publisher_config_set_message_timeout_ms(pc, 2000));
  CHECK_OK(instant_publisher_config_set_retry_backoff_ms(pc, 20, 100));
  CHECK_OK(instant_publisher_new(&p, pc));
  instant_publisher_config_free(pc);
  for (i = 1; i <= 200; ++i) {
    instant_error_t rc = instant_publisher_publish_raw(p, "chat:dead", "{}", 2, NULL, (void *)(uintptr_t)i, 0);
    if (rc == INSTANT_OK) ++accepted;
    else if (rc == INSTANT_EQUEUEFULL) ++refused;
    else ++other;
  }
  CHECK(accepted == 50 && refused == 150 && other == 0);
  CHECK_RC(instant_publisher_publish_raw(p, "chat:dead", "{}", 2, NULL, NULL, 100), INSTANT_EQUEUEFULL);
  CHECK(contains(instant_last_error_message(), "queue is full"));
  CHECK_RC(instant_publisher_flush(p, 100), INSTANT_ETIMEOUT);
  CHECK_OK(instant_publisher_flush(p, 30000));
  CHECK(log_each_once(&log, 50));
  pthread_mutex_lock(&log.mu);
  CHECK(log.failed == 50 && log.delivered == 0 && log.possibly == 0);
  CHECK(log.bad_fields == 0);
  for (i = 1; i <= 50; ++i) CHECK(log.error[i] == INSTANT_ETRANSPORT);
  pthread_mutex_unlock(&log.mu);
  CHECK_OK(instant_publisher_stats_json(&json, p));
  CHECK(contains(json, "\"queue_full\":151,"));
  CHECK(contains(json, "\"failed\":50,"));
  instant_free(json);
  instant_publisher_free(p);
  pthread_mutex_destroy(&log.mu);
}

/* purge and free against a server that accepts and never answers: purged
 * publications reported EPURGED, the rest reported by free's bounded close. */
static void test_publisher_purge_and_free(void) {
  static struct delivery_log log;
  instant_publisher_config *pc;
  instant_publisher *p = NULL;
  char url[64];
  int port = 0, fd, i, n_purged = 0, n_closed = 0, n_other = 0;
  size_t purged = 0;

  fd = silent_listener(&port);
  CHECK(fd >= 0);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  log_init(&log);
  pc = publisher_config(url, "k", &log);
  CHECK_OK(instant_publisher_config_set_inflight(pc, 1));
  CHECK_OK(instant_publisher_config_set_batch_limits(pc, 10, 1 << 20));
  CHECK_OK(instant_publisher_config_set_close_timeout_ms(pc, 200));
  CHECK_OK(instant_publisher_new(&p, pc));
  instant_publisher_config_free(pc);
  for (i = 1; i <= 100; ++i) {
    CHECK_OK(instant_publisher_publish_raw(p, "chat:silent", "{}", 2, NULL, (void *)(uintptr_t)i, 0));
  }
  CHECK_OK(instant_publisher_purge(&purged, p));
  CHECK(purged >= 1 && purged <= 100);
  instant_publisher_free(p); /* drains for 200 ms, then reports the rest */
  if (fd >= 0) close(fd);
  CHECK(log_each_once(&log, 100));
  for (i = 1; i <= 100; ++i) {
    if (log.error[i] == INSTANT_EPURGED) ++n_purged;
    else if (log.error[i] == INSTANT_ECLOSED) ++n_closed;
    else ++n_other;
  }
  CHECK(n_purged == (int)purged);
  CHECK(n_closed == 100 - (int)purged);
  CHECK(n_other == 0);
  CHECK(log.delivered == 0);
  pthread_mutex_destroy(&log.mu);
}

int main(void) {
  instant_client *c;
  CHECK_OK(instant_publish_options_new(&g_reset));
  test_general();
  test_thread_local_errors();
  test_null_arguments();
  test_config();
  test_event_and_options();
  test_token_null_arguments();
  test_channels_null_arguments();
  test_channels();
  test_publisher_null_arguments();

  if (capi_server_start() != 0) {
    fprintf(stderr, "FAILED: could not start Centrifugo\n");
    return 1;
  }
  c = make_client(capi_server_url(), capi_server_api_key());
  test_publish(c);
  test_broadcast_and_batch(c);
  test_server_api(c);
  test_shared_client(c);
  test_publisher_round_trip(c);
  test_publisher_failover(c);
  test_publisher_callback_rules();
  test_publisher_queue_full();
  test_publisher_purge_and_free();
  test_tokens();
  instant_client_free(c);
  test_error_paths();
  capi_server_stop();
  instant_publish_options_free(g_reset);

  printf("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
