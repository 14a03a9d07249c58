// Internal JSON: the one reader and the one verdict for every JSON text
// instant reads (caller data, tokens, proxy bodies, registry and users files,
// server replies), plus the writing helpers over RapidJSON's Writer.
//
// Reading goes through RapidJSON's SAX reader over a length-bounded stream
// with kParseNumbersAsStringsFlag and kParseIterativeFlag: no recursion, no
// floating-point conversion inside RapidJSON (its full-precision strtod reads
// out of bounds, and its exponent arithmetic overflows, in 1.1.0), numbers
// kept as the text they were written in. The reader builds a flat tape
// (JsonDoc); walking, copying and re-serialising it is iterative too.
//
// The verdict (validate_json / json_valid / parse_json agree by
// construction, they are one function): one JSON value in UTF-8 with optional
// whitespace around it and nothing else (no byte after it, no BOM), strings
// in valid UTF-8 once decoded (no lone surrogate escape), numbers within
// double range (RapidJSON's kParseErrorNumberTooBig), nesting at most
// kMaxJsonDepth deep (a document carrying caller values is read with
// kMaxWrappedDepth), and in every object distinct member names, none
// holding U+0000. Never included by public headers.
#ifndef INSTANT_DETAIL_JSON_HPP
#define INSTANT_DETAIL_JSON_HPP

#include <instant/error.hpp>
#include <instant/limits.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace instant {
namespace detail {

// Deepest nesting of arrays and objects accepted anywhere (docs/limits.md).
constexpr std::size_t kMaxJsonDepth = limits::json_depth;
// Deepest nesting in a document that carries caller values a few levels
// down: token claims (`info` at 1, `subs.<channel>.info` at 3) and server
// replies (a publication's `data` under `replies[].history.publications[]`).
// Instant writes caller values within kMaxJsonDepth and reads these
// documents with this bound, so what it mints or publishes it reads back.
constexpr std::size_t kMaxWrappedDepth = limits::json_depth + limits::json_wrapper_depth;
// Largest JSON text the reader takes (the tape uses 32-bit offsets; every
// caller has its own, smaller limit in front of this one).
constexpr std::size_t kMaxJsonText = std::size_t(1) << 30;

enum class JsonType : std::uint8_t { null, boolean, number, string, array, object };
// Which nesting bound a text is read under (parse_json).
enum class JsonDepth : std::uint8_t { value, wrapper };

// RapidJSON's Writer into a StringBuffer, with its buffer in reach (write_raw).
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using rapidjson::Writer<rapidjson::StringBuffer>::Writer;
  rapidjson::StringBuffer& buffer() noexcept { return *os_; }
};

class JsonDoc;

// A value inside a JsonDoc: a cheap handle, valid while the document lives
// and is not parsed again. A default-constructed JsonValue is "absent".
class JsonValue {
 public:
  JsonValue() = default;

  bool present() const noexcept { return doc_ != nullptr; }
  explicit operator bool() const noexcept { return present(); }
  JsonType type() const noexcept;
  bool is_null() const noexcept { return present() && type() == JsonType::null; }
  bool is_bool() const noexcept { return present() && type() == JsonType::boolean; }
  bool is_number() const noexcept { return present() && type() == JsonType::number; }
  bool is_string() const noexcept { return present() && type() == JsonType::string; }
  bool is_array() const noexcept { return present() && type() == JsonType::array; }
  bool is_object() const noexcept { return present() && type() == JsonType::object; }

  bool as_bool() const noexcept;
  // The decoded string (may hold U+0000: see has_nul).
  std::string_view str() const noexcept;
  // True for a string holding U+0000 (a C string would be cut there).
  bool has_nul() const noexcept;
  // A number exactly as written in the text.
  std::string_view number_text() const noexcept;
  // The number as an integer: false unless it is an integer literal (no
  // fraction, no exponent) within range.
  bool to_int64(std::int64_t& out) const noexcept;
  bool to_uint64(std::uint64_t& out) const noexcept;
  // The number as a finite double (any number the verdict accepted).
  bool to_double(double& out) const noexcept;

  // Elements of an array or members of an object (0 for scalars).
  std::size_t size() const noexcept;
  // The member named `name` of an object; absent otherwise. Linear in the
  // object's size.
  JsonValue operator[](std::string_view name) const noexcept;

  struct Member;
  class Iterator;
  // Members of an object (each {name, value}) / elements of an array, in order.
  struct Range {
    const JsonDoc* doc;
    std::uint32_t first, last;  // node indices: first element/member, one past the container
    bool object;
    Iterator begin() const noexcept;
    Iterator end() const noexcept;
  };
  Range members() const noexcept;
  Range elements() const noexcept;

