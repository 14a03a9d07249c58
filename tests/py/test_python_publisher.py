"""instant.Publisher (the asynchronous publisher of the Python package) against
a real Centrifugo: one report per publication through the callback, futures
and asyncio; the in-flight opaque objects released once each; bad input
refused at once; back-pressure against a dead endpoint; each failure kind
with its exception class; callback exceptions kept off the I/O thread; the
lifetime (close, context manager, garbage collection); exactly once across a
Centrifugo (Redis engine) killed mid-stream and restarted on the same port."""
import asyncio
import collections
import dataclasses
import gc
import logging
import socket
import threading
import time
import weakref

import pytest

import instant
from instant import Delivery, DeliveryReport

# History for every channel without a namespace: 1000 events each fit.
BIG_HISTORY = {"channel": {"without_namespace": {"history_size": 10000, "history_ttl": "600s"}}}


def publisher_for(server, **kw):
    return instant.Publisher(url=server.url, api_key=server.api_key, from_env=False, **kw)


def dead_url():
    """A local port nothing listens on: every connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


class Ref:
    """An opaque object a weak reference can follow."""

    def __init__(self, channel, seq):
        self.channel, self.seq = channel, seq


class Collector:
    """on_delivery that keeps every report (called on the I/O thread)."""

    def __init__(self):
        self.reports = []
        self.threads = set()

    def __call__(self, report):
        self.threads.add(threading.get_ident())
        self.reports.append(report)


def history(server, channel):
    return server.api("history", {"channel": channel, "limit": -1})["result"]["publications"]


def check_stream(server, reports, channels, per_channel):
    """Every report delivered once, per channel in publish order with offsets
    1..n, and each channel's history holding each event once, in order."""
    assert len(reports) == len(channels) * per_channel
    assert all(r.outcome is Delivery.DELIVERED and r.ok and r.error() is None for r in reports)
    assert collections.Counter((r.opaque.channel, r.opaque.seq) for r in reports) == \
        collections.Counter((c, s) for c in channels for s in range(per_channel))
    assert len({r.idempotency_key for r in reports}) == len(reports)
    by_channel = collections.defaultdict(list)
    for r in reports:
        assert r.channel == r.opaque.channel and r.attempts >= 1 and r.latency > 0
        by_channel[r.channel].append(r)
    for c in channels:
        mine = by_channel[c]
        assert [r.opaque.seq for r in mine] == list(range(per_channel))  # reported in order too
        assert [r.offset for r in mine] == list(range(1, per_channel + 1))
        assert len({r.epoch for r in mine}) == 1 and mine[0].epoch
        pubs = history(server, c)
        assert [p["data"]["data"]["seq"] for p in pubs] == list(range(per_channel)), c
        assert [p["offset"] for p in pubs] == list(range(1, per_channel + 1))


def test_20k_events_over_20_channels_one_report_each_in_order(centrifugo_factory):
    srv = centrifugo_factory(BIG_HISTORY)
    channels = [f"pub20k_{c}" for c in range(20)]
    got = Collector()
    refs = []
    with publisher_for(srv, on_delivery=got) as pub:
        for seq in range(1000):
            for c in channels:
                ref = Ref(c, seq)
                refs.append(weakref.ref(ref))
                pub.publish(c, "m", data={"seq": seq}, event_class="load", opaque=ref, block=30)
        pub.flush(120)
        assert pub.pending == 0  # every opaque object handed back
        stats = pub.stats()
    assert got.threads and threading.get_ident() not in got.threads  # the I/O thread, not ours
    check_stream(srv, got.reports, channels, 1000)
    first = history(srv, channels[0])[0]["data"]
    assert first == {"channel": channels[0], "site": "Site", "message": "m", "data": {"seq": 0},
                     "event_class": "load"}
    assert stats["enqueued"] == stats["delivered"] == 20000 and stats["failed"] == 0
    assert stats["queued"] == 0 and stats["callback_errors"] == 0
    assert 20 <= stats["batches"] < 20000  # batched
    # Each opaque object was released once its report was dropped: nothing else holds it.
    del got.reports[:], ref
    gc.collect()
    assert not [r for r in refs if r() is not None]


