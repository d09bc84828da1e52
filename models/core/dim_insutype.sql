-- One row per insurance scheme (险种类型), with the pooled fund its money is booked to.
select insutype, insutype_name_zh, insutype_name_en, is_basic, scheme, pooled_fund_type
from {{ ref('insutype') }}
