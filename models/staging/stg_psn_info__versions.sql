-- 人员基本信息（各版本）: every delivered version of each person record, pseudonymised: which person (person_id) each
-- psn_no was under in each version. A view: the person-level DQ rules read it for a few touched psn_no, to find the
-- person a number was under before a corrected ID number moved it (macros/dq_rule_incremental.sql).
{{ config(materialized='view') }}

select
    psn_no,
    {{ person_id(person_key('certno', 'psn_no')) }} as person_id,
    updt_time,
    _delivery_date,
    _row_number,
    _loaded_at
from {{ source('raw', 'psn_info') }}
