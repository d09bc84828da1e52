"""The key-group roster (重点人群名册) sent by civil affairs, rural revitalisation, disability and veterans' offices."""

from __future__ import annotations

import numpy as np

from .people import People
from .timeline import NO_DAY, Timeline

RESIDENT_TYPES = np.array(["2101", "2102", "2201", "2401"])
RESIDENT_P = np.array([0.45, 0.10, 0.35, 0.10])
DEPT = {
    "2101": "民政局",
    "2102": "民政局",
    "2201": "乡村振兴局",
    "2301": "民政局",
    "2401": "残联",
    "2501": "退役军人事务局",
}


def choose_key_group(rng: np.random.Generator, p: People, tl: Timeline) -> np.ndarray:
    """Who is on the roster: steadily enrolled persons, so that clean data has no 漏保."""
    steady = p.enrolled & (p.first_start <= tl.hist_start) & (p.death == NO_DAY) & (p.switch_kind == 0)
    u = rng.random(p.n)
    return steady & np.where(p.employee, u < 0.01, u < 0.06)


def make_roster(rng: np.random.Generator, p: People, key_group: np.ndarray, tl: Timeline) -> dict[str, np.ndarray]:
    members = np.flatnonzero(key_group)
    idet = np.where(
        p.employee[members],
        "2501",
        np.where(
            p.age[members] < 16,
            "2301",
            RESIDENT_TYPES[rng.choice(len(RESIDENT_TYPES), size=len(members), p=RESIDENT_P)],
        ),
    )
    begin = tl.hist_start - rng.integers(0, 1000, len(members))
    # Lines that ended before the as-of date, for persons never enrolled: valid data, not 漏保.
    never = np.flatnonzero(~p.enrolled)
    past = never[rng.random(len(never)) < 0.1]
    past_end = tl.full_date - rng.integers(30, 300, len(past))
    person = np.concatenate([members, past])
    rows = dict(
        person=person,
        idet=np.concatenate([idet, np.full(len(past), "2201")]),
        begin=np.concatenate([begin, past_end - rng.integers(100, 700, len(past))]),
        end=np.concatenate([np.full(len(members), NO_DAY), past_end]),
    )
    order = np.argsort(person, kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    rows["id"] = np.arange(1, len(order) + 1, dtype=np.int64)
    return rows