def test_raw_binary_broadcast_and_report_fields(centrifugo):
    got = Collector()
    with publisher_for(centrifugo, on_delivery=got) as pub:
        pub.publish_raw("chat:praw", {"raw": 1}, opaque="raw", tags={"k": "v"}, idempotency_key="praw-1")
        pub.publish_raw("chat:praw", b'{"raw":2}', opaque="bytes")
        pub.publish_binary("chat:pbin", b"\x00\xff", opaque="bin")
        pub.broadcast(["chat:pb1", "chat:pb2"], '{"b":1}', opaque="bc")
        pub.publish("chat:penv", data={"only": "data"})  # no opaque: reported with None
        pub.flush(30)
    by = {r.opaque: r for r in got.reports}
    assert set(by) == {"raw", "bytes", "bin", "bc", None}
    raw = by["raw"]
    assert isinstance(raw, DeliveryReport) and isinstance(raw, instant.Outcome)
    assert raw.idempotency_key == "praw-1" and raw.channel == "chat:praw" and raw.kind == "ok"
    assert raw.code == 0 and raw.http_status == 0 and raw.server_code == 0 and raw.message == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        raw.offset = 5
    pubs = history(centrifugo, "chat:praw")
    stored = {p["offset"]: p for p in pubs}
    assert stored[raw.offset]["data"] == {"raw": 1} and stored[raw.offset]["tags"] == {"k": "v"}
    assert stored[by["bytes"].offset]["data"] == {"raw": 2}
    assert by["bc"].channel == "chat:pb1"  # a broadcast's report names its first channel
    assert history(centrifugo, "chat:pb2")[-1]["data"] == {"b": 1}
    assert by[None].offset == history(centrifugo, "chat:penv")[-1]["offset"]
    assert centrifugo.api("history", {"channel": "chat:pbin", "limit": 0})["result"]["offset"] == by["bin"].offset


def test_futures_resolve_with_the_report_or_the_failure(centrifugo):
    with publisher_for(centrifugo) as pub:
        futs = [pub.submit("chat:pfut", "m", data={"i": i}, opaque=i) for i in range(50)]
        raw = pub.submit_raw("chat:pfut", {"raw": True})
        binary = pub.submit_binary("chat:pfutbin", b"\x01")  # not JSON: its own channel
        bc = pub.submit_broadcast(["chat:pfut1", "chat:pfut2"], {"b": 1})
        bad = pub.submit("unknown:pfut", "m", opaque="bad")
        assert not bad.cancel()  # on its way: cannot be called back
        reports = [f.result(30) for f in futs]
        assert [r.opaque for r in reports] == list(range(50))
        offsets = [r.offset for r in reports]
        assert offsets == list(range(offsets[0], offsets[0] + 50))
        assert raw.result(30).offset == offsets[-1] + 1 and binary.result(30).offset >= 1
        assert bc.result(30).ok
        with pytest.raises(instant.ServerError) as e:
            bad.result(30)
        assert e.value.server_code == 102 and e.value.report.opaque == "bad"
        assert e.value.report.outcome is Delivery.FAILED and e.value.report.kind == "server_error"
        assert pub.pending == 0
    h = {p["offset"]: p["data"] for p in history(centrifugo, "chat:pfut")}
    assert h[offsets[7]]["data"] == {"i": 7} and h[offsets[-1] + 1] == {"raw": True}


def test_asyncio_forms(centrifugo):
    pub = publisher_for(centrifugo)

    async def main():
        reports = await asyncio.gather(*(pub.apublish("chat:paio", "m", data={"i": i}) for i in range(100)))
        raw = await pub.apublish_raw("chat:paio", {"raw": 1}, opaque="r")
        binary = await pub.apublish_binary("chat:paiobin", b"\x02")
        bc = await pub.abroadcast(["chat:paio1", "chat:paio2"], {"b": 2})
        with pytest.raises(instant.ServerError) as e:
            await pub.apublish("unknown:paio", "m")
        with pytest.raises(TypeError):
            pub.apublish("chat:paio", "m", block=1)  # would block the loop
        # A cancelled awaiter does not stop the publication; its report goes nowhere.
        fut = pub.apublish("chat:paio", "cancelled")
        fut.cancel()
        await asyncio.sleep(0)
        return reports, raw, binary, bc, e.value

    reports, raw, binary, bc, err = asyncio.run(main())
    assert all(r.ok for r in reports) and raw.opaque == "r" and binary.ok and bc.ok
    assert err.server_code == 102 and err.report.channel == "unknown:paio"
    with pytest.raises(RuntimeError):
        pub.apublish("chat:paio", "m")  # no running loop
    pub.flush(30)
    assert pub.pending == 0
    assert history(centrifugo, "chat:paio")[-1]["data"]["message"] == "cancelled"
    pub.close()


