"""instant.py - a small ctypes binding of libinstant_c (the C ABI of instant).

    import instant
    client = instant.Client(url="http://localhost:8000", api_key="...")
    offset, epoch = client.publish("news", "hello", data={"n": 1}, event_class="important")

The library is found through $INSTANT_C_LIBRARY (a path), else the system's
search path (libinstant_c.so.0). Failures raise instant.Error carrying the
C code, its name, the message, the HTTP status and Centrifugo's code.
Thread safety follows the C library: a Client may be shared between threads.
"""
import ctypes
import ctypes.util
import json
import os

__all__ = ["Error", "Client", "Signer", "Verifier", "User", "Registry", "ProxyRequest", "proxy_handle", "lib",
           "version", "strerror"]

# Error codes (include/instant/instant.h); stable, never change meaning.
CODES = {
    0: "OK", -1: "EINVAL", -2: "ETRANSPORT", -3: "ETIMEOUT", -4: "EUNAUTHORIZED", -5: "EHTTP",
    -6: "ESERVER", -7: "EMALFORMED", -8: "EPARTIAL", -9: "EJSON", -10: "EUTF8", -11: "ETOOLARGE",
    -12: "ECHANNEL", -13: "ECONFIG", -20: "ETOKEN_MALFORMED", -21: "ETOKEN_SIGNATURE",
    -22: "ETOKEN_EXPIRED", -23: "ETOKEN_NOT_YET_VALID", -24: "ETOKEN_ALGORITHM",
    -25: "ETOKEN_AUDIENCE", -26: "ETOKEN_ISSUER", -27: "ETOKEN_KID", -28: "ETOKEN_CLAIM",
    -29: "EWEAKKEY", -30: "EKEY", -40: "EIO", -41: "ENOTFOUND", -42: "EEXISTS", -43: "EFORBIDDEN",
    -50: "EINTERNAL",
}
globals().update({name: code for code, name in CODES.items()})


def _load():
    path = os.environ.get("INSTANT_C_LIBRARY") or ctypes.util.find_library("instant_c") or "libinstant_c.so.0"
    return ctypes.CDLL(path)


lib = _load()

_c = ctypes.c_char_p
_vp = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_sz = ctypes.c_size_t
_int = ctypes.c_int
_u64 = ctypes.c_uint64
_i64 = ctypes.c_int64
_u32 = ctypes.c_uint32
_str_out = ctypes.POINTER(ctypes.c_void_p)  # char** read as void* so we can free it
_strv = ctypes.POINTER(ctypes.c_char_p)
# instant_user_resolver_fn: int (*)(instant_user **out, const instant_proxy_request *req, void *userdata)
_RESOLVER = ctypes.CFUNCTYPE(_int, _pp, _vp, _vp)

