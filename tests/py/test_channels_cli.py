"""`instant channels ...`: the registry file as a user edits it."""
import json

from conftest import run_cli


def test_add_list_update_remove_explain(tmp_path):
    reg = str(tmp_path / "channels.json")
    assert run_cli("channels", "add", "--registry", reg, "$users", "--level", "users").stdout == "$users\n"
    r = run_cli("channels", "add", "--registry", reg, "chat:room", "--level", "groups", "--group", "a",
                "--group", "b", "--prefix-private")
    assert r.returncode == 0 and r.stdout == "$chat:room\n"  # Centrifugo's $ns:chan form
    assert run_cli("channels", "add", "--registry", reg, "news", "--level", "public",
                   "--prefix-private").stdout == "news\n"  # public channels stay public
    r = run_cli("channels", "add", "--registry", reg, "news", "--level", "public")
    assert r.returncode == 1 and "already exists" in r.stderr

    r = run_cli("channels", "list", "--registry", reg, "--json")
    data = json.loads(r.stdout)
    assert data == {"channels": [
        {"name": "$users", "level": "users", "groups": [], "active": True},
        {"name": "$chat:room", "level": "groups", "groups": ["a", "b"], "active": True},
        {"name": "news", "level": "public", "groups": [], "active": True}]}
    assert run_cli("channels", "list", "--registry", reg).stdout.splitlines()[1] == \
        "$chat:room\tgroups\tactive\ta,b"

    r = run_cli("channels", "update", "--registry", reg, "news", "--level", "public", "--inactive")
    assert r.returncode == 0, r.stderr
    r = run_cli("channels", "explain", "--registry", reg, "--user", "u", "--group", "b")
    assert r.stdout.splitlines() == [
        "allow\t$users\tusers channel, authenticated user",
        "allow\t$chat:room\tuser is in group 'b'",
        "deny\tnews\tchannel is inactive"]

    assert run_cli("channels", "remove", "--registry", reg, "$users").returncode == 0
    r = run_cli("channels", "remove", "--registry", reg, "$users")
    assert r.returncode == 1 and "not found" in r.stderr
    assert [c["name"] for c in json.loads(open(reg).read())["channels"]] == ["$chat:room", "news"]


def test_bad_names_levels_and_files(tmp_path):
    reg = str(tmp_path / "channels.json")
    for name in ["a$b", "x:y", "caf\u00e9", ""]:
        r = run_cli("channels", "add", "--registry", reg, name, "--level", "public")
        assert r.returncode == 1 and "invalid channel" in r.stderr, (name, r.stderr)
    r = run_cli("channels", "add", "--registry", reg, "ok", "--level", "admin")
    assert r.returncode == 1 and "level" in r.stderr
    r = run_cli("channels", "list", "--registry", reg)
    assert r.returncode == 1 and "cannot open" in r.stderr  # nothing was written

    broken = tmp_path / "broken.json"
    broken.write_text('{"channels":[{"name":"x","level":"users"},')
    r = run_cli("channels", "add", "--registry", str(broken), "y", "--level", "users")
    assert r.returncode == 1 and "invalid JSON" in r.stderr
    assert broken.read_text() == '{"channels":[{"name":"x","level":"users"},'  # left alone
    r = run_cli("channels", "frob", "--registry", reg)
    assert r.returncode == 2
