-- Contribution lines for a psn_no that psn_info does not know.
select
    'clct_unknown_person' as rule_id,
    contributions.insu_admdvs as admdvs,
    contributions.clct_id as entity_key,
    {{ dbt.concat(["'人员编号不存在：'", "contributions.psn_no"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from {{ ref('fct_contribution') }} as contributions
left join {{ ref('stg_psn_info') }} as persons
    on contributions.psn_no = persons.psn_no
where persons.psn_no is null
