-- grain: one person (person_id) x reporting month in which the person had an active 310 or 390 enrollment
-- counted: whether the person counts as insured this month (DESIGN §5): an employee always, a resident only once a
-- normal, arrived contribution of the scheme pays for the month's year (net of reversals, arrived by period_end).
-- An enrolled resident who has not paid is a row with counted false (参保未缴费), never an insured person.
-- hsreg_admdvs is the 户籍 county of the person's latest person record, for coverage on the registered base.
-- The person is assigned to the covering row with the latest span_start, ties to the larger
-- psn_insu_rlts_id (DESIGN §4 booking rules), so each person counts once per month, in one county. A person whose
-- record says deceased counts nowhere from the month after the first version that said so (int_person__deaths).
-- Only a span that shares a day with another of the person's 310/390 spans can meet a rival in a month, so only
-- those go through the ranking window; every other span is the sole candidate of each month it covers. A window
-- over every person-month cost 10 s of CPU in the full build at 2 M persons, this split 1 s (docs/PERFORMANCE.md).
-- The month is judged on its period_end (int_calendar__months), which the row does not keep: in the current month it
-- moves each day, and a row stands until the person's coverage on it can change.
-- Incremental: a run judges again every month of the persons of int_scope__persons (whose enrollments or person
-- record were loaded since the last complete run, now or before a record or number moved, and those whose enrollment
-- starts or stops, or whose premium arrives, on a day the judging day passed), and, for everyone, the months of
-- int_scope__months (new to the calendar). Their stored rows are replaced, so a back-dated stop takes months away.
{{ config(**yibao.incremental_config(
    ['person_id', 'month_end'],
    replace_where="person_id in (select person_id from {{ ref('int_scope__persons') }})
        or month_end in (select month_end from {{ ref('int_scope__months') }})
        or month_end not in (select month_end from {{ ref('int_calendar__months') }})"
)) }}
-- depends_on: {{ ref('int_scope__persons') }}, {{ ref('int_scope__months') }} (the scope, read by an incremental run only)

-- In an incremental run the persons judged are those of int_scope__persons, and everyone when a month is new to the
-- calendar. Their spans, premiums and person records are taken before the windows and sums (filtering after them made
-- a night of 26,000 persons compute all 2 M: 5.5 s against 0.4 s for the select, docs/PERFORMANCE.md).
{% set judged_persons -%}
(
        person_id in (select person_id from {{ ref('int_scope__persons') }})
        or exists (select 1 from {{ ref('int_scope__months') }})
    )
{%- endset %}

with months as (
    select
        month_end,
        period_end
    from {{ ref('int_calendar__months') }}
),

enrollments as (
    select * from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
    {%- if is_incremental() %}
        and {{ judged_persons }}
    {%- endif %}
),

-- the 户籍 county of the latest version of the person's record (as int_person__current takes it), carried on the
-- person's spans: joined to the 25 M person-months instead, it cost 13 s more of the full build at 2 M persons
households as (
    select
        person_id,
        hsreg_admdvs,
        row_number() over (partition by person_id order by updt_time desc, psn_no desc) as version_rank
    from {{ ref('stg_psn_info') }}
    {%- if is_incremental() %}
    where {{ judged_persons }}
    {%- endif %}
),

-- shares_a_day: the span overlaps another of the person's spans - one that starts no later and ends after this
-- one starts (the running latest end before it), or the next to start, before this one ends (null = open)
spans as (
    select
        enrollments.*,
        households.hsreg_admdvs,
        coalesce(
            max({{ yibao.open_end('enrollments.span_end') }}) over (
                partition by enrollments.person_id order by enrollments.span_start, enrollments.psn_insu_rlts_id
                rows between unbounded preceding and 1 preceding
            ) > enrollments.span_start, false
        )
        or coalesce(
            lead(enrollments.span_start) over (
                partition by enrollments.person_id order by enrollments.span_start, enrollments.psn_insu_rlts_id
            ) < {{ yibao.open_end('enrollments.span_end') }}, false
        ) as shares_a_day
    from enrollments
    left join households
        on enrollments.person_id = households.person_id and households.version_rank = 1
),

