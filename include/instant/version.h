/* instant version macros. C-compatible; safe to include from C and C++. */
#ifndef INSTANT_VERSION_H
#define INSTANT_VERSION_H

#define INSTANT_VERSION_MAJOR 0
#define INSTANT_VERSION_MINOR 2
#define INSTANT_VERSION_PATCH 0
#define INSTANT_VERSION_STRING "0.2.0"

/* C ABI major: the SOVERSION of libinstant_c. Bumped only on an incompatible
 * change of the C ABI (see docs/abi.md; the C++ library has its own SOVERSION). */
#define INSTANT_ABI_VERSION 0

/* One integer for comparisons: MAJOR*10000 + MINOR*100 + PATCH. */
#define INSTANT_VERSION_NUMBER \
  (INSTANT_VERSION_MAJOR * 10000 + INSTANT_VERSION_MINOR * 100 + INSTANT_VERSION_PATCH)

#endif /* INSTANT_VERSION_H */
