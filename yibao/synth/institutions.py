"""Designated medical institutions and pharmacies (定点医药机构) of a synthetic city."""

from __future__ import annotations

import numpy as np

from .cities import City
from .timeline import NO_DAY, Timeline

TIERS = ("tier3", "tier2", "tier1", "none", "pharmacy")

# (where, hosp_lv, tier, name suffix, how many): where is "district1" / "district2" (the city's first
# two urban districts, where tier-3 care is) or "each" (every county-level unit).
LAYOUT = [
    ("district1", "02", "tier3", "市中心医院", 1),
    ("district1", "03", "tier3", "市中医医院", 1),
    ("district2", "02", "tier3", "大学附属第一医院", 1),
    ("each", "05", "tier2", "人民医院", 1),
    ("each", "06", "tier2", "中医院", 1),
    ("each", "08", "tier1", "社区医院", 3),
    ("each", "09", "tier1", "骨科医院", 2),
    ("each", "11", "none", "乡镇卫生院", 6),
    ("each", "11", "pharmacy", "大药房", 6),
]


def make_institutions(rng: np.random.Generator, tl: Timeline, city: City) -> dict[str, np.ndarray]:
    codes = [str(c) for c in city.counties]
    where = {"district1": codes[:1], "district2": codes[1:2], "each": codes}
    county, hosp_lv, tier, name = [], [], [], []
    for place, lv, t, suffix, k in LAYOUT:
        for c in where[place]:
            for i in range(k):
                county.append(int(c))
                hosp_lv.append(lv)
                tier.append(t)
                name.append(
                    f"{city.names[c]}{suffix}"
                    + (f"第{i + 1}分院" if k > 1 and t != "pharmacy" else f"第{i + 1}店" if t == "pharmacy" else "")
                )
    # Two clinics that closed early in the history, in the first county (not district): no clean
    # settlement uses them.
    first_county = next(c for c in codes if int(c[4:]) >= 21)
    for i in range(2):
        county.append(int(first_county))
        hosp_lv.append("10")
        tier.append("closed")
        name.append(f"{city.names[first_county]}已注销诊所{i + 1}")
    n = len(county)
    county = np.array(county, dtype=np.int64)
    tier = np.array(tier)
    serial = np.zeros(n, dtype=np.int64)
    for c in city.counties:  # numbering within county
        mask = county == c
        serial[mask] = np.arange(1, mask.sum() + 1)
    prefix = np.where(tier == "pharmacy", "P", "H")
    code = np.char.add(np.char.add(prefix, county.astype(str)), np.char.zfill(serial.astype(str), 5))
    end = np.where(tier == "closed", tl.hist_start + 20, NO_DAY)
    kind = dict(zip(city.counties.tolist(), city.kinds.tolist()))
    district = np.array([kind[c] == "district" for c in county.tolist()])
    return dict(
        code=code,
        name=np.array(name),
        county=county,
        hosp_lv=np.array(hosp_lv),
        tier=tier,
        district=district,
        type=np.where(tier == "pharmacy", "2", "1"),
        begin=tl.hist_start - rng.integers(365, 6000, n),
        end=end,
    )


def pick(rng: np.random.Generator, inst: dict[str, np.ndarray], tier: np.ndarray, county: np.ndarray) -> np.ndarray:
    """Vectorised choice of an institution index for each (tier, patient county).

    Tier 3 care is in the urban districts; tier 2 in the patient's county; tier 1, ungraded
    clinics and pharmacies in the patient's county.
    """
    out = np.full(len(tier), -1, dtype=np.int64)
    for t in TIERS:
        rows = np.flatnonzero(tier == t)
        if not len(rows):
            continue
        cand_all = np.flatnonzero(inst["tier"] == t)
        if t == "tier3":
            out[rows] = cand_all[rng.integers(0, len(cand_all), len(rows))]
            continue
        # candidates per county as a padded table: [county_index, k]
        codes = np.unique(inst["county"])  # every county has institutions of each local tier
        ci = np.searchsorted(codes, inst["county"][cand_all])
        counts = np.bincount(ci, minlength=len(codes))
        table = np.full((len(codes), counts.max()), -1, dtype=np.int64)
        fill = np.zeros(len(codes), dtype=np.int64)
        for idx, c in zip(cand_all, ci):  # a few hundred institutions, not rows
            table[c, fill[c]] = idx
            fill[c] += 1
        pc = np.searchsorted(codes, county[rows])
        k = (rng.random(len(rows)) * counts[pc]).astype(np.int64)
        out[rows] = table[pc, k]
    return out
