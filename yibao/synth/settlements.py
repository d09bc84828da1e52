"""Settlements (结算信息): visits drawn per enrollment span, priced, and paid by the funds.

Amounts are int64 cents throughout, so the §2 identities hold exactly.
"""

from __future__ import annotations

import csv

import numpy as np

from ..paths import seed_path
from .institutions import pick
from .people import People
from .timeline import NO_DAY, Timeline, year_of

TIER_NAMES = ("tier3", "tier2", "tier1", "none")

# category: med_type choices, clr_type, base mean cost (yuan), cost sigma,
#           tier probabilities (tier3, tier2, tier1, none) for employees / residents, pharmacy flag
CATEGORIES = {
    # Inpatient codes include 26, 27, 29 and the longer local codes a province adds (2101, 2801): all roll up
    # to inpatient by their first two digits (DESIGN §2).
    "inpatient": dict(
        med=(
            ["21", "22", "23", "24", "25", "26", "27", "28", "29", "2101", "2801"],
            [0.80, 0.04, 0.015, 0.045, 0.015, 0.01, 0.01, 0.03, 0.01, 0.015, 0.01],
        ),
        clr="21",
        sigma=0.75,
        tiers_emp=[0.5, 0.35, 0.1, 0.05],
        tiers_res=[0.25, 0.35, 0.25, 0.15],
    ),
    "outpatient": dict(
        med=(["11"], [1.0]),
        clr="11",
        sigma=0.6,
        mean=160,
        tiers_emp=[0.15, 0.25, 0.3, 0.3],
        tiers_res=[0.1, 0.2, 0.3, 0.4],
    ),
    "chronic": dict(
        med=(["14"], [1.0]),
        clr="11",
        sigma=0.5,
        mean=520,
        tiers_emp=[0.3, 0.4, 0.3, 0.0],
        tiers_res=[0.2, 0.4, 0.3, 0.1],
    ),
    "emergency": dict(
        med=(["13"], [1.0]),
        clr="11",
        sigma=0.6,
        mean=380,
        tiers_emp=[0.4, 0.4, 0.2, 0.0],
        tiers_res=[0.3, 0.5, 0.2, 0.0],
    ),
    "pharmacy": dict(med=(["41"], [1.0]), clr="41", sigma=0.7, mean=95),
    "maternity_in": dict(
        med=(["52"], [1.0]),
        clr="21",
        sigma=0.4,
        mean=5200,
        tiers_emp=[0.5, 0.5, 0.0, 0.0],
        tiers_res=[0.5, 0.5, 0.0, 0.0],
    ),
    "maternity_out": dict(
        med=(["51"], [1.0]),
        clr="11",
        sigma=0.5,
        mean=260,
        tiers_emp=[0.4, 0.6, 0.0, 0.0],
        tiers_res=[0.4, 0.6, 0.0, 0.0],
    ),
}
# Inpatient cost means at the national 2023 bulletin averages (DESIGN §5), spread over tiers.
INPATIENT_MEAN = {"310": 12175.0, "390": 7674.0}
TIER_COST = np.array([1.4, 0.8, 0.45, 0.35])
# Resident critical-illness insurance (大病保险) pays 60 % of in-scope self-pay above this (10,000 yuan), in cents.
OUTPATIENT_TIER_COST = np.array([1.8, 1.2, 0.8, 0.6])
# Fund ratio of in-scope cost outside inpatient care (门诊统筹, 慢特病, 急诊, 生育).
OTHER_RATIO = {
    ("outpatient", "310"): 0.55,
    ("outpatient", "390"): 0.50,
    ("chronic", "310"): 0.75,
    ("chronic", "390"): 0.60,
    ("emergency", "310"): 0.60,
    ("emergency", "390"): 0.50,
    ("pharmacy", "310"): 0.0,
    ("pharmacy", "390"): 0.0,
    ("maternity_in", "310"): 0.90,
    ("maternity_out", "310"): 0.80,
}
DISEASES = {
    "inpatient": [
        "I63.900",
        "J18.900",
        "I25.103",
        "E11.900",
        "K80.100",
        "S72.000",
        "C34.900",
        "N18.900",
        "J44.100",
        "I10.x00",
    ],
    "outpatient": ["J06.900", "I10.x00", "E11.900", "K29.700", "M54.500"],
    "chronic": ["I10.x00", "E11.900", "N18.900", "I25.103"],
    "emergency": ["S06.000", "R10.400", "J18.900"],
    "pharmacy": ["J06.900", "I10.x00", "E11.900"],
    "maternity_in": ["O80.000", "O82.000"],
    "maternity_out": ["Z34.900"],
}


