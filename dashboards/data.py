"""The dashboards' only door to the warehouse: read-only queries on marts, dq and ops.

A connection is opened per query and closed at once, so the dashboard never holds the
database file while `yibao build` writes it. Results are cached per query text.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

ALLOWED_SCHEMAS = ("marts.", "dq.", "ops.")


def db_path() -> Path:
    env = os.environ.get("YIBAO_DB")
    if env:
        return Path(env)
    return Path(os.environ.get("YIBAO_DATA", "data")) / "warehouse" / "yibao.duckdb"


@st.cache_data(ttl=600, show_spinner=False)
def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    if not any(s in sql for s in ALLOWED_SCHEMAS):
        raise ValueError("dashboards read only the marts, dq and ops schemas")
    con = duckdb.connect(str(db_path()), read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def warehouse_ready() -> bool:
    return db_path().exists()
