"""No leak across the ctypes boundary: 100k calls through every kind of
object (client publish, tokens and their verification, registry, bundle,
proxy handler, error paths raising exceptions) leave the C heap (glibc's
mallinfo2: bytes in use), the process's resident memory and Python's traced
allocations where a warm-up left them. Each kind of call runs 20k times, so
a leak of a single small C object per call (a 40-byte position) adds about
800 KiB to the C heap; the bound is 64 KiB. The same for 100k calls on the
asynchronous Publisher, whose queues and in-flight registry keep their
high-water capacity: its bounds are 1 MiB, where a leaked report, registry
entry or future per call would be 2.5 MiB or more."""
import gc
import itertools
import json
import os
import ctypes
import tracemalloc

import instant
from conftest import HMAC_KEY

CALLS = 100_000
PAGE = os.sysconf("SC_PAGE_SIZE")


class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = Mallinfo2


def c_heap():
    """Bytes the C heap has handed out and not got back (brk heap + mmap'd chunks)."""
    m = _libc.mallinfo2()
    return m.uordblks + m.hblkhd


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def growth(run, warm, calls, label):
    """run(warm), then run(calls) measured: (C heap, Python traced, RSS) growth in bytes, printed."""
    run(warm)  # warm-up: pools, caches, queues, arenas
    gc.collect()
    tracemalloc.start()
    traced_before = tracemalloc.get_traced_memory()[0]
    rss_before = rss()
    heap_before = c_heap()
    run(calls)
    gc.collect()
    heap = c_heap() - heap_before
    traced = tracemalloc.get_traced_memory()[0] - traced_before
    tracemalloc.stop()
    resident = rss() - rss_before
    print(f"\n{label}: C heap {heap / 1024:+.0f} KiB, RSS {resident / 1024:+.0f} KiB, "
          f"Python allocations {traced / 1024:+.0f} KiB")
    return heap, traced, resident


def test_no_leak_over_100k_calls(centrifugo):
    client = instant.Client(url=centrifugo.url, api_key=centrifugo.api_key, from_env=False)
    signer = instant.Signer.hmac(HMAC_KEY)
    verifier = instant.Verifier().add_signer(signer)
    reg = instant.Registry(prefix_private=True)
    reg.add("news", "public")
    reg.add("chat:team", "groups", groups=["team"])
    handler = instant.ProxyHandler(reg, lambda req: instant.User(req.user, groups=["team"]) if req.user else None)
    sub_body = json.dumps({"client": "c", "user": "ann", "channel": "$chat:team"}).encode()

    def publish(i):
        assert client.publish("chat:leak", "m", data={"i": i}, tags={"t": "x"}).offset > 0

    def tokens(i):
        tok = signer.subscription_token("ann", "$chat:team", info={"i": i})
        assert verifier.verify(tok).channel == "$chat:team"

    def registry(i):
        with instant.User("ann", groups=["team"]) as u:
            assert len(reg.for_user(u)) == 2
            assert len(instant.bundle(signer, reg, u, "csrf")["channels"]) == 2

    def proxy(i):
        assert handler.subscribe(sub_body) == {"result": {}}

    def errors(i):
        try:
            client.publish("chat:leak")  # neither message nor data: raises before I/O
        except instant.InvalidArgument:
            pass
        try:
            verifier.verify("not.a.token")
        except instant.TokenError:
            pass

    ops = [publish, tokens, registry, proxy, errors] * 2
    schedule = itertools.cycle(ops)

    def run(n):
        for i in range(n):
            next(schedule)(i)

    heap_growth, traced_growth, rss_growth = growth(run, 5_000, CALLS, "100k calls")
    client.close()
    assert heap_growth < 64 * 1024, heap_growth
    assert traced_growth < 256 * 1024, traced_growth
    assert rss_growth < 4 * 1024 * 1024, rss_growth


def test_no_leak_over_100k_publisher_calls(centrifugo):
    """The Publisher's paths: the envelope with an opaque object (held in the
    in-flight registry until its report), raw JSON, futures, broadcasts with
    tags, refused input; every report through the Python callback. Reports
    of one round are all in before it is measured (flush)."""
    reports = []
    # A queue bound the warm-up reaches, so the C side's queues have grown to
    # their high-water mark before the measured round (they keep their
    # capacity: not a leak, but it would read as one).
    pub = instant.Publisher(url=centrifugo.url, api_key=centrifugo.api_key, from_env=False,
                            queue_limits=(5000, 64 << 20),
                            on_delivery=lambda r: reports.append(r.ok) if len(reports) < 10 else None)
    futures = []

    def envelope(i):
        pub.publish("chat:pleak", "m", data={"i": i}, opaque={"i": i}, block=30)

    def raw(i):
        pub.publish_raw("chat:pleak", b'{"raw":1}', block=30)

    def future(i):
        fut = pub.submit_raw("chat:pleak", {"f": i}, block=30)
        if i % 1000 == 2:
            futures.append(fut)

    def broadcast(i):
        pub.broadcast(["chat:pleak1", "chat:pleak2"], {"b": i}, opaque=i, tags={"t": "x"}, block=30)

    def refused(i):
        try:
            pub.publish_raw("bad$name", b"{}", opaque=[i])
        except instant.InvalidArgument:
            pass

    ops = [envelope, raw, future, broadcast, refused]
    WARM = 20_000

    def run(n):
        for i in range(n):
            ops[i % len(ops)](i)
        pub.flush(120)

    heap_growth, traced_growth, rss_growth = growth(run, WARM, CALLS, "100k publisher calls")
    stats = pub.stats()
    pub.close()
    assert stats["delivered"] == (CALLS + WARM) * 4 // 5 and stats["failed"] == 0
    assert pub.pending == 0 and all(f.result(0).ok for f in futures)
    # Bounds above the high-water noise (the registry's dict table is
    # rebuilt at its size now and then: ~300 KiB of Python allocations;
    # tracemalloc's own tables count in RSS), below a leak of 25 bytes a call.
    assert heap_growth < 1024 * 1024, heap_growth
    assert traced_growth < 1024 * 1024, traced_growth
    assert rss_growth < 8 * 1024 * 1024, rss_growth
