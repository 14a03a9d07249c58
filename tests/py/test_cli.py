"""The `instant` command-line tool as a user drives it: exit codes, output,
one-line reasons on stderr, against a real Centrifugo."""
import json
import os
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


COMMANDS = ["publish", "history", "info", "token", "subtoken", "verify", "jwks", "bundle",
            "genconfig", "channels", "proxy", "stream"]


def help_flags(text):
    """The --flags listed under "options:" of a command's help, with their lines."""
    flags, section = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            section = line
            continue
        if section == "options:" and line.strip().startswith("--"):
            flags[line.split()[0][2:]] = line
    return flags


def test_every_command_lists_every_flag_with_its_default(tmp_path):
    r = run_cli("--help")
    assert r.returncode == 0
    listed = [line.split()[0] for line in r.stdout.split("commands:\n")[1].split("\n\n")[0].splitlines()]
    assert listed == COMMANDS
    for name in COMMANDS:
        for form in ([name, "--help"], ["help", name], [name, "-h"]):
            r = run_cli(*form)
            assert r.returncode == 0 and r.stdout.startswith(f"usage: instant {name}"), (form, r.stderr)
        flags = help_flags(r.stdout)
        for flag, line in flags.items():
            assert "(default: " in line or line.endswith("(required)"), line
            # the parser accepts every flag the help lists (values are the
            # placeholder; whatever the command then says, it is not "unknown")
            takes_value = len(line.split()) > 1 and line.split()[1].isupper()
            args = [name, f"--{flag}"] + (["X"] if takes_value else [])
            r = run_cli(*args, env={"PATH": "/usr/bin:/bin", "CENTRIFUGO_URL": "http://127.0.0.1:9",
                                    "INSTANT_CONNECT_TIMEOUT_MS": "200"}, input="", cwd=str(tmp_path))
            assert "unknown option" not in r.stderr and "takes no value" not in r.stderr, (args, r.stderr)
        r = run_cli(name, "--no-such-flag", cwd=str(tmp_path))
        assert r.returncode == 2 and "unknown option --no-such-flag" in r.stderr
    # the flags the old one-line usage left out are there
    assert {"idempotency-key", "skip-history", "site", "string-envelope"} <= set(help_flags(run_cli("publish", "--help").stdout))
    assert {"nbf", "jti", "no-expiry", "b64info", "expire-at", "extra", "allow-weak-key", "kid"} <= \
        set(help_flags(run_cli("token", "--help").stdout))
    assert {"address", "prefix-private", "allow-non-ascii", "no-usage-stats", "history-ttl"} <= \
        set(help_flags(run_cli("genconfig", "--help").stdout))
    assert "CENTRIFUGO_API_KEY" in run_cli("publish", "--help").stdout
    assert "--limit N" in run_cli("history", "--help").stdout and "(default: -1)" in run_cli("history", "--help").stdout


def test_hints_name_the_setting_to_check(centrifugo):
    r = run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_URL=centrifugo.url + "/api"))
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert "404" in line and "is CENTRIFUGO_URL the server root, without /api?" in line

    r = run_cli("publish", "nope:c", "m", env=centrifugo.env())
    line = one_line(r.stderr)
    assert r.returncode == 1 and "102" in line
    assert "namespace 'nope' not configured on the server" in line

    r = run_cli("history", "nohistory:c", env=centrifugo.env())
    line = one_line(r.stderr)
    assert r.returncode == 1 and "108" in line and "history_size and history_ttl" in line

    r = run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_API_KEY="wrong-key-SECRET"))
    line = one_line(r.stderr)
    assert "CENTRIFUGO_API_KEY must equal http_api.key" in line and "wrong-key-SECRET" not in line

    env = centrifugo.env(CENTRIFUGO_URL="", CENTRIFUGO_HOST="http://127.0.0.1", CENTRIFUGO_PORT="9")
    line = one_line(run_cli("publish", "c", "m", env=env).stderr)
    assert "is Centrifugo running at CENTRIFUGO_HOST:CENTRIFUGO_PORT" in line
    line = one_line(run_cli("publish", "c", "m", env=centrifugo.env(CENTRIFUGO_URL="http://127.0.0.1:9")).stderr)
    assert "is Centrifugo running at CENTRIFUGO_URL?" in line


def test_weak_key_names_the_key_and_the_flag(tmp_path):
    env = dict(os.environ, CENTRIFUGO_HMAC_KEY="short-SECRET")
    for args in (["token", "--user", "a"], ["subtoken", "--user", "a", "--channel", "c"]):
        r = run_cli(*args, env=env)
        assert r.returncode == 1
        line = one_line(r.stderr)
        assert line.startswith("instant: CENTRIFUGO_HMAC_KEY: ") and "--allow-weak-key accepts it" in line
        assert "short-SECRET" not in r.stderr
        r = run_cli(*args, "--allow-weak-key", env=env)
        assert r.returncode == 0 and r.stdout.startswith("eyJ"), r.stderr
    reg = tmp_path / "channels.json"
    reg.write_text('{"channels":[{"name":"$users","level":"users"}]}')
    r = run_cli("bundle", "--registry", str(reg), "--user", "alice", env=env)
    assert r.returncode == 1 and "--allow-weak-key accepts it" in one_line(r.stderr)
    r = run_cli("bundle", "--registry", str(reg), "--user", "alice", "--allow-weak-key", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["channels"][0]["name"] == "$users"
    r = run_cli("bundle", "--registry", str(reg), "--anonymous", "--allow-weak-key", env=env)
    assert r.returncode == 1 and "--anonymous-public" in one_line(r.stderr)
    key = tmp_path / "key.pem"
    key.write_text("not a key")
    r = run_cli("token", "--user", "a", "--key-file", str(key), "--alg", "ES256")
    assert r.returncode == 1 and one_line(r.stderr).startswith(f"instant: --key-file {key}: ")
