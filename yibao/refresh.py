"""Which models a build rebuilds in full, so that no stored table is served from an old seed, model or dbt.

An incremental table keeps the rows earlier runs made: made by the model's SQL of that day, joined to the seeds of that
day, by the dbt of that day. Once any of those changes, its stored rows are stale until it is rebuilt in full.

After every build whose full rebuilds all succeeded, the parsed project it ran (dbt's manifest.json) and the dbt
versions are stored in ops.build_state (warehouse.py creates it). The next build (a nightly or `yibao build`)
compares the project with it by dbt's own selector `state:modified` (a seed file, a model's SQL, its config, or a macro it calls changed; a model is
new) and rebuilds in full (`--full-refresh`) every changed node and everything downstream of it (`state:modified+`),
after the ordinary incremental build of everything else. Another dbt, no stored state (a new warehouse, or one built
before this check) or a missing seed table rebuilds everything. The log and `yibao nightly --dry-run` say which and why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import duckdb

# Why a node is in state:modified, by dbt's sub-selectors, in the order they are told.
REASONS = {
    "state:new": "new",
    "state:modified.body": "its SQL or seed file changed",
    "state:modified.configs": "its config changed",
    "state:modified.macros": "a macro it calls changed",
    "state:modified.contract": "its contract changed",
}

# dbt arguments that make a build partial: it runs as asked, and records nothing.
SELECTING = ("--select", "-s", "--exclude", "--selector", "--models", "-m")


def dbt_versions() -> str:
    return f"dbt-core {version('dbt-core')}, dbt-duckdb {version('dbt-duckdb')}"


@dataclass
class Plan:
    everything: str | None = None  # why every model is rebuilt in full, or None
    changed: dict[str, str] = field(default_factory=dict)  # node name -> why it changed
    downstream: list[str] = field(default_factory=list)  # nodes rebuilt because they read a changed one
    tests: list[str] = field(default_factory=list)  # the data tests on any of them, run after the full rebuild

    @property
    def refresh(self) -> list[str]:
        return sorted({*self.changed, *self.downstream})

    def lines(self) -> list[str]:
        """What the build rebuilds in full and why, for the log and --dry-run."""
        if self.everything:
            return [f"every model rebuilt in full: {self.everything}"]
        if not self.refresh:
            return ["no seed, model or dbt changed since the last build: incremental only"]
        out = [f"{len(self.refresh)} nodes rebuilt in full, the rest incremental:"]
        out += [f"  {name}: {why}" for name, why in sorted(self.changed.items())]
        if self.downstream:
            out.append(f"  downstream of them: {', '.join(self.downstream)}")
        return out

    def steps(self, base: list[str], skip_unchanged_seeds: bool) -> list[list[str]]:
        """The dbt build commands to run in order: the incremental build of what did not change (without the seeds
        that did not change, if asked), then the full rebuild of what did."""
        if self.everything:
            return [[*base, "--full-refresh"]]
        # dbt's --exclude leaves in a test with a parent it does not exclude (a source, say): the tests on the rebuilt
        # nodes are named, so that they run after the rebuild, not before it on the stale table
        excluded = [*self.refresh, *self.tests, *(["resource_type:seed"] if skip_unchanged_seeds else [])]
        # cautious: a test whose parents are not all built here (on a model and an unchanged seed) runs with them
        first = [*base, "--exclude", *excluded, "--indirect-selection", "cautious"] if excluded else [*base]
        return [first, *([[*base, "--select", *self.refresh, "--full-refresh"]] if self.refresh else [])]


def stored(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """The manifest and dbt versions of the last recorded build, if any."""
    known = con.execute(
        "select 1 from information_schema.tables where table_schema = 'ops' and table_name = 'build_state'"
    ).fetchall()
    if not known:
        return None
    row = con.execute("select manifest, versions from ops.build_state order by recorded_at desc limit 1").fetchone()
    return (row[0], row[1]) if row else None


def missing_seeds(con: duckdb.DuckDBPyConnection, seeds: list[str]) -> list[str]:
    sql = "select table_name from information_schema.tables where table_schema = 'raw'"
    present = {t for (t,) in con.execute(sql).fetchall()}
    return sorted(set(seeds) - present)


def make_plan(db: Path, state_dir: Path, ls: Callable[..., list[str]], seeds: list[str]) -> Plan:
    """Compare the parsed project with the one the warehouse in `db` was last built from. `ls(selector)` lists the
    names of the models, seeds and snapshots a selector picks against the state in `state_dir` (dbt ls), and
    `ls(selector, tests=True)` the data tests it picks."""
    from .warehouse import connect

    if not db.exists():
        return Plan(everything="a new warehouse")
    con = connect(db, read_only=True)
    try:
        last = stored(con)
        gone = missing_seeds(con, seeds)
    finally:
        con.close()
    if last is None:
        return Plan(everything="no build of this warehouse recorded what it was built from (new, or built before)")
    manifest, versions = last
    if versions != dbt_versions():
        return Plan(everything=f"built by {versions}, now {dbt_versions()}")
    if gone:
        return Plan(everything=f"seed tables missing from raw: {', '.join(gone)}")
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "manifest.json").write_text(manifest, encoding="utf-8")
    everything_changed = ls("state:modified+")
    if not everything_changed:
        return Plan()
    direct = ls("state:modified")
    why = {}
    for selector, reason in REASONS.items():
        for name in ls(selector):
            why.setdefault(name, reason)
    changed = {name: why.get(name, "changed") for name in direct}
    return Plan(
        changed=changed,
        downstream=sorted(set(everything_changed) - set(changed)),
        tests=sorted(ls("state:modified+", tests=True)),
    )


def record(con: duckdb.DuckDBPyConnection, manifest_path: Path, run_id: str) -> None:
    """Store the project a successful build ran, as what the warehouse is now built from."""
    manifest = manifest_path.read_text(encoding="utf-8")
    json.loads(manifest)  # a whole manifest, not a file cut short
    con.execute("delete from ops.build_state")
    con.execute(
        "insert into ops.build_state values (?, ?, current_timestamp::timestamp, ?)", [manifest, dbt_versions(), run_id]
    )
