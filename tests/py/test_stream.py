"""`instant stream`: events from stdin through the asynchronous Publisher into a
real Centrifugo, checked in its history; the summary line, the exit status,
malformed input, a dead endpoint."""
import base64
import json
import subprocess
import urllib.request

import pytest

from conftest import CLI, free_port, run_cli

SUMMARY_KEYS = ["events", "delivered", "failed", "possibly_delivered", "invalid", "retried", "batches",
                "seconds", "events_per_second"]

# Channels without a namespace keep 10000 publications, so a 10k stream fits in
# one channel's history several times over.
BIG_HISTORY = {"channel": {"without_namespace": {"history_size": 10000, "history_ttl": "600s"}}}


def stream(lines, *args, env, timeout=120):
    """Runs `instant stream` with `lines` (str or bytes each) on stdin; returns
    (CompletedProcess, the summary dict)."""
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    r = subprocess.run([CLI, "stream", *args], env=env, input=data, capture_output=True, timeout=timeout)
    out = r.stdout.decode()
    err = r.stderr.decode()
    r.stdout, r.stderr = out, err
    out_lines = out.splitlines()
    assert len(out_lines) == 1, (out, err)  # exactly one line on stdout: the summary
    summary = json.loads(out_lines[0])
    assert list(summary) == SUMMARY_KEYS, summary
    for k in SUMMARY_KEYS[:-2]:
        assert isinstance(summary[k], int) and summary[k] >= 0, summary
    assert isinstance(summary["seconds"], float) and isinstance(summary["events_per_second"], float)
    # Every event is accounted for exactly once.
    assert summary["events"] == summary["delivered"] + summary["failed"] + summary["possibly_delivered"], summary
    return r, summary


def history_raw(server, channel):
    """The history reply's raw text (numbers as Centrifugo stored them) and its parsed form."""
    req = urllib.request.Request(f"{server.url}/api/history",
                                 data=json.dumps({"channel": channel, "limit": -1}).encode(),
                                 headers={"X-API-Key": server.api_key})
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
    return text, json.loads(text)["result"]


