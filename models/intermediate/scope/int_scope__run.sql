-- The clock of this run (增量范围): one row. The scope models take the raw rows loaded after loaded_since, the latest
-- load a complete run judged (ops.build_watermark; 1900-01-01 before the first). loaded_through, the latest load now,
-- becomes the next run's loaded_since once this run has built every incremental model (macros/build_watermark.sql).
{{ config(materialized='table') }}

select
    (
        select coalesce(max(loaded_through), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ ref('stg_build_watermark') }}
    ) as loaded_since,
    (select max(loaded_at) from {{ ref('stg_loaded_files') }} where status = 'loaded') as loaded_through
