"""A line per step with its count and seconds, for long work (STYLE: long work shows progress)."""

from __future__ import annotations

import sys
import time


class Steps:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last = time.perf_counter()

    def __call__(self, label: str, count: int | None = None) -> None:
        now = time.perf_counter()
        n = f" {count:,}" if count is not None else ""
        print(f"  {label}{n} ({now - self.last:.1f} s)", file=self.stream, flush=True)
        self.last = now
