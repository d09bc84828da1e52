"""Where things live. Paths come from YIBAO_DATA and YIBAO_DB only (DESIGN §7)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def dbt_project_dir() -> Path:
    """The dbt project: this checkout's, or the folder YIBAO_DBT_PROJECT names (a test's changed copy)."""
    return Path(os.environ.get("YIBAO_DBT_PROJECT", PROJECT_DIR)).resolve()


def data_dir() -> Path:
    return Path(os.environ.get("YIBAO_DATA", "data")).resolve()


def db_path() -> Path:
    env = os.environ.get("YIBAO_DB")
    return Path(env).resolve() if env else data_dir() / "warehouse" / "yibao.duckdb"


def landing_dir() -> Path:
    return data_dir() / "landing"


def quarantine_dir() -> Path:
    return data_dir() / "quarantine"


def exports_dir() -> Path:
    return data_dir() / "exports"


def seed_path(name: str) -> Path:
    """seeds/<name>.csv of the project, or of the folder YIBAO_SEEDS names (a test's changed copy)."""
    return Path(os.environ.get("YIBAO_SEEDS", PROJECT_DIR / "seeds")) / f"{name}.csv"
