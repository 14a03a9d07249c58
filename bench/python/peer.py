"""One timed run of one publisher against a Centrifugo, run by bench.py inside
the peer's own virtual environment. Prints one JSON line:
{"peer", "publications", "seconds", "rate"}.

    peer.py PEER URL API_KEY COUNT
PEER: instant-seq, instant-batch, cent-seq, cent-batch, django-instant.
Every peer publishes the same django-instant envelope
{"channel","site","message","data":{"i":N}} into channel "bench".
"""
import json
import sys
import time
from urllib.parse import urlsplit

CHANNEL = "bench"
BATCH = 1000


def envelope(i):
    return {"channel": CHANNEL, "site": "Bench", "message": "m", "data": {"i": i}}


def instant_seq(url, key):
    import instant
    c = instant.Client(url=url, api_key=key, site="Bench", from_env=False)
    return lambda i: c.publish(CHANNEL, "m", data={"i": i}), 1


def instant_batch(url, key):
    import instant
    c = instant.Client(url=url, api_key=key, from_env=False)

    def send(i):
        b = instant.Batch()
        for j in range(BATCH):
            b.publish(CHANNEL, envelope(i * BATCH + j))
        replies = c.batch(b)
        assert all(r.ok for r in replies)
    return send, BATCH


def cent_seq(url, key):
    from cent import Client, PublishRequest
    c = Client(url + "/api", key)
    return lambda i: c.publish(PublishRequest(channel=CHANNEL, data=envelope(i))), 1


def cent_batch(url, key):
    from cent import BatchRequest, Client, PublishRequest
    c = Client(url + "/api", key)

    def send(i):
        reqs = [PublishRequest(channel=CHANNEL, data=envelope(i * BATCH + j)) for j in range(BATCH)]
        c.batch(BatchRequest(requests=reqs))
    return send, BATCH


def django_instant(url, key):
    from django.conf import settings
    u = urlsplit(url)
    settings.configure(CENTRIFUGO_HOST=f"{u.scheme}://{u.hostname}", CENTRIFUGO_PORT=u.port,
                       CENTRIFUGO_API_KEY=key, SITE_NAME="Bench", INSTALLED_APPS=[])
    import django
    django.setup()
    from instant.producers import publish
    return lambda i: publish(CHANNEL, "m", data={"i": i}), 1


PEERS = {"instant-seq": instant_seq, "instant-batch": instant_batch, "cent-seq": cent_seq,
         "cent-batch": cent_batch, "django-instant": django_instant}


def main():
    peer, url, key, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    send, per_call = PEERS[peer](url, key)
    calls = max(1, count // per_call)
    for i in range(max(1, calls // 20)):  # warm-up: connections, imports, caches
        send(i)
    t0 = time.perf_counter()
    for i in range(calls):
        send(i)
    seconds = time.perf_counter() - t0
    n = calls * per_call
    print(json.dumps({"peer": peer, "publications": n, "seconds": seconds, "rate": n / seconds}))


if __name__ == "__main__":
    main()
