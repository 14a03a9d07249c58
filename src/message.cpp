#include <instant/message.hpp>

#include "detail/commands.hpp"
#include "detail/json.hpp"

#include <cmath>

namespace instant {

using detail::JsonWriter;

Json::Json(double d) {
  if (!std::isfinite(d)) throw Error(errc::invalid_argument, "JSON numbers must be finite");
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.Double(d);
  text_.assign(sb.GetString(), sb.GetSize());
}

Json Json::string(std::string_view s) {
  throw_if_error(detail::validate_utf8(s, "string"));
  return Json(Raw{}, detail::quote(s));
}

Json Json::parse(std::string_view text, Status& st) {
  detail::JsonDoc doc;
  st = detail::parse_json(text, doc, "json");
  if (!st.ok()) return Json();
  return Json(Raw{}, doc.root().json());
}

Json Json::parse(std::string_view text) {
  Status st;
  Json j = parse(text, st);
  throw_if_error(st);
  return j;
}

Json Json::array(std::initializer_list<Json> items) {
  std::string out = "[";
  bool first = true;
  for (const auto& i : items) {
    if (!first) out += ',';
    first = false;
    out += i.text_;
  }
  out += ']';
  return Json(Raw{}, std::move(out));
}

Json Json::object(std::initializer_list<std::pair<std::string_view, Json>> members) {
  std::string out = "{";
  bool first = true;
  for (const auto& m : members) {
    throw_if_error(detail::validate_utf8(m.first, "key"));
    if (!first) out += ',';
    first = false;
    out += detail::quote(m.first);
    out += ':';
    out += m.second.text_;
  }
  out += '}';
  return Json(Raw{}, std::move(out));
}

std::string make_envelope(std::string_view channel, const Event& ev, std::string_view default_site,
                          EnvelopeEncoding enc) {
  Status st;
  std::string out = make_envelope(channel, ev, default_site, enc, st);
  throw_if_error(st);
  return out;
}

std::string make_envelope(std::string_view channel, const Event& ev, std::string_view default_site,
                          EnvelopeEncoding enc, Status& st) {
  const std::string_view site = detail::event_site(ev, default_site);
  st = detail::check_event(channel, ev, site);
  if (!st.ok()) return {};
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  detail::write_envelope(w, channel, ev, site);
  std::string_view obj(sb.GetString(), sb.GetSize());
  if (enc == EnvelopeEncoding::string) return detail::quote(obj);
  return std::string(obj);
}

}  // namespace instant
