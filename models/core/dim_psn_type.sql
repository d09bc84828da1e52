-- One row per person type (人员类别) with its class, the first two digits.
select
    psn_type.psn_type,
    psn_type.psn_type_name_zh,
    psn_type.psn_type_name_en,
    psn_type.psn_class,
    psn_class.psn_class_name_zh,
    psn_class.psn_class_name_en
from {{ ref('psn_type') }} as psn_type
left join {{ ref('psn_class') }} as psn_class
    on psn_type.psn_class = psn_class.psn_class
