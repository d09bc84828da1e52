"""The single command line: yibao generate | ingest | build | nightly | export | bench | docs | dashboard | demo.

Subcommands are thin: each parses its flags and calls one function that tests call directly.
Errors a user can act on are printed as one line plus a hint, with no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import UserError
from .lock import LOCKED, Locked


def _generate(args) -> int:
    from .progress import Steps
    from .synth import DEFAULT_CITIES, generate

    out = Path(args.out) if args.out else paths.data_dir()
    cities = tuple(c.strip() for c in args.cities.split(",") if c.strip()) if args.cities else DEFAULT_CITIES
    g = generate(
        args.persons,
        args.seed,
        args.start,
        args.end,
        args.days,
        args.defect_rate,
        out,
        args.force,
        progress=Steps(),
        cities=cities,
        layout=args.layout,
    )
    print(f"generated {len(g.deliveries)} deliveries under {g.landing} in {g.seconds:.1f} s")
    for name, n in g.rows.items():
        print(f"  {name:<12} {n:>12,} rows")
    print(f"  defects injected: {g.defects} (truth in {g.landing / '_truth' / 'defects.csv'})")
    return 0


def _ingest(args) -> int:
    from .ingest import ingest
    from .lock import run_lock

    with run_lock(paths.data_dir(), "ingest"):
        report = ingest(paths.landing_dir(), paths.db_path(), paths.quarantine_dir(), release=args.release)
    print(report.summary())
    return 0 if report.ok else 1


def _build(args) -> int:
    from .build import build_and_publish, target_of
    from .lock import run_lock

    if (target_of(args.dbt_args) or "duckdb").startswith("spark"):  # writes the lake and Spark, not the warehouse
        return 1 if build_and_publish(args.dbt_args) else 0
    with run_lock(paths.data_dir(), "build"):
        return 1 if build_and_publish(args.dbt_args) else 0  # dbt's 2 (an error) is a failed build too


def _export(args) -> int:
    if args.period or not args.dq:
        from .export import export_period, latest_complete_month

        period = args.period or latest_complete_month(paths.db_path())
        written = export_period(paths.db_path(), paths.exports_dir(), period, city=args.city)
        partial = any("_partial_" in p.name for p in written)
        folders = sorted({p.parent for p in written})
        print(
            f"wrote {len(written)} report files for {period}{' (PARTIAL: the period is not over)' if partial else ''}"
            f" for {len(folders)} {'city' if len(folders) == 1 else 'cities'}"
        )
        for folder in folders:
            print(f"  {folder}")
            for path in written:
                if path.parent == folder:
                    print(f"    {path.name}")
    if args.dq:
        from .export_dq import export_dq

        paths_written = export_dq(paths.db_path(), paths.exports_dir(), city=args.city)
        print(f"wrote {len(paths_written)} county correction lists (整改清单) to {paths_written[0].parent}")
    return 0


def _nightly(args) -> int:
    from .nightly import nightly

    return nightly(dry_run=args.dry_run)


def _bench(args) -> int:
    from .bench import run_bench

    try:
        sizes = [int(x.replace("_", "")) for x in args.persons.split(",") if x.strip()]
    except ValueError:
        raise UserError(
            f"--persons {args.persons!r} is not a list of numbers", "e.g. --persons 250000,500000"
        ) from None
    work = Path(args.work) if args.work else paths.data_dir() / "bench"
    run_bench(
        sizes,
        args.years,
        args.days,
        args.seed,
        work,
        Path(args.results),
        doc=paths.PROJECT_DIR / "docs" / "PERFORMANCE.md" if args.write_doc else None,
        layout=args.layout,
    )
    return 0


def _docs(args) -> int:
    from .build import dbt

    rc = dbt("docs generate").returncode
    if rc == 0:
        site = paths.data_dir() / "dbt" / "target" / "index.html"
        print(
            f"dbt docs site: {site}\n  open it in a browser, or serve it: "
            f"(cd {site.parent} && python3 -m http.server 8080) and visit http://localhost:8080"
        )
    return rc


def _dashboard(args) -> int:
    from .dashboard import serve

    return serve(args.port, args.address)


def _demo(args) -> int:
    from .demo import demo

    return demo(serve_dashboard=not args.no_serve, port=args.port)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="yibao", description="City-level pooling medical-insurance warehouse (医保市级统筹)"
    )
    sub = ap.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write synthetic cities as daily deliveries under $YIBAO_DATA/landing")
    g.add_argument("--persons", type=int, default=20000, help="persons per city")
    g.add_argument(
        "--cities",
        default=None,
        help="pooling areas (city codes of seeds/region.csv), comma-separated (default: the generator's one demo city)",
    )
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--start", default="2024-01", help="first month of history, YYYY-MM")
    g.add_argument("--end", default="2025-12", help="last month in the full load, YYYY-MM")
    g.add_argument("--days", type=int, default=3, help="daily delta deliveries after the full load")
    g.add_argument("--defect-rate", type=float, default=0.0)
    g.add_argument("--out", help="data folder (default $YIBAO_DATA); deliveries go to OUT/landing")
    g.add_argument("--force", action="store_true", help="replace deliveries already in OUT/landing")
    g.add_argument(
        "--layout",
        choices=("message", "backend"),
        default="message",
        help="message: the interface's extracts (setl.csv ...); backend: the platform's back-end tables "
        "(setl_d.csv, psn_insu_d.csv, staf_/rsdt_psn_clct_detl_d.csv)",
    )
    g.set_defaults(func=_generate)

    i = sub.add_parser("ingest", help="load every new delivery into the raw schema")
    i.add_argument(
        "--release",
        action="append",
        default=[],
        metavar="YYYYMMDD",
        help="load a delivery held because it came long after the last one (repeatable)",
    )
    i.set_defaults(func=_ingest)

    b = sub.add_parser("build", help="run dbt build with the project's profile")
    b.epilog = "Any further arguments go to dbt build, e.g. yibao build --select marts"
    b.set_defaults(func=_build)

    e = sub.add_parser("export", help="write report files: --dq for the county correction lists")
    e.add_argument(
        "--period",
        help="report files for the province: a month 2025-06, a quarter 2025Q2 or a year 2025 "
        "(default: the latest complete month; a period not yet over is marked partial)",
    )
    e.add_argument(
        "--city",
        help="only this city's files, by its code in seeds/region.csv (default: every city the warehouse holds)",
    )
    e.add_argument("--dq", action="store_true", help="one xlsx per county with its open data-quality exceptions")
    e.set_defaults(func=_export)

    n = sub.add_parser("nightly", help="the scheduled run: ingest, freshness, build, publish, report files")
    n.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    n.set_defaults(func=_nightly)

    be = sub.add_parser("bench", help="time every stage on a full-size city; results to bench/results/<date>.json")
    be.add_argument("--persons", default="2000000", help="one size, or several for the scaling slope: 250000,2000000")
    be.add_argument("--years", type=int, default=1, help="years of history before the daily deliveries")
    be.add_argument("--days", type=int, default=3, help="daily deliveries, each run through one nightly")
    be.add_argument("--seed", type=int, default=20251231)
    be.add_argument("--work", help="where the generated cities go (default $YIBAO_DATA/bench)")
    be.add_argument("--results", default=str(paths.PROJECT_DIR / "bench" / "results"))
    be.add_argument("--write-doc", action="store_true", help="put the measured tables into docs/PERFORMANCE.md")
    be.add_argument(
        "--layout",
        choices=("message", "backend"),
        default="message",
        help="the extracts' layout (yibao generate --layout); the targets are the message layout's",
    )
    be.set_defaults(func=_bench)

    doc = sub.add_parser("docs", help="generate the dbt docs site (catalog with the Chinese descriptions)")
    doc.set_defaults(func=_docs)

    d = sub.add_parser("dashboard", help="serve the Streamlit dashboard")
    d.add_argument("--port", type=int, default=8501)
    d.add_argument(
        "--address",
        default="127.0.0.1",
        help="the interface to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for all)",
    )
    d.set_defaults(func=_dashboard)

    m = sub.add_parser("demo", help="generate a small city, ingest, build and serve the dashboard")
    m.add_argument("--no-serve", action="store_true", help="stop after the build")
    m.add_argument("--port", type=int, default=8501)
    m.set_defaults(func=_demo)
    return ap


def main(argv: list[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    if extra and args.command != "build":
        parser().error(f"unrecognized arguments: {' '.join(extra)}")
    args.dbt_args = extra
    try:
        return args.func(args)
    except Locked as e:
        print(f"yibao {args.command}: {e}", file=sys.stderr)
        return LOCKED
    except UserError as e:
        print(f"yibao {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
