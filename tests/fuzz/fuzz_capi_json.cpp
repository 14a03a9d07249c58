// The C ABI's JSON-taking functions, fed NUL-ended strings in exactly sized
// heap blocks (ASan sees any read past the NUL) or (pointer, length)
// payloads. Input: [function][variant] then the text.
// Every function must give the verdict of instant's one validator (Json::parse)
// on the same text: text it refuses fails with INSTANT_EJSON / INSTANT_EUTF8,
// text it accepts is taken (where the function wants a JSON object, the
// object check comes on top). The client functions run against a client
// whose max_payload is 1 byte, so an accepted payload ends in
// INSTANT_ETOOLARGE before any I/O. Whatever a signer mints from the claims,
// the verifier accepts (F6, F10), bundles of every loaded registry included
// (fuzzed bundle options); JSON a token carries keeps its numbers as
// written; errors never quote the keys.
#include "fuzz_support.hpp"
#include "json_oracle.hpp"

#include <instant/instant.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr const char* kTarget = "fuzz_capi_json";
constexpr const char* kHmacKey = "0123456789abcdef0123456789abcdef";
constexpr const char* kApiKey = "fuzz-api-key-never-in-messages";

struct Env {
  instant_signer* signer = nullptr;
  instant_verifier* verifier = nullptr;
  instant_client* client = nullptr;

  Env() {
    bool ok = instant_signer_new_hmac(&signer, kHmacKey, std::strlen(kHmacKey), INSTANT_ALG_HS256,
                                      nullptr) == INSTANT_OK &&
              instant_verifier_new(&verifier, nullptr) == INSTANT_OK &&
              instant_verifier_add_signer(verifier, signer) == INSTANT_OK;
    instant_config* cfg = nullptr;
    ok = ok && instant_config_new(&cfg) == INSTANT_OK &&
         instant_config_set_url(cfg, "http://127.0.0.1:9") == INSTANT_OK &&
         instant_config_set_api_key(cfg, kApiKey) == INSTANT_OK &&
         instant_config_set_max_payload(cfg, 1) == INSTANT_OK &&
         instant_client_new(&client, cfg) == INSTANT_OK;
    instant_config_free(cfg);
    if (!ok) fuzz::fail(kTarget, std::string("setup failed: ") + instant_last_error_message());
  }
};

Env& env() {
  static Env e;
  return e;
}

std::string code_text(instant_error_t rc) {
  return std::to_string(rc) + " (" + instant_strerror(rc) + ": " + instant_last_error_message() + ")";
}

// The input being run (a message may quote the caller's own text).
std::string_view g_input;

// The last error of a failed call: a message without secrets, unless the
// caller's input itself holds them.
void check_message(instant_error_t rc) {
  if (rc == INSTANT_OK) return;
  const std::string m = instant_last_error_message();
  auto leaks = [&](std::string_view key) {
    return m.find(key) != std::string::npos && g_input.find(key) == std::string_view::npos;
  };
  fuzz::check(!m.empty() && !leaks(kApiKey) && !leaks(kHmacKey), kTarget,
              "error message empty or holding a key: " + m);
}

bool refusal(instant_error_t rc) { return rc == INSTANT_EJSON || rc == INSTANT_EUTF8; }

bool is_object(std::string_view json) {
  rapidjson::Document d;
  return rj_parse(d, std::string(json)) && d.IsObject();
}

// Verifies a minted token; only its times may make it fail.
void check_verifies(const char* token, instant_token_kind_t kind) {
  instant_verified_token* vt = nullptr;
  const instant_error_t rc = instant_verifier_verify(&vt, env().verifier, token, kind);
  fuzz::check(rc == INSTANT_OK || rc == INSTANT_ETOKEN_EXPIRED || rc == INSTANT_ETOKEN_NOT_YET_VALID,
              kTarget, "the verifier refused what the signer minted: " + code_text(rc));
  instant_verified_token_free(vt);
}

