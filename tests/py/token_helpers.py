"""Helpers for the token tests: throw-away keys, the instant CLI as a token
minter/verifier, `centrifugo checktoken` as the oracle, and a JWKS endpoint
served on 127.0.0.1 for Centrifugo's EdDSA path."""
import http.server
import json
import os
import subprocess
import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from conftest import CENTRIFUGO, free_port, run_cli

HS = ["HS256", "HS384", "HS512"]
RS = ["RS256", "RS384", "RS512"]
ES = ["ES256", "ES384", "ES512"]
ALL = HS + RS + ES + ["EdDSA"]
# 64 bytes: long enough for HS512 (RFC 7518 3.2), so one key serves every HS*.
TOKEN_HMAC_KEY = "instant-token-tests-hmac-key-0123456789abcdef-0123456789abcdefgh"
CURVES = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}


class Key:
    """A private key on disk (PEM, PKCS#8) and its public PEM."""

    def __init__(self, directory, alg):
        self.alg = alg
        if alg in RS:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif alg in ES:
            self.private = ec.generate_private_key(CURVES[alg])
        else:
            self.private = ed25519.Ed25519PrivateKey.generate()
        self.private_pem = self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        self.public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.path = os.path.join(directory, f"{alg}.key.pem")
        self.public_path = os.path.join(directory, f"{alg}.pub.pem")
        with open(self.path, "w") as f:
            f.write(self.private_pem)
        with open(self.public_path, "w") as f:
            f.write(self.public_pem)


def cli_env(**extra):
    env = dict(os.environ)
    env["CENTRIFUGO_HMAC_KEY"] = TOKEN_HMAC_KEY
    env.update(extra)
    return env


def key_args(alg, key=None, kid=None):
    args = ["--alg", alg]
    if key is not None:
        args += ["--key-file", key.path]
    if kid:
        args += ["--kid", kid]
    return args


def mint(kind, *args, env=None):
    """`instant token|subtoken ARGS`; returns the token, asserting success."""
    r = run_cli(kind, *args, env=env or cli_env())
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    token = r.stdout.strip()
    assert token.count(".") == 2 and "\n" not in token
    return token


def centrifugo_check(config, token, sub=False, directory="."):
    """Runs `centrifugo checktoken|checksubtoken -c CONFIG TOKEN`."""
    path = os.path.join(directory, "check-config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    cmd = "checksubtoken" if sub else "checktoken"
    return subprocess.run([CENTRIFUGO, cmd, "-c", path, token], capture_output=True, text=True,
                          timeout=30, cwd=directory)


def token_config(token_section, namespaces=("chat",)):
    return {"client": {"token": token_section},
            "channel": {"without_namespace": {},
                        "namespaces": [{"name": n} for n in namespaces]}}


class JwksServer:
    """Serves a JWKS document at http://127.0.0.1:PORT/jwks.json."""

    def __init__(self, document):
        body = document.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path != "/jwks.json":
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
