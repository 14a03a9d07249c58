#include "detail/files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace instant {
namespace detail {
namespace {

Status io_error(const std::string& what, const std::string& path, int err) {
  return Status(errc::io, what + " '" + path + "': " + std::strerror(err));
}

std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status read_file(const std::string& path, std::size_t max_bytes, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path, errno);
  struct stat sb {};
  if (::fstat(fd, &sb) != 0) {
    int e = errno;
    ::close(fd);
    return io_error("cannot stat", path, e);
  }
  if (!S_ISREG(sb.st_mode)) {
    ::close(fd);
    return Status(errc::io, "not a regular file: '" + path + "'");
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return io_error("cannot read", path, e);
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return Status(errc::too_large, "file '" + path + "' is larger than " +
                                         std::to_string(max_bytes) + " bytes");
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  *out = std::move(data);
  return {};
}

Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  if (path.empty()) return Status(errc::invalid_argument, "empty file path");
  std::string tmpl = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(&tmpl[0]);
  if (fd < 0) return io_error("cannot create a temporary file for", path, errno);
  auto fail = [&](const char* what) {
    int e = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    return io_error(what, path, e);
  };
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("cannot set the mode of");
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot fsync");
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    return io_error("cannot close", path, e);
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    return io_error("cannot rename a temporary file over", path, e);
  }
  int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // best effort: some file systems refuse fsync on directories
    ::close(dfd);
  }
  return {};
}

}  // namespace detail
}  // namespace instant
