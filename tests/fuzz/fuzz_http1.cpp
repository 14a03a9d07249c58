// The HTTP/1.1 response parser of the direct transport (detail::ResponseParser;
// no public entry parses replies alone), fed one response stream twice: in one
// piece and in fuzzed pieces. Invariants:
//   - no read outside the bytes handed over (ASan);
//   - body() never holds more than the cap, after any feed;
//   - once done or error, the state is stable: more bytes or an EOF change
//     neither the state nor the status or body;
//   - the outcome does not depend on how the stream was split.
// Input: [cap byte][eof byte][n pieces][n piece lengths][stream bytes].
#include "fuzz_support.hpp"

#include "detail/http1.hpp"

#include <vector>

namespace {

constexpr const char* kTarget = "fuzz_http1";
using instant::detail::ResponseParser;
using State = ResponseParser::State;

const char* name(State s) {
  return s == State::done ? "done" : s == State::error ? "error" : "need_more";
}

struct Outcome {
  State state = State::need_more;
  long status = 0;
  std::string body;
  bool keep_alive = false;
  bool too_large = false;
};

Outcome outcome_of(ResponseParser& p) {
  return {p.state(), p.status(), p.body(), p.keep_alive(), p.too_large()};
}

void check_cap(ResponseParser& p, std::size_t cap) {
  fuzz::check(p.body().size() <= cap, kTarget,
              "body holds " + std::to_string(p.body().size()) + " bytes, cap " +
                  std::to_string(cap) + " (state " + name(p.state()) + ")");
}

// Feeds `pieces` one after another, checking the invariants after each;
// keeps feeding after done/error to check that the end state is stable.
Outcome run(std::string_view stream, const std::vector<std::size_t>& pieces, std::size_t cap,
            bool eof) {
  ResponseParser p(cap);
  std::size_t at = 0;
  std::optional<Outcome> final_state;
  auto step = [&](State s) {
    fuzz::check(s == p.state(), kTarget, "feed() returned a state other than state()");
    check_cap(p, cap);
    if (final_state) {
      const Outcome now = outcome_of(p);
      fuzz::check(now.state == final_state->state && now.status == final_state->status &&
                      now.body == final_state->body,
                  kTarget, std::string("a ") + name(final_state->state) + " state changed to " +
                               name(now.state));
    } else if (s != State::need_more) {
      final_state = outcome_of(p);
    }
  };
  for (std::size_t len : pieces) {
    if (at >= stream.size()) break;
    len = std::min(len, stream.size() - at);
    step(p.feed(stream.data() + at, len));
    at += len;
  }
  if (at < stream.size()) step(p.feed(stream.data() + at, stream.size() - at));
  if (eof) step(p.finish_eof());
  if (final_state) {
    step(p.feed("HTTP/1.1 200 OK\r\n\r\n", 19));  // bytes after the end change nothing
    step(p.finish_eof());
  }
  return outcome_of(p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::size_t cap = static_cast<std::size_t>(in.byte()) * 4;
  const bool eof = in.byte() & 1;
  const std::size_t n = in.byte() % 32;
  std::vector<std::size_t> pieces;
  for (std::size_t i = 0; i < n; ++i) pieces.push_back(1 + in.byte() % 64);
  const std::string_view stream = in.rest();

  const Outcome whole = run(stream, {}, cap, eof);
  const Outcome split = run(stream, pieces, cap, eof);
  fuzz::check(whole.state == split.state, kTarget,
              std::string("whole stream ends ") + name(whole.state) + ", split stream " +
                  name(split.state));
  if (whole.state == State::done) {
    fuzz::check(whole.status == split.status && whole.body == split.body &&
                    whole.keep_alive == split.keep_alive,
                kTarget, "whole and split streams give different responses");
    fuzz::check(whole.status >= 200 && whole.status <= 999, kTarget,
                "done with status " + std::to_string(whole.status));
  }
  if (whole.state == State::error) {
    fuzz::check(whole.too_large == split.too_large, kTarget,
                "too_large depends on how the stream was split");
  }
  return 0;
}