def annual_rates(
    cat: str, age: np.ndarray, is_emp: np.ndarray, male: np.ndarray, key_group: np.ndarray, care_use: np.ndarray
) -> np.ndarray:
    if cat == "inpatient":
        r = np.select([age < 18, age < 45, age < 60, age < 75], [0.06, 0.08, 0.15, 0.28], 0.42)
        return r * np.where(key_group, 1.3, 1.0) * np.where(is_emp, 1.3, 1.0) * care_use
    if cat == "outpatient":
        return np.where(is_emp, 6.0, 1.5)
    if cat == "chronic":
        return np.where(age >= 45, np.where(is_emp, 2.0, 1.5), 0.2)
    if cat == "emergency":
        return np.full(len(age), 0.25)
    if cat == "pharmacy":
        return np.where(is_emp, 6.0, 0.5)
    fertile = is_emp & ~male & (age >= 22) & (age <= 40)
    return np.where(fertile, 0.06 if cat == "maternity_in" else 0.25, 0.0)


BANDS = ("price_class_1", "price_class_2_city", "price_class_2_county", "price_class_3", "out_of_area")

# Out-of-area care (异地就医, DESIGN §4): a few percent of inpatient stays, most referrals (23 转外诊治) and stays
# registered as elsewhere (25 异地住院), at large hospitals outside the pool: in the province's capital or in
# another province (GB/T 2260 district codes). Their institution codes are not on the pool's list.
AWAY_SHARE = {"23": 0.7, "25": 0.9}
AWAY_SHARE_OTHER = 0.012
AWAY_IN_PROVINCE = np.array([230102, 230103, 230104])  # 哈尔滨市 道里区, 南岗区, 道外区
AWAY_OUT_OF_PROVINCE = np.array([110105, 210102, 310104])  # 北京市朝阳区, 沈阳市和平区, 上海市徐汇区
AWAY_COST = 1.4  # a stay at a large hospital elsewhere costs more than the pool's tier-3 average


def benefit_band(tier_idx: np.ndarray, in_district: np.ndarray) -> np.ndarray:
    """Band index into BANDS (DESIGN §3): price class 1 for tier 3; class 2 for tier 2, city level when the
    institution is in a city district and county level otherwise; class 3 for tier 1 and unrated."""
    return np.select([tier_idx == 0, (tier_idx == 1) & in_district, tier_idx == 1], [0, 1, 2], 3)


def has_band(pool: str, band: str) -> bool:
    """Whether the benefit-policy seed has rows of `band` for the pooling area `pool`."""
    with open(seed_path("benefit_policy"), encoding="utf-8") as f:
        return any(r["pool_admdvs"] == pool and r["benefit_band"] == band for r in csv.DictReader(f))


def policy_lookup(year: np.ndarray, employee: np.ndarray, band: np.ndarray, pool: str) -> dict[str, np.ndarray]:
    """Deductible, fund ratio, retiree uplift, ratio ceiling and annual cap (yuan) from the benefit-policy
    seed's rows of the pooling area `pool`, by year, scheme and band. Years outside the seed take the nearest year."""
    with open(seed_path("benefit_policy"), encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["pool_admdvs"] == pool]
    if not rows:
        raise ValueError(f"seeds/benefit_policy.csv has no rows for the pooling area {pool}")
    fields = ("deductible", "fund_ratio", "retiree_ratio_uplift", "max_fund_ratio", "annual_cap")
    years = sorted({int(r["year"]) for r in rows})
    table = np.zeros((len(years), 2, len(BANDS), len(fields)))
    for r in rows:
        table[years.index(int(r["year"])), int(r["insutype"] == "390"), BANDS.index(r["benefit_band"])] = [
            float(r[k]) for k in fields
        ]
    yi = np.clip(year - years[0], 0, len(years) - 1)
    found = table[yi, (~employee).astype(np.int64), band.astype(np.int64)]
    return {k: found[:, i] for i, k in enumerate(fields)}


