-- Valid reversals whose original settlement (init_setl_id) was never delivered.
with settlements as (
    select
        setl_id,
        insu_admdvs,
        init_setl_id,
        is_reversal,
        is_valid
    from {{ ref('fct_settlement') }}
)

select
    'setl_orphan_reversal' as rule_id,
    reversal.insu_admdvs as admdvs,
    reversal.setl_id as entity_key,
    {{ dbt.concat(["'原结算 '", "coalesce(reversal.init_setl_id, '（空）')", "' 不存在'"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from settlements as reversal
left join settlements as original
    on reversal.init_setl_id = original.setl_id
where reversal.is_reversal
    and reversal.is_valid
    and original.setl_id is null
