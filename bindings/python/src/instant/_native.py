"""The ctypes layer over libinstant_c (include/instant/instant.h): loading the
library shipped inside this package, every function's signature, and the
helpers the public modules share (errors, strings, handles). Nothing here is
public API; the table below is checked against instant.h by the tests."""
from __future__ import annotations

import ctypes
import json
import os
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .errors import raise_last_error

_int = ctypes.c_int
_uint = ctypes.c_uint
_sz = ctypes.c_size_t
_i64 = ctypes.c_int64
_u64 = ctypes.c_uint64
_u32 = ctypes.c_uint32
_str = ctypes.c_char_p                    # const char * (in), static/owned strings (out)
_vp = ctypes.c_void_p                     # handles, const void *
_out = ctypes.POINTER(ctypes.c_void_p)    # X ** and char ** out parameters
_strv = ctypes.POINTER(ctypes.c_char_p)   # const char *const *
_p_int = ctypes.POINTER(ctypes.c_int)
_p_u32 = ctypes.POINTER(ctypes.c_uint32)
_p_u64 = ctypes.POINTER(ctypes.c_uint64)
# instant_user_resolver_fn: int (*)(instant_user **out, const instant_proxy_request *req, void *userdata)
RESOLVER = ctypes.CFUNCTYPE(ctypes.c_int, _out, ctypes.c_void_p, ctypes.c_void_p)
# instant_delivery_report_fn: void (*)(const instant_delivery_report *report, void *userdata)
DELIVERY = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "instant_strerror": (_str, [_int]),
    "instant_version": (_int, []),
    "instant_version_string": (_str, []),
    "instant_free": (None, [_vp]),
    "instant_last_error_code": (_int, []),
    "instant_last_error_message": (_str, []),
    "instant_last_error_http_status": (_int, []),
    "instant_last_error_server_code": (_int, []),
    "instant_config_new": (_int, [_out]),
    "instant_config_from_env": (_int, [_out]),
    "instant_config_free": (None, [_vp]),
    "instant_config_set_url": (_int, [_vp, _str]),
    "instant_config_set_api_key": (_int, [_vp, _str]),
    "instant_config_set_hmac_key": (_int, [_vp, _str]),
    "instant_config_set_site": (_int, [_vp, _str]),
    "instant_config_set_connect_timeout_ms": (_int, [_vp, _i64]),
    "instant_config_set_timeout_ms": (_int, [_vp, _i64]),
    "instant_config_set_verify_tls": (_int, [_vp, _int]),
    "instant_config_set_ca_file": (_int, [_vp, _str]),
    "instant_config_set_proxy": (_int, [_vp, _str]),
    "instant_config_set_api_mode": (_int, [_vp, _int]),
    "instant_config_set_envelope_encoding": (_int, [_vp, _int]),
    "instant_config_set_max_payload": (_int, [_vp, _sz]),
    "instant_config_set_max_reply": (_int, [_vp, _sz]),
    "instant_config_set_idempotency_keys": (_int, [_vp, _int]),
    "instant_config_validate": (_int, [_vp]),
    "instant_config_url": (_str, [_vp]),
    "instant_config_site": (_str, [_vp]),
    "instant_position_new": (_int, [_out, _u64, _str]),
    "instant_position_free": (None, [_vp]),
    "instant_position_offset": (_u64, [_vp]),
    "instant_position_epoch": (_str, [_vp]),
    "instant_publish_options_new": (_int, [_out]),
    "instant_publish_options_free": (None, [_vp]),
    "instant_publish_options_set_skip_history": (_int, [_vp, _int]),
    "instant_publish_options_add_tag": (_int, [_vp, _str, _str]),
    "instant_publish_options_clear_tags": (_int, [_vp]),
    "instant_publish_options_set_idempotency_key": (_int, [_vp, _str]),
    "instant_publish_options_set_delta": (_int, [_vp, _int]),
    "instant_publish_options_set_version": (_int, [_vp, _u64, _str]),
    "instant_event_new": (_int, [_out]),
    "instant_event_free": (None, [_vp]),
    "instant_event_set_message": (_int, [_vp, _str]),
    "instant_event_set_data": (_int, [_vp, _str]),
    "instant_event_set_event_class": (_int, [_vp, _str]),
    "instant_event_set_bucket": (_int, [_vp, _str]),
    "instant_event_set_site": (_int, [_vp, _str]),
    "instant_event_set_options": (_int, [_vp, _vp]),
    "instant_event_envelope": (_int, [_out, _vp, _str, _str, _int]),
    "instant_client_new": (_int, [_out, _vp]),
    "instant_client_from_env": (_int, [_out]),
    "instant_client_free": (None, [_vp]),
    "instant_client_stats": (_int, [_p_u64, _p_u64, _vp]),
    "instant_client_publish": (_int, [_out, _vp, _str, _str, _vp]),
    "instant_client_publish_raw": (_int, [_out, _vp, _str, _str, _sz, _vp]),
    "instant_client_publish_binary": (_int, [_out, _vp, _str, _vp, _sz, _vp]),
    "instant_client_broadcast": (_int, [_out, _vp, _strv, _sz, _str, _sz, _vp]),
    "instant_client_broadcast_event": (_int, [_out, _vp, _strv, _sz, _str, _vp]),
    "instant_broadcast_result_free": (None, [_vp]),
    "instant_broadcast_result_count": (_sz, [_vp]),
    "instant_broadcast_result_code": (_int, [_vp, _sz]),
    "instant_broadcast_result_message": (_str, [_vp, _sz]),
    "instant_broadcast_result_server_code": (_int, [_vp, _sz]),
    "instant_broadcast_result_offset": (_u64, [_vp, _sz]),
    "instant_broadcast_result_epoch": (_str, [_vp, _sz]),
    "instant_batch_new": (_int, [_out]),
    "instant_batch_free": (None, [_vp]),
    "instant_batch_set_parallel": (_int, [_vp, _int]),
    "instant_batch_add_publish": (_int, [_vp, _str, _str, _sz, _vp]),
    "instant_batch_add_broadcast": (_int, [_vp, _strv, _sz, _str, _sz, _vp]),
    "instant_batch_add_command": (_int, [_vp, _str, _str]),
    "instant_batch_size": (_sz, [_vp]),
    "instant_client_batch": (_int, [_out, _vp, _vp]),
    "instant_batch_result_free": (None, [_vp]),
    "instant_batch_result_count": (_sz, [_vp]),
    "instant_batch_result_code": (_int, [_vp, _sz]),
    "instant_batch_result_message": (_str, [_vp, _sz]),
    "instant_batch_result_server_code": (_int, [_vp, _sz]),
    "instant_batch_result_method": (_str, [_vp, _sz]),
    "instant_batch_result_json": (_str, [_vp, _sz]),
    "instant_batch_result_offset": (_u64, [_vp, _sz]),
    "instant_batch_result_epoch": (_str, [_vp, _sz]),
    "instant_client_subscribe": (_int, [_vp, _str, _str, _str, _str, _str, _str, _vp]),
    "instant_subscribe_options_new": (_int, [_out]),
    "instant_subscribe_options_free": (None, [_vp]),
    "instant_subscribe_options_set_client": (_int, [_vp, _str]),
    "instant_subscribe_options_set_session": (_int, [_vp, _str]),
    "instant_subscribe_options_set_info": (_int, [_vp, _str]),
    "instant_subscribe_options_set_data": (_int, [_vp, _str]),
    "instant_subscribe_options_set_recover_since": (_int, [_vp, _vp]),
    "instant_client_subscribe_2": (_int, [_vp, _str, _str, _vp]),
    "instant_client_unsubscribe": (_int, [_vp, _str, _str, _str, _str]),
    "instant_client_disconnect": (_int, [_vp, _str, _str, _str, _strv, _sz, _u32, _str]),
    "instant_client_refresh": (_int, [_vp, _str, _str, _str, _int, _i64]),
    "instant_client_presence": (_int, [_out, _vp, _str]),
    "instant_client_presence_stats": (_int, [_p_u32, _p_u32, _vp, _str]),
    "instant_client_history": (_int, [_out, _vp, _str, _int, _vp, _int]),
    "instant_client_history_remove": (_int, [_vp, _str]),
    "instant_client_channels": (_int, [_out, _vp, _str]),
    "instant_client_info": (_int, [_out, _vp]),
    "instant_client_call": (_int, [_out, _vp, _str, _str]),
    "instant_publisher_config_new": (_int, [_out, _vp]),
    "instant_publisher_config_free": (None, [_vp]),
    "instant_publisher_config_add_endpoint": (_int, [_vp, _str]),
    "instant_publisher_config_set_queue_limits": (_int, [_vp, _sz, _sz]),
    "instant_publisher_config_set_linger_ms": (_int, [_vp, _i64]),
    "instant_publisher_config_set_batch_limits": (_int, [_vp, _sz, _sz]),
    "instant_publisher_config_set_inflight": (_int, [_vp, _sz]),
    "instant_publisher_config_set_message_timeout_ms": (_int, [_vp, _i64]),
    "instant_publisher_config_set_retry_backoff_ms": (_int, [_vp, _i64, _i64]),
    "instant_publisher_config_set_endpoint_stickiness_ms": (_int, [_vp, _i64]),
    "instant_publisher_config_set_close_timeout_ms": (_int, [_vp, _i64]),
    "instant_publisher_config_set_delivery_cb": (_int, [_vp, DELIVERY, _int, _vp]),
    "instant_publisher_new": (_int, [_out, _vp]),
    "instant_publisher_free": (None, [_vp]),
    "instant_publisher_publish": (_int, [_vp, _str, _str, _vp, _vp, _i64]),
    "instant_publisher_publish_raw": (_int, [_vp, _str, _str, _sz, _vp, _vp, _i64]),
    "instant_publisher_publish_binary": (_int, [_vp, _str, _vp, _sz, _vp, _vp, _i64]),
    "instant_publisher_broadcast": (_int, [_vp, _strv, _sz, _str, _sz, _vp, _vp, _i64]),
    "instant_publisher_flush": (_int, [_vp, _i64]),
    "instant_publisher_close": (_int, [_vp, _i64]),
    "instant_publisher_purge": (_int, [_vp, _vp]),
    "instant_publisher_stats_json": (_int, [_out, _vp]),
    "instant_publisher_stats_prometheus": (_int, [_out, _vp]),
    "instant_delivery_report_opaque": (_vp, [_vp]),
    "instant_delivery_report_outcome": (_int, [_vp]),
    "instant_delivery_report_error": (_int, [_vp]),
    "instant_delivery_report_http_status": (_int, [_vp]),
    "instant_delivery_report_server_code": (_int, [_vp]),
    "instant_delivery_report_message": (_str, [_vp]),
    "instant_delivery_report_channel": (_str, [_vp]),
    "instant_delivery_report_idempotency_key": (_str, [_vp]),
    "instant_delivery_report_offset": (_u64, [_vp]),
    "instant_delivery_report_epoch": (_str, [_vp]),
    "instant_delivery_report_latency_ns": (_i64, [_vp]),
    "instant_delivery_report_attempts": (_u32, [_vp]),
    "instant_algorithm_name": (_str, [_int]),
    "instant_algorithm_from_name": (_int, [_p_int, _str]),
    "instant_claims_new": (_int, [_out]),
    "instant_claims_free": (None, [_vp]),
    "instant_claims_set_json": (_int, [_vp, _str]),
    "instant_claims_set_sub": (_int, [_vp, _str]),
    "instant_claims_set_exp": (_int, [_vp, _i64]),
    "instant_claims_set_ttl": (_int, [_vp, _i64]),
    "instant_claims_set_no_expiry": (_int, [_vp, _int]),
    "instant_claims_set_iat": (_int, [_vp, _i64]),
    "instant_claims_set_omit_iat": (_int, [_vp, _int]),
    "instant_claims_set_nbf": (_int, [_vp, _i64]),
    "instant_claims_set_jti": (_int, [_vp, _str]),
    "instant_claims_add_audience": (_int, [_vp, _str]),
    "instant_claims_set_issuer": (_int, [_vp, _str]),
    "instant_claims_set_info": (_int, [_vp, _str]),
    "instant_claims_set_b64info": (_int, [_vp, _str]),
    "instant_claims_set_expire_at": (_int, [_vp, _i64]),
    "instant_claims_clear_expire_at": (_int, [_vp]),
    "instant_claims_set_extra": (_int, [_vp, _str]),
    "instant_claims_add_channel": (_int, [_vp, _str]),
    "instant_claims_add_subscription": (_int, [_vp, _str, _str, _str, _str, _str]),
    "instant_claims_set_meta": (_int, [_vp, _str]),
    "instant_claims_set_channel": (_int, [_vp, _str]),
    "instant_claims_set_client": (_int, [_vp, _str]),
    "instant_claims_set_data": (_int, [_vp, _str]),
    "instant_claims_set_b64data": (_int, [_vp, _str]),
    "instant_claims_set_override": (_int, [_vp, _str, _int]),
    "instant_signer_options_new": (_int, [_out]),
    "instant_signer_options_free": (None, [_vp]),
    "instant_signer_options_set_lifetime": (_int, [_vp, _i64]),
    "instant_signer_options_set_kid": (_int, [_vp, _str]),
    "instant_signer_options_set_allow_weak_key": (_int, [_vp, _int]),
    "instant_signer_options_set_max_token_size": (_int, [_vp, _sz]),
    "instant_signer_new_hmac": (_int, [_out, _vp, _sz, _int, _vp]),
    "instant_signer_new_pem": (_int, [_out, _str, _int, _vp]),
    "instant_signer_free": (None, [_vp]),
    "instant_signer_algorithm": (_int, [_vp]),
    "instant_signer_connection_token": (_int, [_out, _vp, _vp]),
    "instant_signer_subscription_token": (_int, [_out, _vp, _vp]),
    "instant_signer_jwk": (_int, [_out, _vp]),
    "instant_signer_public_key_pem": (_int, [_out, _vp]),
    "instant_jwks": (_int, [_out, _out, _sz]),
    "instant_verify_options_new": (_int, [_out]),
    "instant_verify_options_free": (None, [_vp]),
    "instant_verify_options_set_require_exp": (_int, [_vp, _int]),
    "instant_verify_options_set_leeway": (_int, [_vp, _i64]),
    "instant_verify_options_add_audience": (_int, [_vp, _str]),
    "instant_verify_options_set_issuer": (_int, [_vp, _str]),
    "instant_verify_options_set_max_token_size": (_int, [_vp, _sz]),
    "instant_verify_options_set_now": (_int, [_vp, _i64]),
    "instant_verifier_new": (_int, [_out, _vp]),
    "instant_verifier_free": (None, [_vp]),
    "instant_verifier_add_hmac": (_int, [_vp, _vp, _sz, _int, _str, _int]),
    "instant_verifier_add_pem": (_int, [_vp, _str, _int, _str]),
    "instant_verifier_add_signer": (_int, [_vp, _vp]),
    "instant_verifier_key_count": (_sz, [_vp]),
    "instant_verifier_verify": (_int, [_out, _vp, _str, _int]),
    "instant_verified_token_free": (None, [_vp]),
    "instant_verified_token_algorithm": (_int, [_vp]),
    "instant_verified_token_kid": (_str, [_vp]),
    "instant_verified_token_header": (_str, [_vp]),
    "instant_verified_token_claims": (_str, [_vp]),
    "instant_verified_token_sub": (_str, [_vp]),
    "instant_verified_token_channel": (_str, [_vp]),
    "instant_verified_token_exp": (_i64, [_vp]),
    "instant_verified_token_iat": (_i64, [_vp]),
    "instant_verified_token_nbf": (_i64, [_vp]),
    "instant_level_name": (_str, [_int]),
    "instant_level_from_name": (_int, [_p_int, _str]),
    "instant_channel_validate": (_int, [_str]),
    "instant_channel_namespace": (_int, [_out, _str]),
    "instant_channel_private_name": (_int, [_out, _str]),
    "instant_user_new": (_int, [_out, _str]),
    "instant_user_new_anonymous": (_int, [_out]),
    "instant_user_free": (None, [_vp]),
    "instant_user_set_staff": (_int, [_vp, _int]),
    "instant_user_set_superuser": (_int, [_vp, _int]),
    "instant_user_add_group": (_int, [_vp, _str]),
    "instant_registry_new": (_int, [_out, _uint]),
    "instant_registry_free": (None, [_vp]),
    "instant_registry_add": (_int, [_out, _vp, _str, _int, _strv, _sz, _int]),
    "instant_registry_update": (_int, [_vp, _str, _int, _strv, _sz, _int]),
    "instant_registry_remove": (_int, [_vp, _str]),
    "instant_registry_size": (_sz, [_vp]),
    "instant_registry_find": (_int, [_out, _vp, _str]),
    "instant_registry_to_json": (_int, [_out, _vp]),
    "instant_registry_load_json": (_int, [_vp, _str]),
    "instant_registry_load": (_int, [_vp, _str]),
    "instant_registry_save": (_int, [_vp, _str]),
    "instant_registry_for_user": (_int, [_out, _vp, _vp, _int]),
    "instant_registry_explain": (_int, [_out, _vp, _vp, _int]),
    "instant_registry_is_authorized": (_int, [_p_int, _vp, _vp, _str, _int]),
    "instant_authorize_options_new": (_int, [_out]),
    "instant_authorize_options_free": (None, [_vp]),
    "instant_authorize_options_set_anonymous_public": (_int, [_vp, _int]),
    "instant_registry_for_user_2": (_int, [_out, _vp, _vp, _vp]),
    "instant_registry_explain_2": (_int, [_out, _vp, _vp, _vp]),
    "instant_registry_is_authorized_2": (_int, [_p_int, _vp, _vp, _str, _vp]),
    "instant_bundle_options_new": (_int, [_out]),
    "instant_bundle_options_free": (None, [_vp]),
    "instant_bundle_options_set_lifetime": (_int, [_vp, _i64]),
    "instant_bundle_options_set_server_side": (_int, [_vp, _int]),
    "instant_bundle_options_set_authorize": (_int, [_vp, _vp]),
    "instant_bundle_make": (_int, [_out, _vp, _vp, _vp, _str, _vp]),
    "instant_bundle_json": (_int, [_out, _vp, _vp, _vp, _str, _i64, _int, _int]),
    "instant_proxy_request_user": (_str, [_vp]),
    "instant_proxy_request_client": (_str, [_vp]),
    "instant_proxy_request_channel": (_str, [_vp]),
    "instant_proxy_request_header": (_str, [_vp, _str]),
    "instant_proxy_options_new": (_int, [_out]),
    "instant_proxy_options_free": (None, [_vp]),
    "instant_proxy_options_set_anonymous_public": (_int, [_vp, _int]),
    "instant_proxy_options_set_lifetimes": (_int, [_vp, _i64, _i64]),
    "instant_proxy_options_set_server_side": (_int, [_vp, _int]),
    "instant_proxy_options_set_max_request_bytes": (_int, [_vp, _sz]),
    "instant_proxy_options_set_now": (_int, [_vp, _i64]),
    "instant_proxy_options_set_authorize": (_int, [_vp, _vp]),
    "instant_proxy_handle": (_int, [_out, _int, _vp, _str, _sz, _strv, _strv, _sz, _vp, RESOLVER, _vp]),
    "instant_random_secret": (_int, [_out, _sz]),
    "instant_genconfig_options_new": (_int, [_out]),
    "instant_genconfig_options_free": (None, [_vp]),
    "instant_genconfig_options_set_host": (_int, [_vp, _str, _int]),
    "instant_genconfig_options_set_address": (_int, [_vp, _str]),
    "instant_genconfig_options_set_site_name": (_int, [_vp, _str]),
    "instant_genconfig_options_add_allowed_origin": (_int, [_vp, _str]),
    "instant_genconfig_options_set_channels": (_int, [_vp, _vp]),
    "instant_genconfig_options_set_namespace_defaults": (_int, [_vp, _int, _int, _i64]),
    "instant_genconfig_options_set_admin": (_int, [_vp, _int, _int]),
    "instant_genconfig_options_set_proxy": (_int, [_vp, _int, _str]),
    "instant_genconfig_options_set_keys": (_int, [_vp, _str, _str]),
    "instant_genconfig_generate": (_int, [_out, _vp]),
    "instant_genconfig_free": (None, [_vp]),
    "instant_genconfig_json": (_str, [_vp]),
    "instant_genconfig_settings": (_str, [_vp]),
    "instant_genconfig_hmac_key": (_str, [_vp]),
    "instant_genconfig_api_key": (_str, [_vp]),
    "instant_genconfig_save": (_int, [_vp, _str, _int]),
}


