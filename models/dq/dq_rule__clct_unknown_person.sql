-- Contribution lines for a psn_no that psn_info does not know.
-- Incremental (replace_scope on entity_key = clct_id): a nightly run judges the contribution lines loaded since the
-- last run, and the lines of person records loaded since (a person record can arrive after its contributions).
{{ config(**yibao.dq_rule_incremental_config(['fct_contribution', 'stg_psn_info'])) }}

with judged as {{ yibao.materialized() if is_incremental() }} (
    select
        clct_id,
        psn_no,
        insu_admdvs
    from {{ ref('fct_contribution') }}
    {%- if is_incremental() %}
    where _loaded_at > {{ yibao.loaded_through() }}
        or psn_no in (
            select persons.psn_no from {{ ref('stg_psn_info') }} as persons
            where persons._loaded_at > {{ yibao.loaded_through() }}
        )
    {%- endif %}
){% if is_incremental() %},

scope as (
    select clct_id as entity_key from judged
)
{%- endif %}

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
{{ yibao.dq_rule_scope_rows() }}
