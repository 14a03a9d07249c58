"""No leak across the ctypes boundary: 100k calls through every kind of
object (client publish, tokens and their verification, registry, bundle,
proxy handler, error paths raising exceptions) leave the C heap (glibc's
mallinfo2: bytes in use), the process's resident memory and Python's traced
allocations where a warm-up left them. Each kind of call runs 20k times, so
a leak of a single small C object per call (a 40-byte position) adds about
800 KiB to the C heap; the bound is 64 KiB."""
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

    run(5_000)  # warm-up: pools, caches, arenas
    gc.collect()
    tracemalloc.start()
    traced_before = tracemalloc.get_traced_memory()[0]
    rss_before = rss()
    heap_before = c_heap()
    run(CALLS)
    gc.collect()
    heap_growth = c_heap() - heap_before
    traced_growth = tracemalloc.get_traced_memory()[0] - traced_before
    tracemalloc.stop()
    rss_growth = rss() - rss_before
    client.close()
    print(f"\n100k calls: C heap {heap_growth / 1024:+.0f} KiB, RSS {rss_growth / 1024:+.0f} KiB, "
          f"Python allocations {traced_growth / 1024:+.0f} KiB")
    assert heap_growth < 64 * 1024, heap_growth
    assert traced_growth < 256 * 1024, traced_growth
    assert rss_growth < 4 * 1024 * 1024, rss_growth
