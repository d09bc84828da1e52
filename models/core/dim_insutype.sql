-- One row per insurance scheme (险种类型), with the pooled fund its money is booked to (null for none).
select
    insutype,
    insutype_name_zh,
    insutype_name_en,
    is_basic,
    scheme,
    {{ seed_text('pooled_fund_type') }} as pooled_fund_type
from {{ ref('insutype') }}
