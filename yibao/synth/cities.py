"""The cities a generated province holds: each a pooling area (统筹区) with its county-level units,
read from seeds/region.csv (real GB/T 2260 codes of Heilongjiang), so the generator and the
warehouse's dim_region agree on every code."""
from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from ..errors import UserError
from ..paths import seed_path


@dataclass(frozen=True)
class City:
    code: str                 # pooling area, e.g. 230800
    name: str                 # e.g. 佳木斯市
    counties: np.ndarray      # int64 county codes, sorted
    names: dict               # county code (str) -> Chinese name
    shares: np.ndarray        # population share per county, summing to 1

    @property
    def prefix(self) -> str:
        """The first four digits, as in its person numbers."""
        return self.code[:4]


def load_cities(codes: list[str]) -> list[City]:
    with open(seed_path("region"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cities = {r["admdvs"]: r for r in rows if r["region_level"] == "city"}
    out = []
    for code in codes:
        if code not in cities:
            known = ", ".join(f"{c} {r['admdvs_name_zh']}" for c, r in sorted(cities.items()))
            raise UserError(f"--cities: {code} is not a city in seeds/region.csv", f"choose from {known}")
        counties = sorted((r for r in rows if r["parent_admdvs"] == code and r["region_level"] == "county"),
                          key=lambda r: r["admdvs"])
        shares = np.array([float(r["population_share"]) for r in counties])
        out.append(City(code, cities[code]["admdvs_name_zh"],
                        np.array([int(r["admdvs"]) for r in counties], dtype=np.int64),
                        {r["admdvs"]: r["admdvs_name_zh"] for r in counties}, shares / shares.sum()))
    return out
