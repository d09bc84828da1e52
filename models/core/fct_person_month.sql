-- grain: one person (person_id) x reporting month in which the person had an active 310 or 390 enrollment
-- The person is assigned to the covering row with the latest span_start, ties to the larger
-- psn_insu_rlts_id (DESIGN §4 booking rules), so each person counts once per month, in one county.
-- Only a span that shares a day with another of the person's 310/390 spans can meet a rival in a month, so only
-- those go through the ranking window; every other span is the sole candidate of each month it covers. A window
-- over every person-month cost 10 s of CPU in the full build at 2 M persons, this split 1 s (docs/PERFORMANCE.md).
-- Incremental (replace_scope): a nightly run judges a month new to the calendar for everyone, and every month of the
-- persons whose enrollments or person record the run's deliveries touched. When a stored month's judging day moves
-- (the current month, each day), only a person with a span that starts or ends between the old day and the new one
-- can change in it: those persons are judged again, and the post-hook moves the other rows' period_end to the new
-- day. A back-dated stop can take months away from a person; the scope rows remove them.
{{ config(**yibao.incremental_config(
    ['person_id', 'month_end'], scope_columns=['person_id', 'month_end'], row_column='psn_insu_rlts_id'
)) }}
{{ config(post_hook="{{ yibao.restamp_period_end(this) }}") }}
-- depends_on: {{ ref('stg_psn_insu') }}, {{ ref('stg_psn_info') }} (read by an incremental run only)

with months as (
    select
        month_end,
        period_end
    from {{ ref('int_calendar__months') }}
),

-- shares_a_day: the span overlaps another of the person's spans - one that starts no later and ends after this
-- one starts (the running latest end before it), or the next to start, before this one ends (null = open)
spans as (
    select
        *,
        coalesce(
            max({{ yibao.open_end('span_end') }}) over (
                partition by person_id order by span_start, psn_insu_rlts_id
                rows between unbounded preceding and 1 preceding
            ) > span_start, false
        )
        or coalesce(
            lead(span_start) over (partition by person_id order by span_start, psn_insu_rlts_id)
            < {{ yibao.open_end('span_end') }}, false
        ) as shares_a_day
    from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
),

{% if is_incremental() %}
stored_months as (
    select
        month_end,
        min(period_end) as first_period_end,
        max(period_end) as last_period_end
    from {{ this }}
    group by month_end
),

-- months new to the calendar, months gone from it, and (never after a good run) a month stored with two judging days
months_to_judge as (
    select months.month_end
    from months
    left join stored_months
        on months.month_end = stored_months.month_end
    where stored_months.month_end is null
        or stored_months.first_period_end <> stored_months.last_period_end
    union
    select stored_months.month_end
    from stored_months
    left join months
        on stored_months.month_end = months.month_end
    where months.month_end is null
),

-- stored months whose judging day moved, with the days between the old one (excluded) and the new one (included)
moved_months as (
    select
        months.month_end,
        least(stored_months.first_period_end, months.period_end) as moved_after,
        greatest(stored_months.first_period_end, months.period_end) as moved_through
    from months
    inner join stored_months
        on months.month_end = stored_months.month_end
    where stored_months.first_period_end = stored_months.last_period_end
        and stored_months.first_period_end <> months.period_end
),

-- enrollment records loaded since the last run, or whose person record was (it can change their person_id)
touched_enrollments as (
    select psn_insu_rlts_id from {{ ref('stg_psn_insu') }}
    where _loaded_at > (select max(stored._loaded_at) from {{ this }} as stored)
    union
    select insu.psn_insu_rlts_id
    from {{ ref('stg_psn_insu') }} as insu
    inner join {{ ref('stg_psn_info') }} as info
        on insu.psn_no = info.psn_no
    where info._loaded_at > (select max(stored._loaded_at) from {{ this }} as stored)
),

-- their persons now, and the persons they were assigned to before (a record can move, stop or lose its person);
-- and the persons with a span that starts or ends within the days a moved month's judging day passed over (whether a
-- span covers the judging day changes only then; span_end is the first day not covered)
persons_to_judge as (
    select spans.person_id
    from spans
    inner join touched_enrollments
        on spans.psn_insu_rlts_id = touched_enrollments.psn_insu_rlts_id
    union
    select stored.person_id
    from {{ this }} as stored
    inner join touched_enrollments
        on stored.psn_insu_rlts_id = touched_enrollments.psn_insu_rlts_id
    union
    select bounded.person_id
    from {{ ref('fct_enrollment_span') }} as bounded
    inner join moved_months
        on (bounded.span_start > moved_months.moved_after and bounded.span_start <= moved_months.moved_through)
            or (bounded.span_end > moved_months.moved_after and bounded.span_end <= moved_months.moved_through)
    where bounded.insutype in ('310', '390')
),

judged_months as (
    select months.*
    from months
    inner join months_to_judge
        on months.month_end = months_to_judge.month_end
),

other_months as (
    select months.*
    from months
    left join months_to_judge
        on months.month_end = months_to_judge.month_end
    where months_to_judge.month_end is null
),

-- filtered before the range join (DuckDB would otherwise join every span first)
touched_spans as {{ yibao.materialized() }} (
    select spans.*
    from spans
    inner join persons_to_judge
        on spans.person_id = persons_to_judge.person_id
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
)

{%- set columns = ['month_end', 'person_id', 'psn_insu_rlts_id', 'insutype', 'psn_type', 'psn_class', 'insu_admdvs',
                   'period_end', '_loaded_at', '_written_at'] %}

select
{%- for column in columns %}
    {{ column }}{% if not loop.last %},{% endif %}
{%- endfor %}
from ranked
where assignment_rank = 1
{%- if is_incremental() %}
-- the scopes this run replaces (macros/replace_scope.sql)
union all
{{ yibao.replace_scope_rows(columns, 'person_id', 'persons_to_judge') }}
union all
{{ yibao.replace_scope_rows(columns, 'month_end', 'months_to_judge') }}
{%- endif %}
