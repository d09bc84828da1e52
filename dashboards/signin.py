"""Sign-in bookkeeping in $YIBAO_DATA/ops/signin.sqlite: every attempt (ops log of failed sign-ins), the
throttle and lockout computed from it, and the server-side sessions behind the signed cookie.

SQLite, not the warehouse: the dashboards open the warehouse read-only (a published copy), and several
sessions of one server, or several servers, write here at once. The file is owner-only like the rest of
$YIBAO_DATA.

Throttle and lockout (per user name, and per client address), over the last WINDOW seconds since that
user's last successful sign-in:
- from THROTTLE_AFTER failures on, each next attempt waits 2, 4, ... seconds after the last failure;
- at LOCK_USER_AFTER failures for a user name, or LOCK_CLIENT_AFTER from one client, sign-in is refused
  until WINDOW seconds after the last failure. The right password does not help while locked.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from contextlib import closing

from yibao import paths

WINDOW = 15 * 60
THROTTLE_AFTER = 3
LOCK_USER_AFTER = 5
LOCK_CLIENT_AFTER = 20
SESSION_SECONDS = 8 * 3600

SCHEMA = """
create table if not exists signin_events (
    at real not null,           -- unix time
    username text not null,     -- as typed, at most 64 characters
    client text not null,       -- the client's address as the server saw it
    outcome text not null       -- ok | failed | refused (throttled or locked)
);
create index if not exists signin_events_user on signin_events (username, at);
create index if not exists signin_events_client on signin_events (client, at);
create table if not exists sessions (
    sid text primary key,
    username text not null,
    issued real not null,
    expires real not null
);
"""


def _connect() -> sqlite3.Connection:
    path = paths.data_dir() / "ops" / "signin.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10, isolation_level=None)
    con.executescript(SCHEMA)
    return con


def record(username: str, client: str, outcome: str, now: float | None = None) -> None:
    with closing(_connect()) as con:
        con.execute(
            "insert into signin_events values (?, ?, ?, ?)", (now or time.time(), username[:64], client, outcome)
        )


def _failures(con: sqlite3.Connection, column: str, value: str, now: float) -> tuple[int, float]:
    since = now - WINDOW
    if column == "username":
        last_ok = con.execute(
            "select max(at) from signin_events where username = ? and outcome = 'ok'", (value,)
        ).fetchone()[0]
        since = max(since, last_ok or 0)
    n, last = con.execute(
        f"select count(*), max(at) from signin_events where {column} = ? and outcome = 'failed' and at > ?",
        (value, since),
    ).fetchone()
    return n, last or 0


def wait_seconds(username: str, client: str, now: float | None = None) -> tuple[int, str]:
    """(seconds to wait, 'locked' | 'throttled' | '') before this user name may try again from this client."""
    now = now or time.time()
    with closing(_connect()) as con:
        user_n, user_last = _failures(con, "username", username[:64], now)
        client_n, client_last = _failures(con, "client", client, now)
    if user_n >= LOCK_USER_AFTER or client_n >= LOCK_CLIENT_AFTER:
        last = max(user_last if user_n >= LOCK_USER_AFTER else 0, client_last if client_n >= LOCK_CLIENT_AFTER else 0)
        return max(1, round(last + WINDOW - now)), "locked"
    if user_n >= THROTTLE_AFTER:
        wait = user_last + 2 ** (user_n - THROTTLE_AFTER + 1) - now
        if wait > 0:
            return max(1, round(wait)), "throttled"
    return 0, ""


def recent_failures(limit: int = 50) -> list[tuple[float, str, str, str]]:
    with closing(_connect()) as con:
        return con.execute(
            "select at, username, client, outcome from signin_events where outcome <> 'ok' order by at desc limit ?",
            (limit,),
        ).fetchall()


def start_session(username: str) -> str:
    sid = secrets.token_urlsafe(24)
    now = time.time()
    with closing(_connect()) as con:
        con.execute("delete from sessions where expires < ?", (now,))
        con.execute("insert into sessions values (?, ?, ?, ?)", (sid, username, now, now + SESSION_SECONDS))
    return sid


def session_user(sid: str) -> str | None:
    with closing(_connect()) as con:
        row = con.execute("select username from sessions where sid = ? and expires > ?", (sid, time.time())).fetchone()
    return row[0] if row else None


def end_session(sid: str) -> None:
    with closing(_connect()) as con:
        con.execute("delete from sessions where sid = ?", (sid,))
