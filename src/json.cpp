#include "detail/json.hpp"
#include "detail/utf8.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace instant {
namespace detail {

namespace {

// Never RapidJSON's full-precision number mode (out-of-bounds read in 1.1.0's StrtodFullPrecision)
// and numbers as strings: RapidJSON never converts a number, so neither its
// strtod nor its `exp + expFrac` arithmetic (CVE-2024-38517) is reached. Its
// remaining exponent arithmetic (`308 - expFrac`, CVE-2024-39684's area)
// needs more than 2^31 fraction digits, which kMaxJsonText rules out.
constexpr unsigned kReadFlags = rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseIterativeFlag |
                                rapidjson::kParseNumbersAsStringsFlag;

static_assert(kMaxJsonDepth == 256 && kMaxWrappedDepth == 272,
              "the reader's messages name the depth limits");

// RapidJSON 1.1.0 refuses a lone high-surrogate escape but decodes a lone
// low one (\uDC00-\uDFFF) into the bytes ED B0-BF xx, which are not UTF-8.
// The text itself passed utf8_valid, so only such an escape makes ED A0-BF
// (and only a text holding "\u" needs the look: JsonTapeBuilder::escapes).
bool lone_surrogate(const char* s, std::size_t n) noexcept {
  const char* end = s + n;
  for (const char* p = s; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, 0xED, static_cast<std::size_t>(end - p)));
    if (!p) return false;
    if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) return true;
  }
  return false;
}

}  // namespace

// SAX handler that appends RapidJSON's events to a JsonDoc's tape.
struct JsonTapeBuilder {
  using Ch = char;
  JsonDoc& d;
  std::vector<std::uint32_t>& open;       // indices of the containers not yet closed
  std::vector<std::string_view>& names;   // scratch for the duplicate-name check
  std::size_t max_depth;                  // kMaxJsonDepth or kMaxWrappedDepth
  bool escapes;                           // the text holds "\u": a string may decode to a surrogate
  const char* why = nullptr;              // our reason when a handler returns false

  bool push(JsonType t, bool flag, std::uint32_t a, std::uint32_t b) {
    d.nodes_.push_back(JsonDoc::Node{t, flag, a, b});
    return true;
  }
  bool scalar(JsonType t, bool flag, const char* s, rapidjson::SizeType n) {
    const auto off = static_cast<std::uint32_t>(d.text_.size());
    d.text_.append(s, n);
    return push(t, flag, off, n);
  }
  bool start(JsonType t) {
    if (open.size() >= max_depth) {
      why = max_depth == kMaxJsonDepth ? "nested deeper than 256 levels" : "nested deeper than 272 levels";
      return false;
    }
    open.push_back(static_cast<std::uint32_t>(d.nodes_.size()));
    return push(t, false, 0, 0);
  }
  std::uint32_t end(rapidjson::SizeType count) {
    const std::uint32_t i = open.back();
    open.pop_back();
    d.nodes_[i].a = count;
    d.nodes_[i].b = static_cast<std::uint32_t>(d.nodes_.size());
    return i;
  }
  // Distinct member names: pairwise for small objects, sorted otherwise, so
  // the check is O(n log n) however hostile the object.
  bool distinct_names(std::uint32_t obj, std::uint32_t count) {
    if (count < 2) return true;
    names.clear();
    std::uint32_t k = obj + 1;
    for (std::uint32_t m = 0; m < count; ++m) {
      const JsonDoc::Node& key = d.nodes_[k];
      names.emplace_back(d.text_.data() + key.a, key.b);
      k = d.next(k + 1);
    }
    bool repeated = false;
    if (count <= 8) {
      for (std::size_t i = 1; i < names.size() && !repeated; ++i) {
        for (std::size_t j = 0; j < i && !repeated; ++j) repeated = names[i] == names[j];
      }
    } else {
      std::sort(names.begin(), names.end());
      repeated = std::adjacent_find(names.begin(), names.end()) != names.end();
    }
    if (repeated) why = "a member name is repeated";
    return !repeated;
  }

