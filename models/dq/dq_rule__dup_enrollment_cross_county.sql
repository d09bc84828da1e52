-- 重复参保（跨区县）: one person with active enrollments in the same scheme in two counties that overlap.
with spans as (
    select psn_no, insutype, insu_admdvs, span_start, coalesce(span_end, cast('9999-12-31' as date)) as span_end
    from {{ ref('fct_enrollment_span') }}
),

overlapping as (
    select
        one.psn_no,
        min(one.insu_admdvs) as admdvs,
        min({{ dbt.concat(["one.insutype", "' 险种，区县 '", "one.insu_admdvs", "' 与 '", "other.insu_admdvs"]) }}) as detail
    from spans as one
    inner join spans as other
        on one.psn_no = other.psn_no
       and one.insutype = other.insutype
       and one.insu_admdvs < other.insu_admdvs
       and one.span_start < other.span_end
       and other.span_start < one.span_end
    group by one.psn_no
)

select
    'dup_enrollment_cross_county' as rule_id,
    overlapping.admdvs,
    overlapping.psn_no as entity_key,
    {{ dbt.concat(["'跨区县重叠参保：'", "overlapping.detail"]) }} as detail,
    persons.certno_masked
from overlapping
left join {{ ref('stg_psn_info') }} as persons
    on overlapping.psn_no = persons.psn_no
