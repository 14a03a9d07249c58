"""The `instant` command-line tool as a user drives it: exit codes, output,
one-line reasons on stderr, against a real Centrifugo."""
import json
import socket
import threading

from conftest import API_KEY, run_cli


def test_publish_prints_the_result_and_the_event_arrives(centrifugo):
    r = run_cli("publish", "clipub", "hello from the CLI", "--event-class", "important",
                "--bucket", "b", env=centrifugo.env())
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["offset"] == 1 and out["epoch"]
    hist = centrifugo.api("history", {"channel": "clipub", "limit": 10})["result"]
    env = json.loads(json.dumps(hist["publications"][0]["data"]))
    assert list(env) == ["channel", "site", "message", "event_class", "bucket"]
    assert env["message"] == "hello from the CLI"


def test_publish_data_only_and_string_envelope(centrifugo):
    r = run_cli("publish", "clidata", "--data", '{"field1":"value1","field2":[1,2]}',
                "--string-envelope", env=centrifugo.env(SITE_NAME="MySite"))
    assert r.returncode == 0, r.stderr
    data = centrifugo.api("history", {"channel": "clidata", "limit": 1})["result"]["publications"][0]["data"]
    assert isinstance(data, str)  # django-instant's wire form
    assert json.loads(data) == {"channel": "clidata", "site": "MySite",
                                "data": {"field1": "value1", "field2": [1, 2]}}


def test_history_prints_publications(centrifugo):
    for i in range(3):
        assert run_cli("publish", "clihist", f"m{i}", env=centrifugo.env()).returncode == 0
    r = run_cli("history", "clihist", "--limit", "2", env=centrifugo.env())
    assert r.returncode == 0, r.stderr
    h = json.loads(r.stdout)
    assert [p["data"]["message"] for p in h["publications"]] == ["m0", "m1"]
    assert h["offset"] == 3
    r = run_cli("history", "clihist", "--reverse", "--limit", "1", env=centrifugo.env())
    assert json.loads(r.stdout)["publications"][0]["data"]["message"] == "m2"


def test_info(centrifugo):
    r = run_cli("info", env=centrifugo.env())
    assert r.returncode == 0, r.stderr
    nodes = json.loads(r.stdout)["nodes"]
    assert len(nodes) == 1 and nodes[0]["uid"]


def one_line(stderr):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_wrong_api_key(centrifugo):
    r = run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_API_KEY="wrong-key-SECRET"))
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert "401" in line and "unauthorized" in line
    assert "wrong-key-SECRET" not in r.stderr and r.stdout == ""


def test_missing_api_key(centrifugo):
    env = centrifugo.env()
    env.pop("CENTRIFUGO_API_KEY")
    r = run_cli("publish", "c", "m", env=env)
    assert r.returncode == 1
    assert "API key" in one_line(r.stderr)


def test_unknown_namespace_reports_centrifugo_code(centrifugo):
    r = run_cli("publish", "nope:c", "m", env=centrifugo.env())
    assert r.returncode == 1
    assert "102" in one_line(r.stderr)


def test_refused_and_timeout(centrifugo):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_URL=f"http://127.0.0.1:{port}"))
    assert r.returncode == 1
    assert "transport" in one_line(r.stderr)

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts (kernel backlog), never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        r = run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_URL=url, INSTANT_TIMEOUT_MS="300"))
        assert r.returncode == 1
        assert "timeout" in one_line(r.stderr)
    finally:
        silent.close()


def test_bad_input_and_usage(centrifugo):
    r = run_cli("publish", "c", "--data", "{not json", env=centrifugo.env())
    assert r.returncode == 1 and "invalid JSON" in one_line(r.stderr)
    r = run_cli("publish", "c", env=centrifugo.env())
    assert r.returncode == 1 and "message" in one_line(r.stderr)
    r = run_cli("publish", "c", "m", "--bogus", env=centrifugo.env())
    assert r.returncode == 2 and "unknown option" in r.stderr
    r = run_cli("publish", env=centrifugo.env())
    assert r.returncode == 2 and "CHANNEL" in r.stderr
    r = run_cli("frobnicate", env=centrifugo.env())
    assert r.returncode == 2
    r = run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_PORT="notaport", CENTRIFUGO_URL=""))
    assert r.returncode == 1 and "CENTRIFUGO_PORT" in one_line(r.stderr)
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("instant ")
