-- 人员基本信息（各版本）: every delivered version of each person record, pseudonymised: which person (person_id) each
-- psn_no was under in each version. The scope layer (int_scope__persons, int_scope__settlement_persons) reads it for a
-- few touched psn_no, to find the person a number was under before a corrected ID number moved it. A table, appended
-- to: as a view, the pseudonym of all 2 M versions was computed before the few were picked (1 s of CPU at 2 M persons
-- for each reader). surv_stas tells when a death became known (int_person__deaths).
{{ config(**yibao.incremental_config(['_delivery_date', '_row_number'], on_parquet='append')) }}

select
    psn_no,
    {{ person_id(person_key('certno', 'psn_no')) }} as person_id,
    surv_stas,
    updt_time,
    _delivery_date,
    _row_number,
    _loaded_at
from {{ source('raw', 'psn_info') }}
{%- if is_incremental() %}
where _loaded_at > (
    select coalesce(max(stored._loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }} as stored
)
{%- endif %}