def test_10k_events_arrive_exactly_once_in_order(centrifugo_factory):
    srv = centrifugo_factory(BIG_HISTORY)
    channels = [f"stream10k_{c}" for c in range(10)]
    lines = [json.dumps({"channel": channels[i % 10], "message": f"m{i}",
                         "data": {"seq": i // 10, "big": 12345678901234567890123, "f": 1.50},
                         "event_class": "load", "bucket": "b"}).replace("1.5}", "1.50}")
             for i in range(10000)]
    r, s = stream(lines, env=srv.env())
    assert r.returncode == 0, r.stderr
    assert s["events"] == 10000 and s["delivered"] == 10000
    assert s["failed"] == 0 and s["possibly_delivered"] == 0 and s["invalid"] == 0
    assert s["batches"] >= 10  # batched: not one request per event
    assert r.stderr == ""
    for c, name in enumerate(channels):
        text, h = history_raw(srv, name)
        pubs = h["publications"]
        assert len(pubs) == 1000, name
        # once each, in the order they were read, offsets without gaps
        assert [p["data"]["data"]["seq"] for p in pubs] == list(range(1000))
        assert [p["offset"] for p in pubs] == list(range(1, 1001))
        assert [p["data"]["message"] for p in pubs] == [f"m{c + 10 * k}" for k in range(1000)]
        first = pubs[0]["data"]
        assert list(first) == ["channel", "site", "message", "data", "event_class", "bucket"]
        assert first["channel"] == name and first["site"] == "Site" and first["event_class"] == "load"
        # numbers exactly as written: no float round trip
        assert text.count('"big":12345678901234567890123,"f":1.50}') == 1000


def test_100k_events_exactly_once_across_a_centrifugo_restart(centrifugo_factory, redis_url):
    """Centrifugo on the Redis engine (history and idempotency keys survive it)
    killed with SIGKILL while `instant stream` is 30k lines into a 100k-line
    input, restarted on the same port a second later: every event delivered and
    in history once, in order."""
    srv = centrifugo_factory({**BIG_HISTORY, "engine": {"type": "redis", "redis": {"address": [redis_url]}}})
    channels = [f"srestart_{c}" for c in range(10)]
    proc = subprocess.Popen([CLI, "stream"], env=srv.env(), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killer = restarted = None
    for i in range(100000):
        if i == 30000:
            proc.stdin.flush()
            killer, restarted = srv.outage(1.0)
        proc.stdin.write(json.dumps({"channel": channels[i % 10], "message": "m",
                                     "data": {"seq": i // 10}}).encode() + b"\n")
    out, err = proc.communicate(timeout=120)  # closes stdin: the end of the input
    killer.join(60)
    assert restarted.is_set()
    assert proc.returncode == 0, err.decode()
    s = json.loads(out.decode())
    print(f"\nstream across a restart: {s}")
    assert s["events"] == 100000 and s["delivered"] == 100000, s
    assert s["failed"] == 0 and s["possibly_delivered"] == 0 and s["invalid"] == 0, s
    assert s["retried"] > 0, s  # the outage was seen
    for name in channels:
        pubs = srv.api("history", {"channel": name, "limit": -1})["result"]["publications"]
        assert [p["data"]["data"]["seq"] for p in pubs] == list(range(10000)), name
        assert [p["offset"] for p in pubs] == list(range(1, 10001)), name


def test_raw_publish_commands(centrifugo):
    lines = [
        '{"channel":"rawst","data":{"n":1},"tags":{"origin":"stream","k":"v"}}',
        '{"channel":"rawst","data":{"n":2},"idempotency_key":"rawst-key-1"}',
        '{"channel":"rawst","data":{"n":2},"idempotency_key":"rawst-key-1"}',  # dropped by Centrifugo
        '{"channel":"rawst","data":{"n":3},"skip_history":true}',
        '{"channel":"rawst","data":"a string","version":7,"version_epoch":"v1","delta":false}',
        '{"channel":"rawst","data":[1,2.50,-3e2]}',
        '{"channel":"rawst_bin","b64data":"' + base64.b64encode(b"\x00\x01\xff").decode() + '"}',
        '{"channel":"rawst","message":"not a raw field"}',
        '{"channel":"rawst","data":{},"version":-1}',
        '{"channel":"rawst","data":{},"tags":{"a":1}}',
        '{"channel":"rawst"}',
    ]
    r, s = stream(lines, "--raw", env=centrifugo.env())
    assert r.returncode == 1  # four lines were not valid commands
    assert s["events"] == 11 and s["delivered"] == 7 and s["invalid"] == 4 and s["failed"] == 4
    err = r.stderr.splitlines()
    assert any(e.startswith("instant: line 8: rejected: unknown member 'message'") for e in err), r.stderr
    assert any(e.startswith("instant: line 9: rejected: 'version' must be a non-negative integer") for e in err)
    assert any(e.startswith("instant: line 10: rejected: 'tags.a' must be a string") for e in err)
    assert any(e.startswith("instant: line 11: rejected:") for e in err)  # neither data nor b64data
    text, h = history_raw(centrifugo, "rawst")
    datas = [p["data"] for p in h["publications"]]
    assert datas == [{"n": 1}, {"n": 2}, "a string", [1, 2.5, -300]]
    assert h["publications"][0]["tags"] == {"origin": "stream", "k": "v"}
    assert "[1,2.50,-3e2]" in text
    assert centrifugo.api("history", {"channel": "rawst_bin", "limit": 0})["result"]["offset"] == 1


def test_string_envelope(centrifugo):
    r, s = stream(['{"channel":"strenv","message":"hi","data":{"x":1}}'], "--string-envelope",
                  env=centrifugo.env(SITE_NAME="MySite"))
    assert r.returncode == 0, r.stderr
    data = centrifugo.api("history", {"channel": "strenv", "limit": 1})["result"]["publications"][0]["data"]
    assert isinstance(data, str)  # django-instant's wire form
    assert json.loads(data) == {"channel": "strenv", "site": "MySite", "message": "hi", "data": {"x": 1}}


def test_malformed_lines_are_reported_counted_and_skipped(centrifugo):
    lines = [
        '{"channel":"badln","message":"first"}',         # 1 ok
        'not json',                                       # 2
        '',                                               # 3 blank: skipped, not counted
        '{"channel":"badln"}',                            # 4 neither message nor data
        '{"channel":"badln","mesage":"typo"}',            # 5 unknown member
        '[{"channel":"badln","message":"x"}]',            # 6 not an object
        '{"channel":"bad$name","message":"x"}',           # 7 refused channel name
        '{"channel":"badln","data":{"n":1e400}}',         # 8 number out of range
        '{"channel":"badln","message":"a","message":"b"}',  # 9 repeated member
        '{"channel":5,"message":"x"}',                    # 10 wrong type
        b'{"channel":"badln","message":"\xc3\x28"}',      # 11 invalid UTF-8
        '[' * 300 + ']' * 300,                            # 12 too deep
        '{"channel":"badln","message":"x"} trailing',     # 13 text after the object
        '   ',                                            # 14 blank
        b'{"channel":"badln","message":"x"}\x00junk',     # 15 a NUL byte after the object
        '{"channel":"badln","message":"last","data":null}',  # 16 ok (null = absent)
    ]
    r, s = stream(lines, env=centrifugo.env())
    assert r.returncode == 1
    assert s["events"] == 14 and s["delivered"] == 2
    assert s["invalid"] == 12 and s["failed"] == 12
    rejected = sorted(int(e.split(":")[1].split()[1]) for e in r.stderr.splitlines() if ": rejected: " in e)
    assert rejected == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15], r.stderr
    assert "line 5: rejected: unknown member 'mesage'" in r.stderr
    assert "line 10: rejected: 'channel' must be a string, not a number" in r.stderr
    assert "[invalid channel name]" in r.stderr and "[invalid UTF-8]" in r.stderr
    h = centrifugo.api("history", {"channel": "badln", "limit": -1})["result"]
    assert [p["data"]["message"] for p in h["publications"]] == ["first", "last"]


def test_a_line_longer_than_max_payload_is_rejected_and_the_stream_goes_on(centrifugo):
    huge = '{"channel":"longln","message":"' + "x" * (1 << 20) + '"}'
    r, s = stream(['{"channel":"longln","message":"before"}', huge, '{"channel":"longln","message":"after"}'],
                  env=centrifugo.env())
    assert r.returncode == 1
    assert s["events"] == 3 and s["delivered"] == 2 and s["invalid"] == 1
    assert "line 2: rejected: longer than 1048576 bytes" in r.stderr
    h = centrifugo.api("history", {"channel": "longln", "limit": -1})["result"]
    assert [p["data"]["message"] for p in h["publications"]] == ["before", "after"]


def test_delivery_failures_are_reported_with_their_line(centrifugo):
    # 102: the namespace is not configured; the publication is sent and refused.
    lines = ['{"channel":"okfail","message":"a"}', '{"channel":"nope:x","message":"b"}',
             '{"channel":"okfail","message":"c"}']
    r, s = stream(lines, env=centrifugo.env())
    assert r.returncode == 1
    assert s["delivered"] == 2 and s["failed"] == 1 and s["invalid"] == 0
    line = [e for e in r.stderr.splitlines() if "line 2:" in e]
    assert len(line) == 1 and "failed" in line[0] and "102" in line[0] and "nope:x" in line[0], r.stderr


def test_dead_endpoint_fails_every_event_within_the_message_timeout():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = {"CENTRIFUGO_URL": url, "CENTRIFUGO_API_KEY": "SECRET-api-key-value", "PATH": "/usr/bin:/bin"}
    lines = [json.dumps({"channel": "dead", "message": f"m{i}"}) for i in range(50)]
    r, s = stream(lines, "--timeout-ms", "1000", env=env, timeout=30)
    assert r.returncode == 1
    assert s["events"] == 50 and s["failed"] == 50 and s["delivered"] == 0 and s["possibly_delivered"] == 0
    assert s["retried"] > 0  # transient failures are retried until the timeout
    failed_lines = [e for e in r.stderr.splitlines() if ": failed (" in e]
    assert len(failed_lines) == 50
    assert all("[transport error]" in e for e in failed_lines), r.stderr
    assert "SECRET-api-key-value" not in r.stderr


def test_failover_to_the_second_endpoint(centrifugo):
    dead = f"http://127.0.0.1:{free_port()}"
    lines = [json.dumps({"channel": f"fover{i % 4}", "message": f"m{i}"}) for i in range(200)]
    r, s = stream(lines, "--endpoints", f"{dead},{centrifugo.url}", env=centrifugo.env())
    assert r.returncode == 0, r.stderr
    assert s["delivered"] == 200 and s["retried"] > 0
    for c in range(4):
        h = centrifugo.api("history", {"channel": f"fover{c}", "limit": -1})["result"]
        assert [p["data"]["message"] for p in h["publications"]] == [f"m{i}" for i in range(c, 200, 4)]


def test_flags_shape_the_batches_and_progress_is_shown(centrifugo):
    lines = [json.dumps({"channel": "flags", "message": f"m{i}"}) for i in range(100)]
    r, s = stream(lines, "--batch", "10", "--inflight", "1", "--linger-ms", "0", "--progress",
                  env=centrifugo.env())
    assert r.returncode == 0, r.stderr
    assert s["delivered"] == 100 and s["batches"] >= 10  # at most 10 per request
    assert "instant stream: 100 events read, 100 delivered, 0 failed" in r.stderr
    assert centrifugo.api("history", {"channel": "flags", "limit": 0})["result"]["offset"] == 100


def test_empty_input_delivers_nothing_and_succeeds(centrifugo):
    r, s = stream([], env=centrifugo.env())
    assert r.returncode == 0
    assert s["events"] == 0 and s["delivered"] == 0


@pytest.mark.parametrize("args, message", [
    (["--batch", "0"], "--batch must be 1..100000"),
    (["--inflight", "65"], "--inflight must be 1..64"),
    (["--linger-ms", "x"], "--linger-ms needs an integer"),
    (["--timeout-ms", "0"], "--timeout-ms must be 1..86400000"),
    (["--nope"], "unknown option --nope"),
    (["extra"], "stream takes no arguments"),
    (["--endpoints", "http://a,,http://b"], "--endpoints has an empty URL"),
])
def test_usage_errors_exit_2(args, message, centrifugo):
    r = run_cli("stream", *args, env=centrifugo.env(), input="")
    assert r.returncode == 2
    assert message in r.stderr
    assert r.stdout == ""


def test_configuration_errors_exit_1_before_reading(centrifugo):
    env = centrifugo.env()
    del env["CENTRIFUGO_API_KEY"]
    r = run_cli("stream", env=env, input='{"channel":"c","message":"m"}\n')
    assert r.returncode == 1 and r.stdout == ""
    assert "CENTRIFUGO_API_KEY" in r.stderr and "[configuration error]" in r.stderr
    r = run_cli("stream", "--endpoints", "ftp://x", env=centrifugo.env(), input="")
    assert r.returncode == 1 and "[configuration error]" in r.stderr


def test_help_lists_every_flag_with_its_default():
    r = run_cli("stream", "--help")
    assert r.returncode == 0
    out = r.stdout
    assert out.startswith("usage: instant stream [options]\n")
    options = out.split("\noptions:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    rows = {line.split()[0]: line for line in options}
    for flag, value, default in [("--endpoints", "URL[,URL...]", "CENTRIFUGO_URL"), ("--linger-ms", "N", "1"),
                                 ("--batch", "N", "1000"), ("--inflight", "N", "2"),
                                 ("--timeout-ms", "N", "30000"), ("--progress", None, "off"),
                                 ("--raw", None, "off"), ("--string-envelope", None, "INSTANT_ENVELOPE")]:
        line = rows[flag]
        assert (line.split()[1] == value) if value else not line.split()[1].isupper(), line
        assert "(default: " + default in line, line
    assert len(rows) == 9  # the eight flags and -h, --help
    assert "CENTRIFUGO_API_KEY" in out.split("\nenvironment:\n", 1)[1]
    assert "Exit status 0 only when every event was delivered." in out
    assert "instant: line N: rejected: <why>" in out
