"""Issue 15, items 7-10 without a browser: the sign-in gate, throttle and lockout, the ops log of failed
sign-ins, constant time, session tokens, no default users, and the server's address, traffic and signals."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from streamlit.testing.v1 import AppTest

from conftest import free_port, wait_until_serving

DASHBOARDS = Path(__file__).parents[2] / "dashboards"
sys.path.insert(0, str(DASHBOARDS))

import auth  # noqa: E402
import signin  # noqa: E402

DEMO_USERS = str(DASHBOARDS / "demo_users.toml")


@pytest.fixture
def users(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("YIBAO_USERS", DEMO_USERS)
    monkeypatch.setenv("YIBAO_DATA", str(tmp_path))
    return tmp_path


def test_pages_are_not_a_streamlit_pages_folder():
    """A pages/ folder beside app.py would be registered as classic pages, reachable without app.py's gate."""
    assert not (DASHBOARDS / "pages").exists()
    assert sorted(p.stem for p in (DASHBOARDS / "views").glob("*.py"))


def test_no_user_exists_unless_a_users_file_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("YIBAO_USERS", raising=False)
    monkeypatch.setenv("YIBAO_DATA", str(tmp_path))
    assert auth.load_users() == {}
    assert auth.authenticate("leader", "leader2025") is None
    assert not (DASHBOARDS / "users.toml").exists()
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.text_input
    assert at.error and str(tmp_path / "users.toml") in at.error[0].value

    from yibao.demo import install_demo_users

    assert install_demo_users(tmp_path) == tmp_path / "users.toml"
    assert auth.authenticate("leader", "leader2025").role == "city:230800"


def test_wrong_passwords_throttle_then_lock_the_user_even_for_the_right_one(users):
    for _ in range(2):
        assert auth.sign_in("leader", "wrong", "10.0.0.1").refusal == "failed"
    assert auth.sign_in("leader", "wrong", "10.0.0.1").refusal == "failed"  # the third failure
    throttled = auth.sign_in("leader", "leader2025", "10.0.0.1")
    assert throttled.user is None and throttled.refusal == "throttled" and 1 <= throttled.wait_seconds <= 2
    now = time.time()
    for k in range(25):  # 25 guesses, as the reviewer tried
        signin.record("leader", "10.0.0.1", "failed", now=now - 60 + k)
    locked = auth.sign_in("leader", "leader2025", "10.0.0.2")
    assert locked.user is None and locked.refusal == "locked" and locked.wait_seconds > 800
    assert auth.sign_in("stats", "stats2025", "10.0.0.3").user is not None  # other users are not locked out
    assert signin.wait_seconds("leader", "10.0.0.2", now=now + signin.WINDOW + 60) == (0, "")  # it expires


def test_one_client_guessing_many_names_is_locked_out(users):
    now = time.time()
    for k in range(signin.LOCK_CLIENT_AFTER):
        signin.record(f"guess{k}", "10.9.9.9", "failed", now=now - 30)
    assert auth.sign_in("stats", "stats2025", "10.9.9.9").refusal == "locked"
    assert auth.sign_in("stats", "stats2025", "10.0.0.4").user is not None


def test_failed_sign_ins_are_logged_to_ops(users):
    auth.sign_in("huanan", "nope", "10.1.1.1")
    auth.sign_in("no-such-user", "nope", "10.1.1.2")
    auth.sign_in("huanan", "huanan2025", "10.1.1.1")
    logged = [(u, c, o) for _, u, c, o in signin.recent_failures()]
    assert ("huanan", "10.1.1.1", "failed") in logged and ("no-such-user", "10.1.1.2", "failed") in logged
    assert all(o != "ok" for _, _, o in logged)
    assert (users / "ops" / "signin.sqlite").stat().st_mode & 0o077 == 0


def test_a_wrong_password_takes_as_long_for_an_unknown_user(users):
    def timed(name: str) -> float:
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            auth.authenticate(name, "wrong password")
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples)

    known, unknown = timed("leader"), timed("nobody-at-all")
    assert known > 0.01  # the password hash is the cost
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_session_tokens_are_signed_expire_and_end_at_sign_out(users):
    leader = auth.authenticate("leader", "leader2025")
    token = auth.session_token(leader)
    assert auth.token_user(token) == leader
    assert auth.token_user(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None  # tampered
    assert auth.token_user("not-a-token") is None and auth.token_user(None) is None
    auth.end_token(token)
    assert auth.token_user(token) is None  # signed out: the cookie no longer signs anyone in
    other = auth.session_token(leader)
    import sqlite3

    con = sqlite3.connect(users / "ops" / "signin.sqlite")
    con.execute("update sessions set expires = 0")
    con.commit()
    con.close()
    assert auth.token_user(other) is None  # expired


def test_a_locked_out_user_sees_a_message_not_a_trace(users):
    now = time.time()
    for k in range(signin.LOCK_USER_AFTER):
        signin.record("leader", "unknown", "failed", now=now - 10 + k)
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=60).run()
    at.text_input[0].input("leader")
    at.text_input[1].input("leader2025")
    at.button[0].click().run()
    assert not at.exception and "user" not in at.session_state
    assert at.error and "锁定" in at.error[0].value


HOOK = """
import os, sys, json
LOG = os.environ["YIBAO_NET_LOG"]
def _local(host):
    return host in (None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0") or str(host).startswith(("127.", "/"))
def _hook(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else address
        if not _local(host):
            open(LOG, "a").write(json.dumps([event, str(address)]) + "\\n")
    elif event == "socket.getaddrinfo" and not _local(args[0]):
        open(LOG, "a").write(json.dumps([event, str(args[0])]) + "\\n")
sys.addaudithook(_hook)
"""


def test_the_dashboard_binds_localhost_makes_no_outside_connection_and_stops_on_a_signal(in_env, tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    net_log = tmp_path / "net.log"
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(hook), YIBAO_NET_LOG=str(net_log))
    proc = subprocess.Popen(
        [sys.executable, "-m", "yibao.cli", "dashboard", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        for path in ("/", "/fund?area=230882"):
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).status == 200
        time.sleep(2)
        server = psutil.Process(proc.pid)
        assert "streamlit" in " ".join(server.cmdline())  # exec'd: the process is the server, no child to orphan
        assert server.children(recursive=True) == []
        listening = {c.laddr.ip for c in server.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        assert listening == {"127.0.0.1"}, listening
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = proc.stdout.read()
    assert "External URL" not in output and "Network URL" not in output
    assert not net_log.exists() or net_log.read_text() == "", net_log.read_text()
