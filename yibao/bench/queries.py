"""Bench stage: the dashboard's queries. Runs every page as the city user under Streamlit's AppTest,
records each SQL query the pages send to the published warehouse, then times each one afresh
(a new read-only connection each time, as the dashboard opens one, and no Streamlit cache).

Run as `python -m yibao.bench.queries RESULT.json` with YIBAO_DATA set; it writes the timings there.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import duckdb

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
PAGES = ("overview", "coverage", "fund", "reimbursement", "quality", "pipeline")
REPEAT = 3


def record_page_queries() -> tuple[list[tuple[str, str, tuple]], dict[str, float]]:
    """(published file, sql, params) of every query the pages run, and each page's render time."""
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(DASHBOARDS))
    import data  # noqa: E402  (the dashboards' own module, as the pages import it)
    from auth import User  # noqa: E402

    seen: list[tuple[str, str, tuple]] = []
    original = data._query

    def recording(version: str, sql: str, params: tuple):
        if (version, sql, params) not in seen:
            seen.append((version, sql, params))
        return original(version, sql, params)

    data._query = recording
    renders = {}
    from yibao.export import delivered_cities

    with duckdb.connect(str(data.published()), read_only=True) as con:
        user = User("leader", "市医保局领导", f"city:{delivered_cities(con)[0]}")  # the generated city
    for page in PAGES:
        at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=600)
        at.session_state["user"] = user
        at.switch_page(f"views/{page}.py")
        t0 = time.perf_counter()
        at.run()
        renders[page] = round(time.perf_counter() - t0, 3)
        if at.exception:
            raise RuntimeError(f"page {page} failed: {at.exception[0].value}")
    data._query = original
    return seen, renders


def time_query(version: str, sql: str, params: tuple) -> list[float]:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        con = duckdb.connect(version, read_only=True)
        try:
            con.execute(sql, list(params)).df()
        finally:
            con.close()
        times.append(time.perf_counter() - t0)
    return times


def main(out: Path) -> None:
    queries, renders = record_page_queries()
    if not queries:
        raise RuntimeError("the pages ran no queries: is there a published warehouse?")
    timed = []
    for version, sql, params in queries:
        times = time_query(version, sql, params)
        timed.append(
            dict(
                sql=" ".join(sql.split()),
                params=[str(p) for p in params],
                first_seconds=round(times[0], 4),
                median_seconds=round(statistics.median(times), 4),
            )
        )
    timed.sort(key=lambda q: q["median_seconds"], reverse=True)
    out.write_text(
        json.dumps(dict(queries=timed, page_render_seconds=renders), ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
