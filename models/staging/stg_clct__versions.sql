-- 征缴明细（各版本）: every delivered version of each contribution line, its key and person. The scope layer reads it
-- for the lines loaded since the last complete run (int_scope__contributions).
{{ config(materialized='view') }}

select
    clct_id,
    psn_no,
    insutype,
    arvl_date,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from {{ source('raw', 'clct') }}
