"""Contribution lines (征缴明细): yearly resident payments, monthly employee payments, reversals."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np

from ..paths import seed_path
from .people import People
from .timeline import Timeline, day_of, month_index, month_start


def load_standards() -> dict[int, dict[str, float]]:
    with open(seed_path("contribution_standard"), encoding="utf-8") as f:
        return {int(r["year"]): {k: float(v) for k, v in r.items() if k != "year"} for r in csv.DictReader(f)}


# The share of residents (not on a key-group roster, whose premium medical aid pays) who enrol and never pay: they
# stay enrolled, count as 参保未缴费 and not as insured, and make no claims (DESIGN §5 plausibility).
NEVER_PAY = 0.015


def choose_unpaid(rng: np.random.Generator, p: People, key_group: np.ndarray) -> np.ndarray:
    """Persons who, as residents, never pay their premium."""
    return ~key_group & (rng.random(p.n) < NEVER_PAY)


def _resident(rng, p: People, enr, tl: Timeline, key_group, std, unpaid) -> dict[str, np.ndarray]:
    """One premium a year per resident enrollment that lives into the year. A person enrolled before the year pays in
    the collection window of the year before, September to December (集中征缴期); one who enrols during the year pays
    on enrolling. What was collected before the history began arrives in its first two weeks, so the first month is
    paid up, and the first year's income holds that year's premiums and the next's."""
    rows = np.flatnonzero((enr["insutype"] == "390") & (enr["status"] != "3") & ~unpaid[enr["person"]])
    parts = {k: [] for k in ("row", "year", "arvl")}
    for year in [*tl.years(), tl.years()[-1] + 1]:
        jan1 = day_of(dt.date(year, 1, 1))
        dec31 = day_of(dt.date(year, 12, 31))
        window = day_of(dt.date(year - 1, 9, 1))
        start, end = enr["start"][rows], enr["end"][rows]
        live = (start <= dec31) & (end > jan1)
        r = rows[live]
        s = enr["start"][r]
        before = window + rng.integers(0, 122, len(r))
        arvl = np.where(s <= jan1, np.maximum(before, s), s + rng.integers(0, 10, len(r)))
        # collected before the history began: delivered as arriving in its first two weeks
        arvl = np.where(arvl < tl.hist_start, tl.hist_start + rng.integers(0, 14, len(r)), arvl)
        arvl = np.minimum(arvl, enr["end"][r] - 1)
        ok = (arvl >= tl.hist_start) & (arvl <= tl.horizon_end)
        parts["row"].append(r[ok])
        parts["year"].append(np.full(ok.sum(), year))
        parts["arvl"].append(arvl[ok])
    row = np.concatenate(parts["row"])
    year = np.concatenate(parts["year"])
    person = enr["person"][row]
    amount = _lookup(std, year, "resident_individual")
    cents = np.round(amount * 100).astype(np.int64)
    n = len(row)
    return dict(
        person=person,
        emp=np.full(n, -1, dtype=np.int64),
        insutype=np.full(n, "390"),
        county=enr["county"][row],
        accrual_ym=year * 100 + 1,
        clct_type=np.where(key_group[person], "40", "20"),
        base=cents,
        rate=np.full(n, 1_000_000),
        amt=cents,
        acct=np.zeros(n, dtype=np.int64),
        arvl=np.concatenate(parts["arvl"]),
    )


def _lookup(std, years: np.ndarray, field: str) -> np.ndarray:
    table = {y: v[field] for y, v in std.items()}
    uniq = np.unique(years)
    values = np.array([table.get(int(y), table[max(table)]) for y in uniq])  # a handful of years
    return values[np.searchsorted(uniq, years)]


