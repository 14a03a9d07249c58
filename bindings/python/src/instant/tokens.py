"""Centrifugo JWTs: Signer mints connection and subscription tokens, Verifier
checks them (libinstant_c's instant_signer / instant_verifier).

A Signer is immutable: share it between threads. A Verifier may be shared for
verify() once its keys are added. Claims are Centrifugo's (include/instant/
instant.h, instant_claims_set_json): sub, exp, iat, nbf, jti, aud, iss, info,
b64info, expire_at, channels, subs, meta (connection); channel, client, data,
b64data, override (subscription); other keywords become custom claims.
"""
from __future__ import annotations

import ctypes
import json
import os
from typing import Any, Dict, Iterable, NamedTuple, Optional, Sequence

from . import _native as n
from ._native import b, check, lib
from .errors import ConfigError, ErrorCode

__all__ = ["Signer", "Verifier", "VerifiedToken", "jwks"]

_KINDS = {"any": 0, "connection": 1, "subscription": 2}


def _algorithm(name: str) -> int:
    out = ctypes.c_int()
    check(lib.instant_algorithm_from_name(ctypes.byref(out), b(name)))
    return out.value


class Signer(n.Handle):
    """Mints Centrifugo JWTs with one key: Signer.hmac(key), Signer.from_pem(pem,
    alg) or Signer.from_env(). Tokens expire after `lifetime` seconds unless a
    call says otherwise (ttl, exp, or no_expiry=True)."""

    _free = lib.instant_signer_free

    def __init__(self) -> None:
        raise TypeError("use Signer.hmac(), Signer.from_pem() or Signer.from_env()")

    @classmethod
    def _make(cls, fn: Any, key_args: Sequence[Any], alg: str, lifetime: Optional[int], kid: Optional[str],
              allow_weak: bool) -> "Signer":
        opts = n.new_handle(lib.instant_signer_options_new)
        try:
            if lifetime is not None:
                check(lib.instant_signer_options_set_lifetime(opts, lifetime))
            if kid:
                check(lib.instant_signer_options_set_kid(opts, b(kid)))
            if allow_weak:
                check(lib.instant_signer_options_set_allow_weak_key(opts, 1))
            self = cls.__new__(cls)
            self._adopt(n.new_handle(fn, *key_args, _algorithm(alg), opts))
            return self
        finally:
            lib.instant_signer_options_free(opts)

    @classmethod
    def hmac(cls, key: n.Text, alg: str = "HS256", *, lifetime: Optional[int] = None, kid: Optional[str] = None,
             allow_weak: bool = False) -> "Signer":
        """An HS256/384/512 signer; key is str or bytes, at least as long as the
        hash (ConfigError kind weak_key otherwise, unless allow_weak)."""
        k = n.raw(key) or b""
        return cls._make(lib.instant_signer_new_hmac, (k, len(k)), alg, lifetime, kid, allow_weak)

    @classmethod
    def from_pem(cls, pem: n.Text, alg: str, *, lifetime: Optional[int] = None, kid: Optional[str] = None,
                 allow_weak: bool = False) -> "Signer":
        """An RS*/ES*/EdDSA signer from an unencrypted PEM private key."""
        return cls._make(lib.instant_signer_new_pem, (b(pem),), alg, lifetime, kid, allow_weak)

    @classmethod
    def from_env(cls, alg: str = "HS256", **kwargs: Any) -> "Signer":
        """An HMAC signer with CENTRIFUGO_HMAC_KEY (client.token.hmac_secret_key)."""
        key = os.environ.get("CENTRIFUGO_HMAC_KEY")
        if not key:
            raise ConfigError(ErrorCode.ECONFIG, "CENTRIFUGO_HMAC_KEY is not set")
        return cls.hmac(key, alg, **kwargs)

    @property
    def algorithm(self) -> str:
        """The JOSE name of the signer's algorithm ("HS256", ...)."""
        return n.text(lib.instant_algorithm_name(lib.instant_signer_algorithm(self._ptr)))

    def _sign(self, fn: Any, claims: Dict[str, Any], ttl: Optional[int], no_expiry: bool) -> str:
        cl = n.new_handle(lib.instant_claims_new)
        try:
            check(lib.instant_claims_set_json(cl, n.json_bytes(claims)))
            if ttl is not None:
                check(lib.instant_claims_set_ttl(cl, ttl))
            if no_expiry:
                check(lib.instant_claims_set_no_expiry(cl, 1))
            return n.call_string(fn, self._ptr, cl)
        finally:
            lib.instant_claims_free(cl)

    def connection_token(self, sub: str = "", *, ttl: Optional[int] = None, no_expiry: bool = False,
                         **claims: Any) -> str:
        """A connection JWT for user sub ("" = anonymous). ttl: this token's
        lifetime in seconds; no_expiry=True leaves exp out (never expires)."""
        return self._sign(lib.instant_signer_connection_token, {"sub": sub, **claims}, ttl, no_expiry)

    def subscription_token(self, sub: str, channel: str, *, ttl: Optional[int] = None, no_expiry: bool = False,
                           **claims: Any) -> str:
        """A subscription JWT letting user sub subscribe to channel."""
        return self._sign(lib.instant_signer_subscription_token, {"sub": sub, "channel": channel, **claims},
                          ttl, no_expiry)

    def jwk(self) -> Dict[str, Any]:
        """The public key as a JWK (ConfigError kind key for HMAC signers)."""
        return n.call_json(lib.instant_signer_jwk, self._ptr)

    def public_key_pem(self) -> str:
        """The public key as PEM (BEGIN PUBLIC KEY)."""
        return n.call_string(lib.instant_signer_public_key_pem, self._ptr)


