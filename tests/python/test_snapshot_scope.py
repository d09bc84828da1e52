"""The snapshot snp_person reads int_person__changed, the persons it would change, instead of every person. Two
copies of one warehouse take the same nightly deliveries, then a correction delivery (back-dated enrollment changes,
fixed ID numbers): one snapshots the changed persons, the other every person (var snapshot_every_person). Their
histories must be equal, row for row."""

from __future__ import annotations

import shutil

from yibao.build import dbt_build
from yibao.synth import generate
from yibao.synth.corrections import write_corrections

from conftest import con_rows, count, data_env, hold_back_deltas, ingest_into

SNAPSHOT_ONLY = ["--quiet", "--select", "+snp_person", "--indirect-selection", "cautious"]  # and their own tests


def history(data) -> list[tuple]:
    return con_rows(data, "select * from core.snp_person order by all")


def test_snapshot_of_changed_persons_equals_snapshot_of_every_person(tmp_path):
    scoped, every = tmp_path / "scoped", tmp_path / "every"
    generate(persons=1500, seed=23, start="2025-01", end="2025-03", days=2, defect_rate=0.005, out=scoped)
    deltas = hold_back_deltas(scoped)
    with data_env(scoped):
        assert ingest_into(scoped).ok
        assert dbt_build(SNAPSHOT_ONLY) == 0
    shutil.copytree(scoped, every)

    changed_per_night = []
    for night in [*deltas, "corrections"]:
        for data, extra in ((scoped, []), (every, ["--vars", "{snapshot_every_person: true}"])):
            if night == "corrections":
                write_corrections(data / "landing")
            else:
                shutil.move(str(data / "held" / night), data / "landing" / night)
            with data_env(data):
                assert ingest_into(data).ok
                assert dbt_build(SNAPSHOT_ONLY + extra) == 0
        persons = count(every, "select count(*) from core.int_person__changed")
        changed_per_night.append(count(scoped, "select count(*) from core.int_person__changed"))
        assert persons == count(every, "select count(*) from core.int_person__current")

    # the scoped snapshot read a few persons a night, not all of them, and the deliveries made new versions
    assert 0 < max(changed_per_night) < persons / 5, changed_per_night
    assert count(scoped, "select count(*) from core.snp_person where dbt_valid_to is not null") > 0
    assert history(scoped) == history(every)