  // Compact JSON text of this value (numbers as written). Iterative.
  std::string json() const;
  void append_json(std::string& out) const;

 private:
  friend class JsonDoc;
  friend void write_value(JsonWriter& w, JsonValue v);
  JsonValue(const JsonDoc* d, std::uint32_t i) noexcept : doc_(d), i_(i) {}
  const JsonDoc* doc_ = nullptr;
  std::uint32_t i_ = 0;
};

struct JsonValue::Member {
  std::string_view name;
  JsonValue value;
};

class JsonValue::Iterator {
 public:
  Member operator*() const noexcept;
  Iterator& operator++() noexcept;
  bool operator!=(const Iterator& o) const noexcept { return i_ != o.i_; }

 private:
  friend struct Range;
  Iterator(const JsonDoc* d, std::uint32_t i, bool object) noexcept : doc_(d), i_(i), object_(object) {}
  const JsonDoc* doc_;
  std::uint32_t i_;
  bool object_;
};

// A parsed JSON text: a flat tape of nodes plus the decoded strings.
// Move-only in spirit; parse() reuses its buffers.
class JsonDoc {
 public:
  // The root value (absent before a successful parse).
  JsonValue root() const noexcept { return nodes_.empty() ? JsonValue() : JsonValue(this, 0); }
  // Frees buffers above `keep` bytes (long-lived documents reused for big inputs).
  void trim(std::size_t keep = 65536);

  // The tape, for JsonValue and the reader.
  struct Node {
    JsonType type;
    bool flag;           // boolean: its value; string: holds U+0000
    std::uint32_t a;     // scalar: offset in text(); container: element / member count
    std::uint32_t b;     // scalar: length; container: index one past its last node
  };
  const Node& node(std::uint32_t i) const noexcept { return nodes_[i]; }
  std::string_view span(const Node& n) const noexcept { return {text_.data() + n.a, n.b}; }
  // The index after node i's subtree.
  std::uint32_t next(std::uint32_t i) const noexcept {
    const Node& n = nodes_[i];
    return (n.type == JsonType::array || n.type == JsonType::object) ? n.b : i + 1;
  }

 private:
  friend struct JsonTapeBuilder;
  friend Status parse_json(std::string_view text, JsonDoc& doc, const char* what, JsonDepth depth);
  std::vector<Node> nodes_;
  std::string text_;  // decoded strings and number texts, back to back
};

// Parses `text` into `doc` under the verdict above. invalid_json (naming
// `what`, the reason and the offset, never quoting the text), invalid_utf8,
// or too_large above kMaxJsonText. Nesting is bounded by kMaxJsonDepth, or
// by kMaxWrappedDepth for JsonDepth::wrapper (the documents named there).
Status parse_json(std::string_view text, JsonDoc& doc, const char* what,
                  JsonDepth depth = JsonDepth::value);

// The verdict alone (no tape kept). validate_json reports as parse_json does.
Status validate_json(std::string_view text, const char* what, JsonDepth depth = JsonDepth::value);
bool json_valid(std::string_view text) noexcept;

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool utf8_valid(std::string_view s) noexcept;
// invalid_utf8 naming `what` unless s is valid UTF-8.
Status validate_utf8(std::string_view s, const char* what);

// ---- writing (RapidJSON's Writer) -------------------------------------------

inline void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void write_key(JsonWriter& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
// Embeds JSON text that passed the verdict as a value. The Writer writes the
// separator before it (RawValue of nothing), the text goes in with one memcpy
// (RawValue itself copies byte by byte: a tenth of publish()'s time).
inline void write_raw(JsonWriter& w, std::string_view json) {
  w.RawValue("", 0, rapidjson::kObjectType);
  if (!json.empty()) std::memcpy(w.buffer().Push(json.size()), json.data(), json.size());
}
// Writes a parsed value (iteratively; numbers as written).
void write_value(JsonWriter& w, JsonValue v);

// The JSON text of `s` as a JSON string literal (quotes and escapes).
std::string quote(std::string_view s);

// ---- reading helpers shared by the modules ------------------------------------

// A string member read for instant's own use (names, ids): absent leaves
// `out` alone; any other type, or a string holding U+0000, is `kind` with
// "'<name>' must be a string" / "'<name>' holds U+0000".
bool read_string_member(JsonValue obj, const char* name, std::string& out, errc kind, Status& st);

}  // namespace detail
}  // namespace instant

#endif  // INSTANT_DETAIL_JSON_HPP