_SIGNATURES = {
    "instant_strerror": (_c, [_int]),
    "instant_version": (_int, []),
    "instant_version_string": (_c, []),
    "instant_free": (None, [_vp]),
    "instant_last_error_code": (_int, []),
    "instant_last_error_message": (_c, []),
    "instant_last_error_http_status": (_int, []),
    "instant_last_error_server_code": (_int, []),
    "instant_config_new": (_int, [_pp]),
    "instant_config_from_env": (_int, [_pp]),
    "instant_config_free": (None, [_vp]),
    "instant_config_set_url": (_int, [_vp, _c]),
    "instant_config_set_api_key": (_int, [_vp, _c]),
    "instant_config_set_hmac_key": (_int, [_vp, _c]),
    "instant_config_set_site": (_int, [_vp, _c]),
    "instant_config_set_timeout_ms": (_int, [_vp, _i64]),
    "instant_config_set_connect_timeout_ms": (_int, [_vp, _i64]),
    "instant_config_set_envelope_encoding": (_int, [_vp, _int]),
    "instant_position_new": (_int, [_pp, _u64, _c]),
    "instant_position_free": (None, [_vp]),
    "instant_position_offset": (_u64, [_vp]),
    "instant_position_epoch": (_c, [_vp]),
    "instant_publish_options_new": (_int, [_pp]),
    "instant_publish_options_free": (None, [_vp]),
    "instant_publish_options_set_skip_history": (_int, [_vp, _int]),
    "instant_publish_options_add_tag": (_int, [_vp, _c, _c]),
    "instant_publish_options_set_idempotency_key": (_int, [_vp, _c]),
    "instant_event_new": (_int, [_pp]),
    "instant_event_free": (None, [_vp]),
    "instant_event_set_message": (_int, [_vp, _c]),
    "instant_event_set_data": (_int, [_vp, _c]),
    "instant_event_set_event_class": (_int, [_vp, _c]),
    "instant_event_set_bucket": (_int, [_vp, _c]),
    "instant_event_set_site": (_int, [_vp, _c]),
    "instant_event_set_options": (_int, [_vp, _vp]),
    "instant_client_new": (_int, [_pp, _vp]),
    "instant_client_free": (None, [_vp]),
    "instant_client_publish": (_int, [_pp, _vp, _c, _c, _vp]),
    "instant_client_publish_raw": (_int, [_pp, _vp, _c, _c, _sz, _vp]),
    "instant_client_publish_binary": (_int, [_pp, _vp, _c, _c, _sz, _vp]),
    "instant_client_broadcast": (_int, [_pp, _vp, _strv, _sz, _c, _sz, _vp]),
    "instant_broadcast_result_free": (None, [_vp]),
    "instant_broadcast_result_count": (_sz, [_vp]),
    "instant_broadcast_result_code": (_int, [_vp, _sz]),
    "instant_broadcast_result_message": (_c, [_vp, _sz]),
    "instant_broadcast_result_server_code": (_int, [_vp, _sz]),
    "instant_broadcast_result_offset": (_u64, [_vp, _sz]),
    "instant_broadcast_result_epoch": (_c, [_vp, _sz]),
    "instant_client_presence": (_int, [_str_out, _vp, _c]),
    "instant_client_presence_stats": (_int, [ctypes.POINTER(_u32), ctypes.POINTER(_u32), _vp, _c]),
    "instant_client_history": (_int, [_str_out, _vp, _c, _int, _vp, _int]),
    "instant_client_history_remove": (_int, [_vp, _c]),
    "instant_client_channels": (_int, [_str_out, _vp, _c]),
    "instant_client_info": (_int, [_str_out, _vp]),
    "instant_client_call": (_int, [_str_out, _vp, _c, _c]),
    "instant_algorithm_from_name": (_int, [ctypes.POINTER(_int), _c]),
    "instant_claims_new": (_int, [_pp]),
    "instant_claims_free": (None, [_vp]),
    "instant_claims_set_json": (_int, [_vp, _c]),
    "instant_signer_options_new": (_int, [_pp]),
    "instant_signer_options_free": (None, [_vp]),
    "instant_signer_options_set_lifetime": (_int, [_vp, _i64]),
    "instant_signer_options_set_kid": (_int, [_vp, _c]),
    "instant_signer_new_hmac": (_int, [_pp, _c, _sz, _int, _vp]),
    "instant_signer_new_pem": (_int, [_pp, _c, _int, _vp]),
    "instant_signer_free": (None, [_vp]),
    "instant_signer_connection_token": (_int, [_str_out, _vp, _vp]),
    "instant_signer_subscription_token": (_int, [_str_out, _vp, _vp]),
    "instant_signer_jwk": (_int, [_str_out, _vp]),
    "instant_signer_public_key_pem": (_int, [_str_out, _vp]),
    "instant_verifier_new": (_int, [_pp, _vp]),
    "instant_verifier_free": (None, [_vp]),
    "instant_verifier_add_hmac": (_int, [_vp, _c, _sz, _int, _c, _int]),
    "instant_verifier_add_signer": (_int, [_vp, _vp]),
    "instant_verifier_verify": (_int, [_pp, _vp, _c, _int]),
    "instant_verified_token_free": (None, [_vp]),
    "instant_verified_token_claims": (_c, [_vp]),
    "instant_level_from_name": (_int, [ctypes.POINTER(_int), _c]),
    "instant_user_new": (_int, [_pp, _c]),
    "instant_user_new_anonymous": (_int, [_pp]),
    "instant_user_free": (None, [_vp]),
    "instant_user_set_staff": (_int, [_vp, _int]),
    "instant_user_set_superuser": (_int, [_vp, _int]),
    "instant_user_add_group": (_int, [_vp, _c]),
    "instant_registry_new": (_int, [_pp, ctypes.c_uint]),
    "instant_registry_free": (None, [_vp]),
    "instant_registry_add": (_int, [_str_out, _vp, _c, _int, _strv, _sz, _int]),
    "instant_registry_remove": (_int, [_vp, _c]),
    "instant_registry_size": (_sz, [_vp]),
    "instant_registry_for_user": (_int, [_str_out, _vp, _vp, _int]),
    "instant_bundle_json": (_int, [_str_out, _vp, _vp, _vp, _c, _i64, _int, _int]),
    "instant_proxy_request_user": (_c, [_vp]),
    "instant_proxy_request_client": (_c, [_vp]),
    "instant_proxy_request_channel": (_c, [_vp]),
    "instant_proxy_request_header": (_c, [_vp, _c]),
    "instant_proxy_options_new": (_int, [_pp]),
    "instant_proxy_options_free": (None, [_vp]),
    "instant_proxy_options_set_anonymous_public": (_int, [_vp, _int]),
    "instant_proxy_options_set_lifetimes": (_int, [_vp, _i64, _i64]),
    "instant_proxy_options_set_server_side": (_int, [_vp, _int]),
    "instant_proxy_handle": (_int, [_str_out, _int, _vp, _c, _sz, _strv, _strv, _sz, _vp, _RESOLVER, _vp]),
}
for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args