  bool Null() { return push(JsonType::null, false, 0, 0); }
  bool Bool(bool b) { return push(JsonType::boolean, b, 0, 0); }
  // With kParseNumbersAsStringsFlag RapidJSON reports every number here.
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar(JsonType::number, false, s, n); }
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(std::int64_t) { return false; }
  bool Uint64(std::uint64_t) { return false; }
  bool Double(double) { return false; }
  // A decoded string or name is UTF-8 (see lone_surrogate).
  bool decoded_utf8(const char* s, rapidjson::SizeType n) {
    if (!escapes || !lone_surrogate(s, n)) return true;
    why = "a \\u escape is a lone surrogate";
    return false;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (!decoded_utf8(s, n)) return false;
    return scalar(JsonType::string, n != 0 && std::memchr(s, 0, n) != nullptr, s, n);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (n != 0 && std::memchr(s, 0, n) != nullptr) {
      why = "a member name holds U+0000";
      return false;
    }
    if (!decoded_utf8(s, n)) return false;
    return scalar(JsonType::string, false, s, n);
  }
  bool StartObject() { return start(JsonType::object); }
  bool EndObject(rapidjson::SizeType count) { return distinct_names(end(count), count); }
  bool StartArray() { return start(JsonType::array); }
  bool EndArray(rapidjson::SizeType count) {
    end(count);
    return true;
  }
};

Status parse_json(std::string_view text, JsonDoc& doc, const char* what, JsonDepth depth) {
  doc.nodes_.clear();
  doc.text_.clear();
  if (text.size() > kMaxJsonText) {
    return Status(errc::too_large, std::string("JSON text in '") + what + "' is larger than 1 GiB");
  }
  if (!utf8_valid(text)) return Status(errc::invalid_utf8, std::string("invalid UTF-8 in '") + what + "'");
  thread_local rapidjson::Reader reader;
  thread_local std::vector<std::uint32_t> open;
  thread_local std::vector<std::string_view> names;
  open.clear();
  JsonTapeBuilder h{doc, open, names, depth == JsonDepth::wrapper ? kMaxWrappedDepth : kMaxJsonDepth,
                    text.find("\\u") != std::string_view::npos};
  rapidjson::MemoryStream ms(text.data(), text.size());
  const rapidjson::ParseResult r = reader.Parse<kReadFlags>(ms, h);
  names.clear();
  auto fail = [&](errc kind, const std::string& why, std::size_t offset) {
    doc.nodes_.clear();
    doc.text_.clear();
    return Status(kind, std::string("invalid JSON in '") + what + "': " + why + " at offset " +
                            std::to_string(offset));
  };
  if (!r) {
    if (r.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
      return fail(errc::invalid_utf8, "invalid UTF-8 in a string", r.Offset());
    }
    if (r.Code() == rapidjson::kParseErrorTermination && h.why) {
      return fail(errc::invalid_json, h.why, r.Offset());
    }
    return fail(errc::invalid_json, rapidjson::GetParseError_En(r.Code()), r.Offset());
  }
  // The stream reports a NUL byte as its end: anything left means a NUL.
  if (ms.Tell() != text.size()) return fail(errc::invalid_json, "unexpected NUL byte", ms.Tell());
  return {};
}

namespace {

JsonDoc& scratch_doc() {
  thread_local JsonDoc doc;
  return doc;
}

}  // namespace

Status validate_json(std::string_view text, const char* what, JsonDepth depth) {
  JsonDoc& doc = scratch_doc();
  Status st = parse_json(text, doc, what, depth);
  doc.trim();
  return st;
}

bool json_valid(std::string_view text) noexcept {
  try {
    return validate_json(text, "json").ok();
  } catch (...) {
    return false;  // out of memory
  }
}

void JsonDoc::trim(std::size_t keep) {
  if (nodes_.capacity() * sizeof(Node) > keep) std::vector<Node>().swap(nodes_);
  if (text_.capacity() > keep) std::string().swap(text_);
}

// ---- JsonValue ---------------------------------------------------------------

JsonType JsonValue::type() const noexcept { return doc_->node(i_).type; }

bool JsonValue::as_bool() const noexcept { return is_bool() && doc_->node(i_).flag; }

std::string_view JsonValue::str() const noexcept {
  if (!is_string()) return {};
  return doc_->span(doc_->node(i_));
}

bool JsonValue::has_nul() const noexcept { return is_string() && doc_->node(i_).flag; }

std::string_view JsonValue::number_text() const noexcept {
  if (!is_number()) return {};
  return doc_->span(doc_->node(i_));
}

bool JsonValue::to_int64(std::int64_t& out) const noexcept {
  const std::string_view t = number_text();
  if (t.empty()) return false;
  std::int64_t v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return false;
  out = v;
  return true;
}

bool JsonValue::to_uint64(std::uint64_t& out) const noexcept {
  const std::string_view t = number_text();
  if (t.empty() || t.front() == '-') return false;
  std::uint64_t v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return false;
  out = v;
  return true;
}

