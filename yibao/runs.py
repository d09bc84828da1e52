"""Run records (ops.pipeline_runs): what each build or nightly run did, for statisticians and the Pipeline page."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass
class RunRecord:
    kind: str
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    ended_at: dt.datetime | None = None
    status: str = "running"
    steps: dict[str, float] = field(default_factory=dict)
    files_loaded: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    files_rejected: int = 0
    tests_passed: int = 0
    tests_warned: int = 0
    tests_failed: int = 0
    exceptions_by_rule: dict[str, int] = field(default_factory=dict)
    log_file: str = ""
    message: str = ""
    _clock: float = field(default_factory=time.perf_counter, repr=False)
    _wall: float | None = field(default=None, repr=False)

    def finish(self, status: str, message: str = "") -> None:
        self.ended_at = dt.datetime.now().replace(microsecond=0)
        self._wall = time.perf_counter() - self._clock
        self.status = status
        self.message = message

    @property
    def seconds(self) -> float:
        """Wall time from start to finish (steps can run side by side, so not the sum of the steps)."""
        return round(self._wall if self._wall is not None else sum(self.steps.values()), 1)

    def save(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("delete from ops.pipeline_runs where run_id = ?", [self.run_id])
        con.execute(
            "insert into ops.pipeline_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                self.run_id,
                self.kind,
                self.started_at,
                self.ended_at,
                self.status,
                self.seconds,
                json.dumps(self.steps),
                self.files_loaded,
                self.rows_loaded,
                self.rows_quarantined,
                self.files_rejected,
                self.tests_passed,
                self.tests_warned,
                self.tests_failed,
                json.dumps(self.exceptions_by_rule, ensure_ascii=False),
                self.log_file,
                self.message,
            ],
        )


def read_test_counts(run_results: Path) -> tuple[int, int, int]:
    """(passed, warned, failed or errored) data and unit tests of the last dbt invocation."""
    if not run_results.exists():
        return 0, 0, 0
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    tests = [r for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    return (
        sum(r["status"] == "pass" for r in tests),
        sum(r["status"] == "warn" for r in tests),
        sum(r["status"] in ("fail", "error") for r in tests),
    )


def exceptions_by_rule(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    try:
        return dict(
            con.execute("select rule_id, count(*) from dq.dq_exceptions group by rule_id order by rule_id").fetchall()
        )
    except duckdb.CatalogException:
        return {}


def read_freshness(sources_json: Path) -> tuple[list[str], list[str]] | None:
    """From dbt's sources.json: (stale sources with how long ago they were last loaded, sources that could not be
    checked), or None when the file is missing (freshness did not run)."""
    if not sources_json.exists():
        return None
    stale, unchecked = [], []
    for r in json.loads(sources_json.read_text(encoding="utf-8"))["results"]:
        name = r["unique_id"].split(".", 2)[-1]
        if r["status"] in ("warn", "error"):
            stale.append(
                f"{name} ({r['status']}: last loaded {r.get('max_loaded_at_time_ago_in_s', 0) / 86400:.1f} days ago)"
            )
        elif r["status"] != "pass":
            unchecked.append(name)
    return stale, unchecked
