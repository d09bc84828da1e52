-- The clock of this run (增量范围): one row. The scope models take the raw rows loaded after loaded_since, the latest
-- load a complete run judged (ops.build_watermark; 1900-01-01 before the first), and the months whose judging day
-- can have moved since its as-of date. loaded_through and as_of_date, this run's, become the next run's once this run
-- has built every incremental model (macros/build_watermark.sql).
{{ config(materialized='table') }}

with last_run as (
    select
        max(loaded_through) as loaded_through,
        max(as_of_date) as as_of_date,
        max(written_through) as written_through
    from {{ ref('stg_build_watermark') }}
)

select
    coalesce(last_run.loaded_through, cast('1900-01-01' as {{ dbt.type_timestamp() }})) as loaded_since,
    coalesce(last_run.as_of_date, cast('1900-01-01' as date)) as as_of_since,
    coalesce(last_run.written_through, cast('1900-01-01' as {{ dbt.type_timestamp() }})) as written_since,
    (
        select max(loaded_at) from {{ ref('stg_loaded_files') }}
        where status = 'loaded'
    ) as loaded_through,
    (select max(as_of_date) from {{ ref('int_calendar__months') }}) as as_of_date
from last_run
