// C-callable wrapper of instant_test::Centrifugo for tests/capi.
#include "server_shim.h"

#include "centrifugo_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

namespace {
std::unique_ptr<instant_test::Centrifugo> server;
std::string url, unused;
std::unique_ptr<instant_test::Child> live;
std::string live_id;
}  // namespace

extern "C" {

int capi_server_start(void) {
  try {
    if (!server) {
      server = std::make_unique<instant_test::Centrifugo>();
      url = server->url();
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capi_server_start: %s\n", e.what());
    return -1;
  }
}

const char* capi_server_url(void) { return url.c_str(); }
const char* capi_server_api_key(void) { return server ? server->config().api_key.c_str() : ""; }
const char* capi_server_hmac_key(void) { return server ? server->config().hmac_key.c_str() : ""; }

const char* capi_unused_url(void) {
  unused = "http://127.0.0.1:" + std::to_string(instant_test::free_port());
  return unused.c_str();
}

int capi_checktoken(const char* token, int sub, char* out, unsigned long n) {
  std::string output;
  int rc = instant_test::run_command(instant_test::centrifugo_bin() +
                                         (sub ? " checksubtoken" : " checktoken") + " -c '" +
                                         server->config_path() + "' '" + token + "' 2>&1",
                                     &output);
  if (n > 0) {
    std::strncpy(out, output.c_str(), n - 1);
    out[n - 1] = '\0';
  }
  return rc;
}

const char* capi_private_pem(const char* kind) {
  static std::string pem;
  EVP_PKEY* key = std::strcmp(kind, "Ed25519") == 0 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                                   : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kind);
  pem.clear();
  if (!key) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio && PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<std::size_t>(len));
  }
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem.c_str();
}

int capi_live_client_start(const char* token) {
  try {
    if (!server) throw std::runtime_error("no server running");
    live.reset();
    live_id.clear();
    const std::string ws = "ws://127.0.0.1:" + std::to_string(server->port()) + "/connection/websocket";
    live = std::make_unique<instant_test::Child>(instant_test::live_client_argv(ws, token));
    const std::string line = live->wait_for("\"connected\"");
    const std::string key = "\"client\":\"";
    const auto at = line.find(key);
    if (at == std::string::npos) throw std::runtime_error("the live client did not connect");
    const auto start = at + key.size();
    live_id = line.substr(start, line.find('"', start) - start);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capi_live_client_start: %s\n", e.what());
    live.reset();
    return -1;
  }
}

const char* capi_live_client_id(void) { return live_id.c_str(); }

int capi_live_client_wait(const char* needle, int timeout_ms) {
  try {
    return live && !live->wait_for(needle, timeout_ms).empty() ? 1 : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

void capi_live_client_stop(void) {
  live.reset();
  live_id.clear();
}

void capi_server_stop(void) {
  capi_live_client_stop();
  server.reset();
}

}  // extern "C"
