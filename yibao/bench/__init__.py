"""`yibao bench`: the whole pipeline on a full-size synthetic city, stage by stage.

For each --persons size, in its own data folder under --work:
generate -> ingest (full load, with GX) -> dbt build -> hand-written baseline -> dashboard queries
-> export of one month -> one nightly run per held-back daily delivery -> the models behind the baseline's marts,
rebuilt in full (last, so the nightlies see the warehouse as the build left it).
Each stage runs as a child process; wall time and the peak RSS of its whole process tree are
recorded. Results go to <results>/<date>.json; --write-doc puts the table into docs/PERFORMANCE.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..paths import PROJECT_DIR
from .measure import run_measured
from .report import machine, summary_rows, write_doc

END_YEAR = 2025
BASELINE_MARTS = "+rpt_coverage_monthly +rpt_reimbursement_monthly +rpt_fund_balance_monthly"  # bench/baseline.sql's
TARGETS = {  # issues 7 and 14, for one city-year of 2 M persons
    "generate": 120.0,
    "ingest": 100.0,
    "build": 150.0,
    "nightly": 30.0,
    "dashboard_query": 0.5,
    "peak_rss_gb": 8.0,
    "build_over_baseline": 2.0,
    "scaling_slope": 1.1,
}


@dataclass
class SizeRun:
    persons: int
    stages: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(persons=self.persons, stages=self.stages, details=self.details)


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(seconds) against log(persons)."""
    if len(points) < 2:
        return None
    xs = [math.log(p) for p, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


class Bench:
    def __init__(self, work: Path, years: int, days: int, seed: int, layout: str = "message", echo=print):
        self.work, self.years, self.days, self.seed, self.echo = work, years, days, seed, echo
        self.layout = layout

    def stage(self, run: SizeRun, name: str, args: list[str], data: Path, module: str = "yibao.cli") -> None:
        env = {k: v for k, v in os.environ.items() if k != "YIBAO_DB"}
        env["YIBAO_DATA"] = str(data)
        m = run_measured(
            [sys.executable, "-m", module, *args], env, data / "bench_logs" / f"{name}.log", cwd=PROJECT_DIR
        )
        run.stages[name] = dict(
            seconds=m.seconds,
            peak_rss_gb=round(m.peak_rss_gb, 2),
            returncode=m.returncode,
            sync_before_seconds=m.sync_seconds,
        )
        self.echo(f"  {name:<12} {m.seconds:>8.1f} s  {m.peak_rss_gb:>6.2f} GB peak RSS")
        if m.returncode != 0:
            raise UserError(
                f"bench stage {name} failed (exit {m.returncode}) at {run.persons:,} persons", f"see {m.log}"
            )

    def run_size(self, persons: int) -> SizeRun:
        data = self.work / f"persons_{persons}"
        if data.exists():
            shutil.rmtree(data)
        data.mkdir(parents=True)
        run = SizeRun(persons)
        self.echo(
            f"{persons:,} persons, {self.years} year(s) to {END_YEAR}-12, then {self.days} daily delivery(ies), "
            f"{self.layout} layout (data in {data})"
        )
        self.stage(
            run,
            "generate",
            [
                "generate",
                "--persons",
                str(persons),
                "--seed",
                str(self.seed),
                "--start",
                f"{END_YEAR - self.years + 1}-01",
                "--end",
                f"{END_YEAR}-12",
                "--days",
                str(self.days),
                "--out",
                str(data),
                "--layout",
                self.layout,
            ],
            data,
        )
        run.details["rows_generated"] = generated_rows(data / "bench_logs" / "generate.log")
        landing = data / "landing"
        held = sorted(p for p in landing.iterdir() if re.fullmatch(r"\d{8}", p.name))[-self.days :] if self.days else []
        (data / "held").mkdir()
        for folder in held:
            folder.rename(data / "held" / folder.name)

        self.stage(run, "ingest", ["ingest"], data)
        run.details["ingest_gx_seconds"] = gx_seconds(data / "bench_logs" / "ingest.log")
        self.stage(run, "build", ["build"], data)
        run.details["build_slowest_nodes"] = slowest_nodes(data / "dbt" / "target" / "run_results.json")
        self.stage(
            run,
            "baseline",
            [str(data / "warehouse" / "yibao.duckdb"), str(data / "baseline")],
            data,
            module="yibao.bench.baseline",
        )
        run.stages["build"]["over_baseline"] = round(
            run.stages["build"]["seconds"] / run.stages["baseline"]["seconds"], 2
        )
        queries = data / "dashboard_queries.json"
        self.stage(run, "dashboard", [str(queries)], data, module="yibao.bench.queries")
        timed = json.loads(queries.read_text(encoding="utf-8"))
        run.details["dashboard"] = dict(
            heaviest=timed["queries"][:5],
            queries=len(timed["queries"]),
            page_render_seconds=timed["page_render_seconds"],
        )
        run.stages["dashboard"]["heaviest_query_seconds"] = timed["queries"][0]["median_seconds"]
        self.stage(run, "export", ["export", "--period", f"{END_YEAR}-12"], data)
        for i, folder in enumerate(held, start=1):
            (data / "held" / folder.name).rename(landing / folder.name)
            self.stage(run, f"nightly_{i}", ["nightly"], data)
            run.details[f"nightly_{i}_slowest_nodes"] = slowest_nodes(data / "dbt" / "target" / "run_results.json")
        # Like for like: the baseline computes three marts, the full build every model, rule and test. Rebuilding
        # only the models those marts are made from rewrites their rows (the same figures), so it runs last.
        self.stage(
            run,
            "build_marts",
            ["build", "--full-refresh", "--select", BASELINE_MARTS, "--resource-type", "model"],
            data,
        )
        run.stages["build_marts"]["over_baseline"] = round(
            run.stages["build_marts"]["seconds"] / run.stages["baseline"]["seconds"], 2
        )
        return run


def generated_rows(log: Path) -> int:
    return sum(
        int(n.replace(",", ""))
        for n in re.findall(r"^\s+\w+\s+([\d,]+) rows$", log.read_text(encoding="utf-8"), flags=re.M)
    )


def gx_seconds(log: Path) -> float | None:
    m = re.search(r"Great Expectations: ([\d.]+) s of", log.read_text(encoding="utf-8"))
    return float(m.group(1)) if m else None


def slowest_nodes(run_results: Path, top: int = 10) -> list[dict]:
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    ranked = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:top]
    return [dict(node=r["unique_id"].split(".", 1)[1], seconds=round(r["execution_time"], 2)) for r in ranked]


