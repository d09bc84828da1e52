"""Residents of the synthetic city: who they are, how they are enrolled, which cards they hold.

Every array is indexed by person (0..N-1). Nothing here loops per person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .. import certno
from .cities import City
from .timeline import NO_DAY, Timeline, yyyymmdd

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华红梅建国志文斌宇浩凯鹏欣怡晨雪宁博子轩琳雅鑫丹")
NATY = np.array(["01", "11", "10", "02"])  # 汉族, 满族, 朝鲜族, 蒙古族 (GB 3304)
NATY_P = np.array([0.93, 0.04, 0.02, 0.01])


@dataclass
class People:
    county: np.ndarray  # admdvs (int) of residence and of first enrollment
    birth: np.ndarray  # day number
    age: np.ndarray  # whole years at hist_start
    male: np.ndarray  # bool
    certno: np.ndarray  # str
    name: np.ndarray  # str
    naty: np.ndarray  # str
    enrolled: np.ndarray  # bool: ever in the platform
    employee: np.ndarray  # bool: first enrollment is 310
    first_start: np.ndarray  # day the first enrollment starts (NO_DAY if never enrolled)
    death: np.ndarray  # day of death or of moving away, or NO_DAY
    emigrated: np.ndarray  # bool: death is the day the person moved away (a shrinking county), not a death
    switch_day: np.ndarray  # day of a scheme or county transition, or NO_DAY
    switch_kind: np.ndarray  # 0 none, 1 resident -> employee, 2 move county
    switch_county: np.ndarray
    civil_servant: np.ndarray
    flexible: np.ndarray
    wage: np.ndarray  # monthly contribution base, yuan (employees)
    employer: np.ndarray  # employer number (employees)

    @property
    def n(self) -> int:
        return len(self.county)

    def rows(self, lo: int, hi: int) -> People:
        """Persons lo..hi-1, renumbered from 0: one chunk of the city."""
        return People(**{f.name: getattr(self, f.name)[lo:hi] for f in fields(self)})


def make_people(rng: np.random.Generator, n: int, tl: Timeline, city: City) -> People:
    codes = city.counties
    county_index = rng.choice(len(codes), size=n, p=city.shares)
    county = codes[county_index]
    band = rng.choice(3, size=n, p=[0.15, 0.60, 0.25])
    age = np.select(
        [band == 0, band == 1],
        [rng.integers(0, 18, n), rng.integers(18, 60, n)],
        np.minimum(60 + rng.exponential(11.0, n).astype(np.int64), 99),
    )
    birth = tl.hist_start - (age * 365.25).astype(np.int64) - rng.integers(1, 365, n)
    age = ((tl.hist_start - birth) / 365.25).astype(np.int64)
    male = rng.random(n) < 0.5

    # Sequence digits: unique within (address, birth date, gender); odd 17th digit = male.
    order = np.lexsort((male, birth, county))
    key = np.stack([county[order], birth[order], male[order]], axis=1)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = np.any(key[1:] != key[:-1], axis=1)
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start
    group_offset = np.empty(n, dtype=np.int64)  # one random start per group keeps numbers unique
    group_offset[order] = rng.integers(0, 40, n)[group_start]
    seq = 2 * (rank + group_offset) + male.astype(np.int64)
    if seq.max() >= 900:  # 900-999 stay free for injected defects
        raise ValueError("too many persons per county and birth date for unique ID numbers")
    cert = certno.build(county, yyyymmdd(birth), seq)

    name = np.char.add(
        np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)], np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    )
    two = rng.random(n) < 0.7
    name = np.where(two, np.char.add(name, np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]), name)
    naty = NATY[rng.choice(len(NATY), size=n, p=NATY_P)]

    # Enrollment: a county's share never enrols (its profile: 0.6 % to 6.1 %), 1.2 % enrol during the history,
    # the rest before it.
    u = rng.random(n)
    never = city.profile("never_enrolled")[county_index]
    enrolled = u >= never
    late = enrolled & (u < never + 0.012)
    span = tl.horizon_end - tl.hist_start
    first_start = np.where(
        late,
        tl.hist_start + 1 + (rng.random(n) * span).astype(np.int64),
        np.maximum(birth, tl.hist_start - rng.integers(30, 3650, n)),
    )
    first_start = np.where(enrolled, first_start, NO_DAY)
    # An old industrial city: many retirees in the employee scheme, about 1.5 working members per retiree.
    employee = enrolled & (age >= 18) & (rng.random(n) < np.where(age >= 60, 0.42, 0.25))

    # Deaths over the horizon, by age.
    years = span / 365.25
    mortality = np.select([age >= 75, age >= 60], [0.04, 0.012], 0.001) * years
    dies = enrolled & ~late & (rng.random(n) < mortality)
    # Moving away (a shrinking county): the county's yearly leave rate over the horizon.
    leaves = enrolled & ~late & ~dies & (rng.random(n) < city.profile("leave_rate")[county_index] * years)
    death = np.where(dies | leaves, tl.hist_start + 1 + (rng.random(n) * span).astype(np.int64), NO_DAY)

    # Transitions: residents of working age who find a job, and moves to another county.
    r = rng.random(n)
    can_switch = enrolled & ~late & ~dies & ~leaves
    to_job = can_switch & ~employee & (age >= 18) & (age < 55) & (r < 0.02)
    moves = can_switch & ~to_job & (r > 0.99)
    switch_kind = np.select([to_job, moves], [1, 2], 0)
    switch_day = np.where(switch_kind > 0, tl.hist_start + 1 + (rng.random(n) * (span - 1)).astype(np.int64), NO_DAY)
    shift = rng.integers(1, len(codes), n)
    switch_county = codes[(np.searchsorted(codes, county) + np.where(moves, shift, 0)) % len(codes)]

    becomes_employee = employee | to_job
    civil_servant = becomes_employee & (rng.random(n) < 0.08)
    flexible = becomes_employee & ~civil_servant & (rng.random(n) < 0.15)
    wage = np.round(np.clip(rng.lognormal(np.log(5000), 0.35, n), 3000, 30000))
    employer = rng.integers(1, max(n // 40, 2), n)
    return People(
        county,
        birth,
        age,
        male,
        cert,
        name,
        naty,
        enrolled,
        employee,
        first_start,
        death,
        leaves,
        switch_day,
        switch_kind,
        switch_county,
        civil_servant,
        flexible,
        wage,
        employer,
    )


def resident_psn_type(age: np.ndarray) -> np.ndarray:
    return np.select([age < 18, age < 60], ["1403", "15"], "16")


def employee_psn_type(age: np.ndarray) -> np.ndarray:
    return np.where(age >= 60, "12", "11")


def make_enrollment(rng: np.random.Generator, p: People, tl: Timeline) -> dict[str, np.ndarray]:
    """psn_insu rows: a first span per enrolled person, a second span after a transition,
    and a few status-3 (invalid) rows that must never count."""
    who = np.flatnonzero(p.enrolled)
    end1 = np.minimum(p.death[who], p.switch_day[who])
    first = dict(
        person=who,
        insutype=np.where(p.employee[who], "310", "390"),
        county=p.county[who],
        start=p.first_start[who],
        end=end1,
    )

    sw = np.flatnonzero(p.switch_kind > 0)
    second = dict(
        person=sw,
        insutype=np.where((p.switch_kind[sw] == 1) | p.employee[sw], "310", "390"),
        county=np.where(p.switch_kind[sw] == 2, p.switch_county[sw], p.county[sw]),
        start=p.switch_day[sw],
        end=np.full(len(sw), NO_DAY),
    )

    bad = who[rng.random(len(who)) < 0.003]
    invalid = dict(
        person=bad,
        insutype=np.where(p.employee[bad], "310", "390"),
        county=np.roll(p.county[bad], 1),
        start=np.maximum(p.first_start[bad], tl.hist_start + 10),
        end=np.full(len(bad), NO_DAY),
    )

    rows = {k: np.concatenate([first[k], second[k], invalid[k]]) for k in first}
    status = np.where(rows["end"] == NO_DAY, "1", "4")
    status[len(who) + len(sw) :] = "3"
    rows["status"] = status
    # The person type as of the later of the row's start and the history start (the full load's view), so
    # a member who has reached 60 by then is delivered as retired.
    age_at_start = ((np.maximum(rows["start"], tl.hist_start) - p.birth[rows["person"]]) / 365.25).astype(np.int64)
    rows["psn_type"] = np.where(
        rows["insutype"] == "310", employee_psn_type(age_at_start), resident_psn_type(age_at_start)
    )
    order = np.lexsort((rows["person"], rows["start"]))
    rows = {k: v[order] for k, v in rows.items()}
    rows["id"] = np.arange(1, len(order) + 1, dtype=np.int64)
    return rows


def covering(enr: dict[str, np.ndarray], day: int) -> np.ndarray:
    """Boolean per enrollment row: does it cover `day` (DESIGN §4 active enrollment)?"""
    return (enr["status"] != "3") & (enr["start"] <= day) & (day < enr["end"])


def make_cards(rng: np.random.Generator, p: People, tl: Timeline) -> dict[str, np.ndarray]:
    """One active social-security card each, an e-voucher for 55 %, an older cancelled card for 3 %."""
    who = np.flatnonzero(p.enrolled)
    issue = p.first_start[who]
    voucher = who[rng.random(len(who)) < 0.55]
    old = who[rng.random(len(who)) < 0.03]
    person = np.concatenate([who, voucher, old])
    card_type = np.concatenate([np.full(len(who), "1"), np.full(len(voucher), "2"), np.full(len(old), "1")])
    card_stas = np.concatenate([np.full(len(who) + len(voucher), "1"), np.full(len(old), "3")])
    voucher_issue = np.minimum(p.first_start[voucher] + rng.integers(0, 400, len(voucher)), tl.horizon_end)
    issue_day = np.concatenate([issue, voucher_issue, p.first_start[old] - rng.integers(400, 3000, len(old))])
    order = np.lexsort((card_type, person))
    cards = dict(person=person[order], card_type=card_type[order], card_stas=card_stas[order], issue=issue_day[order])
    cards["id"] = rng.permutation(len(order)).astype(np.int64) + 1
    return cards