def test_bad_input_is_refused_at_once_never_queued(centrifugo):
    got = Collector()
    with publisher_for(centrifugo, on_delivery=got, max_payload=4096, batch_limits=(100, 4096)) as pub:
        refused = []

        def refuse(exc_type, fn, *args, **kw):
            ref = Ref("x", len(refused))
            with pytest.raises(exc_type) as e:
                fn(*args, opaque=ref, **kw)
            refused.append(weakref.ref(ref))
            return e.value

        assert refuse(instant.InvalidArgument, pub.publish, "bad$name", "m").kind == "invalid_channel"
        assert refuse(instant.InvalidArgument, pub.publish, "chat:ok").kind == "invalid_argument"  # no message/data
        assert refuse(instant.InvalidArgument, pub.publish_raw, "chat:ok", b'{"a":').kind == "invalid_json"
        assert refuse(instant.InvalidArgument, pub.publish_raw, "chat:ok", b'"\xc3\x28"').kind == "invalid_utf8"
        assert refuse(instant.InvalidArgument, pub.publish_raw, "chat:ok", "[" * 300 + "]" * 300).kind == \
            "invalid_json"
        assert refuse(instant.InvalidArgument, pub.publish_raw, "chat:ok", {"x": "y" * 5000}).kind == "too_large"
        assert refuse(instant.InvalidArgument, pub.broadcast, [], {"a": 1}).kind == "invalid_argument"
        assert refuse(instant.InvalidArgument, pub.submit_raw, "chat:ok", {"a": 1}, block=-1).kind == \
            "invalid_argument"
        with pytest.raises(instant.InvalidArgument):
            pub.publish_raw("chat:ok", {"a": 1}, block=float("nan"))
        with pytest.raises(TypeError):
            pub.publish_raw("chat:ok", {"a": 1}, no_such_option=1)
        pub.flush(10)
        assert pub.stats()["enqueued"] == 0 and pub.pending == 0 and got.reports == []
    gc.collect()
    assert not [r for r in refused if r() is not None]  # no refused opaque is kept


def test_settings_are_checked_at_construction(centrifugo):
    with pytest.raises(instant.ConfigError):
        instant.Publisher(url=centrifugo.url, from_env=False)  # no API key
    for kw, name in [({"linger": -1}, "linger"), ({"inflight": 0}, "inflight"),
                     ({"queue_limits": (0, 1024)}, "queue_limits"), ({"batch_limits": (10, 0)}, "batch_limits"),
                     ({"message_timeout": 0}, "message_timeout"), ({"retry_backoff": (2, 1)}, "retry_backoff"),
                     ({"linger": 61}, "linger"), ({"close_timeout": float("inf")}, "close_timeout")]:
        with pytest.raises(instant.InvalidArgument) as e:
            publisher_for(centrifugo, **kw)
        assert name in str(e.value), (kw, str(e.value))
    with pytest.raises(instant.ConfigError):
        publisher_for(centrifugo, endpoints=["not a url"])
    with pytest.raises(TypeError):
        publisher_for(centrifugo, no_such_setting=1)


def test_environment_settings_as_for_client(centrifugo, monkeypatch):
    for k, v in centrifugo.env(SITE_NAME="EnvSite").items():
        if k.startswith("CENTRIFUGO_") or k == "SITE_NAME":
            monkeypatch.setenv(k, v)
    with instant.Publisher() as pub:
        assert pub.url == centrifugo.url and pub.site == "EnvSite" and pub.endpoints == (centrifugo.url,)
        report = pub.submit("chat:penvs", "from the environment").result(30)
    assert history(centrifugo, "chat:penvs")[-1]["offset"] == report.offset
    assert history(centrifugo, "chat:penvs")[-1]["data"]["site"] == "EnvSite"
    monkeypatch.setenv("CENTRIFUGO_PORT", "notaport")
    monkeypatch.delenv("CENTRIFUGO_URL")
    with pytest.raises(instant.ConfigError):
        instant.Publisher()


def test_dead_endpoint_queue_full_then_failures_reported_as_transport_errors():
    got = Collector()
    with instant.Publisher(url=dead_url(), api_key="k", from_env=False, on_delivery=got, queue_limits=(100, 1 << 20),
                           message_timeout=1.0, retry_backoff=(0.05, 0.2)) as pub:
        for i in range(100):
            pub.publish_raw("chat:dead", {"i": i}, opaque=i)
        with pytest.raises(instant.QueueFull) as e:
            pub.publish_raw("chat:dead", {"i": 100}, opaque=100)
        assert e.value.kind == "queue_full" and isinstance(e.value, instant.PublisherError)
        with pytest.raises(instant.QueueFull):
            pub.submit_raw("chat:dead", {"i": 101}, block=0.1)  # waited, still full
        assert pub.stats()["queue_full"] == 2 and pub.pending == 100
        pub.flush(30)
        assert sorted(r.opaque for r in got.reports) == list(range(100))
        for r in got.reports:
            assert r.outcome is Delivery.FAILED and not r.ok and r.kind == "transport"
            assert isinstance(r.error(), instant.TransportError) and r.error().report is r
        # Room again once reported.
        fut = pub.submit_raw("chat:dead", {"again": 1})
        with pytest.raises(instant.TransportError):
            fut.result(30)
    stats = pub.stats()  # closed: still readable
    assert stats["failed"] == 101 and stats["delivered"] == 0 and stats["queued"] == 0
    assert stats["endpoints"][0]["failures"] > 0


