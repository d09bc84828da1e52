"""Shared fixtures: small generated cities, ingested and built once per test session."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from yibao.build import build_and_publish
from yibao.ingest import ingest
from yibao.synth import generate

SMALL = dict(persons=3000, seed=7, start="2024-07", end="2025-06", days=2)

# The slowest files first: `make test` runs a file per worker (pytest-xdist, --dist loadfile) in the order collected,
# and a long file that started last would run alone at the end.
SLOW_FIRST = ("test_incremental.py", "test_nightly.py", "test_snapshot_scope.py", "test_layouts.py", "test_refresh.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: the rest keep their order


@contextmanager
def data_env(data: Path):
    """Point YIBAO_DATA / YIBAO_DB at a test folder for the duration of a block."""
    old = {k: os.environ.get(k) for k in ("YIBAO_DATA", "YIBAO_DB")}
    os.environ["YIBAO_DATA"] = str(data)
    os.environ["YIBAO_DB"] = str(data / "warehouse" / "yibao.duckdb")
    try:
        yield data
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# What dbt reads of the checkout: a test's changed copy of these is a project of its own (YIBAO_DBT_PROJECT).
DBT_PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "tests/generic",
    "tests/warehouse",
)


@contextmanager
def project_copy(folder: Path):
    """A copy of the dbt project in `folder`, which dbt runs on for the duration of a block: a test changes a seed or
    a model there, not in the checkout."""
    import shutil

    from yibao.paths import PROJECT_DIR

    for part in DBT_PROJECT_PARTS:
        source = PROJECT_DIR / part
        (folder / part).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, folder / part)
        else:
            shutil.copyfile(source, folder / part)
    old = os.environ.get("YIBAO_DBT_PROJECT")
    os.environ["YIBAO_DBT_PROJECT"] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("YIBAO_DBT_PROJECT", None)
        else:
            os.environ["YIBAO_DBT_PROJECT"] = old


def ingest_into(data: Path):
    return ingest(data / "landing", data / "warehouse" / "yibao.duckdb", data / "quarantine")


def hold_back_deltas(data: Path) -> list[str]:
    """Move every delivery folder after the first from landing/ to held/, as if they had not come yet; their names,
    in delivery order. A test then puts them back one a night."""
    landing, held = data / "landing", data / "held"
    held.mkdir()
    deltas = sorted(p.name for p in landing.iterdir() if p.name.isdigit())[1:]
    for name in deltas:
        (landing / name).rename(held / name)
    return deltas


def built(tmp_path_factory, name: str, **params) -> Path:
    """A generated city (or cities) in a new folder, ingested with no problem, built and published."""
    data = tmp_path_factory.mktemp(name)
    generate(**params, out=data)
    with data_env(data):
        report = ingest_into(data)
        assert report.ok, report.summary()
        assert build_and_publish(["--quiet"]) == 0, f"dbt build failed on {name}"
    return data


@pytest.fixture(scope="session")
def clean_city(tmp_path_factory) -> Path:
    """A clean (defect rate 0) small city, ingested and built."""
    return built(tmp_path_factory, "clean_city", **SMALL, defect_rate=0.0)


@pytest.fixture
def in_env(clean_city):
    with data_env(clean_city):
        yield clean_city


def duck(data: Path, read_only: bool = True):
    import duckdb

    return duckdb.connect(str(data / "warehouse" / "yibao.duckdb"), read_only=read_only)


def con_rows(data: Path, sql: str) -> list[tuple]:
    """The rows of one query on a test folder's warehouse (read-only, closed after)."""
    con = duck(data)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def count(data: Path, sql: str):
    """The first value of one query on a test folder's warehouse."""
    return con_rows(data, sql)[0][0]


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> Path:
    """The city `make demo` builds, for calibration checks."""
    from yibao.demo import DEMO

    return built(tmp_path_factory, "demo_city", **DEMO)


# A whole year (2024) is complete, so plan_missing can be injected; 2025-01 is a partial year.
DEFECTS = dict(persons=6000, seed=1, start="2024-01", end="2025-01", days=3, defect_rate=0.005)


@pytest.fixture(scope="session")
def defect_city(tmp_path_factory) -> Path:
    """A small city with every DESIGN §6 source rule broken at about rate 0.005, ingested and built."""
    return built(tmp_path_factory, "defect_city", **DEFECTS)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str) -> None:
    """Poll a Streamlit server's health endpoint for up to a minute."""
    import time
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the dashboard at {url} did not start")


# Two cities of one province over a settled year (2024) and a partial one: the province's view, each city's own.
TWO_CITIES = dict(persons=1500, seed=5, start="2024-01", end="2025-02", days=2, cities=("230800", "231000"))


@pytest.fixture(scope="session")
def two_cities(tmp_path_factory) -> Path:
    """Jiamusi and Mudanjiang delivered together, ingested and built."""
    return built(tmp_path_factory, "two_cities", **TWO_CITIES, defect_rate=0.0)
