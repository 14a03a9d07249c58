// Exceptions to Status at the non-throwing boundaries: each kind reported as
// what it is, never all of them as "out of memory".
#ifndef INSTANT_DETAIL_GUARD_HPP
#define INSTANT_DETAIL_GUARD_HPP

#include <instant/error.hpp>

#include <exception>
#include <new>
#include <string>

namespace instant {
namespace detail {

// The Status of the exception being handled; call only inside a catch block.
// instant::Error keeps its kind; std::bad_alloc is internal "out of memory";
// any other exception is internal with its what().
inline Status current_exception_status() noexcept {
  try {
    throw;
  } catch (const Error& e) {
    return e.status();
  } catch (const std::bad_alloc&) {
    return Status(errc::internal, "out of memory");
  } catch (const std::exception& e) {
    try {
      return Status(errc::internal, std::string("unexpected error: ") + e.what());
    } catch (...) {
      return Status(errc::internal, "unexpected error");
    }
  } catch (...) {
    return Status(errc::internal, "unexpected non-standard exception");
  }
}

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_GUARD_HPP
