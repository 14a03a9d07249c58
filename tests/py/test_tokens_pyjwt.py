"""PyJWT interop for every algorithm both support: PyJWT decodes instant's
tokens, and `instant verify` accepts PyJWT's and rejects them when expired,
not yet valid, signed with another key, or unsigned."""
import json
import time

import jwt
import pytest

from conftest import run_cli
from token_helpers import ALL, HS, TOKEN_HMAC_KEY, Key, cli_env, key_args, mint


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    return {alg: Key(str(d), alg) for alg in ALL if alg not in HS}


def pyjwt_keys(alg, keys):
    """(signing key, verification key) in PyJWT's terms."""
    if alg in HS:
        return TOKEN_HMAC_KEY, TOKEN_HMAC_KEY
    return keys[alg].private_pem, keys[alg].public_pem


def verify_args(alg, keys):
    if alg in HS:
        return ["--alg", alg]
    return ["--alg", alg, "--key-file", keys[alg].public_path]


@pytest.mark.parametrize("alg", ALL)
def test_pyjwt_decodes_instant_tokens(alg, keys):
    key = None if alg in HS else keys[alg]
    tok = mint("token", "--user", "alice", "--info", '{"name":"Alice"}', "--aud", "web",
               "--iss", "instant", "--channels", "a,b", *key_args(alg, key, kid="kid-1"))
    _, verify_key = pyjwt_keys(alg, keys)
    header = jwt.get_unverified_header(tok)
    assert header == {"alg": alg, "kid": "kid-1", "typ": "JWT"}
    claims = jwt.decode(tok, verify_key, algorithms=[alg], audience="web", issuer="instant",
                        options={"require": ["exp", "iat", "sub"]})
    assert claims["sub"] == "alice"
    assert claims["info"] == {"name": "Alice"}
    assert claims["channels"] == ["a", "b"]
    assert claims["exp"] - claims["iat"] == 86400

    sub = mint("subtoken", "--user", "alice", "--channel", "$x", "--ttl", "60", *key_args(alg, key))
    claims = jwt.decode(sub, verify_key, algorithms=[alg])
    assert claims["channel"] == "$x" and claims["exp"] - claims["iat"] == 60


@pytest.mark.parametrize("alg", ALL)
def test_instant_verifies_pyjwt_tokens(alg, keys):
    sign_key, _ = pyjwt_keys(alg, keys)
    now = int(time.time())
    payload = {"sub": "bob", "exp": now + 300, "iat": now, "info": {"k": [1, 2]}, "aud": ["web", "x"],
               "iss": "them"}
    tok = jwt.encode(payload, sign_key, algorithm=alg, headers={"kid": "p1"})
    r = run_cli("verify", tok, "--aud", "web", "--iss", "them", "--kind", "connection",
                *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == payload

    # Wrong audience / issuer.
    r = run_cli("verify", tok, "--aud", "app", *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "audience" in r.stderr
    r = run_cli("verify", tok, "--iss", "us", *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "issuer" in r.stderr

    # Expired and not yet valid.
    expired = jwt.encode({"sub": "bob", "exp": now - 10}, sign_key, algorithm=alg)
    r = run_cli("verify", expired, *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "expired" in r.stderr
    assert expired not in r.stderr and expired[-16:] not in r.stderr
    r = run_cli("verify", expired, "--leeway", "60", *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 0, r.stderr
    early = jwt.encode({"sub": "bob", "exp": now + 300, "nbf": now + 120}, sign_key, algorithm=alg)
    r = run_cli("verify", early, *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "not yet valid" in r.stderr


@pytest.mark.parametrize("alg", ALL)
def test_instant_rejects_other_keys_and_unsigned(alg, keys, tmp_path):
    now = int(time.time())
    payload = {"sub": "bob", "exp": now + 300}
    if alg in HS:
        other = jwt.encode(payload, "another-secret-key-0123456789abcdef-0123456789abcdef-0123456789ab", algorithm=alg)
    else:
        other = jwt.encode(payload, Key(str(tmp_path), alg).private_pem, algorithm=alg)
    r = run_cli("verify", other, *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "signature" in r.stderr, r.stderr
    assert TOKEN_HMAC_KEY not in r.stderr

    unsigned = jwt.encode(payload, None, algorithm="none")
    r = run_cli("verify", unsigned, *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "token rejected" in r.stderr
    r = run_cli("verify", unsigned + "c2ln", *verify_args(alg, keys), env=cli_env())
    assert r.returncode == 1 and "algorithm" in r.stderr


def test_instant_verify_rejects_the_hs256_with_public_key_confusion(keys):
    pub = keys["RS256"].public_pem
    now = int(time.time())
    # PyJWT itself refuses to use a PEM as an HMAC secret, so build the token by hand.
    import base64
    import hashlib
    import hmac as hm

    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(
        json.dumps({"sub": "admin", "exp": now + 300}).encode())
    sig = hm.new(pub.encode(), signing_input.encode(), hashlib.sha256).digest()
    forged = signing_input + "." + b64(sig)
    r = run_cli("verify", forged, "--alg", "RS256", "--key-file", keys["RS256"].public_path)
    assert r.returncode == 1 and "algorithm" in r.stderr


def test_cli_refuses_short_hmac_key_and_channel_claim():
    r = run_cli("token", "--user", "u", env=cli_env(CENTRIFUGO_HMAC_KEY="short-key"))
    assert r.returncode == 1 and "32 bytes" in r.stderr and "short-key" not in r.stderr
    assert r.stdout == ""
    r = run_cli("token", "--user", "u", "--allow-weak-key", env=cli_env(CENTRIFUGO_HMAC_KEY="short-key"))
    assert r.returncode == 0
    r = run_cli("token", "--user", "u", "--extra", '{"channel":"news"}', env=cli_env())
    assert r.returncode == 1 and "channel" in r.stderr and r.stdout == ""
    r = run_cli("token", "--user", "u", env={k: v for k, v in cli_env().items() if k != "CENTRIFUGO_HMAC_KEY"})
    assert r.returncode == 1 and "CENTRIFUGO_HMAC_KEY" in r.stderr
    r = run_cli("verify", "not-a-token", env=cli_env())
    assert r.returncode == 1 and "malformed" in r.stderr
