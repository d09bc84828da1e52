-- 重复参保: one person (certno, as person_id) with active 310 and 390 enrollments that overlap in time, under one
-- psn_no or several. The commonest real case is one certno enrolled under two psn_no, once in each scheme.
-- Half-open spans: a move with the old row ending on the day the new one starts is not an overlap.
-- Incremental (replace_scope on entity_key, the person's first psn_no): a nightly run judges again the persons whose
-- enrollment records or person records were loaded since the last run, now or before a corrected ID number moved
-- one of their numbers (macros/persons_of_numbers.sql); the scope is every number of theirs, so an entity key
-- that changed goes (macros/dq_rule_incremental.sql, dq_person_entity_ctes).
{{ config(**yibao.dq_rule_incremental_config(['stg_psn_info'], raw_sources=['psn_insu'])) }}
-- depends_on: {{ ref('stg_psn_info__versions') }} (read by an incremental run only)

with
{%- if is_incremental() %}
{{ yibao.dq_touched_person_ctes() }}

{%- endif %}

spans as {{ yibao.materialized() if is_incremental() }} (
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
        and person_id in (select person_id from touched)
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

{{ yibao.dq_person_entity_ctes() }}

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
{{ yibao.dq_rule_scope_rows() }}
