"""Incremental models: building delivery by delivery gives the same tables as a --full-refresh - every table of
staging, core, marts and dq, row for row, apart from the columns that record when a run saw a row."""

from __future__ import annotations

import shutil

from yibao.build import build_and_publish, dbt_build
from yibao.nightly import nightly
from yibao.synth import generate
from yibao.synth.corrections import write_corrections, write_settlement_corrections

from conftest import con_rows, data_env, duck, hold_back_deltas, ingest_into, project_copy

FACTS = {"core.fct_settlement": "setl_id", "core.fct_contribution": "clct_id"}
# When a run loaded or first saw a row: they differ between a run per delivery and one run over all of them.
RUN_TIME_COLUMNS = ("_loaded_at", "_written_at", "detected_at", "first_seen")
# History tables keep what a run once saw, which a full refresh cannot rebuild: a row per as-of day, and every
# exception ever seen (a fixed one stays). Their current part must agree.
HISTORY = {
    "dq.dq_summary": "day = (select max(day) from dq.dq_summary)",
    "dq.dq_exception_first_seen": "(rule_id, entity_key) in (select rule_id, entity_key from dq.int_dq__exceptions)",
}


# What one run changed, not a state of the data: the persons the snapshot took new versions of in the last run, and
# the scope layer (what the last run judged again; left empty by a --full-refresh, which judges everything).
PER_RUN = {"core.int_person__changed"}
PER_RUN_PREFIX = "core.int_scope__"


def all_tables(data) -> list[str]:
    con = duck(data)
    try:
        return [
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('staging', 'core', 'marts', 'dq') and table_type = 'BASE TABLE' order by all"
            ).fetchall()
        ]
    finally:
        con.close()


def dump(data, table: str, key: str | None = None):
    con = duck(data)
    try:
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema || '.' || table_name = ? "
                f"and column_name not in {RUN_TIME_COLUMNS} order by ordinal_position",
                [table],
            ).fetchall()
        ]
        where = f"where {HISTORY[table]}" if table in HISTORY else ""
        return con.execute(f"select {', '.join(cols)} from {table} {where} order by all").fetchall()
    finally:
        con.close()


