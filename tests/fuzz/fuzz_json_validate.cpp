// Differential: instant's JSON validator (detail::validate_json, the one
// every JSON entry point uses) against RapidJSON's own verdict, read with
// rapidjson::Reader over a MemoryStream (kParseValidateEncodingFlag |
// kParseIterativeFlag). instant refuses on purpose what RapidJSON lets
// through, and the reference applies exactly those documented differences:
//   - nesting deeper than kDepthLimit (limits::json_depth),
//   - a member name repeated in one object (names compared after unescaping),
//   - U+0000 in a member name,
//   - a string or name that does not decode to UTF-8 (RapidJSON 1.1.0
//     decodes a lone low-surrogate escape, \uDC00-\uDFFF, into bytes that
//     are not UTF-8; its own UTF8<>::Validate is the judge here),
//   - bytes after the root value (RapidJSON's MemoryStream reads a NUL as the
//     end of the text, so "1\0garbage" passes there).
// Any other disagreement is a finding; so is a refusal of another kind than
// invalid_json / invalid_utf8.
#include "fuzz_support.hpp"
#include "json_oracle.hpp"

#include "detail/json.hpp"

#include <cstring>
#include <set>
#include <vector>

namespace {

constexpr const char* kTarget = "fuzz_json_validate";
// instant's nesting limit (docs/limits.md): this many containers deep is accepted.
constexpr int kDepthLimit = static_cast<int>(instant::detail::kMaxJsonDepth);

// Observes the reference parse: depth, repeated names, NUL in names, strings
// that do not decode to UTF-8.
struct Observer : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Observer> {
  int depth = 0;
  int max_depth = 0;
  bool duplicate = false;
  bool nul_in_name = false;
  bool not_utf8 = false;
  std::vector<std::set<std::string>> names;  // one per open container

  bool open() {
    ++depth;
    if (depth > max_depth) max_depth = depth;
    names.emplace_back();
    return true;
  }
  bool close() {
    --depth;
    names.pop_back();
    return true;
  }
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType) { return close(); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (!rj_decoded_utf8(s, n)) not_utf8 = true;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (std::memchr(s, 0, n)) nul_in_name = true;
    if (!rj_decoded_utf8(s, n)) not_utf8 = true;
    if (!names.back().insert(std::string(s, n)).second) duplicate = true;
    return true;
  }
  bool Default() { return true; }
};

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const instant::Status ours = instant::detail::validate_json(text, "fuzz input");
  if (!ours.ok()) {
    fuzz::check(ours.kind() == instant::errc::invalid_json ||
                    ours.kind() == instant::errc::invalid_utf8,
                kTarget, "refused with an unexpected kind: " + ours.message());
  }

  rapidjson::MemoryStream ms(text.data(), text.size());
  Observer obs;
  rapidjson::Reader reader;
  constexpr unsigned kRefFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseStopWhenDoneFlag;
  const bool ref_ok = static_cast<bool>(reader.Parse<kRefFlags>(ms, obs));
  bool trailing = false;
  if (ref_ok) {
    for (std::size_t i = ms.Tell(); i < text.size() && !trailing; ++i) trailing = !json_space(text[i]);
  }
  const bool expected =
      ref_ok && !trailing && obs.max_depth <= kDepthLimit && !obs.duplicate && !obs.nul_in_name &&
      !obs.not_utf8;

  if (ours.ok() != expected) {
    fuzz::fail(kTarget,
               std::string("verdicts differ: instant ") + (ours.ok() ? "accepts" : "refuses") +
                   " (" + ours.message() + "), reference " + (ref_ok ? "accepts" : "refuses") +
                   " with depth " + std::to_string(obs.max_depth) +
                   (obs.duplicate ? ", a repeated name" : "") +
                   (obs.nul_in_name ? ", NUL in a name" : "") +
                   (obs.not_utf8 ? ", a string not decoding to UTF-8" : "") +
                   (trailing ? ", bytes after the root" : ""));
  }
  return 0;
}
