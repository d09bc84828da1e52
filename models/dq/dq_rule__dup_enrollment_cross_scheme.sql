-- 重复参保: one person (certno, as person_id) with active 310 and 390 enrollments that overlap in time, under one
-- psn_no or several. The commonest real case is one certno enrolled under two psn_no, once in each scheme.
-- Half-open spans: a move with the old row ending on the day the new one starts is not an overlap.
-- Incremental: a run judges again the persons of int_scope__persons (touched since the last complete run, now or
-- before a corrected ID number moved one of their numbers); their entity keys, old and new, are among the numbers of
-- int_scope__person_numbers, whose stored exceptions are replaced.
{{ config(**yibao.dq_rule_incremental_config("select psn_no from {{ ref('int_scope__person_numbers') }}")) }}
-- depends_on: {{ ref('int_scope__persons') }}, {{ ref('int_scope__person_numbers') }} (the scope, read by an incremental run only)

with spans as (
    select
        person_id,
        psn_no,
        insutype,
        insu_admdvs,
        span_start,
        {{ yibao.open_end('span_end') }} as span_end
    from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
    {%- if is_incremental() %}
        and person_id in (select person_id from {{ ref('int_scope__persons') }})
    {%- endif %}
),

overlapping as (
    select
        employee.person_id,
        min(employee.insu_admdvs) as admdvs,
        min(greatest(employee.span_start, resident.span_start)) as overlap_from,
        min(least(employee.psn_no, resident.psn_no)) as first_enrolled_psn_no,
        max(case when employee.psn_no <> resident.psn_no then 1 else 0 end) as across_numbers
    from spans as employee
    inner join spans as resident
        on employee.person_id = resident.person_id
            and employee.insutype = '310'
            and resident.insutype = '390'
            and employee.span_start < resident.span_end
            and employee.span_end > resident.span_start
    group by employee.person_id
),

-- each person's entity key (their smallest psn_no) and masked ID number
persons as (
    select distinct
        person_id,
        first_psn_no,
        certno_masked
    from {{ ref('int_person__numbers') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from {{ ref('int_scope__persons') }})
    {%- endif %}
)

select
    'dup_enrollment_cross_scheme' as rule_id,
    overlapping.admdvs,
    coalesce(persons.first_psn_no, overlapping.first_enrolled_psn_no) as entity_key,
    {{ dbt.concat(["'职工医保与居民医保参保重叠，起始于 '", "cast(overlapping.overlap_from as " ~ dbt.type_string() ~ ")",
                   "case when overlapping.across_numbers = 1 then '（分属不同人员编号）' else '' end"]) }} as detail,
    persons.certno_masked
from overlapping
left join persons
    on overlapping.person_id = persons.person_id
