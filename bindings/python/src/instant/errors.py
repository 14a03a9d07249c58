"""instant's exceptions: one small hierarchy over the C ABI's error codes.

Every exception carries `code` (an ErrorCode, the C ABI's stable negative
number), `kind` (its name: "timeout", "server_error", ...), `message` (never
holds a secret), `http_status` (0 without an HTTP reply) and `server_code`
(Centrifugo's error code, 0 when the server sent none); an exception that
reports a Publisher's failed publication also carries that `report` (a
DeliveryReport; None otherwise).

    InstantError
    ├── InvalidArgument (also ValueError)  invalid_argument, invalid_json, invalid_utf8,
    │                                      too_large, invalid_channel
    ├── ConfigError                        config, weak_key, key
    ├── CentrifugoError                    talking to the server failed
    │   ├── TransportError                 transport (refused, DNS, TLS)
    │   ├── Timeout (also TimeoutError)    timeout
    │   ├── Unauthorized                   unauthorized (HTTP 401: wrong API key)
    │   ├── HTTPStatusError                http_status (another non-200 status)
    │   ├── ServerError                    server_error (see server_code)
    │   ├── MalformedReply                 malformed_reply
    │   └── PartialFailure                 partial_failure (some batch/broadcast items)
    ├── TokenError                         token_* (kind says which check failed)
    ├── NotFound (also LookupError)        not_found
    ├── AlreadyExists                      already_exists
    ├── Forbidden                          forbidden
    ├── StorageError (also OSError)        io
    ├── InternalError                      internal
    └── PublisherError                     the asynchronous Publisher
        ├── QueueFull                      queue_full (at its message or byte bound)
        ├── Purged                         purged (dropped by purge() before it was sent)
        └── Closed                         closed (nothing more is accepted)
"""
from __future__ import annotations

import enum
from typing import Any, Dict, NoReturn, Type, Union

__all__ = [
    "ErrorCode", "InstantError", "InvalidArgument", "ConfigError", "CentrifugoError", "TransportError",
    "Timeout", "Unauthorized", "HTTPStatusError", "ServerError", "MalformedReply", "PartialFailure",
    "TokenError", "NotFound", "AlreadyExists", "Forbidden", "StorageError", "InternalError",
    "PublisherError", "QueueFull", "Purged", "Closed",
]


class ErrorCode(enum.IntEnum):
    """The C ABI's error codes (instant.h); stable, never change meaning."""

    OK = 0
    EINVAL = -1
    ETRANSPORT = -2
    ETIMEOUT = -3
    EUNAUTHORIZED = -4
    EHTTP = -5
    ESERVER = -6
    EMALFORMED = -7
    EPARTIAL = -8
    EJSON = -9
    EUTF8 = -10
    ETOOLARGE = -11
    ECHANNEL = -12
    ECONFIG = -13
    ETOKEN_MALFORMED = -20
    ETOKEN_SIGNATURE = -21
    ETOKEN_EXPIRED = -22
    ETOKEN_NOT_YET_VALID = -23
    ETOKEN_ALGORITHM = -24
    ETOKEN_AUDIENCE = -25
    ETOKEN_ISSUER = -26
    ETOKEN_KID = -27
    ETOKEN_CLAIM = -28
    EWEAKKEY = -29
    EKEY = -30
    EIO = -40
    ENOTFOUND = -41
    EEXISTS = -42
    EFORBIDDEN = -43
    EINTERNAL = -50
    EQUEUEFULL = -60
    EPURGED = -61
    ECLOSED = -62


# The kind names of instant::errc (include/instant/error.hpp).
KINDS: Dict[int, str] = {
    -1: "invalid_argument", -2: "transport", -3: "timeout", -4: "unauthorized", -5: "http_status",
    -6: "server_error", -7: "malformed_reply", -8: "partial_failure", -9: "invalid_json",
    -10: "invalid_utf8", -11: "too_large", -12: "invalid_channel", -13: "config",
    -20: "token_malformed", -21: "token_signature", -22: "token_expired", -23: "token_not_yet_valid",
    -24: "token_algorithm", -25: "token_audience", -26: "token_issuer", -27: "token_kid",
    -28: "token_claim", -29: "weak_key", -30: "key", -40: "io", -41: "not_found",
    -42: "already_exists", -43: "forbidden", -50: "internal", -60: "queue_full", -61: "purged", -62: "closed",
}


