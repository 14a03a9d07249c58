// C-callable wrapper of instant_test::Centrifugo for tests/capi.
#include "server_shim.h"

#include "centrifugo_server.hpp"

#include <cstdio>
#include <exception>
#include <memory>
#include <string>

namespace {
std::unique_ptr<instant_test::Centrifugo> server;
std::string url, unused;
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

void capi_server_stop(void) { server.reset(); }

}  // extern "C"