struct Signed {
  instant_error_t connection = INSTANT_OK;
  instant_error_t subscription = INSTANT_OK;
  std::string connection_claims;  // the connection token's claims, when it verified
};

// Signs claims as a connection and as a subscription token and checks that
// every minted token verifies.
Signed sign_both(instant_claims* c) {
  Signed out;
  char* tok = nullptr;
  out.connection = instant_signer_connection_token(&tok, env().signer, c);
  check_message(out.connection);
  if (out.connection == INSTANT_OK) {
    check_verifies(tok, INSTANT_TOKEN_CONNECTION);
    instant_verified_token* vt = nullptr;
    if (instant_verifier_verify(&vt, env().verifier, tok, INSTANT_TOKEN_CONNECTION) == INSTANT_OK) {
      out.connection_claims = instant_verified_token_claims(vt);
    }
    instant_verified_token_free(vt);
  }
  instant_free(tok);
  tok = nullptr;
  out.subscription = instant_signer_subscription_token(&tok, env().signer, c);
  check_message(out.subscription);
  if (out.subscription == INSTANT_OK) check_verifies(tok, INSTANT_TOKEN_SUBSCRIPTION);
  instant_free(tok);
  return out;
}

// A claims setter taking JSON, the token kind that carries it, whether it
// must be an object, and the connection claim to find it in (null: none;
// "*": its members are claims themselves, and may clash with instant's own).
struct Setter {
  const char* name;
  instant_error_t (*set)(instant_claims*, const char*);
  bool subscription;
  bool object;
  const char* claim;
};

// Each member of `object` appears in `claims` as written.
void check_members(std::string_view object, const std::string& claims, const char* what) {
  rapidjson::Document d;
  if (!rj_parse(d, std::string(object)) || !d.IsObject()) fuzz::fail(kTarget, "not an object");
  for (const auto& m : d.GetObject()) {
    const std::string key = std::string(m.name.GetString(), m.name.GetStringLength());
    fuzz::check(fuzz::canonical_member(claims, key) == fuzz::canonical_member(object, key), kTarget,
                std::string(what) + ": claim '" + key + "' not as written: " + claims);
  }
}

// The signer's verdict on the setter's text matches the validator's.
void claims_setter(const Setter& f, std::string_view text) {
  const fuzz::CString s(text);
  const std::string_view c_text(s.get());  // a C string ends at its first NUL
  instant_claims* c = nullptr;
  instant_claims_new(&c);
  instant_claims_set_sub(c, "alice");
  instant_claims_set_channel(c, "news");
  instant_error_t rc = f.set(c, s.get());
  check_message(rc);
  Signed sg;
  if (rc == INSTANT_OK) {
    sg = sign_both(c);
    rc = f.subscription ? sg.subscription : sg.connection;
  }
  const bool valid = fuzz::valid_json(c_text);
  const bool members = f.claim && std::strcmp(f.claim, "*") == 0;
  if (c_text.empty() || (valid && (!f.object || is_object(c_text)))) {
    fuzz::check(rc == INSTANT_OK || (members && (rc == INSTANT_EINVAL || rc == INSTANT_ETOKEN_CLAIM)),
                kTarget, std::string(f.name) + " refused good JSON: " + code_text(rc));
    if (!c_text.empty() && members && rc == INSTANT_OK) {
      check_members(c_text, sg.connection_claims, f.name);
    } else if (!c_text.empty() && f.claim && !members) {
      fuzz::check(fuzz::canonical_member(sg.connection_claims, f.claim) == fuzz::canonical_json(c_text),
                  kTarget, std::string(f.name) + " does not reach the token as written: " +
                               sg.connection_claims);
    }
  } else if (!valid) {
    fuzz::check(refusal(rc), kTarget, std::string(f.name) + " took JSON the validator refuses: " + code_text(rc));
  }
  instant_claims_free(c);
}

