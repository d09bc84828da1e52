-- 人员参保信息（各版本）: every delivered version of each enrollment record. The platform rewrites one row per person x
-- scheme at each pause and re-enrolment, so its versions, not its latest, tell the spells (fct_enrollment_span,
-- DESIGN §4 Active enrollment). The scope layer reads it too, for the numbers a record was under (int_scope__numbers).
-- Codes are mapped as in stg_psn_insu (macros/code_map.sql).
{{ config(materialized='view') }}

select
    versions.psn_insu_rlts_id,
    versions.psn_no,
    {{ yibao.mapped_code('insutype', 'versions') }} as insutype,
    {{ yibao.mapped_code('psn_type', 'versions') }} as psn_type,
    versions.psn_insu_stas,
    versions.psn_insu_date,
    versions.paus_insu_date,
    versions.first_insu_date,
    versions.insu_admdvs,
    versions.emp_no,
    versions.cvlserv_flag,
    versions.updt_time,
    versions._file,
    versions._delivery_date,
    versions._row_number,
    versions._loaded_at
from {{ source('raw', 'psn_insu') }} as versions
{{ yibao.code_map_joins('insutype', 3, 'versions') }}
{{ yibao.code_map_joins('psn_type', 2, 'versions') }}
