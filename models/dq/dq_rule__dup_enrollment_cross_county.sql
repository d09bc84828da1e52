-- 重复参保（跨区县）: one person (certno, as person_id) with active enrollments in the same scheme in two counties
-- that overlap in time, under one psn_no or several.
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
    {%- if is_incremental() %}
    where person_id in (select person_id from touched)
    {%- endif %}
),

overlapping as (
    select
        one.person_id,
        min(one.insu_admdvs) as admdvs,
        min(least(one.psn_no, other.psn_no)) as first_enrolled_psn_no,
        min({{ dbt.concat(["one.insutype", "' 险种，区县 '", "one.insu_admdvs", "' 与 '", "other.insu_admdvs",
                           "case when one.psn_no <> other.psn_no then '（分属不同人员编号）' else '' end"]) }}) as detail
    from spans as one
    inner join spans as other
        on one.person_id = other.person_id
            and one.insutype = other.insutype
            and one.insu_admdvs < other.insu_admdvs
            and one.span_start < other.span_end
            and one.span_end > other.span_start
    group by one.person_id
),

{{ yibao.dq_person_entity_ctes() }}

select
    'dup_enrollment_cross_county' as rule_id,
    overlapping.admdvs,
    coalesce(persons.first_psn_no, overlapping.first_enrolled_psn_no) as entity_key,
    {{ dbt.concat(["'跨区县重叠参保：'", "overlapping.detail"]) }} as detail,
    persons.certno_masked
from overlapping
left join persons
    on overlapping.person_id = persons.person_id
{{ yibao.dq_rule_scope_rows() }}
