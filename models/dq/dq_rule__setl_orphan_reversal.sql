-- Valid reversals whose original settlement (init_setl_id) was never delivered.
-- Incremental: a run judges the reversals of int_scope__settlements, which holds the reversals of originals loaded
-- since the last complete run (an original can arrive after its reversal); the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select setl_id from {{ ref('int_scope__settlements') }}")) }}
-- depends_on: {{ ref('int_scope__settlements') }} (the scope, read by an incremental run only)

-- the reversals judged: every one in a full build, those in scope in an incremental run
with reversals as (
    select
        setl_id,
        insu_admdvs,
        init_setl_id
    from {{ ref('fct_settlement') }}
    where is_reversal and is_valid
    {%- if is_incremental() %}
        and setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    {%- endif %}
)

select
    'setl_orphan_reversal' as rule_id,
    reversal.insu_admdvs as admdvs,
    reversal.setl_id as entity_key,
    {{ dbt.concat(["'原结算 '", "coalesce(reversal.init_setl_id, '（空）')", "' 不存在'"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from reversals as reversal
left join {{ ref('fct_settlement') }} as original
    on reversal.init_setl_id = original.setl_id
where original.setl_id is null
