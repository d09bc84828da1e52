-- Contribution lines for a psn_no that psn_info does not know.
-- Incremental: a run judges the lines of int_scope__contributions, which holds the lines of person records loaded since
-- the last complete run (a person record can arrive after its contributions); the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select clct_id from {{ ref('int_scope__contributions') }}")) }}
-- depends_on: {{ ref('int_scope__contributions') }} (the scope, read by an incremental run only)

with judged as (
    select
        clct_id,
        psn_no,
        insu_admdvs
    from {{ ref('fct_contribution') }}
    {%- if is_incremental() %}
    where clct_id in (select clct_id from {{ ref('int_scope__contributions') }})
    {%- endif %}
)

select
    'clct_unknown_person' as rule_id,
    contributions.insu_admdvs as admdvs,
    contributions.clct_id as entity_key,
    {{ dbt.concat(["'人员编号不存在：'", "contributions.psn_no"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from judged as contributions
left join {{ ref('stg_psn_info') }} as persons
    on contributions.psn_no = persons.psn_no
where persons.psn_no is null
