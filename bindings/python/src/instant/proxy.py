"""Centrifugo's proxies (connect, refresh, subscribe, sub_refresh) answered
with the registry's rules: request body in, the reply to send with HTTP 200
out. The host owns HTTP and tells who the user is through a resolver.

    handler = ProxyHandler(registry, resolve, lifetimes=(86400, 86400))
    reply = handler.handle("subscribe", body, request.headers.items())

resolve(ProxyRequest) returns a User, or None for an unknown user; an
exception it raises becomes Centrifugo's internal-error reply (logged by
the host, never unwound through C). Thread-safe when resolve is.
"""
from __future__ import annotations

import ctypes
import json
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple, Union

from . import _native as n
from ._native import b, check, lib
from .channels import Registry, User

__all__ = ["ProxyRequest", "ProxyHandler", "PROXY_KINDS"]

PROXY_KINDS: Dict[str, int] = {"connect": 0, "refresh": 1, "subscribe": 2, "sub_refresh": 3}
Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class ProxyRequest:
    """The proxy request the resolver sees; valid only during the resolver call."""

    def __init__(self, handle: int) -> None:
        self._h = handle

    @property
    def user(self) -> str:
        """The request's user ("" when absent, as in a connect request)."""
        return n.text(lib.instant_proxy_request_user(self._h))

    @property
    def client(self) -> str:
        """Centrifugo's client id."""
        return n.text(lib.instant_proxy_request_client(self._h))

    @property
    def channel(self) -> str:
        """The channel ("" for connect and refresh)."""
        return n.text(lib.instant_proxy_request_channel(self._h))

    def header(self, name: str) -> Optional[str]:
        """A forwarded HTTP header (case-insensitive), None when absent."""
        v = lib.instant_proxy_request_header(self._h, b(name))
        return None if v is None else v.decode("utf-8", "replace")


class ProxyHandler(n.Handle):
    """Answers Centrifugo's proxy requests for one registry.

    anonymous_public: anonymous users get the public channels; lifetimes:
    (connection, subscription) seconds for expire_at (None: none);
    server_side: the connect result lists the user's channels;
    max_request_bytes: the largest body accepted."""

    _free = lib.instant_proxy_options_free

    def __init__(self, registry: Registry, resolve: Callable[[ProxyRequest], Optional[User]], *,
                 anonymous_public: bool = False, lifetimes: Optional[Tuple[int, int]] = None,
                 server_side: bool = False, max_request_bytes: Optional[int] = None) -> None:
        self._adopt(n.new_handle(lib.instant_proxy_options_new))
        if anonymous_public:
            check(lib.instant_proxy_options_set_anonymous_public(self._h, 1))
        if server_side:
            check(lib.instant_proxy_options_set_server_side(self._h, 1))
        if lifetimes is not None:
            check(lib.instant_proxy_options_set_lifetimes(self._h, lifetimes[0], lifetimes[1]))
        if max_request_bytes is not None:
            check(lib.instant_proxy_options_set_max_request_bytes(self._h, max_request_bytes))
        self.registry = registry
        self.resolve = resolve
        self._callback = n.RESOLVER(self._resolve)  # kept alive as long as the handler
        self.last_resolver_error: Optional[BaseException] = None

    def _resolve(self, out: Any, req: int, _userdata: Any) -> int:
        try:
            user = self.resolve(ProxyRequest(req))
            if user is not None:
                out[0] = user._release().value  # the library frees it
            return 0
        except BaseException as e:  # noqa: BLE001 - nothing may unwind through C
            self.last_resolver_error = e
            return 1

    def handle(self, kind: str, body: bytes, headers: Headers = ()) -> Dict[str, Any]:
        """The reply (a dict) to one proxy request of kind ("connect", "refresh",
        "subscribe", "sub_refresh"); send it as JSON with HTTP 200."""
        return json.loads(self.handle_bytes(kind, body, headers))

    def handle_bytes(self, kind: str, body: bytes, headers: Headers = ()) -> bytes:
        """handle() returning the reply's JSON bytes, ready to send."""
        if kind not in PROXY_KINDS:
            raise ValueError(f"kind must be one of {sorted(PROXY_KINDS)}, not {kind!r}")
        pairs = list(headers.items() if isinstance(headers, Mapping) else headers)
        names = [b(k) for k, _ in pairs]
        values = [b(v) for _, v in pairs]
        data = bytes(body)
        out = ctypes.c_void_p()
        check(lib.instant_proxy_handle(ctypes.byref(out), PROXY_KINDS[kind], self.registry._ptr, data, len(data),
                                       n.strv(names), n.strv(values), len(pairs), self._ptr, self._callback, None))
        try:
            return ctypes.string_at(out.value)
        finally:
            lib.instant_free(out)

    def connect(self, body: bytes, headers: Headers = ()) -> Dict[str, Any]:
        """The connect proxy's reply."""
        return self.handle("connect", body, headers)

    def refresh(self, body: bytes, headers: Headers = ()) -> Dict[str, Any]:
        """The refresh proxy's reply."""
        return self.handle("refresh", body, headers)

    def subscribe(self, body: bytes, headers: Headers = ()) -> Dict[str, Any]:
        """The subscribe proxy's reply."""
        return self.handle("subscribe", body, headers)

    def sub_refresh(self, body: bytes, headers: Headers = ()) -> Dict[str, Any]:
        """The sub_refresh proxy's reply."""
        return self.handle("sub_refresh", body, headers)
