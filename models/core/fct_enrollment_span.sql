-- grain: one enrollment spell (参保区间): psn_insu_rlts_id x spell_no, as person x scheme x county x [span_start, span_end)
-- span_end is exclusive and null while open; spells whose status never covers a day (0 and 3 by default, seeds/
-- psn_insu_stas.csv) are left out. The platform rewrites one row per person x scheme at each pause and re-enrolment,
-- so the spells come from every delivered version (DESIGN §4 Active enrollment): in delivery order, a version opens a
-- new spell when its start differs from the previous version's and the previous version was paused on or before that
-- start; otherwise it corrects the spell it follows. A spell takes its last version.
-- Before the first delivered version no version tells the history: where a record's person was first enrolled before
-- its earliest known start (first_insu_date, the back-end's PSN_INSU_DATE), the months between that paid contributions
-- cover (int_contribution__months: arrived, net of reversals), and no known spell of the person in the scheme does,
-- become spells of their own, numbered 0, -1, ... back in time, with span_source 'paid_contributions' (DESIGN §4: the
-- platform's own statistics count from them).
-- Incremental: a run takes again the enrollment records of int_scope__enrollments (loaded since the last complete run,
-- or of a number whose person record was: it can change their person_id). Their stored rows are replaced, so a record
-- that no longer covers a day (a stop to status 0 or 3, or an end moved back to its start) leaves the table.
{{ config(**yibao.incremental_config(
    'psn_insu_rlts_id',
    replace_where="psn_insu_rlts_id in (select psn_insu_rlts_id from {{ ref('int_scope__enrollments') }})"
)) }}
-- depends_on: {{ ref('int_scope__enrollments') }} (the scope, read by an incremental run only)

with versions as (
    select
        *,
        row_number() over (
            partition by psn_insu_rlts_id order by updt_time, _delivery_date, _row_number
        ) as version_no,
        max(_loaded_at) over (partition by psn_insu_rlts_id) as record_loaded_at,
        min(psn_insu_date) over (partition by psn_insu_rlts_id) as known_from
    from {{ ref('stg_psn_insu__versions') }}
    {%- if is_incremental() %}
    where psn_insu_rlts_id in (select psn_insu_rlts_id from {{ ref('int_scope__enrollments') }})
    {%- endif %}
),

opened as (
    select
        *,
        case
            when lag(psn_insu_date) over (partition by psn_insu_rlts_id order by version_no) <> psn_insu_date
                and lag(paus_insu_date) over (partition by psn_insu_rlts_id order by version_no) <= psn_insu_date
                then 1
            else 0
        end as opens_spell
    from versions
),

numbered as (
    select
        *,
        1 + sum(opens_spell) over (
            partition by psn_insu_rlts_id order by version_no rows between unbounded preceding and current row
        ) as spell_no
    from opened
),

-- each spell as its last version says
enrollment as (
    select *
    from (
        select
            *,
            row_number() over (partition by psn_insu_rlts_id, spell_no order by version_no desc) as rank_in_spell
        from numbered
    ) as ranked
    where rank_in_spell = 1
),

-- records whose person was enrolled before any version of theirs starts: the first version, and the months it leaves
-- untold
unknown_history as (
    select *
    from versions
    where version_no = 1
        and first_insu_date < known_from
),

paid_months as (
    select
        history.psn_insu_rlts_id,
        months.month_start,
        {{ dbt.datediff('history.first_insu_date', 'months.month_start', 'month') }} as month_no
    from unknown_history as history
    inner join {{ ref('int_contribution__months') }} as months
        on history.psn_no = months.psn_no
            and history.insutype = months.insutype
    where months.month_end < history.known_from
        and months.month_start >= cast({{ dbt.date_trunc('month', 'history.first_insu_date') }} as date)
        -- a month a known spell of the person's other records covers is theirs (a move between counties)
        and not exists (
            select 1 from enrollment as known
            where known.psn_no = months.psn_no
                and known.insutype = months.insutype
                and known.psn_insu_date <= months.month_end
                and (known.paus_insu_date is null or known.paus_insu_date > months.month_start)
        )
    group by history.psn_insu_rlts_id, months.month_start, history.first_insu_date
    having sum(months.clct_amt) > 0
),

-- consecutive paid months make one spell, [first month's first day, the day after the last month)
paid_runs as (
    select
        psn_insu_rlts_id,
        min(month_start) as span_start,
        max(month_start) as last_month_start
    from (
        select
            *,
            month_no - row_number() over (partition by psn_insu_rlts_id order by month_start) as run_no
        from paid_months
    ) as numbered_months
    group by psn_insu_rlts_id, run_no
),

paid_spells as (
    select
        history.*,
        1 - row_number() over (
            partition by paid_runs.psn_insu_rlts_id order by paid_runs.span_start desc
        ) as paid_spell_no,
        paid_runs.span_start as paid_span_start,
        cast({{ dbt.dateadd('month', 1, 'paid_runs.last_month_start') }} as date) as paid_span_end
    from paid_runs
    inner join unknown_history as history
        on paid_runs.psn_insu_rlts_id = history.psn_insu_rlts_id
),

spells as (
    select
        psn_insu_rlts_id,
        spell_no,
        psn_no,
        insutype,
        psn_type,
        insu_admdvs,
        emp_no,
        cvlserv_flag,
        psn_insu_stas,
        psn_insu_date as span_start,
        paus_insu_date as span_end,
        'enrollment' as span_source,
        record_loaded_at
    from enrollment
    where paus_insu_date is null
        or paus_insu_date > psn_insu_date
    union all
    select
        psn_insu_rlts_id,
        paid_spell_no,
        psn_no,
        insutype,
        psn_type,
        insu_admdvs,
        emp_no,
        cvlserv_flag,
        '1' as psn_insu_stas,  -- 正常参保: paid for
        paid_span_start,
        paid_span_end,
        'paid_contributions' as span_source,
        record_loaded_at
    from paid_spells
),

persons as (
    select
        psn_no,
        person_id,
        _loaded_at
    from {{ ref('stg_psn_info') }}
),

statuses as (
    select psn_insu_stas from {{ ref('psn_insu_stas') }}
    where can_cover
)

select
    spells.psn_insu_rlts_id,
    spells.spell_no,
    coalesce(persons.person_id, {{ person_id(person_key('null', 'spells.psn_no')) }}) as person_id,
    spells.psn_no,
    spells.insutype,
    spells.psn_type,
    substr(spells.psn_type, 1, 2) as psn_class,
    spells.insu_admdvs,
    spells.emp_no,
    spells.cvlserv_flag,
    spells.psn_insu_stas,
    spells.span_start,
    spells.span_end,
    spells.span_source,
    -- the later of the enrollment's and the person's load: a new person record can change the span's person_id
    greatest(spells.record_loaded_at, persons._loaded_at) as _loaded_at,  -- greatest skips a null person load
    {{ yibao.written_at() }} as _written_at
from spells
inner join statuses
    on spells.psn_insu_stas = statuses.psn_insu_stas
left join persons
    on spells.psn_no = persons.psn_no
