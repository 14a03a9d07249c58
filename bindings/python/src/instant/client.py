"""Client: Centrifugo's server HTTP API (libinstant_c's instant_client).

A Client may be shared by many threads (pooled keep-alive connections; each
call releases the GIL while it waits on the network). Every call blocks; the
`a`-prefixed methods (apublish, ...) are awaitable forms that run the call in
the event loop's default executor.
"""
from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import functools
import json
import threading
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from . import _native as n
from ._native import b, check, lib
from .errors import ErrorCode, exception_for

__all__ = ["Client", "Position", "PublishOptions", "Outcome", "BroadcastItem", "Batch", "BatchReply"]

_ENVELOPES = {"object": 0, "string": 1}


class Position(NamedTuple):
    """A publication's place in its channel's stream (offset 0 and epoch "" when
    the channel keeps no history)."""

    offset: int
    epoch: str


class PublishOptions(n.Handle):
    """Centrifugo publish fields beyond channel and data, as one reusable object."""

    _free = lib.instant_publish_options_free

    def __init__(self, *, tags: Optional[Mapping[str, str]] = None, skip_history: bool = False,
                 idempotency_key: Optional[str] = None, delta: bool = False,
                 version: int = 0, version_epoch: Optional[str] = None) -> None:
        self._adopt(n.new_handle(lib.instant_publish_options_new))
        h = self._h
        for k, v in (tags or {}).items():
            check(lib.instant_publish_options_add_tag(h, b(k), b(v)))
        if skip_history:
            check(lib.instant_publish_options_set_skip_history(h, 1))
        if idempotency_key:
            check(lib.instant_publish_options_set_idempotency_key(h, b(idempotency_key)))
        if delta:
            check(lib.instant_publish_options_set_delta(h, 1))
        if version:
            check(lib.instant_publish_options_set_version(h, version, b(version_epoch)))

    @classmethod
    def of(cls, options: Dict[str, Any]) -> Optional["PublishOptions"]:
        """The keyword options of a publish call as an object, None when there are none."""
        return cls(**options) if options else None


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One item's outcome in a broadcast or batch: ok, or the error (code,
    message, server_code); offset/epoch of a publication kept in history."""

    ok: bool
    offset: int
    epoch: str
    code: int
    message: str
    server_code: int

    def error(self) -> Optional[Exception]:
        """The item's failure as an exception (None when ok)."""
        return None if self.ok else exception_for(self.code, self.message, 0, self.server_code)


@dataclasses.dataclass(frozen=True)
class BroadcastItem(Outcome):
    """One channel's outcome in a broadcast."""

    channel: str = ""


@dataclasses.dataclass(frozen=True)
class BatchReply(Outcome):
    """One command's reply in a batch: its method and its result (a dict, None on error)."""

    method: str = ""
    result: Optional[Dict[str, Any]] = None


class Batch(n.Handle):
    """Many server API commands sent in one request (Client.batch). Not
    thread-safe to build; replies come back in command order."""

    _free = lib.instant_batch_free

    def __init__(self, parallel: bool = False) -> None:
        self._adopt(n.new_handle(lib.instant_batch_new))
        if parallel:
            check(lib.instant_batch_set_parallel(self._h, 1))

    def publish(self, channel: str, data: Any, **options: Any) -> "Batch":
        """Adds a publish of data (JSON text, bytes or a JSON value); options as for Client.publish_raw."""
        payload = n.json_bytes(data)
        opts = PublishOptions.of(options)
        check(lib.instant_batch_add_publish(self._ptr, b(channel), payload, len(payload), opts and opts._h))
        return self

    def broadcast(self, channels: Sequence[str], data: Any, **options: Any) -> "Batch":
        """Adds a broadcast of data into channels."""
        payload = n.json_bytes(data)
        names = [b(c) for c in channels]
        opts = PublishOptions.of(options)
        check(lib.instant_batch_add_broadcast(self._ptr, n.strv(names), len(names), payload, len(payload),
                                              opts and opts._h))
        return self

    def command(self, method: str, params: Any) -> "Batch":
        """Adds any server API command (params: a dict or JSON object text)."""
        check(lib.instant_batch_add_command(self._ptr, b(method), n.json_bytes(params)))
        return self

    def __len__(self) -> int:
        return int(lib.instant_batch_size(self._ptr))


