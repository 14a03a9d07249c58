// extern "C" definitions of the general functions: errors, version, memory.
#include <instant/error.hpp>
#include <instant/instant.h>

#include <cstdlib>

extern "C" {

const char* instant_strerror(instant_error_t code) {
  if (code > 0) return "unknown error";
  return instant::describe(static_cast<instant::errc>(-code));
}

int instant_version(void) { return INSTANT_VERSION_NUMBER; }

const char* instant_version_string(void) { return INSTANT_VERSION_STRING; }

void instant_free(void* p) { std::free(p); }

}  // extern "C"
