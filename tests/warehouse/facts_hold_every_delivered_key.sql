-- Warehouse identity (error): every settlement and contribution line delivered is in its fact. One row per key that
-- some delivered version names and the fact lacks; the facts' key tests check that no key is there twice.
-- It reads the raw extracts, not the staging views over them, and judges every key each run: an anti join on the key
-- alone, about 2 s of a nightly's thread time at 2 M persons. It caught, as ledger_reconciles_with_facts did when it
-- read staging, the settlements a nightly once lost between staging and fct_settlement (docs/PERFORMANCE.md).
{{ config(severity='error', tags=['warehouse_identity']) }}

select distinct
    'setl' as extract,
    delivered.setl_id as missing_key
from {{ source('raw', 'setl') }} as delivered
where not exists (
    select 1 from {{ ref('fct_settlement') }} as fact
    where fact.setl_id = delivered.setl_id
)

union all

select distinct
    'clct' as extract,
    delivered.clct_id as missing_key
from {{ source('raw', 'clct') }} as delivered
where not exists (
    select 1 from {{ ref('fct_contribution') }} as fact
    where fact.clct_id = delivered.clct_id
)