class SilentServer:
    """Accepts connections and reads requests but never answers: a hung server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.conns = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                self.conns.append(self.sock.accept()[0])
            except socket.timeout:
                pass

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()
        for c in self.conns:
            c.close()


def test_each_failure_kind_with_its_exception_class(centrifugo):
    got = Collector()
    with publisher_for(centrifugo, on_delivery=got) as pub:
        pub.publish("unknown:kinds", "m", opaque="102")
        pub.publish_raw("nohistory:kinds", {"a": 1}, opaque="ok", skip_history=True)
        pub.flush(30)
    by = {r.opaque: r for r in got.reports}
    assert isinstance(by["102"].error(), instant.ServerError) and by["102"].server_code == 102
    assert by["ok"].ok and by["ok"].offset == 0 and by["ok"].epoch == ""  # no history there

    got = Collector()
    with instant.Publisher(url=centrifugo.url, api_key="wrong-key", from_env=False, on_delivery=got) as pub:
        pub.publish("chat:kinds", "m", opaque="401")
        pub.flush(30)
    (r,) = got.reports
    assert r.outcome is Delivery.FAILED and r.http_status == 401 and isinstance(r.error(), instant.Unauthorized)
    assert "wrong-key" not in r.message

    silent = SilentServer()
    try:
        got = Collector()
        with instant.Publisher(url=silent.url, api_key="k", from_env=False, on_delivery=got, timeout=0.3,
                               message_timeout=1.0) as pub:
            pub.publish("chat:kinds", "m", opaque="hung")
            pub.flush(30)
        (r,) = got.reports
        assert r.outcome is Delivery.POSSIBLY_DELIVERED and not r.ok and r.attempts >= 1
        assert isinstance(r.error(), instant.Timeout)
    finally:
        silent.close()

    got = Collector()
    pub = instant.Publisher(url=dead_url(), api_key="k", from_env=False, on_delivery=got, message_timeout=60,
                            linger=1.0)
    for i in range(10):
        pub.publish("chat:kinds", "m", opaque=i)
    assert pub.purge() == 10
    pub.flush(10)
    assert sorted(r.opaque for r in got.reports) == list(range(10))
    assert all(isinstance(r.error(), instant.Purged) and r.kind == "purged" for r in got.reports)
    del got.reports[:]
    for i in range(5):
        pub.publish("chat:kinds", "m", opaque=i)
    with pytest.raises(instant.Timeout):
        pub.close(0.2)  # could not deliver: what was left is reported
    assert sorted(r.opaque for r in got.reports) == list(range(5))
    assert all(isinstance(r.error(), instant.Closed) for r in got.reports)
    with pytest.raises(instant.Closed):
        pub.publish("chat:kinds", "after close")
    pub.close()  # idempotent
    assert pub.stats()["purged"] == 10 and pub.pending == 0  # stats still readable


def test_an_unobserved_failure_is_logged(centrifugo, caplog):
    with caplog.at_level(logging.WARNING, logger="instant.publisher"):
        with publisher_for(centrifugo) as pub:
            pub.publish("unknown:unseen", "m")
            pub.publish("chat:seen", "m")
            pub.flush(30)
    warnings = [r for r in caplog.records if r.name == "instant.publisher"]
    assert len(warnings) == 1
    assert "unknown:unseen" in warnings[0].getMessage() and "server_error" in warnings[0].getMessage()


def test_callback_exceptions_never_stop_the_io_thread(centrifugo):
    seen = []

    def on_delivery(report):
        seen.append(report.opaque)
        if report.opaque % 10 == 3:
            raise ValueError(f"callback failed on {report.opaque}")

    pub = publisher_for(centrifugo, on_delivery=on_delivery)
    for i in range(100):
        pub.publish("chat:pcberr", "m", opaque=i)
    with pytest.raises(ValueError, match="callback failed on 3"):
        pub.flush(30)  # the first one, after waiting
    assert sorted(seen) == list(range(100))  # every report still came
    assert pub.stats()["callback_errors"] == 10
    pub.flush(30)  # raised once
    pub.publish("chat:pcberr", "m", opaque=13)
    with pytest.raises(ValueError, match="callback failed on 13"):
        pub.close()
    assert pub.stats()["delivered"] == 101


def test_the_callback_may_publish(centrifugo):
    holder = {}

    def on_delivery(report):
        if report.opaque < 5:
            holder["pub"].publish("chat:pchain", "next", opaque=report.opaque + 1, block=1)  # never waits here

    with publisher_for(centrifugo, on_delivery=on_delivery) as pub:
        holder["pub"] = pub
        pub.publish("chat:pchain", "first", opaque=0)
        deadline = time.time() + 30
        while pub.stats()["delivered"] < 6 and time.time() < deadline:
            pub.flush(30)
    assert [p["data"]["message"] for p in history(centrifugo, "chat:pchain")][-6:] == ["first"] + ["next"] * 5


def test_garbage_collection_drains_and_frees(centrifugo):
    got = Collector()
    pub = publisher_for(centrifugo, on_delivery=got)
    for i in range(200):
        pub.publish("chat:pgc", "m", opaque=i)
    ref = weakref.ref(pub)
    del pub
    gc.collect()
    assert ref() is None
    assert sorted(r.opaque for r in got.reports) == list(range(200))  # drained before it was freed
    assert all(r.ok for r in got.reports)


def test_the_last_reference_dropped_inside_its_own_callback(centrifugo):
    got = Collector()
    holder = {}
    done = threading.Event()

    def on_delivery(report):
        got(report)
        if report.opaque == 0:
            holder.clear()  # the last reference: freed from the I/O thread itself
        if len(got.reports) == 50:
            done.set()

    pub = publisher_for(centrifugo, on_delivery=on_delivery, linger=0.05)
    holder["pub"] = pub
    for i in range(50):
        pub.publish("chat:pself", "m", opaque=i)
    ref = weakref.ref(pub)
    del pub
    assert done.wait(30)
    deadline = time.time() + 30
    while ref() is not None and time.time() < deadline:
        time.sleep(0.05)
        gc.collect()
    assert ref() is None
    for t in threading.enumerate():  # the thread that freed it has finished
        if t.name == "instant-publisher-free":
            t.join(30)
    assert sorted(r.opaque for r in got.reports) == list(range(50))


def test_stats_and_prometheus(centrifugo):
    with publisher_for(centrifugo) as pub:
        pub.submit("chat:pstats", "m").result(30)
        stats = pub.stats()
        text = pub.stats_prometheus()
    for key in ["enqueued", "delivered", "failed", "possibly_delivered", "purged", "retried", "batches", "bytes",
                "queue_full", "queued", "queued_bytes", "in_flight", "connections_opened", "latency_us", "endpoints",
                "callback_errors"]:
        assert key in stats, key
    assert stats["delivered"] == 1 and stats["endpoints"][0]["url"] == centrifugo.url
    assert "instant_publisher_delivered_total 1\n" in text
    assert "# TYPE instant_publisher_enqueued_total counter" in text


def test_exactly_once_across_a_centrifugo_restart(centrifugo_factory, redis_url):
    """Centrifugo on the Redis engine (history and idempotency keys survive it)
    killed with SIGKILL in the middle of a 20k-event stream, restarted on the
    same port a second later: every event in history once, in order, and every
    report delivered."""
    srv = centrifugo_factory({**BIG_HISTORY, "engine": {"type": "redis", "redis": {"address": [redis_url]}}})
    channels = [f"prestart_{c}" for c in range(20)]
    got = Collector()
    with publisher_for(srv, on_delivery=got, retry_backoff=(0.05, 0.5)) as pub:
        killer = restarted = None
        for seq in range(1000):
            if seq == 300:
                killer, restarted = srv.outage(1.0)
            for c in channels:
                pub.publish(c, "m", data={"seq": seq}, opaque=Ref(c, seq), block=60)
            if seq == 600:
                assert restarted.wait(60)
        killer.join(60)
        pub.flush(120)
        stats = pub.stats()
    print(f"\nrestart: retried {stats['retried']}, batches {stats['batches']}, "
          f"endpoint failures {stats['endpoints'][0]['failures']}, p99 {stats['latency_us']['p99']} us")
    assert stats["retried"] > 0 or stats["endpoints"][0]["failures"] > 0  # the outage was seen
    assert stats["delivered"] == 20000 and stats["failed"] == 0 and stats["possibly_delivered"] == 0
    check_stream(srv, got.reports, channels, 1000)