{% if is_incremental() %}
judged_months as (
    select months.*
    from months
    where month_end in (select month_end from {{ ref('int_scope__months') }})
),

other_months as (
    select months.*
    from months
    where month_end not in (select month_end from {{ ref('int_scope__months') }})
),

-- filtered before the range join (DuckDB would otherwise join every span first)
touched_spans as (
    select spans.*
    from spans
    where person_id in (select person_id from {{ ref('int_scope__persons') }})
),
{% endif %}

candidates as (
    {%- set pairs = [('judged_months', 'spans'), ('other_months', 'touched_spans')] if is_incremental() else [('months', 'spans')] %}
    {%- for month_set, span_set in pairs %}
    select
        {{ month_set }}.month_end,
        {{ month_set }}.period_end,
        {{ span_set }}.person_id,
        {{ span_set }}.psn_insu_rlts_id,
        {{ span_set }}.insutype,
        {{ span_set }}.psn_type,
        {{ span_set }}.psn_class,
        {{ span_set }}.insu_admdvs,
        {{ span_set }}.span_start,
        {{ span_set }}._loaded_at,
        {{ span_set }}.shares_a_day,
        {{ span_set }}.hsreg_admdvs,
        {{ yibao.written_at() }} as _written_at
    from {{ month_set }}
    inner join {{ span_set }}
        on {{ month_set }}.period_end >= {{ span_set }}.span_start
            and ({{ span_set }}.span_end is null or {{ month_set }}.period_end < {{ span_set }}.span_end)
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- the sole candidate of its month (rank 1), and for a span that shares a day with another, the covering span
-- with the latest start
ranked as (
    select
        *,
        cast(1 as bigint) as assignment_rank
    from candidates
    where not shares_a_day
    union all
    select
        *,
        row_number() over (
            partition by person_id, month_end
            order by span_start desc, psn_insu_rlts_id desc
        ) as assignment_rank
    from candidates
    where shares_a_day
),

deaths as (
    select
        person_id,
        counted_through
    from {{ ref('int_person__deaths') }}
),

chosen as (
    select ranked.*
    from ranked
    left join deaths
        on ranked.person_id = deaths.person_id
    where ranked.assignment_rank = 1
        and (deaths.person_id is null or ranked.month_end <= deaths.counted_through)
),

-- the resident premiums (居民个人缴费) by the reporting years they pay for (a back-end row's range can span years):
-- a year is paid from the first arrival of a normal line, when its lines, net of reversals, are positive. Keyed by
-- person and year, so the months join it by equality (a join of every person-month with the lines, aggregated per
-- person-month, cost 30 s more at 2 M persons, docs/PERFORMANCE.md)
premium_lines as (
    select
        person_id,
        cast(substr(accrual_ym, 1, 4) as integer) as first_year,
        cast(substr(accrual_ym_end, 1, 4) as integer) as last_year,
        clct_amt,
        arvl_date,
        is_reversal
    from {{ ref('fct_contribution') }}
    where insutype = '390' and period_is_months
    {%- if is_incremental() %}
        and {{ judged_persons }}
    {%- endif %}
),

paid_years as (
    select
        premium_lines.person_id,
        years.paid_year,
        min(case when not premium_lines.is_reversal then premium_lines.arvl_date end) as paid_on
    from premium_lines
    inner join (
        select distinct extract(year from month_end) as paid_year from months
    ) as years
        on years.paid_year between premium_lines.first_year and premium_lines.last_year
    group by premium_lines.person_id, years.paid_year
    having sum(premium_lines.clct_amt) > 0
)

select
    chosen.month_end,
    chosen.person_id,
    chosen.psn_insu_rlts_id,
    chosen.insutype,
    chosen.psn_type,
    chosen.psn_class,
    chosen.insu_admdvs,
    chosen.hsreg_admdvs,
    chosen.insutype <> '390' or coalesce(paid_years.paid_on <= chosen.period_end, false) as counted,
    chosen._loaded_at,
    chosen._written_at
from chosen
left join paid_years
    on chosen.person_id = paid_years.person_id and extract(year from chosen.month_end) = paid_years.paid_year
