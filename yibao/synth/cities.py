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
    code: str  # pooling area, e.g. 230800
    name: str  # e.g. 佳木斯市
    counties: np.ndarray  # int64 county codes, sorted
    names: dict  # county code (str) -> Chinese name
    shares: np.ndarray  # population share per county, summing to 1
    kinds: np.ndarray  # per county: district, county or county_city (seeds/region.csv county_kind)
    units: np.ndarray  # per county: the int64 accounting unit its money belongs to (seeds/region.csv accounting_unit)
    maternity_merged: bool  # maternity merged into the employee scheme (seeds/city_setting.csv)

    def profile(self, field: str) -> np.ndarray:
        """One illustrative county profile value per county (PROFILES, cycled in code order)."""
        values = np.array([row[field] for row in PROFILES], dtype=float)
        return values[np.arange(len(self.counties)) % len(values)]

    @property
    def prefix(self) -> str:
        """The first four digits, as in its person numbers."""
        return self.code[:4]


# Illustrative county profiles (not real figures), so that the synthetic counties differ as a northeastern
# city's do (DESIGN §5 plausibility): the share of residents never enrolled (with the residents who enrol and never
# pay, contributions.NEVER_PAY, coverage from about 92 % to 99 %),
# the yearly share who move away (a shrinking population), how much inpatient care they use, the months of
# expenditure their pooled funds held when they were transferred up (上划结余), the share of the county's
# own fiscal subsidy paid in during the last complete year (未按规定出资到位), and how ambitious the revenue plan is.
PROFILES = [
    dict(
        never_enrolled=0.001,
        leave_rate=0.000,
        care_use=0.95,
        reserve_resident=9.0,
        reserve_employee=16.0,
        county_subsidy_paid=1.0,
        plan_factor=0.98,
    ),
    dict(
        never_enrolled=0.002,
        leave_rate=0.004,
        care_use=0.95,
        reserve_resident=8.0,
        reserve_employee=15.0,
        county_subsidy_paid=1.0,
        plan_factor=1.01,
    ),
    dict(
        never_enrolled=0.008,
        leave_rate=0.008,
        care_use=1.00,
        reserve_resident=7.0,
        reserve_employee=14.0,
        county_subsidy_paid=1.0,
        plan_factor=0.99,
    ),
    dict(
        never_enrolled=0.014,
        leave_rate=0.005,
        care_use=0.95,
        reserve_resident=10.0,
        reserve_employee=17.0,
        county_subsidy_paid=1.0,
        plan_factor=1.02,
    ),
    dict(
        never_enrolled=0.010,
        leave_rate=0.012,
        care_use=1.00,
        reserve_resident=9.0,
        reserve_employee=15.0,
        county_subsidy_paid=1.0,
        plan_factor=0.97,
    ),
    dict(
        never_enrolled=0.039,
        leave_rate=0.020,
        care_use=1.60,
        reserve_resident=1.0,
        reserve_employee=9.0,
        county_subsidy_paid=0.3,
        plan_factor=0.95,
    ),
    dict(
        never_enrolled=0.024,
        leave_rate=0.015,
        care_use=1.00,
        reserve_resident=8.0,
        reserve_employee=14.0,
        county_subsidy_paid=1.0,
        plan_factor=1.03,
    ),
    dict(
        never_enrolled=0.032,
        leave_rate=0.018,
        care_use=1.50,
        reserve_resident=1.5,
        reserve_employee=12.0,
        county_subsidy_paid=1.0,
        plan_factor=0.96,
    ),
    dict(
        never_enrolled=0.006,
        leave_rate=0.006,
        care_use=0.95,
        reserve_resident=10.0,
        reserve_employee=16.0,
        county_subsidy_paid=1.0,
        plan_factor=1.00,
    ),
    dict(
        never_enrolled=0.049,
        leave_rate=0.025,
        care_use=1.05,
        reserve_resident=6.0,
        reserve_employee=13.0,
        county_subsidy_paid=1.0,
        plan_factor=1.02,
    ),
]


def all_city_codes() -> list[str]:
    """Every pooling area (city) of the region seed, in seed order."""
    with open(seed_path("region"), encoding="utf-8") as f:
        return [r["admdvs"] for r in csv.DictReader(f) if r["region_level"] == "city"]


def load_cities(codes: list[str]) -> list[City]:
    with open(seed_path("region"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cities = {r["admdvs"]: r for r in rows if r["region_level"] == "city"}
    with open(seed_path("city_setting"), encoding="utf-8") as f:
        settings = {r["admdvs"]: r for r in csv.DictReader(f)}
    out = []
    for code in codes:
        if code not in cities:
            known = ", ".join(f"{c} {r['admdvs_name_zh']}" for c, r in sorted(cities.items()))
            raise UserError(f"--cities: {code} is not a city in seeds/region.csv", f"choose from {known}")
        counties = sorted(
            (
                r
                for r in rows
                # the city-level code (xx99, 市本级) is a code of the pool, not a place people live in
                if r["parent_admdvs"] == code and r["region_level"] == "county" and r["county_kind"] != "city_level"
            ),
            key=lambda r: r["admdvs"],
        )
        shares = np.array([float(r["population_share"]) for r in counties])
        out.append(
            City(
                code,
                cities[code]["admdvs_name_zh"],
                np.array([int(r["admdvs"]) for r in counties], dtype=np.int64),
                {r["admdvs"]: r["admdvs_name_zh"] for r in counties},
                shares / shares.sum(),
                np.array([r["county_kind"] for r in counties]),
                np.array([int(r["accounting_unit"]) for r in counties], dtype=np.int64),
                settings.get(code, {}).get("maternity_merged") == "true",
            )
        )
    return out