class _Event(n.Handle):
    """The envelope fields beyond channel and message (an instant_event), for
    one call in a `with` block; ptr is None (NULL) when none is set."""

    _free = lib.instant_event_free

    @classmethod
    def of(cls, data: Any, event_class: Optional[str], bucket: Optional[str], site: Optional[str],
           options: Dict[str, Any]) -> "_Event":
        if not event_class and not bucket and site is None and not options:
            if data is None:
                return _NO_EVENT
            return _ScratchEvent.with_data(n.json_bytes(data))
        self = cls()
        self._adopt(n.new_handle(lib.instant_event_new))
        if data is not None:
            check(lib.instant_event_set_data(self._h, n.json_bytes(data)))
        if event_class:
            check(lib.instant_event_set_event_class(self._h, b(event_class)))
        if bucket:
            check(lib.instant_event_set_bucket(self._h, b(bucket)))
        if site is not None:
            check(lib.instant_event_set_site(self._h, b(site)))
        if options:
            opts = PublishOptions(**options)  # alive until the event has copied it
            check(lib.instant_event_set_options(self._h, opts._h))
        return self

    @property
    def ptr(self) -> Optional[ctypes.c_void_p]:
        return self._h


_NO_EVENT = _Event()
_scratch = threading.local()


class _ScratchEvent(_Event):
    """A thread's reused event for the common call, data and nothing else
    (set_data replaces the data): no new and free per publish (bench/python).
    In use from with_data() to the `with` block's end, so a call re-entered on
    the same thread (a signal handler) takes a fresh one; freed with its thread."""

    busy = False

    @classmethod
    def with_data(cls, payload: bytes) -> "_Event":
        ev = getattr(_scratch, "event", None)
        if ev is None or ev.busy:
            ev = cls()
            ev._adopt(n.new_handle(lib.instant_event_new))
            if getattr(_scratch, "event", None) is None:
                _scratch.event = ev
        ev.busy = True
        try:
            check(lib.instant_event_set_data(ev._h, payload))
        except BaseException:
            ev.busy = False
            raise
        return ev

    def close(self) -> None:
        self.busy = False  # kept for the thread's next call

    def __del__(self) -> None:
        try:
            n.Handle.close(self)
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _async(method: Any) -> Any:
    """The awaitable form of a blocking Client method (runs in the loop's default executor)."""

    @functools.wraps(method)
    async def run(self: "Client", *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(method, self, *args, **kwargs))

    run.__doc__ = f"Awaitable {method.__name__}(): runs it in the event loop's default executor."
    return run


class _Config(n.Handle):
    """An instant_config: the environment's settings (from_env) or the
    defaults, then the keyword settings Client and Publisher share. Seconds
    for timeouts; envelope "object" or "string"."""

    _free = lib.instant_config_free

    def __init__(self, from_env: bool, url: Optional[str] = None, api_key: Optional[str] = None, *,
                 site: Optional[str] = None, timeout: Optional[float] = None,
                 connect_timeout: Optional[float] = None, verify_tls: Optional[bool] = None,
                 ca_file: Optional[str] = None, proxy: Optional[str] = None,
                 envelope: Optional[str] = None, legacy_api: Optional[bool] = None,
                 max_payload: Optional[int] = None, max_reply: Optional[int] = None,
                 idempotency_keys: Optional[bool] = None) -> None:
        self._adopt(n.new_handle(lib.instant_config_from_env if from_env else lib.instant_config_new))
        try:
            cfg = self._h
            if url is not None:
                check(lib.instant_config_set_url(cfg, b(url)))
            if api_key is not None:
                check(lib.instant_config_set_api_key(cfg, b(api_key)))
            if site is not None:
                check(lib.instant_config_set_site(cfg, b(site)))
            if timeout is not None:
                check(lib.instant_config_set_timeout_ms(cfg, _ms(timeout)))
            if connect_timeout is not None:
                check(lib.instant_config_set_connect_timeout_ms(cfg, _ms(connect_timeout)))
            if verify_tls is not None:
                check(lib.instant_config_set_verify_tls(cfg, int(bool(verify_tls))))
            if ca_file is not None:
                check(lib.instant_config_set_ca_file(cfg, b(ca_file)))
            if proxy is not None:
                check(lib.instant_config_set_proxy(cfg, b(proxy)))
            if envelope is not None:
                if envelope not in _ENVELOPES:
                    raise ValueError(f"envelope must be 'object' or 'string', not {envelope!r}")
                check(lib.instant_config_set_envelope_encoding(cfg, _ENVELOPES[envelope]))
            if legacy_api is not None:
                check(lib.instant_config_set_api_mode(cfg, int(bool(legacy_api))))
            if max_payload is not None:
                check(lib.instant_config_set_max_payload(cfg, max_payload))
            if max_reply is not None:
                check(lib.instant_config_set_max_reply(cfg, max_reply))
            if idempotency_keys is not None:
                check(lib.instant_config_set_idempotency_keys(cfg, int(bool(idempotency_keys))))
            self.url: str = n.text(lib.instant_config_url(cfg))
            self.site: str = n.text(lib.instant_config_site(cfg))
        except BaseException:
            self.close()
            raise


