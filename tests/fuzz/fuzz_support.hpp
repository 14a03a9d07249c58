// Shared by the fuzz targets: a reader that cuts one fuzz input into typed
// parts, the check that turns a broken invariant into a finding, and a
// canonical JSON form that keeps numbers exactly as written.
#ifndef INSTANT_FUZZ_SUPPORT_HPP
#define INSTANT_FUZZ_SUPPORT_HPP

#include <instant/error.hpp>
#include <instant/message.hpp>

#include "detail/json.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace fuzz {

// True when the replay main runs the target over a corpus (ctest), false
// under libFuzzer. Targets do their slow extras (files) only when replaying.
inline bool& replaying() noexcept {
  static bool on = false;
  return on;
}

// A broken invariant: prints what and aborts, which libFuzzer reports as a
// crash (and saves the input) and which fails the replay ctest.
[[noreturn]] inline void fail(const char* target, const std::string& what) {
  std::fprintf(stderr, "\n%s: invariant broken: %s\n", target, what.c_str());
  std::abort();
}

inline void check(bool ok, const char* target, const std::string& what) {
  if (!ok) fail(target, what);
}

// instant's one JSON verdict, through its public entry (Json::parse).
inline bool valid_json(std::string_view text) {
  instant::Status st;
  (void)instant::Json::parse(text, st);
  return st.ok();
}

// The same verdict for a document that carries caller values a few levels
// down (token claims, envelopes, server and proxy replies): instant writes
// values within limits::json_depth and reads these documents with
// limits::json_wrapper_depth more.
inline bool valid_document(std::string_view text) {
  return instant::detail::validate_json(text, "fuzz", instant::detail::JsonDepth::wrapper).ok();
}

// instant's UTF-8 verdict, through its public entry (Json::string).
inline bool valid_utf8(std::string_view s) {
  try {
    instant::Json::string(s);
    return true;
  } catch (const instant::Error&) {
    return false;
  }
}

// Cuts a fuzz input into leading option bytes and text parts separated by
// "\n~~\n" (readable in corpus files). Exhausted reads return 0 / "".
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  std::uint8_t byte() noexcept {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // The text up to the next separator (or the end); the separator is consumed.
  std::string_view part() noexcept {
    static constexpr std::string_view kSep = "\n~~\n";
    const std::size_t at = rest_.find(kSep);
    std::string_view p = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + kSep.size());
    return p;
  }
  std::string_view rest() const noexcept { return rest_; }

 private:
  std::string_view rest_;
};

// Copies a view into an exactly sized heap block ending in one NUL, so that
// ASan sees any read past the terminator (C ABI strings).
class CString {
 public:
  explicit CString(std::string_view s) : p_(static_cast<char*>(std::malloc(s.size() + 1))) {
    if (!p_) std::abort();
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
    p_[s.size()] = '\0';
  }
  ~CString() { std::free(p_); }
  CString(const CString&) = delete;
  CString& operator=(const CString&) = delete;
  const char* get() const noexcept { return p_; }

 private:
  char* p_;
};

// Copies a view into an exactly sized heap block without terminator, for
// (pointer, length) payloads; ASan sees any read past the end.
class Payload {
 public:
  explicit Payload(std::string_view s)
      : p_(static_cast<char*>(std::malloc(s.empty() ? 1 : s.size()))), n_(s.size()) {
    if (!p_) std::abort();
    if (n_) std::memcpy(p_, s.data(), n_);
  }
  ~Payload() { std::free(p_); }
  Payload(const Payload&) = delete;
  Payload& operator=(const Payload&) = delete;
  const char* data() const noexcept { return p_; }
  std::size_t size() const noexcept { return n_; }

 private:
  char* p_;
  std::size_t n_;
};

constexpr unsigned kVerbatimFlags = rapidjson::kParseValidateEncodingFlag |
                                   rapidjson::kParseIterativeFlag |
                                   rapidjson::kParseNumbersAsStringsFlag;

// The compact form of one JSON text with every number copied as written
// (RapidJSON's SAX reader with kParseNumbersAsStringsFlag into its writer;
// no number is ever converted). nullopt when RapidJSON refuses the text.
inline std::optional<std::string> canonical_json(std::string_view text) {
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  rapidjson::Reader reader;
  if (!reader.Parse<kVerbatimFlags>(ms, w)) return std::nullopt;
  return std::string(sb.GetString(), sb.GetSize());
}

// Writes the value of one member of the top-level object, in the form of
// canonical_json (SAX events forwarded while inside that value).
class MemberCapture : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, MemberCapture> {
 public:
  using SizeType = rapidjson::SizeType;
  explicit MemberCapture(std::string_view name) : name_(name), w_(sb_) {}

  bool Null() { return leaf([&] { return w_.Null(); }); }
  bool Bool(bool b) { return leaf([&] { return w_.Bool(b); }); }
  bool RawNumber(const char* s, SizeType n, bool c) { return leaf([&] { return w_.RawNumber(s, n, c); }); }
  bool String(const char* s, SizeType n, bool c) { return leaf([&] { return w_.String(s, n, c); }); }
  bool StartObject() { return open([&] { return w_.StartObject(); }); }
  bool EndObject(SizeType n) { return close([&] { return w_.EndObject(n); }); }
  bool StartArray() { return open([&] { return w_.StartArray(); }); }
  bool EndArray(SizeType n) { return close([&] { return w_.EndArray(n); }); }
  bool Key(const char* s, SizeType n, bool c) {
    if (depth_ == 1 && !capturing_) {
      next_ = !done_ && std::string_view(s, n) == name_;
      return true;
    }
    return !capturing_ || w_.Key(s, n, c);
  }
  bool Default() { return true; }  // numbers arrive as RawNumber

  std::optional<std::string> result() const {
    if (!done_) return std::nullopt;
    return std::string(sb_.GetString(), sb_.GetSize());
  }

 private:
  bool begin() {
    if (next_ && depth_ == 1) {
      capturing_ = true;
      next_ = false;
    }
    return capturing_;
  }
  void end() {
    capturing_ = false;
    done_ = true;
  }
  template <class F>
  bool leaf(F f) {
    if (!begin()) return true;
    const bool ok = f();
    if (depth_ == 1) end();
    return ok;
  }
  template <class F>
  bool open(F f) {
    const bool cap = begin();
    ++depth_;
    return !cap || f();
  }
  template <class F>
  bool close(F f) {
    --depth_;
    if (!capturing_) return true;
    const bool ok = f();
    if (depth_ == 1) end();
    return ok;
  }

  std::string_view name_;
  rapidjson::StringBuffer sb_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
  int depth_ = 0;
  bool next_ = false;
  bool capturing_ = false;
  bool done_ = false;
};

// The value of top-level member `name` of the object `text` in the form of
// canonical_json; nullopt when absent or when RapidJSON refuses the text.
inline std::optional<std::string> canonical_member(std::string_view text, std::string_view name) {
  rapidjson::MemoryStream ms(text.data(), text.size());
  MemberCapture cap(name);
  rapidjson::Reader reader;
  if (!reader.Parse<kVerbatimFlags>(ms, cap)) return std::nullopt;
  return cap.result();
}

}  // namespace fuzz

#endif  // INSTANT_FUZZ_SUPPORT_HPP