class Error(Exception):
    """A failed call: code (negative int), name ("ESERVER"), message,
    http_status and server_code (0 when absent)."""

    def __init__(self, code, message, http_status=0, server_code=0):
        self.code = code
        self.name = CODES.get(code, "E?")
        self.message = message
        self.http_status = http_status
        self.server_code = server_code
        super().__init__(f"{self.name} ({code}): {message}")


def _b(s):
    return None if s is None else s.encode("utf-8") if isinstance(s, str) else bytes(s)


def _check(rc):
    if rc != 0:
        raise Error(rc, lib.instant_last_error_message().decode("utf-8", "replace"),
                    lib.instant_last_error_http_status(), lib.instant_last_error_server_code())
    return rc


def _take_string(ptr):
    try:
        return ctypes.string_at(ptr.value).decode("utf-8")
    finally:
        lib.instant_free(ptr)


def version():
    """The library version string ("0.1.0")."""
    return lib.instant_version_string().decode()


def strerror(code):
    """The static description of an error code."""
    return lib.instant_strerror(code).decode()


class _Options:
    """Publish options (tags, skip_history, idempotency_key) as a C handle."""

    def __init__(self, tags=None, skip_history=False, idempotency_key=None):
        self.h = ctypes.c_void_p()
        _check(lib.instant_publish_options_new(ctypes.byref(self.h)))
        for k, v in (tags or {}).items():
            _check(lib.instant_publish_options_add_tag(self.h, _b(k), _b(v)))
        if skip_history:
            _check(lib.instant_publish_options_set_skip_history(self.h, 1))
        if idempotency_key:
            _check(lib.instant_publish_options_set_idempotency_key(self.h, _b(idempotency_key)))

    def __del__(self):
        if getattr(self, "h", None):
            lib.instant_publish_options_free(self.h)


def _position(pos):
    try:
        return lib.instant_position_offset(pos), lib.instant_position_epoch(pos).decode()
    finally:
        lib.instant_position_free(pos)


def _json_text(data):
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