def _library_path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.startswith("libinstant_c.") or name.startswith("instant_c."):
            return os.path.join(here, name)
    raise ImportError(f"libinstant_c is not inside the package ({here}): reinstall it with "
                      "`pip install ./bindings/python`")


def bind(lib: ctypes.CDLL, signatures: Dict[str, Tuple[Any, List[Any]]]) -> None:
    """Sets restype/argtypes of each function; a later module (the Publisher)
    binds its own table the same way."""
    for name, (res, args) in signatures.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args


lib = ctypes.CDLL(_library_path())
bind(lib, SIGNATURES)


# ---- helpers ----------------------------------------------------------------------------

Text = Union[str, bytes]


def raw(s: Optional[Text]) -> Optional[bytes]:
    """A str (UTF-8) or bytes argument as bytes, NULs included (for the C
    functions that take a length: keys, payloads); None stays None."""
    if s is None:
        return None
    return s.encode("utf-8", "surrogatepass") if isinstance(s, str) else bytes(s)


def b(s: Optional[Text]) -> Optional[bytes]:
    """A str (UTF-8) or bytes argument for a NUL-terminated C string; None
    stays None (NULL). A NUL inside would silently cut the string short in C,
    so it is refused (InvalidArgument)."""
    out = raw(s)
    if out is not None and b"\0" in out:
        from .errors import InvalidArgument
        raise InvalidArgument(-1, "invalid argument: a string holds a NUL character (C strings end there)")
    return out