def test_incremental_build_equals_full_refresh(tmp_path):
    # five daily deltas: enough for reversals that arrive in a later delivery than their original, and for the
    # settlement corrections below to find their cases
    generate(persons=3000, seed=21, start="2025-01", end="2025-04", days=5, defect_rate=0.005, out=tmp_path)
    landing, held = tmp_path / "landing", tmp_path / "held"
    hold_back_deltas(tmp_path)
    with data_env(tmp_path), project_copy(tmp_path / "project") as project:
        assert ingest_into(tmp_path).ok
        assert build_and_publish(["--quiet"]) == 0  # records what the warehouse was built from (yibao/refresh.py)
        before = {t: len(dump(tmp_path, t)) for t in FACTS}
        # the deliveries two a night, as after a missed night, and the last alone
        folders = sorted(held.iterdir())
        for night in (folders[i : i + 2] for i in range(0, len(folders), 2)):
            for folder in night:
                shutil.move(str(folder), landing / folder.name)
            assert ingest_into(tmp_path).ok
            assert dbt_build(["--quiet"]) == 0
        assert len(dump(tmp_path, "core.fct_settlement")) > before["core.fct_settlement"]
        con = duck(tmp_path)
        try:
            # the incremental path must have met the hard cases: re-sent rows and late reversals
            batches = con.execute("select count(distinct _loaded_at) from core.fct_contribution").fetchone()[0]
            late_reversals = con.execute("""
                select count(*) from staging.stg_setl r join staging.stg_setl o on r.init_setl_id = o.setl_id
                where r.refd_setl_flag = '1' and r._delivery_date > o._delivery_date""").fetchone()[0]
        finally:
            con.close()
        assert batches > 1 and late_reversals > 0

        # then a correction delivery: late and back-dated enrollment changes, stops and starts dated the next day, ID
        # numbers fixed, shared numbers split
        coverage_sql = (
            "select month_end, admdvs, insured_persons from marts.rpt_coverage_monthly "
            "where month_end < (select max(month_end) from marts.rpt_coverage_monthly)"
        )
        coverage_before = set(con_rows(tmp_path, coverage_sql))
        invalid_before = con_rows(tmp_path, "select count(*) from dq.dq_rule__certno_invalid")[0][0]
        _, changed = write_corrections(landing)
        assert all(len(keys) > 0 for keys in changed.values()), changed
        split = ", ".join(f"'{k}'" for k in changed["number_split"])
        listed = f"select count(*) from dq.dq_rule__one_person_one_number where entity_key in ({split})"
        assert con_rows(tmp_path, listed)[0] == (len(changed["number_split"]),)  # listed before the split
        assert ingest_into(tmp_path).ok
        assert dbt_build(["--quiet"]) == 0
        # a past month's coverage changed, the annulled records left every month, the fixed numbers left the DQ list
        assert set(con_rows(tmp_path, coverage_sql)) != coverage_before
        annulled = ", ".join(f"'{k}'" for k in changed["annulled"])
        assert con_rows(tmp_path, f"select count(*) from core.fct_person_month where psn_insu_rlts_id in ({annulled})")[
            0
        ] == (0,)
        invalid_after = con_rows(tmp_path, "select count(*) from dq.dq_rule__certno_invalid")[0][0]
        assert invalid_after == invalid_before - len(changed["certno_fixed"])
        # the split numbers left the one-number list: the first one too, though its own record was not re-sent
        assert con_rows(tmp_path, listed)[0] == (0,)
        # enrollments stopping or starting the day after the delivery: the current month still counts the first and
        # not yet the second; the next delivery touches neither, and its judging day must turn both round
        current_sql = (
            "select count(*) from core.fct_person_month where psn_insu_rlts_id in ({}) "
            "and month_end = (select max(month_end) from core.fct_person_month)"
        )
        stops = current_sql.format(", ".join(f"'{k}'" for k in changed["scheduled_stop"]))
        starts = current_sql.format(", ".join(f"'{k}'" for k in changed["scheduled_start"]))
        assert con_rows(tmp_path, stops)[0] == (len(changed["scheduled_stop"]),)
        assert con_rows(tmp_path, starts)[0] == (0,)

        # then settlements re-dated into the month before, alone in their delivery: one month loses each, another
        # gains it (a model that recounted only the months of the latest versions would miss the first); and inpatient
        # settlements re-sent under another person's number: the first person's later settlements get back the cap
        # they had used (a model that judged only the persons the latest versions are under would keep them there)
        months_sql = "select setl_id, month_end from core.fct_settlement where setl_id in ({})"
        _, moved = write_settlement_corrections(landing)
        redated = moved["redated"]
        ids = ", ".join(f"'{k}'" for k in redated)
        months_before = dict(con_rows(tmp_path, months_sql.format(ids)))
        reassigned = ", ".join(f"'{k}'" for k in moved["reassigned"])
        audit_sql = f"select setl_id, person_id from core.fct_benefit_audit where setl_id in ({reassigned})"
        persons_before = dict(con_rows(tmp_path, audit_sql))
        old = ", ".join(str(p) for p in set(persons_before.values()))
        cap_sql = f"select sum(cap_used_before) from core.fct_benefit_audit where person_id in ({old})"
        cap_before = con_rows(tmp_path, cap_sql)[0][0]
        # settlements of an earlier, untouched month moved to a person already treated in the same cell: the cell
        # counts one person fewer, with the same money (a month rebuilt only when its money changed would miss it)
        merged = ", ".join(f"'{k}'" for k in moved["merged"])
        cells_sql = f"""
            select sum(cells.persons), sum(cells.medfee_sumamt) from core.int_settlement__cells as cells
            where (insu_admdvs, insutype, med_group, hosp_tier, month_end) in (
                select (insu_admdvs, insutype, med_group, hosp_tier, month_end) from core.fct_settlement
                where setl_id in ({merged}))"""
        persons_in_cells, money_in_cells = con_rows(tmp_path, cells_sql)[0]
        assert ingest_into(tmp_path).ok
        assert dbt_build(["--quiet"]) == 0
        months_after = dict(con_rows(tmp_path, months_sql.format(ids)))
        persons_after = con_rows(tmp_path, audit_sql)
        assert len(persons_before) == len(moved["reassigned"]) == 3
        assert len(persons_after) == 3 and all(persons_before[k] != p for k, p in persons_after), persons_after
        assert con_rows(tmp_path, cap_sql)[0][0] < cap_before
        assert len(moved["merged"]) == 3
        assert con_rows(tmp_path, cells_sql)[0] == (persons_in_cells - 3, money_in_cells)
        assert len(redated) == 3 and all(months_after[k] < months_before[k] for k in redated), (
            months_before,
            months_after,
        )
        assert con_rows(tmp_path, stops)[0] == (0,)
        assert con_rows(tmp_path, starts)[0] == (len(changed["scheduled_start"]),)

        # then, with no new delivery, a statistician corrects a policy figure in a seed (the 2025 resident tier-3 fund
        # ratio, 0.60 -> 0.65) and a new version of a model adds a column: the next nightly must rebuild what read
        # them, where stored rows kept the old seed's bands and the old model's columns (yibao/refresh.py)
        mismatches_sql = "select count(*) from dq.dq_exceptions where rule_id = 'setl_benefit_mismatch'"
        mismatches_before = con_rows(tmp_path, mismatches_sql)[0][0]
        policy = project / "seeds" / "benefit_policy.csv"
        old_row, new_row = (
            "230800,2025,390,price_class_1,1000.00,0.6000,",
            "230800,2025,390,price_class_1,1000.00,0.6500,",
        )
        assert old_row in policy.read_text(encoding="utf-8")
        policy.write_text(policy.read_text(encoding="utf-8").replace(old_row, new_row), encoding="utf-8")
        model = project / "models" / "core" / "fct_contribution.sql"
        last_column = "    {{ yibao.written_at() }} as _written_at\nfrom contributions"
        assert last_column in model.read_text(encoding="utf-8")
        model.write_text(
            model.read_text(encoding="utf-8").replace(last_column, "    'v2' as logic_version,\n" + last_column),
            encoding="utf-8",
        )
        assert nightly() == 0
        assert con_rows(tmp_path, mismatches_sql)[0][0] > mismatches_before
        assert con_rows(tmp_path, "select count(*) from core.fct_contribution where logic_version is null") == [(0,)]
        tables = all_tables(tmp_path)
        incremental = {t: dump(tmp_path, t) for t in tables}

        assert dbt_build(["--quiet", "--full-refresh"]) == 0
        full = {t: dump(tmp_path, t) for t in tables}
    assert len(tables) > 38 and "staging.stg_psn_info" in tables and "dq.dq_exceptions" in tables
    differ = [t for t in tables if t not in PER_RUN and not t.startswith(PER_RUN_PREFIX) and incremental[t] != full[t]]
    assert not differ, f"incremental differs from --full-refresh in {differ}"