class Client:
    """A Centrifugo server API client (libinstant_c's instant_client).
    Client() reads the environment (CENTRIFUGO_URL / _HOST+_PORT, _API_KEY,
    SITE_NAME, ...); keyword arguments override it."""

    def __init__(self, url=None, api_key=None, site=None, timeout_ms=None, envelope_string=False,
                 from_env=True):
        cfg = ctypes.c_void_p()
        _check((lib.instant_config_from_env if from_env else lib.instant_config_new)(ctypes.byref(cfg)))
        try:
            if url is not None:
                _check(lib.instant_config_set_url(cfg, _b(url)))
            if api_key is not None:
                _check(lib.instant_config_set_api_key(cfg, _b(api_key)))
            if site is not None:
                _check(lib.instant_config_set_site(cfg, _b(site)))
            if timeout_ms is not None:
                _check(lib.instant_config_set_timeout_ms(cfg, timeout_ms))
            if envelope_string:
                _check(lib.instant_config_set_envelope_encoding(cfg, 1))
            self.h = ctypes.c_void_p()
            _check(lib.instant_client_new(ctypes.byref(self.h), cfg))
        finally:
            lib.instant_config_free(cfg)

    def close(self):
        if getattr(self, "h", None):
            lib.instant_client_free(self.h)
            self.h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def publish(self, channel, message=None, data=None, event_class=None, bucket=None, site=None,
                **options):
        """django-instant publish; returns (offset, epoch). data: JSON text or
        any JSON-serializable value. options: tags, skip_history, idempotency_key."""
        ev = ctypes.c_void_p()
        _check(lib.instant_event_new(ctypes.byref(ev)))
        try:
            if data is not None:
                _check(lib.instant_event_set_data(ev, _json_text(data)))
            if event_class:
                _check(lib.instant_event_set_event_class(ev, _b(event_class)))
            if bucket:
                _check(lib.instant_event_set_bucket(ev, _b(bucket)))
            if site is not None:
                _check(lib.instant_event_set_site(ev, _b(site)))
            if options:
                opts = _Options(**options)  # kept alive across the call
                _check(lib.instant_event_set_options(ev, opts.h))
            pos = ctypes.c_void_p()
            _check(lib.instant_client_publish(ctypes.byref(pos), self.h, _b(channel), _b(message), ev))
            return _position(pos)
        finally:
            lib.instant_event_free(ev)

    def publish_raw(self, channel, data, **options):
        """Centrifugo publish of data (JSON text/bytes or a JSON value); (offset, epoch)."""
        payload = _json_text(data)
        opts = _Options(**options) if options else None
        pos = ctypes.c_void_p()
        _check(lib.instant_client_publish_raw(ctypes.byref(pos), self.h, _b(channel), payload,
                                              len(payload), opts.h if opts else None))
        return _position(pos)

    def publish_binary(self, channel, payload, **options):
        """Publishes bytes (sent as b64data); (offset, epoch)."""
        opts = _Options(**options) if options else None
        pos = ctypes.c_void_p()
        _check(lib.instant_client_publish_binary(ctypes.byref(pos), self.h, _b(channel), bytes(payload),
                                                 len(payload), opts.h if opts else None))
        return _position(pos)

    def broadcast(self, channels, data, **options):
        """One publication into many channels. Returns one dict per channel:
        {"ok", "offset", "epoch", "code", "message", "server_code"}; per-item
        failures do not raise (the list says which failed)."""
        payload = _json_text(data)
        arr = (ctypes.c_char_p * len(channels))(*[_b(c) for c in channels])
        opts = _Options(**options) if options else None
        res = ctypes.c_void_p()
        rc = lib.instant_client_broadcast(ctypes.byref(res), self.h, arr, len(channels), payload,
                                          len(payload), opts.h if opts else None)
        if rc not in (0, EPARTIAL):  # noqa: F821 (defined from CODES)
            _check(rc)
        try:
            out = []
            for i in range(lib.instant_broadcast_result_count(res)):
                code = lib.instant_broadcast_result_code(res, i)
                out.append({"ok": code == 0, "code": code,
                            "offset": lib.instant_broadcast_result_offset(res, i),
                            "epoch": lib.instant_broadcast_result_epoch(res, i).decode(),
                            "message": lib.instant_broadcast_result_message(res, i).decode(),
                            "server_code": lib.instant_broadcast_result_server_code(res, i)})
            return out
        finally:
            lib.instant_broadcast_result_free(res)

    def history(self, channel, limit=-1, since=None, reverse=False):
        """The channel's history as a dict; since is (offset, epoch) or None."""
        pos = ctypes.c_void_p()
        if since is not None:
            _check(lib.instant_position_new(ctypes.byref(pos), since[0], _b(since[1])))
        try:
            out = ctypes.c_void_p()
            _check(lib.instant_client_history(ctypes.byref(out), self.h, _b(channel), limit, pos,
                                              1 if reverse else 0))
            return json.loads(_take_string(out))
        finally:
            lib.instant_position_free(pos)

    def history_remove(self, channel):
        _check(lib.instant_client_history_remove(self.h, _b(channel)))

    def presence(self, channel):
        out = ctypes.c_void_p()
        _check(lib.instant_client_presence(ctypes.byref(out), self.h, _b(channel)))
        return json.loads(_take_string(out))

    def presence_stats(self, channel):
        """(num_clients, num_users)."""
        n_clients, n_users = ctypes.c_uint32(), ctypes.c_uint32()
        _check(lib.instant_client_presence_stats(ctypes.byref(n_clients), ctypes.byref(n_users),
                                                 self.h, _b(channel)))
        return n_clients.value, n_users.value

    def channels(self, pattern=None):
        out = ctypes.c_void_p()
        _check(lib.instant_client_channels(ctypes.byref(out), self.h, _b(pattern)))
        return json.loads(_take_string(out))

    def info(self):
        out = ctypes.c_void_p()
        _check(lib.instant_client_info(ctypes.byref(out), self.h))
        return json.loads(_take_string(out))

    def call(self, method, params=None):
        """Any server API method; params a dict (or JSON text)."""
        out = ctypes.c_void_p()
        text = None if params is None else _json_text(params)
        _check(lib.instant_client_call(ctypes.byref(out), self.h, _b(method), text))
        return json.loads(_take_string(out))