class Client(n.Handle):
    """A Centrifugo server API client.

    Client() reads the environment like django-instant's settings
    (CENTRIFUGO_URL, or CENTRIFUGO_HOST + CENTRIFUGO_PORT; CENTRIFUGO_API_KEY;
    SITE_NAME; INSTANT_TIMEOUT_MS, ...); keyword arguments override it, and
    from_env=False starts from the defaults instead. Timeouts are in seconds.
    envelope="string" sends the django-instant envelope as a JSON string (for
    frontends written for django-instant). max_payload / max_reply bound the
    bytes sent and read. idempotency_keys (on by default) gives every publish
    without its own key a generated one, so a resend after a lost reply is
    dropped by Centrifugo. No I/O happens here.
    """

    _free = lib.instant_client_free

    def __init__(self, url: Optional[str] = None, api_key: Optional[str] = None, *,
                 site: Optional[str] = None, timeout: Optional[float] = None,
                 connect_timeout: Optional[float] = None, verify_tls: Optional[bool] = None,
                 ca_file: Optional[str] = None, proxy: Optional[str] = None,
                 envelope: Optional[str] = None, legacy_api: Optional[bool] = None,
                 max_payload: Optional[int] = None, max_reply: Optional[int] = None,
                 idempotency_keys: Optional[bool] = None, from_env: bool = True) -> None:
        with _Config(from_env, url, api_key, site=site, timeout=timeout, connect_timeout=connect_timeout,
                     verify_tls=verify_tls, ca_file=ca_file, proxy=proxy, envelope=envelope,
                     legacy_api=legacy_api, max_payload=max_payload, max_reply=max_reply,
                     idempotency_keys=idempotency_keys) as cfg:
            self.url: str = cfg.url
            self.site: str = cfg.site
            self._adopt(n.new_handle(lib.instant_client_new, cfg._h))

    @classmethod
    def from_env(cls) -> "Client":
        """A client configured from the environment only."""
        return cls()

    def __repr__(self) -> str:
        return f"<instant.Client {self.url}{'' if self._h else ' closed'}>"

    # ---- publishing ----------------------------------------------------------------------

    def publish(self, channel: str, message: Optional[str] = None, *, data: Any = None,
                event_class: Optional[str] = None, bucket: Optional[str] = None, site: Optional[str] = None,
                **options: Any) -> Position:
        """django-instant's publish: the envelope {"channel","site","message"?,"data"?,
        "event_class"?,"bucket"?} into channel. Needs message or data (data: a
        JSON value, or JSON text as str/bytes). options: tags, skip_history,
        idempotency_key, delta, version, version_epoch. Returns the Position."""
        with _Event.of(data, event_class, bucket, site, options) as ev:
            pos = ctypes.c_void_p()
            check(lib.instant_client_publish(ctypes.byref(pos), self._ptr, b(channel), b(message), ev.ptr))
            return _position(pos)

    def publish_raw(self, channel: str, data: Any, **options: Any) -> Position:
        """Centrifugo's publish as is: data is a JSON value, or JSON text (str/bytes)."""
        payload = n.json_bytes(data)
        opts = PublishOptions.of(options)
        pos = ctypes.c_void_p()
        check(lib.instant_client_publish_raw(ctypes.byref(pos), self._ptr, b(channel), payload, len(payload),
                                             opts and opts._h))
        return _position(pos)

    def publish_binary(self, channel: str, payload: bytes, **options: Any) -> Position:
        """Publishes raw bytes (sent as b64data)."""
        data = bytes(payload)
        opts = PublishOptions.of(options)
        pos = ctypes.c_void_p()
        check(lib.instant_client_publish_binary(ctypes.byref(pos), self._ptr, b(channel), data, len(data),
                                                opts and opts._h))
        return _position(pos)

    def broadcast(self, channels: Sequence[str], data: Any, **options: Any) -> List[BroadcastItem]:
        """One publication of data into many channels; one BroadcastItem per
        channel, in order. Per-channel failures do not raise (see item.ok)."""
        payload = n.json_bytes(data)
        names = [b(c) for c in channels]
        opts = PublishOptions.of(options)
        res = ctypes.c_void_p()
        rc = lib.instant_client_broadcast(ctypes.byref(res), self._ptr, n.strv(names), len(names), payload,
                                          len(payload), opts and opts._h)
        return _broadcast_items(rc, res, channels)

    def broadcast_event(self, channels: Sequence[str], message: Optional[str] = None, *, data: Any = None,
                        event_class: Optional[str] = None, bucket: Optional[str] = None,
                        site: Optional[str] = None, **options: Any) -> List[BroadcastItem]:
        """The django-instant envelope into each channel (each names its own channel)."""
        names = [b(c) for c in channels]
        with _Event.of(data, event_class, bucket, site, options) as ev:
            res = ctypes.c_void_p()
            rc = lib.instant_client_broadcast_event(ctypes.byref(res), self._ptr, n.strv(names), len(names),
                                                    b(message), ev.ptr)
            return _broadcast_items(rc, res, channels)

    def batch(self, batch: Batch) -> List[BatchReply]:
        """Sends a Batch; one BatchReply per command, in order. Per-command
        failures do not raise (see reply.ok)."""
        res = ctypes.c_void_p()
        rc = lib.instant_client_batch(ctypes.byref(res), self._ptr, batch._ptr)
        if rc not in (0, ErrorCode.EPARTIAL):
            check(rc)
        try:
            out = []
            for i in range(lib.instant_batch_result_count(res)):
                fields = _outcome(res, i, "batch")
                body = n.text(lib.instant_batch_result_json(res, i))
                out.append(BatchReply(**fields, method=n.text(lib.instant_batch_result_method(res, i)),
                                      result=json.loads(body) if fields["ok"] and body else None))
            return out
        finally:
            lib.instant_batch_result_free(res)

    # ---- the rest of the server API ------------------------------------------------------

    def history(self, channel: str, limit: Optional[int] = None, since: Optional[Tuple[int, str]] = None,
                reverse: bool = False) -> Dict[str, Any]:
        """The channel's history {"publications":[...],"offset","epoch"}: all
        kept publications by default (limit=None), limit=0 for the position
        only; since: a Position (or (offset, epoch))."""
        pos = None
        if since is not None:
            pos = n.new_handle(lib.instant_position_new, since[0], b(since[1]))
        try:
            return n.call_json(lib.instant_client_history, self._ptr, b(channel), -1 if limit is None else limit,
                               pos, 1 if reverse else 0)
        finally:
            lib.instant_position_free(pos)

    def history_remove(self, channel: str) -> None:
        """Removes the channel's history."""
        check(lib.instant_client_history_remove(self._ptr, b(channel)))

    def presence(self, channel: str) -> Dict[str, Any]:
        """{client id: {"client","user","conn_info"?,"chan_info"?}} of the channel's subscribers."""
        return n.call_json(lib.instant_client_presence, self._ptr, b(channel))

    def presence_stats(self, channel: str) -> Tuple[int, int]:
        """(num_clients, num_users) of the channel."""
        clients, users = ctypes.c_uint32(), ctypes.c_uint32()
        check(lib.instant_client_presence_stats(ctypes.byref(clients), ctypes.byref(users), self._ptr, b(channel)))
        return clients.value, users.value

    def channels(self, pattern: Optional[str] = None) -> Dict[str, Any]:
        """Active channels matching pattern (all by default): {name: num_clients}."""
        return n.call_json(lib.instant_client_channels, self._ptr, b(pattern))

    def info(self) -> Dict[str, Any]:
        """Centrifugo's node information {"nodes":[...]}."""
        return n.call_json(lib.instant_client_info, self._ptr)

    def subscribe(self, user: str, channel: str, *, client: Optional[str] = None, session: Optional[str] = None,
                  info: Any = None, data: Any = None, recover_since: Optional[Tuple[int, str]] = None) -> None:
        """Subscribes user's live connections (or one client / session) to channel."""
        pos = None
        if recover_since is not None:
            pos = n.new_handle(lib.instant_position_new, recover_since[0], b(recover_since[1]))
        try:
            check(lib.instant_client_subscribe(self._ptr, b(user), b(channel), b(client), b(session),
                                               None if info is None else n.json_bytes(info),
                                               None if data is None else n.json_bytes(data), pos))
        finally:
            lib.instant_position_free(pos)

    def unsubscribe(self, user: str, channel: str, *, client: Optional[str] = None,
                    session: Optional[str] = None) -> None:
        """Unsubscribes user (or one client / session) from channel."""
        check(lib.instant_client_unsubscribe(self._ptr, b(user), b(channel), b(client), b(session)))

    def disconnect(self, user: str, *, client: Optional[str] = None, session: Optional[str] = None,
                   whitelist: Iterable[str] = (), code: int = 0, reason: Optional[str] = None) -> None:
        """Disconnects user (or one client / session), keeping the whitelisted client ids."""
        keep = [b(c) for c in whitelist]
        check(lib.instant_client_disconnect(self._ptr, b(user), b(client), b(session), n.strv(keep), len(keep),
                                            code, b(reason)))

    def refresh(self, user: str, *, client: Optional[str] = None, session: Optional[str] = None,
                expired: bool = False, expire_at: int = 0) -> None:
        """Refreshes user's connections (expired=True marks them expired)."""
        check(lib.instant_client_refresh(self._ptr, b(user), b(client), b(session), int(expired), expire_at))

    def call(self, method: str, params: Any = None) -> Dict[str, Any]:
        """Any server API method; params a dict or JSON object text. Returns the result."""
        return n.call_json(lib.instant_client_call, self._ptr, b(method),
                           None if params is None else n.json_bytes(params))

    def stats(self) -> Tuple[int, int]:
        """(HTTP requests completed, TCP connections opened) by this client."""
        requests, opened = ctypes.c_uint64(), ctypes.c_uint64()
        check(lib.instant_client_stats(ctypes.byref(requests), ctypes.byref(opened), self._ptr))
        return requests.value, opened.value

    # ---- awaitable forms -----------------------------------------------------------------
    apublish = _async(publish)
    apublish_raw = _async(publish_raw)
    abroadcast = _async(broadcast)
    abatch = _async(batch)
    ahistory = _async(history)
    acall = _async(call)


