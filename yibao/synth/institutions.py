"""Designated medical institutions and pharmacies (定点医药机构) of the synthetic city."""
from __future__ import annotations

import numpy as np

from ..contract import COUNTIES
from .people import COUNTY_CODES
from .timeline import NO_DAY, Timeline

TIERS = ("tier3", "tier2", "tier1", "none", "pharmacy")
URBAN = np.array([230803, 230804, 230805])

# (county filter, hosp_lv, tier, name suffix, how many per county)
LAYOUT = [
    ([230803], "02", "tier3", "市中心医院", 1),
    ([230803], "03", "tier3", "市中医医院", 1),
    ([230804], "02", "tier3", "大学附属第一医院", 1),
    (list(COUNTIES), "05", "tier2", "人民医院", 1),
    (list(COUNTIES), "06", "tier2", "中医院", 1),
    (list(COUNTIES), "08", "tier1", "社区医院", 3),
    (list(COUNTIES), "09", "tier1", "骨科医院", 2),
    (list(COUNTIES), "11", "none", "乡镇卫生院", 6),
    (list(COUNTIES), "11", "pharmacy", "大药房", 6),
]


def make_institutions(rng: np.random.Generator, tl: Timeline) -> dict[str, np.ndarray]:
    county, hosp_lv, tier, name = [], [], [], []
    for counties, lv, t, suffix, k in LAYOUT:
        for c in counties:
            for i in range(k):
                county.append(int(c))
                hosp_lv.append(lv)
                tier.append(t)
                name.append(f"{COUNTIES[str(c)]}{suffix}" + (f"第{i + 1}分院" if k > 1 and t != "pharmacy"
                                                         else f"第{i + 1}店" if t == "pharmacy" else ""))
    # Two clinics that closed early in the history: no clean settlement uses them.
    for i in range(2):
        county.append(230822)
        hosp_lv.append("10")
        tier.append("closed")
        name.append(f"桦南县已注销诊所{i + 1}")
    n = len(county)
    county = np.array(county, dtype=np.int64)
    tier = np.array(tier)
    serial = np.zeros(n, dtype=np.int64)
    for c in COUNTY_CODES:  # numbering within county
        mask = county == c
        serial[mask] = np.arange(1, mask.sum() + 1)
    prefix = np.where(tier == "pharmacy", "P", "H")
    code = np.char.add(np.char.add(prefix, county.astype(str)), np.char.zfill(serial.astype(str), 5))
    end = np.where(tier == "closed", tl.hist_start + 20, NO_DAY)
    return dict(code=code, name=np.array(name), county=county, hosp_lv=np.array(hosp_lv), tier=tier,
                type=np.where(tier == "pharmacy", "2", "1"),
                begin=tl.hist_start - rng.integers(365, 6000, n), end=end)


def pick(rng: np.random.Generator, inst: dict[str, np.ndarray], tier: np.ndarray,
         county: np.ndarray) -> np.ndarray:
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
        ci = np.searchsorted(COUNTY_CODES, inst["county"][cand_all])
        counts = np.bincount(ci, minlength=len(COUNTY_CODES))
        table = np.full((len(COUNTY_CODES), counts.max()), -1, dtype=np.int64)
        fill = np.zeros(len(COUNTY_CODES), dtype=np.int64)
        for idx, c in zip(cand_all, ci):  # a few hundred institutions, not rows
            table[c, fill[c]] = idx
            fill[c] += 1
        pc = np.searchsorted(COUNTY_CODES, county[rows])
        k = (rng.random(len(rows)) * counts[pc]).astype(np.int64)
        out[rows] = table[pc, k]
    return out
