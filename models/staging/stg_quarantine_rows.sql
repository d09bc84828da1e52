-- Rows ingest quarantined on landing (隔离行), one row per file and data-row number.
select
    file,
    delivery_date,
    row_number,
    reason,
    original_line,
    quarantined_at,
    admdvs
from {{ source('ingest', 'quarantine_rows') }}
