/* examples/c/publish.c - publish a django-instant event from C.
 *
 *   CENTRIFUGO_URL=http://localhost:8000 CENTRIFUGO_API_KEY=... \
 *     ./instant_example_publish news "hello" '{"n":1}'
 */
#include <instant/instant.h>

#include <inttypes.h>
#include <stdio.h>

int main(int argc, char **argv) {
  instant_client *client = NULL;
  instant_event *ev = NULL;
  instant_position *pos = NULL;
  instant_error_t rc;

  if (argc < 3) {
    fprintf(stderr, "usage: %s CHANNEL MESSAGE [DATA_JSON]\n", argv[0]);
    return 2;
  }
  rc = instant_client_from_env(&client);                /* CENTRIFUGO_URL, _API_KEY, ... */
  if (rc == INSTANT_OK) rc = instant_event_new(&ev);
  if (rc == INSTANT_OK && argc > 3) rc = instant_event_set_data(ev, argv[3]);
  if (rc == INSTANT_OK) rc = instant_event_set_event_class(ev, "example");
  if (rc == INSTANT_OK) rc = instant_client_publish(&pos, client, argv[1], argv[2], ev);
  if (rc == INSTANT_OK) {
    printf("published to %s: offset=%" PRIu64 " epoch=%s\n", argv[1], instant_position_offset(pos),
           instant_position_epoch(pos));
  } else {
    fprintf(stderr, "publish failed: %s (%d): %s\n", instant_strerror(rc), rc,
            instant_last_error_message());
  }
  instant_position_free(pos);
  instant_event_free(ev);
  instant_client_free(client);
  return rc == INSTANT_OK ? 0 : 1;
}
