"""The key tests of the big incremental tables check only the rows written since they last passed
(tests/generic/unique_key_since_checked.sql, macros/checked_through.sql). A duplicate written after a pass must fail
the test, and keep failing until it is gone; with no pass recorded the whole table is checked."""

from __future__ import annotations

import shutil

from yibao.build import dbt

from conftest import data_env, duck

KEY = "fct_settlement(setl_id)"
SELECT = ["--select", "fct_settlement,test_name:unique_key_since_checked"]


def checked_through(data):
    con = duck(data)
    try:
        row = con.execute("select written_through from ops.checked_through where checked_key = ?", [KEY]).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def write(data, sql: str, *params) -> None:
    con = duck(data, read_only=False)
    try:
        con.execute(sql, list(params))
    finally:
        con.close()


def key_test(data) -> int:
    return dbt("test", *SELECT, "--quiet", capture=True).returncode


def test_a_duplicate_written_after_the_last_pass_fails_until_it_is_gone(clean_city, tmp_path):
    city = tmp_path / "city"
    shutil.copytree(clean_city, city)
    passed = checked_through(city)
    assert passed is not None  # the build's tests passed and recorded the run

    # a second row for an existing settlement, written after that pass (as a later nightly would)
    duplicate = "insert into core.fct_settlement select * replace ({} as _written_at) from core.fct_settlement limit 1"
    write(city, duplicate.format("(select max(written_through) from ops.checked_through) + interval 1 minute"))
    with data_env(city):
        assert key_test(city) != 0
        assert checked_through(city) == passed  # a failed test records nothing
        assert key_test(city) != 0  # so the duplicate stays in scope

        write(city, "delete from core.fct_settlement where _written_at > ?", passed)
        assert key_test(city) == 0
        assert checked_through(city) > passed

        # A duplicate pair written before the last pass is not grouped again: that pass checked it. (No run can
        # write one: this shows the test is scoped.) With no pass recorded, the whole table is checked.
        write(city, duplicate.format("timestamp '2000-01-01'"))
        assert key_test(city) == 0
        write(city, "delete from ops.checked_through where checked_key = ?", KEY)
        assert key_test(city) != 0

        # A run that wrote a quarter of the table or more (a --full-refresh) is checked whole, which is cheaper than
        # joining that many keys back: the old duplicate is found again. Below a quarter, only the written keys are.
        write(
            city,
            "insert into ops.checked_through select ?, max(_written_at) + interval 1 minute, now() "
            "from core.fct_settlement",
            KEY,
        )
        rewrite = (
            "update core.fct_settlement set _written_at = {} where setl_id not in "
            "(select setl_id from core.fct_settlement group by setl_id having count(*) > 1) and hash(setl_id) % 100 < ?"
        )
        later = "(select written_through from ops.checked_through where checked_key = '{}') + interval 1 minute"
        write(city, rewrite.format(later.format(KEY)), 10)
        assert key_test(city) == 0  # a tenth written: only their keys are checked
        write(city, rewrite.format(later.format(KEY)), 30)
        assert key_test(city) != 0  # three tenths: the whole table


def test_a_person_id_shared_by_two_pseudonyms_is_found_by_the_scoped_collision_test(clean_city, tmp_path):
    """person_id_is_collision_free checks the person_ids written since its last pass, and the roster's, against every
    row: a collision written after the pass fails it, one from before it is left to that pass, and with no pass
    recorded every person_id is checked."""
    city = tmp_path / "city"
    shutil.copytree(clean_city, city)
    key = "stg_psn_info(person_id,person_key)"
    select = ["--select", "test_name:person_id_is_collision_free", "--quiet"]
    con = duck(city)
    try:
        passed = con.execute("select written_through from ops.checked_through where checked_key = ?", [key]).fetchone()
    finally:
        con.close()
    assert passed is not None  # the build's test passed and recorded the run
    # another number whose pseudonym differs but whose person_id is an existing person's
    collision = (
        "insert into staging.stg_psn_info select * replace (psn_no || 'X' as psn_no, person_key || 'X' as person_key, "
        "{} as _written_at) from staging.stg_psn_info limit 1"
    )
    write(city, collision.format("(select max(written_through) from ops.checked_through) + interval 1 minute"))
    with data_env(city):
        assert dbt("test", *select, capture=True).returncode != 0
        write(city, "delete from staging.stg_psn_info where psn_no like '%X'")
        assert dbt("test", *select, capture=True).returncode == 0
        write(city, collision.format("timestamp '2000-01-01'"))
        assert dbt("test", *select, capture=True).returncode == 0  # before the last pass: that pass checked it
        write(city, "delete from ops.checked_through where checked_key = ?", key)
        assert dbt("test", *select, capture=True).returncode != 0  # no pass recorded: every person_id
