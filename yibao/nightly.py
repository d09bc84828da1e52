"""`yibao nightly`: the unattended run a statistician schedules.

Steps: take the lock; ingest and validate new deliveries (while dbt parses the project); check source freshness; dbt build
(incremental, with every data test; the unit tests check code, which a nightly does not change, so
`make test` and `yibao build` run them, not the nightly; the seeds are loaded only when they changed, and a model
whose seed, SQL or dbt changed is rebuilt in full with everything downstream of it, yibao/refresh.py); publish the dashboard data; write the period's report files. Every run is recorded
in ops.pipeline_runs and logged to $YIBAO_DATA/logs/. A run killed at any step leaves the published
data as it was, and the next run completes it: ingest is per-file transactional, incremental models
pick up whatever is not in them yet, and publication happens only after a good build.

Exit codes: 0 all ran (source-data warnings allowed); 1 something failed or was held (a rejected or
held file, a failed build); 3 another run holds the lock.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import paths, refresh
from .errors import UserError
from .lock import run_lock
from .runs import RunRecord, exceptions_by_rule, read_freshness
from .warehouse import connect, ensure_tables


class Log:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.file = open(path, "a", encoding="utf-8")

    def __call__(self, line: str = "") -> None:
        stamped = f"{dt.datetime.now():%H:%M:%S} {line}"
        print(stamped, flush=True)
        self.file.write(stamped + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def report_period(as_of: dt.date) -> str:
    """The latest complete month on the as-of date, e.g. 2025-06 on 2025-07-02 (or 2025-06-30)."""
    last = as_of if (as_of + dt.timedelta(days=1)).day == 1 else as_of.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def pending_files(landing: Path, db: Path) -> list[str]:
    from .files import file_sha256
    from .ingest import loaded_file_stats, unchanged_since_loaded
    from .landing_files import scan_landing

    files = [
        (day, p)
        for day, folder in scan_landing(landing)[0]
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "manifest.csv"
    ]
    if not db.exists():
        return [f"{p.parent.name}/{p.name}" for _, p in files]
    con = connect(db, read_only=True)
    try:
        loaded = set(
            con.execute("select delivery_date, sha256 from ops.loaded_files where status <> 'rejected'").fetchall()
        )
        stat_known = bool(  # a warehouse from before file sizes were recorded: hash every file
            con.execute(
                "select 1 from information_schema.columns "
                "where table_schema = 'ops' and table_name = 'loaded_files' and column_name = 'file_mtime_ns'"
            ).fetchone()
        )
        seen = loaded_file_stats(con) if stat_known else set()
        return [
            f"{p.parent.name}/{p.name}"
            for day, p in files
            if not unchanged_since_loaded(seen, day, p) and (day, file_sha256(p)) not in loaded
        ]
    finally:
        con.close()


def refresh_plan(db: Path):
    """What the build would rebuild in full, for --dry-run: a parse of the project compared with the stored one."""
    from .build import DbtSession, seed_names, state_dir

    if not db.exists():
        return refresh.Plan(everything="a new warehouse")
    session = DbtSession()
    try:
        return refresh.make_plan(db, state_dir(), session.ls, seed_names())
    finally:
        session.close()


def nightly(dry_run: bool = False) -> int:
    data, db = paths.data_dir(), paths.db_path()
    if dry_run:
        pending = pending_files(paths.landing_dir(), db)
        print(f"nightly --dry-run: {len(pending)} delivered files not yet loaded" + (":" if pending else ""))
        for name in pending:
            print(f"  {name}")
        print("would then: check source freshness; dbt build:")
        for line in refresh_plan(db).lines():
            print(f"  {line}")
        print(f"publish the dashboard data; write the period's report files to {paths.exports_dir()}")
        return 0
    with run_lock(data, "nightly"):
        return _run(data, db)


def _run(data: Path, db: Path) -> int:
    from .build import DbtSession, run_planned, seed_names, state_dir
    from .export import export_period
    from .ingest import ingest
    from .publish import publish

    run = RunRecord("nightly")
    log = Log(data / "logs" / f"nightly_{run.started_at:%Y%m%d_%H%M%S}.log")
    run.log_file = str(log.path)
    problems: list[str] = []

    def step(name: str, fn):
        log(f"step: {name}")
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            run.steps[name] = round(time.perf_counter() - t0, 1)

    try:
        sources_json = data / "dbt" / "target" / "sources.json"
        sources_json.unlink(missing_ok=True)  # never read the last run's verdict
        # The parse reads only the project, not the warehouse, so it runs while a child process ingests: the two
        # are single-threaded Python for the most part (Great Expectations, dbt), ~2.5 s apart from each other.
        log("step: ingest, and dbt parse alongside it")
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            ingesting = pool.submit(ingest, paths.landing_dir(), db, paths.quarantine_dir())
            parse_error: Exception | None = None
            try:
                session = step("dbt parse", DbtSession)  # one parse for both dbt commands below
            except Exception as e:  # the ingest is finished and reported first
                parse_error = e
            report = ingesting.result()
        run.steps = {"ingest": round(report.seconds, 1), **run.steps}
        for line in report.summary().splitlines():
            log(f"  {line}")
        run.files_loaded = sum(r.status == "loaded" for r in report.results)
        run.rows_loaded = sum(r.rows_loaded for r in report.results)
        run.rows_quarantined = sum(r.rows_quarantined for r in report.results)
        run.files_rejected = len(report.rejected)
        problems += [f"rejected {r.delivery}/{r.file}: {r.reason}" for r in report.rejected] + report.errors
        problems += [n.line().splitlines()[0] for n in report.notices]  # held deliveries, misnamed folders, ...
        if parse_error is not None:
            raise parse_error
        plan = refresh.make_plan(db, state_dir(), session.ls, seed_names())
        for line in plan.lines():
            log(f"  {line}")
        step("source freshness", lambda: session.run("source freshness", "--quiet"))
        freshness = read_freshness(sources_json)
        if freshness is None or freshness[1]:
            log(
                "  source freshness could not be checked"
                + (f" for {', '.join(freshness[1])}" if freshness else "")
                + " (a warning); see the dbt log"
            )
        if freshness and freshness[0]:
            log(f"  source freshness: {len(freshness[0])} sources stale (a warning): {'; '.join(freshness[0])}")
        elif freshness and not freshness[1]:
            log("  source freshness: all fresh")

        base = ["--quiet", "--exclude-resource-type", "unit_test"]
        try:
            # the unchanged seeds are not loaded again, nor the tests on them alone (a test on a model and a seed
            # still runs)
            rc, counts = step(
                "dbt build", lambda: run_planned(plan, base, True, lambda args: session.run("build", *args))
            )
        finally:
            session.close()
        run.tests_passed, run.tests_warned, run.tests_failed = counts
        log(f"  tests: {run.tests_passed} passed, {run.tests_warned} warned, {run.tests_failed} failed")
        if rc != 0:
            problems.append(
                f"dbt build failed (see {data / 'dbt' / 'logs' / 'dbt.log'}); "
                "the dashboards keep the last published data"
            )
        con = connect(db)
        try:
            ensure_tables(con)
            if rc == 0:  # what the stored tables are now built from
                refresh.record(con, data / "dbt" / "target" / "manifest.json", run.run_id)
            run.exceptions_by_rule = exceptions_by_rule(con)
            as_of = (
                con.execute("select max(as_of_date) from core.int_calendar__months").fetchone()[0] if rc == 0 else None
            )
        finally:
            con.close()
        if rc == 0:
            step("publish", lambda: publish(db))
            period = report_period(as_of)
            try:
                written = step("report files", lambda: export_period(db, paths.exports_dir(), period))
                log(f"  report files for {period}: {len(written)} files in {paths.exports_dir() / period}")
            except UserError as e:  # e.g. no complete month yet: said, and the run fails (exit 1), never exit 2
                problems.append(f"report files for {period} not written: {e.message}")
    except Exception as e:  # a bug or an unreadable warehouse: record it, then let it surface
        problems.append(f"{type(e).__name__}: {e}")
        raise
    finally:
        run.finish("failed" if problems else "warning" if run.tests_warned else "success", "; ".join(problems))
        con = connect(db)
        try:
            ensure_tables(con)
            run.save(con)
        finally:
            con.close()
        _summary(run, problems, log)
        log.close()
    return 1 if problems else 0


def _summary(run: RunRecord, problems: list[str], log: Log) -> None:
    log("-" * 60)
    log(f"nightly {run.status.upper()} in {run.seconds:.0f} s  (run {run.run_id})")
    log(
        f"  files loaded {run.files_loaded}, rows {run.rows_loaded:,}, quarantined {run.rows_quarantined:,}, "
        f"rejected files {run.files_rejected}"
    )
    log(f"  tests passed {run.tests_passed}, warned {run.tests_warned}, failed {run.tests_failed}")
    if run.steps:
        log("  steps: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.steps.items()))
        if "ingest" in run.steps and "dbt parse" in run.steps:
            log("  (ingest and dbt parse ran side by side; the run's time is less than the sum of its steps)")
    if run.exceptions_by_rule:
        log("  open exceptions: " + json.dumps(run.exceptions_by_rule, ensure_ascii=False))
    for p in problems:
        log(f"  PROBLEM: {p}")
    log(f"  log: {run.log_file}")
