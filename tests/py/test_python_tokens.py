"""Tokens minted by the Python package, checked by PyJWT, by instant's own
Verifier and by `centrifugo checktoken` / `checksubtoken`, and a real client
connecting with them (the token example)."""
import json
import os
import subprocess
import sys
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import instant
from conftest import CENTRIFUGO, HMAC_KEY, ROOT


def checktoken(server, command, token):
    r = subprocess.run([CENTRIFUGO, command, "-c", server.config_path, token], capture_output=True, text=True,
                       timeout=30)
    return r.returncode, r.stdout + r.stderr


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_tokens_verify_with_pyjwt(alg):
    key = HMAC_KEY + "-" + "x" * 40  # long enough for HS512
    signer = instant.Signer.hmac(key, alg, lifetime=120)
    assert signer.algorithm == alg
    before = int(time.time())
    tok = signer.connection_token("alice", info={"name": "Alice"}, channels=["news"], meta={"plan": "pro"},
                                  jti="j-1", custom_claim=[1, 2])
    claims = jwt.decode(tok, key, algorithms=[alg])
    assert claims["sub"] == "alice" and claims["info"] == {"name": "Alice"} and claims["jti"] == "j-1"
    assert claims["channels"] == ["news"] and claims["meta"] == {"plan": "pro"} and claims["custom_claim"] == [1, 2]
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + 120
    assert jwt.get_unverified_header(tok)["alg"] == alg
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tok, key + "other", algorithms=[alg])

    sub = signer.subscription_token("alice", "$chat:room", data={"k": 1}, aud="web", ttl=30,
                                    override={"presence": {"value": False}})
    claims = jwt.decode(sub, key, algorithms=[alg], audience="web")
    assert claims["channel"] == "$chat:room" and claims["data"] == {"k": 1}
    assert claims["exp"] == claims["iat"] + 30 and claims["override"] == {"presence": {"value": False}}
    assert "exp" not in jwt.decode(signer.connection_token("a", no_expiry=True), key, algorithms=[alg])


def test_asymmetric_tokens_verify_with_pyjwt():
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signers = []
    for key, alg in ((ec_key, "ES256"), (ed_key, "EdDSA"), (rsa_key, "RS256")):
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        signer = instant.Signer.from_pem(pem, alg, kid="k-" + alg)
        tok = signer.connection_token("bob")
        assert jwt.get_unverified_header(tok)["kid"] == "k-" + alg
        assert jwt.decode(tok, key.public_key(), algorithms=[alg])["sub"] == "bob"
        assert signer.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")
        assert signer.jwk()["kid"] == "k-" + alg
        verifier = instant.Verifier().add_pem(signer.public_key_pem(), alg, kid="k-" + alg)
        assert verifier.verify(tok).algorithm == alg
        signers.append(signer)
    doc = instant.jwks(signers)
    assert [k["kid"] for k in doc["keys"]] == ["k-ES256", "k-EdDSA", "k-RS256"]
    assert jwt.PyJWKSet.from_dict(doc)["k-RS256"].key is not None  # PyJWT reads the JWKS


def test_verifier_returns_the_claims():
    signer = instant.Signer.hmac(HMAC_KEY, lifetime=600)
    v = instant.Verifier().add_signer(signer)
    assert len(v) == 1
    got = v.verify(signer.connection_token("carol", info={"x": 1}), "connection")
    assert got.sub == "carol" and got.claims["info"] == {"x": 1} and got.header["alg"] == "HS256"
    assert got.exp == got.claims["iat"] + 600 and got.channel == ""
    sub = v.verify(signer.subscription_token("carol", "$chat:r"), "subscription")
    assert sub.channel == "$chat:r"
    past = instant.Verifier(now=1000).add_signer(signer)  # evaluation time is settable
    assert past.verify(signer.connection_token("c", exp=2000, iat=900)).exp == 2000
    lenient = instant.Verifier(require_exp=False).add_signer(signer)
    assert lenient.verify(signer.connection_token("c", no_expiry=True)).exp == 0


def test_centrifugo_checks_the_tokens(centrifugo):
    signer = instant.Signer.hmac(HMAC_KEY)
    rc, out = checktoken(centrifugo, "checktoken", signer.connection_token("erin", info={"a": 1}))
    assert rc == 0 and "valid token for user erin" in out, out
    assert json.loads(out.split("payload: ", 1)[1].splitlines()[0])["info"] == {"a": 1}
    rc, out = checktoken(centrifugo, "checksubtoken", signer.subscription_token("erin", "$chat:room"))
    assert rc == 0 and 'valid subscription token for user "erin" and channel "$chat:room"' in out, out
    rc, out = checktoken(centrifugo, "checktoken", signer.connection_token("erin", exp=1000, iat=900))
    assert rc != 0 and "expired" in out, out
    other = instant.Signer.hmac(HMAC_KEY + "-not-the-server-key")
    rc, out = checktoken(centrifugo, "checktoken", other.connection_token("erin"))
    assert rc != 0 and "invalid token" in out, out


def test_signer_from_env(monkeypatch):
    monkeypatch.setenv("CENTRIFUGO_HMAC_KEY", HMAC_KEY)
    tok = instant.Signer.from_env(lifetime=60).connection_token("env-user")
    assert jwt.decode(tok, HMAC_KEY, algorithms=["HS256"])["sub"] == "env-user"
    monkeypatch.delenv("CENTRIFUGO_HMAC_KEY")
    with pytest.raises(instant.ConfigError) as ei:
        instant.Signer.from_env()
    assert "CENTRIFUGO_HMAC_KEY" in str(ei.value)


def test_token_example_is_accepted_by_centrifugo(centrifugo):
    script = os.path.join(ROOT, "examples", "python", "mint_token.py")
    r = subprocess.run([sys.executable, script, "dave", "$chat:room"], env=centrifugo.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    conn, sub = r.stdout.split()
    assert jwt.decode(conn, HMAC_KEY, algorithms=["HS256"])["sub"] == "dave"
    rc, out = checktoken(centrifugo, "checktoken", conn)
    assert rc == 0 and "dave" in out
    rc, out = checktoken(centrifugo, "checksubtoken", sub)
    assert rc == 0 and "dave" in out
    r = subprocess.run([sys.executable, script, "dave"], env={k: v for k, v in centrifugo.env().items()
                                                              if k != "CENTRIFUGO_HMAC_KEY"},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "CENTRIFUGO_HMAC_KEY" in r.stderr