def critical_illness_pay(selfpay: np.ndarray, year: np.ndarray, pool: str) -> tuple[np.ndarray, np.ndarray]:
    """The 大病 second tier of each resident inpatient stay (cents) before its annual cap, and the cap (cents), from
    seeds/critical_illness_policy.csv (policy 004's 分段计算): the in-scope self-pay the basic insurance left is paid
    segment by segment, each from its lower bound to the next one's, at the segment's ratio. Years outside the seed
    take the nearest year."""
    with open(seed_path("critical_illness_policy"), encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["pool_admdvs"] == pool and r["insutype"] == "390"]
    if not rows:
        raise ValueError(f"seeds/critical_illness_policy.csv has no resident rows for the pooling area {pool}")
    years = sorted({int(r["year"]) for r in rows})
    tiers = max(int(r["tier"]) for r in rows)
    lower = np.full((len(years), tiers + 1), np.inf)  # a last bound no self-pay reaches
    ratio = np.zeros((len(years), tiers))
    cap = np.zeros(len(years))
    for r in rows:
        y, t = years.index(int(r["year"])), int(r["tier"]) - 1
        lower[y, t], ratio[y, t], cap[y] = (
            float(r["lower_bound"]) * 100,
            float(r["ratio"]),
            float(r["annual_cap"]) * 100,
        )
    yi = np.clip(year - years[0], 0, len(years) - 1)
    low, r = lower[yi], ratio[yi]
    parts = np.clip(np.minimum(selfpay[:, None], low[:, 1:]) - low[:, :-1], 0, None)
    return np.round((parts * r).sum(axis=1)).astype(np.int64), np.round(cap[yi]).astype(np.int64)


