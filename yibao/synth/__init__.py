"""`yibao generate`: synthetic cities of Heilongjiang - by default Jiamusi (230800) alone - delivered
as daily extract folders. With --cities, each city is its own pooling area with its own persons,
institutions and county sub-accounts; all cities' extracts share the delivery folders.

The same seed gives byte-identical files. With --defect-rate R each DESIGN §6 source
rule is broken at about rate R, and every defect is listed in landing/_truth/defects.csv.

A large city is made in chunks of persons, two at a time in worker processes, so memory
stays bounded: the persons and institutions are drawn once, each chunk then makes its
persons' enrollment, cards, settlements, contributions, roster lines and defects from its
own random stream and writes part files; the county-level fund series are drawn last from
the chunks' summed inputs, and the parts are joined into the delivery folders.
"""

from __future__ import annotations

import csv
import multiprocessing
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..contract import EXTRACTS
from ..errors import UserError
from .backend import to_backend
from .cities import City, all_city_codes, load_cities
from .contributions import choose_unpaid, make_contributions
from .defects import World, city_defects, inject
from .deliveries import Assembler, latest_per_delivery, to_arrow, write_part
from .funds import FundInputs, make_fund_plan, make_fund_txn, make_pop_stat
from .ids import format_ids
from .institutions import make_institutions
from .people import People, make_cards, make_enrollment, make_people
from .roster import DEPT, choose_key_group, make_roster
from .settlements import add_reversals, add_void_rows, concat, make_settlements, take
from .timeline import NO_DAY, Timeline

H = 3600
PERSON_YEARS_PER_CHUNK = 200_000  # about 2.5 GB of working memory per chunk
CITY_ADMINISTERED = 25  # one employer in 25 of a district is administered by the city itself (市本级)
ID_STRIDE = 10**8  # row ids of chunk k start at k * ID_STRIDE
MAX_CHUNKS = 50  # invented defect psn_no values stay apart up to here (ID_STRIDE / 10 each)


@dataclass
class Generated:
    landing: Path
    deliveries: list[Path]
    rows: dict[str, int]
    defects: int
    seconds: float


@dataclass
class Chunk:
    """One chunk's job: persons lo..hi-1 of a city, with everything a worker needs."""

    index: int
    city: City
    people: People
    psn_no: np.ndarray
    inst: dict
    tl: Timeline
    defect_rate: float
    stream: np.random.SeedSequence
    part: Path
    outside_codes: tuple = ()  # admdvs codes outside every delivered pooling area, for ledger_outside_pool


@dataclass
class ChunkResult:
    rows: dict[tuple[int, str], int]
    fund_inputs: FundInputs
    truth: list


@dataclass
class CityPlan:
    """One city's persons and institutions, its random stream for the fund series, and its chunks."""

    city: City
    rng: np.random.Generator
    people: People
    inst: dict
    jobs: list


DEFAULT_CITIES = ("230800",)  # the pooling areas generated unless --cities names others: Jiamusi alone


