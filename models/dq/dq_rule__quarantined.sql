-- Rows quarantined on landing: they were not loaded, and stay listed until the sender corrects them. Each goes to
-- the region its line names (a code of seeds/region.csv), else to int_region__unattributed.
with unattributed as (
    select admdvs from {{ ref('int_region__unattributed') }}
)

select
    'quarantined' as rule_id,
    coalesce(quarantined.admdvs, unattributed.admdvs) as admdvs,
    {{ dbt.concat(["quarantined.file", "'#'", "cast(quarantined.row_number as " ~ dbt.type_string() ~ ")"]) }} as entity_key,
    quarantined.reason as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from {{ ref('stg_quarantine_rows') }} as quarantined
cross join unattributed
