-- One row per person (person_id) x scheme (insutype) x year: the pooled fund paid to the person in the year (统筹基金
-- 年度累计支付), over every valid settlement of any medical type, net of reversals in the year each row is booked.
-- The benefit audit's annual cap runs over this total (policy 004's cap is per person-year, not per admission).
-- Incremental: a run takes again the persons of int_scope__settlement_persons, whose settlements it judges again.
{{ config(**yibao.incremental_config(
    ['person_id', 'insutype', 'setl_year'],
    replace_where="person_id in (select person_id from {{ ref('int_scope__settlement_persons') }})"
)) }}
-- depends_on: {{ ref('int_scope__settlement_persons') }} (the scope, read by an incremental run only)

select
    person_id,
    insutype,
    cast(extract(year from setl_time) as integer) as setl_year,
    count(*) as settlement_rows,
    cast(sum(hifp_pay) as decimal(18, 2)) as hifp_pay,
    {{ yibao.written_at() }} as _written_at
from {{ ref('fct_settlement') }}
where is_valid
    and person_id is not null
    and insutype in ('310', '390')
{%- if is_incremental() %}
        and person_id in (select person_id from {{ ref('int_scope__settlement_persons') }})
    {%- endif %}
group by person_id, insutype, cast(extract(year from setl_time) as integer)
