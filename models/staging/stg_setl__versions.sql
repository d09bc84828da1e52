-- 结算信息（各版本）: every delivered version of each settlement: its key, person, institution, time and the
-- original it reverses. The scope layer reads it for the settlements a delivery touches (int_scope__settlements).
{{ config(materialized='view') }}

select
    setl_id,
    psn_no,
    refd_setl_flag,
    init_setl_id,
    fixmedins_code,
    setl_time,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from {{ source('raw', 'setl') }}