instant_error_t sub_info(instant_claims* c, const char* s) {
  return instant_claims_add_subscription(c, "news", s, nullptr, nullptr, nullptr);
}
instant_error_t sub_data(instant_claims* c, const char* s) {
  return instant_claims_add_subscription(c, "news", nullptr, nullptr, s, nullptr);
}

const Setter kSetters[] = {
    {"instant_claims_set_info", instant_claims_set_info, false, false, "info"},
    {"instant_claims_set_extra", instant_claims_set_extra, false, true, "*"},
    {"instant_claims_set_meta", instant_claims_set_meta, false, true, "meta"},
    {"instant_claims_set_data", instant_claims_set_data, true, false, nullptr},
    {"instant_claims_add_subscription(info)", sub_info, false, false, nullptr},
    {"instant_claims_add_subscription(data)", sub_data, false, false, nullptr},
};

void claims_json(std::string_view text) {
  const fuzz::CString s(text);
  const std::string_view c_text(s.get());
  instant_claims* c = nullptr;
  instant_claims_new(&c);
  const instant_error_t rc = instant_claims_set_json(c, s.get());
  check_message(rc);
  if (rc == INSTANT_OK) {
    fuzz::check(fuzz::valid_json(c_text) && is_object(c_text), kTarget,
                "instant_claims_set_json took text the validator refuses");
    sign_both(c);
  } else if (!fuzz::valid_json(c_text)) {
    fuzz::check(refusal(rc), kTarget, "refused invalid claims as " + code_text(rc));
  }
  instant_claims_free(c);
}

void event_data(std::string_view text, bool string_enc) {
  const fuzz::CString s(text);
  const std::string_view c_text(s.get());
  instant_event* ev = nullptr;
  instant_event_new(&ev);
  fuzz::check(instant_event_set_data(ev, s.get()) == INSTANT_OK, kTarget, "set_data failed");
  char* out = nullptr;
  const instant_error_t rc = instant_event_envelope(
      &out, ev, "news", nullptr, string_enc ? INSTANT_ENVELOPE_STRING : INSTANT_ENVELOPE_OBJECT);
  check_message(rc);
  const bool valid = fuzz::valid_json(c_text);
  fuzz::check(valid ? rc == INSTANT_OK : refusal(rc), kTarget, "envelope verdict " + code_text(rc));
  if (rc == INSTANT_OK) {
    fuzz::check(fuzz::valid_document(out), kTarget, "the envelope is not valid JSON");
    if (!string_enc) {
      fuzz::check(fuzz::canonical_member(out, "data") == fuzz::canonical_json(c_text), kTarget,
                  "envelope data not as written");
    }
  }
  instant_free(out);
  instant_event_free(ev);
}

int resolve(instant_user** out, const instant_proxy_request* req, void*) {
  const std::string user = instant_proxy_request_user(req);
  if (user == "alice" || user == "bob") {
    instant_user_new(out, user.c_str());
    if (user == "alice") instant_user_add_group(*out, "ops");
  }
  return user == "boom" ? 1 : 0;
}

