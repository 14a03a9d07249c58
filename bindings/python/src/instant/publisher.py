"""Publisher: the asynchronous publisher (libinstant_c's instant_publisher;
docs/publisher.md has the guarantees).

publish() copies the publication into a bounded queue and returns at once;
a background I/O thread in the C library sends the queue to Centrifugo in
/api/batch requests, retries transient failures with the same idempotency
keys, fails over between endpoints, and reports every accepted publication
exactly once: to the `on_delivery` callback, and to the Future the submit*
forms return or the asyncio future of the a* forms.

    with instant.Publisher(on_delivery=print) as pub:     # settings as for Client
        pub.publish("news", "hello", opaque=request_id)   # returns at once
        fut = pub.submit("news", "and a future")          # concurrent.futures.Future
        report = fut.result()                             # DeliveryReport, or raises
    # leaving the block closes: what is queued is delivered (or reported) first

    report = await pub.apublish("news", "from a coroutine")

Threads: a Publisher may be shared by any number of threads. `on_delivery`
runs on the I/O thread (ctypes takes the GIL for it), one report at a time.
It may publish (never blocking there) but not flush, close or purge. An
exception it raises never reaches the I/O thread: the first one is kept and
raised by the next flush() or close(); stats()["callback_errors"] counts them.
A failed publication that nobody observes (no on_delivery, no future) is
logged as a warning on the "instant.publisher" logger.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import ctypes
import dataclasses
import enum
import itertools
import logging
import math
import sys
import threading
import weakref
from typing import Any, Callable, Dict, Iterable, Optional, Sequence, Tuple

from . import _native as n
from ._native import b, check, lib
from .client import Outcome, PublishOptions, _Config, _Event
from .errors import KINDS, ErrorCode, InstantError, InternalError, InvalidArgument, exception_for

__all__ = ["Publisher", "DeliveryReport", "Delivery"]

_log = logging.getLogger("instant.publisher")


class Delivery(enum.IntEnum):
    """How a publication ended (the C ABI's INSTANT_DELIVERY_*)."""

    DELIVERED = 0            # Centrifugo stored it
    FAILED = 1               # not stored: a permanent error, never sent, purged, closed
    POSSIBLY_DELIVERED = 2   # given up after a request carrying it may have reached a server


_DELIVERIES = tuple(Delivery)


@dataclasses.dataclass(frozen=True)
class DeliveryReport(Outcome):
    """One publication's report. ok, offset/epoch (when delivered into a
    channel with history), code/message/server_code (the failure) as in
    Outcome; outcome (a Delivery); http_status of the failure; channel (a
    broadcast's first); the idempotency_key it was sent with; latency in
    seconds from publish to this report; attempts (requests that carried it);
    opaque (the object given to publish, released by the Publisher now)."""

    outcome: Delivery
    http_status: int
    channel: str
    idempotency_key: str
    latency: float
    attempts: int
    opaque: Any = None

    @property
    def kind(self) -> str:
        """The failure's kind ("server_error", "timeout", ...); "ok" when delivered."""
        return KINDS.get(self.code, "ok" if self.code == 0 else "unknown")

    def error(self) -> Optional[InstantError]:
        """The failure as an exception of its class (ServerError, Timeout,
        Purged, ...) whose `report` is this report; None when delivered."""
        if self.ok:
            return None
        exc = exception_for(self.code, self.message, self.http_status, self.server_code)
        exc.report = self
        return exc


# ---- the delivery callback (the Publisher's I/O thread) ----------------------------------

# The report's accessors (instant_delivery_report_*), bound once for the hot path.
(_r_opaque, _r_outcome, _r_error, _r_http, _r_server, _r_message, _r_channel, _r_key, _r_offset, _r_epoch,
 _r_latency, _r_attempts) = (getattr(lib, "instant_delivery_report_" + field) for field in (
    "opaque", "outcome", "error", "http_status", "server_code", "message", "channel", "idempotency_key", "offset",
    "epoch", "latency_ns", "attempts"))


def _read(rep: int, outcome: int, opaque: Any) -> DeliveryReport:
    """The C report (valid during the callback only) copied into a DeliveryReport."""
    if outcome == 0:
        code, http, server, message = 0, 0, 0, ""
        offset, epoch = _r_offset(rep), _r_epoch(rep).decode()
    else:
        code, http, server = _r_error(rep), _r_http(rep), _r_server(rep)
        message = _r_message(rep).decode("utf-8", "replace")
        offset, epoch = 0, ""
    return DeliveryReport(outcome == 0, offset, epoch, code, message, server, _DELIVERIES[outcome], http,
                          _r_channel(rep).decode(), _r_key(rep).decode(), _r_latency(rep) / 1e9,
                          _r_attempts(rep), opaque)


def _resolve(waiter: Any, report: DeliveryReport) -> None:
    """Completes the future of a submit* (concurrent) or a* (asyncio) call."""
    if isinstance(waiter, concurrent.futures.Future):
        if report.ok:
            waiter.set_result(report)
        else:
            waiter.set_exception(report.error())  # type: ignore[arg-type]
        return
    loop, fut = waiter
    try:
        loop.call_soon_threadsafe(_resolve_in_loop, fut, report)
    except RuntimeError:  # the loop is closed: nobody awaits it any more
        pass


def _resolve_in_loop(fut: "asyncio.Future[DeliveryReport]", report: DeliveryReport) -> None:
    if fut.done():  # cancelled by its awaiter; the publication went on regardless
        return
    if report.ok:
        fut.set_result(report)
    else:
        fut.set_exception(report.error())  # type: ignore[arg-type]


class _IOThread:
    """The Publisher's I/O thread as its callbacks see it.

    ctypes runs each callback of a thread Python did not start between
    PyGILState_Ensure and PyGILState_Release: with no Python thread state of
    its own, the I/O thread gets one created and destroyed per report (about
    6 us, most of a report's cost: bench/python). So while publications are
    outstanding, a callback holds one more PyGILState_Ensure and the state
    lives on between reports; the callback that reports the last outstanding
    one releases it, on the same thread, as the API wants (the next burst
    takes it again). Only on CPython; elsewhere each report pays the cost."""

    api: Any = ctypes.PyDLL(None) if sys.implementation.name == "cpython" else None  # our own handle
    if api is not None:
        api.PyGILState_Ensure.restype = ctypes.c_int
        api.PyGILState_Ensure.argtypes = []
        api.PyGILState_Release.restype = None
        api.PyGILState_Release.argtypes = [ctypes.c_int]

    def __init__(self) -> None:
        self.ident: Optional[int] = None  # the I/O thread, from its first report on
        self.kept: Optional[int] = None   # the PyGILState_STATE of the Ensure held

    def enter(self) -> None:
        """At the start of each callback (the GIL held)."""
        if self.kept is None:
            self.ident = threading.get_ident()
            if self.api is not None:
                self.kept = self.api.PyGILState_Ensure()

    def leave(self, idle: bool) -> None:
        """At the end of each callback; idle: nothing is outstanding any more."""
        if idle and self.kept is not None:
            kept, self.kept = self.kept, None
            self.api.PyGILState_Release(kept)  # ctypes' own Release ends the state after this call


_PLAIN = (None, None)  # the registry entry of a publication without opaque object or future


class _Reports:
    """What the I/O thread's callback needs, apart from the Publisher (so the
    Publisher is freed by reference counting): the in-flight registry (every
    accepted publication's token, the C opaque pointer -> (opaque, waiter)),
    the user's callback, the first exception it raised."""

    def __init__(self, on_delivery: Optional[Callable[[DeliveryReport], Any]], failures_only: bool) -> None:
        self.on_delivery = on_delivery
        self.failures_only = failures_only
        self.pending: Dict[int, Tuple[Any, Any]] = {}
        self.tokens = itertools.count(1)  # next() is atomic under the GIL
        self.lock = threading.Lock()       # guards first_error / errors
        self.first_error: Optional[BaseException] = None
        self.errors = 0
        self.io = _IOThread()

    def c_callback(self) -> Any:
        pending, on_delivery, failures_only, io = self.pending, self.on_delivery, self.failures_only, self.io

        def on_report(rep: int, _userdata: Any) -> None:
            io.enter()
            try:
                outcome = _r_outcome(rep)
                token = _r_opaque(rep)
                entry = pending.pop(token, None)
                if entry is None:
                    raise InternalError(ErrorCode.EINTERNAL, f"a report for publication {token}, not in flight")
                opaque, waiter = entry
                tell = on_delivery is not None and not (failures_only and outcome == 0)
                if waiter is None and not tell:
                    if outcome != 0 and on_delivery is None:
                        report = _read(rep, outcome, opaque)
                        _log.warning("publication to %s %s: %s: %s", report.channel, report.outcome.name.lower(),
                                     report.kind, report.message)
                    return
                report = _read(rep, outcome, opaque)
                if waiter is not None:
                    _resolve(waiter, report)
                if tell:
                    on_delivery(report)  # type: ignore[misc]
            except BaseException as exc:  # noqa: BLE001 - never into the I/O thread
                self.note(exc)
            finally:
                io.leave(not pending)

        return n.DELIVERY(on_report)

    def note(self, exc: BaseException) -> None:
        with self.lock:
            self.errors += 1
            if self.first_error is None:
                self.first_error = exc

    def raise_first(self) -> None:
        with self.lock:
            exc, self.first_error = self.first_error, None
        if exc is not None:
            raise exc


# Publishers still open at interpreter exit are closed by atexit, while the
# I/O threads can still take the GIL for their last reports.
_open: "weakref.WeakSet[Publisher]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for pub in list(_open):
        try:
            pub._free_handle()
        except Exception:  # noqa: BLE001 - at exit
            pass


def _free(h: ctypes.c_void_p, callback: Any) -> None:  # noqa: ARG001
    """instant_publisher_free; holding `callback` keeps it alive until that returns."""
    lib.instant_publisher_free(h)


def _future() -> "concurrent.futures.Future[DeliveryReport]":
    """A future that cannot be cancelled (the publication cannot be called back)."""
    fut: concurrent.futures.Future[DeliveryReport] = concurrent.futures.Future()
    fut.set_running_or_notify_cancel()
    return fut


def _loop_future() -> Tuple[asyncio.AbstractEventLoop, "asyncio.Future[DeliveryReport]"]:
    """The running loop and a new future of it (RuntimeError outside a coroutine)."""
    loop = asyncio.get_running_loop()
    return loop, loop.create_future()


def _ms(seconds: float, name: str) -> int:
    """Seconds as whole milliseconds (rounded up, so a positive wait is never 0)."""
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and 0 <= seconds < math.inf:
        return math.ceil(seconds * 1000)
    raise InvalidArgument(ErrorCode.EINVAL, f"invalid argument: '{name}' must be a number of seconds >= 0")


class Publisher(n.Handle):
    """The asynchronous publisher.

    Publisher() reads the environment like Client() (CENTRIFUGO_URL, or
    CENTRIFUGO_HOST + CENTRIFUGO_PORT; CENTRIFUGO_API_KEY; SITE_NAME;
    INSTANT_TIMEOUT_MS, ...); `url`, `api_key` and `**settings` (site,
    timeout, connect_timeout, verify_tls, ca_file, proxy, envelope,
    legacy_api, max_payload, max_reply: as for Client) override it, and
    from_env=False starts from the defaults. Times are in seconds; None keeps
    the C library's default (in brackets):

    - endpoints: Centrifugo base URLs in order of preference [url alone];
      duplicate-free failover needs the nodes to share a Redis engine
    - on_delivery(report): called once per publication on the I/O thread;
      failures_only: only for failed / possibly delivered ones
    - queue_limits (messages, bytes) from publish to report [100000, 64 MiB]
    - linger: how long a batch waits to fill [0.001]
    - batch_limits (messages, bytes) per request [1000, 1 MiB]
    - inflight: requests at once, on as many connections [2]
    - message_timeout: from publish to the last attempt [30]
    - retry_backoff (first, max) [0.05, 2]
    - endpoint_stickiness: time on a fallback endpoint [600]
    - close_timeout: how long close() and the garbage collector drain [10]

    Starts the I/O thread; no connection is made yet. Raises ConfigError (no
    API key, bad URL) or InvalidArgument (a limit out of range).
    """

    _free = lib.instant_publisher_free

    def __init__(self, url: Optional[str] = None, api_key: Optional[str] = None, *,
                 endpoints: Optional[Iterable[str]] = None,
                 on_delivery: Optional[Callable[[DeliveryReport], Any]] = None, failures_only: bool = False,
                 queue_limits: Optional[Tuple[int, int]] = None, linger: Optional[float] = None,
                 batch_limits: Optional[Tuple[int, int]] = None, inflight: Optional[int] = None,
                 message_timeout: Optional[float] = None, retry_backoff: Optional[Tuple[float, float]] = None,
                 endpoint_stickiness: Optional[float] = None, close_timeout: Optional[float] = None,
                 from_env: bool = True, **settings: Any) -> None:
        self._reports = _Reports(on_delivery, failures_only)
        self._callback = self._reports.c_callback()  # alive as long as the C publisher
        self._close_timeout = 10.0 if close_timeout is None else close_timeout
        with _Config(from_env, url, api_key, **settings) as client:
            self.url: str = client.url
            self.site: str = client.site
            pcfg = n.new_handle(lib.instant_publisher_config_new, client._h)
        try:
            def setting(name: str, fn: Callable[..., int], *args: Any) -> None:
                rc = fn(pcfg, *args)
                if rc != 0:
                    try:
                        check(rc)
                    except InvalidArgument as e:
                        raise InvalidArgument(e.code, f"{name}: {e.message}") from None

            urls = tuple(endpoints or ())
            for endpoint in urls:
                setting("endpoints", lib.instant_publisher_config_add_endpoint, b(endpoint))
            self.endpoints: Tuple[str, ...] = urls or (self.url,)
            if queue_limits is not None:
                setting("queue_limits", lib.instant_publisher_config_set_queue_limits, *queue_limits)
            if linger is not None:
                setting("linger", lib.instant_publisher_config_set_linger_ms, _ms(linger, "linger"))
            if batch_limits is not None:
                setting("batch_limits", lib.instant_publisher_config_set_batch_limits, *batch_limits)
            if inflight is not None:
                setting("inflight", lib.instant_publisher_config_set_inflight, inflight)
            if message_timeout is not None:
                setting("message_timeout", lib.instant_publisher_config_set_message_timeout_ms,
                        _ms(message_timeout, "message_timeout"))
            if retry_backoff is not None:
                first, most = retry_backoff
                setting("retry_backoff", lib.instant_publisher_config_set_retry_backoff_ms,
                        _ms(first, "retry_backoff"), _ms(most, "retry_backoff"))
            if endpoint_stickiness is not None:
                setting("endpoint_stickiness", lib.instant_publisher_config_set_endpoint_stickiness_ms,
                        _ms(endpoint_stickiness, "endpoint_stickiness"))
            setting("close_timeout", lib.instant_publisher_config_set_close_timeout_ms,
                    _ms(self._close_timeout, "close_timeout"))
            check(lib.instant_publisher_config_set_delivery_cb(pcfg, self._callback, 0, None))
            self._adopt(n.new_handle(lib.instant_publisher_new, pcfg))
        finally:
            lib.instant_publisher_config_free(pcfg)
        _open.add(self)

    def __repr__(self) -> str:
        return f"<instant.Publisher {', '.join(self.endpoints)}{'' if self._h else ' freed'}>"

    # ---- publishing ----------------------------------------------------------------------
    # Each form returns once the publication is queued (or raises: bad input
    # at once, QueueFull when the queue stays at its bound for `block`
    # seconds, Closed after close()). opaque comes back in its report.

    def _token(self, opaque: Any, waiter: Any) -> int:
        token = next(self._reports.tokens)
        # In the registry before the call: the report may come before it returns.
        self._reports.pending[token] = _PLAIN if opaque is None and waiter is None else (opaque, waiter)
        return token

    def _enqueue(self, token: int, rc: int) -> None:
        if rc != 0:
            del self._reports.pending[token]  # refused: no report will come
            check(rc)

    def _publish(self, waiter: Any, channel: str, message: Optional[str], data: Any, event_class: Optional[str],
                 bucket: Optional[str], site: Optional[str], opaque: Any, block: float,
                 options: Dict[str, Any]) -> None:
        ms = _ms(block, "block") if block else 0
        with _Event.of(data, event_class, bucket, site, options) as ev:
            token = self._token(opaque, waiter)
            self._enqueue(token, lib.instant_publisher_publish(self._ptr, b(channel), b(message), ev.ptr, token, ms))

    def _publish_raw(self, waiter: Any, channel: str, data: Any, opaque: Any, block: float,
                     options: Dict[str, Any]) -> None:
        ms = _ms(block, "block") if block else 0
        payload = n.json_bytes(data)
        opts = PublishOptions.of(options)
        token = self._token(opaque, waiter)
        self._enqueue(token, lib.instant_publisher_publish_raw(self._ptr, b(channel), payload, len(payload),
                                                               opts and opts._h, token, ms))

    def _publish_binary(self, waiter: Any, channel: str, payload: bytes, opaque: Any, block: float,
                        options: Dict[str, Any]) -> None:
        ms = _ms(block, "block") if block else 0
        data = bytes(payload)
        opts = PublishOptions.of(options)
        token = self._token(opaque, waiter)
        self._enqueue(token, lib.instant_publisher_publish_binary(self._ptr, b(channel), data, len(data),
                                                                  opts and opts._h, token, ms))

    def _broadcast(self, waiter: Any, channels: Sequence[str], data: Any, opaque: Any, block: float,
                   options: Dict[str, Any]) -> None:
        ms = _ms(block, "block") if block else 0
        payload = n.json_bytes(data)
        names = [b(c) for c in channels]
        opts = PublishOptions.of(options)
        token = self._token(opaque, waiter)
        self._enqueue(token, lib.instant_publisher_broadcast(self._ptr, n.strv(names), len(names), payload,
                                                             len(payload), opts and opts._h, token, ms))

    def publish(self, channel: str, message: Optional[str] = None, *, data: Any = None,
                event_class: Optional[str] = None, bucket: Optional[str] = None, site: Optional[str] = None,
                opaque: Any = None, block: float = 0, **options: Any) -> None:
        """Queues django-instant's envelope {"channel","site","message"?,"data"?,
        "event_class"?,"bucket"?} for channel, as Client.publish sends it
        (options: tags, skip_history, idempotency_key, delta, version,
        version_epoch). block: seconds to wait for room in the queue (0:
        QueueFull at once). opaque: any object, handed back in the report."""
        self._publish(None, channel, message, data, event_class, bucket, site, opaque, block, options)

    def publish_raw(self, channel: str, data: Any, *, opaque: Any = None, block: float = 0,
                    **options: Any) -> None:
        """Queues Centrifugo's publish as is: data is a JSON value, or JSON text (str/bytes)."""
        self._publish_raw(None, channel, data, opaque, block, options)

    def publish_binary(self, channel: str, payload: bytes, *, opaque: Any = None, block: float = 0,
                       **options: Any) -> None:
        """Queues raw bytes (sent as b64data)."""
        self._publish_binary(None, channel, payload, opaque, block, options)

    def broadcast(self, channels: Sequence[str], data: Any, *, opaque: Any = None, block: float = 0,
                  **options: Any) -> None:
        """Queues one publication of data into every channel: one report,
        delivered when every channel stored it (its channel is the first)."""
        self._broadcast(None, channels, data, opaque, block, options)

    # The same four returning a concurrent.futures.Future of the report: its
    # result() is the DeliveryReport, or raises the failure's exception (its
    # `report` attribute is the report). The future cannot be cancelled: the
    # publication is on its way.

    def submit(self, channel: str, message: Optional[str] = None, *, data: Any = None,
               event_class: Optional[str] = None, bucket: Optional[str] = None, site: Optional[str] = None,
               opaque: Any = None, block: float = 0, **options: Any) -> "concurrent.futures.Future[DeliveryReport]":
        """publish() returning a Future of the report."""
        fut = _future()
        self._publish(fut, channel, message, data, event_class, bucket, site, opaque, block, options)
        return fut

    def submit_raw(self, channel: str, data: Any, *, opaque: Any = None, block: float = 0,
                   **options: Any) -> "concurrent.futures.Future[DeliveryReport]":
        """publish_raw() returning a Future of the report."""
        fut = _future()
        self._publish_raw(fut, channel, data, opaque, block, options)
        return fut

    def submit_binary(self, channel: str, payload: bytes, *, opaque: Any = None, block: float = 0,
                      **options: Any) -> "concurrent.futures.Future[DeliveryReport]":
        """publish_binary() returning a Future of the report."""
        fut = _future()
        self._publish_binary(fut, channel, payload, opaque, block, options)
        return fut

    def submit_broadcast(self, channels: Sequence[str], data: Any, *, opaque: Any = None, block: float = 0,
                         **options: Any) -> "concurrent.futures.Future[DeliveryReport]":
        """broadcast() returning a Future of the report."""
        fut = _future()
        self._broadcast(fut, channels, data, opaque, block, options)
        return fut

    # The same four for asyncio, called from a coroutine: an asyncio future of
    # the report (await it: the DeliveryReport, or the failure's exception),
    # resolved in the running loop. They never wait for room (QueueFull at
    # once), so the loop is never blocked. Cancelling the future does not stop
    # the publication.

    def apublish(self, channel: str, message: Optional[str] = None, *, data: Any = None,
                 event_class: Optional[str] = None, bucket: Optional[str] = None, site: Optional[str] = None,
                 opaque: Any = None, **options: Any) -> "asyncio.Future[DeliveryReport]":
        """publish() returning an asyncio future of the report."""
        waiter = _loop_future()
        self._publish(waiter, channel, message, data, event_class, bucket, site, opaque, 0, options)
        return waiter[1]

    def apublish_raw(self, channel: str, data: Any, *, opaque: Any = None,
                     **options: Any) -> "asyncio.Future[DeliveryReport]":
        """publish_raw() returning an asyncio future of the report."""
        waiter = _loop_future()
        self._publish_raw(waiter, channel, data, opaque, 0, options)
        return waiter[1]

    def apublish_binary(self, channel: str, payload: bytes, *, opaque: Any = None,
                        **options: Any) -> "asyncio.Future[DeliveryReport]":
        """publish_binary() returning an asyncio future of the report."""
        waiter = _loop_future()
        self._publish_binary(waiter, channel, payload, opaque, 0, options)
        return waiter[1]

    def abroadcast(self, channels: Sequence[str], data: Any, *, opaque: Any = None,
                   **options: Any) -> "asyncio.Future[DeliveryReport]":
        """broadcast() returning an asyncio future of the report."""
        waiter = _loop_future()
        self._broadcast(waiter, channels, data, opaque, 0, options)
        return waiter[1]

    # ---- draining and statistics ---------------------------------------------------------

    def flush(self, timeout: Optional[float] = None) -> None:
        """Sends what is queued without lingering and waits until every
        publication queued so far is reported (and its callback has run).
        timeout: seconds (None: no bound); Timeout when it passes first. Then
        raises the first exception on_delivery raised since the last flush or
        close, if any. Waits in slices, so Ctrl-C interrupts it."""
        deadline = None if timeout is None else _ms(timeout, "timeout")
        waited = 0
        while True:
            step = 200 if deadline is None else min(200, deadline - waited)
            rc = lib.instant_publisher_flush(self._ptr, step)
            waited += step
            if rc != ErrorCode.ETIMEOUT or (deadline is not None and waited >= deadline):
                break
        self._reports.raise_first()
        if rc == ErrorCode.ETIMEOUT and deadline is not None:
            left = self.stats()["queued"]
            raise exception_for(rc, f"{left} publications not yet reported after {timeout} s")
        check(rc)

    def close(self, timeout: Optional[float] = None) -> None:
        """Stops accepting (publish raises Closed), flushes for up to timeout
        seconds (None: close_timeout), then reports what is left (queued:
        failed with Closed; in flight: possibly delivered) and stops the I/O
        thread: Timeout when something was left. Idempotent; stats() still
        works afterwards. Then raises the first exception on_delivery raised
        since the last flush or close, if any."""
        rc = lib.instant_publisher_close(self._ptr, _ms(self._close_timeout if timeout is None else timeout,
                                                       "timeout"))
        self._reports.raise_first()
        check(rc)

    def purge(self) -> int:
        """Drops every queued publication not yet sent (each reported failed
        with Purged); those on the wire finish. Returns how many."""
        count = ctypes.c_size_t()
        check(lib.instant_publisher_purge(ctypes.byref(count), self._ptr))
        return count.value

    def stats(self) -> Dict[str, Any]:
        """Counters since start: enqueued, delivered, failed, possibly_delivered,
        purged, retried, batches, bytes, queue_full, queued, queued_bytes,
        in_flight, connections_opened, latency_us {p50,p90,p99,max},
        endpoints [{url,requests,failures,current}]; and callback_errors
        (exceptions on_delivery raised)."""
        stats = n.call_json(lib.instant_publisher_stats_json, self._ptr)
        stats["callback_errors"] = self._reports.errors
        return stats

    def stats_prometheus(self) -> str:
        """The C library's counters in Prometheus' text exposition format."""
        return n.call_string(lib.instant_publisher_stats_prometheus, self._ptr)

    @property
    def pending(self) -> int:
        """Publications accepted and not yet reported (their opaque objects and futures held)."""
        return len(self._reports.pending)

    # ---- lifetime ------------------------------------------------------------------------

    def _free_handle(self) -> None:
        """Frees the C publisher (closing it first for close_timeout when still open)."""
        _open.discard(self)
        h, self._h = self._h, None
        if not h:
            return
        if threading.get_ident() == self._reports.io.ident:
            # Dropped or collected inside its own delivery callback: the I/O thread cannot join itself.
            threading.Thread(target=_free, args=(h, self._callback), name="instant-publisher-free").start()
        else:
            _free(h, self._callback)

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._free_handle()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
