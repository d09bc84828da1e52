"""Whether a nightly must load the code-set seeds again.

dbt loads seeds/*.csv into raw.<seed> and runs their tests in every build. Nothing a nightly ingests changes them;
only a new checkout (or a new dbt) does. After a build (a nightly, or `yibao build`) in which every seed loaded and
every test on seeds alone passed, the seeds' fingerprint is recorded in ops.seeds_loaded. The next nightly leaves the
seeds and those tests out of its build when the fingerprint is the same and every seed table is still in raw. Any
difference, or no record, and the seeds are loaded and tested as in any build. At 2 M persons the seeds and their
tests cost about 3.5 s of a nightly's 58 s of dbt thread time, however small the delivery.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import duckdb

from .paths import PROJECT_DIR

SEEDS_DIR = PROJECT_DIR / "seeds"
DDL = """create table if not exists ops.seeds_loaded (
    fingerprint varchar not null,
    loaded_at timestamp not null,
    run_id varchar not null
)"""


def fingerprint() -> str:
    """SHA-256 over every file under seeds/ (the CSVs and their schema), dbt_project.yml (seed configs) and the
    versions of dbt and its adapter (the seed materialization)."""
    h = hashlib.sha256()
    for path in sorted([*SEEDS_DIR.rglob("*"), PROJECT_DIR / "dbt_project.yml"]):
        if path.is_file():
            h.update(path.relative_to(PROJECT_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(f"dbt-core {version('dbt-core')}, dbt-duckdb {version('dbt-duckdb')}".encode())
    return h.hexdigest()


def seed_names() -> list[str]:
    return sorted(p.stem for p in SEEDS_DIR.glob("*.csv"))


def loaded_unchanged(con: duckdb.DuckDBPyConnection, current: str) -> str | None:
    """When an earlier build loaded and tested these very seeds, if every seed table is still there; else None."""
    known = con.execute(
        "select 1 from information_schema.tables where table_schema = 'ops' and table_name = 'seeds_loaded'"
    ).fetchall()
    if not known:
        return None
    loaded = con.execute(
        "select max(loaded_at) from ops.seeds_loaded where fingerprint = ?"
        " and loaded_at = (select max(loaded_at) from ops.seeds_loaded)",
        [current],
    ).fetchall()[0][0]
    if loaded is None:
        return None
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    return None if set(seed_names()) - present else f"{loaded:%Y-%m-%d %H:%M}"


def graph(manifest) -> dict[str, list[str]]:
    """Every node of a parsed dbt manifest (the object, or manifest.json as a dict), with its parents if a test."""
    nodes = manifest["nodes"] if isinstance(manifest, dict) else manifest.nodes
    out = {}
    for uid, node in nodes.items():
        if uid.startswith("test."):
            out[uid] = list(node["depends_on"]["nodes"] if isinstance(node, dict) else node.depends_on.nodes)
        else:
            out[uid] = []
    return out


def seed_only_tests(nodes: dict[str, list[str]]) -> set[str]:
    """The data tests whose every parent is a seed (nodes: graph())."""
    return {
        uid
        for uid, parents in nodes.items()
        if uid.startswith("test.") and parents and all(parent.startswith("seed.") for parent in parents)
    }


def all_loaded_and_passed(results: list[dict], nodes: dict[str, list[str]]) -> bool:
    """Every seed of the project loaded, and every test on seeds alone passed, in this build (run_results)."""
    status = {r["unique_id"]: r["status"] for r in results}
    seeds = [uid for uid in nodes if uid.startswith("seed.")]
    tests = seed_only_tests(nodes)
    return all(status.get(uid) == "success" for uid in seeds) and all(status.get(uid) == "pass" for uid in tests)


def record_if_tested(
    con: duckdb.DuckDBPyConnection, current: str, target: Path, nodes: dict[str, list[str]], run_id: str
) -> bool:
    """Record `current`, the fingerprint of the seeds the build used, if the dbt build whose results are in target/
    loaded and tested them all."""
    run_results = target / "run_results.json"
    if not run_results.exists():
        return False
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    if not all_loaded_and_passed(results, nodes):
        return False
    record(con, current, run_id)
    return True


def record(con: duckdb.DuckDBPyConnection, current: str, run_id: str) -> None:
    con.execute(DDL)
    con.execute("insert into ops.seeds_loaded values (?, current_timestamp::timestamp, ?)", [current, run_id])
