/* A C consumer: the version, an envelope and a token through libinstant_c. */
#include <instant/instant.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  static const char key[] = "consumer-hmac-key-0123456789abcdef";
  instant_event *ev = NULL;
  instant_signer *signer = NULL;
  instant_claims *claims = NULL;
  char *env = NULL, *tok = NULL;
  int ok = strcmp(instant_version_string(), INSTANT_VERSION_STRING) == 0 &&
           instant_event_new(&ev) == INSTANT_OK && instant_event_set_message(ev, "hi") == INSTANT_OK &&
           instant_event_envelope(&env, ev, "news", NULL, INSTANT_ENVELOPE_OBJECT) == INSTANT_OK &&
           strcmp(env, "{\"channel\":\"news\",\"site\":\"Site\",\"message\":\"hi\"}") == 0 &&
           instant_signer_new_hmac(&signer, key, strlen(key), INSTANT_ALG_HS256, NULL) == INSTANT_OK &&
           instant_claims_new(&claims) == INSTANT_OK && instant_claims_set_sub(claims, "u") == INSTANT_OK &&
           instant_signer_connection_token(&tok, signer, claims) == INSTANT_OK && strncmp(tok, "eyJ", 3) == 0;
  printf("C consumer: instant %s: %s\n", instant_version_string(), ok ? "ok" : instant_last_error_message());
  instant_free(tok);
  instant_free(env);
  instant_claims_free(claims);
  instant_signer_free(signer);
  instant_event_free(ev);
  return ok ? 0 : 1;
}
