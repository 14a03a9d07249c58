/* INSTANT_API: the symbol-visibility macro for instant's public functions.
 * C-compatible. Build-time definitions come from CMake:
 *   INSTANT_STATIC   - set for static builds and their consumers (no decoration)
 *   INSTANT_BUILDING - set while compiling the library itself                */
#ifndef INSTANT_EXPORT_H
#define INSTANT_EXPORT_H

#if defined(INSTANT_STATIC)
#  define INSTANT_API
#elif defined(_WIN32)
#  if defined(INSTANT_BUILDING)
#    define INSTANT_API __declspec(dllexport)
#  else
#    define INSTANT_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define INSTANT_API __attribute__((visibility("default")))
#else
#  define INSTANT_API
#endif

#endif /* INSTANT_EXPORT_H */
