-- Exception counts per rule x county x day (数据质量日汇总); the day is the as-of date of the data.
-- Every rule and county has a row each day, zeros included, so a rule that clears shows as zero.
{{ config(**yibao.incremental_config(['day'], on_parquet='insert_overwrite')) }}

with as_of as (
    select max(as_of_date) as day from {{ ref('int_calendar__months') }}
),

grid as (
    select
        rules.rule_id,
        rules.severity,
        regions.admdvs
    from {{ ref('dq_rule') }} as rules
    cross join {{ ref('dim_region') }} as regions
),

counts as (
    select
        rule_id,
        admdvs,
        count(*) as exceptions
    from {{ ref('dq_exceptions') }}
    group by rule_id, admdvs
)

select
    as_of.day,
    grid.rule_id,
    grid.severity,
    grid.admdvs,
    coalesce(counts.exceptions, 0) as exceptions
from grid
cross join as_of
left join counts
    on grid.rule_id = counts.rule_id and grid.admdvs = counts.admdvs
