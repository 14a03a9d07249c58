"""One timed run of one publisher against a Centrifugo, run by bench.py inside
the peer's own virtual environment. Prints one JSON line:
{"peer", "publications", "seconds", "rate", "cpu_us"} (cpu_us: the client
process's CPU time per publication).

    peer.py PEER URL API_KEY COUNT
PEER: instant-seq, instant-batch, instant-publisher, cent-seq, cent-batch,
django-instant. Every peer publishes the same django-instant envelope
{"channel","site","message","data":{"i":N}} into channel "bench".
instant-publisher (the asynchronous Publisher, from this one thread) is
timed from its first publish() to the last delivery report, each counted by
its callback; it also prints the publish() rate alone ("enqueue_rate").
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


def instant_publisher(url, key):
    import instant
    delivered = [0]

    def on_delivery(report):
        if report.ok:
            delivered[0] += 1

    p = instant.Publisher(url=url, api_key=key, site="Bench", from_env=False, on_delivery=on_delivery)

    def send(i):
        p.publish(CHANNEL, "m", data={"i": i}, block=10)

    def finish(calls):  # every report in, each one delivered
        p.flush(120)
        assert delivered[0] == calls, (delivered[0], calls)
        delivered[0] = 0
    send.finish = finish
    return send, 1


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


PEERS = {"instant-seq": instant_seq, "instant-batch": instant_batch, "instant-publisher": instant_publisher,
         "cent-seq": cent_seq,
         "cent-batch": cent_batch, "django-instant": django_instant}


def main():
    peer, url, key, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    send, per_call = PEERS[peer](url, key)
    finish = getattr(send, "finish", lambda calls: None)  # waits for what is still on its way
    calls = max(1, count // per_call)
    warm = max(1, calls // 20)
    for i in range(warm):  # warm-up: connections, imports, caches
        send(i)
    finish(warm)
    c0, t0 = time.process_time(), time.perf_counter()
    for i in range(calls):
        send(i)
    enqueued = time.perf_counter() - t0
    finish(calls)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0  # this process, every thread (the Publisher's I/O thread too)
    n = calls * per_call
    out = {"peer": peer, "publications": n, "seconds": seconds, "rate": n / seconds, "cpu_us": cpu / n * 1e6}
    if hasattr(send, "finish"):
        out["enqueue_rate"] = n / enqueued
    print(json.dumps(out))


if __name__ == "__main__":
    main()
