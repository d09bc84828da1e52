"""Region names (from seeds/region.csv), seeded targets and number formats in Chinese conventions (万人, 亿元/万元, one-decimal percentages)."""

from __future__ import annotations

import csv
import math

from yibao import paths, regions


def seed_rows(name: str) -> list[dict[str, str]]:
    """A seed's rows (paths.seed_path: the project's seeds/, or the folder YIBAO_SEEDS names)."""
    with open(paths.seed_path(name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# The pooled fund each basic scheme's money is booked to (seeds/insutype.csv, pooled_fund_type): 310 -> 310100.
POOLED_FUND = {r["insutype"]: r["pooled_fund_type"] for r in seed_rows("insutype") if r["pooled_fund_type"]}
FUND_NAMES = {r["fund_type"]: (r["fund_type_name_zh"], r["fund_type_name_en"]) for r in seed_rows("fund_type")}


def target(indicator: str) -> float:
    """A policy target (seeds/indicator_target.csv), e.g. coverage_rate_hsreg -> 0.95; read at each call, so a changed
    seed shows on the next page render."""
    return float(next(r["target"] for r in seed_rows("indicator_target") if r["indicator"] == indicator))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


# The accounting unit (核算单位) each county-level code books its money to (seeds/region.csv accounting_unit).
UNIT_OF = {r["admdvs"]: r["accounting_unit"] for r in seed_rows("region") if r["accounting_unit"]}


def unit_of(admdvs: str) -> str:
    """The accounting unit whose fund figures an area's page shows: a district's is the city unit; a city its own."""
    return UNIT_OF.get(admdvs, admdvs)


def warning_bands() -> list[tuple[str, float | None, float | None]]:
    """Months-of-payment warning bands (seeds/warning_threshold.csv): level, lower and upper bound (None: open)."""
    return [
        (
            r["warning_level"],
            float(r["lower_months"]) if r["lower_months"] else None,
            float(r["upper_months"]) if r["upper_months"] else None,
        )
        for r in seed_rows("warning_threshold")
    ]


def region_name(admdvs: str, lang: str = "zh") -> str:
    """A region's name from seeds/region.csv; the code itself for one the seed does not hold."""
    return regions.name(admdvs, lang)


def pct(x) -> str:
    return "—" if _missing(x) else f"{float(x) * 100:.1f}%"


def persons(n, lang: str = "zh") -> str:
    if _missing(n):
        return "—"
    n = float(n)
    if lang == "en":
        return f"{n:,.0f}"
    return f"{n / 10000:.2f} 万人" if abs(n) >= 10000 else f"{n:,.0f} 人"


def yuan(x, lang: str = "zh") -> str:
    if _missing(x):
        return "—"
    x = float(x)
    if lang == "en":
        return f"¥{x / 1e6:,.2f} m" if abs(x) >= 1e6 else f"¥{x:,.0f}"
    if abs(x) >= 1e8:
        return f"{x / 1e8:.2f} 亿元"
    if abs(x) >= 1e4:
        return f"{x / 1e4:,.1f} 万元"
    return f"{x:,.0f} 元"


def months(x) -> str:
    return "—" if _missing(x) else f"{float(x):.1f}"