def _alg(name):
    out = ctypes.c_int()
    _check(lib.instant_algorithm_from_name(ctypes.byref(out), _b(name)))
    return out.value


class Signer:
    """Mints Centrifugo connection and subscription JWTs (libinstant_c's
    instant_signer). Immutable; share it between threads freely."""

    def __init__(self, handle):
        self.h = handle

    @classmethod
    def _make(cls, fn, key_args, alg, lifetime, kid):
        opts = ctypes.c_void_p()
        _check(lib.instant_signer_options_new(ctypes.byref(opts)))
        try:
            if lifetime is not None:
                _check(lib.instant_signer_options_set_lifetime(opts, lifetime))
            if kid:
                _check(lib.instant_signer_options_set_kid(opts, _b(kid)))
            h = ctypes.c_void_p()
            _check(fn(ctypes.byref(h), *key_args, _alg(alg), opts))
            return cls(h)
        finally:
            lib.instant_signer_options_free(opts)

    @classmethod
    def hmac(cls, key, alg="HS256", lifetime=None, kid=None):
        """An HS256/384/512 signer; key is str or bytes."""
        k = _b(key)
        return cls._make(lib.instant_signer_new_hmac, (k, len(k)), alg, lifetime, kid)

    @classmethod
    def from_pem(cls, pem, alg, lifetime=None, kid=None):
        """An RS*/ES*/EdDSA signer from an unencrypted PEM private key."""
        return cls._make(lib.instant_signer_new_pem, (_b(pem),), alg, lifetime, kid)

    def close(self):
        if getattr(self, "h", None):
            lib.instant_signer_free(self.h)
            self.h = None

    __del__ = close

    def _sign(self, fn, claims):
        cl = ctypes.c_void_p()
        _check(lib.instant_claims_new(ctypes.byref(cl)))
        try:
            text = claims if isinstance(claims, str) else json.dumps(claims)
            _check(lib.instant_claims_set_json(cl, _b(text)))
            out = ctypes.c_void_p()
            _check(fn(ctypes.byref(out), self.h, cl))
            return _take_string(out)
        finally:
            lib.instant_claims_free(cl)

    def connection_token(self, sub="", **claims):
        """A connection JWT for user `sub`; other claims as keywords
        (ttl is not a claim: use exp, or the signer's lifetime)."""
        return self._sign(lib.instant_signer_connection_token, {"sub": sub, **claims})

    def subscription_token(self, sub, channel, **claims):
        """A subscription JWT for `sub` on `channel`."""
        return self._sign(lib.instant_signer_subscription_token, {"sub": sub, "channel": channel, **claims})

    def jwk(self):
        out = ctypes.c_void_p()
        _check(lib.instant_signer_jwk(ctypes.byref(out), self.h))
        return json.loads(_take_string(out))

    def public_key_pem(self):
        out = ctypes.c_void_p()
        _check(lib.instant_signer_public_key_pem(ctypes.byref(out), self.h))
        return _take_string(out)


