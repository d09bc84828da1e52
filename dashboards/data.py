"""The dashboards' only door to the warehouse: read-only queries on marts, dq and ops, scoped by county.

- Reads the published copy that `yibao build` (or a nightly run) switches in atomically, never the
  warehouse being written, so builds never lock the dashboard out.
- Every query passes through `Scoped.frame`, which adds `admdvs in (<the user's counties>)`: a
  county user's queries cannot return another county's rows, whatever the page asks for.
- Results are cached per published file, so a new publication refreshes them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from yibao.paths import db_path
from yibao.publish import current

ALLOWED_SCHEMAS = ("marts.", "dq.", "ops.")


def published() -> Path | None:
    """The published file CURRENT names under $YIBAO_DB's folder, or None before the first publication."""
    return current(db_path())


@st.cache_data(show_spinner=False, max_entries=500)
def _query(version: str, sql: str, params: tuple) -> pd.DataFrame:
    con = duckdb.connect(version, read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


class Scoped:
    """Queries limited to the counties a user may see."""

    def __init__(self, scope: tuple[str, ...]):
        if not scope:
            raise PermissionError("this user may see no county")
        self.scope = tuple(scope)

    def frame(
        self, table: str, where: str = "true", params: tuple = (), columns: str = "*", order: str = "", group: str = ""
    ) -> pd.DataFrame:
        if not table.startswith(ALLOWED_SCHEMAS):
            raise ValueError("dashboards read only the marts, dq and ops schemas")
        version = published()
        if version is None:
            return pd.DataFrame()
        marks = ", ".join("?" for _ in self.scope)
        sql = (
            f"select {columns} from {table} where admdvs in ({marks}) and ({where})"
            + (f" group by {group}" if group else "")
            + (f" order by {order}" if order else "")
        )
        return _query(str(version), sql, self.scope + tuple(params))

    def unscoped(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        """Tables without county data - run history (ops.*) and the rule catalogue (dq.dq_rules) - are read whole."""
        if not sql.lstrip().lower().startswith("select") or not (" ops." in sql or " dq.dq_rules" in sql):
            raise ValueError("only selects on ops tables and dq.dq_rules")
        version = published()
        return pd.DataFrame() if version is None else _query(str(version), sql, tuple(params))
