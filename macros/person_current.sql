{#- Each person's tracked attributes on the as-of date: the select of int_person__current, and of
    int_person__changed for the persons of `scope` (a select of person_id). The scope is applied to each input before
    its window, joins and aggregates: filtering the view's output instead made DuckDB compute every person first
    (1.5 s at 2 M persons against 0.3 s, docs/PERFORMANCE.md). -#}
{% macro person_current(scope=none) -%}
with
{%- if scope %}
scope_persons as {{ yibao.cte_computed_once() }} (
    {{ scope }}
),
{%- endif %}

as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_calendar__months') }}
),

person_versions as (
    select
        person_key,
        person_id,
        gend,
        extract(year from brdy) as birth_year,
        hsreg_admdvs,
        surv_stas,
        updt_time,
        row_number() over (partition by person_id order by updt_time desc, psn_no desc) as version_rank
    from {{ ref('stg_psn_info') }}
    {%- if scope %}
    where person_id in (select person_id from scope_persons)
    {%- endif %}
),

persons as (
    select * from person_versions
    where version_rank = 1
),

enrollment_changes as (
    select
        spans.person_id,
        max(insu.updt_time) as last_enrollment_change
    from {{ ref('fct_enrollment_span') }} as spans
    inner join {{ ref('stg_psn_insu') }} as insu
        on spans.psn_insu_rlts_id = insu.psn_insu_rlts_id
    {%- if scope %}
    where spans.person_id in (select person_id from scope_persons)
    {%- endif %}
    group by spans.person_id
),

current_month as (
    select
        person_month.person_id,
        person_month.insutype,
        person_month.insu_admdvs,
        person_month.psn_type,
        person_month.psn_class
    from {{ ref('fct_person_month') }} as person_month
    inner join {{ ref('int_calendar__months') }} as months
        on person_month.month_end = months.month_end
            and months.period_end = months.as_of_date
    {%- if scope %}
    where person_month.person_id in (select person_id from scope_persons)
    {%- endif %}
),

roster_now as (
    select
        roster.person_id,
        max(case when roster.psn_idet_type = '2101' then 1 else 0 end) as is_dibao,
        max(case when roster.psn_idet_type = '2102' then 1 else 0 end) as is_tekun,
        max(case when roster.psn_idet_type = '2201' then 1 else 0 end) as is_monitored,
        max(case when roster.psn_idet_type = '2301' then 1 else 0 end) as is_orphan,
        max(case when roster.psn_idet_type = '2401' then 1 else 0 end) as is_disabled,
        max(case when roster.psn_idet_type = '2501' then 1 else 0 end) as is_veteran,
        max(cast(roster._delivery_date as timestamp)) as last_roster_delivery
    from {{ ref('int_kpop__roster_lines') }} as roster
    cross join as_of
    where roster.begndate <= as_of.as_of_date
        and (roster.enddate is null or as_of.as_of_date <= roster.enddate)
    group by roster.person_id
)

select
    persons.person_key,
    persons.person_id,
    persons.gend,
    persons.birth_year,
    persons.hsreg_admdvs,
    persons.surv_stas,
    current_month.insutype,
    current_month.insu_admdvs,
    current_month.psn_type,
    current_month.psn_class,
    coalesce(roster_now.is_dibao, 0) = 1 as is_dibao,
    coalesce(roster_now.is_tekun, 0) = 1 as is_tekun,
    coalesce(roster_now.is_monitored, 0) = 1 as is_monitored,
    coalesce(roster_now.is_orphan, 0) = 1 as is_orphan,
    coalesce(roster_now.is_disabled, 0) = 1 as is_disabled,
    coalesce(roster_now.is_veteran, 0) = 1 as is_veteran,
    roster_now.person_id is not null as is_key_group,
    greatest(
        persons.updt_time,
        coalesce(enrollment_changes.last_enrollment_change, persons.updt_time),
        coalesce(roster_now.last_roster_delivery, persons.updt_time)
    ) as updated_at
from persons
left join enrollment_changes
    on persons.person_id = enrollment_changes.person_id
left join current_month
    on persons.person_id = current_month.person_id
left join roster_now
    on persons.person_id = roster_now.person_id
{%- endmacro %}