def _employee(rng, p: People, enr, tl: Timeline, std) -> dict[str, np.ndarray]:
    rows = np.flatnonzero((enr["insutype"] == "310") & (enr["status"] != "3") & (enr["psn_type"] == "11"))
    first_m = month_index(np.maximum(enr["start"][rows], tl.hist_start))
    last_day = np.minimum(enr["end"][rows] - 1, tl.horizon_end)
    last_m = month_index(last_day)
    months = np.maximum(last_m - first_m + 1, 0)
    row = np.repeat(rows, months)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(months) - months, months)
    month = np.repeat(first_m, months) + offset
    arvl = month_start(month) + 14 + rng.integers(0, 10, len(row))
    ok = (arvl <= tl.horizon_end) & (arvl < enr["end"][row])
    row, month, arvl = row[ok], month[ok], arvl[ok]
    person = enr["person"][row]
    year = month // 12 + 1970
    base = np.round(p.wage[person] * 100).astype(np.int64)
    lines = []
    for ctype, ins, field in (
        ("10", "310", "employer_rate"),
        ("10", "510", "maternity_rate"),
        ("20", "310", "employee_rate"),
    ):
        rate = _lookup(std, year, field)
        amt = np.round(base * rate).astype(np.int64)
        n = len(row)
        lines.append(
            dict(
                person=person,
                emp=p.employer[person],
                insutype=np.full(n, ins),
                county=enr["county"][row],
                accrual_ym=year * 100 + month % 12 + 1,
                clct_type=np.full(n, ctype),
                base=base,
                rate=np.round(rate * 1e6).astype(np.int64),
                amt=amt,
                acct=amt if ctype == "20" else np.zeros(n, dtype=np.int64),
                arvl=arvl,
            )
        )
    return {k: np.concatenate([ln[k] for ln in lines]) for k in lines[0]}


def make_contributions(
    rng: np.random.Generator, p: People, enr, tl: Timeline, key_group: np.ndarray, unpaid: np.ndarray
) -> dict[str, np.ndarray]:
    std = load_standards()
    res = _resident(rng, p, enr, tl, key_group, std, unpaid)
    emp = _employee(rng, p, enr, tl, std)
    c = {k: np.concatenate([res[k], emp[k]]) for k in res}
    order = np.lexsort((c["county"], c["insutype"], c["person"], c["arvl"]))
    c = {k: v[order] for k, v in c.items()}
    n = len(order)
    c["revs_flag"] = np.full(n, "0")
    # A line's id is its collection's id and its kind (10, 20 or 40): rid * 100 + kind. The lines of one collection
    # (an employee's employer and personal parts of a month) share the rid, as the back-end detail tables hold them on
    # one row whose RID the lines' ids begin with (yibao/synth/backend.py, typed_load.DETAIL_LINES).
    same = (
        (c["person"][1:] == c["person"][:-1])
        & (c["insutype"][1:] == c["insutype"][:-1])
        & (c["arvl"][1:] == c["arvl"][:-1])
        & (c["accrual_ym"][1:] == c["accrual_ym"][:-1])
        & (c["county"][1:] == c["county"][:-1])  # a duplicate enrollment in another county pays its own lines
        & (c["emp"][1:] == c["emp"][:-1])
    )
    rid = np.concatenate([[1], 1 + np.cumsum(~same)]).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    c["id"] = rid * 100 + c["clct_type"].astype(np.int64)
    c["updt_time"] = (c["arvl"] * 86400 + 10 * 3600 + rng.integers(0, 8 * 3600, n))[np.searchsorted(rid, rid)]

    # A few contributions are reversed (refunds, corrections): negated amounts, arriving later.
    chosen = np.flatnonzero(rng.random(n) < 0.003)
    rev = {k: v[chosen] for k, v in c.items()}
    rev["arvl"] = rev["arvl"] + rng.integers(1, 40, len(chosen))
    keep = rev["arvl"] <= tl.horizon_end
    rev = {k: v[keep] for k, v in rev.items()}
    for m in ("amt", "acct"):
        rev[m] = -rev[m]
    rev["revs_flag"] = np.full(len(rev["id"]), "1")
    last = int(c["id"].max() // 100) if n else 0
    rev["id"] = (last + 1 + np.arange(len(rev["id"]), dtype=np.int64)) * 100 + rev["clct_type"].astype(np.int64)
    rev["updt_time"] = rev["arvl"] * 86400 + 11 * 3600
    return {k: np.concatenate([c[k], rev[k]]) for k in c}
