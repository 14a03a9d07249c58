"""Shared pytest fixtures: a real Centrifugo v6 started and stopped here
(harness.py), and a Redis (Debian's redis-server) for Centrifugo's Redis
engine. The server binary comes from INSTANT_CENTRIFUGO_BIN (default
.tools/bin/centrifugo); when it or redis-server is missing the fixture fails
the test - it never skips.
"""
import shutil
import socket
import subprocess
import time

import pytest

from harness import (API_KEY, BUILD, CENTRIFUGO, CLI, HMAC_KEY, JS_DIR, ROOT,  # noqa: F401 (re-exported)
                     Centrifugo, deep_merge, default_config, free_port, run_cli, run_node, third_party_env)


@pytest.fixture(scope="session")
def centrifugo():
    server = Centrifugo()
    yield server
    server.cleanup()


@pytest.fixture
def centrifugo_factory():
    servers = []

    def make(overrides=None, config=None):
        s = Centrifugo(overrides, config)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.cleanup()


@pytest.fixture
def redis_url(tmp_path):
    """A fresh redis-server on 127.0.0.1 (no persistence) for Centrifugo's Redis engine: its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: run scripts/bootstrap")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            env=third_party_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)
