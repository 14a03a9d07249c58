"""Centrifugo itself is the oracle: tokens minted by instant pass
`centrifugo checktoken` / `checksubtoken` under a config with the matching
key (HS*, RS*, ES*; EdDSA through a JWKS endpoint served here), and fail
under a wrong key or when expired."""
import json

import pytest

from conftest import run_cli
from token_helpers import ES, HS, RS, TOKEN_HMAC_KEY, JwksServer, Key, centrifugo_check, cli_env, key_args, mint, token_config


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    return {alg: Key(str(d), alg) for alg in RS + ES + ["EdDSA"]}


def section_for(alg, keys):
    if alg in HS:
        return {"hmac_secret_key": TOKEN_HMAC_KEY}
    if alg in RS:
        return {"rsa_public_key": keys[alg].public_pem}
    return {"ecdsa_public_key": keys[alg].public_pem}


@pytest.mark.parametrize("alg", HS + RS + ES)
def test_connection_and_subscription_tokens_pass_centrifugo(alg, keys, tmp_path):
    key = None if alg in HS else keys[alg]
    cfg = token_config(section_for(alg, keys))
    tok = mint("token", "--user", "alice", "--info", '{"name":"Alice","n":[1,2]}',
               "--channels", "news,chat:room", *key_args(alg, key, kid="k1"))
    r = centrifugo_check(cfg, tok, directory=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "valid token for user alice" in r.stdout
    payload = json.loads(r.stdout.split("payload: ", 1)[1].splitlines()[0])
    assert payload["info"] == {"name": "Alice", "n": [1, 2]}  # JSON, not an escaped string
    assert payload["channels"] == ["news", "chat:room"]
    assert payload["exp"] > payload["iat"]

    sub = mint("subtoken", "--user", "alice", "--channel", "$chat:secret", "--data", '{"x":1}',
               *key_args(alg, key))
    r = centrifugo_check(cfg, sub, sub=True, directory=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'valid subscription token for user "alice" and channel "$chat:secret"' in r.stdout


@pytest.mark.parametrize("alg", ["HS256", "RS256", "ES256"])
def test_centrifugo_refuses_wrong_key_and_expired(alg, keys, tmp_path):
    key = None if alg in HS else keys[alg]
    good_cfg = token_config(section_for(alg, keys))
    other = Key(str(tmp_path), alg) if alg not in HS else None
    wrong_cfg = token_config({"hmac_secret_key": "x" * 40} if alg in HS else
                             section_for(alg, {alg: other}))
    tok = mint("token", "--user", "alice", *key_args(alg, key))
    assert centrifugo_check(good_cfg, tok, directory=str(tmp_path)).returncode == 0
    r = centrifugo_check(wrong_cfg, tok, directory=str(tmp_path))
    assert r.returncode != 0 and "invalid token" in r.stdout, r.stdout
    expired = mint("token", "--user", "alice", "--exp", "1000000000", *key_args(alg, key))
    r = centrifugo_check(good_cfg, expired, directory=str(tmp_path))
    assert r.returncode != 0 and "expired" in r.stdout, r.stdout


def test_eddsa_through_a_jwks_endpoint(keys, tmp_path):
    ed = keys["EdDSA"]
    es = keys["ES384"]
    jwks = run_cli("jwks", ed.path, "EdDSA", "ed-1", es.path, "ES384", "es-1")
    assert jwks.returncode == 0, jwks.stderr
    doc = json.loads(jwks.stdout)
    assert [k["kid"] for k in doc["keys"]] == ["ed-1", "es-1"]
    assert doc["keys"][0]["kty"] == "OKP" and doc["keys"][0]["crv"] == "Ed25519"
    assert "d" not in doc["keys"][0]  # never the private part
    server = JwksServer(jwks.stdout)
    try:
        cfg = token_config({"jwks_public_endpoint": server.url})
        tok = mint("token", "--user", "eve", *key_args("EdDSA", ed, kid="ed-1"))
        r = centrifugo_check(cfg, tok, directory=str(tmp_path))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "valid token for user eve" in r.stdout
        sub = mint("subtoken", "--user", "eve", "--channel", "$p", *key_args("EdDSA", ed, kid="ed-1"))
        r = centrifugo_check(cfg, sub, sub=True, directory=str(tmp_path))
        assert r.returncode == 0, r.stdout + r.stderr
        # An ES384 key from the same JWKS works too.
        tok = mint("token", "--user", "eve", *key_args("ES384", es, kid="es-1"))
        assert centrifugo_check(cfg, tok, directory=str(tmp_path)).returncode == 0
        # A kid the endpoint does not list is refused.
        tok = mint("token", "--user", "eve", *key_args("EdDSA", ed, kid="ed-2"))
        r = centrifugo_check(cfg, tok, directory=str(tmp_path))
        assert r.returncode != 0 and "not found" in r.stdout, r.stdout
    finally:
        server.close()


def test_audience_issuer_meta_expire_at(tmp_path):
    cfg = token_config({"hmac_secret_key": TOKEN_HMAC_KEY, "audience": "web", "issuer": "instant"})
    tok = mint("token", "--user", "bob", "--aud", "web", "--iss", "instant", "--meta", '{"plan":"pro"}',
               "--expire-at", "0", "--jti", "j-1", "--b64info", "eyJhIjoxfQ==")
    r = centrifugo_check(cfg, tok, directory=str(tmp_path))
    assert r.returncode == 0, r.stdout
    payload = json.loads(r.stdout.split("payload: ", 1)[1].splitlines()[0])
    assert payload["meta"] == {"plan": "pro"} and payload["expire_at"] == 0
    wrong = mint("token", "--user", "bob", "--aud", "app", "--iss", "instant")
    r = centrifugo_check(cfg, wrong, directory=str(tmp_path))
    assert r.returncode != 0 and "audience" in r.stdout, r.stdout
