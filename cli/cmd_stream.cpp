// `instant stream`: events from stdin, one JSON object a line, published
// through the asynchronous Publisher; one JSON summary line at the end.
//
// Each line is checked by the library's JSON reader (instant::Json::parse:
// depth, UTF-8, NUL bytes, repeated names, number grammar and range, nothing
// after the value), then its members are taken apart with RapidJSON's SAX
// reader over the checked text, numbers as strings
// (kParseNumbersAsStringsFlag), so `data` is passed on with its numbers
// exactly as written (docs/limits.md says why nothing else is used).
#include "args.hpp"
#include "commands.hpp"

#include <instant/client.hpp>
#include <instant/config.hpp>
#include <instant/limits.hpp>
#include <instant/message.hpp>
#include <instant/publisher.hpp>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cli {
namespace {

constexpr std::size_t kMaxErrorLines = 100;  // failure lines on stderr; the summary counts all

// ---- input lines ----------------------------------------------------------------

// Lines of a FILE without their '\n'; a line longer than `cap` is cut and
// flagged, the rest of it skipped.
class LineReader {
 public:
  LineReader(std::FILE* f, std::size_t cap) : f_(f), cap_(cap), buf_(1 << 16) {}

  bool next(std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    for (;;) {
      if (pos_ == end_) {
        if (eof_) return !line.empty() || too_long;
        end_ = std::fread(buf_.data(), 1, buf_.size(), f_);
        pos_ = 0;
        if (end_ == 0) {
          eof_ = true;
          return !line.empty() || too_long;
        }
      }
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      const std::size_t n = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - pos_;
      if (!too_long) {
        if (line.size() + n > cap_) {
          too_long = true;
          line.clear();
        } else {
          line.append(start, n);
        }
      }
      pos_ += n;
      if (nl) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  std::FILE* f_;
  std::size_t cap_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r") == std::string::npos;
}

// One top-level member of a line: its JSON type and its text (a string's
// contents; a number as written; an object or array as compact JSON).
struct Member {
  enum Kind { null, boolean, number, string, object, array } kind = null;
  std::string text;
  bool flag = false;
};

using Members = std::vector<std::pair<std::string, Member>>;

// SAX handler: the members of one JSON object, nested values re-written
// with their numbers as written.
class MemberReader {
 public:
  explicit MemberReader(Members& out) : out_(out) {}

  bool Null() { return scalar(Member::null, {}, false); }
  bool Bool(bool b) { return scalar(Member::boolean, {}, b); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar(Member::number, {s, n}, false); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return scalar(Member::string, {s, n}, false); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) {
      out_.push_back({std::string(s, n), Member{}});
      return true;
    }
    return w_.Key(s, n);
  }
  bool StartObject() { return open(Member::object, [&] { return w_.StartObject(); }); }
  bool EndObject(rapidjson::SizeType) { return close([&] { return w_.EndObject(); }); }
  bool StartArray() {
    if (depth_ == 0) return false;  // the line is not an object
    return open(Member::array, [&] { return w_.StartArray(); });
  }
  bool EndArray(rapidjson::SizeType) { return close([&] { return w_.EndArray(); }); }
  // Never called with kParseNumbersAsStringsFlag.
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(std::int64_t) { return false; }
  bool Uint64(std::uint64_t) { return false; }
  bool Double(double) { return false; }

 private:
  bool scalar(Member::Kind k, std::string_view text, bool b) {
    if (depth_ == 0) return false;  // the line is not an object
    if (depth_ > 1) {
      switch (k) {
        case Member::null: return w_.Null();
        case Member::boolean: return w_.Bool(b);
        // RawValue: RapidJSON's Writer::RawNumber would quote it.
        case Member::number: return w_.RawValue(text.data(), text.size(), rapidjson::kNumberType);
        default: return w_.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      }
    }
    Member& m = out_.back().second;
    m.kind = k;
    m.text.assign(text);
    m.flag = b;
    return true;
  }
  template <class Write>
  bool open(Member::Kind k, Write&& write) {
    ++depth_;
    if (depth_ == 1) return true;  // the line's own object
    if (depth_ == 2) {
      buf_.Clear();
      w_.Reset(buf_);
      out_.back().second.kind = k;
    }
    return write();
  }
  template <class Write>
  bool close(Write&& write) {
    --depth_;
    if (depth_ == 0) return true;
    if (!write()) return false;
    if (depth_ == 1) out_.back().second.text.assign(buf_.GetString(), buf_.GetSize());
    return true;
  }

  Members& out_;
  int depth_ = 0;
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_{buf_};
};

// Splits checked JSON text into its members; false when it is not an object.
bool read_members(const std::string& json, Members& out) {
  out.clear();
  MemberReader handler(out);
  rapidjson::MemoryStream ms(json.data(), json.size());
  rapidjson::Reader reader;
  constexpr unsigned flags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;
  return !reader.Parse<flags>(ms, handler).IsError();
}

const char* kind_name(Member::Kind k) {
  switch (k) {
    case Member::null: return "null";
    case Member::boolean: return "a boolean";
    case Member::number: return "a number";
    case Member::string: return "a string";
    case Member::object: return "an object";
    case Member::array: return "an array";
  }
  return "?";
}

// The JSON text of a member used as data.
std::string json_text(const Member& m) {
  switch (m.kind) {
    case Member::string: return instant::Json::string(m.text).text();
    case Member::boolean: return m.flag ? "true" : "false";
    case Member::null: return "null";
    default: return m.text;
  }
}

struct BadLine : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::string& need_string(const std::string& name, const Member& m) {
  if (m.kind != Member::string) throw BadLine("'" + name + "' must be a string, not " + kind_name(m.kind));
  return m.text;
}

bool need_bool(const std::string& name, const Member& m) {
  if (m.kind != Member::boolean) throw BadLine("'" + name + "' must be true or false, not " + kind_name(m.kind));
  return m.flag;
}

std::uint64_t need_uint(const std::string& name, const Member& m) {
  std::uint64_t v = 0;
  const char* end = m.text.data() + m.text.size();
  if (m.kind != Member::number || std::from_chars(m.text.data(), end, v).ptr != end) {
    throw BadLine("'" + name + "' must be a non-negative integer below 2^64");
  }
  return v;
}

[[noreturn]] void unknown_member(const std::string& name, const char* expected) {
  throw BadLine("unknown member '" + name + "' (expected " + expected + ")");
}

// {"channel", "message"?, "data"?, "event_class"?, "bucket"?, "site"?}; null = absent.
std::string to_event(const Members& ms, instant::Event& ev) {
  std::optional<std::string> channel;
  for (const auto& [name, m] : ms) {
    const bool absent = m.kind == Member::null;
    if (name == "channel") channel = need_string(name, m);
    else if (name == "message") { if (!absent) ev.message = need_string(name, m); }
    else if (name == "data") { if (!absent) ev.data = json_text(m); }
    else if (name == "event_class") { if (!absent) ev.event_class = need_string(name, m); }
    else if (name == "bucket") { if (!absent) ev.bucket = need_string(name, m); }
    else if (name == "site") { if (!absent) ev.site = need_string(name, m); }
    else unknown_member(name, "channel, message, data, event_class, bucket, site; --raw for publish commands");
  }
  if (!channel) throw BadLine("no 'channel'");
  return *channel;
}

// The tags object {"name": "value", ...}.
void to_tags(const std::string& name, const Member& m, instant::PublishOptions& o) {
  if (m.kind != Member::object) throw BadLine("'" + name + "' must be an object, not " + kind_name(m.kind));
  Members tags;
  read_members(m.text, tags);
  for (const auto& [k, v] : tags) {
    o.tags.emplace_back(k, need_string(name + "." + k, v));
  }
}

// Centrifugo's publish: {"channel", "data" | "b64data", "skip_history"?, "tags"?,
// "idempotency_key"?, "delta"?, "version"?, "version_epoch"?}.
void to_publish(const Members& ms, instant::PublishRequest& req) {
  bool have_channel = false;
  for (const auto& [name, m] : ms) {
    if (name == "channel") {
      req.channel = need_string(name, m);
      have_channel = true;
    } else if (name == "data") {
      req.data = json_text(m);
    } else if (name == "b64data") {
      req.b64data = need_string(name, m);
    } else if (name == "skip_history") {
      req.options.skip_history = need_bool(name, m);
    } else if (name == "tags") {
      to_tags(name, m, req.options);
    } else if (name == "idempotency_key") {
      req.options.idempotency_key = need_string(name, m);
    } else if (name == "delta") {
      req.options.delta = need_bool(name, m);
    } else if (name == "version") {
      req.options.version = need_uint(name, m);
    } else if (name == "version_epoch") {
      req.options.version_epoch = need_string(name, m);
    } else {
      unknown_member(name, "channel, data, b64data, skip_history, tags, idempotency_key, delta, version, version_epoch");
    }
  }
  if (!have_channel) throw BadLine("no 'channel'");
}

// ---- output -----------------------------------------------------------------------

// stderr is shared by the reading thread, the I/O thread's reports and the
// progress thread.
class Notes {
 public:
  explicit Notes(bool tty) : tty_(tty) {}

