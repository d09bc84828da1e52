-- 人员参保信息（各版本）: every delivered version of each enrollment record, key and number only. The scope layer reads
-- it for the numbers an enrollment record was under before it moved to another psn_no (int_scope__numbers).
{{ config(materialized='view') }}

select
    psn_insu_rlts_id,
    psn_no,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from {{ source('raw', 'psn_insu') }}
