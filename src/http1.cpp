#include "detail/http1.hpp"

#include <instant/limits.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace instant {
namespace detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_decimal(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 18) return false;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  out = v;
  return true;
}

bool parse_hex(std::string_view s, std::size_t& out) {
  auto semi = s.find(';');  // chunk extensions
  s = trim(s.substr(0, semi));
  if (s.empty() || s.size() > 15) return false;
  std::size_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * 16 + static_cast<std::size_t>(d);
  }
  out = v;
  return true;
}

}  // namespace

ResponseParser::State ResponseParser::fail(const char* why) {
  error_ = why;
  state_ = State::error;
  return state_;
}

ResponseParser::State ResponseParser::feed(const char* data, std::size_t n) {
  if (state_ != State::need_more) return state_;
  buf_.append(data, n);
  if (!headers_done_) {
    if (parse_headers() != State::need_more || !headers_done_) return state_;
  }
  return parse_body();
}

ResponseParser::State ResponseParser::parse_headers() {
  for (;;) {
    // Resume the search where the last feed stopped: a head trickled in one
    // byte at a time costs linear time, not quadratic.
    auto end = buf_.find("\r\n\r\n", scanned_ > 3 ? scanned_ - 3 : 0);
    if (end == std::string::npos) {
      scanned_ = buf_.size();
      if (buf_.size() > limits::http_head_bytes) {
        too_large_ = true;
        return fail("response headers too large");
      }
      return state_;
    }
    scanned_ = 0;
    std::string_view head(buf_.data(), end);
    auto eol = head.find("\r\n");
    std::string_view status_line = head.substr(0, eol);
    if (status_line.size() < 12 || status_line.compare(0, 7, "HTTP/1.") != 0 || status_line[8] != ' ') {
      return fail("not an HTTP/1.x response");
    }
    std::size_t code = 0;
    if (!parse_decimal(status_line.substr(9, 3), code) || code < 100 || code > 999) {
      return fail("bad HTTP status line");
    }
    bool http10 = status_line[7] == '0';
    keep_alive_ = !http10;
    framing_ = Framing::until_close;
    bool have_length = false;
    std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
    while (!rest.empty()) {
      auto le = rest.find("\r\n");
      std::string_view line = rest.substr(0, le);
      rest = le == std::string_view::npos ? std::string_view() : rest.substr(le + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return fail("malformed HTTP header");
      std::string_view name = line.substr(0, colon);
      std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "content-length")) {
        std::size_t len = 0;
        if (!parse_decimal(value, len)) return fail("bad Content-Length");
        if (have_length && len != remaining_) return fail("conflicting Content-Length");
        have_length = true;
        remaining_ = len;
        if (framing_ != Framing::chunked) framing_ = Framing::length;
      } else if (iequals(name, "transfer-encoding")) {
        if (!contains_token(value, "chunked")) return fail("unsupported Transfer-Encoding");
        framing_ = Framing::chunked;
      } else if (iequals(name, "connection")) {
        if (contains_token(value, "close")) keep_alive_ = false;
        if (contains_token(value, "keep-alive")) keep_alive_ = true;
      }
    }
    buf_.erase(0, end + 4);
    if (code >= 100 && code < 200) continue;  // interim response: the real one follows
    status_ = static_cast<long>(code);
    if (code == 204 || code == 304) framing_ = Framing::none;
    if (framing_ == Framing::chunked) {
      remaining_ = 0;
      chunk_phase_ = 0;
    }
    if (framing_ == Framing::length && remaining_ > max_body_) {
      too_large_ = true;
      return fail("response body too large");
    }
    if (framing_ == Framing::until_close) keep_alive_ = false;
    headers_done_ = true;
    return state_;
  }
}

ResponseParser::State ResponseParser::parse_body() {
  switch (framing_) {
    case Framing::none:
      state_ = State::done;
      return state_;
    case Framing::length: {
      std::size_t take = std::min(remaining_, buf_.size());
      body_.append(buf_, 0, take);
      buf_.erase(0, take);
      remaining_ -= take;
      if (remaining_ == 0) state_ = State::done;
      return state_;
    }
    case Framing::until_close:
      // The cap holds before anything is kept, so the body never exceeds it.
      if (body_.size() + buf_.size() > max_body_) {
        too_large_ = true;
        buf_.clear();
        return fail("response body too large");
      }
      body_ += buf_;
      buf_.clear();
      return state_;
    case Framing::chunked:
      for (;;) {
        if (chunk_phase_ == 0 || chunk_phase_ == 2 || chunk_phase_ == 3) {
          auto le = buf_.find("\r\n");
          if (le == std::string::npos) {
            if (buf_.size() > 4096) return fail("malformed chunked encoding");
            return state_;
          }
          std::string_view line(buf_.data(), le);
          if (chunk_phase_ == 2) {
            if (!line.empty()) return fail("malformed chunked encoding");
            chunk_phase_ = 0;
          } else if (chunk_phase_ == 3) {
            if (line.empty()) {
              buf_.erase(0, le + 2);
              state_ = State::done;
              return state_;
            }
          } else {
            std::size_t size = 0;
            if (!parse_hex(line, size)) return fail("malformed chunk size");
            if (size > max_body_ || body_.size() + size > max_body_) {
              too_large_ = true;
              return fail("response body too large");
            }
            remaining_ = size;
            chunk_phase_ = size == 0 ? 3 : 1;
          }
          buf_.erase(0, le + 2);
          continue;
        }
        // chunk data
        std::size_t take = std::min(remaining_, buf_.size());
        body_.append(buf_, 0, take);
        buf_.erase(0, take);
        remaining_ -= take;
        if (remaining_ > 0) return state_;
        chunk_phase_ = 2;
      }
  }
  return state_;
}

ResponseParser::State ResponseParser::finish_eof() {
  if (state_ != State::need_more) return state_;
  if (headers_done_ && framing_ == Framing::until_close) {
    state_ = State::done;
    return state_;
  }
  return fail(started() ? "connection closed in the middle of the response"
                        : "connection closed before a response");
}

bool split_url(std::string_view url, std::string& authority, std::string& path) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view rest = url.substr(scheme + 3);
  auto slash = rest.find_first_of("/?#");
  std::string_view auth = rest.substr(0, slash);
  auto at = auth.rfind('@');
  if (at != std::string_view::npos) auth.remove_prefix(at + 1);
  if (auth.empty()) return false;
  authority.assign(auth);
  std::string_view p = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  auto hash = p.find('#');
  if (hash != std::string_view::npos) p = p.substr(0, hash);
  path = p.empty() || p.front() != '/' ? "/" + std::string(p) : std::string(p);
  return true;
}

}  // namespace detail
}  // namespace instant
