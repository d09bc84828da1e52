-- 重复参保: one person (psn_no) with active 310 and 390 enrollments that overlap in time.
-- Half-open spans: a move with the old row ending on the day the new one starts is not an overlap.
with spans as (
    select psn_no, insutype, insu_admdvs, span_start, coalesce(span_end, cast('9999-12-31' as date)) as span_end
    from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
),

overlapping as (
    select
        employee.psn_no,
        min(employee.insu_admdvs) as admdvs,
        min(greatest(employee.span_start, resident.span_start)) as overlap_from
    from spans as employee
    inner join spans as resident
        on employee.psn_no = resident.psn_no
       and employee.insutype = '310'
       and resident.insutype = '390'
       and employee.span_start < resident.span_end
       and resident.span_start < employee.span_end
    group by employee.psn_no
)

select
    'dup_enrollment_cross_scheme' as rule_id,
    overlapping.admdvs,
    overlapping.psn_no as entity_key,
    {{ dbt.concat(["'职工医保与居民医保参保重叠，起始于 '", "cast(overlapping.overlap_from as " ~ dbt.type_string() ~ ")"]) }} as detail,
    persons.certno_masked
from overlapping
left join {{ ref('stg_psn_info') }} as persons
    on overlapping.psn_no = persons.psn_no
