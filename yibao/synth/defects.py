"""Defect injection: each DESIGN §6 source rule broken at about rate R, with the ground truth.

Every defect is made on its own persons or settlements, so that one defect never
triggers another rule, and detection can be scored exactly against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import certno
from .ids import format_list
from .people import People, employee_psn_type, resident_psn_type
from .settlements import MONEY, concat, reversed_ids, take
from .timeline import NO_DAY, Timeline, month_index, month_start, yyyymmdd

RULES = (
    "dup_enrollment_cross_scheme",
    "dup_enrollment_cross_county",
    "one_person_one_number",
    "one_person_one_card",
    "certno_invalid",
    "setl_without_enrollment",
    "setl_arithmetic",
    "setl_unknown_medins",
    "setl_orphan_reversal",
    "setl_benefit_mismatch",
    "kpop_not_enrolled",
    "clct_unknown_person",
    "ledger_outside_pool",
    "plan_missing",
    "code_unmapped",
    "deceased_still_enrolled",
)
# plan_missing and the fund-transaction part of ledger_outside_pool are injected at city level (city_defects).


@dataclass
class World:
    """Every generated table, keyed by person index where a person is involved."""

    people: People
    psn: dict
    cards: dict
    enr: dict
    setl: dict
    clct: dict
    roster: dict
    inst: dict
    counties: np.ndarray  # the city's county codes
    number_base: int = 0  # keeps invented psn_no values of different chunks apart
    outside_codes: tuple = ()  # admdvs codes that are no county of a delivered pooling area
    truth: list = field(default_factory=list)
    numbers_made: int = 0

    def new_numbers(self, k: int) -> np.ndarray:
        """k psn_no values no real person has (above the city's own numbers)."""
        out = 9_000_000_000 + self.number_base + self.numbers_made + np.arange(k, dtype=np.int64)
        self.numbers_made += k
        return out

    def record(self, rule: str, kind: str, ids) -> None:
        self.truth.extend((rule, key) for key in format_list(kind, ids))


class Draws:
    """Who and what the defects are made on. persons() hands out persons no other defect touches (enrolled once,
    since before the history starts, alive, never switching scheme, on no key-group roster); settlements() hands
    out original settlements of the persons left over, each once. Each draws about rate R."""

    def __init__(self, rng: np.random.Generator, w: World, tl: Timeline, rate: float, key_group: np.ndarray):
        self.rng, self.w, self.tl, self.rate = rng, w, tl, rate
        p = w.people
        single_row = np.bincount(w.enr["person"], minlength=p.n) == 1
        pool = np.flatnonzero(
            p.enrolled
            & single_row
            & (p.first_start <= tl.hist_start)
            & (p.death == NO_DAY)
            & (p.switch_kind == 0)
            & ~key_group
        )
        self.pool = rng.permutation(pool)
        self.n_enrolled = int(p.enrolled.sum())
        self.taken = 0

    def persons(self) -> np.ndarray:
        k = self.rng.binomial(self.n_enrolled, self.rate)
        chosen = self.pool[self.taken : self.taken + k]
        self.taken += k
        return chosen

    def start_settlements(self) -> None:
        """Settlement defects go on the settlements of persons no person-level defect took."""
        p, s = self.w.people, self.w.setl
        in_rest = np.zeros(p.n, dtype=bool)
        in_rest[self.pool[self.taken :]] = True
        self.originals = np.flatnonzero((s["refd_setl_flag"] == "0") & (s["vali_flag"] == "1"))
        candidates = self.originals[
            in_rest[s["person"][self.originals]]
            & ~np.isin(s["id"][self.originals], reversed_ids(s))
            & ~np.isin(s["insutype"][self.originals], ["510"])
            & ~s["away"][self.originals]  # out-of-area care is judged by other rules (DESIGN §4)
        ]
        self.candidates = self.rng.permutation(candidates)
        self.free = np.ones(len(self.candidates), dtype=bool)
        # Settlements the benefit audit judges (original inpatient settlements of 310 and 390): other defects stay
        # off them, so that the audit's expected payment is never changed by a defect of another rule.
        self.audited = np.char.startswith(s["med_type"].astype(str), "2") & np.isin(s["insutype"], ["310", "390"])

    def settlements(self, allowed=None, domain: int | None = None) -> np.ndarray:
        """About rate R of all original settlements (or of `domain` settlements), from candidates no other defect
        used."""
        k = self.rng.binomial(len(self.originals) if domain is None else domain, self.rate)
        ok = self.free & (True if allowed is None else allowed(self.candidates))
        pos = np.flatnonzero(ok)[:k]
        self.free[pos] = False
        return self.candidates[pos]

    def not_audited(self, c: np.ndarray) -> np.ndarray:
        return ~self.audited[c]


def inject(rng: np.random.Generator, w: World, tl: Timeline, rate: float, key_group: np.ndarray) -> None:
    """Every source rule of DESIGN §6 broken at about rate R, one function per rule (as models/dq has one model
    per rule), in a fixed order: the same seed gives the same defects."""
    if rate <= 0:
        return
    d = Draws(rng, w, tl, rate, key_group)
    w.enr["alias"] = np.full(len(w.enr["person"]), -1, dtype=np.int64)
    w.cards["alias"] = np.full(len(w.cards["person"]), -1, dtype=np.int64)
    w.psn["extra_numbers"] = []
    dup_enrollment_cross_scheme(d)
    dup_enrollment_cross_county(d)
    one_person_one_number(d)
    one_person_one_card(d)
    certno_invalid(d)
    d.start_settlements()
    setl_without_enrollment(d)
    setl_arithmetic(d)
    setl_unknown_medins(d)
    inject_benefit_defects(rng, w, w.setl, d.audited, d.settlements, d.candidates, d.free, rate)
    ledger_outside_pool_settlements(d)
    setl_orphan_reversal(d)
    code_unmapped(d)
    kpop_not_enrolled(d)
    unknown = clct_unknown_person(d)
    ledger_outside_pool_contributions(d, unknown)
    deceased_still_enrolled(d)


def _active_cards(w: World, kind: str) -> np.ndarray:
    """Each person's active card of a kind (1 social-security card, 2 e-voucher), or -1."""
    ids = np.full(w.people.n, -1, dtype=np.int64)
    mask = (w.cards["card_stas"] == "1") & (w.cards["card_type"] == kind)
    ids[w.cards["person"][mask]] = w.cards["id"][mask]
    return ids


def _duplicate_enrollment(d: Draws, rule: str) -> None:
    """重复参保: an overlapping active enrollment in the other scheme, or in another county. Half of the cases are the
    commonest real one: the person holds a second psn_no (一人多号), enrolled under it, with a social-security card
    under it too, so the same person also breaks 一人一号 and 一人一卡."""
    rng, w, tl, p = d.rng, d.w, d.tl, d.w.people
    psn_no_of = w.psn["psn_no_of"]
    active_card = _active_cards(w, "1")
    enr_row = np.full(p.n, -1, dtype=np.int64)
    enr_row[w.enr["person"]] = np.arange(len(w.enr["person"]))
    who = d.persons()
    second = np.arange(len(who)) % 2 == 1
    aliases = np.where(second, w.new_numbers(len(who)), -1)
    row = enr_row[who]
    ins = w.enr["insutype"][row]
    cross_scheme = rule == "dup_enrollment_cross_scheme"
    new_ins = np.where(ins == "310", "390", "310") if cross_scheme else ins
    codes = w.counties
    shift = rng.integers(1, len(codes), len(who))
    county = w.enr["county"][row]
    new_county = county if cross_scheme else codes[(np.searchsorted(codes, county) + shift) % len(codes)]
    start = tl.hist_start + rng.integers(0, max(tl.full_date - tl.hist_start, 1), len(who))
    age = ((start - p.birth[who]) / 365.25).astype(np.int64)
    extra = dict(
        person=who,
        insutype=new_ins,
        county=new_county,
        start=start,
        end=np.full(len(who), NO_DAY),
        status=np.full(len(who), "1"),
        psn_type=np.where(new_ins == "310", employee_psn_type(age), resident_psn_type(age)),
        id=w.enr["id"].max() + 1 + np.arange(len(who), dtype=np.int64),
        alias=aliases,
    )
    w.enr = concat(w.enr, extra)
    w.record(rule, "psn_no", psn_no_of[who])  # the person's smallest psn_no: their own, not the new one
    two = who[second]
    w.psn["extra_numbers"].append((two, aliases[second]))
    w.record("one_person_one_number", "psn_no", np.concatenate([psn_no_of[two], aliases[second]]))
    card_ids = w.cards["id"].max() + 1 + np.arange(len(two), dtype=np.int64)
    w.cards = concat(
        w.cards,
        dict(
            person=two,
            card_type=np.full(len(two), "1"),
            card_stas=np.full(len(two), "1"),
            issue=extra["start"][second],
            id=card_ids,
            alias=aliases[second],
        ),
    )
    w.record("one_person_one_card", "card_no", np.concatenate([active_card[two], card_ids]))


def dup_enrollment_cross_scheme(d: Draws) -> None:
    _duplicate_enrollment(d, "dup_enrollment_cross_scheme")


def dup_enrollment_cross_county(d: Draws) -> None:
    _duplicate_enrollment(d, "dup_enrollment_cross_county")


def one_person_one_number(d: Draws) -> None:
    """一人一号: the same certno under a second psn_no."""
    w = d.w
    who = d.persons()
    new_no = w.new_numbers(len(who))
    w.psn["extra_numbers"].append((who, new_no))
    w.record("one_person_one_number", "psn_no", np.concatenate([w.psn["psn_no_of"][who], new_no]))


def one_person_one_card(d: Draws) -> None:
    """一人一卡: half get a second active social-security card (both cards are involved); for the other half, a
    person's e-voucher number is also delivered for someone without one (that card is involved)."""
    w, tl = d.w, d.tl
    who = d.persons()
    second, shared = who[: len(who) // 2], who[len(who) // 2 :]
    card_of = {kind: _active_cards(w, kind) for kind in ("1", "2")}
    new_ids = w.cards["id"].max() + 1 + np.arange(len(second), dtype=np.int64)
    receivers = shared[card_of["2"][shared] < 0]
    donors = shared[card_of["2"][shared] >= 0]
    k = min(len(receivers), len(donors))
    receivers, donated = receivers[:k], card_of["2"][donors[:k]]
    w.cards = concat(
        w.cards,
        dict(
            person=np.concatenate([second, receivers]),
            card_type=np.concatenate([np.full(len(second), "1"), np.full(k, "2")]),
            card_stas=np.full(len(second) + k, "1"),
            issue=tl.hist_start + d.rng.integers(0, max(tl.full_date - tl.hist_start, 1), len(second) + k),
            id=np.concatenate([new_ids, donated]),
            alias=np.full(len(second) + k, -1, dtype=np.int64),
        ),
    )
    w.record("one_person_one_card", "card_no", np.concatenate([card_of["1"][second], new_ids, donated]))


def certno_invalid(d: Draws) -> None:
    """Invalid ID numbers: wrong check character, 17 characters, wrong birth date, wrong gender digit."""
    w, p = d.w, d.w.people
    who = d.persons()
    cert = w.psn["certno"]
    variant = np.arange(len(who)) % 4
    spare = 900 + 2 * (np.arange(len(who)) % 45)
    male = p.male[who].astype(np.int64)
    wrong_birth = certno.build(p.county[who], yyyymmdd(p.birth[who] + 1), spare + male)
    wrong_gender = certno.build(p.county[who], yyyymmdd(p.birth[who]), spare + 1 - male)
    first17 = cert[who].astype("<U17")
    bad_check = np.char.add(first17, np.where(np.char.endswith(cert[who], "0"), "1", "0"))
    cert = cert.astype("<U18")
    cert[who] = np.select([variant == 0, variant == 1, variant == 2], [bad_check, first17, wrong_birth], wrong_gender)
    w.psn["certno"] = cert
    w.record("certno_invalid", "psn_no", w.psn["psn_no_of"][who])


def setl_without_enrollment(d: Draws) -> None:
    """无参保结算: the settlement claims the other scheme, in which the person was never enrolled."""
    s = d.w.setl
    rows = d.settlements(d.not_audited)
    s["insutype"][rows] = np.where(s["insutype"][rows] == "310", "390", "310")
    d.w.record("setl_without_enrollment", "setl_id", s["id"][rows])


def setl_arithmetic(d: Draws) -> None:
    """Arithmetic: one amount no longer adds up."""
    s = d.w.setl
    rows = d.settlements()
    delta = d.rng.integers(100, 10000, len(rows))
    which = np.arange(len(rows)) % 3
    for col, v in (("medfee_sumamt", 0), ("fund_pay_sumamt", 1), ("psn_cash_pay", 2)):
        s[col][rows[which == v]] += delta[which == v]
    d.w.record("setl_arithmetic", "setl_id", s["id"][rows])


def setl_unknown_medins(d: Draws) -> None:
    """Unknown institution: a code not in medins, or a clinic that had already closed."""
    w, s = d.w, d.w.setl
    closed = np.flatnonzero(w.inst["tier"] == "closed")
    rows = d.settlements(lambda c: s["setl_time"][c] // 86400 > w.inst["end"][closed].max())
    unknown = np.char.add("H230899", np.char.zfill((np.arange(len(rows)) + 1).astype(str), 5))
    s["fixmedins_code"][rows] = np.where(
        np.arange(len(rows)) % 2 == 0, unknown, w.inst["code"][closed[np.arange(len(rows)) % len(closed)]]
    )
    w.record("setl_unknown_medins", "setl_id", s["id"][rows])


def ledger_outside_pool_settlements(d: Draws) -> None:
    """Money outside the pooling area: a settlement booked to the city's own code or to a county of a city not
    delivered. Nothing else about it is wrong."""
    w, s = d.w, d.w.setl
    rows = d.settlements()
    if w.outside_codes:
        s["insu_admdvs"][rows] = np.array(w.outside_codes, dtype=np.int64)[np.arange(len(rows)) % len(w.outside_codes)]
        w.record("ledger_outside_pool", "setl_id", s["id"][rows])


def code_unmapped(d: Draws) -> None:
    """A code no map knows: an outpatient or pharmacy settlement with a medical type or clearing type the province's
    code map does not list. The row must still load, under other, with its money."""
    s = d.w.setl
    rows = d.settlements(d.not_audited)
    half = np.arange(len(rows)) % 2 == 0
    s["med_type"][rows[half]] = "9999"
    s["clr_type"][rows[~half]] = "9998"
    d.w.record("code_unmapped", "setl_id", s["id"][rows])


def setl_orphan_reversal(d: Draws) -> None:
    """Orphan reversal: a reversal whose original was never delivered, of a settlement that does not count toward
    the annual cap (person_year -1): a reversal of one that does would free cap room for the person-year's later
    settlements, and move the benefit audit's expected payments (and another rule's defects) with it."""
    w, s = d.w, d.w.setl
    rows = d.settlements(lambda c: s["person_year"][c] == -1)
    orphan = take(s, rows)
    for m in MONEY:
        orphan[m] = -orphan[m]
    orphan["refd_setl_flag"] = np.full(len(rows), "1")
    orphan["init_setl_id"] = s["id"].max() + 1_000_000 + np.arange(len(rows), dtype=np.int64)
    orphan["id"] = s["id"].max() + 1 + np.arange(len(rows), dtype=np.int64)
    orphan["updt_time"] = orphan["updt_time"] + 60
    w.setl = concat(s, orphan)
    w.record("setl_orphan_reversal", "setl_id", orphan["id"])


def kpop_not_enrolled(d: Draws) -> None:
    """漏保: key-group roster persons who never enrolled; at least one, since a roster is small (a few per cent of
    the city) and a rate of 0.005 would often draw none."""
    w, tl, rng = d.w, d.tl, d.rng
    never = rng.permutation(np.flatnonzero(~w.people.enrolled))
    k = min(max(1, rng.binomial(len(w.roster["id"]), d.rate)), len(never))
    who = never[:k]
    ids = w.roster["id"].max() + 1 + np.arange(k, dtype=np.int64)
    w.roster = concat(
        w.roster,
        dict(
            person=who,
            idet=np.full(k, "2101"),
            begin=tl.hist_start - rng.integers(0, 500, k),
            end=np.full(k, NO_DAY),
            id=ids,
        ),
    )
    w.record("kpop_not_enrolled", "roster_id", ids)


def clct_unknown_person(d: Draws) -> np.ndarray:
    """Contributions for a psn_no the platform does not know. Returns their clct ids."""
    w, c = d.w, d.w.clct
    k = d.rng.binomial(len(c["id"]), d.rate)
    src = d.rng.choice(len(c["id"]), size=k, replace=False)
    extra = take(c, src)
    extra["psn_no"] = 19_000_000_000 + w.number_base + np.arange(k, dtype=np.int64)
    extra["id"] = (c["id"].max() // 100 + 1 + np.arange(k, dtype=np.int64)) * 100 + extra["clct_type"].astype(np.int64)
    extra["revs_flag"] = np.full(k, "0")
    extra["amt"] = np.abs(extra["amt"])
    extra["acct"] = np.abs(extra["acct"])
    w.clct = concat(c, extra)
    w.record("clct_unknown_person", "clct_id", extra["id"])
    return extra["id"]


def ledger_outside_pool_contributions(d: Draws, unknown: np.ndarray) -> None:
    """Contributions booked outside the pooling area (to the city's own code, or another city's county); not on the
    contributions of unknown persons, which break their own rule."""
    w, c = d.w, d.w.clct
    k = d.rng.binomial(len(c["id"]), d.rate)
    if w.outside_codes and k:
        known = np.flatnonzero((c["revs_flag"] == "0") & ~np.isin(c["id"], unknown))
        # whole collections (rid = id // 100: the lines the back-end holds on one row, with one area), as many as
        # make about k lines
        rids = np.unique(c["id"][known] // 100)
        n = min(len(rids), max(1, round(k * len(rids) / len(known))))
        chosen = np.sort(d.rng.choice(rids, size=n, replace=False))
        lines = np.flatnonzero(np.isin(c["id"] // 100, chosen))
        codes = np.array(w.outside_codes, dtype=np.int64)
        c["county"][lines] = codes[np.searchsorted(chosen, c["id"][lines] // 100) % len(codes)]
        w.record("ledger_outside_pool", "clct_id", c["id"][lines])


def deceased_still_enrolled(d: Draws) -> None:
    """死亡人员仍参保: persons whose record says deceased in the history (a version with surv_stas 2 on the day of
    death) while their enrollment stays open, and whose contributions and settlements go on after it. Last of the
    person defects, and the truth is read from the final tables, so every line another defect changed is judged as
    delivered: the open enrollment (psn_no), each normal contribution that arrived, and each valid original settlement
    made from the month after the death on."""
    w, tl, p = d.w, d.tl, d.w.people
    who = d.persons()
    if not len(who):
        return
    span = tl.horizon_end - tl.hist_start
    death = tl.hist_start + (span * d.rng.uniform(0.3, 0.7, len(who))).astype(np.int64)
    p.death[who] = death
    p.emigrated[who] = False
    after = np.full(p.n, NO_DAY, dtype=np.int64)
    after[who] = month_start(month_index(death) + 1)  # the first day of the month after the death
    psn_no_of = w.psn["psn_no_of"]
    w.record("deceased_still_enrolled", "psn_no", psn_no_of[who])
    c, s = w.clct, w.setl
    mine = (c["person"] >= 0) & (c["person"] < p.n)
    person = np.where(mine, c["person"], 0)
    lines = mine & (c["psn_no"] == psn_no_of[person]) & (c["revs_flag"] == "0") & (c["arvl"] >= after[person])
    w.record("deceased_still_enrolled", "clct_id", c["id"][lines])
    known = (s["person"] >= 0) & (s["person"] < p.n)
    made = (
        known
        & (s["refd_setl_flag"] == "0")
        & (s["vali_flag"] == "1")
        & (s["setl_time"] // 86400 >= after[np.where(known, s["person"], 0)])
    )
    w.record("deceased_still_enrolled", "setl_id", s["id"][made])


def city_defects(
    rng: np.random.Generator,
    fund_txn: dict,
    txn_ids: np.ndarray,
    fund_plan: dict,
    tl: Timeline,
    rate: float,
    outside: tuple[int, ...],
) -> tuple[dict, dict, list]:
    """The city-level defects: interest booked to a code outside the pooling area (ledger_outside_pool),
    and annual plans of complete years not delivered (plan_missing; at least one when rate > 0, since a
    city has only tens of county x fund x year plans)."""
    from .funds import complete_years
    from .ids import format_list

    truth = []
    if rate <= 0:
        return fund_txn, fund_plan, truth
    interest = np.flatnonzero(fund_txn["txn_type"] == "21")
    k = min(max(1, rng.binomial(len(fund_txn["county"]), rate)), len(interest))
    rows = rng.choice(interest, size=k, replace=False)
    fund_txn["county"][rows] = np.array(outside, dtype=np.int64)[np.arange(k) % len(outside)]
    truth += [("ledger_outside_pool", key) for key in format_list("txn_id", txn_ids[rows])]

    years = complete_years(tl)
    eligible = np.flatnonzero(np.isin(fund_plan["year"], years) & np.isin(fund_plan["fund"], ["310100", "390100"]))
    if len(eligible):
        k = min(max(1, rng.binomial(len(eligible), rate)), len(eligible))
        dropped = rng.choice(eligible, size=k, replace=False)
        truth += [
            ("plan_missing", f"{fund_plan['county'][i]}|{fund_plan['fund'][i]}|{fund_plan['year'][i]}") for i in dropped
        ]
        keep = np.setdiff1d(np.arange(len(fund_plan["year"])), dropped)
        fund_plan = {key: v[keep] for key, v in fund_plan.items()}
    return fund_txn, fund_plan, truth


def _repay(s: dict, rows: np.ndarray, hifp_new: np.ndarray) -> None:
    """Pay rows a different hifp_pay and keep DESIGN §2's arithmetic: the fund total and the person's cash move with it."""
    delta = hifp_new - s["hifp_pay"][rows]
    s["hifp_pay"][rows] = hifp_new
    s["fund_pay_sumamt"][rows] += delta
    s["psn_part_amt"][rows] -= delta
    s["psn_cash_pay"][rows] -= delta


def inject_benefit_defects(
    rng: np.random.Generator,
    w: World,
    s: dict,
    audited: np.ndarray,
    settlements,
    candidates: np.ndarray,
    free: np.ndarray,
    rate: float,
) -> None:
    """待遇核查 defects (setl_benefit_mismatch): a wrong deductible, a wrong ratio, a payment past the annual cap across
    several admissions. The settlement arithmetic still adds up: the error is in the policy, not in the sums. Only
    person-years far from the cap take a deductible or ratio defect, so that no later settlement's cap room moves."""
    inscp, dedc, cap = s["inscp_scp_amt"], s["act_pay_dedc"], s["annual_cap"]
    ratio = 1 - s["pool_prop_selfpay"] / 1e6
    valid_in = audited & (s["vali_flag"] == "1")
    domain = int((valid_in & (s["refd_setl_flag"] == "0")).sum())  # each kind at rate R of the audited settlements
    _, inverse = np.unique(s["person_year"], return_inverse=True)
    year_paid = np.bincount(inverse, weights=np.where(valid_in, s["hifp_pay"], 0).astype(float))[inverse]
    far = valid_in & (year_paid < cap / 2)

    # Past the cap: the last admission of a person-year with several is paid in full beyond what the cap leaves.
    originals = valid_in & (s["refd_setl_flag"] == "0")
    order = np.lexsort((s["setl_time"], s["person_year"]))
    last_of_year = np.zeros(len(order), dtype=bool)
    same_next = np.r_[s["person_year"][order][1:] == s["person_year"][order][:-1], False]
    last_of_year[order[~same_next]] = True
    admissions = np.bincount(inverse, weights=originals.astype(float))[inverse]
    rows = settlements(lambda c: originals[c] & last_of_year[c] & (admissions[c] >= 2) & far[c], domain)
    done = []
    for r in rows:  # a few per chunk
        same = valid_in & (s["person_year"] == s["person_year"][r]) & (s["setl_time"] < s["setl_time"][r])
        room = cap[r] - s["hifp_pay"][same].sum()
        extra = int(rng.integers(500_000, 2_000_000))
        target = room + extra
        new_inscp = int(np.ceil(target / ratio[r])) + dedc[r]
        hifp_new = int(np.round((new_inscp - dedc[r]) * ratio[r]))
        grow = new_inscp - inscp[r]
        others = s["fund_pay_sumamt"][r] - s["hifp_pay"][r]
        cash = s["medfee_sumamt"][r] + grow - hifp_new - others - s["acct_pay"][r]
        if room <= 0 or cash < 0:
            continue
        s["inscp_scp_amt"][r] += grow
        s["medfee_sumamt"][r] += grow
        s["psn_part_amt"][r] += grow
        s["psn_cash_pay"][r] += grow
        _repay(s, np.array([r]), np.array([hifp_new]))
        done.append(r)
    done = np.array(done, dtype=np.int64)
    w.record("setl_benefit_mismatch", "setl_id", s["id"][done])
    capped_years = np.isin(s["person_year"], s["person_year"][done])

    # A wrong deductible: 200 yuan more than the band's (the deductible of a higher band), so the fund pays less.
    rows = settlements(lambda c: far[c] & originals[c] & ~capped_years[c] & (inscp[c] - dedc[c] > 50_000), domain)
    dedc[rows] += 20_000
    _repay(s, rows, np.round((inscp[rows] - dedc[rows]) * ratio[rows]).astype(np.int64))
    w.record("setl_benefit_mismatch", "setl_id", s["id"][rows])

    # A wrong ratio: the ratio of another band (10 points more) or a county's old local ratio (5 points less).
    rows = settlements(lambda c: far[c] & originals[c] & ~capped_years[c] & (inscp[c] - dedc[c] > 100_000), domain)
    wrong = np.where(np.arange(len(rows)) % 2 == 0, np.minimum(ratio[rows] + 0.10, 0.99), ratio[rows] - 0.05)
    wrong = np.round(wrong, 4)
    hifp_new = np.round((inscp[rows] - dedc[rows]) * wrong).astype(np.int64)
    overpaid_too_much = hifp_new - s["hifp_pay"][rows] > s["psn_cash_pay"][rows]
    wrong = np.where(overpaid_too_much, np.round(ratio[rows] - 0.05, 4), wrong)
    hifp_new = np.round((inscp[rows] - dedc[rows]) * wrong).astype(np.int64)
    s["pool_prop_selfpay"][rows] = np.round((1 - wrong) * 1e6).astype(np.int64)
    _repay(s, rows, hifp_new)
    w.record("setl_benefit_mismatch", "setl_id", s["id"][rows])