def run_bench(
    persons: list[int],
    years: int,
    days: int,
    seed: int,
    work: Path,
    results: Path,
    doc: Path | None = None,
    layout: str = "message",
) -> dict:
    if not persons or min(persons) < 1000:
        raise UserError("--persons needs sizes of at least 1000", "e.g. --persons 2000000 or --persons 250000,2000000")
    if days < 1:
        raise UserError("--days must be at least 1", "the nightly stage runs on a held-back daily delivery")
    bench = Bench(work, years, days, seed, layout)
    started = dt.datetime.now()
    runs = [bench.run_size(n) for n in sorted(persons)]
    s = slope([(r.persons, r.stages["build"]["seconds"]) for r in runs])
    out = dict(
        date=f"{started:%Y-%m-%d}",
        started=f"{started:%Y-%m-%d %H:%M:%S}",
        machine=machine(),
        workload=dict(years=years, days=days, seed=seed, end_year=END_YEAR, layout=layout),
        targets=TARGETS,
        sizes=[r.as_dict() for r in runs],
        scaling=dict(
            build_seconds={str(r.persons): r.stages["build"]["seconds"] for r in runs},
            slope=None if s is None else round(s, 3),
        ),
    )
    out["summary"] = summary_rows(out)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{out['date']}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nresults: {path}")
    print(markdown_table(out["summary"]))
    if doc is not None:
        write_doc(doc, out)
        print(f"table written to {doc}")
    return out


def markdown_table(rows: list[dict]) -> str:
    lines = ["| stage | measured | target | met |", "|---|---|---|---|"]
    lines += [f"| {r['stage']} | {r['measured']} | {r['target']} | {r['met']} |" for r in rows]
    return "\n".join(lines)