def jwks(signers: Iterable[Signer]) -> Dict[str, Any]:
    """A JWKS document {"keys":[...]} of the signers' public keys, current first."""
    handles = [s._ptr for s in signers]
    arr = (ctypes.c_void_p * max(len(handles), 1))(*handles)
    return n.call_json(lib.instant_jwks, arr, len(handles))


class VerifiedToken(NamedTuple):
    """A token that passed every check: its algorithm, kid, header and claims."""

    algorithm: str
    kid: str
    header: Dict[str, Any]
    claims: Dict[str, Any]
    sub: str
    channel: str
    exp: int


class Verifier(n.Handle):
    """Checks Centrifugo JWTs against the keys added (the first is current,
    later ones are kept during rotation). exp is required unless
    require_exp=False; leeway in seconds; audiences/issuer when set."""

    _free = lib.instant_verifier_free

    def __init__(self, *, require_exp: bool = True, leeway: int = 0, audiences: Iterable[str] = (),
                 issuer: Optional[str] = None, max_token_size: Optional[int] = None,
                 now: Optional[int] = None) -> None:
        opts = n.new_handle(lib.instant_verify_options_new)
        try:
            if not require_exp:
                check(lib.instant_verify_options_set_require_exp(opts, 0))
            if leeway:
                check(lib.instant_verify_options_set_leeway(opts, leeway))
            for aud in audiences:
                check(lib.instant_verify_options_add_audience(opts, b(aud)))
            if issuer:
                check(lib.instant_verify_options_set_issuer(opts, b(issuer)))
            if max_token_size is not None:
                check(lib.instant_verify_options_set_max_token_size(opts, max_token_size))
            if now is not None:
                check(lib.instant_verify_options_set_now(opts, now))
            self._adopt(n.new_handle(lib.instant_verifier_new, opts))
        finally:
            lib.instant_verify_options_free(opts)

    def add_hmac(self, key: n.Text, alg: str = "HS256", *, kid: Optional[str] = None,
                 allow_weak: bool = False) -> "Verifier":
        """Accepts tokens signed with this HMAC key (kid: only tokens naming it)."""
        k = n.raw(key) or b""
        check(lib.instant_verifier_add_hmac(self._ptr, k, len(k), _algorithm(alg), b(kid), int(allow_weak)))
        return self

    def add_pem(self, pem: n.Text, alg: str, *, kid: Optional[str] = None) -> "Verifier":
        """Accepts tokens signed by the private key of this PEM (public or private) key."""
        check(lib.instant_verifier_add_pem(self._ptr, b(pem), _algorithm(alg), b(kid)))
        return self

    def add_signer(self, signer: Signer) -> "Verifier":
        """Accepts the tokens of a signer (its algorithm and kid)."""
        check(lib.instant_verifier_add_signer(self._ptr, signer._ptr))
        return self

    def __len__(self) -> int:
        return int(lib.instant_verifier_key_count(self._ptr))

    def verify(self, token: str, kind: str = "any") -> VerifiedToken:
        """The verified token; TokenError (kind: token_expired, token_signature,
        ...) when a check fails. kind: "any", "connection" or "subscription"."""
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {sorted(_KINDS)}, not {kind!r}")
        out = n.new_handle(lib.instant_verifier_verify, self._ptr, b(token), _KINDS[kind])
        try:
            return VerifiedToken(
                algorithm=n.text(lib.instant_algorithm_name(lib.instant_verified_token_algorithm(out))),
                kid=n.text(lib.instant_verified_token_kid(out)),
                header=json.loads(n.text(lib.instant_verified_token_header(out))),
                claims=json.loads(n.text(lib.instant_verified_token_claims(out))),
                sub=n.text(lib.instant_verified_token_sub(out)),
                channel=n.text(lib.instant_verified_token_channel(out)),
                exp=lib.instant_verified_token_exp(out))
        finally:
            lib.instant_verified_token_free(out)
