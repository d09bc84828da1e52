"""`yibao build`: run dbt with the project's profile against $YIBAO_DB.

dbt's target and log folders live under $YIBAO_DATA, so two data folders never share state.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import paths


def pii_salt(data: Path) -> str:
    """YIBAO_PII_SALT, or a local secret created on first run (git-ignored with the data folder)."""
    if os.environ.get("YIBAO_PII_SALT"):
        return os.environ["YIBAO_PII_SALT"]
    secret = data / "secrets" / "pii_salt"
    if not secret.exists():
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(secrets.token_hex(32), encoding="utf-8")
        secret.chmod(0o600)
    return secret.read_text(encoding="utf-8").strip()


def dbt_env() -> dict[str, str]:
    data = paths.data_dir()
    env = dict(os.environ)
    env.update(
        YIBAO_DATA=str(data),
        YIBAO_DB=str(paths.db_path()),
        YIBAO_PII_SALT=pii_salt(data),
        DBT_LOG_PATH=str(data / "dbt" / "logs"),
        DBT_TARGET_PATH=str(data / "dbt" / "target"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def project_args() -> list[str]:
    """Every dbt command runs on the project with its own profiles.yml."""
    project = str(paths.dbt_project_dir())
    return ["--project-dir", project, "--profiles-dir", project]


def ls_args(tests: bool) -> list[str]:
    """What `dbt ls` lists when refresh.make_plan asks which nodes a selector picks: the models, seeds and snapshots,
    or the data tests on them (every test with a parent among them)."""
    kinds = ["test"] if tests else ["model", "seed", "snapshot"]
    return ["--resource-type", *kinds, "--indirect-selection", "eager", "--output", "name", "--quiet"]


def dbt(command: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    """Run one dbt command ("build", "docs generate") in a dbt process of its own."""
    cmd = [str(Path(sys.executable).with_name("dbt")), *command.split(), *project_args(), *args]
    paths.db_path().parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(cmd, env=dbt_env(), cwd=paths.dbt_project_dir(), text=True, capture_output=capture)


def state_dir() -> Path:
    """Where the stored project a build is compared with is written for `dbt --state` (refresh.py)."""
    return paths.data_dir() / "dbt" / "state"


def seed_names() -> list[str]:
    return sorted(p.stem for p in (paths.dbt_project_dir() / "seeds").glob("*.csv"))


def ls_in_process(selector: str, tests: bool = False) -> list[str]:
    """The names of the nodes a selector picks against the stored state, from a dbt process of its own."""
    done = dbt("ls", "--select", selector, "--state", str(state_dir()), *ls_args(tests), capture=True)
    if done.returncode != 0:
        raise RuntimeError(f"dbt ls --select {selector} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


class DbtSession:
    """dbt inside this process, parsed once: the nightly's source-freshness check and its build share one start-up
    and one parse, instead of two dbt processes that each import dbt and read the project."""

    def __init__(self) -> None:
        from dbt.cli.main import dbtRunner

        os.environ.update(dbt_env())  # the profile and the models read them through env_var()
        paths.db_path().parent.mkdir(parents=True, exist_ok=True)
        parsed = dbtRunner().invoke(["parse", *project_args(), "--quiet"])
        if not parsed.success:
            raise RuntimeError(f"dbt could not parse the project: {parsed.exception}")
        self.runner = dbtRunner(manifest=parsed.result)

    def run(self, command: str, *args: str) -> int:
        """One dbt command on the parsed project; 0 on success, 1 when a node failed, 2 when dbt itself did."""
        result = self.runner.invoke([*command.split(), *project_args(), *args])
        return 0 if result.success else 2 if result.exception else 1

    def ls(self, selector: str, tests: bool = False) -> list[str]:
        """The names of the nodes a selector picks against the stored state (refresh.make_plan); dbt ls prints
        them too, which the log does not need."""
        with contextlib.redirect_stdout(io.StringIO()):
            result = self.runner.invoke(
                ["ls", *project_args(), "--select", selector, "--state", str(state_dir()), *ls_args(tests)]
            )
        if not result.success:
            raise RuntimeError(f"dbt ls --select {selector} failed: {result.exception}")
        return list(result.result)

    def close(self) -> None:
        """Close the DuckDB connection dbt-duckdb keeps for the process, so the warehouse can be opened again
        (with yibao's own settings) in this process. dbt-duckdb holds it in a class attribute."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()


def dbt_build(extra: list[str] | None = None) -> int:
    return dbt("build", *(extra or [])).returncode


def target_of(args: list[str]) -> str | None:
    """The --target (or -t) among dbt arguments, if any."""
    for i, arg in enumerate(args):
        if arg in ("--target", "-t") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--target="):
            return arg.split("=", 1)[1]
    return None


def build_on_spark(extra: list[str]) -> int:
    """`yibao build --target spark`: the raw tables go to the Parquet lake, then dbt builds every
    model, snapshot, seed and test on Spark. The DuckDB warehouse and its publication are untouched."""
    from .lake import lake_dir, write_lake

    lake = lake_dir()
    write_lake(paths.db_path(), lake)
    os.environ["YIBAO_LAKE"] = str(lake)
    (paths.data_dir() / "spark").mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rc = dbt_build(extra)
    print(f"dbt build on {target_of(extra)}: {'ok' if rc == 0 else 'FAILED'} in {time.perf_counter() - t0:.0f} s")
    return rc


def run_planned(
    plan, base: list[str], skip_unchanged_seeds: bool, build: Callable[[list[str]], int]
) -> tuple[int, tuple[int, int, int]]:
    """Run the plan's dbt builds in order (refresh.Plan.steps); `build(args)` runs one `dbt build` and returns its
    exit code. The full rebuild runs only after the incremental build succeeded: it reads what that build wrote.
    Returns the first failure's exit code (0 when all succeeded) and the (passed, warned, failed) tests of all."""
    from .runs import read_test_counts

    counts = [0, 0, 0]
    for args in plan.steps(base, skip_unchanged_seeds):
        rc = build(args)
        for i, n in enumerate(read_test_counts(paths.data_dir() / "dbt" / "target" / "run_results.json")):
            counts[i] += n
        if rc != 0:
            return rc, tuple(counts)
    return 0, tuple(counts)


def build_and_publish(extra: list[str] | None = None) -> int:
    """`yibao build`: dbt build, a run record in ops.pipeline_runs, and on success a new published copy
    for the dashboards. A failed build leaves the last published data in place. With --target spark
    (or spark_cluster) the build runs on Spark instead (build_on_spark).

    Every model whose seed, SQL or dbt changed since the last build is rebuilt in full, with everything downstream
    of it (refresh.py). A build the caller narrows (--select, --exclude ...) runs as asked and records nothing."""
    from . import refresh
    from .publish import publish
    from .runs import RunRecord, exceptions_by_rule, read_test_counts
    from .warehouse import connect, ensure_tables

    extra = extra or []
    if (target_of(extra) or "duckdb").startswith("spark"):
        return build_on_spark(extra)
    run = RunRecord("build")
    if any(arg.split("=")[0] in refresh.SELECTING for arg in extra):
        plan = None  # a partial build
    elif "--full-refresh" in extra:
        plan = refresh.Plan(everything="--full-refresh asked for")
    else:
        plan = refresh.make_plan(paths.db_path(), state_dir(), ls_in_process, seed_names())
    for line in plan.lines() if plan else ["a partial build (--select/--exclude): built as asked, nothing recorded"]:
        print(f"yibao build: {line}")
    t0 = time.perf_counter()
    if plan is None:
        rc = dbt_build(extra)
        counts = read_test_counts(paths.data_dir() / "dbt" / "target" / "run_results.json")
    else:
        base = [arg for arg in extra if arg != "--full-refresh"]
        rc, counts = run_planned(plan, base, False, dbt_build)
    run.steps["dbt build"] = round(time.perf_counter() - t0, 1)
    run.tests_passed, run.tests_warned, run.tests_failed = counts
    con = connect(paths.db_path())
    try:
        ensure_tables(con)
        if rc == 0 and plan is not None:  # what the stored tables are now built from
            refresh.record(con, paths.data_dir() / "dbt" / "target" / "manifest.json", run.run_id)
        run.exceptions_by_rule = exceptions_by_rule(con)
        run.finish(
            "failed" if rc else "warning" if run.tests_warned else "success",
            "" if rc == 0 else "dbt build failed; the dashboards keep the last published data",
        )
        run.save(con)
    finally:
        con.close()
    if rc == 0:
        t1 = time.perf_counter()
        publish(paths.db_path())
        run.steps["publish"] = round(time.perf_counter() - t1, 1)
    return rc
