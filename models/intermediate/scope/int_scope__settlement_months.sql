-- Months whose settlements this run judges again (本次涉及结算的月份): the month of every version of a settlement of
-- int_scope__settlements, so a settlement re-dated into another month changes both.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    select distinct cast({{ dbt.last_day('cast(versions.setl_time as date)', 'month') }} as date) as month_end
    from {{ ref('stg_setl__versions') }} as versions
    where versions.setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
) as scope
where {{ scope_filled() }}
