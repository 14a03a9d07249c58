// The HTTP/1.1 response parser of the direct transport.
#include "catch.hpp"
#include "detail/http1.hpp"

using instant::detail::ResponseParser;
using State = ResponseParser::State;

namespace {
// Feeds `wire` in pieces of `step` bytes.
State feed_all(ResponseParser& p, const std::string& wire, std::size_t step) {
  State s = State::need_more;
  for (std::size_t i = 0; i < wire.size() && s == State::need_more; i += step) {
    s = p.feed(wire.data() + i, std::min(step, wire.size() - i));
  }
  return s;
}
}  // namespace

TEST_CASE("Content-Length bodies, whole or byte by byte", "[http1]") {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{\"result\":1}";
  for (std::size_t step : {wire.size(), std::size_t(1), std::size_t(7)}) {
    ResponseParser p(1 << 20);
    REQUIRE(feed_all(p, wire, step) == State::done);
    CHECK(p.status() == 200);
    CHECK(p.body() == "{\"result\":1");  // exactly Content-Length bytes
    CHECK(p.keep_alive());
  }
}

TEST_CASE("chunked bodies with extensions and trailers", "[http1]") {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: 1\r\n\r\n";
  for (std::size_t step : {wire.size(), std::size_t(1), std::size_t(3)}) {
    ResponseParser p(1 << 20);
    REQUIRE(feed_all(p, wire, step) == State::done);
    CHECK(p.body() == "hello abcdefghijklmnopqrstuvwxy");
  }
}

TEST_CASE("interim 1xx responses are skipped; 204 has no body", "[http1]") {
  ResponseParser p(1024);
  CHECK(feed_all(p, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", 5) ==
        State::done);
  CHECK(p.status() == 401);
  CHECK(p.body().empty());
  ResponseParser q(1024);
  CHECK(feed_all(q, "HTTP/1.1 204 No Content\r\n\r\n", 100) == State::done);
}

TEST_CASE("connection semantics", "[http1]") {
  ResponseParser close(1024);
  CHECK(feed_all(close, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 100) == State::done);
  CHECK_FALSE(close.keep_alive());
  ResponseParser old(1024);
  CHECK(feed_all(old, "HTTP/1.0 200 OK\r\n\r\nbody until close", 100) == State::need_more);
  CHECK(old.finish_eof() == State::done);
  CHECK(old.body() == "body until close");
  CHECK_FALSE(old.keep_alive());
}

TEST_CASE("malformed and hostile responses are errors, never crashes", "[http1]") {
  auto bad = [](const std::string& wire, std::size_t max = 1024) {
    ResponseParser p(max);
    State s = feed_all(p, wire, 4);
    if (s == State::need_more) s = p.finish_eof();
    return s == State::error;
  };
  CHECK(bad("garbage\r\n\r\n"));
  CHECK(bad("HTTP/1.1 2x0 OK\r\n\r\n"));
  CHECK(bad("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
  CHECK(bad("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"));
  CHECK(bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"));
  CHECK(bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
  CHECK(bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n"));
  CHECK(bad("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));           // closed early
  CHECK(bad("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", 1024));        // over the limit
  CHECK(bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n", 1024));
  CHECK(bad("HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n"));
  CHECK(bad(std::string(70000, 'H')));                                         // endless headers
  ResponseParser p(1024);
  CHECK(p.finish_eof() == State::error);  // nothing at all
  CHECK_FALSE(p.started());
}

TEST_CASE("split_url", "[http1]") {
  std::string a, p;
  REQUIRE(instant::detail::split_url("http://127.0.0.1:8000/api/publish", a, p));
  CHECK(a == "127.0.0.1:8000");
  CHECK(p == "/api/publish");
  REQUIRE(instant::detail::split_url("https://user@rt.example.org/centrifugo/api/info?x=1#f", a, p));
  CHECK(a == "rt.example.org");
  CHECK(p == "/centrifugo/api/info?x=1");
  REQUIRE(instant::detail::split_url("http://host", a, p));
  CHECK(p == "/");
  CHECK_FALSE(instant::detail::split_url("http:///path", a, p));
  CHECK_FALSE(instant::detail::split_url("nourl", a, p));
}
