-- Contract check (warn): a booked contribution line whose period (费款所属期) is not a month YYYYMM, or ends before it
-- starts. Its money is booked by arrival all the same; it has no months in int_contribution__months, so it tells no
-- paid coverage. Ask the platform to re-send the line with its period.
{{ config(severity='warn', tags=['contract']) }}

select
    clct_id,
    accrual_ym,
    accrual_ym_end
from {{ ref('fct_contribution') }}
where not period_is_months
