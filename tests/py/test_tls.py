"""TLS to Centrifugo: verification on by default, a CA file to trust, and an
explicit opt-out - through the CLI, against a real Centrifugo serving HTTPS."""
import json
import os
import subprocess

from conftest import run_cli


def make_cert(directory):
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return key, cert


def test_https_with_ca_file_and_verification(centrifugo_factory, tmp_path):
    key, cert = make_cert(str(tmp_path))
    server = centrifugo_factory({"http_server": {"tls": {"enabled": True, "cert_pem": cert, "key_pem": key}}})
    url = f"https://127.0.0.1:{server.port}"

    # Verification is on by default: a self-signed certificate is refused.
    r = run_cli("publish", "tlschan", "m", env=server.env(CENTRIFUGO_URL=url))
    assert r.returncode == 1
    assert "transport" in r.stderr

    # Trusting the certificate through a CA file.
    r = run_cli("publish", "tlschan", "secure", env=server.env(CENTRIFUGO_URL=url, INSTANT_CA_FILE=cert))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["offset"] == 1

    # Explicit opt-out.
    r = run_cli("publish", "tlschan", "insecure", env=server.env(CENTRIFUGO_URL=url, INSTANT_TLS_VERIFY="0"))
    assert r.returncode == 0, r.stderr

    r = run_cli("history", "tlschan", env=server.env(CENTRIFUGO_URL=url, INSTANT_CA_FILE=cert))
    assert r.returncode == 0, r.stderr
    assert [p["data"]["message"] for p in json.loads(r.stdout)["publications"]] == ["secure", "insecure"]