class Verifier:
    """Checks tokens (libinstant_c's instant_verifier) with default options."""

    KINDS = {"any": 0, "connection": 1, "subscription": 2}

    def __init__(self):
        self.h = ctypes.c_void_p()
        _check(lib.instant_verifier_new(ctypes.byref(self.h), None))

    def close(self):
        if getattr(self, "h", None):
            lib.instant_verifier_free(self.h)
            self.h = None

    __del__ = close

    def add_hmac(self, key, alg="HS256", kid=None):
        k = _b(key)
        _check(lib.instant_verifier_add_hmac(self.h, k, len(k), _alg(alg), _b(kid), 0))

    def add_signer(self, signer):
        _check(lib.instant_verifier_add_signer(self.h, signer.h))

    def verify(self, token, kind="any"):
        """The verified claims as a dict; raises Error (ETOKEN_*) otherwise."""
        out = ctypes.c_void_p()
        _check(lib.instant_verifier_verify(ctypes.byref(out), self.h, _b(token), self.KINDS[kind]))
        try:
            return json.loads(lib.instant_verified_token_claims(out).decode())
        finally:
            lib.instant_verified_token_free(out)


class User:
    """A host user mapped into instant's terms; id None = anonymous."""

    def __init__(self, id=None, staff=False, superuser=False, groups=()):
        self.h = ctypes.c_void_p()
        if id is None:
            _check(lib.instant_user_new_anonymous(ctypes.byref(self.h)))
        else:
            _check(lib.instant_user_new(ctypes.byref(self.h), _b(id)))
        _check(lib.instant_user_set_staff(self.h, 1 if staff else 0))
        _check(lib.instant_user_set_superuser(self.h, 1 if superuser else 0))
        for g in groups:
            _check(lib.instant_user_add_group(self.h, _b(g)))

    def close(self):
        if getattr(self, "h", None):
            lib.instant_user_free(self.h)
            self.h = None

    __del__ = close


