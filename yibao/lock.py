"""The one run lock: `ingest`, `build` and `nightly` each hold it while they write the warehouse.

A second command started while one runs is refused at once (exit 3) with who holds the lock, and the
refusal is written to $YIBAO_DATA/logs/yibao.log, so an overlapping cron entry is never silent.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import UserError

LOCKED = 3  # the exit code of a command refused because another holds the lock


class Locked(UserError):
    """Another yibao run holds the lock."""


def log_refusal(data: Path, command: str, message: str) -> None:
    logs = data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "yibao.log", "a", encoding="utf-8") as f:
        f.write(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {command} refused (exit {LOCKED}): {message}\n")


@contextmanager
def run_lock(data: Path, command: str = "nightly"):
    """An exclusive, non-blocking lock on $YIBAO_DATA/nightly.lock; the OS releases it if the process dies."""
    data.mkdir(parents=True, exist_ok=True)
    path = data / "nightly.lock"
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        message = f"another yibao run is in progress ({holder})"
        log_refusal(data, command, message)
        raise Locked(message, f"wait for it to finish and run `yibao {command}` again; the lock is {path}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"yibao {command}, pid {os.getpid()}, since {dt.datetime.now():%Y-%m-%d %H:%M:%S}")
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