def generate(
    persons: int,
    seed: int,
    start: str,
    end: str,
    days: int,
    defect_rate: float,
    out: Path,
    force: bool = False,
    progress=None,
    cities: tuple[str, ...] = DEFAULT_CITIES,
    layout: str = "message",
) -> Generated:
    """persons is per city. progress, if given, is called as progress(label, count) after each step. layout
    backend writes settlements, enrollments and contributions as the platform's back-end tables (synth/backend.py)."""
    if layout not in ("message", "backend"):
        raise UserError(f"--layout {layout} is not a layout", "use message (the default) or backend")
    t0 = time.perf_counter()
    if persons < 100:
        raise UserError(f"--persons {persons} is too small", "use at least 100 persons")
    if not 0 <= defect_rate < 0.05:
        raise UserError(f"--defect-rate {defect_rate} is outside [0, 0.05)", "a realistic rate is 0.001 to 0.01")
    tl = Timeline.from_months(start, end, days)
    landing = Path(out) / "landing"
    if landing.exists() and any(landing.iterdir()):
        if not force:
            raise UserError(
                f"{landing} already holds deliveries",
                "generate into an empty --out folder, or pass --force to replace them",
            )
        shutil.rmtree(landing)
    years = max(round((tl.horizon_end - tl.hist_start) / 365.25, 1), 1.0)
    n_chunks = int(np.ceil(persons * years / PERSON_YEARS_PER_CHUNK))
    specs = load_cities(list(cities))
    if n_chunks * len(specs) > MAX_CHUNKS:
        raise UserError(
            f"--persons {persons} over {years:.1f} years is more than one run makes",
            f"keep persons x years under {MAX_CHUNKS * PERSON_YEARS_PER_CHUNK:,}",
        )

    step = progress if progress else (lambda label, n=None: None)
    parts_dir = landing / "_parts"
    bounds = np.linspace(0, persons, n_chunks + 1).astype(np.int64)
    plans, jobs = [], []
    outside = outside_codes(specs)
    for ci, city in enumerate(specs):  # the first city keeps the plain seed: one city is as before
        city_stream, *chunk_streams = np.random.SeedSequence(seed if ci == 0 else [seed, int(city.code)]).spawn(
            1 + n_chunks
        )
        rng = np.random.default_rng(city_stream)
        p = make_people(rng, persons, tl, city)
        inst = make_institutions(rng, tl, city)
        psn_no_of = ci * 10**10 + 1_000_000 + rng.permutation(p.n).astype(np.int64)
        city_jobs = [
            Chunk(
                len(jobs) + k,
                city,
                p.rows(lo, hi),
                psn_no_of[lo:hi],
                inst,
                tl,
                defect_rate,
                chunk_streams[k],
                parts_dir / f"{len(jobs) + k:03d}",
                (int(city.code), *outside),
            )
            for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:]))
        ]
        jobs += city_jobs
        plans.append(CityPlan(city, rng, p, inst, city_jobs))
        step(f"{city.name} ({city.code}): persons and institutions", p.n)

    assembler = Assembler(landing, tl)
    results, appended = [], []
    with ThreadPoolExecutor(max_workers=1) as appender:  # joins finished chunks while workers make the next
        if len(jobs) == 1:
            results.append(make_chunk(jobs[0]))
            appended.append(appender.submit(assembler.append, jobs[0].part, results[0].rows))
        else:
            with (
                _workers_without_main(),
                ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool,
            ):
                for r in pool.map(make_chunk, jobs):  # in order; a worker that dies raises BrokenProcessPool
                    results.append(r)
                    appended.append(appender.submit(assembler.append, jobs[len(results) - 1].part, r.rows))
                    step(f"chunk {len(results)}/{len(jobs)} made", sum(r.rows.values()))
        city_truth = []
        for ci, plan in enumerate(plans):
            city_part = parts_dir / f"city_{plan.city.code}"
            tables, truth = city_tables(
                plan, [results[j.index] for j in plan.jobs], tl, ci, defect_rate, (int(plan.city.code), *outside)
            )
            city_truth += truth
            city_rows = write_part(city_part, tl, tables)
            appended.append(appender.submit(assembler.append, city_part, city_rows))
            step(f"{plan.city.name}: fund transactions, population and plans", sum(city_rows.values()))
    for done in appended:
        done.result()  # re-raises a failed append
    folders = assembler.finish()
    shutil.rmtree(parts_dir)
    step("delivery folders assembled", len(folders))
    truth_dir = landing / "_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    truth = sorted({t for r in results for t in r.truth} | set(city_truth))
    with open(truth_dir / "defects.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["rule_id", "entity_key"])
        writer.writerows(truth)
    totals = {e: sum(n for (_, x), n in assembler.rows.items() if x == e) for e in EXTRACTS}
    if layout == "backend":
        to_backend(landing)
        step("rewritten as back-end tables", len(folders))
    return Generated(landing, folders, totals, len(truth), time.perf_counter() - t0)


@contextmanager
def _workers_without_main():
    """Spawned workers re-import the parent's __main__ module. They need nothing from it, and it may
    be anything: Streamlit's script runner, for one, leaves a dashboard page installed as __main__.
    So the workers start without it."""
    main = sys.modules["__main__"]
    saved = {name: getattr(main, name) for name in ("__spec__", "__file__") if hasattr(main, name)}
    main.__spec__ = None
    if hasattr(main, "__file__"):
        del main.__file__
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def outside_codes(cities: list[City]) -> tuple[int, ...]:
    """A county of a city the run does not deliver, if the region seed has one: money booked there is
    outside every delivered pooling area (ledger_outside_pool)."""
    delivered = {c.code for c in cities}
    others = [
        code
        for city in load_cities([c for c in all_city_codes() if c not in delivered])[:1]
        for code in city.counties.tolist()
    ]
    return tuple(others[:1])


def city_tables(
    plan: CityPlan,
    results: list[ChunkResult],
    tl: Timeline,
    city_index: int,
    defect_rate: float,
    outside: tuple[int, ...],
) -> tuple[dict, list]:
    """The city-level extracts: institutions, and the fund series drawn from the chunks' summed inputs;
    with the city-level defects (plan_missing, fund transactions outside the pool) and their truth."""
    inputs = results[0].fund_inputs
    for r in results[1:]:
        inputs = inputs + r.fund_inputs
    inst = plan.inst
    fund_txn = make_fund_txn(plan.rng, inputs, tl, plan.city)
    pop = make_pop_stat(plan.rng, plan.people, tl, plan.city)
    fund_plan = make_fund_plan(plan.rng, inputs, tl, plan.city)
    txn_ids = city_index * 10**6 + fund_txn["id"]
    fund_txn, fund_plan, truth = city_defects(plan.rng, fund_txn, txn_ids, fund_plan, tl, defect_rate, outside)
    return {
        "medins": _full(
            to_arrow(
                "medins",
                dict(
                    fixmedins_code=inst["code"],
                    fixmedins_name=inst["name"],
                    fixmedins_type=inst["type"],
                    hosp_lv=inst["hosp_lv"],
                    admdvs=inst["county"],
                    begndate=inst["begin"],
                    enddate=inst["end"],
                    vali_flag=np.full(len(inst["code"]), "1"),
                ),
            )
        ),
        "fund_txn": (
            to_arrow(
                "fund_txn",
                dict(
                    txn_id=format_ids("txn_id", txn_ids),
                    insu_admdvs=fund_txn["county"],
                    fund_type=fund_txn["fund"],
                    txn_type=fund_txn["txn_type"],
                    amount=fund_txn["amount"],
                    txn_date=fund_txn["day"],
                    memo=fund_txn["memo"],
                ),
            ),
            tl.delivery_index(fund_txn["day"]),
        ),
        "pop_stat": _full(
            to_arrow(
                "pop_stat",
                dict(admdvs=pop["county"], year=pop["year"], hsreg_pop=pop["hsreg"], resident_pop=pop["resident"]),
            )
        ),
        "fund_plan": _full(
            to_arrow(
                "fund_plan",
                dict(
                    admdvs=fund_plan["county"],
                    fund_type=fund_plan["fund"],
                    year=fund_plan["year"],
                    planned_contribution_income=fund_plan["contribution"],
                    planned_subsidy_income=fund_plan["subsidy"],
                    planned_expenditure=fund_plan["expenditure"],
                    planned_subsidy_central=fund_plan["subsidy_central"],
                    planned_subsidy_provincial=fund_plan["subsidy_provincial"],
                    planned_subsidy_city=fund_plan["subsidy_city"],
                    planned_subsidy_county=fund_plan["subsidy_county"],
                ),
            )
        ),
    }, truth


def make_chunk(job: Chunk) -> ChunkResult:
    """One chunk of persons: their person-level tables, defects and part files (runs in a worker)."""
    rng = np.random.default_rng(job.stream)
    p, tl, base = job.people, job.tl, job.index * ID_STRIDE
    enr = make_enrollment(rng, p, tl)
    key_group = choose_key_group(rng, p, tl)
    unpaid = choose_unpaid(rng, p, key_group)
    cards = make_cards(rng, p, tl)
    setl = add_void_rows(
        rng,
        add_reversals(
            rng,
            make_settlements(
                rng,
                p,
                enr,
                job.inst,
                tl,
                key_group,
                job.city.counties,
                job.city.profile("care_use"),
                job.city.code,
                unpaid,
            ),
            tl,
        ),
    )
    setl["fixmedins_code"] = np.where(setl["away"], setl["away_code"], job.inst["code"][setl["inst"]])
    clct = make_contributions(rng, p, enr, tl, key_group, unpaid)
    clct["psn_no"] = job.psn_no[clct["person"]]
    roster = make_roster(rng, p, key_group, tl)
    for table in (enr, cards, setl, roster):
        table["id"] += base
    clct["id"] += base * 100  # a contribution line's id is its collection's id x 100 + its kind (contributions.py)
    setl["init_setl_id"] = np.where(setl["init_setl_id"] >= 0, setl["init_setl_id"] + base, -1)
    fund_inputs = FundInputs.of(setl, enr, clct, p, tl, job.city.counties)

    world = World(
        p,
        dict(psn_no_of=job.psn_no, certno=p.certno.copy()),
        cards,
        enr,
        setl,
        clct,
        roster,
        job.inst,
        counties=job.city.counties,
        number_base=job.index * (ID_STRIDE // 10),
        outside_codes=job.outside_codes,
    )
    inject(rng, world, tl, job.defect_rate, key_group)
    city_level = _city_level(world, job.city)
    tables = {
        "psn_info": _psn_info(world, tl),
        "psn_card": _psn_card(world, tl),
        "psn_insu": _psn_insu(world, tl, job.city, city_level),
        "clct": _resend(rng, _clct(world.clct, city_level, job.city), tl, "updt_time"),
        "setl": _resend(rng, _setl(world, city_level, job.city), tl, "updt_time"),
        "kpop_roster": _roster(world),
    }
    rows = write_part(job.part, tl, tables)
    return ChunkResult(rows, fund_inputs, world.truth)


def _full(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    return table, np.zeros(table.num_rows, dtype=np.int64)


def _psn_info(w: World, tl: Timeline):
    p = w.people
    who = np.flatnonzero(p.enrolled)
    dead = who[(p.death[who] != NO_DAY) & ~p.emigrated[who]]
    extras = w.psn.get("extra_numbers", [])
    extra_who = np.concatenate([who_ for who_, _ in extras] or [np.zeros(0, dtype=np.int64)])
    extra_no = np.concatenate([no for _, no in extras] or [np.zeros(0, dtype=np.int64)])
    person = np.concatenate([who, dead, extra_who])
    psn_no = np.concatenate([w.psn["psn_no_of"][who], w.psn["psn_no_of"][dead], extra_no])
    surv = np.concatenate([np.full(len(who), "1"), np.full(len(dead), "2"), np.full(len(extra_who), "1")])
    day = np.concatenate([p.first_start[who], p.death[dead], np.full(len(extra_who), tl.hist_start)])
    updt = day * 86400 + np.concatenate(
        [np.full(len(who), 9 * H), np.full(len(dead), 15 * H), np.full(len(extra_who), 11 * H)]
    )
    deliv = tl.delivery_index(day)
    keep = latest_per_delivery(psn_no, deliv, updt)
    person, psn_no, surv, updt, deliv = person[keep], psn_no[keep], surv[keep], updt[keep], deliv[keep]
    table = to_arrow(
        "psn_info",
        dict(
            psn_no=format_ids("psn_no", psn_no),
            psn_cert_type=np.full(len(person), "01"),
            certno=w.psn["certno"][person],
            psn_name=p.name[person],
            gend=np.where(p.male[person], "1", "2"),
            naty=p.naty[person],
            brdy=p.birth[person],
            hsreg_admdvs=p.county[person],
            surv_stas=surv,
            updt_time=updt,
        ),
    )
    return table, deliv


def _numbers(w: World, rows: dict) -> np.ndarray:
    """The psn_no each enrollment or card row is delivered under: the person's own, or a second number."""
    own = w.psn["psn_no_of"][rows["person"]]
    return np.where(rows["alias"] >= 0, rows["alias"], own) if "alias" in rows else own


def _psn_card(w: World, tl: Timeline):
    c = w.cards
    day = np.maximum(c["issue"], w.people.first_start[c["person"]])
    keep = day <= tl.horizon_end
    c = take(c, np.flatnonzero(keep))
    day = day[keep]
    table = to_arrow(
        "psn_card",
        dict(
            card_no=format_ids("card_no", c["id"]),
            psn_no=format_ids("psn_no", _numbers(w, c)),
            card_type=c["card_type"],
            card_stas=c["card_stas"],
            issue_date=np.minimum(c["issue"], day),
            updt_time=day * 86400 + 9 * H,
        ),
    )
    return table, tl.delivery_index(day)


def _city_level(w: World, city: City):
    """The area code each person's district rows carry: the city-level code (xx99, DESIGN §2 Area codes) for the
    employees of one district employer in CITY_ADMINISTERED, whom the city administers itself, and 0 (their own
    district) for everyone else. Only a person with a single enrollment record moves, so a defect's second record in
    another county stays a duplicate across counties. The city level is in the districts' accounting unit, so no money
    changes unit."""
    districts = city.kinds == "district"
    level = np.zeros(len(w.people.county), dtype=np.int64)
    if not districts.any():
        return level
    e = w.enr
    records = np.bincount(e["person"], minlength=len(level))
    one = (
        (records[e["person"]] == 1)
        & (e["insutype"] == "310")
        & np.isin(e["county"], city.counties[districts])
        & (w.people.employer[e["person"]] % CITY_ADMINISTERED == 0)
    )
    level[e["person"][one]] = city.units[districts][0]
    return level


def _at_city_level(county: np.ndarray, person: np.ndarray, city_level: np.ndarray, city: City) -> np.ndarray:
    """A row's area code: the city level where its person is administered there and the row is in a district (an
    outside code a defect wrote, or a county, stays as it is)."""
    known = (person >= 0) & (person < len(city_level))
    level = np.where(known, city_level[np.where(known, person, 0)], 0)
    return np.where((level > 0) & np.isin(county, city.counties[city.kinds == "district"]), level, county)


def _psn_insu(w: World, tl: Timeline, city: City, city_level: np.ndarray):
    e = w.enr
    p = w.people
    ended = np.flatnonzero((e["end"] != NO_DAY) & (e["status"] != "3"))
    opened = take(e, ended)
    opened["end"] = np.full(len(ended), NO_DAY)
    opened["status"] = np.full(len(ended), "1")
    rows = concat(e, opened)
    day = np.where(rows["end"] == NO_DAY, rows["start"], rows["end"])
    updt = day * 86400 + np.where(rows["end"] == NO_DAY, 9 * H, 16 * H)
    deliv = tl.delivery_index(day)
    keep = latest_per_delivery(rows["id"], deliv, updt)
    rows = take(rows, np.flatnonzero(keep))
    person = rows["person"]
    emp = rows["insutype"] == "310"
    n = len(person)
    table = to_arrow(
        "psn_insu",
        dict(
            psn_insu_rlts_id=format_ids("psn_insu_rlts_id", rows["id"]),
            psn_no=format_ids("psn_no", _numbers(w, rows)),
            insutype=rows["insutype"],
            psn_type=rows["psn_type"],
            psn_insu_stas=rows["status"],
            psn_insu_date=rows["start"],
            paus_insu_date=rows["end"],
            insu_admdvs=_at_city_level(rows["county"], person, city_level, city),
            poolarea_no=np.full(n, city.code),
            emp_no=format_ids("emp_no", np.where(emp, p.employer[person], -1)),
            cvlserv_flag=np.where(emp & p.civil_servant[person], "1", "0"),
            flxempe_flag=np.where(emp & p.flexible[person], "1", "0"),
            updt_time=np.where(rows["end"] == NO_DAY, rows["start"], rows["end"]) * 86400
            + np.where(rows["end"] == NO_DAY, 9 * H, 16 * H),
        ),
    )
    return table, deliv[keep]


def _clct(c: dict, city_level: np.ndarray, city: City):
    table = to_arrow(
        "clct",
        dict(
            clct_id=format_ids("clct_id", c["id"]),
            psn_no=format_ids("psn_no", c["psn_no"]),
            emp_no=format_ids("emp_no", c["emp"]),
            insutype=c["insutype"],
            insu_admdvs=_at_city_level(c["county"], c["person"], city_level, city),
            accrual_ym=c["accrual_ym"],
            clct_type=c["clct_type"],
            clct_base=c["base"],
            clct_rate=c["rate"],
            clct_amt=c["amt"],
            acct_crdt_amt=c["acct"],
            arvl_date=c["arvl"],
            revs_flag=c["revs_flag"],
            updt_time=c["updt_time"],
        ),
    )
    return table, c["arvl"]


def _setl(w: World, city_level: np.ndarray, city: City):
    s = w.setl
    reversal = s["refd_setl_flag"] == "1"
    cols = {
        k: s[k]
        for k in (
            "insutype psn_type med_type setl_time fixmedins_code hosp_lv insu_admdvs mdtrtarea_admvs dise_codg "
            "medfee_sumamt fulamt_ownpay_amt overlmt_selfpay preselfpay_amt inscp_scp_amt act_pay_dedc hifp_pay "
            "pool_prop_selfpay cvlserv_pay hifes_pay hifmi_pay hifob_pay maf_pay oth_pay fund_pay_sumamt "
            "psn_part_amt acct_pay psn_cash_pay hosp_part_amt refd_setl_flag clr_type vali_flag updt_time"
        ).split()
    }
    cols.update(
        setl_id=format_ids("setl_id", s["id"]),
        mdtrt_id=format_ids("mdtrt_id", np.where(reversal, s["init_setl_id"], s["id"])),
        psn_no=format_ids("psn_no", w.psn["psn_no_of"][s["person"]]),
        init_setl_id=format_ids("setl_id", s["init_setl_id"]),
        insu_admdvs=_at_city_level(s["insu_admdvs"], s["person"], city_level, city),
    )
    return to_arrow("setl", cols), s["setl_time"] // 86400


def _roster(w: World):
    r = w.roster
    p = w.people
    table = to_arrow(
        "kpop_roster",
        dict(
            roster_id=format_ids("roster_id", r["id"]),
            certno=p.certno[r["person"]],
            psn_name=p.name[r["person"]],
            psn_idet_type=r["idet"],
            admdvs=p.county[r["person"]],
            begndate=r["begin"],
            enddate=r["end"],
            src_dept=np.array([DEPT[t] for t in np.unique(r["idet"])])[np.searchsorted(np.unique(r["idet"]), r["idet"])]
            if len(r["idet"])
            else np.array([], dtype=str),
        ),
    )
    return _full(table)


def _resend(rng: np.random.Generator, table_and_day, tl: Timeline, updt_col: str, share: float = 0.002):
    """Each daily delta re-sends a few rows delivered before, unchanged but with a later updt_time."""
    table, day = table_and_day
    deliv = tl.delivery_index(day)
    parts, delivs = [table], [deliv]
    for k in range(1, tl.days + 1):
        earlier = np.flatnonzero((deliv < k) & (rng.random(len(deliv)) < share))
        again = table.take(pa.array(earlier))
        stamp = (tl.full_date + k) * 86400 + 6 * H + rng.integers(0, H, len(earlier))
        again = again.set_column(
            again.schema.get_field_index(updt_col), updt_col, pa.array(stamp).cast(pa.timestamp("s"))
        )
        parts.append(again)
        delivs.append(np.full(len(earlier), k))
    return pa.concat_tables(parts), np.concatenate(delivs)
