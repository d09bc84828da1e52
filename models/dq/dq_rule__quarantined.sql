-- Rows quarantined on landing: they were not loaded, and stay listed until the sender corrects them.
select
    'quarantined' as rule_id,
    '{{ var("home_city") }}' as admdvs,
    {{ dbt.concat(["file", "'#'", "cast(row_number as " ~ dbt.type_string() ~ ")"]) }} as entity_key,
    reason as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from {{ ref('stg_quarantine_rows') }}