  void error(std::uint64_t line, const std::string& what) {
    std::lock_guard<std::mutex> lk(mu_);
    if (++errors_ > kMaxErrorLines) {
      if (errors_ == kMaxErrorLines + 1) {
        put("instant: more failures are not shown; the summary counts them all\n");
      }
      return;
    }
    put("instant: line " + std::to_string(line) + ": " + what + "\n");
  }
  void progress(const std::string& text) {
    std::lock_guard<std::mutex> lk(mu_);
    if (tty_) {
      std::string s = "\r" + text + "\x1b[K";
      std::fwrite(s.data(), 1, s.size(), stderr);
      std::fflush(stderr);
      progress_shown_ = true;
    } else {
      put(text + "\n");
    }
  }
  void end_progress() {
    std::lock_guard<std::mutex> lk(mu_);
    if (progress_shown_) std::fputc('\n', stderr);
    progress_shown_ = false;
  }

 private:
  void put(const std::string& s) {
    if (progress_shown_) {  // keep the live count on its own line
      std::fputc('\n', stderr);
      progress_shown_ = false;
    }
    std::fwrite(s.data(), 1, s.size(), stderr);
    std::fflush(stderr);
  }

  bool tty_;
  std::mutex mu_;
  std::size_t errors_ = 0;
  bool progress_shown_ = false;
};

// Calls `tick` every `period` on its own thread while running (when enabled).
class Ticker {
 public:
  template <class F>
  Ticker(bool enabled, std::chrono::milliseconds period, F&& tick) {
    if (!enabled) return;
    thread_ = std::thread([this, period, tick = std::forward<F>(tick)] {
      std::unique_lock<std::mutex> lk(mu_);
      while (!cv_.wait_for(lk, period, [&] { return stop_; })) {
        lk.unlock();
        tick();
        lk.lock();
      }
    });
  }
  ~Ticker() { stop(); }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;
  // Stops and joins; true when it was running.
  bool stop() {
    if (!thread_.joinable()) return false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

std::string error_text(const instant::Status& st) {
  return st.message() + " [" + instant::to_string(st.kind()) + "]";
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.empty()) throw UsageError("--endpoints has an empty URL");
    out.push_back(std::move(part));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string fixed3(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

int run_stream(const Args& a) {
  if (!a.positional().empty()) throw UsageError("stream takes no arguments (events come on stdin)");

  instant::PublisherConfig pc;
  pc.client = instant::Config::from_env();
  if (a.has("string-envelope")) pc.client.encoding = instant::EnvelopeEncoding::string;
  if (auto e = a.get("endpoints")) pc.endpoints = split_commas(*e);
  namespace lim = instant::limits;
  pc.linger = std::chrono::milliseconds(a.get_int("linger-ms", pc.linger.count(), 0, lim::max_linger_ms));
  pc.batch_max_messages = static_cast<std::size_t>(
      a.get_int("batch", static_cast<long long>(pc.batch_max_messages), 1, 100000));
  pc.inflight = static_cast<std::size_t>(a.get_int("inflight", static_cast<long long>(pc.inflight), 1,
                                                   static_cast<long long>(lim::max_publisher_inflight)));
  pc.message_timeout = std::chrono::milliseconds(
      a.get_int("timeout-ms", pc.message_timeout.count(), 1, lim::max_publisher_duration_ms));
  const bool raw = a.has("raw");

  Notes notes(::isatty(2) == 1);
  std::atomic<std::uint64_t> delivered{0}, failed{0}, possibly{0};
  pc.on_delivery = [&](const instant::DeliveryReport& r) {
    const auto line = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(r.opaque));
    switch (r.outcome) {
      case instant::Delivery::delivered: delivered.fetch_add(1); return;
      case instant::Delivery::failed: failed.fetch_add(1); break;
      case instant::Delivery::possibly_delivered: possibly.fetch_add(1); break;
    }
    notes.error(line, std::string(instant::to_string(r.outcome)) + " (channel " + std::string(r.channel) +
                          ", " + std::to_string(r.attempts) + " attempts): " + error_text(r.error));
  };
  const std::size_t max_line = pc.client.max_payload;
  const auto drain_bound = pc.message_timeout + pc.client.timeout + std::chrono::seconds(1);
  instant::Publisher pub(pc);  // throws config errors (no API key, bad URL) before reading

  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t events = 0, invalid = 0;
  std::atomic<std::uint64_t> read_lines{0};

  // --progress: a live count every half second until the stream ends.
  auto progress_line = [&] {
    const instant::PublisherStats s = pub.stats();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return "instant stream: " + std::to_string(read_lines.load()) + " events read, " +
           std::to_string(delivered.load()) + " delivered, " + std::to_string(failed.load()) + " failed, " +
           std::to_string(possibly.load()) + " possibly delivered, " + std::to_string(s.queued) +
           " queued, " + std::to_string(s.retried) + " retried, " + fixed3(secs) + " s";
  };
  Ticker progress(a.has("progress"), std::chrono::milliseconds(500), [&] { notes.progress(progress_line()); });

  LineReader reader(stdin, max_line);
  std::string line;
  bool too_long = false;
  std::uint64_t lineno = 0;
  Members members;
  while (reader.next(line, too_long)) {
    ++lineno;
    if (!too_long && blank(line)) continue;
    ++events;
    read_lines.store(events);
    instant::Status st;
    try {
      if (too_long) throw BadLine("longer than " + std::to_string(max_line) + " bytes (the client's max_payload)");
      const instant::Json json = instant::Json::parse(line, st);
      if (!st.ok()) throw BadLine(error_text(st));
      if (!read_members(json.text(), members)) throw BadLine("a line must be one JSON object");
      instant::EnqueueOptions eo;
      eo.opaque = reinterpret_cast<void*>(static_cast<std::uintptr_t>(lineno));
      eo.block = std::chrono::milliseconds(1000);
      instant::Event ev;
      instant::PublishRequest req;
      std::string channel;
      if (raw) to_publish(members, req);
      else channel = to_event(members, ev);
      // Wait for room however long it takes: the queue drains within
      // message_timeout even when every endpoint is down.
      do {
        if (raw) pub.publish_raw(req, eo, st);
        else pub.publish(channel, ev, eo, st);
      } while (st.kind() == instant::errc::queue_full);
      if (!st.ok()) throw BadLine(error_text(st));
    } catch (const BadLine& e) {
      ++invalid;
      notes.error(lineno, std::string("rejected: ") + e.what());
    }
  }
  const bool read_error = std::ferror(stdin) != 0;

  instant::Status st;
  pub.close(std::chrono::duration_cast<std::chrono::milliseconds>(drain_bound), st);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress.stop()) {
    notes.progress(progress_line());
    notes.end_progress();
  }
  if (read_error) notes.error(lineno + 1, "reading stdin failed; the stream ends here");
  const instant::PublisherStats s = pub.stats();
  const std::uint64_t n_delivered = delivered.load(), n_failed = failed.load() + invalid,
                      n_possibly = possibly.load();
  std::cout << "{\"events\":" << events << ",\"delivered\":" << n_delivered << ",\"failed\":" << n_failed
            << ",\"possibly_delivered\":" << n_possibly << ",\"invalid\":" << invalid
            << ",\"retried\":" << s.retried << ",\"batches\":" << s.batches << ",\"seconds\":" << fixed3(secs)
            << ",\"events_per_second\":" << fixed3(secs > 0 ? static_cast<double>(events) / secs : 0.0) << "}"
            << std::endl;
  return n_delivered == events && !read_error ? 0 : 1;
}

}  // namespace

const Command stream_command = {
    "stream",
    "",
    "publish JSON events from stdin, one a line, through the asynchronous Publisher",
    "Each line is django-instant's event {\"channel\", \"message\"?, \"data\"?, \"event_class\"?,\n"
    "\"bucket\"?, \"site\"?} (a message or data is needed; null means absent), or with --raw\n"
    "Centrifugo's publish {\"channel\", \"data\" | \"b64data\", \"skip_history\"?, \"tags\"?,\n"
    "\"idempotency_key\"?, \"delta\"?, \"version\"?, \"version_epoch\"?}. Numbers in data are\n"
    "sent as written. When the queue is full the stream waits for room. At the end it prints\n"
    "one JSON line: {\"events\", \"delivered\", \"failed\", \"possibly_delivered\", \"invalid\",\n"
    "\"retried\", \"batches\", \"seconds\", \"events_per_second\"}; events counts the non-blank\n"
    "lines, and events = delivered + failed + possibly_delivered.\n"
    "A line that is not a valid event (bad JSON, an unknown or mistyped member, a channel or\n"
    "payload the library refuses, longer than max_payload, 1 MiB) is reported on stderr as\n"
    "\"instant: line N: rejected: <why>\", counted in invalid and failed, and the stream goes on;\n"
    "blank lines are skipped. A publication that fails or may have failed is reported as\n"
    "\"instant: line N: failed (...)\" or \"possibly_delivered (...)\" (the first 100 such lines).\n"
    "Exit status 0 only when every event was delivered.",
    {
        {"endpoints", "URL[,URL...]",
         "Centrifugo base URLs in order of preference; transient failures move to the next",
         "CENTRIFUGO_URL, else CENTRIFUGO_HOST:CENTRIFUGO_PORT"},
        {"linger-ms", "N", "wait up to N ms (0..60000) for a batch to fill", "1"},
        {"batch", "N", "at most N publications (1..100000) per /api/batch request", "1000"},
        {"inflight", "N", "requests in flight at once, on as many connections (1..64)", "2"},
        {"timeout-ms", "N", "message timeout: give up on an event N ms (1..86400000) after reading it",
         "30000"},
        {"progress", nullptr, "a live count on stderr, twice a second", "off"},
        {"raw", nullptr, "lines are Centrifugo publish commands, not django-instant events", "off"},
        {"string-envelope", nullptr, "send the envelope as a JSON string, as django-instant does",
         "INSTANT_ENVELOPE, else off"},
    },
    server_env(),
    run_stream,
};

}  // namespace cli
