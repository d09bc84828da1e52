-- One row per insurance scheme (险种类型).
select insutype, insutype_name_zh, insutype_name_en, is_basic, scheme
from {{ ref('insutype') }}
