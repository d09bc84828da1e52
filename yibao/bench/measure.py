"""Run one bench stage as a child process and measure it: wall time and the peak resident memory
(RSS) of the whole process tree (the stage, its dbt or worker children, and theirs), sampled often.

Each stage starts on a synced disk (os.sync, untimed), so the writes a stage leaves for the kernel to write back are
not billed to the next. The page cache is kept: a nightly reads a warm warehouse. In the 2026-12-06 runs the sync
took at most 1 s (before ingest, after generate's CSVs; 0.01 s before the build, since ingest ends on a checkpoint),
so it is hygiene, not what moved a figure (docs/PERFORMANCE.md, issue 14, eleventh part)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.1


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    returncode: int
    log: Path
    sync_seconds: float = 0.0

    @property
    def peak_rss_gb(self) -> float:
        return self.peak_rss_bytes / 1e9


def tree_rss(root: psutil.Process) -> int:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run_measured(cmd: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> Measured:
    """Run cmd with stdout and stderr to `log`; return its wall time and the tree's peak RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    synced = time.perf_counter()
    os.sync()  # untimed: the writeback the stage before left (module docstring)
    sync_seconds = time.perf_counter() - synced
    peak = 0
    with open(log, "w", encoding="utf-8") as out:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True)
        root = psutil.Process(child.pid)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                try:
                    peak = max(peak, tree_rss(root))
                except psutil.NoSuchProcess:
                    return
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rc = child.wait()
        seconds = time.perf_counter() - t0
        done.set()
        sampler.join()
    return Measured(round(seconds, 2), peak, rc, log, round(sync_seconds, 2))
