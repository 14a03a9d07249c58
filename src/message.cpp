#include <instant/message.hpp>

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
                          EnvelopeEncoding enc, Status& st) {
  st.clear();
  if (channel.empty()) {
    st = Status(errc::invalid_argument, "invalid argument: 'channel' is empty");
    return {};
  }
  if (!ev.message() && !ev.data()) {
    st = Status(errc::invalid_argument, "invalid argument: publish needs a 'message' or 'data'");
    return {};
  }
  if (!(st = detail::validate_utf8(channel, "channel")).ok()) return {};
  if (ev.message() && !(st = detail::validate_utf8(*ev.message(), "message")).ok()) return {};
  if (ev.data() && !(st = detail::validate_json(*ev.data(), "data")).ok()) return {};
  const std::string_view site = ev.site() ? std::string_view(*ev.site()) : default_site;
  if (!(st = detail::validate_utf8(site, "site")).ok()) return {};
  if (!(st = detail::validate_utf8(ev.event_class(), "event_class")).ok()) return {};
  if (!(st = detail::validate_utf8(ev.bucket(), "bucket")).ok()) return {};

  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  detail::write_key(w, "channel");
  detail::write_string(w, channel);
  detail::write_key(w, "site");
  detail::write_string(w, site);
  if (ev.message()) {
    detail::write_key(w, "message");
    detail::write_string(w, *ev.message());
  }
  if (ev.data()) {
    detail::write_key(w, "data");
    detail::write_raw(w, *ev.data());
  }
  if (!ev.event_class().empty()) {
    detail::write_key(w, "event_class");
    detail::write_string(w, ev.event_class());
  }
  if (!ev.bucket().empty()) {
    detail::write_key(w, "bucket");
    detail::write_string(w, ev.bucket());
  }
  w.EndObject();
  std::string obj(sb.GetString(), sb.GetSize());
  if (enc == EnvelopeEncoding::string) return detail::quote(obj);
  return obj;
}

}  // namespace instant