def check(rc: int) -> None:
    """Raises the exception of the calling thread's last error when rc != 0."""
    if rc != 0:
        raise_last_error(rc, lib)


def take_string(ptr: ctypes.c_void_p) -> str:
    """A string the library returned through a char ** out parameter, freed here."""
    try:
        return ctypes.string_at(ptr.value).decode("utf-8") if ptr.value else ""
    finally:
        lib.instant_free(ptr)


def call_string(fn: Callable[..., int], *args: Any) -> str:
    """fn(&out, *args) for a char ** result: the text, freed."""
    out = ctypes.c_void_p()
    check(fn(ctypes.byref(out), *args))
    return take_string(out)


def call_json(fn: Callable[..., int], *args: Any) -> Any:
    return json.loads(call_string(fn, *args))


def text(p: Optional[bytes]) -> str:
    """A const char * result (owned by the library) as str; NULL is ""."""
    return p.decode("utf-8") if p else ""


# json.dumps with these options would build an encoder per call (half its cost).
_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def json_bytes(value: Any) -> bytes:
    """JSON text: bytes and str are taken as JSON text already, anything else is serialized."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return _encode_json(value).encode("utf-8")


def strv(items: List[bytes]) -> "ctypes.Array[ctypes.c_char_p]":
    """A const char *const * array (at least one slot, so it is never NULL)."""
    return (ctypes.c_char_p * max(len(items), 1))(*items)


class Handle:
    """Owns one opaque handle of the C library, freed by close(), by the
    `with` block's end or by the garbage collector."""

    _free: Optional[Callable[[Any], None]] = None  # the _free function of the handle's type
    _h: Optional[ctypes.c_void_p] = None

    def _adopt(self, handle: ctypes.c_void_p) -> None:
        self._h = handle

    @property
    def _ptr(self) -> ctypes.c_void_p:
        if not self._h:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._h

    def close(self) -> None:
        """Frees the C object now; using it afterwards raises ValueError."""
        h, self._h = self._h, None
        if h and self._free is not None:
            type(self)._free(h)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def new_handle(fn: Callable[..., int], *args: Any) -> ctypes.c_void_p:
    """fn(&out, *args) for a handle-creating function: the handle."""
    h = ctypes.c_void_p()
    check(fn(ctypes.byref(h), *args))
    return h
