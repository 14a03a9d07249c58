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

/* A static description of an error code. Never NULL; never free it. */
INSTANT_API const char *instant_strerror(instant_error_t code);

/* The library version as INSTANT_VERSION_NUMBER, and as a static string. */
INSTANT_API int instant_version(void);
INSTANT_API const char *instant_version_string(void);

/* Frees a string returned by the library. NULL is a no-op. */
INSTANT_API void instant_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* INSTANT_H */
