-- 重复参保（跨区县）: one person (certno, as person_id) with active enrollments in the same scheme in two counties
-- that overlap in time, under one psn_no or several.
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
    {%- if is_incremental() %}
    where person_id in (select person_id from {{ ref('int_scope__persons') }})
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
    'dup_enrollment_cross_county' as rule_id,
    overlapping.admdvs,
    coalesce(persons.first_psn_no, overlapping.first_enrolled_psn_no) as entity_key,
    {{ dbt.concat(["'跨区县重叠参保：'", "overlapping.detail"]) }} as detail,
    persons.certno_masked
from overlapping
left join persons
    on overlapping.person_id = persons.person_id
