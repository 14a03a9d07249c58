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
  // Parses JSON text (throws invalid_json / invalid_utf8), normalized to compact form.
  static Json parse(std::string_view text);
  static Json parse(std::string_view text, Status& st);
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

// The django-instant event: what publish(channel, message, event) sends.
// Setters return *this so the seed's examples read naturally:
//   instant::Event().event_class("important")
//   instant::Event().data(R"({"field1":"value1","field2":[1,2]})")
class INSTANT_API Event {
 public:
  Event() = default;
  Event& message(std::string_view m) { message_ = std::string(m); return *this; }
  Event& data(std::string_view json_text) { data_ = std::string(json_text); return *this; }  // validated on publish
  Event& data(const Json& value) { data_ = value.text(); return *this; }
  Event& event_class(std::string_view c) { event_class_ = std::string(c); return *this; }
  Event& bucket(std::string_view b) { bucket_ = std::string(b); return *this; }
  Event& site(std::string_view s) { site_ = std::string(s); return *this; }
  Event& options(PublishOptions o) { options_ = std::move(o); return *this; }

  const std::optional<std::string>& message() const noexcept { return message_; }
  const std::optional<std::string>& data() const noexcept { return data_; }
  const std::string& event_class() const noexcept { return event_class_; }
  const std::string& bucket() const noexcept { return bucket_; }
  const std::optional<std::string>& site() const noexcept { return site_; }
  const PublishOptions& options() const noexcept { return options_; }

 private:
  std::optional<std::string> message_;
  std::optional<std::string> data_;
  std::string event_class_;
  std::string bucket_;
  std::optional<std::string> site_;
  PublishOptions options_;
};

// Builds the envelope JSON for `channel`: keys in django-instant's order,
// optional keys only when set, site defaulting to `default_site`. Checks
// channel, message (UTF-8) and data (JSON) first: invalid_argument,
// invalid_utf8, invalid_json. With EnvelopeEncoding::string the result is
// the envelope serialized again as one JSON string.
INSTANT_API std::string make_envelope(std::string_view channel, const Event& ev,
                                      std::string_view default_site, EnvelopeEncoding enc,
                                      Status& st);

}  // namespace instant

#endif  // INSTANT_MESSAGE_HPP
