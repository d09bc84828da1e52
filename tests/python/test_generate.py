"""The generator: deterministic, valid ID numbers, realistic contributions, defects at about rate R."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from yibao import certno
from yibao.synth import generate

TINY = dict(persons=600, seed=11, start="2025-01", end="2025-03", days=1)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(tmp_path):
    a = generate(**TINY, defect_rate=0.01, out=tmp_path / "a")
    b = generate(**TINY, defect_rate=0.01, out=tmp_path / "b")
    files_a, files_b = _files(a.landing), _files(b.landing)
    assert len(files_a) == 2 * 11 + 1  # two deliveries of 10 extracts + manifest, and the truth file
    assert files_a == files_b


def test_other_seed_gives_other_files(tmp_path):
    a = generate(**TINY, defect_rate=0.0, out=tmp_path / "a")
    b = generate(**{**TINY, "seed": 12}, defect_rate=0.0, out=tmp_path / "b")
    assert _files(a.landing) != _files(b.landing)


def test_every_certno_in_clean_data_is_valid(clean_city):
    people = pd.concat(pd.read_csv(f, dtype=str) for f in sorted((clean_city / "landing").glob("*/psn_info.csv")))
    assert len(people) > 2500
    bad = [(r.certno, r.brdy, r.gend) for r in people.itertuples() if not certno.is_valid(r.certno, r.brdy, r.gend)]
    assert bad == []
    assert people["certno"].str[:6].isin(people["hsreg_admdvs"]).all()


def test_clean_data_has_empty_truth(clean_city):
    rows = list(csv.reader(open(clean_city / "landing" / "_truth" / "defects.csv", encoding="utf-8")))
    assert rows == [["rule_id", "entity_key"]]


def test_resident_contributions_follow_the_standard(clean_city):
    standards = pd.read_csv(Path(__file__).parents[2] / "seeds" / "contribution_standard.csv")
    per_year = dict(zip(standards["year"], standards["resident_individual"]))
    clct = pd.concat(pd.read_csv(f, dtype=str) for f in sorted((clean_city / "landing").glob("*/clct.csv")))
    res = clct[(clct["insutype"] == "390") & (clct["revs_flag"] == "0")].drop_duplicates("clct_id")
    assert len(res) > 1000
    expected = res["accrual_ym"].str[:4].astype(int).map(per_year)
    assert (res["clct_amt"].astype(float) == expected).all()
    assert set(res["clct_type"]) == {"20", "40"}  # 40: paid by medical aid for key groups


def test_injected_defects_track_the_rate(tmp_path):
    rate = 0.01
    g = generate(persons=6000, seed=3, start="2024-01", end="2025-01", days=1, defect_rate=rate, out=tmp_path)
    truth = pd.read_csv(g.landing / "_truth" / "defects.csv")
    counts = truth["rule_id"].value_counts().to_dict()
    enrolled = g.rows["psn_info"] - counts["one_person_one_number"] // 2
    domain = {
        "dup_enrollment_cross_scheme": enrolled,
        "dup_enrollment_cross_county": enrolled,
        "one_person_one_number": enrolled,
        "one_person_one_card": enrolled,
        "certno_invalid": enrolled,
        "setl_without_enrollment": g.rows["setl"],
        "setl_arithmetic": g.rows["setl"],
        "setl_unknown_medins": g.rows["setl"],
        "setl_orphan_reversal": g.rows["setl"],
        "kpop_not_enrolled": g.rows["kpop_roster"],
        "clct_unknown_person": g.rows["clct"],
        "code_unmapped": g.rows["setl"],
        "ledger_outside_pool": g.rows["setl"] + g.rows["clct"],
    }
    # Keys per unit of rate x domain. one_person_one_number names both numbers of its own cases, and of the half of
    # each duplicate-enrollment rule's cases made under a second number: 2 x (1 + 0.5 + 0.5). one_person_one_card
    # names two cards for a second card, one for a shared number (1.5 on average), and two for each second-number
    # duplicate enrollment: 1.5 + 2 x (0.5 + 0.5).
    keys_per_defect = {"one_person_one_number": 4, "one_person_one_card": 3.5}
    assert set(counts) == set(domain) | {"plan_missing", "setl_benefit_mismatch", "deceased_still_enrolled"}
    # a deceased person still enrolled is one key, and each contribution and settlement after the death is one more
    assert counts["deceased_still_enrolled"] > rate * enrolled
    assert 1 <= counts["plan_missing"] <= 4  # a city has only 10 counties x 2 pooled funds x 1 complete year
    # three kinds of benefit defect, each at rate R of the audited settlements (original inpatient ones, a few
    # per cent of all settlements)
    assert 3 <= counts["setl_benefit_mismatch"] <= 3 * rate * 0.15 * g.rows["setl"] + 10
    for rule, n in domain.items():
        observed = counts[rule] / keys_per_defect.get(rule, 1)
        expected = rate * n
        slack = 4 * math.sqrt(expected) + 2 + (expected / 3 if rule == "one_person_one_card" else 0)
        assert abs(observed - expected) <= slack, (rule, observed, expected)


def test_rejects_impossible_arguments(tmp_path):
    from yibao.errors import UserError

    with pytest.raises(UserError):
        generate(**{**TINY, "persons": 10}, defect_rate=0.0, out=tmp_path)
    with pytest.raises(ValueError):
        generate(**{**TINY, "start": "2025-05", "end": "2025-01"}, defect_rate=0.0, out=tmp_path)


def test_id_numbers_are_unique_per_person(tmp_path):
    g = generate(persons=30000, seed=4, start="2025-01", end="2025-01", days=0, defect_rate=0.0, out=tmp_path)
    people = pd.read_csv(g.landing / "20250131" / "psn_info.csv", dtype=str)
    assert len(people) > 28000
    assert people["certno"].is_unique


def _extract(landing: Path, name: str) -> pd.DataFrame:
    return pd.concat(
        pd.read_csv(f, dtype=str).assign(_delivery=f.parent.name) for f in sorted(landing.glob(f"*/{name}.csv"))
    )


def test_a_city_made_in_chunks_keeps_keys_unique(tmp_path, monkeypatch):
    import sys
    import types

    import yibao.synth as synth

    monkeypatch.setattr(synth, "PERSON_YEARS_PER_CHUNK", 1000)  # 3,000 persons -> three worker chunks
    # As Streamlit's script runner does: some script installed as __main__. Spawned workers must not run it.
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('a worker imported __main__')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    g = generate(persons=3000, seed=5, start="2025-01", end="2025-06", days=1, defect_rate=0.01, out=tmp_path)
    for key, extract in (
        (["psn_no"], "psn_info"),
        (["psn_insu_rlts_id"], "psn_insu"),
        (["setl_id"], "setl"),
        (["clct_id"], "clct"),
        (["roster_id"], "kpop_roster"),
        (["card_no", "psn_no"], "psn_card"),
    ):
        rows = _extract(g.landing, extract)
        assert not rows.duplicated(key + ["_delivery"]).any(), extract
    people = _extract(g.landing, "psn_info")
    assert people["psn_no"].str[4:].astype("int64").max() < 10**10  # one city: no city offset
    assert len(people) > 2800 and people.drop_duplicates("psn_no")["certno"].nunique() > 2800
    for folder in g.deliveries:  # the joined parts match each manifest
        for line in (folder / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]:
            name, rows, _ = line.split(",")
            assert sum(1 for _ in open(folder / name, encoding="utf-8")) - 1 == int(rows), (folder.name, name)
    truth = pd.read_csv(g.landing / "_truth" / "defects.csv")
    rules = set(pd.read_csv(Path(__file__).parents[2] / "seeds" / "dq_rule.csv")["rule_id"])
    # every source rule of the design but plan_missing, which needs a complete year (2025-01..06 has none)
    assert set(truth["rule_id"]) == rules - {"ledger_identity", "quarantined", "plan_missing"}
    assert not truth.duplicated().any()


def test_several_cities_each_keep_their_own_counties(tmp_path):
    g = generate(
        persons=800,
        seed=6,
        start="2025-01",
        end="2025-03",
        days=1,
        defect_rate=0.0,
        out=tmp_path,
        cities=("230800", "231000"),
    )
    enrollment = _extract(g.landing, "psn_insu")
    assert set(enrollment["poolarea_no"]) == {"230800", "231000"}
    assert (enrollment["insu_admdvs"].str[:4] == enrollment["poolarea_no"].str[:4]).all()
    people = _extract(g.landing, "psn_info")
    assert people["psn_no"].is_unique and people["certno"].is_unique
    for extract, column in (("medins", "admdvs"), ("fund_txn", "insu_admdvs"), ("pop_stat", "admdvs")):
        assert set(_extract(g.landing, extract)[column].str[:4]) == {"2308", "2310"}, extract
    from yibao.errors import UserError

    with pytest.raises(UserError, match="not a city"):
        generate(
            persons=800,
            seed=6,
            start="2025-01",
            end="2025-03",
            days=1,
            defect_rate=0.0,
            out=tmp_path / "x",
            cities=("239900",),
        )
