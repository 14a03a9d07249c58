"""Shared pytest fixtures: a real Centrifugo v6 started and stopped here
(harness.py). The server binary comes from INSTANT_CENTRIFUGO_BIN (default
.tools/bin/centrifugo); when it is missing the fixture fails the test - it
never skips.
"""
import pytest

from harness import (API_KEY, BUILD, CENTRIFUGO, CLI, HMAC_KEY, JS_DIR, ROOT,  # noqa: F401 (re-exported)
                     Centrifugo, deep_merge, default_config, free_port, run_cli, run_node)


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
