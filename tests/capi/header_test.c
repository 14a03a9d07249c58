/* Compiled alone (no other include) by tests/capi/check_header.sh as C99
 * with -pedantic -Werror under gcc and clang, and as C++. */
#include <instant/instant.h>

int main(void) {
  instant_error_t rc = INSTANT_OK;
  instant_api_mode_t mode = INSTANT_API_MODE_V5;
  instant_envelope_encoding_t enc = INSTANT_ENVELOPE_OBJECT;
  instant_client *client = 0;
  (void)client;
  return rc + (int)mode + (int)enc + (INSTANT_VERSION_NUMBER > 0 ? 0 : 1);
}
