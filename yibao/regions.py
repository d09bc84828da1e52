"""The province, its cities (pooling areas, 统筹区) and their counties, from seeds/region.csv only - the same
seed dbt loads as dim_region. Nothing in Python names a region code or a region's name itself."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .paths import seed_path


@dataclass(frozen=True)
class Region:
    admdvs: str
    name_zh: str
    name_en: str
    parent: str
    level: str  # city | county


@cache
def _load(path: Path) -> dict[str, Region]:
    with open(path, encoding="utf-8", newline="") as f:
        return {
            r["admdvs"]: Region(
                r["admdvs"], r["admdvs_name_zh"], r["admdvs_name_en"], r["parent_admdvs"], r["region_level"]
            )
            for r in csv.DictReader(f)
        }


def regions() -> dict[str, Region]:
    """Every seeded region by code."""
    return _load(seed_path("region"))


def cities() -> list[str]:
    return sorted(code for code, r in regions().items() if r.level == "city")


def counties(city: str) -> list[str]:
    return sorted(code for code, r in regions().items() if r.level == "county" and r.parent == city)


def city_of(admdvs: str) -> str | None:
    """The city a county belongs to, a city itself, or None for a code the seed does not hold."""
    r = regions().get(admdvs)
    return None if r is None else admdvs if r.level == "city" else r.parent


def province() -> str:
    """The province the seeded cities belong to: unattributed exceptions are filed under its code."""
    parents = {r.parent for r in regions().values() if r.level == "city"}
    return min(parents)


def name(admdvs: str, lang: str = "zh") -> str:
    r = regions().get(admdvs)
    if r is None:
        return admdvs
    return r.name_en if lang == "en" else r.name_zh
