-- 文件装载记录: one row per delivered file and what ingest did with it; loaded_at is its rows' _loaded_at in raw.
{{ config(materialized='view') }}

select
    delivery_date,
    file,
    extract,
    status,
    rows_loaded,
    loaded_at
from {{ source('ops', 'loaded_files') }}
