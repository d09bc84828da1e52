"""Fund transactions (财政专户收支), population statistics and annual fund plans.

Sized from the generated settlements and contributions, so that each county's
sub-accounts run at a plausible number of months of payment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .cities import City
from .contributions import _lookup, load_standards
from .people import People
from .timeline import Timeline, date_of, day_of, month_index

FUNDS = np.array(["310100", "310200", "320100", "330100", "390100", "390200", "510100", "610100"])
POOLED_BY_INSUTYPE = {"310": "310100", "390": "390100", "510": "510100"}
SUBSIDY_LEVELS = (("11", 0.50), ("12", 0.25), ("13", 0.15), ("14", 0.10))
LEVELS = ("central", "provincial", "city", "county")  # the plan's subsidy by level, in SUBSIDY_LEVELS order


def _fund_index(code: str) -> int:
    return int(np.searchsorted(FUNDS, code))


def settlement_spend(setl, tl: Timeline, counties: np.ndarray) -> np.ndarray:
    """Cents spent per [county, fund] over the history, from the DESIGN §4 fund mapping."""
    grid = np.zeros((len(counties), len(FUNDS)), dtype=np.int64)
    ci = np.searchsorted(counties, setl["insu_admdvs"])
    valid = setl["vali_flag"] == "1"
    pooled = np.array([_fund_index(POOLED_BY_INSUTYPE[i]) for i in ("310", "390", "510")])
    by_ins = pooled[np.searchsorted(np.array(["310", "390", "510"]), setl["insutype"])]
    np.add.at(grid, (ci[valid], by_ins[valid]), setl["hifp_pay"][valid])
    for col, fund in (
        ("hifob_pay", "330100"),
        ("cvlserv_pay", "320100"),
        ("hifmi_pay", "390200"),
        ("maf_pay", "610100"),
        ("acct_pay", "310200"),
    ):
        np.add.at(grid, (ci[valid], _fund_index(fund)), setl[col][valid])
    return grid


def maternity_income(clct, counties: np.ndarray) -> np.ndarray:
    """Cents of maternity (510) contributions per county over the history."""
    m = clct["insutype"] == "510"
    return np.bincount(np.searchsorted(counties, clct["county"][m]), weights=clct["amt"][m], minlength=len(counties))


def complete_years(tl: Timeline) -> list[int]:
    """Years the deliveries cover whole: from 1 January (on or after the history start) to 31 December
    (on or before the as-of date). Only these are settled (DESIGN §4 Periods)."""
    return [
        y
        for y in tl.years()
        if day_of(dt.date(y, 1, 1)) >= tl.hist_start and day_of(dt.date(y, 12, 31)) <= tl.horizon_end
    ]


def reference_days(tl: Timeline) -> dict[int, int]:
    """The day each year's population and plan refer to: 1 January, or the history start."""
    return {y: max(day_of(dt.date(y, 1, 1)), tl.hist_start) for y in tl.years()}


@dataclass
class FundInputs:
    """What the county-level fund series need from the person-level tables, summed over chunks."""

    spend: np.ndarray  # cents per [county, fund] over the history
    maternity: np.ndarray  # cents of maternity contributions per county
    residents: dict  # year -> insured residents per county on the reference day
    wages: dict  # year -> monthly wage base of working employees per county
    retirees: dict  # year -> insured retired employees per county on the reference day

    @classmethod
    def of(cls, setl, enr, clct, p: People, tl: Timeline, counties: np.ndarray) -> FundInputs:
        ci = np.searchsorted(counties, enr["county"])
        residents, wages, retirees = {}, {}, {}
        for year, ref in reference_days(tl).items():
            live = (enr["status"] != "3") & (enr["start"] <= ref) & (ref < enr["end"])
            residents[year] = np.bincount(ci[live & (enr["insutype"] == "390")], minlength=len(counties))
            working = live & (enr["insutype"] == "310") & (enr["psn_type"] == "11")
            wages[year] = np.bincount(ci[working], weights=p.wage[enr["person"][working]], minlength=len(counties))
            retired = live & (enr["insutype"] == "310") & (enr["psn_type"] == "12")
            retirees[year] = np.bincount(ci[retired], minlength=len(counties))
        spend = settlement_spend(setl, tl, counties)
        return cls(spend, maternity_income(clct, counties), residents, wages, retirees)

    def __add__(self, other: FundInputs) -> FundInputs:
        return FundInputs(
            self.spend + other.spend,
            self.maternity + other.maternity,
            {y: v + other.residents[y] for y, v in self.residents.items()},
            {y: v + other.wages[y] for y, v in self.wages.items()},
            {y: v + other.retirees[y] for y, v in self.retirees.items()},
        )


