// Internal file helpers: bounded reads and crash-safe (atomic) writes.
#ifndef INSTANT_DETAIL_FILES_HPP
#define INSTANT_DETAIL_FILES_HPP

#include <instant/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace instant {
namespace detail {

// Reads a whole file into *out; io when unreadable, too_large above max_bytes.
Status read_file(const std::string& path, std::size_t max_bytes, std::string* out);

// Writes `content` to a temp file beside `path` (mode `mode`), fsyncs it,
// renames it over `path` and fsyncs the directory. On failure the temp file
// is removed and `path` is left as it was. io with the reason otherwise.
Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_FILES_HPP
