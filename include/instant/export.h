/* INSTANT_API: the symbol-visibility macro for instant's public functions.
 * C-compatible. Build-time definitions come from CMake:
 *   INSTANT_STATIC   - set for static builds and their consumers (no dllimport)
 *   INSTANT_BUILDING - set while compiling the library itself
 * On ELF/Mach-O the public symbols keep default visibility in static builds
 * too: the library is compiled with hidden visibility, and the objects of a
 * static build are also linked into a shared libinstant_c (see capi/). */
#ifndef INSTANT_EXPORT_H
#define INSTANT_EXPORT_H

#if defined(_WIN32)
#  if defined(INSTANT_STATIC)
#    define INSTANT_API
#  elif defined(INSTANT_BUILDING)
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
