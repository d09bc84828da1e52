"""`yibao demo` (make demo): a small synthetic city, generated, ingested, built and served."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from . import paths, regions
from .build import build_and_publish
from .dashboard import serve
from .errors import UserError
from .ingest import ingest
from .lock import run_lock
from .progress import Steps
from .synth import DEFAULT_CITIES, generate

DEMO = dict(persons=20000, seed=20251231, start="2024-01", end="2025-12", days=3, defect_rate=0.0)


def install_demo_users(data: Path) -> Path:
    """The demo's dashboard users (dashboards/demo_users.toml, passwords in the README) as $YIBAO_DATA/users.toml,
    unless that file already exists. Only the demo does this: there are no users by default."""
    target = data / "users.toml"
    if not target.exists():
        data.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.PROJECT_DIR / "dashboards" / "demo_users.toml", target)
    return target


def demo(serve_dashboard: bool = True, port: int = 8501) -> int:
    data = paths.data_dir()
    with run_lock(data, "demo"):
        _build_demo(data)
    print(f"dashboard users: {install_demo_users(data)} (the demo users; passwords in README.md)")
    return serve(port) if serve_dashboard else 0


def _build_demo(data: Path) -> None:
    t0 = time.perf_counter()
    print(
        f"demo: a synthetic {regions.name(DEFAULT_CITIES[0])} of {DEMO['persons']:,} persons, {DEMO['start']} to {DEMO['end']} "
        f"plus {DEMO['days']} daily deliveries, in {data}"
    )
    g = generate(**DEMO, out=data, force=True, progress=Steps())
    print(f"generated {sum(g.rows.values()):,} rows in {g.seconds:.1f} s")
    db = paths.db_path()
    if db.exists():  # a fresh demo: the old warehouse belongs to the replaced deliveries
        db.unlink()
    report = ingest(paths.landing_dir(), db, paths.quarantine_dir())
    print(report.summary().splitlines()[-1])
    if not report.ok:
        raise UserError("demo ingest rejected files", "see the lines above")
    rc = build_and_publish([])
    if rc != 0:
        raise UserError("dbt build failed during the demo", f"see {data / 'dbt' / 'logs' / 'dbt.log'}")
    print(f"demo ready in {time.perf_counter() - t0:.0f} s")
