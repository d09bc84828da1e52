-- Valid reversals whose original settlement (init_setl_id) was never delivered.
-- Incremental (replace_scope on entity_key = the reversal's setl_id): a nightly run judges the settlement rows loaded
-- since the last run, and the reversals of originals loaded since (an original can arrive after its reversal).
{{ config(**yibao.dq_rule_incremental_config(['fct_settlement'])) }}

with settlements as (
    select
        setl_id,
        insu_admdvs,
        init_setl_id,
        is_reversal,
        is_valid
    from {{ ref('fct_settlement') }}
),
{%- if is_incremental() %}

-- read from the fact, not from settlements: a third use of that CTE would make DuckDB keep a copy of the whole fact
loaded as {{ yibao.materialized() }} (
    select
        setl_id,
        insu_admdvs,
        init_setl_id,
        is_reversal,
        is_valid
    from {{ ref('fct_settlement') }}
    where _loaded_at > {{ yibao.loaded_through() }}
),

judged as {{ yibao.materialized() }} (
    select * from loaded
    union
    select settlements.*
    from settlements
    where settlements.is_reversal
        and settlements.init_setl_id in (select loaded.setl_id from loaded)
),

scope as (
    select setl_id as entity_key from judged
),
{%- endif %}

-- the reversals judged: every one in a full build, those in scope in an incremental run
reversals as (
    select * from {{ 'judged' if is_incremental() else 'settlements' }}
    where is_reversal and is_valid
)

select
    'setl_orphan_reversal' as rule_id,
    reversal.insu_admdvs as admdvs,
    reversal.setl_id as entity_key,
    {{ dbt.concat(["'原结算 '", "coalesce(reversal.init_setl_id, '（空）')", "' 不存在'"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from reversals as reversal
left join settlements as original
    on reversal.init_setl_id = original.setl_id
where original.setl_id is null
{{ yibao.dq_rule_scope_rows() }}
