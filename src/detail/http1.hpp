// A small HTTP/1.1 response parser (status line, headers, Content-Length,
// chunked and read-until-close bodies) used by the direct transport, which
// sends its requests over libcurl-managed connections (CURLOPT_CONNECT_ONLY)
// to avoid libcurl's per-transfer machinery on the hot path.
#ifndef INSTANT_DETAIL_HTTP1_HPP
#define INSTANT_DETAIL_HTTP1_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace instant {
namespace detail {

class ResponseParser {
 public:
  enum class State { need_more, done, error };

  explicit ResponseParser(std::size_t max_body) : max_body_(max_body) {}

  // Consumes the next bytes of the stream.
  State feed(const char* data, std::size_t n);
  // The peer closed the connection: completes a read-until-close body.
  State finish_eof();

  State state() const noexcept { return state_; }
  bool started() const noexcept { return !buf_.empty() || headers_done_; }
  long status() const noexcept { return status_; }
  std::string& body() noexcept { return body_; }
  bool keep_alive() const noexcept { return keep_alive_; }
  bool too_large() const noexcept { return too_large_; }
  const std::string& error() const noexcept { return error_; }

 private:
  State fail(const char* why);
  State parse_headers();
  State parse_body();

  enum class Framing { length, chunked, until_close, none };
  std::size_t max_body_;
  State state_ = State::need_more;
  std::string buf_;        // unparsed bytes
  std::string body_;
  std::string error_;
  long status_ = 0;
  bool headers_done_ = false;
  bool keep_alive_ = true;
  bool too_large_ = false;
  Framing framing_ = Framing::none;
  std::size_t remaining_ = 0;      // bytes left of the body or current chunk
  std::size_t scanned_ = 0;        // bytes of buf_ already searched for the end of the head
  int chunk_phase_ = 0;            // 0 size line, 1 data, 2 CRLF after data, 3 trailers
};

// Splits an http(s) URL into "host[:port]" (for the Host header) and the
// path with query (at least "/"). False when the URL has no authority.
bool split_url(std::string_view url, std::string& authority, std::string& path);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_HTTP1_HPP
