"""Real-shaped codes load and land in their group (DESIGN §2 Code sets, issue 34): local and newer national codes,
the city-level area code 230899 and a reversal with null parts, as the platform really delivers them. None is
quarantined; each is mapped as the national code table and the province's code map say, worked by hand here."""

from __future__ import annotations

import csv
import io

from yibao.build import dbt_build
from yibao.synth import generate

from conftest import data_env, duck, ingest_into
from test_bad_input import TINY, edit_rows
from test_ingest import rewrite_manifest

# delivered code -> (national code, group) as the code seeds and seeds/code_map.csv give them
MED_TYPES = {
    "19": ("19", "outpatient"),  # 意外伤害门诊, national
    "53": ("53", "maternity"),  # 计划生育手术费, national
    "2101": ("21", "inpatient"),  # first two digits 21-29: inpatient
    "9201": ("21", "inpatient"),  # local, by the province map
    "9902": ("21", "inpatient"),  # 重大疾病住院, local: the 99 family is no one group
    "9901": ("14", "outpatient"),  # 重大疾病门诊
}
INSUTYPES = {"391": "390", "39901": "390"}
PSN_TYPES = {"1101": "1101", "1404": "1404", "1460": "1460"}


def _rows(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_real_shaped_rows_load_in_their_group(tmp_path):
    generate(**TINY, out=tmp_path)
    full = tmp_path / "landing" / "20250228"
    rows = _rows(full / "setl.csv")
    h = rows[0]
    col = h.index
    originals = [n for n in range(1, len(rows)) if rows[n][col("refd_setl_flag")] == "0"]
    residents = [n for n in originals if rows[n][col("insutype")] == "390"]
    reversal = next(n for n in range(1, len(rows)) if rows[n][col("refd_setl_flag")] == "1")
    edits: dict[int, dict[str, str]] = {}
    picks = iter(n for n in originals if n not in residents[: len(INSUTYPES)])
    med_rows = {code: next(picks) for code in MED_TYPES}
    for code, n in med_rows.items():
        edits[n] = {"med_type": code}
    edits[med_rows["9902"]]["clr_type"] = "9902"
    ins_rows = dict(zip(INSUTYPES, residents))
    for code, n in ins_rows.items():
        edits[n] = {"insutype": code}
    psn_rows = {code: next(picks) for code in PSN_TYPES}
    for code, n in psn_rows.items():
        edits[n] = {"psn_type": code}
    city_level = next(picks)
    edits[city_level] = {"insu_admdvs": "230899"}
    edits[reversal] = {"psn_part_amt": "", "hosp_part_amt": ""}
    edit_rows(full / "setl.csv", edits)
    rewrite_manifest(full)
    key = {n: rows[n][col("setl_id")] for n in edits}

    with data_env(tmp_path):
        report = ingest_into(tmp_path)
        assert dbt_build(["--quiet"]) == 0
    assert report.ok, report.summary()
    con = duck(tmp_path)
    try:
        quarantined = con.execute("select count(*) from dq.quarantine_rows").fetchone()[0]
        fact = {
            r[0]: r[1:]
            for r in con.execute(
                "select setl_id, med_type, med_group, insutype, pooled_fund_type, psn_type, insu_admdvs "
                "from core.fct_settlement"
            ).fetchall()
        }
        staged = {
            r[0]: r[1:]
            for r in con.execute(
                "select setl_id, clr_type, clr_type_delivered, med_type_delivered, psn_part_amt, acct_pay + "
                "psn_cash_pay, hosp_part_amt, _derived from staging.stg_setl"
            ).fetchall()
        }
        exceptions = set(con.execute("select rule_id, entity_key from dq.dq_exceptions").fetchall())
        ledger_230899 = con.execute(
            "select count(*) from core.fct_fund_ledger where admdvs = '230899' and amount <> 0"
        ).fetchone()[0]
    finally:
        con.close()

    assert quarantined == 0
    for code, (national, group) in MED_TYPES.items():
        assert fact[key[med_rows[code]]][:2] == (national, group), code
        assert staged[key[med_rows[code]]][2] == code
    assert staged[key[med_rows["9902"]]][:2] == ("21", "9902")  # clr_type 9902: inpatient clearing
    for code, national in INSUTYPES.items():
        assert fact[key[ins_rows[code]]][2:4] == (national, "390100"), code  # the resident pooled fund pays
    for code, national in PSN_TYPES.items():
        assert fact[key[psn_rows[code]]][4] == national, code
    assert fact[key[city_level]][5] == "230899" and ledger_230899 > 0
    psn_part, person_paid, hosp_part, derived = staged[key[reversal]][3:]
    assert psn_part == person_paid and hosp_part == 0
    assert derived == "psn_part_amt=acct_pay+psn_cash_pay hosp_part_amt=0"
    mine = set(key.values())
    found = {(rule, k) for rule, k in exceptions if k in mine}
    # none of these rows is a code, area or arithmetic defect
    assert not {r for r, _ in found} & {"code_unmapped", "ledger_outside_pool", "setl_arithmetic", "quarantined"}, found