void registry_load(std::string_view text, int variant) {
  const bool from_file = (variant & 1) && fuzz::replaying();
  const fuzz::CString s(text);
  const std::string_view c_text(s.get());
  instant_registry* reg = nullptr;
  instant_registry_new(&reg, 0);
  instant_registry_add(nullptr, reg, "keep:me", INSTANT_LEVEL_USERS, nullptr, 0, 1);
  char* before = nullptr;
  instant_registry_to_json(&before, reg);
  instant_error_t rc;
  if (from_file) {
    const std::string path = "fuzz_capi_json." + std::to_string(::getpid()) + ".json";
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) fuzz::fail(kTarget, "cannot write " + path);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    rc = instant_registry_load(reg, path.c_str());
    ::unlink(path.c_str());
  } else {
    rc = instant_registry_load_json(reg, s.get());
  }
  check_message(rc);
  const std::string_view judged = from_file ? text : c_text;
  if (rc == INSTANT_OK) {
    fuzz::check(fuzz::valid_json(judged), kTarget, "registry loaded text the validator refuses");
    // The bundle of the loaded channels, with fuzzed bundle options: valid
    // JSON whose every token verifies.
    static constexpr std::int64_t kLifetimes[] = {3600, 1, 315360000, 0, -1, INT64_MAX};
    const std::int64_t lifetime = kLifetimes[(variant >> 1) % 6];
    const int server_side = (variant >> 4) % 3;
    instant_bundle_options* bo = nullptr;
    instant_bundle_options_new(&bo);
    const instant_error_t rl = instant_bundle_options_set_lifetime(bo, lifetime);
    fuzz::check((rl == INSTANT_OK) == (lifetime >= 1 && lifetime <= 315360000), kTarget,
                "bundle lifetime " + std::to_string(lifetime) + " gave " + code_text(rl));
    fuzz::check(instant_bundle_options_set_server_side(bo, server_side) == INSTANT_OK, kTarget,
                "set_server_side failed");
    instant_user* alice = nullptr;
    instant_user_new(&alice, "alice");
    instant_user_add_group(alice, "ops");
    char* bundle = nullptr;
    const instant_error_t rb = instant_bundle_make(&bundle, env().signer, reg, alice, "csrf", bo);
    fuzz::check(rb == INSTANT_OK, kTarget, "bundle failed: " + code_text(rb));
    rapidjson::Document d;
    fuzz::check(rj_parse(d, bundle) && d.IsObject(), kTarget, "bundle is not JSON");
    check_verifies(rj_string(d, "ws_token").c_str(), INSTANT_TOKEN_CONNECTION);
    if (const auto* chans = rj_member(d, "channels"); chans && chans->IsArray()) {
      for (const auto& ch : chans->GetArray()) {
        if (server_side == INSTANT_SERVER_SIDE_OFF) {
          check_verifies(rj_string(ch, "token").c_str(), INSTANT_TOKEN_SUBSCRIPTION);
        } else {
          fuzz::check(!rj_member(ch, "token"), kTarget, "a server-side bundle entry carries a token");
        }
      }
    }
    instant_free(bundle);
    instant_user_free(alice);
    instant_bundle_options_free(bo);
  } else {
    if (!fuzz::valid_json(judged)) fuzz::check(refusal(rc), kTarget, "registry refusal " + code_text(rc));
    char* after = nullptr;
    instant_registry_to_json(&after, reg);
    fuzz::check(std::strcmp(before, after) == 0, kTarget, "a refused load changed the registry");
    instant_free(after);
  }
  instant_free(before);
  instant_registry_free(reg);
}

void proxy(std::string_view body, int kind) {
  const fuzz::Payload copy(body);  // exactly body.size() bytes, no terminator
  instant_registry* reg = nullptr;
  instant_registry_new(&reg, 0);
  instant_registry_add(nullptr, reg, "news", INSTANT_LEVEL_PUBLIC, nullptr, 0, 1);
  const char* group = "ops";
  instant_registry_add(nullptr, reg, "$ops:team", INSTANT_LEVEL_GROUPS, &group, 1, 1);
  instant_proxy_options* opts = nullptr;
  instant_proxy_options_new(&opts);
  instant_proxy_options_set_lifetimes(opts, 600, 600);
  const char* names[] = {"Cookie"};
  const char* values[] = {"session=1"};
  char* reply = nullptr;
  const instant_error_t rc = instant_proxy_handle(&reply, kind, reg, copy.data(), body.size(), names,
                                                  values, 1, opts, resolve, nullptr);
  fuzz::check(rc == INSTANT_OK, kTarget, "instant_proxy_handle failed: " + code_text(rc));
  fuzz::check(fuzz::valid_document(reply) && is_object(reply), kTarget, "proxy reply is not a JSON object");
  instant_free(reply);
  instant_proxy_options_free(opts);
  instant_registry_free(reg);
}

