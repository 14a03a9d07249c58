#include "catch.hpp"
#include "centrifugo_server.hpp"

TEST_CASE("the harness starts a real Centrifugo and stops it", "[harness]") {
  int port = 0;
  {
    instant_test::Centrifugo server;
    port = server.port();
    CHECK(instant_test::http_get_status(port, "/health") == 200);
    std::string out;
    int rc = instant_test::run_command(instant_test::centrifugo_bin() + " version", &out);
    CHECK(rc == 0);
    CHECK(out.find("Centrifugo") != std::string::npos);
  }
  CHECK(instant_test::http_get_status(port, "/health") == 0);  // stopped
}