bool JsonValue::to_double(double& out) const noexcept {
  const std::string_view t = number_text();
  if (t.empty()) return false;
  double v = 0;
  // from_chars: locale-independent, unlike strtod.
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

std::size_t JsonValue::size() const noexcept {
  return (is_array() || is_object()) ? doc_->node(i_).a : 0;
}

JsonValue JsonValue::operator[](std::string_view name) const noexcept {
  if (!is_object()) return {};
  for (const Member m : members()) {
    if (m.name == name) return m.value;
  }
  return {};
}

JsonValue::Range JsonValue::members() const noexcept {
  if (!is_object()) return Range{doc_, 0, 0, true};
  return Range{doc_, i_ + 1, doc_->node(i_).b, true};
}

JsonValue::Range JsonValue::elements() const noexcept {
  if (!is_array()) return Range{doc_, 0, 0, false};
  return Range{doc_, i_ + 1, doc_->node(i_).b, false};
}

JsonValue::Iterator JsonValue::Range::begin() const noexcept { return Iterator(doc, first, object); }
JsonValue::Iterator JsonValue::Range::end() const noexcept { return Iterator(doc, last, object); }

JsonValue::Member JsonValue::Iterator::operator*() const noexcept {
  if (!object_) return Member{{}, JsonValue(doc_, i_)};
  return Member{doc_->span(doc_->node(i_)), JsonValue(doc_, i_ + 1)};
}

JsonValue::Iterator& JsonValue::Iterator::operator++() noexcept {
  i_ = object_ ? doc_->next(i_ + 1) : doc_->next(i_);
  return *this;
}

std::string JsonValue::json() const {
  std::string out;
  append_json(out);
  return out;
}

void JsonValue::append_json(std::string& out) const {
  if (!present()) return;
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  write_value(w, *this);
  out.append(sb.GetString(), sb.GetSize());
}

void write_value(JsonWriter& w, JsonValue v) {
  if (!v.present()) return;
  struct Frame {
    std::uint32_t last;  // one past the container's nodes
    bool object;
    bool want_key;
  };
  Frame stack[kMaxWrappedDepth];  // the verdict bounds the depth
  std::size_t depth = 0;
  const JsonDoc& doc = *v.doc_;
  std::uint32_t i = v.i_;
  const std::uint32_t stop = doc.next(i);
  auto close_finished = [&] {
    while (depth > 0 && i == stack[depth - 1].last) {
      if (stack[depth - 1].object) w.EndObject();
      else w.EndArray();
      --depth;
      if (depth > 0 && stack[depth - 1].object) stack[depth - 1].want_key = true;
    }
  };
  while (i < stop) {
    const JsonDoc::Node& n = doc.node(i);
    Frame* top = depth > 0 ? &stack[depth - 1] : nullptr;
    if (top && top->object && top->want_key) {
      w.Key(doc.span(n).data(), n.b);
      top->want_key = false;
      ++i;
      continue;
    }
    switch (n.type) {
      case JsonType::null: w.Null(); break;
      case JsonType::boolean: w.Bool(n.flag); break;
      case JsonType::number: w.RawValue(doc.span(n).data(), n.b, rapidjson::kNumberType); break;
      case JsonType::string: w.String(doc.span(n).data(), n.b); break;
      case JsonType::array:
      case JsonType::object:
        if (n.type == JsonType::object) w.StartObject();
        else w.StartArray();
        stack[depth++] = Frame{n.b, n.type == JsonType::object, true};
        ++i;
        close_finished();  // an empty container closes at once
        continue;
    }
    if (top && top->object) top->want_key = true;
    ++i;
    close_finished();
  }
}

// ---- UTF-8 and helpers -----------------------------------------------------------

bool utf8_valid(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = utf8_sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

Status validate_utf8(std::string_view s, const char* what) {
  if (utf8_valid(s)) return {};
  return Status(errc::invalid_utf8, std::string("invalid UTF-8 in '") + what + "'");
}

std::string quote(std::string_view s) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  write_string(w, s);
  return std::string(sb.GetString(), sb.GetSize());
}

bool read_string_member(JsonValue obj, const char* name, std::string& out, errc kind, Status& st) {
  const JsonValue v = obj[name];
  if (!v || v.is_null()) return true;
  if (!v.is_string()) {
    st = Status(kind, std::string("'") + name + "' must be a string");
    return false;
  }
  if (v.has_nul()) {
    st = Status(kind, std::string("'") + name + "' holds U+0000");
    return false;
  }
  out.assign(v.str());
  return true;
}

}  // namespace detail
}  // namespace instant
