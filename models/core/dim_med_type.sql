-- One row per medical type (医疗类别) with its group; unknown local codes roll up by their first digit.
select
    med_type,
    med_type_name_zh,
    med_type_name_en,
    med_group,
    counts_toward_cap
from {{ ref('med_type') }}
