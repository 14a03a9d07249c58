"""Tokens minted through the ctypes module (examples/python/instant.py) and
checked by PyJWT, by instant's own verifier and by Centrifugo's checktoken."""
import os
import subprocess
import sys
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from conftest import CENTRIFUGO, HMAC_KEY, ROOT

sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
import instant  # noqa: E402


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_tokens_verify_with_pyjwt(alg):
    key = HMAC_KEY + "-" + "x" * 40  # long enough for HS512
    signer = instant.Signer.hmac(key, alg, lifetime=120)
    before = int(time.time())
    tok = signer.connection_token("alice", info={"name": "Alice"}, channels=["news"],
                                  meta={"plan": "pro"})
    claims = jwt.decode(tok, key, algorithms=[alg])
    assert claims["sub"] == "alice" and claims["info"] == {"name": "Alice"}
    assert claims["channels"] == ["news"] and claims["meta"] == {"plan": "pro"}
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + 120
    assert jwt.get_unverified_header(tok)["alg"] == alg
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tok, key + "other", algorithms=[alg])

    sub = signer.subscription_token("alice", "$chat:room", data={"k": 1}, aud="web")
    claims = jwt.decode(sub, key, algorithms=[alg], audience="web")
    assert claims["channel"] == "$chat:room" and claims["data"] == {"k": 1}


def test_asymmetric_tokens_verify_with_pyjwt():
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    for key, alg in ((ec_key, "ES256"), (ed_key, "EdDSA")):
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        signer = instant.Signer.from_pem(pem, alg, kid="k1")
        tok = signer.connection_token("bob")
        assert jwt.get_unverified_header(tok)["kid"] == "k1"
        assert jwt.decode(tok, key.public_key(), algorithms=[alg])["sub"] == "bob"
        assert signer.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")
        assert signer.jwk()["kid"] == "k1"


def test_verifier_and_errors_as_exceptions():
    signer = instant.Signer.hmac(HMAC_KEY)
    v = instant.Verifier()
    v.add_signer(signer)
    assert v.verify(signer.connection_token("carol"), "connection")["sub"] == "carol"
    expired = signer.connection_token("carol", exp=1000, iat=900)
    with pytest.raises(instant.Error) as ei:
        v.verify(expired)
    assert ei.value.code == instant.ETOKEN_EXPIRED and ei.value.name == "ETOKEN_EXPIRED"
    forged = jwt.encode({"sub": "carol", "exp": int(time.time()) + 60}, "another-key-0123456789abcdef-0123",
                        algorithm="HS256")
    with pytest.raises(instant.Error) as ei:
        v.verify(forged)
    assert ei.value.code == instant.ETOKEN_SIGNATURE
    with pytest.raises(instant.Error) as ei:
        instant.Signer.hmac("w3ak!k3y")
    assert ei.value.code == instant.EWEAKKEY and "w3ak!k3y" not in str(ei.value)
    with pytest.raises(instant.Error) as ei:
        signer.subscription_token("carol", "")
    assert ei.value.code < 0 and ei.value.message
    with pytest.raises(instant.Error) as ei:
        instant.Signer.hmac(HMAC_KEY, "none")
    assert ei.value.code == instant.EINVAL


def test_token_example_is_accepted_by_centrifugo(centrifugo):
    script = os.path.join(ROOT, "examples", "python", "token.py")
    r = subprocess.run([sys.executable, script, "dave", "$chat:room"], env=centrifugo.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    conn, sub = r.stdout.split()
    assert jwt.decode(conn, HMAC_KEY, algorithms=["HS256"])["sub"] == "dave"
    check = subprocess.run([CENTRIFUGO, "checktoken", "-c", centrifugo.config_path, conn],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and "dave" in check.stdout + check.stderr
    check = subprocess.run([CENTRIFUGO, "checksubtoken", "-c", centrifugo.config_path, sub],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and "dave" in check.stdout + check.stderr