def _months(tl: Timeline) -> int:
    return month_index(np.array([tl.horizon_end]))[0] - month_index(np.array([tl.hist_start]))[0] + 1


def make_fund_txn(rng: np.random.Generator, inputs: FundInputs, tl: Timeline, city: City) -> dict[str, np.ndarray]:
    counties = city.counties
    months = _months(tl)
    monthly = inputs.spend / months  # cents per month per [county, fund]
    maternity_monthly = inputs.maternity / months
    rows = {k: [] for k in ("county", "fund", "txn_type", "amount", "day", "memo")}

    def add(county, fund, txn_type, cents, day, memo):
        if day < tl.hist_start or day > tl.horizon_end or cents == 0:
            return
        rows["county"].append(int(county))
        rows["fund"].append(fund)
        rows["txn_type"].append(txn_type)
        rows["amount"].append(int(cents))
        rows["day"].append(int(day))
        rows["memo"].append(memo)

    # Per county x fund: a fixed, small set of transactions, so a plain loop is over tens of items.
    # The pooled funds' reserves follow the county profile: a county with a thin reserve runs into deficit.
    months_reserve = rng.uniform(5, 13, size=(len(counties), len(FUNDS)))
    months_reserve[:, _fund_index("390100")] = city.profile("reserve_resident")
    months_reserve[:, _fund_index("310100")] = city.profile("reserve_employee")
    # A county that did not pay in its own subsidy in full (未按规定出资到位) in the last complete year.
    years_complete = complete_years(tl)
    arrears_year = years_complete[-1] if years_complete else None
    county_paid = city.profile("county_subsidy_paid")
    opening = np.maximum(np.round(monthly * months_reserve, -2), 1_000_000).astype(np.int64)
    # The accounting units (分账核算): adjustments and top-ups are between the city and its units.
    units, unit_of = np.unique(city.units, return_inverse=True)
    unit_monthly = np.bincount(unit_of, weights=monthly[:, _fund_index("390100")], minlength=len(units))
    thin = np.unique(unit_of[months_reserve[:, _fund_index("390100")] < 2])
    credit = load_standards()
    for ci, county in enumerate(counties):
        for fi, fund in enumerate(FUNDS):
            add(county, fund, "01", opening[ci, fi], tl.hist_start, "县级基金结余上划市级财政专户")

    std = load_standards()
    for year in reference_days(tl):
        per_county = inputs.residents[year]
        subsidy = _lookup(std, np.array([year]), "resident_fiscal_subsidy")[0]
        for ci, county in enumerate(counties):
            total = per_county[ci] * subsidy * 100
            for month in (2, 5, 8, 11):
                for code, share in SUBSIDY_LEVELS:
                    paid = county_paid[ci] if code == "14" and year == arrears_year else 1.0
                    add(
                        county,
                        "390100",
                        code,
                        round(total * share * paid / 4),
                        day_of(dt.date(year, month, 15)),
                        f"{year}年城乡居民医保财政补助",
                    )
            for month in (1, 4, 7, 10):
                day = day_of(dt.date(year, month, 10))
                q = rng.uniform(1.0, 1.1, len(FUNDS)) * 3
                add(
                    county,
                    "320100",
                    "13",
                    round(monthly[ci, _fund_index("320100")] * q[0], -2),
                    day,
                    "公务员医疗补助财政拨款",
                )
                add(
                    county,
                    "330100",
                    "51",
                    round(monthly[ci, _fund_index("330100")] * q[1], -2),
                    day,
                    "职工大额医疗费用补助收入",
                )
                transfer = round(monthly[ci, _fund_index("390200")] * q[2], -2)
                add(county, "390200", "51", transfer, day, "大病保险筹资划转")
                add(county, "390100", "54", -transfer, day, "大病保险筹资划转")
                aid = round(monthly[ci, _fund_index("610100")] * q[3], -2)
                add(county, "610100", "13", round(aid / 2), day, "医疗救助财政补助")
                add(county, "610100", "14", aid - round(aid / 2), day, "医疗救助财政补助")
            per_retiree = _lookup(credit, np.array([year]), "retiree_acct_credit_monthly")[0]
            for month in range(1, 13):
                # retirees' personal-account credit (个人账户划入) leaves the employee pooled fund each month
                moved = round(inputs.retirees[year][ci] * per_retiree * 100)
                day = day_of(dt.date(year, month, 5))
                add(county, "310100", "61", -moved, day, "退休人员个人账户划出")
                add(county, "310200", "62", moved, day, "退休人员个人账户划入")
                # maternity allowance (生育津贴), booked to 310100 where the city merged maternity (the warehouse's rule)
                add(
                    county,
                    "510100",
                    "53",
                    -round(maternity_monthly[ci] * rng.uniform(0.7, 0.9), -2),
                    day_of(dt.date(year, month, 25)),
                    "生育津贴支出",
                )
            for month in (3, 6, 9, 12):
                for fi, fund in enumerate(FUNDS):
                    add(
                        county,
                        fund,
                        "21",
                        round(opening[ci, fi] * 0.0035),
                        day_of(dt.date(year, month, 21)),
                        "专户存款利息",
                    )
        # City adjustment of the resident fund between accounting units: two receive, the others pay, summing to zero.
        receivers = rng.choice(len(units), size=min(2, len(units) - 1), replace=False)
        amounts = [round(unit_monthly[r] * 0.5, -2) for r in receivers]
        payers = [u for u in range(len(units)) if u not in receivers]
        total = sum(amounts)
        shares = [round(total / len(payers), -2)] * (len(payers) - 1)
        shares.append(total - sum(shares))
        dec20 = day_of(dt.date(year, 12, 20))
        for r, amt in zip(receivers, amounts):
            add(units[r], "390100", "31", amt, dec20, "市级调剂金调入")
        for u, amt in zip(payers, shares):
            add(units[u], "390100", "32", -amt, dec20, "市级调剂金调出")
        # The governments of the units with a thin reserve top up last year's resident-fund deficit, by an amount
        # of their own (not computed from what they owe).
        if year > date_of(tl.hist_start).year:
            for u in thin:
                add(
                    units[u],
                    "390100",
                    "41",
                    round(unit_monthly[u] * 0.8, -2),
                    day_of(dt.date(year, 3, 31)),
                    f"{year - 1}年度政府补亏",
                )

    out = {k: np.array(v) for k, v in rows.items()}
    order = np.lexsort((out["txn_type"], out["fund"], out["county"], out["day"]))
    out = {k: v[order] for k, v in out.items()}
    out["id"] = np.arange(1, len(order) + 1, dtype=np.int64)
    return out


