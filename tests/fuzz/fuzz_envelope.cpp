// instant::make_envelope with fuzzed channel, message, data, event_class,
// bucket and site, in both encodings. Input: [presence bits][encoding] then
// channel \n~~\n message \n~~\n data \n~~\n event_class \n~~\n bucket \n~~\n
// site \n~~\n default site.
// Invariants: the output always parses (instant's validator and RapidJSON);
// the string encoding holds the object encoding; keys come in django-instant's
// order, optional ones only when set; every text arrives unchanged and data
// keeps the caller's JSON with its numbers as written; a refusal names a real
// fault of the input (empty channel, nothing to send, bad UTF-8 or JSON).
#include "fuzz_support.hpp"
#include "json_oracle.hpp"

#include <instant/message.hpp>

#include <vector>

namespace {

constexpr const char* kTarget = "fuzz_envelope";

std::string str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// Checks the object envelope against the inputs.
void check_object(const std::string& env, std::string_view channel, const instant::Event& ev,
                  std::string_view site) {
  fuzz::check(fuzz::valid_document(env), kTarget,
              "the envelope does not pass validate_json");
  rapidjson::Document d;
  fuzz::check(rj_parse(d, env) && d.IsObject(), kTarget, "the envelope is not a JSON object");
  std::vector<std::string> keys;
  for (const auto& m : d.GetObject()) keys.push_back(str(m.name));
  std::vector<std::string> want = {"channel", "site"};
  if (ev.message) want.push_back("message");
  if (ev.data) want.push_back("data");
  if (!ev.event_class.empty()) want.push_back("event_class");
  if (!ev.bucket.empty()) want.push_back("bucket");
  fuzz::check(keys == want, kTarget, "envelope keys are not django-instant's: " + env);
  fuzz::check(str(d["channel"]) == channel && str(d["site"]) == site, kTarget,
              "channel or site changed: " + env);
  if (ev.message) fuzz::check(str(d["message"]) == *ev.message, kTarget, "message changed");
  if (!ev.event_class.empty()) {
    fuzz::check(str(d["event_class"]) == ev.event_class, kTarget, "event_class changed");
  }
  if (!ev.bucket.empty()) fuzz::check(str(d["bucket"]) == ev.bucket, kTarget, "bucket changed");
  if (ev.data) {
    fuzz::check(fuzz::canonical_member(env, "data") == fuzz::canonical_json(*ev.data), kTarget,
                "data does not arrive as the caller wrote it: " + env);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t present = in.byte();
  const auto enc = (in.byte() & 1) ? instant::EnvelopeEncoding::string : instant::EnvelopeEncoding::object;
  const std::string_view channel = in.part();
  const std::string_view message = in.part();
  const std::string_view json = in.part();
  const std::string_view event_class = in.part();
  const std::string_view bucket = in.part();
  const std::string_view site = in.part();
  const std::string_view default_site = in.part();

  instant::Event ev;
  if (present & 1) ev.message = std::string(message);
  if (present & 2) ev.data = std::string(json);
  ev.event_class = std::string(event_class);
  ev.bucket = std::string(bucket);
  if (present & 4) ev.site = std::string(site);
  const std::string_view used_site = (present & 4) ? site : default_site;

  instant::Status st;
  const std::string env = instant::make_envelope(channel, ev, default_site, enc, st);
  if (!st.ok()) {
    using instant::errc;
    const bool inputs_fine = !channel.empty() && (ev.message || ev.data) && fuzz::valid_utf8(channel) &&
                             (!ev.message || fuzz::valid_utf8(message)) && fuzz::valid_utf8(used_site) &&
                             fuzz::valid_utf8(event_class) && fuzz::valid_utf8(bucket) &&
                             (!ev.data || fuzz::valid_json(json));
    fuzz::check(!inputs_fine || st.kind() == errc::invalid_channel || st.kind() == errc::too_large,
                kTarget, "refused good inputs: " + st.message());
    fuzz::check(st.kind() == errc::invalid_argument || st.kind() == errc::invalid_utf8 ||
                    st.kind() == errc::invalid_json || st.kind() == errc::invalid_channel ||
                    st.kind() == errc::too_large,
                kTarget, std::string("refused as ") + instant::to_string(st.kind()));
    return 0;
  }
  fuzz::check(fuzz::valid_document(env), kTarget,
              "the envelope does not pass validate_json");
  if (enc == instant::EnvelopeEncoding::object) {
    check_object(env, channel, ev, used_site);
    return 0;
  }
  rapidjson::Document d;
  fuzz::check(rj_parse(d, env) && d.IsString(), kTarget, "the string envelope is not a JSON string");
  const std::string inner = str(d);
  instant::Status same;
  fuzz::check(inner == instant::make_envelope(channel, ev, default_site,
                                              instant::EnvelopeEncoding::object, same) &&
                  same.ok(),
              kTarget, "the string envelope does not hold the object envelope");
  check_object(inner, channel, ev, used_site);
  return 0;
}
