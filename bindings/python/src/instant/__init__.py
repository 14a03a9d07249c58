"""instant: Centrifugo publishing, tokens and channel authorization for Python,
over instant's C ABI (libinstant_c, shipped inside this package).

    import instant
    client = instant.Client()                       # CENTRIFUGO_URL, CENTRIFUGO_API_KEY, ...
    pos = client.publish("public", "Hello", data={"n": 1}, event_class="important")
    signer = instant.Signer.from_env()              # CENTRIFUGO_HMAC_KEY
    token = signer.connection_token("alice")

Client (sync, shareable between threads; apublish & co. are awaitable),
Publisher (asynchronous: publish returns at once, one DeliveryReport per
publication through a callback, a Future or an awaitable),
Signer / Verifier (JWTs), Registry / User / bundle (django-instant's channels
and endpoint payload), ProxyHandler (Centrifugo's proxies), genconfig (a
Centrifugo config). Errors are InstantError subclasses (instant.errors).
"""
from __future__ import annotations

from ._native import lib as _lib
from .channels import Channel, Level, Registry, User, bundle, channel_namespace, private_name, validate_channel
from .client import Batch, BatchReply, BroadcastItem, Client, Outcome, Position, PublishOptions
from .errors import (AlreadyExists, CentrifugoError, Closed, ConfigError, ErrorCode, Forbidden, HTTPStatusError,
                     InstantError, InternalError, InvalidArgument, MalformedReply, NotFound, PartialFailure,
                     PublisherError, Purged, QueueFull, ServerError, StorageError, Timeout, TokenError,
                     TransportError, Unauthorized)
from .genconfig import GeneratedConfig, genconfig, random_secret
from .proxy import PROXY_KINDS, ProxyHandler, ProxyRequest
from .publisher import Delivery, DeliveryReport, Publisher
from .tokens import Signer, VerifiedToken, Verifier, jwks

__all__ = [
    "Client", "Position", "PublishOptions", "Outcome", "BroadcastItem", "Batch", "BatchReply",
    "Publisher", "DeliveryReport", "Delivery",
    "Signer", "Verifier", "VerifiedToken", "jwks",
    "Level", "Channel", "User", "Registry", "bundle", "validate_channel", "channel_namespace", "private_name",
    "ProxyHandler", "ProxyRequest", "PROXY_KINDS",
    "genconfig", "GeneratedConfig", "random_secret",
    "ErrorCode", "InstantError", "InvalidArgument", "ConfigError", "CentrifugoError", "TransportError",
    "Timeout", "Unauthorized", "HTTPStatusError", "ServerError", "MalformedReply", "PartialFailure",
    "TokenError", "NotFound", "AlreadyExists", "Forbidden", "StorageError", "InternalError",
    "PublisherError", "QueueFull", "Purged", "Closed",
    "version", "strerror", "__version__",
]


def version() -> str:
    """The version of the libinstant_c inside this package ("0.2.0")."""
    return _lib.instant_version_string().decode()


def strerror(code: int) -> str:
    """The C library's static description of an error code."""
    return _lib.instant_strerror(code).decode()


__version__ = version()
