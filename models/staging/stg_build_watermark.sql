-- 增量水位: the latest raw load a complete dbt run judged (macros/build_watermark.sql); no row before the first.
{{ config(materialized='view') }}

select
    loaded_through,
    as_of_date,
    written_through,
    recorded_at
from {{ source('ops', 'build_watermark') }}