// The client functions: an accepted payload is too large for max_payload 1.
void expect_client(instant_error_t rc, bool accepted, bool may_refuse, const char* what) {
  check_message(rc);
  if (accepted) {
    fuzz::check(rc == INSTANT_ETOOLARGE || (may_refuse && (rc == INSTANT_EJSON || rc == INSTANT_EINVAL)),
                kTarget,
                std::string(what) + " refused good JSON: " + code_text(rc));
  } else {
    fuzz::check(refusal(rc) || rc == INSTANT_EINVAL, kTarget,
                std::string(what) + " took JSON the validator refuses: " + code_text(rc));
  }
}

void client_payload(std::string_view data, int which) {
  const fuzz::Payload copy(data);
  const bool ok = !data.empty() && fuzz::valid_json(data);
  const char* chans[] = {"news", "chat:lobby"};
  instant_client* cl = env().client;
  if (which == 0) {
    expect_client(instant_client_publish_raw(nullptr, cl, "news", copy.data(), data.size(), nullptr),
                  ok, false, "publish_raw");
  } else if (which == 1) {
    instant_broadcast_result* res = nullptr;
    expect_client(instant_client_broadcast(&res, cl, chans, 2, copy.data(), data.size(), nullptr), ok,
                  false, "broadcast");
    instant_broadcast_result_free(res);
  } else {
    instant_batch* b = nullptr;
    instant_batch_new(&b);
    instant_error_t rc = which == 2 ? instant_batch_add_publish(b, "news", copy.data(), data.size(), nullptr)
                                    : instant_batch_add_broadcast(b, chans, 2, copy.data(), data.size(), nullptr);
    instant_batch_result* res = nullptr;
    if (rc == INSTANT_OK) rc = instant_client_batch(&res, cl, b);
    expect_client(rc, ok, false, "batch");
    instant_batch_result_free(res);
    instant_batch_free(b);
  }
}

void client_text(std::string_view text, int which) {
  const fuzz::CString s(text);
  const std::string_view c_text(s.get());
  const bool valid = fuzz::valid_json(c_text);
  instant_client* cl = env().client;
  if (which == 0) {
    // subscribe: info and data are optional JSON ("" leaves them out).
    expect_client(instant_client_subscribe(cl, "alice", "news", nullptr, nullptr, s.get(), nullptr, nullptr),
                  c_text.empty() || valid, false, "subscribe info");
    expect_client(instant_client_subscribe(cl, "alice", "news", nullptr, nullptr, nullptr, s.get(), nullptr),
                  c_text.empty() || valid, false, "subscribe data");
  } else if (which == 1) {
    // params: JSON object text; valid JSON of another type may be refused.
    // call sends params as the body: one byte would fit max_payload, skip it.
    if (c_text.size() <= 1 && valid) return;
    char* out = nullptr;
    expect_client(instant_client_call(&out, cl, "publish", s.get()), c_text.empty() || valid, true, "call");
    instant_free(out);
  } else {
    instant_batch* b = nullptr;
    instant_batch_new(&b);
    instant_error_t rc = instant_batch_add_command(b, "publish", s.get());
    instant_batch_result* res = nullptr;
    if (rc == INSTANT_OK) rc = instant_client_batch(&res, cl, b);
    expect_client(rc, c_text.empty() || valid, true, "batch command");
    instant_batch_result_free(res);
    instant_batch_free(b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  env();
  g_input = std::string_view(reinterpret_cast<const char*>(data), size);
  fuzz::Input in(data, size);
  const int fn = in.byte() % 7;
  const int variant = in.byte();
  const std::string_view text = in.rest();
  switch (fn) {
    case 0: claims_json(text); break;
    case 1: claims_setter(kSetters[variant % 6], text); break;
    case 2: event_data(text, variant & 1); break;
    case 3: registry_load(text, variant); break;
    case 4: proxy(text, variant % 4); break;
    case 5: client_payload(text, variant % 4); break;
    default: client_text(text, variant % 3); break;
  }
  return 0;
}
