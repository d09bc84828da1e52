"""Data quality end to end: every injected defect is found, nothing else is, and clean data is clean."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from yibao.export_dq import export_dq
from yibao.synth.defects import RULES as GENERATOR_RULES

from conftest import duck

ROOT = Path(__file__).parents[2]
# The rule list is the seed (seeds/dq_rule.csv), which lists DESIGN §6; not the generator's own list.
DESIGN_RULES = pd.read_csv(ROOT / "seeds" / "dq_rule.csv", dtype=str)
# Source-data rules the generator must be able to break. ledger_identity is the warehouse's own error (it must never
# happen), and quarantined comes from ingest, not from a rule of the generator.
SOURCE_RULES = sorted(set(DESIGN_RULES["rule_id"]) - {"ledger_identity", "quarantined"})


def found(data) -> pd.DataFrame:
    con = duck(data)
    try:
        return con.execute("select * from dq.dq_exceptions").df()
    finally:
        con.close()


@pytest.mark.parametrize("rule", sorted(DESIGN_RULES["rule_id"]))
def test_every_design_rule_has_a_model_and_a_place_in_the_exception_list(rule):
    assert (ROOT / "models" / "dq" / f"dq_rule__{rule}.sql").exists(), f"rule {rule}: no model dq_rule__{rule}"
    union = (ROOT / "models" / "dq" / "int_dq__exceptions.sql").read_text(encoding="utf-8")
    assert f"'{rule}'" in union, f"rule {rule}: not gathered by int_dq__exceptions"


def test_the_rule_models_the_exception_list_and_the_yml_agree_with_the_seed():
    """One rule list (issue 16): the seed, the dq_rule__* models, int_dq__exceptions' list and the yml entries are
    the same set, and each rule's test severity is the seed's."""
    import re

    import yaml

    seed = dict(zip(DESIGN_RULES["rule_id"], DESIGN_RULES["severity"]))
    models = {p.stem.removeprefix("dq_rule__") for p in (ROOT / "models" / "dq").glob("dq_rule__*.sql")}
    union = (ROOT / "models" / "dq" / "int_dq__exceptions.sql").read_text(encoding="utf-8")
    listed = set(re.findall(r"'([a-z_]+)'", union.split("%}")[0]))
    yml = yaml.safe_load((ROOT / "models" / "dq" / "_dq__models.yml").read_text(encoding="utf-8"))
    entries = {m["name"].removeprefix("dq_rule__"): m for m in yml["models"] if m["name"].startswith("dq_rule__")}
    assert models == listed == set(entries) == set(seed)
    for rule, entry in entries.items():
        tests = {next(iter(t)): next(iter(t.values())) for t in entry["data_tests"]}
        assert tests["dq_rule_passes"]["config"]["severity"] == seed[rule], rule
        assert tests["unique_combination_of_columns"]["arguments"]["columns"] == ["admdvs", "entity_key"], rule


@pytest.mark.parametrize("rule", SOURCE_RULES)
def test_every_source_rule_is_injected_by_the_generator(rule):
    assert rule in GENERATOR_RULES, f"rule {rule}: the generator cannot break it, so its detection is never scored"


@pytest.mark.parametrize("rule", SOURCE_RULES)
def test_every_source_rule_is_counted_in_the_summary(defect_city, rule):
    con = duck(defect_city)
    try:
        n = con.execute("select sum(exceptions) from dq.dq_summary where rule_id = ?", [rule]).fetchone()[0]
    finally:
        con.close()
    assert n, f"rule {rule}: no row in dq.dq_summary on defect data"


@pytest.mark.parametrize("rule", SOURCE_RULES)
def test_detection_is_exact_per_rule(defect_city, rule):
    truth = pd.read_csv(defect_city / "landing" / "_truth" / "defects.csv", dtype=str)
    expected = set(truth.loc[truth["rule_id"] == rule, "entity_key"])
    exceptions = found(defect_city)
    detected = set(exceptions.loc[exceptions["rule_id"] == rule, "entity_key"])
    assert expected, f"the generator injected no {rule} defect, so the check would prove nothing"
    missed, extra = expected - detected, detected - expected
    assert not missed and not extra, f"{rule}: missed {sorted(missed)[:5]}, extra {sorted(extra)[:5]}"


def test_exceptions_are_complete_records(defect_city):
    exceptions = found(defect_city)
    assert set(exceptions["severity"]) == {"warn"}
    assert exceptions[["rule_id", "admdvs", "entity_key", "detail", "detected_at", "first_seen"]].notna().all().all()
    person_rules = exceptions[exceptions["rule_id"].isin(["certno_invalid", "dup_enrollment_cross_scheme"])]
    assert person_rules["certno_masked"].str.fullmatch(r"\d{6}\*{8}[\dX]{4}").all()
    summary = (
        duck(defect_city).execute("select rule_id, sum(exceptions) from dq.dq_summary group by rule_id").fetchall()
    )
    assert dict(summary) == exceptions["rule_id"].value_counts().reindex(dict(summary).keys(), fill_value=0).to_dict()


def test_warnings_do_not_stop_the_build(defect_city):
    results = json.loads((defect_city / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8"))
    statuses = [r["status"] for r in results["results"]]
    assert "warn" in statuses
    assert not {"error", "fail", "skipped"} & set(statuses)


def test_clean_data_has_no_exceptions_and_no_warnings(clean_city):
    assert found(clean_city).empty
    # the clean city has out-of-area care at institutions the pool does not list (DESIGN §4): none of it is an
    # unknown institution, and each is audited by the out-of-area band
    con = duck(clean_city)
    try:
        unlisted, audited = con.execute("""
            select count(*), count(audit.setl_id) from core.fct_settlement as setl
            left join core.fct_benefit_audit as audit
                on setl.setl_id = audit.setl_id and audit.benefit_band = 'out_of_area' and audit.audit_status = 'audited'
            where setl.care_area <> 'local' and setl.is_valid
                and setl.fixmedins_code not in (select fixmedins_code from core.dim_medins)
                and setl.med_group = 'inpatient' and not setl.is_reversal""").fetchone()
    finally:
        con.close()
    assert unlisted > 0 and audited == unlisted
    results = json.loads((clean_city / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in results["results"] if not r["unique_id"].startswith("exposure.")} <= {
        "success",
        "pass",
    }


def test_county_correction_lists(defect_city):
    written = export_dq(defect_city / "warehouse" / "yibao.duckdb", defect_city / "exports")
    assert len(written) == 12  # 10 counties, the city level (230899) and the unattributed list
    exceptions = found(defect_city)
    con = duck(defect_city)
    try:
        certnos = {
            c for (c,) in con.execute("select distinct certno from raw.psn_info where length(certno) >= 15").fetchall()
        }
    finally:
        con.close()
    for path in written:
        admdvs = path.name[:6]
        wb = load_workbook(path)
        assert wb.sheetnames == ["说明", "问题清单"]
        cover = [row for row in wb["说明"].iter_rows(values_only=True)]
        assert any(r[0] and "重复参保" in r[0] and r[3] and "不重复参保" in r[3] for r in cover)
        rows = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
        expected = int((exceptions["admdvs"] == admdvs).sum())
        assert len(rows) == max(expected, 1)
        cells = [str(c) for sheet in wb for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert not [c for c in cells if any(n in c for n in certnos)], path.name
