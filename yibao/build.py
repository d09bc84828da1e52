"""`yibao build`: run dbt with the project's profile against $YIBAO_DB.

dbt's target and log folders live under $YIBAO_DATA, so two data folders never share state.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
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


# Every dbt command runs on this project with its own profiles.yml.
PROJECT_ARGS = ["--project-dir", str(paths.PROJECT_DIR), "--profiles-dir", str(paths.PROJECT_DIR)]


def dbt(command: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    """Run one dbt command ("build", "docs generate") in a dbt process of its own."""
    cmd = [str(Path(sys.executable).with_name("dbt")), *command.split(), *PROJECT_ARGS, *args]
    paths.db_path().parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(cmd, env=dbt_env(), cwd=paths.PROJECT_DIR, text=True, capture_output=capture)


class DbtSession:
    """dbt inside this process, parsed once: the nightly's source-freshness check and its build share one start-up
    and one parse, instead of two dbt processes that each import dbt and read the project."""

    def __init__(self) -> None:
        from dbt.cli.main import dbtRunner

        os.environ.update(dbt_env())  # the profile and the models read them through env_var()
        paths.db_path().parent.mkdir(parents=True, exist_ok=True)
        parsed = dbtRunner().invoke(["parse", *PROJECT_ARGS, "--quiet"])
        if not parsed.success:
            raise RuntimeError(f"dbt could not parse the project: {parsed.exception}")
        self.runner = dbtRunner(manifest=parsed.result)

    def run(self, command: str, *args: str) -> int:
        """One dbt command on the parsed project; 0 on success, 1 when a node failed, 2 when dbt itself did."""
        result = self.runner.invoke([*command.split(), *PROJECT_ARGS, *args])
        return 0 if result.success else 2 if result.exception else 1

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


def build_and_publish(extra: list[str] | None = None) -> int:
    """`yibao build`: dbt build, a run record in ops.pipeline_runs, and on success a new published copy
    for the dashboards. A failed build leaves the last published data in place. With --target spark
    (or spark_cluster) the build runs on Spark instead (build_on_spark)."""
    from . import seeds
    from .publish import publish
    from .runs import RunRecord, exceptions_by_rule, read_test_counts
    from .warehouse import connect, ensure_tables

    if (target_of(extra or []) or "duckdb").startswith("spark"):
        return build_on_spark(extra or [])
    run = RunRecord("build")
    t0 = time.perf_counter()
    rc = dbt_build(extra)
    run.steps["dbt build"] = round(time.perf_counter() - t0, 1)
    run.tests_passed, run.tests_warned, run.tests_failed = read_test_counts(
        paths.data_dir() / "dbt" / "target" / "run_results.json"
    )
    con = connect(paths.db_path())
    try:
        ensure_tables(con)
        manifest = paths.data_dir() / "dbt" / "target" / "manifest.json"
        if rc == 0 and manifest.exists():  # a nightly after this build need not load the seeds again (seeds.py)
            nodes = seeds.graph(json.loads(manifest.read_text(encoding="utf-8")))
            seeds.record_if_tested(con, seeds.fingerprint(), manifest.parent, nodes, run.run_id)
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
