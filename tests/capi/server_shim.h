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
/* Stops the server and removes its files. */
void capi_server_stop(void);

#ifdef __cplusplus
}
#endif

#endif
