-- grain: one person (person_id) x reporting month in which the person had an active 310 or 390 enrollment
-- The person is assigned to the covering row with the latest span_start, ties to the larger
-- psn_insu_rlts_id (DESIGN §4 booking rules), so each person counts once per month, in one county.
with months as (
    select
        month_end,
        period_end
    from {{ ref('int_calendar__months') }}
),

spans as (
    select * from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
),

covering as (
    select
        months.month_end,
        spans.person_id,
        spans.psn_insu_rlts_id,
        spans.insutype,
        spans.psn_type,
        spans.psn_class,
        spans.insu_admdvs,
        -- the booking rule's order as one sortable string: span_start (fixed-width ISO date), then the record id
        {{ dbt.concat(["cast(spans.span_start as " ~ dbt.type_string() ~ ")", "'|'", "spans.psn_insu_rlts_id"]) }}
            as assignment_order
    from months
    inner join spans
        on months.period_end >= spans.span_start
            and (spans.span_end is null or months.period_end < spans.span_end)
)

-- one aggregate per person and month instead of a window over every covering row
select
    month_end,
    person_id,
    max_by(psn_insu_rlts_id, assignment_order) as psn_insu_rlts_id,
    max_by(insutype, assignment_order) as insutype,
    max_by(psn_type, assignment_order) as psn_type,
    max_by(psn_class, assignment_order) as psn_class,
    max_by(insu_admdvs, assignment_order) as insu_admdvs
from covering
group by month_end, person_id