class Registry:
    """The host's channel table (libinstant_c's instant_registry)."""

    SERVER_SIDE = {"off": 0, "channels": 1, "subs": 2}

    def __init__(self, prefix_private=False):
        self.h = ctypes.c_void_p()
        _check(lib.instant_registry_new(ctypes.byref(self.h), 1 if prefix_private else 0))

    def close(self):
        if getattr(self, "h", None):
            lib.instant_registry_free(self.h)
            self.h = None

    __del__ = close

    def __len__(self):
        return lib.instant_registry_size(self.h)

    def add(self, name, level="superuser", groups=(), active=True):
        """Adds a channel; returns the stored name ("$"-prefixed when asked)."""
        lvl = ctypes.c_int()
        _check(lib.instant_level_from_name(ctypes.byref(lvl), _b(level)))
        arr = (ctypes.c_char_p * max(len(groups), 1))(*[_b(g) for g in groups])
        out = ctypes.c_void_p()
        _check(lib.instant_registry_add(ctypes.byref(out), self.h, _b(name), lvl.value, arr, len(groups),
                                        1 if active else 0))
        return _take_string(out)

    def remove(self, name):
        _check(lib.instant_registry_remove(self.h, _b(name)))

    def for_user(self, user, anonymous_public=False):
        """The channels `user` may use, as a list of dicts."""
        out = ctypes.c_void_p()
        _check(lib.instant_registry_for_user(ctypes.byref(out), self.h, user.h, 1 if anonymous_public else 0))
        return json.loads(_take_string(out))["channels"]

    def bundle(self, signer, user, csrf_token, lifetime=86400, server_side="off", anonymous_public=False):
        """django-instant's endpoint payload as a dict (holds tokens)."""
        out = ctypes.c_void_p()
        _check(lib.instant_bundle_json(ctypes.byref(out), signer.h, self.h, user.h, _b(csrf_token), lifetime,
                                       self.SERVER_SIDE[server_side], 1 if anonymous_public else 0))
        return json.loads(_take_string(out))


class ProxyRequest:
    """The Centrifugo proxy request a resolver sees; valid only during the call."""

    def __init__(self, handle):
        self._h = handle

    @property
    def user(self):
        return lib.instant_proxy_request_user(self._h).decode()

    @property
    def client(self):
        return lib.instant_proxy_request_client(self._h).decode()

    @property
    def channel(self):
        return lib.instant_proxy_request_channel(self._h).decode()

    def header(self, name):
        """A forwarded HTTP header (case-insensitive), None when absent."""
        v = lib.instant_proxy_request_header(self._h, _b(name))
        return None if v is None else v.decode()


PROXY_KINDS = {"connect": 0, "refresh": 1, "subscribe": 2, "sub_refresh": 3}


def proxy_handle(kind, registry, body, resolve, headers=(), anonymous_public=False, server_side=False,
                 lifetimes=None):
    """Answers one Centrifugo proxy call (kind: connect, refresh, subscribe,
    sub_refresh): body (bytes) in, the reply as a dict out (send it with HTTP
    200). resolve(ProxyRequest) returns a User (handed over to the library) or
    None for an unknown user; an exception becomes Centrifugo's internal-error
    reply. headers: (name, value) pairs or a dict. lifetimes: (connection,
    subscription) seconds. Runs resolve on the calling thread."""
    def callback(out, req, _userdata):
        try:
            user = resolve(ProxyRequest(req))
            if user is not None:
                out[0] = user.h.value  # the library frees it now
                user.h = None
            return 0
        except Exception:  # noqa: BLE001 - nothing may unwind through C
            return 1

    pairs = list(headers.items() if isinstance(headers, dict) else headers)
    names = (ctypes.c_char_p * max(len(pairs), 1))(*[_b(k) for k, _ in pairs])
    values = (ctypes.c_char_p * max(len(pairs), 1))(*[_b(v) for _, v in pairs])
    opts = ctypes.c_void_p()
    _check(lib.instant_proxy_options_new(ctypes.byref(opts)))
    try:
        _check(lib.instant_proxy_options_set_anonymous_public(opts, 1 if anonymous_public else 0))
        _check(lib.instant_proxy_options_set_server_side(opts, 1 if server_side else 0))
        if lifetimes is not None:
            _check(lib.instant_proxy_options_set_lifetimes(opts, lifetimes[0], lifetimes[1]))
        data = bytes(body)
        out = ctypes.c_void_p()
        _check(lib.instant_proxy_handle(ctypes.byref(out), PROXY_KINDS[kind], registry.h, data, len(data),
                                        names, values, len(pairs), opts, _RESOLVER(callback), None))
        return json.loads(_take_string(out))
    finally:
        lib.instant_proxy_options_free(opts)
