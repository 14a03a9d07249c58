/* examples/c/token.c - mint Centrifugo tokens from C.
 *
 *   CENTRIFUGO_HMAC_KEY=... ./instant_example_token alice '$chat:room'
 *
 * Prints a connection token for USER and, with CHANNEL, a subscription token.
 */
#include <instant/instant.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *key = getenv("CENTRIFUGO_HMAC_KEY");
  instant_signer *signer = NULL;
  instant_claims *claims = NULL;
  char *token = NULL;
  instant_error_t rc;

  if (argc < 2 || !key) {
    fprintf(stderr, "usage: CENTRIFUGO_HMAC_KEY=... %s USER [CHANNEL]\n", argv[0]);
    return 2;
  }
  rc = instant_signer_new_hmac(&signer, key, strlen(key), INSTANT_ALG_HS256, NULL);
  if (rc == INSTANT_OK) rc = instant_claims_new(&claims);
  if (rc == INSTANT_OK) rc = instant_claims_set_sub(claims, argv[1]);
  if (rc == INSTANT_OK) rc = instant_claims_set_ttl(claims, 3600);
  if (rc == INSTANT_OK) rc = instant_signer_connection_token(&token, signer, claims);
  if (rc == INSTANT_OK) {
    printf("%s\n", token);
    instant_free(token);
    token = NULL;
  }
  if (rc == INSTANT_OK && argc > 2) {
    rc = instant_claims_set_channel(claims, argv[2]);
    if (rc == INSTANT_OK) rc = instant_signer_subscription_token(&token, signer, claims);
    if (rc == INSTANT_OK) printf("%s\n", token);
    instant_free(token);
  }
  if (rc != INSTANT_OK) {
    fprintf(stderr, "token failed: %s: %s\n", instant_strerror(rc), instant_last_error_message());
  }
  instant_claims_free(claims);
  instant_signer_free(signer);
  return rc == INSTANT_OK ? 0 : 1;
}