def capped_by_person_year(pool: np.ndarray, group: np.ndarray, order_key: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """What the pooled fund pays when a person-year's payments may not exceed its annual cap: each settlement
    in time order gets min(its amount, what is left of the cap). group identifies the person-year (-1 for
    settlements the cap does not apply to, which keep their amount)."""
    out = pool.copy()
    idx = np.flatnonzero(group >= 0)
    if not len(idx):
        return out
    idx = idx[np.lexsort((order_key[idx], group[idx]))]
    g, amount, limit = group[idx], pool[idx], cap[idx]
    running = np.cumsum(amount)
    first = np.r_[True, g[1:] != g[:-1]]
    base = np.maximum.accumulate(np.where(first, running - amount, 0))  # total before each group's start
    after = running - base
    before = after - amount
    out[idx] = np.maximum(np.minimum(after, limit) - np.minimum(before, limit), 0)
    return out


def make_settlements(
    rng: np.random.Generator,
    p: People,
    enr: dict[str, np.ndarray],
    inst: dict[str, np.ndarray],
    tl: Timeline,
    key_group: np.ndarray,
    counties: np.ndarray,
    county_care_use: np.ndarray,
    pool: str,
    unpaid: np.ndarray,
) -> dict[str, np.ndarray]:
    # a resident who never paid the premium has no benefits to claim
    valid = (enr["status"] != "3") & ~((enr["insutype"] == "390") & unpaid[enr["person"]])
    a = np.maximum(enr["start"], tl.hist_start)
    b = np.minimum(enr["end"], tl.horizon_end + 1)
    span_ok = valid & (b > a)
    spans = np.flatnonzero(span_ok)
    dur = (b - a)[spans]
    person = enr["person"][spans]
    is_emp = enr["insutype"][spans] == "310"
    parts = []
    care_use = county_care_use[np.searchsorted(counties, enr["county"][spans])]
    for cat in CATEGORIES:
        rate = annual_rates(cat, p.age[person], is_emp, p.male[person], key_group[person], care_use)
        n = rng.poisson(rate * dur / 365.25)
        idx = np.repeat(np.arange(len(spans)), n)
        if not len(idx):
            continue
        s = spans[idx]
        day = a[s] + (rng.random(len(idx)) * dur[idx]).astype(np.int64)
        parts.append((cat, s, day))

    cat_names = list(CATEGORIES)
    rows = {
        "span": np.concatenate([s for _, s, _ in parts]),
        "day": np.concatenate([d for _, _, d in parts]),
        "cat": np.concatenate([np.full(len(s), cat_names.index(c), dtype=np.int8) for c, s, _ in parts]),
    }
    n = len(rows["span"])
    span = rows["span"]
    person = enr["person"][span]
    scheme = enr["insutype"][span]
    emp_row = scheme == "310"
    cat = rows["cat"]
    is_maternity = cat >= cat_names.index("maternity_in")
    insutype = np.where(is_maternity, "510", scheme)

    med_type = np.empty(n, dtype="<U4")
    tier_idx = np.full(n, 4, dtype=np.int8)  # 0..3 = TIER_NAMES, 4 = pharmacy
    base = np.zeros(n)
    sigma = np.zeros(n)
    ratio = np.zeros(n)
    clr = np.empty(n, dtype="<U4")
    dise = np.empty(n, dtype="<U7")
    for ci, (c, spec) in enumerate(CATEGORIES.items()):
        m = cat == ci
        k = int(m.sum())
        if not k:
            continue
        codes, probs = spec["med"]
        med_type[m] = np.array(codes)[rng.choice(len(codes), size=k, p=probs)]
        clr[m] = spec["clr"]
        sigma[m] = spec["sigma"]
        dise[m] = np.array(DISEASES[c])[rng.integers(0, len(DISEASES[c]), k)]
        emp = emp_row[m]
        ratio[m] = np.where(emp, OTHER_RATIO.get((c, "310"), 0.0), OTHER_RATIO.get((c, "390"), 0.0))
        if c != "pharmacy":
            t_emp = rng.choice(4, size=k, p=spec["tiers_emp"])
            t_res = rng.choice(4, size=k, p=spec["tiers_res"])
            t = np.where(emp, t_emp, t_res)
            tier_idx[m] = t
            if c == "inpatient":
                base[m] = (
                    np.where(emp, INPATIENT_MEAN["310"], INPATIENT_MEAN["390"])
                    * TIER_COST[t]
                    / np.where(emp, TIER_COST @ spec["tiers_emp"], TIER_COST @ spec["tiers_res"])
                )
            else:
                base[m] = spec["mean"] * (OUTPATIENT_TIER_COST[t] if c in ("outpatient", "emergency") else 1.0)
        else:
            base[m] = spec["mean"]
    # out-of-area stays: tier 3, dearer, at an institution of another area
    inpatient = cat == cat_names.index("inpatient")
    away = inpatient & (rng.random(n) < np.vectorize(AWAY_SHARE.get)(med_type, AWAY_SHARE_OTHER))
    tier_idx = np.where(away, 0, tier_idx).astype(np.int8)
    base = np.where(away, INPATIENT_MEAN["310"] * AWAY_COST, base)
    in_province = rng.random(n) < 0.7
    away_area = np.where(
        in_province,
        AWAY_IN_PROVINCE[rng.integers(0, len(AWAY_IN_PROVINCE), n)],
        AWAY_OUT_OF_PROVINCE[rng.integers(0, len(AWAY_OUT_OF_PROVINCE), n)],
    )
    away_code = np.char.add(np.char.add("H", away_area.astype(str)), (90001 + rng.integers(0, 40, n)).astype(str))
    tier = np.array(TIER_NAMES + ("pharmacy",))[tier_idx]

    county = enr["county"][span]
    inst_idx = pick(rng, inst, tier, county)
    # lognormal with the chosen mean
    medfee = np.round(rng.lognormal(np.log(base) - sigma**2 / 2, sigma) * 100).astype(np.int64)
    medfee = np.maximum(medfee, 500)
    ful = np.round(medfee * rng.uniform(0.02, 0.08, n)).astype(np.int64)
    pre = np.round(medfee * rng.uniform(0.02, 0.07, n)).astype(np.int64)
    is_pharmacy = cat == cat_names.index("pharmacy")
    pre = np.where(is_pharmacy, 0, pre)
    inscp = medfee - ful - pre

    # Deductible, ratio, retiree uplift and annual cap from the benefit-policy seed, by the band of the
    # institution (DESIGN §3); the cap accumulates over the person-year in setl_time order (DESIGN §5).
    is_in = cat == cat_names.index("inpatient")
    year = year_of(rows["day"])
    band = benefit_band(tier_idx, inst["district"][inst_idx])
    # out-of-area care is paid by the pool's out-of-area band; a pool without one pays it as a local tier-3 stay
    band = np.where(away, BANDS.index("out_of_area") if has_band(pool, "out_of_area") else 0, band)
    policy = policy_lookup(year, emp_row, band, pool)
    retired = np.isin(enr["psn_type"][span], ["12", "13"])
    in_ratio = np.where(
        retired,
        np.minimum(policy["fund_ratio"] + policy["retiree_ratio_uplift"], policy["max_fund_ratio"]),
        policy["fund_ratio"],
    )
    ratio = np.where(is_in, in_ratio, ratio)
    dedc_yuan = np.where(is_in, policy["deductible"], 0.0)

    dedc = np.minimum(np.round(dedc_yuan * 100).astype(np.int64), inscp)
    pool_raw = np.round((inscp - dedc) * np.round(ratio, 4)).astype(np.int64)
    cap = np.round(policy["annual_cap"] * 100).astype(np.int64)
    seconds = rows["day"] * 86400 + 8 * 3600 + rng.integers(0, 9 * 3600, n)
    # the cap is per person, scheme and year, and uses up every payment of a type that counts toward it: inpatient
    # care and outpatient chronic and special diseases (门诊慢特病, seeds/med_type.csv counts_toward_cap)
    capped = is_in | (cat == cat_names.index("chronic"))
    person_year = np.where(capped, (person.astype(np.int64) * 10_000 + year) * 2 + emp_row, -1)
    hifp = capped_by_person_year(pool_raw, person_year, seconds, cap)
    # person-years whose payments reach the cap: no reversal is made in them, since a reversal would free cap room
    # for their later settlements (DESIGN §5), which were paid without it
    _, inverse = np.unique(person_year, return_inverse=True)
    year_total = np.bincount(inverse, weights=pool_raw.astype(float))[inverse]
    reaches_cap = capped & (year_total >= cap)
    hifob = np.where(emp_row, np.round((pool_raw - hifp) * 0.9).astype(np.int64), 0)
    selfpay_scope = inscp - hifp - hifob
    # 大病保险 for residents' stays, by segment, within its own cap per person-year (seeds/critical_illness_policy.csv)
    critical = is_in & ~emp_row
    hifmi_raw, hifmi_cap = critical_illness_pay(selfpay_scope, year, pool)
    hifmi_year = np.where(critical, person_year, -1)
    critical_raw = np.where(critical, hifmi_raw, 0)
    hifmi = capped_by_person_year(critical_raw, hifmi_year, seconds, hifmi_cap)
    # a stay of a person-year that reaches the 大病 cap is never reversed either (person_year's groups, as above)
    reaches_cap |= critical & (np.bincount(inverse, weights=critical_raw.astype(float))[inverse] >= hifmi_cap)
    civil = p.civil_servant[person] & emp_row
    cvlserv = np.where(civil, np.round((selfpay_scope - hifmi) * 0.4).astype(np.int64), 0)
    aid = key_group[person]
    maf = np.where(aid, np.round((selfpay_scope - hifmi - cvlserv) * 0.5).astype(np.int64), 0)
    zero = np.zeros(n, dtype=np.int64)
    fund = hifp + cvlserv + hifmi + hifob + maf
    psn_part = medfee - fund
    has_acct = emp_row
    acct_share = np.select([is_pharmacy, is_in], [1.0, 0.0], rng.uniform(0.5, 1.0, n))
    acct = np.where(has_acct, np.round(psn_part * acct_share).astype(np.int64), 0)
    acct = np.where(has_acct & is_in, np.minimum(psn_part, rng.integers(0, 80000, n)), acct)

    order = np.lexsort((person, seconds))
    setl = dict(
        person=person,
        span=span,
        insutype=insutype,
        psn_type=enr["psn_type"][span],
        med_type=med_type,
        setl_time=seconds,
        inst=inst_idx,
        hosp_lv=np.where(away, "02", inst["hosp_lv"][inst_idx]),
        insu_admdvs=county,
        mdtrtarea_admvs=np.where(away, away_area, inst["county"][inst_idx]),
        away=away,
        away_code=away_code,
        dise_codg=dise,
        medfee_sumamt=medfee,
        fulamt_ownpay_amt=ful,
        overlmt_selfpay=zero,
        preselfpay_amt=pre,
        inscp_scp_amt=inscp,
        act_pay_dedc=dedc,
        hifp_pay=hifp,
        pool_prop_selfpay=np.round((1 - ratio) * 1e6).astype(np.int64),
        cvlserv_pay=cvlserv,
        hifes_pay=zero,
        hifmi_pay=hifmi,
        hifob_pay=hifob,
        maf_pay=maf,
        oth_pay=zero,
        fund_pay_sumamt=fund,
        psn_part_amt=psn_part,
        acct_pay=acct,
        psn_cash_pay=psn_part - acct,
        hosp_part_amt=zero,
        refd_setl_flag=np.full(n, "0"),
        init_setl_id=np.full(n, -1, dtype=np.int64),
        clr_type=clr,
        vali_flag=np.full(n, "1"),
        reaches_cap=reaches_cap,
        person_year=person_year,
        annual_cap=cap,
    )
    setl = {k: v[order] for k, v in setl.items()}
    setl["id"] = np.arange(1, n + 1, dtype=np.int64)
    setl["updt_time"] = setl["setl_time"] + rng.integers(60, 7200, n)
    return setl


MONEY = (
    "medfee_sumamt fulamt_ownpay_amt overlmt_selfpay preselfpay_amt inscp_scp_amt act_pay_dedc hifp_pay "
    "cvlserv_pay hifes_pay hifmi_pay hifob_pay maf_pay oth_pay fund_pay_sumamt psn_part_amt acct_pay "
    "psn_cash_pay hosp_part_amt"
).split()


def take(table: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in table.items()}


def concat(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([a[k], b[k]]) for k in a}


def add_reversals(
    rng: np.random.Generator, setl: dict[str, np.ndarray], tl: Timeline, share: float = 0.012
) -> dict[str, np.ndarray]:
    """Reverse about `share` of settlements: negated amounts, pointing at the original, days later."""
    n = len(setl["id"])
    chosen = np.flatnonzero((rng.random(n) < share) & ~setl["reaches_cap"])
    rev = take(setl, chosen)
    rev["setl_time"] = rev["setl_time"] + rng.integers(0, 20, len(chosen)) * 86400 + rng.integers(60, 3600, len(chosen))
    keep = rev["setl_time"] < (tl.horizon_end + 1) * 86400
    rev = take(rev, np.flatnonzero(keep))
    for m in MONEY:
        rev[m] = -rev[m]
    rev["refd_setl_flag"] = np.full(len(rev["id"]), "1")
    rev["init_setl_id"] = rev["id"]
    rev["id"] = n + 1 + np.arange(len(rev["id"]), dtype=np.int64)
    rev["updt_time"] = rev["setl_time"] + 120
    return concat(setl, rev)


def add_void_rows(rng: np.random.Generator, setl: dict[str, np.ndarray], share: float = 0.001) -> dict[str, np.ndarray]:
    """Void copies (vali_flag 0) of a few settlements: they must count nowhere."""
    originals = np.flatnonzero(setl["refd_setl_flag"] == "0")
    chosen = originals[rng.random(len(originals)) < share]
    void = take(setl, chosen)
    void["vali_flag"] = np.full(len(chosen), "0")
    void["id"] = setl["id"].max() + 1 + np.arange(len(chosen), dtype=np.int64)
    return concat(setl, void)


def reversed_ids(setl: dict[str, np.ndarray]) -> np.ndarray:
    return setl["init_setl_id"][setl["refd_setl_flag"] == "1"]


__all__ = ["make_settlements", "add_reversals", "add_void_rows", "MONEY", "take", "concat", "NO_DAY"]
