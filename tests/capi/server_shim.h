/* A C-callable wrapper of the C++ test harness (tests/support): starts a real
 * Centrifugo v6 for the plain-C tests. Test-only; not part of the library. */
#ifndef INSTANT_CAPI_SERVER_SHIM_H
#define INSTANT_CAPI_SERVER_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts the server (once); 0 on success, -1 with a message on stderr. */
int capi_server_start(void);
/* http://127.0.0.1:PORT of the running server (static storage). */
const char *capi_server_url(void);
/* The server's API key and HMAC key (static storage). */
const char *capi_server_api_key(void);
const char *capi_server_hmac_key(void);
/* A URL where nothing listens (a port that was free a moment ago). */
const char *capi_unused_url(void);
/* Runs `centrifugo checktoken` (sub == 0) or `checksubtoken` with the running
 * server's config; returns its exit status, output copied into out[n]. */
int capi_checktoken(const char *token, int sub, char *out, unsigned long n);
/* A fresh unencrypted PKCS#8 PEM private key: "P-256", "P-384" or "Ed25519"
 * (static storage until the next call). */
const char *capi_private_pem(const char *kind);
/* Starts a real Centrifugo client (tests/js/live_client.mjs, npm centrifuge)
 * connected to the running server with a connection token; waits until it is
 * connected. 0 on success, -1 with a message on stderr. One at a time. */
int capi_live_client_start(const char *token);
/* The live client's id (static storage; "" when none). */
const char *capi_live_client_id(void);
/* 1 when the live client prints a line containing needle within timeout_ms, else 0. */
int capi_live_client_wait(const char *needle, int timeout_ms);
/* Stops the live client (no-op when none). */
void capi_live_client_stop(void);
/* Stops the server and removes its files. */
void capi_server_stop(void);

#ifdef __cplusplus
}
#endif

#endif