def _ms(seconds: float) -> int:
    ms = int(round(seconds * 1000))
    if ms <= 0:
        raise ValueError("timeouts must be positive")
    return ms


def _position(pos: ctypes.c_void_p) -> Position:
    try:
        return Position(lib.instant_position_offset(pos), n.text(lib.instant_position_epoch(pos)))
    finally:
        lib.instant_position_free(pos)


def _broadcast_items(rc: int, res: ctypes.c_void_p, channels: Sequence[str]) -> List[BroadcastItem]:
    if rc not in (0, ErrorCode.EPARTIAL):
        check(rc)
    try:
        return [BroadcastItem(**_outcome(res, i, "broadcast"), channel=channels[i])
                for i in range(lib.instant_broadcast_result_count(res))]
    finally:
        lib.instant_broadcast_result_free(res)


def _outcome(res: ctypes.c_void_p, i: int, kind: str) -> Dict[str, Any]:
    """Item i of an instant_broadcast_result or instant_batch_result (kind)."""
    def get(field: str) -> Any:
        return getattr(lib, f"instant_{kind}_result_{field}")(res, i)

    code = get("code")
    return {"ok": code == 0, "offset": get("offset"), "epoch": n.text(get("epoch")), "code": code,
            "message": n.text(get("message")), "server_code": get("server_code")}
