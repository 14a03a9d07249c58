// instant/message.hpp - JSON values and the django-instant event envelope
// {"channel","site","message"?,"data"?,"event_class"?,"bucket"?}.
// Plain values: copy freely; not shared state.
#ifndef INSTANT_MESSAGE_HPP
#define INSTANT_MESSAGE_HPP

#include <instant/config.hpp>
#include <instant/error.hpp>
#include <instant/export.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace instant {

// A JSON value held as compact, validated JSON text. Built from C++ values or
// parsed from text; text() is always one valid JSON value in UTF-8.
class INSTANT_API Json {
 public:
  Json() : text_("null") {}                       // null
  Json(std::nullptr_t) : text_("null") {}         // null
  template <class T, std::enable_if_t<std::is_same_v<T, bool>, int> = 0>
  Json(T b) : text_(b ? "true" : "false") {}      // true / false
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Json(T n) : text_(std::to_string(n)) {}         // integer
  Json(double d);                                  // number; NaN/inf throw invalid_argument

  // A JSON string holding s (must be valid UTF-8: throws invalid_utf8).
  static Json string(std::string_view s);
  // Parses JSON text (throws invalid_json / invalid_utf8), normalized to
  // compact form; numbers are kept as written.
  [[nodiscard]] static Json parse(std::string_view text);
  [[nodiscard]] static Json parse(std::string_view text, Status& st);
  // [a, b, ...] and {"k": v, ...} (keys must be valid UTF-8).
  static Json array(std::initializer_list<Json> items);
  static Json object(std::initializer_list<std::pair<std::string_view, Json>> members);

  const std::string& text() const noexcept { return text_; }
  bool operator==(const Json& o) const noexcept { return text_ == o.text_; }
  bool operator!=(const Json& o) const noexcept { return text_ != o.text_; }

 private:
  struct Raw {};
  Json(Raw, std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// Options of Centrifugo's publish command beyond channel and data.
struct PublishOptions {
  bool skip_history = false;                                   // do not keep it in history
  std::vector<std::pair<std::string, std::string>> tags;       // publication tags
  std::string idempotency_key;                                 // dedup per channel for 5 min
  bool delta = false;                                          // delta compression
  std::uint64_t version = 0;                                   // 0: unset
  std::string version_epoch;
};

// The django-instant event: what publish(channel, event) sends. An aggregate:
//   instant::Event ev;
//   ev.message = "For logged-in users";
//   ev.event_class = "important";
// (or instant::Event{.message = "...", .event_class = "important"} in C++20).
struct Event {
  std::optional<std::string> message;  // "message" (UTF-8 text)
  std::optional<std::string> data;     // "data": JSON text, validated when published
  std::string event_class;             // "event_class"; empty = left out
  std::string bucket;                  // "bucket"; empty = left out
  std::optional<std::string> site;     // "site"; default: Config::site
  PublishOptions options;              // Centrifugo publish options
};

// Builds the envelope JSON for `channel`: keys in django-instant's order,
// optional keys only when set, site defaulting to `default_site`. Checks
// channel, message (UTF-8) and data (JSON) first: invalid_argument,
// invalid_utf8, invalid_json. With EnvelopeEncoding::string the result is
// the envelope serialized again as one JSON string.
[[nodiscard]] INSTANT_API std::string make_envelope(std::string_view channel, const Event& ev,
                                                    std::string_view default_site,
                                                    EnvelopeEncoding enc);
[[nodiscard]] INSTANT_API std::string make_envelope(std::string_view channel, const Event& ev,
                                                    std::string_view default_site,
                                                    EnvelopeEncoding enc, Status& st);

}  // namespace instant

#endif  // INSTANT_MESSAGE_HPP
