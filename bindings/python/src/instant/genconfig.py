"""A Centrifugo config for the host's channels, with fresh secrets, and the
settings lines that go with it (django-instant's installws, done by instant).

    gc = genconfig(allowed_origins=["http://localhost:8000"], registry=reg,
                   proxies={"subscribe": "http://127.0.0.1:8001/centrifugo/subscribe"})
    gc.save("config.json")   # then: centrifugo -c config.json
    print(gc.settings)       # CENTRIFUGO_HOST=..., CENTRIFUGO_API_KEY=..., ...
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Mapping, Optional

from . import _native as n
from ._native import b, check, lib
from .channels import Registry
from .proxy import PROXY_KINDS

__all__ = ["genconfig", "GeneratedConfig", "random_secret"]


def random_secret(nbytes: int = 32) -> str:
    """nbytes bytes from the CSPRNG, hex-encoded."""
    return n.call_string(lib.instant_random_secret, nbytes)


class GeneratedConfig(n.Handle):
    """A generated Centrifugo config. Holds secrets: keep it out of logs."""

    _free = lib.instant_genconfig_free

    @property
    def json(self) -> str:
        """The config.json text."""
        return n.text(lib.instant_genconfig_json(self._ptr))

    @property
    def config(self) -> Dict[str, Any]:
        """The config as a dict."""
        return json.loads(self.json)

    @property
    def settings(self) -> str:
        """The matching settings as NAME=value lines (CENTRIFUGO_HOST, ..._API_KEY, ...)."""
        return n.text(lib.instant_genconfig_settings(self._ptr))

    @property
    def hmac_key(self) -> str:
        return n.text(lib.instant_genconfig_hmac_key(self._ptr))

    @property
    def api_key(self) -> str:
        return n.text(lib.instant_genconfig_api_key(self._ptr))

    def save(self, path: str, *, overwrite: bool = False) -> None:
        """Writes the config to path (mode 0600); AlreadyExists unless overwrite."""
        check(lib.instant_genconfig_save(self._ptr, b(path), int(overwrite)))

    def __repr__(self) -> str:
        return "<instant.GeneratedConfig (holds secrets)>"


def genconfig(*, host: str = "http://localhost", port: int = 8000, address: Optional[str] = None,
              site_name: Optional[str] = None, allowed_origins: Iterable[str] = (),
              registry: Optional[Registry] = None, presence: bool = True, history_size: int = 100,
              history_ttl: int = 300, admin: bool = True, usage_stats: bool = True,
              proxies: Optional[Mapping[str, str]] = None, hmac_key: Optional[str] = None,
              api_key: Optional[str] = None) -> GeneratedConfig:
    """Generates a Centrifugo config: http_server port and address (None:
    127.0.0.1, "" every interface), allowed
    origins, a namespace for each of the registry's channels, presence and
    history in each, the admin UI, proxy endpoints (proxies: {"connect"|
    "refresh"|"subscribe"|"sub_refresh": url}), and secrets from the CSPRNG
    unless hmac_key / api_key are given."""
    opts = n.new_handle(lib.instant_genconfig_options_new)
    try:
        check(lib.instant_genconfig_options_set_host(opts, b(host), port))
        if address is not None:
            check(lib.instant_genconfig_options_set_address(opts, b(address)))
        if site_name is not None:
            check(lib.instant_genconfig_options_set_site_name(opts, b(site_name)))
        for origin in allowed_origins:
            check(lib.instant_genconfig_options_add_allowed_origin(opts, b(origin)))
        if registry is not None:
            check(lib.instant_genconfig_options_set_channels(opts, registry._ptr))
        check(lib.instant_genconfig_options_set_namespace_defaults(opts, int(presence), history_size, history_ttl))
        check(lib.instant_genconfig_options_set_admin(opts, int(admin), int(usage_stats)))
        for kind, url in (proxies or {}).items():
            if kind not in PROXY_KINDS:
                raise ValueError(f"proxy kind must be one of {sorted(PROXY_KINDS)}, not {kind!r}")
            check(lib.instant_genconfig_options_set_proxy(opts, PROXY_KINDS[kind], b(url)))
        if hmac_key is not None or api_key is not None:
            check(lib.instant_genconfig_options_set_keys(opts, b(hmac_key), b(api_key)))
        gc = GeneratedConfig.__new__(GeneratedConfig)
        gc._adopt(n.new_handle(lib.instant_genconfig_generate, opts))
        return gc
    finally:
        lib.instant_genconfig_options_free(opts)
