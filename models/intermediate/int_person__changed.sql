-- The persons of int_person__current the snapshot snp_person would take a new version of (人员属性变更): those it has
-- no current version of, and those whose updated_at is later than their current version's start. These are exactly
-- the rows its timestamp strategy inserts or updates from (dbt's snapshot_staging_table: a source row whose
-- updated_at is not later than the current version's dbt_valid_from makes no change, and hard deletes are ignored),
-- so the snapshot reads these instead of every person: at 2 M persons a nightly's snapshot took 3.8 s over all of
-- them (docs/PERFORMANCE.md). The snapshot is read as a relation, not a ref (it is this model's reader); before the
-- snapshot exists, and on Spark where it is disabled, every person. var snapshot_every_person turns the filter off
-- (tests/python/test_snapshot_scope.py compares the two). A table, though small in a nightly: its key test and the
-- snapshot would each compute int_person__current's view again.
-- Only a load can move a person's updated_at later, or an as-of day that brings a key-group roster line into force.
-- So the view is read for the persons of int_scope__persons (whose person record or enrollment records were loaded
-- since the last complete run) and every person on the roster: macros/person_current.sql, the view's select with that
-- scope applied to its inputs.
{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_psn_info') }}, {{ ref('stg_psn_insu') }}, {{ ref('fct_enrollment_span') }}, {{ ref('fct_person_month') }}
-- depends_on: {{ ref('int_calendar__months') }}, {{ ref('int_kpop__roster_lines') }} (read through macros/person_current.sql)
-- depends_on: {{ ref('int_scope__persons') }} (the scope, read once the snapshot exists)
{%- set stored = adapter.get_relation(database=target.database, schema='core', identifier='snp_person') if execute else none %}
{%- if stored is not none and not var('snapshot_every_person', false) %}
{%- set scope %}
    select person_id from {{ ref('int_scope__persons') }}
    union
    select person_id from {{ ref('int_kpop__roster_lines') }}
{%- endset %}
select persons.*
from ({{ yibao.person_current(scope) }}) as persons
left join {{ stored }} as current_version
    on persons.person_id = current_version.person_id
        and current_version.dbt_valid_to is null
where current_version.person_id is null
    or current_version.dbt_valid_from < persons.updated_at
{%- else %}
select * from {{ ref('int_person__current') }}
{%- endif %}
