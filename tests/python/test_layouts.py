"""The back-end layout (DESIGN §2 "The platform's back-end tables", issue 34).

- The same generated city in both layouts gives the same marts and the same exceptions, row for row.
- Fixtures written from the public column lists (../shared/platform-tables.md): every listed column, upper case, a few
  rows as the platform holds them. They load with nothing quarantined, each value where the mapping says, and a
  pause-and-re-enrolment rewritten across two deliveries keeps both spells and the gap between them, and a record first
  delivered re-enrolled, after the person's first enrollment, takes the months before from paid contributions.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from yibao.build import dbt_build
from yibao.synth import generate

from conftest import data_env, duck, ingest_into
from test_bad_input import TINY
from test_ingest import rewrite_manifest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "backend"
SHARED = Path(__file__).parents[3] / "shared" / "platform-tables.md"
CITY = dict(persons=1500, seed=11, start="2024-10", end="2025-03", days=2, defect_rate=0.01)


def _tables(con) -> dict[str, pd.DataFrame]:
    out = {}
    for (table,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    ).fetchall():
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            if not c.startswith("_")
        ]
        out[table] = con.execute(f"select {', '.join(cols)} from marts.{table} order by all").df()
    out["dq_exceptions"] = con.execute(
        "select rule_id, admdvs, entity_key, detail from dq.dq_exceptions order by all"
    ).df()
    return out


def _built(tmp_path: Path, layout: str) -> dict[str, pd.DataFrame]:
    data = tmp_path / layout
    generate(**CITY, out=data, layout=layout)
    with data_env(data):
        report = ingest_into(data)
        assert report.ok, report.summary()
        assert dbt_build(["--quiet"]) == 0
    con = duck(data)
    try:
        return _tables(con) | {
            "_files": con.execute(
                "select file, layout, mapping_version, rows_derived, rows_quarantined from ops.loaded_files"
            ).df(),
            "_raw": con.execute(
                "select (select count(*) from raw.extra_values) as extra, "
                "(select count(*) from raw.clct where clct_flag = '0') as not_arrived, "
                "(select count(*) from core.fct_contribution where clct_id like 'NA%') as booked_not_arrived, "
                "(select count(*) from staging.stg_setl where med_type_delivered = '9902' and med_type = '21') as local"
            ).df(),
        }
    finally:
        con.close()


def test_both_layouts_give_the_same_marts_and_exceptions(tmp_path):
    message, backend = _built(tmp_path, "message"), _built(tmp_path, "backend")
    marts = [t for t in message if not t.startswith("_")]
    assert len(marts) >= 10 and len(message["dq_exceptions"]) > 50  # real marts, real defects
    for table in marts:
        pd.testing.assert_frame_equal(message[table], backend[table], check_exact=True, obj=table)
    files = backend["_files"]
    back = files[files["layout"] == "backend"]
    assert set(back["file"]) == {"setl_d.csv", "psn_insu_d.csv", "staf_psn_clct_detl_d.csv", "rsdt_psn_clct_detl_d.csv"}
    assert back["mapping_version"].str.fullmatch(r"[0-9a-f]{12}").all()
    assert back[back["file"] == "setl_d.csv"]["rows_derived"].min() > 0  # oth_pay = HIFDM_PAY + OTHFUND_PAY
    assert (files["rows_quarantined"] == 0).all()
    raw = backend["_raw"].iloc[0]
    assert raw["extra"] > 0 and raw["not_arrived"] > 0 and raw["booked_not_arrived"] == 0 and raw["local"] > 0


def _listed(title: str) -> list[str]:
    md = SHARED.read_text(encoding="utf-8")
    start = md.index(title)
    end = md.find("\n## ", start + 5)
    return re.findall(r"^\| ([A-Z_]+) \|", md[start : end if end > 0 else None], re.M)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/platform-tables.md is beside the repository in CI")
def test_fixtures_carry_every_listed_column():
    for name, title in (("setl_d.csv", "## setl_d"), ("psn_insu_d.paused.csv", "## psn_insu_d")):
        header = (FIXTURES / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == _listed(title), name
        assert all(c == c.upper() for c in header)


def _fill(name: str, values: dict[str, str]) -> str:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    assert "{" not in text, name
    return text


def test_real_backend_rows_load_where_the_mapping_says(tmp_path):
    generate(**TINY, out=tmp_path)
    landing = tmp_path / "landing"
    full = landing / "20250228"
    insu = list(csv.DictReader(io.StringIO((full / "psn_insu.csv").read_text(encoding="utf-8"))))
    medins = list(csv.DictReader(io.StringIO((full / "medins.csv").read_text(encoding="utf-8"))))
    once = pd.Series([r["psn_no"] for r in insu]).value_counts()
    a = next(
        r
        for r in insu
        if r["insutype"] == "390"
        and once[r["psn_no"]] == 1
        and not r["paus_insu_date"]
        and r["psn_insu_date"] < "2025-01-01"
        and r["psn_insu_stas"] == "1"
    )
    b = next(r for r in insu if r["insutype"] == "310" and r["emp_no"] and not r["paus_insu_date"])
    hospital = next(
        m for m in medins if m["fixmedins_type"] == "1" and m["admdvs"] == a["insu_admdvs"] and not m["enddate"]
    )
    values = dict(
        PSN_A=a["psn_no"],
        RLTS_A=a["psn_insu_rlts_id"],
        COUNTY_A=a["insu_admdvs"],
        START_A=a["psn_insu_date"],
        START_YM_A=a["psn_insu_date"][:7].replace("-", ""),
        CERT_A="230826199001011234",
        PSN_B=b["psn_no"],
        EMP_B=b["emp_no"],
        COUNTY_B=b["insu_admdvs"],
        MEDINS=hospital["fixmedins_code"],
        HOSP_LV=hospital["hosp_lv"],
        MEDINS_AREA=hospital["admdvs"],
        PSN_C="PSNFIXC",
        RLTS_C="RLTSFIXC",
    )
    deliveries = {
        "20250302": {
            "psn_insu_d.csv": "psn_insu_d.paused.csv",
            "setl_d.csv": "setl_d.csv",
            "staf_psn_clct_detl_d.csv": "staf_psn_clct_detl_d.csv",
            "rsdt_psn_clct_detl_d.csv": "rsdt_psn_clct_detl_d.csv",
        },
        "20250303": {"psn_insu_d.csv": "psn_insu_d.reenrolled.csv"},
    }
    for day, files in deliveries.items():
        (landing / day).mkdir()
        for target, fixture in files.items():
            (landing / day / target).write_text(_fill(fixture, values), encoding="utf-8")
        rewrite_manifest(landing / day)

    with data_env(tmp_path):
        report = ingest_into(tmp_path)
        assert report.ok, report.summary()
        assert dbt_build(["--quiet"]) == 0
    con = duck(tmp_path)
    try:
        q = lambda sql, *p: con.execute(sql, list(p)).fetchall()  # noqa: E731
        quarantined = q("select file, reason from dq.quarantine_rows")
        setl = {
            r[0]: r[1:]
            for r in q(
                "select setl_id, insutype, med_type, med_group, psn_type, pooled_fund_type, insu_admdvs, is_counted "
                "from core.fct_settlement where setl_id like 'STFIX%'"
            )
        }
        staged = {
            r[0]: r[1:]
            for r in q(
                "select setl_id, oth_pay, psn_part_amt, hosp_part_amt, _derived, clr_type, clr_type_delivered, begndate, "
                "cal_ipt_cnt from staging.stg_setl where setl_id like 'STFIX%'"
            )
        }
        spans = q(
            "select spell_no, span_start, span_end, person_id from core.fct_enrollment_span "
            "where psn_insu_rlts_id = ? order by spell_no",
            a["psn_insu_rlts_id"],
        )
        months = {
            r[0]
            for r in q("select cast(month_end as varchar) from core.fct_person_month where person_id = ?", spans[0][3])
        }
        # person C's record first arrives re-enrolled on 2025-03-01, first enrolled on 2024-12-01: January 2025 is
        # paid (arrived), February announced and not arrived
        spans_c = q(
            "select spell_no, cast(span_start as varchar), cast(span_end as varchar), span_source "
            "from core.fct_enrollment_span where psn_insu_rlts_id = 'RLTSFIXC' order by spell_no"
        )
        months_c = [
            r[0]
            for r in q(
                "select cast(month_end as varchar) from core.fct_person_month where psn_insu_rlts_id = 'RLTSFIXC' "
                "order by 1"
            )
        ]
        coverage = dict(
            q(
                "select cast(month_end as varchar), insured_persons from marts.rpt_coverage_monthly where admdvs = ?",
                a["insu_admdvs"],
            )
        )
        counted = dict(
            q(
                "select cast(month_end as varchar), count(distinct person_id) filter (where counted) "
                "from core.fct_person_month where insu_admdvs = ? group by 1",
                a["insu_admdvs"],
            )
        )
        lines = {
            r[0]: r[1:]
            for r in q(
                "select clct_id, clct_type, clct_amt, acct_crdt_amt, accrual_ym, accrual_ym_end, revs_flag, arvl_date "
                "from staging.stg_clct where clct_id like 'CLFIX%'"
            )
        }
        booked = {r[0] for r in q("select clct_id from core.fct_contribution where clct_id like 'CLFIX%'")}
        files = {
            r[0]: r[1:]
            for r in q(
                "select file, layout, rows_loaded, rows_derived, extra_columns from ops.loaded_files "
                "where delivery_date >= date '2025-03-02'"
            )
        }
        extras = q("select extra_values from raw.extra_values where _file = '20250302/setl_d.csv' order by _row_number")
    finally:
        con.close()

    assert quarantined == []
    # codes: 39901 and 391 are the resident fund's; 9902 and 9201 inpatient by the province map, 2101 by its prefix;
    # 19 outpatient and 53 maternity are national; 230899 is the city level, in the pool
    assert setl["STFIX1"][:5] == ("390", "21", "inpatient", "1404", "390100")
    assert setl["STFIX3"][:6] == ("390", "19", "outpatient", "1460", "390100", "230899")
    assert setl["STFIX4"][1:4] == ("53", "maternity", "1101")
    assert setl["STFIX5"][1:3] == ("21", "inpatient") and setl["STFIX6"][1:3] == ("21", "inpatient")
    assert not setl["STFIX1"][6] and not setl["STFIX2"][6]  # the original and its reversal count nowhere
    # oth_pay = HIFDM_PAY + OTHFUND_PAY; the reversal's null parts derived: psn = acct + cash, hosp = 0
    assert staged["STFIX1"][0] == Decimal("40.00") and staged["STFIX1"][3] is None
    assert staged["STFIX2"][:4] == (
        Decimal("-40.00"),
        Decimal("-4800.00"),
        Decimal("0.00"),
        "psn_part_amt=acct_pay+psn_cash_pay hosp_part_amt=0",
    )
    assert staged["STFIX1"][4:6] == ("21", "9902")
    assert str(staged["STFIX1"][6]) == "2025-02-24" and staged["STFIX1"][7] == "1"
    # both spells, and the gap: not covered at the end of January, covered again at the end of February
    assert [(n, str(s), str(e) if e else None) for n, s, e, _ in spans] == [
        (1, a["psn_insu_date"], "2025-01-20"),
        (2, "2025-02-10", None),
    ]
    assert "2025-01-31" not in months and "2025-02-28" in months  # the history starts in January 2025
    # a first version that starts after the person's first enrollment: the paid months before it are a spell
    assert spans_c == [(0, "2025-01-01", "2025-02-01", "paid_contributions"), (1, "2025-03-01", None, "enrollment")]
    assert months_c == ["2025-01-31", "2025-03-31"]
    assert coverage["2025-01-31"] == counted["2025-01-31"] and coverage["2025-02-28"] == counted["2025-02-28"]
    # contribution rows: employer and personal parts of one row; the personal part credited to the account; the
    # resident's year kept as its range; the row whose money has not arrived loaded, not booked
    assert lines["CLFIX00110"][:5] == ("10", Decimal("350.00"), Decimal("0.00"), "202502", "202502")
    assert lines["CLFIX00120"][:3] == ("20", Decimal("100.00"), Decimal("100.00"))
    assert lines["CLFIX10120"][:5] == ("20", Decimal("400.00"), Decimal("0.00"), "202501", "202512")
    assert {"CLFIX00210", "CLFIX00220", "CLFIX00410"} <= set(lines)
    assert booked == {"CLFIX00110", "CLFIX00120", "CLFIX10120", "CLFIX00310", "CLFIX00320"}
    assert files["setl_d.csv"][:3] == ("backend", 6, 6) and files["psn_insu_d.csv"][0] == "backend"
    assert "dedc_std" in files["setl_d.csv"][3] and '"DEDC_STD"' not in extras[0][0]
    assert '"dedc_std"' in extras[0][0] and "certno" not in extras[0][0]