def make_pop_stat(rng: np.random.Generator, p: People, tl: Timeline, city: City) -> dict[str, np.ndarray]:
    """户籍 population: every person alive on the reference day, by 户籍 county, enrolled or not. 常住 population: the
    same scaled per county, a district drawing in-migrants (0.99-1.04 of its 户籍 population) and a county losing
    people to work and study elsewhere (0.95-0.99), as a northeastern city's statistics read (illustrative)."""
    counties = city.counties
    district = city.kinds == "district"
    factor = np.where(district, rng.uniform(0.99, 1.04, len(counties)), rng.uniform(0.95, 0.99, len(counties)))
    rows = {k: [] for k in ("county", "year", "hsreg", "resident")}
    for year, ref in reference_days(tl).items():
        alive = (p.birth <= ref) & (p.death > ref)
        counts = np.bincount(np.searchsorted(counties, p.county[alive]), minlength=len(counties))
        rows["county"].append(counties)
        rows["year"].append(np.full(len(counties), year))
        rows["hsreg"].append(counts)
        rows["resident"].append(np.round(counts * factor * rng.uniform(0.998, 1.002, len(counts))).astype(np.int64))
    return {k: np.concatenate(v) for k, v in rows.items()}


def make_fund_plan(rng: np.random.Generator, inputs: FundInputs, tl: Timeline, city: City) -> dict[str, np.ndarray]:
    """The annual plan (DESIGN §2 fund_plan) per accounting unit: planned contribution income (征缴计划) and planned
    fiscal subsidy (财政补助计划, and the same by level) from the year's insured and the standards, scaled by the
    county's plan factor and a little noise, so some units meet their revenue plan and some miss it; planned
    expenditure from the spending. Where the city merged maternity into the employee scheme, the maternity plan is
    part of 310100's."""
    counties = city.counties
    units, unit_of = np.unique(city.units, return_inverse=True)
    std = load_standards()
    yearly_spend = inputs.spend / _months(tl) * 12
    factor = city.profile("plan_factor")
    keys = ("county", "fund", "year", "contribution", "subsidy", "expenditure", *(f"subsidy_{x}" for x in LEVELS))
    rows = {k: [] for k in keys}

    def per_unit(cents: np.ndarray) -> np.ndarray:
        return np.round(np.bincount(unit_of, weights=cents, minlength=len(units)), -4).astype(np.int64)

    for year in reference_days(tl):
        res, wages = inputs.residents[year], inputs.wages[year]
        y = np.array([year])
        none = np.zeros(len(counties))
        employer = wages * 12 * _lookup(std, y, "employer_rate")[0]
        maternity = wages * 12 * _lookup(std, y, "maternity_rate")[0]
        # resident premiums arrive in the year before the one they pay for (contributions._resident): the year's
        # cash is next year's premiums, and in the history's first year this year's too
        following = inputs.residents.get(year + 1, res) * _lookup(std, y + 1, "resident_individual")[0]
        if year == date_of(tl.hist_start).year:
            following = following + res * _lookup(std, y, "resident_individual")[0]
        expected = {
            "390100": (
                following,
                res * _lookup(std, y, "resident_fiscal_subsidy")[0],
                yearly_spend[:, _fund_index("390100")],
            ),
            "310100": (
                employer + maternity if city.maternity_merged else employer,
                none,
                yearly_spend[:, _fund_index("310100")]
                + (yearly_spend[:, _fund_index("510100")] if city.maternity_merged else 0),
            ),
        }
        if not city.maternity_merged:
            expected["510100"] = (maternity, none, yearly_spend[:, _fund_index("510100")])
        for fund, (contribution, subsidy, spend) in expected.items():
            f = factor * rng.uniform(0.995, 1.005, len(counties))
            rows["county"].append(units)
            rows["fund"].append(np.full(len(units), fund))
            rows["year"].append(np.full(len(units), year))
            rows["contribution"].append(per_unit(contribution * f * 100))
            # by level, exactly what make_fund_txn pays in four quarters when a level pays in full
            by_level = [
                np.bincount(unit_of, weights=4 * np.round(subsidy * share * 100 / 4), minlength=len(units)).astype(
                    np.int64
                )
                for _, share in SUBSIDY_LEVELS
            ]
            for level, cents in zip(LEVELS, by_level):
                rows[f"subsidy_{level}"].append(cents)
            rows["subsidy"].append(sum(by_level))
            rows["expenditure"].append(per_unit(spend * rng.uniform(0.97, 1.05, len(counties))))
    return {k: np.concatenate(v) for k, v in rows.items()}