class InstantError(Exception):
    """A failed instant call. Attributes: code, kind, message, http_status, server_code,
    report (the Publisher's DeliveryReport of a failed publication, else None)."""

    report: Any = None

    def __init__(self, code: int, message: str, http_status: int = 0, server_code: int = 0) -> None:
        try:
            self.code: Union[ErrorCode, int] = ErrorCode(code)
        except ValueError:
            self.code = code  # a code newer than this package
        self.kind: str = KINDS.get(code, "unknown")
        self.message = message
        self.http_status = http_status
        self.server_code = server_code
        Exception.__init__(self, f"{self.kind}: {message}")

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"

    def __reduce__(self) -> Any:  # picklable across processes
        return (_rebuild, (type(self), int(self.code), self.message, self.http_status, self.server_code))


def _rebuild(cls: Type[InstantError], *args: Any) -> InstantError:
    return cls(*args)


class InvalidArgument(InstantError, ValueError):
    """Bad input, caught before any I/O (argument, JSON, UTF-8, size, channel name)."""


class ConfigError(InstantError):
    """Missing or unusable settings: API key, URL, HMAC key (weak_key), PEM key (key)."""


class CentrifugoError(InstantError):
    """Talking to Centrifugo failed; the subclass says how."""


class TransportError(CentrifugoError):
    """Connection refused, DNS or TLS failure, connection reset."""


class Timeout(CentrifugoError, TimeoutError):
    """The connect or request timeout elapsed."""


class Unauthorized(CentrifugoError):
    """HTTP 401: Centrifugo does not accept the API key."""


class HTTPStatusError(CentrifugoError):
    """Centrifugo answered an HTTP status other than 200 and 401 (http_status)."""


class ServerError(CentrifugoError):
    """Centrifugo replied with an error (server_code: 102 unknown channel, 108 not available, ...)."""


class MalformedReply(CentrifugoError):
    """The reply was not what Centrifugo sends."""


class PartialFailure(CentrifugoError):
    """Some items of a batch or broadcast failed."""


class TokenError(InstantError):
    """A token failed a check; kind says which (token_expired, token_signature, ...)."""


class NotFound(InstantError, LookupError):
    """No such channel or entry."""


class AlreadyExists(InstantError):
    """The channel or file exists already."""


class Forbidden(InstantError):
    """Authorization denied (an anonymous user's bundle, ...)."""


class StorageError(InstantError, OSError):
    """A file could not be read or written."""

    def __init__(self, code: int, message: str, http_status: int = 0, server_code: int = 0) -> None:
        InstantError.__init__(self, code, message, http_status, server_code)

    def __str__(self) -> str:
        return InstantError.__str__(self)


class InternalError(InstantError):
    """A bug in instant or out of memory."""


class PublisherError(InstantError):
    """The asynchronous Publisher refused or dropped an event."""


class QueueFull(PublisherError):
    """The Publisher's queue is at its message or byte bound (retry later, or flush)."""


class Purged(PublisherError):
    """The event was dropped from the queue by purge() before it was sent."""


class Closed(PublisherError):
    """The Publisher is closed (or closing): nothing more is accepted."""


_CLASSES: Dict[int, Type[InstantError]] = {
    -1: InvalidArgument, -9: InvalidArgument, -10: InvalidArgument, -11: InvalidArgument,
    -12: InvalidArgument, -13: ConfigError, -29: ConfigError, -30: ConfigError,
    -2: TransportError, -3: Timeout, -4: Unauthorized, -5: HTTPStatusError, -6: ServerError,
    -7: MalformedReply, -8: PartialFailure, -40: StorageError, -41: NotFound, -42: AlreadyExists,
    -43: Forbidden, -50: InternalError, -60: QueueFull, -61: Purged, -62: Closed,
}
for _code in range(-28, -19):
    _CLASSES[_code] = TokenError


def exception_for(code: int, message: str, http_status: int = 0, server_code: int = 0) -> InstantError:
    """The exception of the class that code maps to."""
    return _CLASSES.get(code, InstantError)(code, message, http_status, server_code)


def raise_last_error(code: int, lib: Any) -> NoReturn:
    """Raises the calling thread's last error (recorded by the call that returned code)."""
    raise exception_for(code, lib.instant_last_error_message().decode("utf-8", "replace"),
                        lib.instant_last_error_http_status(), lib.instant_last_error_server_code())
