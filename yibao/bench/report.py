"""The bench's results as a summary against the targets, and as the measured section of docs/PERFORMANCE.md."""

from __future__ import annotations

import platform
from pathlib import Path

import psutil

BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"


def machine() -> dict:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    import dbt.version
    import duckdb

    return dict(
        cpu=cpu,
        cores=psutil.cpu_count(),
        memory_gb=round(psutil.virtual_memory().total / 2**30, 1),
        os=platform.platform(),
        python=platform.python_version(),
        duckdb=duckdb.__version__,
        dbt_core=dbt.version.__version__,
    )


def _met(value, target) -> str:
    return "n/a" if value is None else ("yes" if value <= target else "**no**")


def summary_rows(out: dict) -> list[dict]:
    """One row per issue-7 target, measured at the largest size run."""
    t = out["targets"]
    size = out["sizes"][-1]
    st = size["stages"]
    nightly = max((v["seconds"], k) for k, v in st.items() if k.startswith("nightly"))
    rss = max((v["peak_rss_gb"], k) for k, v in st.items() if k != "baseline")  # the yardstick is not a stage
    query = st["dashboard"]["heaviest_query_seconds"]
    slope = out["scaling"]["slope"]
    sizes = ", ".join(f"{s['persons']:,}" for s in out["sizes"])
    rows = [
        ("generate", st["generate"]["seconds"], t["generate"], "s"),
        ("ingest + validate, full load", st["ingest"]["seconds"], t["ingest"], "s"),
        ("full dbt build (models + tests)", st["build"]["seconds"], t["build"], "s"),
        (
            f"nightly run for one daily delivery (slowest of {len([k for k in st if k.startswith('nightly')])})",
            nightly[0],
            t["nightly"],
            "s",
        ),
        ("dashboard heaviest query", query, t["dashboard_query"], "s"),
        (f"peak RSS of any pipeline stage ({rss[1]})", rss[0], t["peak_rss_gb"], "GB"),
        ("full dbt build ÷ hand-written baseline", st["build"]["over_baseline"], t["build_over_baseline"], "x"),
        (
            "build of the baseline's three marts only (models) ÷ baseline",
            st["build_marts"]["over_baseline"],
            t["build_over_baseline"],
            "x",
        ),
        (f"scaling slope of build time ({sizes} persons)", slope, t["scaling_slope"], ""),
    ]
    return [
        dict(
            stage=name,
            measured="not run (one size)" if v is None else f"{v:g} {unit}".strip(),
            target=f"≤ {target:g} {unit}".strip(),
            met=_met(v, target),
        )
        for name, v, target, unit in rows
    ]


def stage_table(size: dict) -> str:
    lines = [
        f"**{size['persons']:,} persons** ({size['details'].get('rows_generated', 0):,} rows generated)",
        "",
        "| stage | wall s | peak RSS GB |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {v['seconds']:.1f} | {v['peak_rss_gb']:.2f} |" for name, v in size["stages"].items()]
    return "\n".join(lines)


def section(out: dict) -> str:
    from . import markdown_table

    m = out["machine"]
    largest = out["sizes"][-1]
    parts = [
        f"Measured {out['started']} by `yibao bench` ({out['workload']['years']} year of history to "
        f"{out['workload']['end_year']}-12, then {out['workload']['days']} daily "
        f"{'delivery' if out['workload']['days'] == 1 else 'deliveries'}), on "
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, dbt-core {m['dbt_core']}. Raw results: `bench/results/{out['date']}.json`.",
        "",
        f"Against the targets, at {largest['persons']:,} persons:",
        "",
        markdown_table(out["summary"]),
        "",
        "Every stage, per size:",
        "",
    ]
    for size in out["sizes"]:
        parts += [stage_table(size), ""]
    build = largest["details"].get("build_slowest_nodes", [])
    if build:
        parts += (
            [
                f"Slowest dbt nodes of the full build at {largest['persons']:,} persons (seconds, 2 threads):",
                "",
                "| node | s |",
                "|---|---:|",
            ]
            + [f"| {n['node']} | {n['seconds']} |" for n in build]
            + [""]
        )
    heavy = largest["details"].get("dashboard", {}).get("heaviest", [])
    if heavy:
        parts += [
            f"Heaviest dashboard queries at {largest['persons']:,} persons (median of 3, fresh connection):",
            "",
            "| s | query |",
            "|---:|---|",
        ]
        parts += [f"| {q['median_seconds']} | `{q['sql'][:140]}` |" for q in heavy] + [""]
    return "\n".join(parts)


def write_doc(doc: Path, out: dict) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{section(out)}\n{END}{tail}", encoding="utf-8")
