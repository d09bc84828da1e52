-- grain: one person (person_id) x reporting month in which the person had an active 310 or 390 enrollment
-- The person is assigned to the covering row with the latest span_start, ties to the larger
-- psn_insu_rlts_id (DESIGN §4 booking rules), so each person counts once per month, in one county.
-- A window, measured against five max_by over a string of the booking order: 3 s against 7-8 s for this model
-- on 500,000 persons (docs/PERFORMANCE.md).
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
        row_number() over (
            partition by spans.person_id, months.month_end
            order by spans.span_start desc, spans.psn_insu_rlts_id desc
        ) as assignment_rank
    from months
    inner join spans
        on months.period_end >= spans.span_start
            and (spans.span_end is null or months.period_end < spans.span_end)
)

select
    month_end,
    person_id,
    psn_insu_rlts_id,
    insutype,
    psn_type,
    psn_class,
    insu_admdvs
from covering
where assignment_rank = 1
